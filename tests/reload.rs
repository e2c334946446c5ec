//! Rules and the directory reload when their files change; a rule that does not
//! compile leaves the previous rules running and reports file and line.

mod common;

use mingbai::service::Service;
use mingbai::store::Store;
use mingbai::vocab::Risk;
use std::fs;
use std::time::Duration;

/// Lets the file's modification time move on even on coarse file systems.
fn touch_later() {
    std::thread::sleep(Duration::from_millis(20));
}

#[test]
fn changed_rules_are_reloaded_and_broken_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    common::copy_tree(&common::repo("rules"), &rules);
    let mut config = common::config_in(&dir.path().join("data"));
    config.rules_dir = rules.clone();
    let service = Service::with_store(config, Store::temporary().unwrap(), false).unwrap();
    assert_eq!(service.reload_changed().rules, None, "nothing changed");
    assert_eq!(service.triage("鸭子丢了").unwrap().triage.risk, Risk::Blue);

    touch_later();
    fs::write(
        rules.join("05-ducks.rhai"),
        "// 测试：丢鸭子算红色\nif facts.text.contains(\"鸭子\") { triage.risk = \"red\"; triage.role = \"police\"; }\n",
    )
    .unwrap();
    assert_eq!(service.reload_changed().rules, Some(Ok(())));
    let triage = service.triage("鸭子丢了").unwrap().triage;
    assert_eq!((triage.risk, triage.role.as_str()), (Risk::Red, "police"));

    touch_later();
    fs::write(rules.join("06-broken.rhai"), "let ok = 1;\nlet = 2;\n").unwrap();
    let error = service.reload_changed().rules.unwrap().unwrap_err();
    assert!(
        error.contains("06-broken.rhai") && error.contains("line 2"),
        "{error}"
    );
    // The previous rules keep running.
    assert_eq!(service.triage("鸭子丢了").unwrap().triage.risk, Risk::Red);
}

#[test]
fn an_imported_directory_replaces_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let service =
        Service::with_store(common::config_in(&data), Store::temporary().unwrap(), false).unwrap();
    let sample = fs::read_to_string(common::repo("rules/directory.toml")).unwrap();
    let renamed = dir.path().join("mine.toml");
    fs::write(&renamed, sample.replace("余营村", "新余营村")).unwrap();

    let broken = dir.path().join("broken.toml");
    fs::write(
        &broken,
        sample.replace("role = \"grid_worker\"", "role = \"mediator\""),
    )
    .unwrap();
    let err = Service::import_directory(&data, &broken)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no grid_worker"), "{err}");
    assert!(
        !data.join("directory.toml").exists(),
        "a broken file is not installed"
    );

    touch_later();
    Service::import_directory(&data, &renamed).unwrap();
    assert_eq!(service.reload_changed().directory, Some(Ok(())));
    let place = service.directory().recognize("万金镇新余营村");
    assert!(format!("{place:?}").contains("新余营村"), "{place:?}");
}
