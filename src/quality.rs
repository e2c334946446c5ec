//! The search-quality set (tests/quality/*.toml): resident questions and long stories
//! phrased unlike the entries' own questions, each with the entries that answer it, and
//! off-topic messages that must get no answer. Measures top-1, top-3 and abstention
//! through the same analysis a chat turn uses (search and rules).

use crate::service::{Service, ServiceError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    pub text: String,
    #[serde(default)]
    pub answers: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct QualityFile {
    #[serde(default)]
    question: Vec<Probe>,
    #[serde(default)]
    story: Vec<Probe>,
    #[serde(default)]
    offtopic: Vec<Probe>,
}

/// All probes of a quality folder.
#[derive(Debug, Default)]
pub struct QualitySet {
    pub questions: Vec<Probe>,
    pub stories: Vec<Probe>,
    pub offtopic: Vec<Probe>,
}

impl QualitySet {
    pub fn load(dir: &Path) -> Result<QualitySet, String> {
        let files = crate::files::with_extension(dir, "toml")
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut set = QualitySet::default();
        for file in files {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let parsed: QualityFile =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            set.questions.extend(parsed.question);
            set.stories.extend(parsed.story);
            set.offtopic.extend(parsed.offtopic);
        }
        Ok(set)
    }
}

/// How often the right entry came first, among the first three, and how often an
/// off-topic message got no answer.
#[derive(Debug, Default)]
pub struct QualityReport {
    pub asked: usize,
    pub top1: usize,
    pub top3: usize,
    pub stories: usize,
    pub stories_top1: usize,
    pub offtopic: usize,
    pub abstained: usize,
    /// (text, expected, what came first or "abstained")
    pub misses: Vec<(String, String, String)>,
    pub answered_offtopic: Vec<(String, String)>,
    /// Answer ids that name no entry.
    pub unknown_ids: Vec<String>,
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl QualityReport {
    pub fn top1_rate(&self) -> f64 {
        share(self.top1, self.asked)
    }
    pub fn top3_rate(&self) -> f64 {
        share(self.top3, self.asked)
    }
    pub fn abstain_rate(&self) -> f64 {
        share(self.abstained, self.offtopic)
    }

    pub fn render(&self, show_misses: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "quality: {} questions and stories — top-1 {}/{} ({:.1}%), top-3 {}/{} ({:.1}%); \
             stories top-1 {}/{}; off-topic abstained {}/{} ({:.1}%)",
            self.asked,
            self.top1,
            self.asked,
            self.top1_rate() * 100.0,
            self.top3,
            self.asked,
            self.top3_rate() * 100.0,
            self.stories_top1,
            self.stories,
            self.abstained,
            self.offtopic,
            self.abstain_rate() * 100.0
        );
        if show_misses {
            for (text, expected, got) in &self.misses {
                let _ = writeln!(out, "MISS {expected} ← got {got}: {text}");
            }
            for (text, got) in &self.answered_offtopic {
                let _ = writeln!(out, "OFF-TOPIC ANSWERED {got}: {text}");
            }
        }
        for id in &self.unknown_ids {
            let _ = writeln!(out, "UNKNOWN ENTRY ID {id}");
        }
        out
    }
}

impl Service {
    /// Runs a quality set through search and rules, as a chat turn would.
    pub fn measure_quality(&self, set: &QualitySet) -> Result<QualityReport, ServiceError> {
        let mut report = QualityReport::default();
        let known = BTreeMap::new();
        let probes = set
            .questions
            .iter()
            .map(|p| (p, false))
            .chain(set.stories.iter().map(|p| (p, true)));
        for (probe, is_story) in probes {
            for id in &probe.answers {
                if self.corpus().get(id).is_none() {
                    report.unknown_ids.push(id.clone());
                }
            }
            let text = self.message_text(&probe.text)?;
            let analysis = self.analyze(&text, &known)?;
            let ranked: Vec<&str> = if analysis.abstained {
                Vec::new()
            } else {
                analysis
                    .outcome
                    .hits
                    .iter()
                    .map(|h| h.id.as_str())
                    .collect()
            };
            let right = |id: &str| probe.answers.iter().any(|a| a == id);
            let first = ranked.first().is_some_and(|id| right(id));
            report.asked += 1;
            report.top1 += usize::from(first);
            report.top3 += usize::from(ranked.iter().take(3).any(|id| right(id)));
            if is_story {
                report.stories += 1;
                report.stories_top1 += usize::from(first);
            }
            if !first {
                report.misses.push((
                    probe.text.clone(),
                    probe.answers.join("|"),
                    ranked
                        .first()
                        .map_or("abstained".to_string(), |id| id.to_string()),
                ));
            }
        }
        for probe in &set.offtopic {
            let text = self.message_text(&probe.text)?;
            let analysis = self.analyze(&text, &known)?;
            report.offtopic += 1;
            if analysis.abstained {
                report.abstained += 1;
            } else {
                let got = analysis.cards.first().map_or("?", |c| c.id.as_str());
                report
                    .answered_offtopic
                    .push((probe.text.clone(), got.to_string()));
            }
        }
        Ok(report)
    }
}
