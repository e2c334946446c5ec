use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[bridge]`: the JSON bridge for bot frameworks. Each channel has its own secret;
/// with none configured, every bridge request is refused.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BridgeSettings {
    /// How far a request's timestamp may be from the service's clock, in seconds.
    pub max_clock_skew_secs: u64,
    /// The channels by name (`[bridge.channels.NAME]`), as they appear in the path.
    pub channels: BTreeMap<String, BridgeChannel>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BridgeChannel {
    /// The shared secret of the HMAC signature.
    pub secret: String,
}

impl Default for BridgeSettings {
    fn default() -> Self {
        BridgeSettings {
            max_clock_skew_secs: 300,
            channels: BTreeMap::new(),
        }
    }
}

impl BridgeSettings {
    /// A channel by name, case aside (environment variables arrive in upper case).
    pub fn channel(&self, name: &str) -> Option<&BridgeChannel> {
        self.channels
            .iter()
            .find(|(n, c)| n.eq_ignore_ascii_case(name) && !c.secret.is_empty())
            .map(|(_, c)| c)
    }
}
