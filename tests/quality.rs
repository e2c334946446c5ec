//! Search quality on the quality set (tests/quality/*.toml): questions and long stories
//! phrased unlike the entries' own questions, and off-topic messages that must get no
//! answer, measured through the chat's own analysis (search and rules).
//!
//! The floors guard against regressions at today's level; the targets the project aims
//! for (top-1 85 %, top-3 95 %) are not reached yet.

mod common;

use mingbai::quality::QualitySet;

const TOP1_FLOOR: f64 = 0.70;
const TOP3_FLOOR: f64 = 0.80;
const OFFTOPIC_ABSTAIN_FLOOR: f64 = 0.90;

#[test]
fn the_quality_set_meets_its_floors() {
    let set = QualitySet::load(&common::repo("tests/quality")).unwrap();
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

    let report = common::shared_service().measure_quality(&set).unwrap();
    // Written past the test harness's capture, so CI logs show the figures.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), report.render(false).as_bytes());
    assert!(report.unknown_ids.is_empty(), "{:?}", report.unknown_ids);
    assert!(report.top1_rate() >= TOP1_FLOOR, "{}", report.render(true));
    assert!(report.top3_rate() >= TOP3_FLOOR, "{}", report.render(true));
    assert!(
        report.abstain_rate() >= OFFTOPIC_ABSTAIN_FLOOR,
        "{}",
        report.render(true)
    );
}
