//! Records in sled trees are JSON: one place that reads and writes them.

use super::StoreError;
use serde::{de::DeserializeOwned, Serialize};

pub fn get<T: DeserializeOwned>(tree: &sled::Tree, key: &[u8]) -> Result<Option<T>, StoreError> {
    match tree.get(key)? {
        Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        None => Ok(None),
    }
}

pub fn put<T: Serialize>(tree: &sled::Tree, key: &[u8], value: &T) -> Result<(), StoreError> {
    tree.insert(key, serde_json::to_vec(value)?)?;
    Ok(())
}

/// Every record of a tree, in key order.
pub fn values<T: DeserializeOwned>(tree: &sled::Tree) -> Result<Vec<T>, StoreError> {
    tree.iter()
        .values()
        .map(|bytes| Ok(serde_json::from_slice(&bytes?)?))
        .collect()
}
