//! Shared set-up for integration tests: the real service on the bundled corpus and
//! rules, with its index and store in a temporary folder.
#![allow(dead_code)]

use mingbai::config::Config;
use mingbai::service::Service;
use mingbai::store::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The bundled configuration with data in `data_dir`.
pub fn config_in(data_dir: &Path) -> Config {
    Config {
        data_dir: data_dir.to_path_buf(),
        corpus_dir: repo("corpus"),
        rules_dir: repo("rules"),
        web_dir: repo("web"),
        ..Config::default()
    }
}

/// One service per test binary: building the index and loading jieba take a moment.
pub fn shared_service() -> Arc<Service> {
    static SERVICE: OnceLock<(tempfile::TempDir, Arc<Service>)> = OnceLock::new();
    SERVICE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = config_in(dir.path());
            let service = Service::with_store(config, Store::temporary().unwrap(), false)
                .expect("the bundled corpus and rules load");
            (dir, Arc::new(service))
        })
        .1
        .clone()
}

/// Copies a folder tree (for tests that change a corpus or rules).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
