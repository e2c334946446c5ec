use super::model::{
    default_role_at, tier_above, Case, CaseEvent, CaseHandler, CaseSettings, CaseStatus,
};
use crate::directory::{Directory, PlaceRef};
use crate::store::{codec, Store, StoreError};
use crate::vocab::{Domain, Risk, Role, Tier};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no case {0}")]
    NotFound(String),
    #[error("a case cannot go from {from:?} to {to:?}")]
    BadMove { from: CaseStatus, to: CaseStatus },
}

/// What the chat knows when it opens a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub session: String,
    pub text: String,
    pub category: Option<String>,
    pub domain: Option<Domain>,
    pub risk: Risk,
    pub role: Role,
    pub tier: Tier,
    pub place: Option<PlaceRef>,
    pub contact: Option<String>,
}

/// A notification waiting to be delivered to a handler (the outbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub at: DateTime<Utc>,
    pub case: String,
    pub to: String,
    pub phone: String,
    pub target: Option<String>,
    pub urgent: bool,
    pub message: String,
}

/// The cases in the store.
#[derive(Clone)]
pub struct CaseBook {
    store: Store,
    cases: sled::Tree,
    outbox: sled::Tree,
    settings: CaseSettings,
}

impl CaseBook {
    pub fn new(store: &Store, settings: CaseSettings) -> Result<CaseBook, CaseError> {
        Ok(CaseBook {
            cases: store.tree("cases")?,
            outbox: store.tree("outbox")?,
            store: store.clone(),
            settings,
        })
    }

    /// Opens and routes a case, notifies its handler (at once and marked urgent for red),
    /// and returns only after it is on disk.
    pub fn open(
        &self,
        new: NewCase,
        directory: &Directory,
        now: DateTime<Utc>,
    ) -> Result<Case, CaseError> {
        let number = self.store.next_id()?;
        let mut case = Case {
            id: format!("{}-{:04}", now.format("%Y%m%d"), number + 1),
            token: uuid::Uuid::new_v4().simple().to_string(),
            created: now,
            session: new.session,
            text: new.text,
            category: new.category,
            domain: new.domain,
            risk: new.risk,
            role: new.role,
            tier: new.tier,
            place: new.place,
            handler: None,
            contact: new.contact,
            status: CaseStatus::New,
            deadline: now + self.settings.time_to_accept(new.risk),
            history: Vec::new(),
        };
        case.history.push(CaseEvent {
            at: now,
            who: "system".into(),
            what: format!(
                "登记：{}，{}预警",
                case.category.as_deref().unwrap_or("待分类"),
                risk_label(case.risk)
            ),
            status: CaseStatus::New,
        });
        let notices = match find_handler(directory, &case, case.role, case.tier) {
            Some(handler) => {
                let what = format!("分派给{}（{}）", handler.name, tier_label(handler.tier));
                case.handler = Some(handler);
                case.status = CaseStatus::Assigned;
                case.history.push(CaseEvent {
                    at: now,
                    who: "system".into(),
                    what,
                    status: CaseStatus::Assigned,
                });
                vec![self.notice(&case, now, "新案件")]
            }
            None => Vec::new(),
        };
        self.save(&case, &notices)?;
        Ok(case)
    }

    pub fn get(&self, id: &str) -> Result<Option<Case>, CaseError> {
        Ok(codec::get(&self.cases, id.as_bytes())?)
    }

    /// The case if `token` is its token; None otherwise, whether or not the case exists.
    pub fn get_with_token(&self, id: &str, token: &str) -> Result<Option<Case>, CaseError> {
        Ok(self.get(id)?.filter(|case| {
            constant_time_eq::constant_time_eq(case.token.as_bytes(), token.as_bytes())
        }))
    }

    /// Every case, oldest first.
    pub fn list(&self) -> Result<Vec<Case>, CaseError> {
        Ok(codec::values(&self.cases)?)
    }

    /// The notifications written so far, oldest first.
    pub fn outbox(&self) -> Result<Vec<Notice>, CaseError> {
        Ok(codec::values(&self.outbox)?)
    }

    /// A handler moves a case on (accept, start, resolve, close).
    pub fn transition(
        &self,
        id: &str,
        to: CaseStatus,
        who: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, CaseError> {
        let mut case = self
            .get(id)?
            .ok_or_else(|| CaseError::NotFound(id.to_string()))?;
        if !case.status.can_move_to(to) {
            return Err(CaseError::BadMove {
                from: case.status,
                to,
            });
        }
        case.status = to;
        case.history.push(CaseEvent {
            at: now,
            who: who.to_string(),
            what: if note.is_empty() {
                to.label().to_string()
            } else {
                note.to_string()
            },
            status: to,
        });
        self.save(&case, &[])?;
        Ok(case)
    }

    /// The resident reports the danger of an open case again: the report joins the
    /// case's history and its handler is told at once. Returns None when the case is
    /// gone or already resolved or closed (a new danger then opens a new case).
    pub fn add_report(
        &self,
        id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Case>, CaseError> {
        let Some(mut case) = self.unfinished(id)? else {
            return Ok(None);
        };
        case.history.push(CaseEvent {
            at: now,
            who: "resident".into(),
            what: format!("居民再次报告：{text}"),
            status: case.status,
        });
        let notice = self.notice(&case, now, "再次报告");
        self.save(&case, &[notice])?;
        Ok(Some(case))
    }

    /// The place of a case opened before the resident said where they are (a danger
    /// opens its case at once): the case is routed again to the handler of that place,
    /// and the handler is told where. Returns None when the case is gone, closed or
    /// already placed.
    pub fn locate(
        &self,
        id: &str,
        place: &PlaceRef,
        directory: &Directory,
        now: DateTime<Utc>,
    ) -> Result<Option<Case>, CaseError> {
        let Some(mut case) = self.unfinished(id)? else {
            return Ok(None);
        };
        let placed = case.place.as_ref().is_some_and(|p| p.village_id.is_some());
        if placed || case.place.as_ref() == Some(place) {
            return Ok(None);
        }
        case.place = Some(place.clone());
        let handler = find_handler(directory, &case, case.role, case.tier);
        let moved = handler.is_some() && handler != case.handler;
        let what = match (&handler, moved) {
            (Some(h), true) => format!(
                "居民说了所在地（{}），改派给{}（{}）",
                place.label(),
                h.name,
                tier_label(h.tier)
            ),
            _ => format!("居民说了所在地（{}）", place.label()),
        };
        if moved {
            case.handler = handler;
            if case.status == CaseStatus::New {
                case.status = CaseStatus::Assigned;
            }
        }
        case.history.push(CaseEvent {
            at: now,
            who: "system".into(),
            what,
            status: case.status,
        });
        // Told either way: whoever answers a danger needs to know where to go.
        let notice = self.notice(&case, now, if moved { "改派" } else { "补充地点" });
        self.save(&case, &[notice])?;
        Ok(Some(case))
    }

    /// The case while it is still being handled (not resolved or closed).
    fn unfinished(&self, id: &str) -> Result<Option<Case>, CaseError> {
        Ok(self
            .get(id)?
            .filter(|case| !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed)))
    }

    /// Unlinks the cases of a session whose resident's data was deleted (an unfollow):
    /// the cases stay with their handlers, their history says why the conversation is
    /// gone. Returns their ids.
    pub fn detach_session(
        &self,
        session: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, CaseError> {
        let mut detached = Vec::new();
        for mut case in self.list()? {
            if case.session != session {
                continue;
            }
            case.session = String::new();
            case.history.push(CaseEvent {
                at: now,
                who: "system".into(),
                what: "居民的聊天记录已按渠道要求删除（如取消关注公众号），案件照常办理".into(),
                status: case.status,
            });
            self.save(&case, &[])?;
            detached.push(case.id);
        }
        Ok(detached)
    }

    /// Every case not accepted by its deadline climbs one tier (at the district it is
    /// reminded again); its history says so and the new handler is notified.
    /// Returns the ids of the cases it moved.
    pub fn escalate_overdue(
        &self,
        directory: &Directory,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, CaseError> {
        let mut moved = Vec::new();
        for mut case in self.list()? {
            if !case.status.awaiting_acceptance() || case.deadline > now {
                continue;
            }
            let from = tier_label(case.tier);
            let what = match tier_above(case.tier) {
                Some(next) => {
                    let handler = find_handler(directory, &case, case.role, next)
                        .or_else(|| find_handler(directory, &case, default_role_at(next), next));
                    case.tier = handler.as_ref().map_or(next, |h| h.tier);
                    if let Some(handler) = &handler {
                        case.role = handler.role;
                    }
                    let to = handler
                        .as_ref()
                        .map_or_else(|| tier_label(next).to_string(), |h| h.name.clone());
                    case.handler = handler.or(case.handler);
                    format!(
                        "{from}逾期未受理，自动上报到{}：{to}",
                        tier_label(case.tier)
                    )
                }
                None => format!("{from}逾期仍未受理，再次督办"),
            };
            case.status = CaseStatus::Escalated;
            case.deadline = now + self.settings.time_to_accept(case.risk);
            case.history.push(CaseEvent {
                at: now,
                who: "system".into(),
                what,
                status: CaseStatus::Escalated,
            });
            let notice = self.notice(&case, now, "逾期上报");
            self.save(&case, &[notice])?;
            tracing::warn!(case = case.id, tier = %case.tier, "case escalated");
            moved.push(case.id);
        }
        Ok(moved)
    }

    fn notice(&self, case: &Case, now: DateTime<Utc>, kind: &str) -> Notice {
        let handler = case.handler.as_ref();
        Notice {
            at: now,
            case: case.id.clone(),
            to: handler.map_or_else(String::new, |h| h.name.clone()),
            phone: handler.map_or_else(String::new, |h| h.phone.clone()),
            target: handler.and_then(|h| h.notify.clone()),
            urgent: case.risk == Risk::Red,
            message: format!(
                "【{kind}】{} {}预警 {}：{}",
                case.id,
                risk_label(case.risk),
                case.place
                    .as_ref()
                    .map_or_else(|| "地点待确认".to_string(), PlaceRef::label),
                case.category.as_deref().unwrap_or("待分类")
            ),
        }
    }

    /// Writes the case and its notices, then flushes: durable before anyone is told.
    fn save(&self, case: &Case, notices: &[Notice]) -> Result<(), CaseError> {
        codec::put(&self.cases, case.id.as_bytes(), case)?;
        for notice in notices {
            let key = self.store.next_id()?.to_be_bytes();
            codec::put(&self.outbox, &key, notice)?;
            if notice.urgent {
                tracing::warn!(case = notice.case, to = notice.to, "urgent notice");
            } else {
                tracing::info!(case = notice.case, to = notice.to, "notice");
            }
        }
        self.store.flush()?;
        Ok(())
    }
}

fn find_handler(directory: &Directory, case: &Case, role: Role, tier: Tier) -> Option<CaseHandler> {
    let place = case.place.as_ref();
    directory
        .handler_for(
            role,
            tier,
            place.map(|p| p.town_id.as_str()),
            place.and_then(|p| p.village_id.as_deref()),
            place.and_then(|p| p.grid_id.as_deref()),
        )
        .map(|(h, found_at)| CaseHandler {
            role: h.role,
            tier: found_at,
            name: h.name.clone(),
            phone: h.phone.clone(),
            notify: h.notify.clone(),
        })
}

pub fn tier_label(tier: Tier) -> &'static str {
    match tier {
        Tier::Grid => "网格",
        Tier::Village => "村（社区）",
        Tier::Town => "镇（街道）",
        Tier::District => "区",
    }
}

fn risk_label(risk: Risk) -> &'static str {
    match risk {
        Risk::Red => "红色",
        Risk::Orange => "橙色",
        Risk::Yellow => "黄色",
        Risk::Blue => "蓝色",
    }
}
