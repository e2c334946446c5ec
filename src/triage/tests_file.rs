//! Rule test cases kept beside the rules (rules/tests/*.toml): a message and the
//! risk, domain, role (and optionally tier and everyday) the whole pipeline should give it.

use super::Triage;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleCase {
    pub text: String,
    /// Expected risk id.
    pub risk: Option<String>,
    /// Expected domain id, or "none" for a message that is no legal matter.
    pub domain: Option<String>,
    /// Expected role id; several ids separated by "|" are all accepted.
    pub role: Option<String>,
    pub tier: Option<String>,
    /// Expected everyday-talk judgement ("true"/"false"), for messages that share words
    /// with legal matters but ask how to buy, cook or use something.
    pub everyday: Option<bool>,
    /// Where the case is written, filled in when loaded.
    #[serde(skip)]
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(rename = "case")]
    cases: Vec<RuleCase>,
}

/// Reads every `*.toml` in `dir`.
pub fn load_rule_cases(dir: &Path) -> Result<Vec<RuleCase>, String> {
    let files =
        crate::files::with_extension(dir, "toml").map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut cases = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let parsed: CaseFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        for (i, mut case) in parsed.cases.into_iter().enumerate() {
            case.source = format!("{}#{}", file.display(), i + 1);
            cases.push(case);
        }
    }
    Ok(cases)
}

/// Accuracy of one field over the cases that state it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldScore {
    pub checked: usize,
    pub correct: usize,
}

impl FieldScore {
    pub fn accuracy(&self) -> f64 {
        if self.checked == 0 {
            1.0
        } else {
            self.correct as f64 / self.checked as f64
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCaseFailure {
    pub source: String,
    pub text: String,
    pub field: &'static str,
    pub expected: String,
    pub actual: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleReport {
    pub cases: usize,
    pub risk: FieldScore,
    pub domain: FieldScore,
    pub role: FieldScore,
    pub tier: FieldScore,
    pub everyday: FieldScore,
    pub failures: Vec<RuleCaseFailure>,
}

impl RuleReport {
    /// Scores one case against the triage the pipeline gave it.
    pub fn record(&mut self, case: &RuleCase, triage: &Triage) {
        self.cases += 1;
        let domain = triage.domain.map_or("none", |d| d.as_str());
        let everyday = case.everyday.map(|e| e.to_string());
        let checks: [(&'static str, &Option<String>, &str); 5] = [
            ("risk", &case.risk, triage.risk.as_str()),
            ("domain", &case.domain, domain),
            ("role", &case.role, triage.role.as_str()),
            ("tier", &case.tier, triage.tier.as_str()),
            (
                "everyday",
                &everyday,
                if triage.everyday { "true" } else { "false" },
            ),
        ];
        for (field, expected, actual) in checks {
            let Some(expected) = expected else { continue };
            let score = match field {
                "risk" => &mut self.risk,
                "domain" => &mut self.domain,
                "role" => &mut self.role,
                "tier" => &mut self.tier,
                _ => &mut self.everyday,
            };
            score.checked += 1;
            if expected.split('|').any(|e| e.trim() == actual) {
                score.correct += 1;
            } else {
                self.failures.push(RuleCaseFailure {
                    source: case.source.clone(),
                    text: case.text.clone(),
                    field,
                    expected: expected.clone(),
                    actual: actual.to_string(),
                });
            }
        }
    }

    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// A summary for people: per-field accuracy, then each failure.
    pub fn render(&self) -> String {
        let mut out = format!("{} rule cases\n", self.cases);
        for (name, score) in [
            ("risk", &self.risk),
            ("domain", &self.domain),
            ("role", &self.role),
            ("tier", &self.tier),
            ("everyday", &self.everyday),
        ] {
            out += &format!(
                "  {name:<8} {}/{} ({:.1}%)\n",
                score.correct,
                score.checked,
                score.accuracy() * 100.0
            );
        }
        for f in &self.failures {
            out += &format!(
                "FAIL {} {}: expected {}, got {} — {}\n",
                f.source, f.field, f.expected, f.actual, f.text
            );
        }
        out
    }
}
