//! Search quality, measured through the chat's own analysis (search and rules).
//!
//! - The development set (tests/quality/*.toml): resident questions and long stories
//!   phrased unlike the entries' own questions, and off-topic messages that must get no
//!   answer. Entries, dictionary and rules were tuned against it, so it must meet the
//!   project's targets: top-1 85 %, top-3 95 %, off-topic abstained 90 %.
//! - The held-out sets, written from the entries' titles and summaries only, without
//!   seeing the entries' questions, the dictionary or the rules, and never tuned on:
//!   tests/holdout/*.toml (its misses have been read once, for a report) and
//!   tests/unseen/*.toml (written after the last tuning, not yet looked into). Their
//!   figures are the honest ones; their floors only stop a regression from the level
//!   measured when each was written.

mod common;

use mingbai::quality::{QualityReport, QualitySet};

struct Floors {
    top1: f64,
    top3: f64,
    offtopic_abstained: f64,
}

const DEVELOPMENT: Floors = Floors {
    top1: 0.85,
    top3: 0.95,
    offtopic_abstained: 0.90,
};

const HELD_OUT: Floors = Floors {
    top1: 0.84,
    top3: 0.91,
    offtopic_abstained: 0.80,
};

const UNSEEN: Floors = Floors {
    top1: 0.87,
    top3: 0.93,
    offtopic_abstained: 0.90,
};

fn measure(folder: &str) -> (QualitySet, QualityReport) {
    let set = QualitySet::load(&common::repo(folder)).unwrap();
    let report = common::shared_service().measure_quality(&set).unwrap();
    // Written past the test harness's capture, so CI logs show the figures.
    let line = format!("{folder}: {}", report.render(false));
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    (set, report)
}

fn assert_floors(report: &QualityReport, floors: &Floors) {
    assert!(report.unknown_ids.is_empty(), "{:?}", report.unknown_ids);
    assert!(report.top1_rate() >= floors.top1, "{}", report.render(true));
    assert!(report.top3_rate() >= floors.top3, "{}", report.render(true));
    assert!(
        report.abstain_rate() >= floors.offtopic_abstained,
        "{}",
        report.render(true)
    );
}

#[test]
fn the_development_set_meets_the_targets() {
    let (set, report) = measure("tests/quality");
    assert!(
        set.questions.len() >= 300,
        "{} questions",
        set.questions.len()
    );
    assert!(set.stories.len() >= 30, "{} stories", set.stories.len());
    assert!(set.offtopic.len() >= 50, "{} off-topic", set.offtopic.len());
    assert!(
        set.stories.iter().all(|s| s.text.chars().count() >= 200),
        "stories are 200+ characters"
    );
    assert_floors(&report, &DEVELOPMENT);
}

#[test]
fn the_held_out_set_does_not_regress() {
    let (set, report) = measure("tests/holdout");
    assert!(
        set.questions.len() >= 300,
        "{} questions",
        set.questions.len()
    );
    assert!(set.offtopic.len() >= 40, "{} off-topic", set.offtopic.len());
    assert_floors(&report, &HELD_OUT);
}

#[test]
fn the_unseen_set_does_not_regress() {
    let (set, report) = measure("tests/unseen");
    assert!(
        set.questions.len() >= 200,
        "{} questions",
        set.questions.len()
    );
    assert!(set.offtopic.len() >= 40, "{} off-topic", set.offtopic.len());
    assert_floors(&report, &UNSEEN);
}
