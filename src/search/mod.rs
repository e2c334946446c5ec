//! The knowledge index: a tantivy index of the corpus segmented by jieba, stored under
//! the data folder by corpus fingerprint, and the query built from segmented terms.

mod build;
mod query;
mod schema;

pub use build::{IndexLocation, SearchError};
pub use query::{Hit, KnowledgeIndex, SearchOutcome, SearchSettings, Snippet, Snippets};
