//! Triage: the rhai rules in rules/ decide risk, domain, role, tier and what to ask,
//! from the facts of one message. The engine is sandboxed; a rule that fails or runs
//! too long gives a safe fallback (a person must look), never an outage.

mod facts;
mod helpers;
mod rules;
mod sandbox;
mod tests_file;

pub use facts::{Facts, HitFacts, Question, QuickReply, Triage};
pub use rules::{Evaluation, RuleError, RuleSet};
pub use sandbox::RuleLimits;
pub use tests_file::{load_rule_cases, FieldScore, RuleCase, RuleCaseFailure, RuleReport};
