use super::codec::{get, put};
use crate::dialog::Intake;
use crate::directory::PlaceRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sled(#[from] sled::Error),
    #[error("store: a record cannot be read: {0}")]
    Codec(#[from] serde_json::Error),
}

/// One conversation of one resident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub turns: u32,
    /// What the resident has told so far that later turns need (place, contact, …),
    /// as the rules see it.
    #[serde(default)]
    pub known: BTreeMap<String, String>,
    /// Where the resident lives, once recognised.
    #[serde(default)]
    pub place: Option<PlaceRef>,
    /// A case being taken in over several turns.
    #[serde(default)]
    pub intake: Option<Intake>,
    /// The danger (red) case this conversation opened: a danger reported again is added
    /// to it while it is open, rather than opening another for the same handler.
    #[serde(default)]
    pub danger_case: Option<String>,
}

/// One message and what the service made of it. `text` is masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub at: DateTime<Utc>,
    pub text: String,
    pub entries: Vec<String>,
    pub abstained: bool,
    pub risk: String,
    pub domain: Option<String>,
    pub role: String,
}

/// The sled database and its trees.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    sessions: sled::Tree,
    turns: sled::Tree,
}

impl Store {
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let db = sled::open(dir.join("store"))?;
        Ok(Store {
            sessions: db.open_tree("sessions")?,
            turns: db.open_tree("turns")?,
            db,
        })
    }

    /// A store in memory only, for tests and benchmarks.
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        Ok(Store {
            sessions: db.open_tree("sessions")?,
            turns: db.open_tree("turns")?,
            db,
        })
    }

    pub fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        get(&self.sessions, id.as_bytes())
    }

    pub fn new_session(&self) -> Result<Session, StoreError> {
        let now = Utc::now();
        let session = Session {
            id: uuid::Uuid::new_v4().to_string(),
            created: now,
            updated: now,
            turns: 0,
            known: BTreeMap::new(),
            place: None,
            intake: None,
            danger_case: None,
        };
        put(&self.sessions, session.id.as_bytes(), &session)?;
        Ok(session)
    }

    /// Appends a turn to the session and saves both: the turn key is (session id, turn
    /// number), so a turn is never overwritten.
    pub fn record_turn(&self, session: &mut Session, turn: &Turn) -> Result<(), StoreError> {
        let key = turn_key(&session.id, session.turns);
        session.turns += 1;
        session.updated = turn.at;
        put(&self.turns, &key, turn)?;
        put(&self.sessions, session.id.as_bytes(), session)?;
        Ok(())
    }

    pub fn turns(&self, session_id: &str) -> Result<Vec<Turn>, StoreError> {
        let prefix = format!("{session_id}/");
        self.turns
            .scan_prefix(prefix.as_bytes())
            .map(|kv| Ok(serde_json::from_slice(&kv?.1)?))
            .collect()
    }

    /// Deletes a session and all its turns; returns whether the session existed.
    pub fn forget_session(&self, id: &str) -> Result<bool, StoreError> {
        let prefix = format!("{id}/");
        for key in self.turns.scan_prefix(prefix.as_bytes()).keys() {
            self.turns.remove(key?)?;
        }
        Ok(self.sessions.remove(id.as_bytes())?.is_some())
    }

    /// Another tree of the same database (cases, outbox, …).
    pub fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree(name)?)
    }

    /// A number never handed out before in this database, for ids and keys.
    pub fn next_id(&self) -> Result<u64, StoreError> {
        Ok(self.db.generate_id()?)
    }

    /// Writes everything to disk; returns once it is durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

fn turn_key(session_id: &str, number: u32) -> Vec<u8> {
    // Zero-padded so keys sort in turn order.
    format!("{session_id}/{number:08}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_are_kept_in_order_per_session() {
        let store = Store::temporary().unwrap();
        let mut a = store.new_session().unwrap();
        let mut b = store.new_session().unwrap();
        let turn = |text: &str| Turn {
            at: Utc::now(),
            text: text.into(),
            entries: vec![],
            abstained: true,
            risk: "blue".into(),
            domain: None,
            role: "none".into(),
        };
        store.record_turn(&mut a, &turn("一")).unwrap();
        store.record_turn(&mut b, &turn("别人的")).unwrap();
        store.record_turn(&mut a, &turn("二")).unwrap();
        let texts: Vec<String> = store
            .turns(&a.id)
            .unwrap()
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(texts, vec!["一", "二"]);
        assert_eq!(store.session(&a.id).unwrap().unwrap().turns, 2);
        assert!(store.session("nope").unwrap().is_none());

        assert!(store.forget_session(&a.id).unwrap());
        assert!(store.session(&a.id).unwrap().is_none());
        assert!(store.turns(&a.id).unwrap().is_empty());
        assert_eq!(store.turns(&b.id).unwrap().len(), 1, "others keep theirs");
        assert!(!store.forget_session(&a.id).unwrap());
    }
}
