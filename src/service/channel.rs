//! Residents who come through a channel (WeChat, a bot bridge) have no session id to
//! send back: the channel's own user id stands for one. The store keeps channel user →
//! session under a hash of the user id, never the id itself.

use super::{Service, ServiceError};
use crate::api::ChatReply;
use crate::channels::ChannelUser;
use crate::store::StoreError;

/// The sled tree of channel user (hashed) → session id.
const CHANNEL_SESSIONS: &str = "channel_sessions";

/// What forgetting a channel user removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// The user had a session (and its turns), now deleted.
    pub session: bool,
    /// Cases opened in that session: kept for their handlers, no longer linked to it.
    pub cases: Vec<String>,
}

impl Service {
    /// One chat turn for a channel user, in that user's own session (a new one on the
    /// first message), so that intake over several messages works as in the chat page.
    pub fn chat_as(&self, user: &ChannelUser, raw: &str) -> Result<ChatReply, ServiceError> {
        let tree = self.store().tree(CHANNEL_SESSIONS)?;
        let key = user.key();
        let known = tree
            .get(key.as_bytes())
            .map_err(StoreError::from)?
            .map(|id| String::from_utf8_lossy(&id).into_owned());
        let reply = self.chat(known.as_deref(), raw)?;
        if known.as_deref() != Some(reply.session.as_str()) {
            tree.insert(key.as_bytes(), reply.session.as_bytes())
                .map_err(StoreError::from)?;
        }
        Ok(reply)
    }

    /// Deletes what is stored of a channel user: the session with its turns and the
    /// link to it (WeChat requires this when a resident unfollows). Cases already
    /// opened stay with their handlers but lose their link to the session.
    pub fn forget_channel_user(&self, user: &ChannelUser) -> Result<Forgotten, ServiceError> {
        let tree = self.store().tree(CHANNEL_SESSIONS)?;
        let Some(session) = tree
            .remove(user.key().as_bytes())
            .map_err(StoreError::from)?
        else {
            return Ok(Forgotten::default());
        };
        let session = String::from_utf8_lossy(&session).into_owned();
        let cases = self.cases().detach_session(&session, self.now())?;
        let had_session = self.store().forget_session(&session)?;
        self.store().flush()?;
        tracing::info!(
            user = user.masked(),
            cases = cases.len(),
            "channel user forgotten"
        );
        Ok(Forgotten {
            session: had_session,
            cases,
        })
    }
}
