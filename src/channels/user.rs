use sha2::{Digest, Sha256};

/// A resident as a channel knows them (a WeChat OpenID, a bot framework's user id).
/// The id itself is never stored nor logged: the store keys on a hash of it, and logs
/// show the hash's first characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUser {
    channel: String,
    id: String,
}

impl ChannelUser {
    pub fn new(channel: impl Into<String>, id: impl Into<String>) -> ChannelUser {
        ChannelUser {
            channel: channel.into(),
            id: id.into(),
        }
    }

    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// A stable key for the store: SHA-256 of channel and id, in hex.
    pub fn key(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(self.channel.as_bytes());
        hash.update([0]);
        hash.update(self.id.as_bytes());
        hex::encode(hash.finalize())
    }

    /// How logs name the user: the channel and the first characters of the key.
    pub fn masked(&self) -> String {
        format!("{}:{}", self.channel, &self.key()[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::ChannelUser;

    #[test]
    fn the_key_depends_on_channel_and_id_and_hides_both() {
        let a = ChannelUser::new("wechat", "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
        let b = ChannelUser::new("bridge:qq", "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
        assert_ne!(a.key(), b.key());
        assert_eq!(a.key(), a.clone().key());
        assert!(!a.key().contains("oyOR") && !a.masked().contains("oyOR"));
        assert!(a.masked().starts_with("wechat:"));
    }
}
