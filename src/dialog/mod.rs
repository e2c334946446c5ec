//! One turn of a conversation: what the reply says, in the words a channel shows.

mod compose;

pub use compose::compose_reply;
