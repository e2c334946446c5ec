//! WeChat delivers a message again when the reply is slow (up to three times, five
//! seconds apart, with the same MsgId). Each delivery is answered once: the reply is
//! remembered for a while, and a retry arriving while the first delivery is still being
//! answered waits for that answer instead of making a second one (and a second case).

use crate::store::{codec, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What was said to a delivery: a text, or nothing (WeChat then shows nothing).
pub type Said = Option<String>;

#[derive(Debug, Serialize, Deserialize)]
struct Remembered {
    said: Said,
    until: DateTime<Utc>,
}

/// A delivery being answered: whoever comes first fills it, the others wait on it.
/// It holds None when the answer failed.
type Slot = Arc<OnceLock<Option<Said>>>;

#[derive(Debug, thiserror::Error)]
pub enum OnceError<E> {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The answer failed for the delivery that made it.
    #[error(transparent)]
    Failed(E),
    /// It failed for a delivery this one waited on; the next retry tries again.
    #[error("an earlier delivery of the same message could not be answered")]
    EarlierFailed,
}

pub struct ReplyOnce {
    tree: sled::Tree,
    remember_for: Duration,
    in_flight: Mutex<HashMap<String, Slot>>,
    last_sweep: Mutex<Option<DateTime<Utc>>>,
}

/// How often remembered replies past their time are removed.
const SWEEP_EVERY_SECS: i64 = 60;

impl ReplyOnce {
    pub fn new(tree: sled::Tree, remember_secs: u64) -> ReplyOnce {
        ReplyOnce {
            tree,
            remember_for: Duration::seconds(i64::try_from(remember_secs).unwrap_or(i64::MAX / 2)),
            in_flight: Mutex::new(HashMap::new()),
            last_sweep: Mutex::new(None),
        }
    }

    /// The reply to the delivery `key`: the remembered one, the one being made by an
    /// earlier delivery, or `answer()`'s.
    pub fn once<E>(
        &self,
        key: &str,
        now: DateTime<Utc>,
        answer: impl FnOnce() -> Result<Said, E>,
    ) -> Result<Said, OnceError<E>> {
        let slot = {
            // Looked up under the lock that also guards remembering, so that a
            // delivery never misses both the remembered reply and the one in flight.
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(said) = self.remembered(key, now)? {
                return Ok(said);
            }
            in_flight.entry(key.to_string()).or_default().clone()
        };
        let mut failure = None;
        let outcome = slot.get_or_init(|| match answer() {
            Ok(said) => Some(said),
            Err(e) => {
                failure = Some(e);
                None
            }
        });
        {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(said) = outcome {
                self.remember(key, said, now)?;
            }
            if in_flight.get(key).is_some_and(|s| Arc::ptr_eq(s, &slot)) {
                in_flight.remove(key);
            }
        }
        match (outcome, failure) {
            (Some(said), _) => Ok(said.clone()),
            (None, Some(e)) => Err(OnceError::Failed(e)),
            (None, None) => Err(OnceError::EarlierFailed),
        }
    }

    fn remembered(&self, key: &str, now: DateTime<Utc>) -> Result<Option<Said>, StoreError> {
        Ok(codec::get::<Remembered>(&self.tree, key.as_bytes())?
            .filter(|r| r.until > now)
            .map(|r| r.said))
    }

    fn remember(&self, key: &str, said: &Said, now: DateTime<Utc>) -> Result<(), StoreError> {
        let record = Remembered {
            said: said.clone(),
            until: now + self.remember_for,
        };
        codec::put(&self.tree, key.as_bytes(), &record)?;
        self.sweep(now)
    }

    /// Removes replies past their time, at most once a minute.
    fn sweep(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        {
            let mut last = self.last_sweep.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|at| now - at < Duration::seconds(SWEEP_EVERY_SECS)) {
                return Ok(());
            }
            *last = Some(now);
        }
        for item in self.tree.iter() {
            let (key, value) = item?;
            let expired =
                serde_json::from_slice::<Remembered>(&value).map_or(true, |r| r.until <= now);
            if expired {
                self.tree.remove(key)?;
            }
        }
        Ok(())
    }

    /// How many replies are remembered now (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;

    fn once() -> ReplyOnce {
        let db = sled::Config::new().temporary(true).open().unwrap();
        ReplyOnce::new(db.open_tree("r").unwrap(), 300)
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn concurrent_deliveries_share_one_answer() {
        let replies = once();
        let answered = AtomicUsize::new(0);
        let start = Barrier::new(3);
        let said: Vec<Said> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        replies
                            .once("msg/1", now(), || {
                                answered.fetch_add(1, Ordering::SeqCst);
                                // Slow, as the chat can be: the others arrive meanwhile.
                                std::thread::sleep(std::time::Duration::from_millis(50));
                                Ok::<_, ()>(Some("答复".to_string()))
                            })
                            .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(answered.load(Ordering::SeqCst), 1);
        assert!(said.iter().all(|s| s.as_deref() == Some("答复")));
    }

    #[test]
    fn a_reply_is_remembered_until_its_time_and_failures_are_not() {
        let replies = once();
        let first = replies.once("k", now(), || Ok::<_, ()>(None)).unwrap();
        assert_eq!(first, None);
        let again = replies
            .once("k", now() + Duration::seconds(299), || {
                Ok::<_, ()>(Some("new".into()))
            })
            .unwrap();
        assert_eq!(again, None, "remembered");
        let later = replies
            .once("k", now() + Duration::seconds(301), || {
                Ok::<_, ()>(Some("new".into()))
            })
            .unwrap();
        assert_eq!(later.as_deref(), Some("new"));

        let failed = replies.once("f", now(), || Err::<Said, _>("broken"));
        assert!(matches!(failed, Err(OnceError::Failed("broken"))));
        let retried = replies.once("f", now(), || Ok::<_, &str>(Some("ok".into())));
        assert_eq!(retried.unwrap().as_deref(), Some("ok"));
    }

    #[test]
    fn old_replies_are_swept() {
        let replies = once();
        replies.once("a", now(), || Ok::<_, ()>(None)).unwrap();
        assert_eq!(replies.len(), 1);
        let much_later = now() + Duration::hours(1);
        replies.once("b", much_later, || Ok::<_, ()>(None)).unwrap();
        assert_eq!(replies.len(), 1, "a is gone, b stays");
    }
}
