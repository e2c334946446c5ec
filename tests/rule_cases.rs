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

/// The rules' table of categories (rules/15-category.rhai) and the corpus's
/// categories.toml must agree: one category, one domain, wherever it is written.
#[test]
fn the_rules_category_table_agrees_with_the_corpus() {
    let script = std::fs::read_to_string(common::repo("rules/15-category.rhai")).unwrap();
    let corpus = mingbai::corpus::Corpus::load(&common::repo("corpus")).unwrap();
    let row = regex::Regex::new(r#""([^"]+)":\s*\["([^"]+)",\s*"([a-z_]+)"\]"#).unwrap();
    let mut rows = 0;
    for caps in row.captures_iter(&script) {
        rows += 1;
        let (category, domain, role) = (&caps[1], &caps[2], &caps[3]);
        let known = corpus.categories().get(category);
        assert!(
            known.is_some(),
            "{category} is in the rules but not in categories.toml"
        );
        assert_eq!(
            known.unwrap().as_str(),
            domain,
            "{category}: the domains differ"
        );
        assert!(
            role.parse::<mingbai::vocab::Role>().is_ok(),
            "{category}: role {role}"
        );
    }
    assert!(rows >= 40, "the table was not found ({rows} rows)");
}
