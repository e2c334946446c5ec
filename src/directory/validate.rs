//! Loading and checking a directory file: every problem is reported with where it is.

use super::model::{Directory, Handler};
use crate::vocab::Role;
use std::collections::HashSet;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot read the directory {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the directory {path} is not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("the directory {path} has {} problem(s):\n{}", .problems.len(), .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid { path: String, problems: Vec<String> },
}

impl Directory {
    /// Reads and validates a directory file.
    pub fn load(path: &Path) -> Result<Directory, DirectoryError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| DirectoryError::Io {
            path: shown.clone(),
            source,
        })?;
        Directory::parse(&text, &shown)
    }

    /// Parses and validates directory TOML; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Directory, DirectoryError> {
        let directory: Directory = toml::from_str(text).map_err(|e| DirectoryError::Syntax {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        let problems = directory.problems();
        if problems.is_empty() {
            Ok(directory)
        } else {
            Err(DirectoryError::Invalid {
                path: origin.to_string(),
                problems,
            })
        }
    }

    /// Everything wrong with the directory, each with its place.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids = HashSet::new();
        let mut check_id = |id: &str, at: &str, problems: &mut Vec<String>| {
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                problems.push(format!(
                    "{at}: id {id:?} must be ascii letters, digits and -"
                ));
            }
            if !ids.insert(id.to_string()) {
                problems.push(format!("{at}: id {id:?} is used twice"));
            }
        };
        check_handlers(&self.handlers, &self.name, &mut problems);
        if !self
            .handlers
            .iter()
            .any(|h| h.role == Role::GovernanceCenter)
        {
            problems.push(format!(
                "{}: the district needs a governance_center handler (区综治中心)",
                self.name
            ));
        }
        if self.towns.is_empty() {
            problems.push(format!("{}: no towns", self.name));
        }
        for town in &self.towns {
            let at = town.name.clone();
            check_id(&town.id, &at, &mut problems);
            check_handlers(&town.handlers, &at, &mut problems);
            for village in &town.villages {
                let at = format!("{}{}", town.name, village.name);
                check_id(&village.id, &at, &mut problems);
                check_handlers(&village.handlers, &at, &mut problems);
                if village.grids.is_empty() {
                    problems.push(format!("{at}: no grids (网格)"));
                }
                for grid in &village.grids {
                    let at = format!("{}{}{}", town.name, village.name, grid.name);
                    check_id(&grid.id, &at, &mut problems);
                    check_handlers(&grid.handlers, &at, &mut problems);
                    if !grid.handlers.iter().any(|h| h.role == Role::GridWorker) {
                        problems.push(format!("{at}: no grid_worker (网格员)"));
                    }
                }
            }
        }
        problems
    }
}

fn check_handlers(handlers: &[Handler], at: &str, problems: &mut Vec<String>) {
    for h in handlers {
        if h.name.trim().is_empty() {
            problems.push(format!("{at}: a {} handler has no name", h.role));
        }
        let digits = h.phone.chars().filter(char::is_ascii_digit).count();
        let allowed = h
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        if !allowed || !(3..=15).contains(&digits) {
            problems.push(format!(
                "{at}: {} has a bad phone number {:?}",
                h.name, h.phone
            ));
        }
    }
}
