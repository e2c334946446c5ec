//! One turn of a conversation: what the reply says, in the words a channel shows.

mod compose;
pub mod intake;

pub use compose::{compose_reply, emergency, ReplyParts};
pub use intake::{read_answers, Answers, Intake};
