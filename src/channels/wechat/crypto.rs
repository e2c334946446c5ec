//! The message encryption of 兼容 and 安全 modes: AES-256-CBC with the key decoded from
//! the EncodingAESKey and the key's first 16 bytes as IV. The plaintext is 16 random
//! bytes, the message length (4 bytes, big-endian), the message and the AppID, padded
//! PKCS#7-style to a multiple of 32 bytes (WeChat's block, not AES's); the ciphertext
//! travels in base64.

use aes::Aes256;
use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD as BASE64};
use base64::Engine;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use rand::RngCore;

/// 43 base64 characters carry 258 bits for a 256-bit key: the last character's two
/// spare bits need not be zero (WeChat's consoles do not make them so).
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// WeChat pads to this many bytes.
const PAD_BLOCK: usize = 32;
const AES_BLOCK: usize = 16;
const RANDOM_PREFIX: usize = 16;
const LENGTH_FIELD: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptError {
    #[error("the EncodingAESKey must be 43 characters that decode to a 32-byte key")]
    BadKey,
    #[error("the ciphertext is not base64")]
    NotBase64,
    #[error("the ciphertext is not a whole number of AES blocks")]
    BadLength,
    #[error("the decrypted message has broken padding (wrong key or damaged ciphertext)")]
    BadPadding,
    #[error("the decrypted message is shorter than its length field says")]
    BadFrame,
    #[error("the decrypted message is not UTF-8")]
    NotUtf8,
    #[error("the decrypted message is for another AppID")]
    WrongAppId,
}

/// Encrypts and decrypts messages of one account.
#[derive(Clone)]
pub struct MessageCrypt {
    key: [u8; 32],
    app_id: String,
}

impl std::fmt::Debug for MessageCrypt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("MessageCrypt")
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl MessageCrypt {
    /// `encoding_aes_key` is the 43-character EncodingAESKey of the account's console.
    pub fn new(encoding_aes_key: &str, app_id: &str) -> Result<MessageCrypt, CryptError> {
        if encoding_aes_key.len() != 43 {
            return Err(CryptError::BadKey);
        }
        let key = KEY_BASE64
            .decode(format!("{encoding_aes_key}="))
            .map_err(|_| CryptError::BadKey)?;
        Ok(MessageCrypt {
            key: key.try_into().map_err(|_| CryptError::BadKey)?,
            app_id: app_id.to_string(),
        })
    }

    fn iv(&self) -> [u8; AES_BLOCK] {
        let mut iv = [0; AES_BLOCK];
        iv.copy_from_slice(&self.key[..AES_BLOCK]);
        iv
    }

    /// Encrypts a message with a fresh random prefix.
    pub fn encrypt(&self, message: &str) -> String {
        let mut random = [0; RANDOM_PREFIX];
        rand::thread_rng().fill_bytes(&mut random);
        self.encrypt_with_prefix(message, &random)
    }

    /// Encrypts with the given random prefix (fixed in tests, to compare with other
    /// implementations byte for byte).
    pub fn encrypt_with_prefix(&self, message: &str, random: &[u8; RANDOM_PREFIX]) -> String {
        let length = u32::try_from(message.len()).expect("a WeChat message is far below 4 GiB");
        let mut plain = Vec::with_capacity(
            RANDOM_PREFIX + LENGTH_FIELD + message.len() + self.app_id.len() + PAD_BLOCK,
        );
        plain.extend_from_slice(random);
        plain.extend_from_slice(&length.to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(self.app_id.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        plain.resize(plain.len() + pad, pad as u8);
        let len = plain.len();
        cbc::Encryptor::<Aes256>::new(&self.key.into(), &self.iv().into())
            .encrypt_padded_mut::<NoPadding>(&mut plain, len)
            .expect("the plaintext is padded to whole blocks");
        BASE64.encode(plain)
    }

    /// Decrypts a message and checks it is for this account's AppID.
    pub fn decrypt(&self, encrypted: &str) -> Result<String, CryptError> {
        let mut data = BASE64
            .decode(encrypted.trim())
            .map_err(|_| CryptError::NotBase64)?;
        if data.is_empty() || data.len() % AES_BLOCK != 0 {
            return Err(CryptError::BadLength);
        }
        let plain = cbc::Decryptor::<Aes256>::new(&self.key.into(), &self.iv().into())
            .decrypt_padded_mut::<NoPadding>(&mut data)
            .map_err(|_| CryptError::BadLength)?;
        let pad = usize::from(*plain.last().ok_or(CryptError::BadPadding)?);
        if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
            return Err(CryptError::BadPadding);
        }
        let (framed, padding) = plain.split_at(plain.len() - pad);
        if padding.iter().any(|&b| usize::from(b) != pad) {
            return Err(CryptError::BadPadding);
        }
        let framed = framed
            .get(RANDOM_PREFIX..)
            .filter(|f| f.len() >= LENGTH_FIELD)
            .ok_or(CryptError::BadFrame)?;
        let (length, rest) = framed.split_at(LENGTH_FIELD);
        let length = u32::from_be_bytes(length.try_into().expect("4 bytes")) as usize;
        if rest.len() < length {
            return Err(CryptError::BadFrame);
        }
        let (message, app_id) = rest.split_at(length);
        if !constant_time_eq::constant_time_eq(app_id, self.app_id.as_bytes()) {
            return Err(CryptError::WrongAppId);
        }
        String::from_utf8(message.to_vec()).map_err(|_| CryptError::NotUtf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn a_round_trip_keeps_the_message_and_pads_to_32_bytes() {
        let crypt = MessageCrypt::new(KEY, "wx2c2769f8efd9abc2").unwrap();
        for message in ["", "a", "<xml>你好，世界</xml>", &"长".repeat(700)] {
            let encrypted = crypt.encrypt(message);
            let raw = BASE64.decode(&encrypted).unwrap();
            assert_eq!(raw.len() % PAD_BLOCK, 0);
            assert_eq!(crypt.decrypt(&encrypted).unwrap(), message);
        }
        // A frame of exactly 32 bytes is padded by a whole block of 32.
        let app = "wx0123456789"; // 16 + 4 + 0 + 12 = 32
        let crypt = MessageCrypt::new(KEY, app).unwrap();
        let raw = BASE64.decode(crypt.encrypt("")).unwrap();
        assert_eq!(raw.len(), 64);
        assert_eq!(crypt.decrypt(&crypt.encrypt("")).unwrap(), "");
    }

    #[test]
    fn the_random_prefix_makes_each_ciphertext_new() {
        let crypt = MessageCrypt::new(KEY, "wx2c2769f8efd9abc2").unwrap();
        assert_ne!(crypt.encrypt("same"), crypt.encrypt("same"));
        let prefix = [7; 16];
        assert_eq!(
            crypt.encrypt_with_prefix("same", &prefix),
            crypt.encrypt_with_prefix("same", &prefix)
        );
    }

    #[test]
    fn broken_input_and_other_accounts_are_refused() {
        let crypt = MessageCrypt::new(KEY, "wx2c2769f8efd9abc2").unwrap();
        let other = MessageCrypt::new(KEY, "wx0000000000000000").unwrap();
        let encrypted = crypt.encrypt("<xml/>");
        assert_eq!(other.decrypt(&encrypted), Err(CryptError::WrongAppId));
        assert_eq!(crypt.decrypt("not base64!"), Err(CryptError::NotBase64));
        assert_eq!(crypt.decrypt("AAAA"), Err(CryptError::BadLength));
        assert_eq!(crypt.decrypt(""), Err(CryptError::BadLength));
        let wrong_key = MessageCrypt::new(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg",
            "wx2c2769f8efd9abc2",
        )
        .unwrap();
        assert!(wrong_key.decrypt(&encrypted).is_err());
        // One flipped byte in the last block breaks the padding or the frame.
        let mut raw = BASE64.decode(&encrypted).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 0x55;
        assert!(crypt.decrypt(&BASE64.encode(raw)).is_err());
        for bad in ["", "short", &"x".repeat(44)] {
            assert_eq!(
                MessageCrypt::new(bad, "wx").unwrap_err(),
                CryptError::BadKey
            );
        }
    }
}
