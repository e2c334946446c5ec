//! Channels that relay residents' messages from elsewhere: the WeChat Official Account
//! bridge and the generic JSON bridge for bot frameworks. Protocol work only (signatures,
//! encryption, XML, shortening): the engine answers through [`crate::service::Service`],
//! and `http/` maps requests and errors to HTTP.

pub mod bridge;
mod user;
pub mod wechat;

pub use user::ChannelUser;

use crate::config::Config;
use crate::store::{Store, StoreError};

/// What the channels remember between requests, shared by every HTTP worker.
pub struct Channels {
    /// WeChat replies by message, so that a retried delivery is answered once.
    pub wechat_replies: wechat::ReplyOnce,
    /// Bridge signatures seen within the freshness window, to refuse replays.
    pub bridge_replays: bridge::ReplayGuard,
}

impl Channels {
    pub fn new(store: &Store, config: &Config) -> Result<Channels, StoreError> {
        Ok(Channels {
            wechat_replies: wechat::ReplyOnce::new(
                store.tree("wechat_replies")?,
                config.wechat.remember_replies_secs,
            ),
            bridge_replays: bridge::ReplayGuard::default(),
        })
    }
}
