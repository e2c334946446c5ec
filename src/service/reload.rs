//! Reloading the triage rules and the directory when their files change. A rule file
//! that does not compile (or a directory that does not validate) leaves what was
//! running in place, and the error is logged with file and line.

use super::{Service, IMPORTED_DIRECTORY};
use crate::config::Config;
use crate::directory::Directory;
use crate::triage::RuleSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Name, size and modification time of each file a part was loaded from.
type Stamp = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn stamp(files: impl IntoIterator<Item = PathBuf>) -> Stamp {
    let mut stamp: Stamp = files
        .into_iter()
        .map(|path| {
            let meta = fs::metadata(&path).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (path, len, modified)
        })
        .collect();
    stamp.sort();
    stamp
}

/// Where the rules and the directory come from, and how they looked when last loaded.
pub(super) struct Sources {
    rules_dir: PathBuf,
    imported_directory: PathBuf,
    bundled_directory: PathBuf,
    seen: Mutex<(Stamp, Stamp)>,
}

impl Sources {
    pub(super) fn new(config: &Config) -> Sources {
        let sources = Sources {
            rules_dir: config.rules_dir.clone(),
            imported_directory: config.data_dir.join(IMPORTED_DIRECTORY),
            bundled_directory: config.directory_file.clone(),
            seen: Mutex::new((Vec::new(), Vec::new())),
        };
        *sources.seen.lock().unwrap_or_else(|e| e.into_inner()) =
            (sources.rules_stamp(), sources.directory_stamp());
        sources
    }

    /// The directory in force: an operator's import wins over the bundled sample.
    pub(super) fn directory_file(&self) -> PathBuf {
        if self.imported_directory.is_file() {
            self.imported_directory.clone()
        } else {
            self.bundled_directory.clone()
        }
    }

    fn rules_stamp(&self) -> Stamp {
        stamp(crate::files::with_extension(&self.rules_dir, "rhai").unwrap_or_default())
    }

    fn directory_stamp(&self) -> Stamp {
        stamp([
            self.imported_directory.clone(),
            self.bundled_directory.clone(),
        ])
    }
}

/// What a reload check did.
#[derive(Debug, Default, PartialEq)]
pub struct Reloaded {
    /// Some when the rules changed: Ok, or the error that kept the old rules running.
    pub rules: Option<Result<(), String>>,
    pub directory: Option<Result<(), String>>,
}

impl Service {
    /// Reloads the rules and the directory if their files changed since last looked.
    pub fn reload_changed(&self) -> Reloaded {
        let sources = &self.sources;
        let mut seen = sources.seen.lock().unwrap_or_else(|e| e.into_inner());
        let mut outcome = Reloaded::default();

        let rules_now = sources.rules_stamp();
        if rules_now != seen.0 {
            seen.0 = rules_now;
            let result = RuleSet::load(&sources.rules_dir, &self.config.rules);
            outcome.rules = Some(match result {
                Ok(rules) => {
                    let names = rules.script_names().collect::<Vec<_>>().join(",");
                    tracing::info!(rules = names, "rules reloaded");
                    self.rules.store(std::sync::Arc::new(rules));
                    Ok(())
                }
                Err(e) => {
                    tracing::error!(error = %e, "rules not reloaded; the previous rules keep running");
                    Err(e.to_string())
                }
            });
        }

        let directory_now = sources.directory_stamp();
        if directory_now != seen.1 {
            seen.1 = directory_now;
            let file = sources.directory_file();
            outcome.directory = Some(match Directory::load(&file) {
                Ok(directory) => {
                    tracing::info!(file = %file.display(), towns = directory.towns.len(), "directory reloaded");
                    self.directory.store(std::sync::Arc::new(directory));
                    Ok(())
                }
                Err(e) => {
                    tracing::error!(error = %e, "directory not reloaded; the previous one stays");
                    Err(e.to_string())
                }
            });
        }
        outcome
    }

    /// Checks and installs a directory file as the operator's directory (in the data
    /// folder, by one rename). A running server picks it up at its next reload check.
    pub fn import_directory(
        data_dir: &Path,
        file: &Path,
    ) -> Result<Directory, crate::directory::DirectoryError> {
        let directory = Directory::load(file)?;
        let target = data_dir.join(IMPORTED_DIRECTORY);
        let staging = data_dir.join(format!(".{IMPORTED_DIRECTORY}.{}", std::process::id()));
        let io = |source| crate::directory::DirectoryError::Io {
            path: target.display().to_string(),
            source,
        };
        fs::create_dir_all(data_dir).map_err(io)?;
        fs::copy(file, &staging).map_err(io)?;
        fs::rename(&staging, &target).map_err(io)?;
        Ok(directory)
    }
}
