//! The WeChat Official Account bridge: URL verification, messages in 明文, 兼容 and 安全
//! modes, passive text replies within WeChat's limits, each resident's OpenID as a
//! session, retries answered once.

mod bot;
mod crypto;
mod dedupe;
mod endpoint;
mod message;
mod reply;
mod settings;
pub mod signature;
pub mod xml;

pub use bot::{ONLY_TEXT, PLEASE_TYPE, UNKNOWN_MENU, WELCOME};
pub use crypto::{CryptError, MessageCrypt};
pub use dedupe::{OnceError, ReplyOnce, Said};
pub use endpoint::{handle_message, verify_url, WeChatError, WeChatQuery, NO_REPLY};
pub use message::{Event, Incoming, Kind, MessageError, CHANNEL};
pub use reply::{chat_text, entry_text, MAX_REPLY_BYTES};
pub use settings::{SettingsError, WeChatSettings};
