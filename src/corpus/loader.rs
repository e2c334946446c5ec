use super::body::parse_body;
use super::entry::{Citation, Entry};
use crate::text::Lexicon;
use crate::vocab::{Domain, Role};
use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Longest plain answer, in characters: it must fit a phone screen and a WeChat reply.
pub const MAX_SUMMARY_CHARS: usize = 120;

static ENTRY_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").expect("valid regex"));

/// One thing wrong in the corpus, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {field}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read the corpus at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the corpus has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// The validated corpus, in memory.
#[derive(Debug)]
pub struct Corpus {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    categories: BTreeMap<String, Domain>,
    lexicon: Lexicon,
    fingerprint: String,
}

/// The front matter as written; every field is checked before it becomes an [`Entry`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    category: String,
    questions: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    citations: Vec<String>,
    role: String,
    #[serde(default)]
    hotlines: Vec<String>,
    updated: toml::value::Datetime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryDef {
    domain: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFile {
    synonyms: BTreeMap<String, String>,
}

/// Reads files of the corpus and remembers their bytes for the fingerprint.
struct Reader {
    root: PathBuf,
    hasher: Sha256,
}

impl Reader {
    fn read(&mut self, relative: &Path) -> Result<String, CorpusError> {
        let path = self.root.join(relative);
        let text = fs::read_to_string(&path).map_err(|source| CorpusError::Io {
            path: path.clone(),
            source,
        })?;
        self.hasher.update(relative.to_string_lossy().as_bytes());
        self.hasher.update([0]);
        self.hasher.update(text.as_bytes());
        self.hasher.update([0]);
        Ok(text)
    }
}

impl Corpus {
    /// Loads and validates the corpus folder: `categories.toml`, `dict.txt`,
    /// `synonyms.toml`, `stopwords.txt` and `entries/**/*.md`. Every problem found is
    /// reported, not just the first.
    pub fn load(root: &Path) -> Result<Corpus, CorpusError> {
        let mut reader = Reader {
            root: root.to_path_buf(),
            hasher: Sha256::new(),
        };
        let mut problems = Vec::new();

        let categories_file = Path::new("categories.toml");
        let categories = parse_categories(
            &reader.read(categories_file)?,
            &root.join(categories_file),
            &mut problems,
        );
        let lexicon = Lexicon {
            user_dict: reader.read(Path::new("dict.txt"))?,
            synonyms: parse_synonyms(
                &reader.read(Path::new("synonyms.toml"))?,
                &root.join("synonyms.toml"),
                &mut problems,
            ),
            stopwords: reader
                .read(Path::new("stopwords.txt"))?
                .lines()
                .map(str::trim)
                .filter(|w| !w.is_empty() && !w.starts_with('#'))
                .map(String::from)
                .collect(),
        };

        let entries_dir = root.join("entries");
        let mut files = Vec::new();
        collect_markdown(&entries_dir, &mut files)?;
        files.sort();

        let mut entries = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for path in files {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let text = reader.read(&relative)?;
            let Some(entry) = parse_entry(&text, &path, &categories, &mut problems) else {
                continue;
            };
            if let Some(&first) = by_id.get(&entry.id) {
                problems.push(Problem {
                    file: path.clone(),
                    field: Some("id".into()),
                    message: format!(
                        "duplicate id {:?}, also used by the entry titled {:?}",
                        entry.id,
                        entries_title(&entries, first)
                    ),
                });
                continue;
            }
            by_id.insert(entry.id.clone(), entries.len());
            entries.push(entry);
        }
        if entries.is_empty() && problems.is_empty() {
            problems.push(Problem {
                file: entries_dir,
                field: None,
                message: "no entries (*.md)".into(),
            });
        }
        if !problems.is_empty() {
            return Err(CorpusError::Invalid(problems));
        }
        let digest = reader.hasher.finalize();
        let fingerprint = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Corpus {
            entries,
            by_id,
            categories,
            lexicon,
            fingerprint,
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    pub fn categories(&self) -> &BTreeMap<String, Domain> {
        &self.categories
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// A digest of every file read: the search index is rebuilt when it changes.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// Every `*.md` under `dir`, in sub-folders too (entries may be grouped by theme).
fn collect_markdown(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), CorpusError> {
    let io = |source| CorpusError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            collect_markdown(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    Ok(())
}

fn entries_title(entries: &[Entry], index: usize) -> &str {
    &entries[index].title
}

fn parse_categories(
    text: &str,
    file: &Path,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Domain> {
    let defs: BTreeMap<String, CategoryDef> = match toml::from_str(text) {
        Ok(defs) => defs,
        Err(e) => {
            problems.push(Problem {
                file: file.to_path_buf(),
                field: None,
                message: e.to_string(),
            });
            return BTreeMap::new();
        }
    };
    let mut categories = BTreeMap::new();
    for (name, def) in defs {
        match def.domain.parse::<Domain>() {
            Ok(domain) => {
                categories.insert(name, domain);
            }
            Err(e) => problems.push(Problem {
                file: file.to_path_buf(),
                field: Some(format!("{name}.domain")),
                message: format!("{e}: a domain must be one of the 20 of the vocabulary"),
            }),
        }
    }
    categories
}

fn parse_synonyms(text: &str, file: &Path, problems: &mut Vec<Problem>) -> HashMap<String, String> {
    match toml::from_str::<SynonymFile>(text) {
        Ok(table) => table.synonyms.into_iter().collect(),
        Err(e) => {
            problems.push(Problem {
                file: file.to_path_buf(),
                field: None,
                message: e.to_string(),
            });
            HashMap::new()
        }
    }
}

/// Splits `+++\n<toml>\n+++\n<body>`.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("\u{feff}").unwrap_or(text);
    let rest = rest.strip_prefix("+++")?.trim_start_matches([' ', '\t']);
    let rest = rest
        .strip_prefix('\n')
        .or_else(|| rest.strip_prefix("\r\n"))?;
    let end = rest.find("\n+++")?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((&rest[..end], body))
}

/// Parses and checks one entry file; pushes every problem it finds.
fn parse_entry(
    text: &str,
    file: &Path,
    categories: &BTreeMap<String, Domain>,
    problems: &mut Vec<Problem>,
) -> Option<Entry> {
    let before = problems.len();
    let mut problem = |field: &str, message: String| {
        problems.push(Problem {
            file: file.to_path_buf(),
            field: (!field.is_empty()).then(|| field.to_string()),
            message,
        })
    };
    let Some((front, body)) = split_front_matter(text) else {
        problem(
            "",
            "no front matter: the file must start with a +++ line, TOML, and a closing +++ line"
                .into(),
        );
        return None;
    };
    let fm: FrontMatter = match toml::from_str(front) {
        Ok(fm) => fm,
        Err(e) => {
            problem("", format!("front matter is not valid: {e}"));
            return None;
        }
    };

    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if !ENTRY_ID.is_match(&fm.id) {
        problem(
            "id",
            format!("{:?} must be lowercase kebab-case ascii", fm.id),
        );
    } else if fm.id != stem {
        problem(
            "id",
            format!("{:?} must equal the file name {stem:?}", fm.id),
        );
    }
    if fm.title.trim().is_empty() {
        problem("title", "is empty".into());
    }
    let domain = categories.get(&fm.category).copied();
    if domain.is_none() {
        problem(
            "category",
            format!(
                "unknown category {:?}: add it to categories.toml",
                fm.category
            ),
        );
    }
    if fm.questions.iter().all(|q| q.trim().is_empty()) {
        problem(
            "questions",
            "no questions: add how residents ask this".into(),
        );
    }
    let mut citations = Vec::new();
    for raw in &fm.citations {
        match Citation::parse(raw) {
            Ok(c) => citations.push(c),
            Err(message) => problem("citations", message),
        }
    }
    let role = fm
        .role
        .parse::<Role>()
        .map_err(|e| problem("role", e.to_string()))
        .ok();
    for hotline in &fm.hotlines {
        if hotline.is_empty() || !hotline.chars().all(|c| c.is_ascii_digit()) {
            problem("hotlines", format!("{hotline:?} is not a phone number"));
        }
    }
    let updated = NaiveDate::parse_from_str(&fm.updated.to_string(), "%Y-%m-%d")
        .map_err(|_| {
            problem(
                "updated",
                format!("{} is not a date (YYYY-MM-DD)", fm.updated),
            )
        })
        .ok();
    let body = parse_body(body)
        .map_err(|(field, message)| problem(field, message))
        .ok();
    if let Some(body) = &body {
        let chars = body.summary.chars().count();
        if chars > MAX_SUMMARY_CHARS {
            problem(
                "summary",
                format!("the first paragraph has {chars} characters; at most {MAX_SUMMARY_CHARS}"),
            );
        }
    }
    if problems.len() > before {
        return None;
    }
    let body = body?;
    Some(Entry {
        id: fm.id,
        title: fm.title.trim().to_string(),
        category: fm.category,
        domain: domain?,
        questions: fm
            .questions
            .into_iter()
            .filter(|q| !q.trim().is_empty())
            .collect(),
        keywords: fm.keywords,
        citations,
        role: role?,
        hotlines: fm.hotlines,
        updated: updated?,
        summary: body.summary,
        steps: body.steps,
        details: body.details,
    })
}
