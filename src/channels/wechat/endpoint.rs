//! One request from WeChat, from query and body to the response body: the signature
//! check of URL verification (GET) and of messages (POST) in 明文, 兼容 and 安全 modes.

use super::crypto::{CryptError, MessageCrypt};
use super::dedupe::OnceError;
use super::message::{Incoming, MessageError};
use super::signature::{sign, verify};
use super::xml::{self, Value, XmlError};
use super::{bot, WeChatSettings};
use crate::service::{Service, ServiceError};
use rand::Rng;
use serde::Deserialize;

/// The query string WeChat puts on its calls.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WeChatQuery {
    pub signature: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub echostr: Option<String>,
    /// "aes" in 兼容 and 安全 modes.
    pub encrypt_type: Option<String>,
    pub msg_signature: Option<String>,
    /// The sender's OpenID; the body says it too, and only the body is used.
    pub openid: Option<String>,
}

/// The body WeChat takes as "received, nothing to say".
pub const NO_REPLY: &str = "success";

#[derive(Debug, thiserror::Error)]
pub enum WeChatError {
    #[error("the query has no {0}")]
    MissingParameter(&'static str),
    #[error("the signature does not match")]
    BadSignature,
    #[error("an encrypted message came but no EncodingAESKey is configured")]
    NoKey,
    #[error("the message is encrypted but the query does not say encrypt_type=aes")]
    UnexpectedEncryption,
    #[error("an EncodingAESKey is configured, so messages must come encrypted (encrypt_type=aes)")]
    EncryptionRequired,
    #[error("the body is not UTF-8")]
    NotUtf8,
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("the encrypted message: {0}")]
    Crypt(#[from] CryptError),
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("an earlier delivery of this message could not be answered")]
    EarlierFailed,
}

impl From<OnceError<ServiceError>> for WeChatError {
    fn from(error: OnceError<ServiceError>) -> WeChatError {
        match error {
            OnceError::Store(e) => WeChatError::Store(e),
            OnceError::Failed(e) => WeChatError::Service(e),
            OnceError::EarlierFailed => WeChatError::EarlierFailed,
        }
    }
}

fn required<'a>(value: &'a Option<String>, name: &'static str) -> Result<&'a str, WeChatError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or(WeChatError::MissingParameter(name))
}

/// GET: WeChat checks the server URL. The signature covers token, timestamp and nonce;
/// the answer is `echostr` as it came (in every mode, for an Official Account).
pub fn verify_url(settings: &WeChatSettings, query: &WeChatQuery) -> Result<String, WeChatError> {
    let signature = required(&query.signature, "signature")?;
    let timestamp = required(&query.timestamp, "timestamp")?;
    let nonce = required(&query.nonce, "nonce")?;
    let echostr = required(&query.echostr, "echostr")?;
    if !verify(signature, &[&settings.token, timestamp, nonce]) {
        return Err(WeChatError::BadSignature);
    }
    Ok(echostr.to_string())
}

/// A message as it arrived, checked and decrypted.
struct Opened {
    message: Incoming,
    /// The cipher to answer with, in 兼容 and 安全 modes.
    crypt: Option<MessageCrypt>,
}

/// POST: a message or event. Returns the response body: a reply (encrypted when the
/// message was) or "success" when there is nothing to say.
pub fn handle_message(
    service: &Service,
    query: &WeChatQuery,
    body: &[u8],
) -> Result<String, WeChatError> {
    let settings = &service.config().wechat;
    let opened = open(settings, query, body)?;
    let message = &opened.message;
    let said =
        service
            .channels()
            .wechat_replies
            .once(&message.delivery_key(), service.now(), || {
                bot::respond(service, message)
            })?;
    let Some(text) = said else {
        return Ok(NO_REPLY.into());
    };
    let now = service.now().timestamp();
    let reply = xml::write(&[
        ("ToUserName", Value::Text(&message.open_id)),
        ("FromUserName", Value::Text(&message.account)),
        ("CreateTime", Value::Number(now)),
        ("MsgType", Value::Text("text")),
        ("Content", Value::Text(&text)),
    ]);
    Ok(match &opened.crypt {
        Some(crypt) => seal(settings, crypt, &reply, now),
        None => reply,
    })
}

/// Checks the signatures, decrypts when the message is encrypted, and reads it.
fn open(
    settings: &WeChatSettings,
    query: &WeChatQuery,
    body: &[u8],
) -> Result<Opened, WeChatError> {
    let timestamp = required(&query.timestamp, "timestamp")?;
    let nonce = required(&query.nonce, "nonce")?;
    let encrypted = query
        .encrypt_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("aes"));
    // WeChat signs the URL in every mode; in 兼容 and 安全 modes the msg_signature
    // also covers the ciphertext. Whatever signature comes must be right.
    if let Some(signature) = query.signature.as_deref() {
        if !verify(signature, &[&settings.token, timestamp, nonce]) {
            return Err(WeChatError::BadSignature);
        }
    } else if !encrypted {
        return Err(WeChatError::MissingParameter("signature"));
    }
    let body = std::str::from_utf8(body).map_err(|_| WeChatError::NotUtf8)?;
    let fields = xml::parse(body)?;
    if !encrypted {
        if fields.contains("Encrypt") && !fields.contains("MsgType") {
            return Err(WeChatError::UnexpectedEncryption);
        }
        // In 明文 mode only the URL is signed, not the body: with a key configured
        // (兼容 or 安全 mode in the console) a plain body is refused, so that a signed
        // URL seen once cannot carry a forged message.
        if !settings.aes_key.is_empty() {
            return Err(WeChatError::EncryptionRequired);
        }
        return Ok(Opened {
            message: Incoming::from_fields(&fields)?,
            crypt: None,
        });
    }
    let crypt = settings.crypt().ok().flatten().ok_or(WeChatError::NoKey)?;
    let msg_signature = required(&query.msg_signature, "msg_signature")?;
    let ciphertext = fields
        .get("Encrypt")
        .filter(|c| !c.is_empty())
        .ok_or(MessageError::Missing("Encrypt"))?;
    if !verify(
        msg_signature,
        &[&settings.token, timestamp, nonce, ciphertext],
    ) {
        return Err(WeChatError::BadSignature);
    }
    let inner = crypt.decrypt(ciphertext)?;
    Ok(Opened {
        message: Incoming::from_fields(&xml::parse(&inner)?)?,
        crypt: Some(crypt),
    })
}

/// Encrypts a reply with a fresh nonce and signs it.
fn seal(settings: &WeChatSettings, crypt: &MessageCrypt, reply: &str, now: i64) -> String {
    let encrypted = crypt.encrypt(reply);
    let timestamp = now.to_string();
    let nonce = rand::thread_rng()
        .gen_range(100_000_000u32..1_000_000_000)
        .to_string();
    let signature = sign(&[&settings.token, &timestamp, &nonce, &encrypted]);
    xml::write(&[
        ("Encrypt", Value::Text(&encrypted)),
        ("MsgSignature", Value::Text(&signature)),
        ("TimeStamp", Value::Number(now)),
        ("Nonce", Value::Text(&nonce)),
    ])
}
