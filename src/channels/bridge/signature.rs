use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;

pub const TIMESTAMP_HEADER: &str = "X-Mingbai-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Mingbai-Signature";
const SCHEME: &str = "sha256=";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BridgeError {
    #[error("no bridge channel {0:?} is configured")]
    UnknownChannel(String),
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("{TIMESTAMP_HEADER} must be unix seconds")]
    BadTimestamp,
    #[error("the timestamp is more than {0} seconds from the service's clock")]
    Stale(u64),
    #[error("{SIGNATURE_HEADER} must be sha256=<64 hex digits>")]
    MalformedSignature,
    #[error("the signature does not match")]
    BadSignature,
    #[error("this signed request was already received")]
    Replayed,
}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature header's value for a body (what a bot framework sends).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    format!(
        "{SCHEME}{}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Checks freshness, then the signature (in constant time), then that it is new.
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    max_skew_secs: u64,
    now: DateTime<Utc>,
    replays: &ReplayGuard,
) -> Result<(), BridgeError> {
    let timestamp = timestamp.ok_or(BridgeError::MissingHeader(TIMESTAMP_HEADER))?;
    let signature = signature.ok_or(BridgeError::MissingHeader(SIGNATURE_HEADER))?;
    let at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| BridgeError::BadTimestamp)?;
    if now.timestamp().abs_diff(at) > max_skew_secs {
        return Err(BridgeError::Stale(max_skew_secs));
    }
    let given = signature
        .trim()
        .strip_prefix(SCHEME)
        .and_then(|h| hex::decode(h).ok())
        .filter(|bytes| bytes.len() == 32)
        .ok_or(BridgeError::MalformedSignature)?;
    mac(secret, timestamp.trim(), body)
        .verify_slice(&given)
        .map_err(|_| BridgeError::BadSignature)?;
    replays.first_time(&given, at + max_skew_secs as i64, now)
}

/// Signatures seen while their timestamp is fresh. Past that window the timestamp
/// check refuses them anyway, so they are dropped.
#[derive(Default)]
pub struct ReplayGuard {
    seen: Mutex<HashMap<Vec<u8>, i64>>,
}

impl ReplayGuard {
    fn first_time(
        &self,
        signature: &[u8],
        fresh_until: i64,
        now: DateTime<Utc>,
    ) -> Result<(), BridgeError> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = now.timestamp();
        seen.retain(|_, until| *until >= now);
        if seen.insert(signature.to_vec(), fresh_until).is_some() {
            return Err(BridgeError::Replayed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn a_signed_request_passes_once_and_tampering_fails() {
        let guard = ReplayGuard::default();
        let body = br#"{"user":"u1","text":"hi"}"#;
        let ts = "1800000000";
        let sig = sign("s3cret", ts, body);
        // An independent computation: HMAC-SHA256 of "1800000000.{body}".
        assert_eq!(
            sig,
            format!(
                "sha256={}",
                hex::encode({
                    let mut m = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
                    m.update(b"1800000000.{\"user\":\"u1\",\"text\":\"hi\"}");
                    m.finalize().into_bytes()
                })
            )
        );
        let check = |ts: &str, sig: &str, body: &[u8], at| {
            verify("s3cret", Some(ts), Some(sig), body, 300, at, &guard)
        };
        assert_eq!(check(ts, &sig, body, now()), Ok(()));
        assert_eq!(check(ts, &sig, body, now()), Err(BridgeError::Replayed));
        let other = br#"{"user":"u2","text":"hi"}"#;
        assert_eq!(
            check(ts, &sig, other, now()),
            Err(BridgeError::BadSignature)
        );
        let wrong_secret = sign("other", ts, other);
        assert_eq!(
            check(ts, &wrong_secret, other, now()),
            Err(BridgeError::BadSignature)
        );
        assert_eq!(
            check(ts, "sha1=00", body, now()),
            Err(BridgeError::MalformedSignature)
        );
        assert_eq!(
            check(
                ts,
                &sign("s3cret", ts, other),
                other,
                now() + Duration::seconds(301)
            ),
            Err(BridgeError::Stale(300))
        );
        assert_eq!(
            check("soon", &sig, body, now()),
            Err(BridgeError::BadTimestamp)
        );
        assert_eq!(
            verify("s3cret", None, Some(&sig), body, 300, now(), &guard),
            Err(BridgeError::MissingHeader(TIMESTAMP_HEADER))
        );
    }
}
