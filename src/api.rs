//! The request and response types of the service's API, shared by the HTTP layer and
//! `mingbai ask --json`. They are the contract with channels: change them with care.

use crate::cases::{Case, CaseStatus};
use crate::corpus::{Citation, Entry};
use crate::search::Hit;
use crate::triage::Triage;
use crate::vocab::{Risk, Role, Tier};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/chat` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The session to continue; omitted for a new conversation.
    #[serde(default)]
    pub session: Option<String>,
    pub text: String,
}

/// `POST /api/triage` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageRequest {
    pub text: String,
}

/// The reply to one chat message.
#[derive(Debug, Clone, Serialize)]
pub struct ChatReply {
    pub session: String,
    /// The reply as a channel shows it: for a danger, emergency numbers in the first line.
    pub text: String,
    /// For a danger (red): what to do now and the numbers to call, shown before anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency: Option<Emergency>,
    pub answer: Answer,
    pub triage: Triage,
    /// The case opened for this conversation, once it is opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseView>,
}

/// What a channel shows first for a danger: the first lines of the reply's text, and the
/// numbers in them to call (110 first).
#[derive(Debug, Clone, Serialize)]
pub struct Emergency {
    pub lines: Vec<String>,
    pub numbers: Vec<EmergencyNumber>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EmergencyNumber {
    pub number: &'static str,
    /// What the number is for, e.g. 报警.
    pub label: &'static str,
}

/// A case as the resident who opened it sees it in the chat.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: String,
    /// The resident's key to read the case at `GET /api/cases/{id}?token=…`.
    pub token: String,
    pub status: CaseStatus,
    pub role: Role,
    pub tier: Tier,
    pub handler: Option<HandlerView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HandlerView {
    pub name: String,
    pub phone: String,
}

impl From<&Case> for CaseView {
    fn from(case: &Case) -> Self {
        CaseView {
            id: case.id.clone(),
            token: case.token.clone(),
            status: case.status,
            role: case.role,
            tier: case.tier,
            handler: case.handler.as_ref().map(|h| HandlerView {
                name: h.name.clone(),
                phone: h.phone.clone(),
            }),
        }
    }
}

/// `GET /api/cases/{id}?token=…`: a case's status and history, for its resident.
#[derive(Debug, Clone, Serialize)]
pub struct CaseStatusReply {
    pub id: String,
    pub status: CaseStatus,
    pub status_label: &'static str,
    pub created: DateTime<Utc>,
    pub risk: Risk,
    pub category: Option<String>,
    pub role: Role,
    pub tier: Tier,
    pub place: Option<String>,
    pub handler: Option<HandlerView>,
    pub deadline: DateTime<Utc>,
    pub history: Vec<CaseHistoryLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseHistoryLine {
    pub at: DateTime<Utc>,
    pub what: String,
    pub status: CaseStatus,
}

impl From<&Case> for CaseStatusReply {
    fn from(case: &Case) -> Self {
        CaseStatusReply {
            id: case.id.clone(),
            status: case.status,
            status_label: case.status.label(),
            created: case.created,
            risk: case.risk,
            category: case.category.clone(),
            role: case.role,
            tier: case.tier,
            place: case.place.as_ref().map(|p| p.label()),
            handler: CaseView::from(case).handler,
            deadline: case.deadline,
            history: case
                .history
                .iter()
                .map(|e| CaseHistoryLine {
                    at: e.at,
                    what: e.what.clone(),
                    status: e.status,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// True when the service does not know and says so rather than guess.
    pub abstained: bool,
    pub entries: Vec<EntryCard>,
}

/// A knowledge entry as an answer card.
#[derive(Debug, Clone, Serialize)]
pub struct EntryCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<String>,
    pub citations: Vec<Citation>,
    pub hotlines: Vec<String>,
}

impl From<&Entry> for EntryCard {
    fn from(entry: &Entry) -> Self {
        EntryCard {
            id: entry.id.clone(),
            title: entry.title.clone(),
            summary: entry.summary.clone(),
            steps: entry.steps.clone(),
            citations: entry.citations.clone(),
            hotlines: entry.hotlines.clone(),
        }
    }
}

/// `POST /api/triage` reply.
#[derive(Debug, Clone, Serialize)]
pub struct TriageReply {
    pub triage: Triage,
}

/// `GET /api/search` reply: hits for grid workers, with snippets and scores.
#[derive(Debug, Clone, Serialize)]
pub struct SearchReply {
    pub query: String,
    pub terms: Vec<String>,
    /// True when even the best hit is too weak to answer a resident on.
    pub abstained: bool,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub title: String,
    pub category: String,
    pub domain: String,
    pub score: f32,
    /// Query terms matched in the entry's title, questions or keywords.
    pub matched_terms: Vec<String>,
    /// Their weight by rarity (1.0 = one word that a single entry uses).
    pub matched_weight: f32,
    /// The share of the query's weight they carry.
    pub coverage: f32,
    pub snippet: String,
    pub snippet_html: String,
}

impl SearchHit {
    pub fn new(hit: &Hit, entry: &Entry) -> SearchHit {
        SearchHit {
            id: hit.id.clone(),
            title: entry.title.clone(),
            category: entry.category.clone(),
            domain: entry.domain.as_str().to_string(),
            score: hit.score,
            matched_terms: hit.strong_terms.clone(),
            matched_weight: hit.matched_weight,
            coverage: hit.coverage,
            snippet: hit
                .snippet
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default(),
            snippet_html: hit
                .snippet
                .as_ref()
                .map(|s| s.html.clone())
                .unwrap_or_default(),
        }
    }
}

/// `GET /healthz` reply.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub entries: u64,
    pub rules: Vec<String>,
    pub corpus: String,
}
