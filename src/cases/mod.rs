//! Cases: a dispute or danger that a person must follow until it is closed. Opened by
//! the chat once triage says a person must act and the place is known, routed to a
//! concrete handler from the directory, and escalated one tier ("村报告、镇处理、区办结")
//! when nobody accepts it in time. Stored in sled and flushed before the resident
//! is told its number.

mod book;
mod clock;
mod model;

pub use book::{CaseBook, CaseError, NewCase, Notice};
pub use clock::{Clock, ManualClock, SystemClock};
pub use model::{Case, CaseEvent, CaseHandler, CaseSettings, CaseStatus};
