//! Runs the rule cases kept beside the rules (rules/tests/*.toml) through the real
//! pipeline, prints per-field accuracy, and fails on any miss.

mod common;

use mingbai::triage::load_rule_cases;

#[test]
fn every_rule_case_passes() {
    let service = common::shared_service();
    let cases = load_rule_cases(&common::repo("rules/tests")).unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let report = service.run_rule_cases(&cases).unwrap();
    // Written past the test harness's capture, so CI logs show the accuracy per field.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), report.render().as_bytes());
    assert!(report.passed(), "{}", report.render());
}
