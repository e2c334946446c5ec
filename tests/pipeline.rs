//! Engine behaviour across parts: the rules sandbox inside the running service, and the
//! search index following corpus changes.

mod common;

use mingbai::service::Service;
use mingbai::store::Store;
use mingbai::vocab::Risk;
use std::fs;

#[test]
fn a_runaway_rule_is_stopped_and_the_service_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    common::copy_tree(&common::repo("rules"), &rules);
    fs::write(
        rules.join("99-runaway.rhai"),
        "let n = 0;\nwhile true { n += 1; }\n",
    )
    .unwrap();
    let mut config = common::config_in(&dir.path().join("data"));
    config.rules_dir = rules;
    let service = Service::with_store(config, Store::temporary().unwrap(), false).unwrap();

    let reply = service.chat(None, "儿子不给赡养费咋办").unwrap();
    assert!(reply.triage.needs_human, "a person must look");
    assert!(
        !reply.answer.entries.is_empty(),
        "the answer is still given"
    );
    // A danger found before the failing rule is kept.
    let reply = service.chat(None, "他说今晚要弄死我").unwrap();
    assert_eq!(reply.triage.risk, Risk::Red);
    assert!(reply.text.lines().next().unwrap().contains("110"));
}

#[test]
fn the_index_is_rebuilt_when_the_corpus_changes() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    common::copy_tree(&common::repo("corpus"), &corpus);
    let data = dir.path().join("data");
    let mut config = common::config_in(&data);
    config.corpus_dir = corpus.clone();

    let service = Service::with_store(config.clone(), Store::temporary().unwrap(), false).unwrap();
    let before = service.corpus().fingerprint().to_string();
    assert!(service.search("鸭子养殖补贴", 5).unwrap().abstained);
    drop(service);

    // A new category and an entry in it.
    fs::write(
        corpus.join("categories.toml"),
        fs::read_to_string(corpus.join("categories.toml")).unwrap()
            + "\n[\"养殖补贴\"]\ndomain = \"综合咨询\"\n",
    )
    .unwrap();
    fs::write(
        corpus.join("entries/duck-farming-subsidy.md"),
        "+++\nid = \"duck-farming-subsidy\"\ntitle = \"鸭子养殖补贴怎么申请\"\ncategory = \"养殖补贴\"\n\
         questions = [\"养鸭子有补贴吗\", \"鸭子养殖补贴找谁\"]\nkeywords = [\"鸭子\", \"养殖\", \"补贴\"]\n\
         role = \"grid_worker\"\nupdated = 2026-11-30\n+++\n问村里网格员。\n\n## 怎么办\n1. 问网格员。\n",
    )
    .unwrap();

    let service = Service::with_store(config, Store::temporary().unwrap(), false).unwrap();
    assert_ne!(service.corpus().fingerprint(), before);
    let found = service.search("鸭子养殖补贴", 5).unwrap();
    assert!(!found.abstained, "{found:?}");
    assert_eq!(found.hits[0].id, "duck-farming-subsidy");
    let versions: Vec<String> = fs::read_dir(data.join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(versions.len(), 1, "the old index is removed: {versions:?}");
    assert!(versions[0].ends_with(service.corpus().fingerprint()));
}

#[test]
fn the_same_corpus_reuses_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path());
    let first = Service::with_store(config.clone(), Store::temporary().unwrap(), false).unwrap();
    let index_dir = dir.path().join("index");
    let meta = |d: &std::path::Path| {
        fs::read_dir(d)
            .unwrap()
            .map(|e| {
                fs::metadata(e.unwrap().path().join("meta.json"))
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect::<Vec<_>>()
    };
    let before = meta(&index_dir);
    drop(first);
    let _second = Service::with_store(config, Store::temporary().unwrap(), false).unwrap();
    assert_eq!(meta(&index_dir), before, "not rebuilt");
}
