use super::schema::Fields;
use crate::corpus::{Corpus, Entry};
use crate::text::{JiebaTokenizer, Segmenter, TOKENIZER_NAME};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{doc, Index, IndexWriter, TantivyDocument};

/// Bump when the schema or the tokenizer changes, so old indexes are not reused.
const INDEX_FORMAT: &str = "v1";
const WRITER_MEMORY: usize = 30_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index at {path}: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("search index at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the index of one corpus version lives: `<data>/index/<format>-<fingerprint>`.
/// A finished index appears there by one rename, so a reader never sees half an index.
pub struct IndexLocation {
    pub root: PathBuf,
    pub dir: PathBuf,
}

impl IndexLocation {
    pub fn new(data_dir: &Path, corpus: &Corpus) -> IndexLocation {
        let root = data_dir.join("index");
        let dir = root.join(format!("{INDEX_FORMAT}-{}", corpus.fingerprint()));
        IndexLocation { root, dir }
    }

    pub fn exists(&self) -> bool {
        self.dir.join("meta.json").exists()
    }
}

/// Registers the service's jieba tokenizer: tokenizers are not stored in the index.
pub fn register_tokenizer(index: &Index, segmenter: &Arc<Segmenter>) {
    let analyzer = TextAnalyzer::from(JiebaTokenizer::new(segmenter.clone()));
    index.tokenizers().register(TOKENIZER_NAME, analyzer);
}

/// Opens the index of this corpus version, building it first if it is missing
/// (or if `force`), then removes indexes of other versions.
pub fn open_or_build(
    location: &IndexLocation,
    corpus: &Corpus,
    segmenter: &Arc<Segmenter>,
    force: bool,
) -> Result<Index, SearchError> {
    if force || !location.exists() {
        build(location, corpus, segmenter)?;
    }
    let index = Index::open_in_dir(&location.dir).map_err(|source| SearchError::Tantivy {
        path: location.dir.clone(),
        source,
    })?;
    register_tokenizer(&index, segmenter);
    remove_stale(location);
    Ok(index)
}

fn build(
    location: &IndexLocation,
    corpus: &Corpus,
    segmenter: &Arc<Segmenter>,
) -> Result<(), SearchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SearchError::Io { path, source }
    };
    let staging = location
        .root
        .join(format!(".build-{}-{}", std::process::id(), unique_suffix()));
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    let tantivy_err = |source| SearchError::Tantivy {
        path: staging.clone(),
        source,
    };

    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(&staging, schema).map_err(tantivy_err)?;
    register_tokenizer(&index, segmenter);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, WRITER_MEMORY)
        .map_err(tantivy_err)?;
    for entry in corpus.entries() {
        writer
            .add_document(document(&fields, entry))
            .map_err(tantivy_err)?;
    }
    writer.commit().map_err(tantivy_err)?;
    writer.wait_merging_threads().map_err(tantivy_err)?;

    // Swap: the old version (if rebuilding) is moved aside first, then the new one
    // takes its name in one rename.
    if location.dir.exists() {
        let aside = location.root.join(format!(".old-{}", unique_suffix()));
        fs::rename(&location.dir, &aside).map_err(io(&location.dir))?;
        let _ = fs::remove_dir_all(aside);
    }
    if let Err(source) = fs::rename(&staging, &location.dir) {
        let _ = fs::remove_dir_all(&staging);
        // Another process may have finished the same version first: that one is as good.
        if !location.exists() {
            return Err(SearchError::Io {
                path: location.dir.clone(),
                source,
            });
        }
    }
    Ok(())
}

fn document(fields: &Fields, entry: &Entry) -> TantivyDocument {
    let body = format!(
        "{}\n{}\n{}",
        entry.summary,
        entry.steps.join("\n"),
        entry.details
    );
    doc!(
        fields.id => entry.id.as_str(),
        fields.title => entry.title.as_str(),
        fields.questions => entry.questions.join("\n"),
        fields.keywords => entry.keywords.join(" "),
        fields.body => body,
    )
}

/// Removes indexes of other corpus versions and leftovers of interrupted builds.
/// Best effort: another process may still be using an old one, which is fine on Unix.
fn remove_stale(location: &IndexLocation) {
    let Ok(dir) = fs::read_dir(&location.root) else {
        return;
    };
    let own_build_prefix = format!(".build-{}-", std::process::id());
    for entry in dir.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale_version = name.starts_with(INDEX_FORMAT) && path != location.dir;
        let stale_build = name.starts_with(".old-")
            || (name.starts_with(".build-")
                && !name.starts_with(&own_build_prefix)
                && older_than(&path, ABANDONED_BUILD_AGE));
        if stale_version || stale_build {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// A build folder untouched this long belongs to a process that died mid-build.
const ABANDONED_BUILD_AGE: std::time::Duration = std::time::Duration::from_secs(600);

fn older_than(path: &Path, age: std::time::Duration) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}

fn unique_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}
