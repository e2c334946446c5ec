use super::crypto::{CryptError, MessageCrypt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[wechat]`: the Official Account bridge. It is on when a token is set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WeChatSettings {
    /// Where WeChat calls the service (the server URL set in the account's console).
    pub path: String,
    /// The Token set in the console; empty turns the bridge off.
    pub token: String,
    /// The EncodingAESKey (43 characters) for 兼容 and 安全 modes; empty for 明文 only.
    pub aes_key: String,
    /// The account's AppID, checked inside every encrypted message.
    pub app_id: String,
    /// The service's public address (https://…), for links to the full answer page
    /// when a reply is too long for WeChat; empty leaves such replies without a link.
    pub public_base_url: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a reply is remembered, so that WeChat's retries of the same message
    /// get the same reply, in seconds.
    pub remember_replies_secs: u64,
    /// Menu keys (of CLICK buttons) and the knowledge entry each one shows.
    pub menu: BTreeMap<String, String>,
}

impl Default for WeChatSettings {
    fn default() -> Self {
        let menu = [
            ("MENU_ELDER_SUPPORT", "elder-support-refused"),
            ("MENU_WAGES", "wage-arrears"),
            ("MENU_FRAUD", "telecom-fraud-after-transfer"),
            ("MENU_DOMESTIC_VIOLENCE", "domestic-violence"),
            ("MENU_MEDIATION", "people-mediation"),
            ("MENU_LEGAL_AID", "legal-aid-apply"),
        ];
        WeChatSettings {
            path: "/wechat".into(),
            token: String::new(),
            aes_key: String::new(),
            app_id: String::new(),
            public_base_url: String::new(),
            max_body_bytes: 32 * 1024,
            remember_replies_secs: 300,
            menu: menu
                .into_iter()
                .map(|(key, entry)| (key.to_string(), entry.to_string()))
                .collect(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("[wechat] path must start with / (it is {0:?})")]
    BadPath(String),
    #[error("[wechat] aes_key: {0}")]
    BadKey(CryptError),
    #[error(
        "[wechat] aes_key is set but app_id is empty: encrypted messages are checked against it"
    )]
    NoAppId,
    #[error("[wechat] public_base_url must start with http:// or https:// (it is {0:?})")]
    BadBaseUrl(String),
}

impl WeChatSettings {
    pub fn enabled(&self) -> bool {
        !self.token.is_empty()
    }

    /// The cipher of 兼容 and 安全 modes, when a key is set.
    pub fn crypt(&self) -> Result<Option<MessageCrypt>, SettingsError> {
        if self.aes_key.is_empty() {
            return Ok(None);
        }
        if self.app_id.is_empty() {
            return Err(SettingsError::NoAppId);
        }
        MessageCrypt::new(&self.aes_key, &self.app_id)
            .map(Some)
            .map_err(SettingsError::BadKey)
    }

    /// Checks what start-up can check, so that a misconfigured bridge stops the
    /// service rather than refusing every message later.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !self.enabled() {
            return Ok(());
        }
        if !self.path.starts_with('/') {
            return Err(SettingsError::BadPath(self.path.clone()));
        }
        let base = &self.public_base_url;
        let is_url = base.starts_with("https://") || base.starts_with("http://");
        if !base.is_empty() && !is_url {
            return Err(SettingsError::BadBaseUrl(base.clone()));
        }
        self.crypt().map(|_| ())
    }

    /// The full answer page of an entry, when the public address is known.
    pub fn answer_url(&self, entry_id: &str) -> Option<String> {
        (!self.public_base_url.is_empty()).then(|| {
            format!(
                "{}/answers/{entry_id}",
                self.public_base_url.trim_end_matches('/')
            )
        })
    }
}
