use crate::vocab::{Domain, Risk, Role, Tier};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the rules see of one message. Passed to rhai as the constant `facts`.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    /// The normalized message.
    pub text: String,
    /// Its search terms (segmented, synonyms added, stop words removed).
    pub terms: Vec<String>,
    /// The best matching entries, best first.
    pub hits: Vec<HitFacts>,
    /// The best hit if the search is confident in it, else `()`.
    pub top: Option<HitFacts>,
    /// What the session already knows (place, contact, …).
    pub known: BTreeMap<String, String>,
}

/// One search hit as the rules see it.
#[derive(Debug, Clone, Serialize)]
pub struct HitFacts {
    pub id: String,
    pub title: String,
    pub category: String,
    pub domain: Domain,
    pub role: Role,
    pub score: f64,
}

/// A question the service asks back, with quick replies where there are options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub options: Vec<QuickReply>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    pub value: String,
}

/// The triage of one message, in the vocabulary's ids. Rules fill it in as `triage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    pub risk: Risk,
    pub domain: Option<Domain>,
    pub category: Option<String>,
    pub role: Role,
    pub tier: Tier,
    pub needs_human: bool,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// The rules judged the message everyday talk (how to buy, cook or use something),
    /// not a legal matter: it gets no answer card however many words an entry shares.
    #[serde(default)]
    pub everyday: bool,
}

impl Triage {
    /// What the rules start from: information only, nobody needs to act.
    pub fn initial() -> Triage {
        Triage {
            risk: Risk::Blue,
            domain: None,
            category: None,
            role: Role::None,
            tier: Tier::Grid,
            needs_human: false,
            questions: Vec::new(),
            everyday: false,
        }
    }

    /// When the rules cannot decide: a person must look. A danger already found by an
    /// earlier rule is kept; the domain of a confident search hit is kept.
    pub fn fallback(partial: Option<&Triage>, facts: &Facts) -> Triage {
        let danger = partial.filter(|t| t.risk == Risk::Red);
        Triage {
            risk: danger.map_or(Risk::Orange, |t| t.risk),
            domain: facts.top.as_ref().map(|h| h.domain),
            category: facts.top.as_ref().map(|h| h.category.clone()),
            role: danger.map_or(Role::GridWorker, |t| t.role),
            tier: danger.map_or(Tier::Grid, |t| t.tier),
            needs_human: true,
            questions: Vec::new(),
            everyday: false,
        }
    }
}
