//! The generic JSON bridge: bot frameworks that relay group chats post a resident's
//! message to `POST /api/bridge/{channel}`, signed with the channel's shared secret:
//!
//! ```text
//! X-Mingbai-Timestamp: <unix seconds>
//! X-Mingbai-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>
//! ```
//!
//! A timestamp outside the freshness window, or a signature seen before within it, is
//! refused: a captured request cannot be replayed.

mod settings;
mod signature;

pub use settings::{BridgeChannel, BridgeSettings};
pub use signature::{sign, verify, BridgeError, ReplayGuard, SIGNATURE_HEADER, TIMESTAMP_HEADER};

use crate::channels::ChannelUser;
use serde::Deserialize;

/// The body of `POST /api/bridge/{channel}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeRequest {
    /// The resident's id in the bot framework (stable per person).
    pub user: String,
    pub text: String,
    /// The group chat the message came from; each person has a session per group.
    #[serde(default)]
    pub group: Option<String>,
}

/// The longest user or group id accepted.
pub const MAX_ID_CHARS: usize = 128;

impl BridgeRequest {
    /// The resident as the store knows them: per channel, group and user.
    pub fn user(&self, channel: &str) -> ChannelUser {
        let id = match &self.group {
            Some(group) => format!("{group}\u{0}{}", self.user),
            None => self.user.clone(),
        };
        ChannelUser::new(format!("bridge:{channel}"), id)
    }

    /// What is wrong with the ids, if anything.
    pub fn check_ids(&self) -> Result<(), String> {
        if self.user.trim().is_empty() {
            return Err("user must not be empty".into());
        }
        for (name, id) in [("user", Some(&self.user)), ("group", self.group.as_ref())] {
            if id.is_some_and(|id| id.chars().count() > MAX_ID_CHARS) {
                return Err(format!("{name} is longer than {MAX_ID_CHARS} characters"));
            }
        }
        Ok(())
    }
}
