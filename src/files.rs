//! Listing the files of a folder that the service reads (rules, rule cases, quality sets).

use std::io;
use std::path::{Path, PathBuf};

/// The files directly in `dir` whose name ends in `.{extension}`, sorted by name.
pub fn with_extension(dir: &Path, extension: &str) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == extension) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
