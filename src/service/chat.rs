//! One chat turn, with the intake of a case over several turns.

use super::{InputError, Service, ServiceError};
use crate::api::{Answer, CaseView, ChatReply};
use crate::cases::{Case, NewCase};
use crate::dialog::intake::{
    CONTACT_ANONYMOUS, CONTACT_PHONE, KNOWN_CONTACT, KNOWN_DESCRIPTION, KNOWN_PLACE, KNOWN_TOWN,
};
use crate::dialog::{compose_reply, emergency, read_answers, Answers, Intake, ReplyParts};
use crate::directory::{PlaceMatch, PlaceRef};
use crate::store::{Session, Turn};
use crate::text::mask_personal_data;
use crate::triage::{Question, QuickReply, Triage};
use crate::vocab::Risk;

impl Service {
    /// One chat turn: answer, triage, reply text. When a person must act, the turn
    /// asks for what is missing (place, contact) and opens the case once it has it;
    /// danger opens it at once. The turn is stored with personal data masked. An
    /// unknown session id starts a new session.
    pub fn chat(&self, session_id: Option<&str>, raw: &str) -> Result<ChatReply, ServiceError> {
        let text = self.message_text(raw)?;
        let mut session = self.session(session_id)?;
        let directory = self.directory();
        let answers = read_answers(&text, &directory);
        let place_candidates = remember_answers(&mut session, &answers);
        let placed_case = self.place_danger_case(&session, &answers)?;

        let analysis = self.analyze(&text, &session.known)?;
        let abstained = analysis.abstained;
        let masked = mask_personal_data(&text);
        // A message that needs a person starts an intake, or adds to the one in
        // progress; a message that answers nothing adds to it as description; the
        // intake's whole text is then what the rules route.
        let needs_human = analysis.evaluation.triage.needs_human;
        let describes = !answers.any() && session.intake.is_some();
        if needs_human || describes {
            let intake = session.intake.get_or_insert_with(Intake::default);
            intake.add(&masked, self.config.max_text_chars);
            if describes {
                session
                    .known
                    .insert(KNOWN_DESCRIPTION.into(), "given".into());
            }
        }
        if let (Some(intake), Some(phone)) = (session.intake.as_mut(), &answers.phone) {
            intake.contact = Some(phone.clone());
        }
        let matter = match &session.intake {
            Some(intake) if intake.text != masked => {
                self.analyze(&intake.text, &session.known)?
                    .evaluation
                    .triage
            }
            _ => analysis.evaluation.triage.clone(),
        };

        let mut triage = matter;
        let case = self
            .open_case_when_ready(&mut session, &triage)?
            .or(placed_case);
        if case.is_some() {
            // What the rules asked for is either known now or follows up in the case.
            triage
                .questions
                .retain(|q| q.id == KNOWN_PLACE && triage.risk == Risk::Red);
        }
        self.offer_place_options(&mut triage.questions, &session, &place_candidates);
        let case_view = case.as_ref().map(CaseView::from);
        let answered_questions = answers.any() && !analysis.evaluation.triage.needs_human;
        let cards = if answered_questions && abstained {
            Vec::new()
        } else {
            analysis.cards
        };
        let reply_text = compose_reply(&ReplyParts {
            triage: &triage,
            entries: &cards,
            abstained,
            answered_questions,
            case: case_view.as_ref(),
        });
        let turn = Turn {
            at: self.clock.now(),
            text: masked,
            entries: cards.iter().map(|c| c.id.clone()).collect(),
            abstained,
            risk: triage.risk.as_str().into(),
            domain: triage.domain.map(|d| d.as_str().into()),
            role: triage.role.as_str().into(),
        };
        self.store.record_turn(&mut session, &turn)?;
        if case.is_some() {
            // The session no longer holds the intake: durable too, or a restart would
            // take the next message as the same intake again.
            self.store.flush()?;
        }
        tracing::info!(
            session = &session.id[..8],
            turn = session.turns,
            risk = %triage.risk,
            domain = triage.domain.map_or("none", |d| d.as_str()),
            role = %triage.role,
            entries = turn.entries.join(","),
            case = case.as_ref().map_or("", |c| c.id.as_str()),
            "chat turn"
        );
        Ok(ChatReply {
            session: session.id,
            text: reply_text,
            emergency: emergency(&triage),
            answer: Answer {
                abstained,
                entries: cards,
            },
            triage,
            case: case_view,
        })
    }

    fn session(&self, id: Option<&str>) -> Result<Session, ServiceError> {
        let existing = match id {
            Some(id) => {
                uuid::Uuid::parse_str(id).map_err(|_| InputError::BadSession)?;
                self.store.session(id)?
            }
            None => None,
        };
        Ok(match existing {
            Some(session) => session,
            None => self.store.new_session()?,
        })
    }

    /// Opens the intake's case when the rules' questions are all answered (or at once
    /// for danger). Returns the case opened by this turn, if any.
    fn open_case_when_ready(
        &self,
        session: &mut Session,
        triage: &Triage,
    ) -> Result<Option<Case>, ServiceError> {
        let Some(intake) = session.intake.as_mut() else {
            return Ok(None);
        };
        let waiting = !triage.questions.is_empty() && triage.risk != Risk::Red;
        if intake.case.is_some() || !triage.needs_human || waiting {
            return Ok(None);
        }
        // The same danger told again (a frightened resident writes twice) joins the
        // open case instead of sending its handler a second one.
        if let (Risk::Red, Some(id)) = (triage.risk, &session.danger_case) {
            if let Some(case) = self.cases.add_report(id, &intake.text, self.clock.now())? {
                tracing::info!(case = case.id, "danger reported again");
                session.intake = None;
                return Ok(Some(case));
            }
        }
        let case = self.cases.open(
            NewCase {
                session: session.id.clone(),
                text: intake.text.clone(),
                category: triage.category.clone(),
                domain: triage.domain,
                risk: triage.risk,
                role: triage.role,
                tier: triage.tier,
                place: session.place.clone(),
                contact: intake.contact.take(),
            },
            &self.directory(),
            self.clock.now(),
        )?;
        tracing::info!(case = case.id, risk = %case.risk, role = %case.role, tier = %case.tier, "case opened");
        // The intake is done; a new matter starts a new one.
        session.intake = None;
        if case.risk == Risk::Red {
            session.danger_case = Some(case.id.clone());
        }
        Ok(Some(case))
    }

    /// A danger opens its case before the resident has said where they are; when the
    /// place comes, the case goes to the handler of that place.
    /// Returns the case when this turn placed it.
    fn place_danger_case(
        &self,
        session: &Session,
        answers: &Answers,
    ) -> Result<Option<Case>, ServiceError> {
        let named_place = matches!(answers.place, PlaceMatch::Village(_) | PlaceMatch::Town(_));
        let (true, Some(id), Some(place)) = (named_place, &session.danger_case, &session.place)
        else {
            return Ok(None);
        };
        let case = self
            .cases
            .locate(id, place, &self.directory(), self.clock.now())?;
        if let Some(case) = &case {
            tracing::info!(case = case.id, "danger case placed");
        }
        Ok(case)
    }

    /// Quick replies for the place question: the candidates when the answer was
    /// ambiguous, the villages of a known town, or else the towns.
    fn offer_place_options(
        &self,
        questions: &mut [Question],
        session: &Session,
        candidates: &[PlaceRef],
    ) {
        let Some(question) = questions.iter_mut().find(|q| q.id == KNOWN_PLACE) else {
            return;
        };
        let directory = self.directory();
        let option = |label: String| QuickReply {
            value: label.clone(),
            label,
        };
        question.options = if !candidates.is_empty() {
            candidates.iter().map(|p| option(p.label())).collect()
        } else if let Some(town) = session
            .place
            .as_ref()
            .and_then(|p| directory.town(&p.town_id))
        {
            town.villages
                .iter()
                .map(|v| option(format!("{}{}", town.name, v.name)))
                .collect()
        } else {
            directory
                .towns
                .iter()
                .map(|t| option(t.name.clone()))
                .collect()
        };
    }
}

/// Keeps what a message answered in the session (as the rules will see it) and returns
/// the candidates when the place it names is ambiguous.
fn remember_answers(session: &mut Session, answers: &Answers) -> Vec<PlaceRef> {
    match &answers.place {
        PlaceMatch::Village(place) => {
            session.known.insert(KNOWN_PLACE.into(), place.label());
            session.known.insert(KNOWN_TOWN.into(), place.town.clone());
            session.place = Some(place.clone());
        }
        PlaceMatch::Town(place) => {
            let same_town = session
                .place
                .as_ref()
                .is_some_and(|p| p.town_id == place.town_id);
            if !same_town {
                session.known.remove(KNOWN_PLACE);
                session.known.insert(KNOWN_TOWN.into(), place.town.clone());
                session.place = Some(place.clone());
            }
        }
        PlaceMatch::Ambiguous(candidates) => return candidates.clone(),
        PlaceMatch::None => {}
    }
    if answers.phone.is_some() {
        session
            .known
            .insert(KNOWN_CONTACT.into(), CONTACT_PHONE.into());
    } else if answers.anonymous {
        session
            .known
            .insert(KNOWN_CONTACT.into(), CONTACT_ANONYMOUS.into());
    }
    Vec::new()
}
