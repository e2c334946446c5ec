//! The real binary: `ask --json` gives the /api/chat JSON, `rules test` passes,
//! a bad config is refused with a clear message.

mod common;

use serde_json::Value;
use std::process::Command;

fn mingbai(data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mingbai"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("MINGBAI_LOG", "warn")
        .arg("--data")
        .arg(data);
    cmd
}

#[test]
fn ask_json_prints_the_chat_reply() {
    let dir = tempfile::tempdir().unwrap();
    let out = mingbai(dir.path())
        .args(["ask", "--json", "他说今晚要弄死我"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["triage"]["risk"], "red");
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .contains("110"));
    assert!(
        dir.path().join("store").exists(),
        "the store lives in the data folder"
    );
}

#[test]
fn rules_test_runs_the_cases_and_index_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let out = mingbai(dir.path())
        .args(["rules", "test"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("rule cases") && stdout.contains("risk"),
        "{stdout}"
    );

    let out = mingbai(dir.path()).arg("index").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("indexed"));
}

#[test]
fn a_broken_config_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "max_text_chars = \"many\"\n").unwrap();
    let out = mingbai(dir.path())
        .arg("--config")
        .arg(&file)
        .args(["ask", "你好"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_text_chars"));
}

#[test]
fn cases_and_directory_commands_for_operators() {
    let dir = tempfile::tempdir().unwrap();
    let out = mingbai(dir.path())
        .args(["ask", "--json", "他说今晚要弄死我"])
        .output()
        .unwrap();
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = reply["case"]["id"]
        .as_str()
        .expect("danger opens a case")
        .to_string();

    let out = mingbai(dir.path())
        .args(["cases", "list"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && listing.contains(&id), "{listing}");
    assert!(listing.contains("red"), "{listing}");
    let out = mingbai(dir.path())
        .args(["cases", "show", &id])
        .output()
        .unwrap();
    let case: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(case["risk"], "red");
    let out = mingbai(dir.path())
        .args(["cases", "show", "19990101-0001"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    let out = mingbai(dir.path())
        .args(["directory", "check", "rules/directory.toml"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("6 towns"), "{said}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\ntowns = []\n").unwrap();
    let out = mingbai(dir.path())
        .args(["directory", "import"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("governance_center") && err.contains("no towns"),
        "{err}"
    );
    assert!(!dir.path().join("directory.toml").exists());
}
