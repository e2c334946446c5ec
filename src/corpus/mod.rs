//! The legal-education corpus: one Markdown file per entry with TOML front matter,
//! the category table, and the word lists for the segmenter. [`Corpus::load`] validates
//! everything and reports every problem with its file and field.

mod body;
mod entry;
mod loader;

pub use entry::{Citation, Entry};
pub use loader::{Corpus, CorpusError, Problem};
