use crate::directory::PlaceRef;
use crate::vocab::{Domain, Risk, Role, Tier};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// new → assigned → accepted → in_progress → resolved → closed; a case not accepted by
/// its deadline becomes escalated (assigned one tier up) and waits for acceptance again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Assigned,
    Accepted,
    InProgress,
    Resolved,
    Escalated,
    Closed,
}

impl CaseStatus {
    /// Still waiting for someone to accept it: the deadline runs.
    pub fn awaiting_acceptance(self) -> bool {
        matches!(
            self,
            CaseStatus::New | CaseStatus::Assigned | CaseStatus::Escalated
        )
    }

    /// The moves a handler may make from this status.
    pub fn can_move_to(self, next: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, next),
            (New | Assigned | Escalated, Accepted)
                | (Accepted, InProgress)
                | (Accepted | InProgress, Resolved)
                | (Accepted | InProgress, Escalated)
                | (Resolved, Closed)
                | (Resolved, InProgress)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::New => "已登记，待分派",
            CaseStatus::Assigned => "已分派，待受理",
            CaseStatus::Accepted => "已受理",
            CaseStatus::InProgress => "正在处理",
            CaseStatus::Resolved => "已化解",
            CaseStatus::Escalated => "已上报上一级，待受理",
            CaseStatus::Closed => "已办结",
        }
    }
}

/// Who the case is with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseHandler {
    pub role: Role,
    pub tier: Tier,
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub notify: Option<String>,
}

/// One line of a case's append-only history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    /// "system", "resident", or the handler's name.
    pub who: String,
    pub what: String,
    pub status: CaseStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Readable and sortable: 20261130-0007.
    pub id: String,
    /// The resident's secret to read the case; never shown to anyone else.
    pub token: String,
    pub created: DateTime<Utc>,
    pub session: String,
    /// What the resident wrote, personal numbers masked.
    pub text: String,
    pub category: Option<String>,
    pub domain: Option<Domain>,
    pub risk: Risk,
    pub role: Role,
    pub tier: Tier,
    pub place: Option<PlaceRef>,
    pub handler: Option<CaseHandler>,
    /// The phone the resident left for a call back; None when anonymous.
    pub contact: Option<String>,
    pub status: CaseStatus,
    /// When it must be accepted by, after which it climbs one tier.
    pub deadline: DateTime<Utc>,
    pub history: Vec<CaseEvent>,
}

/// How long each risk may wait for acceptance before the case climbs a tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseSettings {
    pub red_minutes: i64,
    pub orange_hours: i64,
    pub yellow_hours: i64,
    pub blue_hours: i64,
    /// How often the server looks for overdue cases, in seconds.
    pub check_every_secs: u64,
}

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            red_minutes: 15,
            orange_hours: 4,
            yellow_hours: 24,
            blue_hours: 72,
            check_every_secs: 30,
        }
    }
}

impl CaseSettings {
    pub fn time_to_accept(&self, risk: Risk) -> Duration {
        match risk {
            Risk::Red => Duration::minutes(self.red_minutes),
            Risk::Orange => Duration::hours(self.orange_hours),
            Risk::Yellow => Duration::hours(self.yellow_hours),
            Risk::Blue => Duration::hours(self.blue_hours),
        }
    }
}

/// The tier above, or None at the district.
pub fn tier_above(tier: Tier) -> Option<Tier> {
    match tier {
        Tier::Grid => Some(Tier::Village),
        Tier::Village => Some(Tier::Town),
        Tier::Town => Some(Tier::District),
        Tier::District => None,
    }
}

/// Who takes a case that climbed to `tier` when its role has nobody there:
/// 村坐诊 by the mediator, 镇接诊 by the 司法所, 区会诊 by the 综治中心.
pub fn default_role_at(tier: Tier) -> Role {
    match tier {
        Tier::Grid => Role::GridWorker,
        Tier::Village => Role::Mediator,
        Tier::Town => Role::JusticeOffice,
        Tier::District => Role::GovernanceCenter,
    }
}
