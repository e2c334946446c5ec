//! The corpus loader reports every problem with its file and field, and the service
//! refuses to start on a broken corpus.

mod common;

use mingbai::corpus::{Corpus, CorpusError};
use mingbai::service::Service;
use mingbai::store::Store;
use std::fs;
use std::path::Path;

const GOOD: &str = r#"+++
id = "GOOD_ID"
title = "子女不给赡养费怎么办"
category = "赡养"
questions = ["儿子不给赡养费咋办"]
keywords = ["赡养费"]
citations = ["《民法典》第1067条"]
role = "mediator"
hotlines = ["12348"]
updated = 2026-11-30
+++
成年子女应当赡养父母。

## 怎么办
1. 找村调解员调解。
"#;

/// A small valid corpus with one entry per given (file stem, content).
fn corpus_with(dir: &Path, entries: &[(&str, String)]) {
    fs::create_dir_all(dir.join("entries")).unwrap();
    fs::write(
        dir.join("categories.toml"),
        "[\"赡养\"]\ndomain = \"婚姻家庭\"\n",
    )
    .unwrap();
    fs::write(dir.join("dict.txt"), "赡养费 20000 n\n").unwrap();
    fs::write(
        dir.join("synonyms.toml"),
        "[synonyms]\n\"善养\" = \"赡养\"\n",
    )
    .unwrap();
    fs::write(dir.join("stopwords.txt"), "的\n").unwrap();
    for (stem, text) in entries {
        fs::write(dir.join("entries").join(format!("{stem}.md")), text).unwrap();
    }
}

fn entry(id: &str) -> String {
    GOOD.replace("GOOD_ID", id)
}

fn problems(dir: &Path) -> Vec<String> {
    match Corpus::load(dir) {
        Err(CorpusError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected problems, got {other}"),
        Ok(_) => panic!("expected problems, the corpus loaded"),
    }
}

#[test]
fn a_valid_entry_loads_with_its_parts() {
    let dir = tempfile::tempdir().unwrap();
    corpus_with(dir.path(), &[("elder-a", entry("elder-a"))]);
    let corpus = Corpus::load(dir.path()).unwrap();
    let e = corpus.get("elder-a").unwrap();
    assert_eq!(e.domain.as_str(), "婚姻家庭");
    assert_eq!(e.summary, "成年子女应当赡养父母。");
    assert_eq!(e.steps, vec!["找村调解员调解。"]);
    assert_eq!(e.citations[0].to_string(), "《民法典》第1067条");
}

#[test]
fn each_kind_of_problem_is_reported_with_file_and_field() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "unknown-cat",
            entry("unknown-cat").replace("\"赡养\"", "\"养猪\""),
            "category: unknown category \"养猪\"",
        ),
        (
            "no-questions",
            entry("no-questions").replace("[\"儿子不给赡养费咋办\"]", "[]"),
            "questions: no questions",
        ),
        (
            "bad-cite",
            entry("bad-cite").replace("《民法典》第1067条", "民法典1067"),
            "citations: citation \"民法典1067\"",
        ),
        (
            "repealed",
            entry("repealed").replace("《民法典》第1067条", "《婚姻法》第21条"),
            "repealed",
        ),
        (
            "bad-role",
            entry("bad-role").replace("mediator", "judge"),
            "role: unknown Role id \"judge\"",
        ),
        (
            "wrong-name",
            entry("other-name"),
            "id: \"other-name\" must equal the file name",
        ),
        (
            "no-steps",
            entry("no-steps").replace("## 怎么办\n1. 找村调解员调解。\n", ""),
            "steps: no ## 怎么办",
        ),
        ("no-front", "just text".to_string(), "no front matter"),
        (
            "bad-toml",
            entry("bad-toml").replace("title = ", "title = = "),
            "front matter is not valid",
        ),
        (
            "unknown-field",
            entry("unknown-field").replace("role =", "rolle = \"x\"\nrole ="),
            "unknown field `rolle`",
        ),
        (
            "long-summary",
            entry("long-summary").replace("成年子女应当赡养父母。", &"长".repeat(121)),
            "summary: the first paragraph has 121",
        ),
    ];
    for (stem, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        corpus_with(dir.path(), &[(stem, text)]);
        let found = problems(dir.path());
        assert!(
            found
                .iter()
                .any(|p| p.contains(&format!("{stem}.md")) && p.contains(expected)),
            "{stem}: expected {expected:?} in {found:#?}"
        );
    }
}

#[test]
fn all_problems_are_reported_at_once_including_duplicate_ids() {
    let dir = tempfile::tempdir().unwrap();
    corpus_with(
        dir.path(),
        &[
            ("a-first", entry("a-first")),
            ("b-bad", entry("b-bad").replace("mediator", "nobody")),
            ("c-bad", entry("c-bad").replace("\"赡养\"", "\"x\"")),
        ],
    );
    // The same id in a second file, in a theme sub-folder.
    fs::create_dir_all(dir.path().join("entries/family")).unwrap();
    fs::write(
        dir.path().join("entries/family/a-first.md"),
        entry("a-first"),
    )
    .unwrap();
    let found = problems(dir.path());
    assert!(
        found.iter().any(|p| p.contains("b-bad.md: role")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("c-bad.md: category")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("family/a-first.md: id: duplicate id")),
        "{found:#?}"
    );
}

#[test]
fn a_category_with_an_unknown_domain_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    corpus_with(dir.path(), &[("elder-a", entry("elder-a"))]);
    fs::write(
        dir.path().join("categories.toml"),
        "[\"赡养\"]\ndomain = \"家务事\"\n",
    )
    .unwrap();
    let found = problems(dir.path());
    assert!(
        found
            .iter()
            .any(|p| p.contains("categories.toml: 赡养.domain")),
        "{found:#?}"
    );
}

#[test]
fn the_service_refuses_to_start_on_a_broken_corpus_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    corpus_with(
        &corpus,
        &[("bad", entry("bad").replace("mediator", "judge"))],
    );
    let mut config = common::config_in(&dir.path().join("data"));
    config.corpus_dir = corpus;
    let err = Service::with_store(config, Store::temporary().unwrap(), false)
        .err()
        .expect("refused");
    let message = format!("{err:#}");
    assert!(message.contains("bad.md: role"), "{message}");
}

#[test]
fn the_bundled_corpus_is_valid() {
    let corpus = Corpus::load(&common::repo("corpus")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        corpus.entries().len() >= 30,
        "{} entries",
        corpus.entries().len()
    );
}
