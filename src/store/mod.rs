//! The embedded store (sled) in the data folder: sessions and their turns.
//! Text is masked before it is stored.

pub mod codec;
mod sessions;

pub use sessions::{Session, Store, StoreError, Turn};
