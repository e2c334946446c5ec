//! The service: the engine parts put together, used alike by the CLI and the web.

use crate::api::{
    Answer, CaseStatusReply, CaseView, ChatReply, EntryCard, Health, SearchHit, SearchReply,
    TriageReply,
};
use crate::cases::{Case, CaseBook, CaseError, Clock, NewCase, SystemClock};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::dialog::intake::{
    CONTACT_ANONYMOUS, CONTACT_PHONE, KNOWN_CONTACT, KNOWN_PLACE, KNOWN_TOWN,
};
use crate::dialog::{compose_reply, read_answers, Answers, Intake, ReplyParts};
use crate::directory::{Directory, PlaceMatch, PlaceRef};
use crate::search::{KnowledgeIndex, SearchOutcome, Snippets};
use crate::store::Session;
use crate::store::{Store, StoreError, Turn};
use crate::text::{mask_personal_data, normalize, Segmenter};
use crate::triage::{Evaluation, Facts, HitFacts, RuleCase, RuleReport, RuleSet};
use crate::triage::{Question, QuickReply, Triage};
use crate::vocab::Risk;
use anyhow::Context;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many hits the rules see and the chat considers.
const HITS_FOR_TRIAGE: usize = 10;
/// Most hits a search request may ask for.
pub const MAX_SEARCH_LIMIT: usize = 50;

/// A message the service will not take, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the text is empty")]
    Empty,
    #[error("the text has {chars} characters; at most {max} are accepted")]
    TooLong { chars: usize, max: usize },
    #[error("session ids look like 8-4-4-4-12 hex digits")]
    BadSession,
    #[error("limit must be between 1 and {MAX_SEARCH_LIMIT}")]
    BadLimit,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search failed: {0}")]
    Search(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Case(#[from] CaseError),
}

/// The name of an imported directory inside the data folder.
pub const IMPORTED_DIRECTORY: &str = "directory.toml";

/// The result of searching and triaging one message.
pub struct Analysis {
    pub outcome: SearchOutcome,
    pub evaluation: Evaluation,
    pub cards: Vec<EntryCard>,
}

pub struct Service {
    config: Config,
    corpus: Arc<Corpus>,
    index: KnowledgeIndex,
    rules: RuleSet,
    store: Store,
    directory: Directory,
    cases: CaseBook,
    clock: Arc<dyn Clock>,
}

impl Service {
    /// Opens the service on its configuration: loads and validates the corpus (refusing
    /// a broken one), opens or builds the index, compiles the rules, opens the store.
    pub fn open(config: Config) -> anyhow::Result<Service> {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data folder {}",
                config.data_dir.display()
            )
        })?;
        let store = Store::open(&config.data_dir).context("cannot open the store")?;
        Service::with_store(config, store, false)
    }

    /// Like `open` but with the given store; `rebuild_index` forces a fresh index.
    pub fn with_store(
        config: Config,
        store: Store,
        rebuild_index: bool,
    ) -> anyhow::Result<Service> {
        let corpus = Corpus::load(&config.corpus_dir).with_context(|| {
            format!(
                "the corpus at {} cannot be used",
                config.corpus_dir.display()
            )
        })?;
        let segmenter = Arc::new(
            Segmenter::new(corpus.lexicon()).context("the user dictionary cannot be read")?,
        );
        let index = KnowledgeIndex::open(
            &config.data_dir,
            &corpus,
            segmenter,
            config.search.clone(),
            rebuild_index,
        )?;
        let rules = RuleSet::load(&config.rules_dir, &config.rules)?;
        let imported = config.data_dir.join(IMPORTED_DIRECTORY);
        let directory_file = if imported.is_file() {
            imported
        } else {
            config.directory_file.clone()
        };
        let directory = Directory::load(&directory_file)?;
        let cases = CaseBook::new(&store, config.cases.clone())?;
        tracing::info!(
            entries = corpus.entries().len(),
            corpus = corpus.fingerprint(),
            rules = rules.script_names().collect::<Vec<_>>().join(","),
            "service ready"
        );
        Ok(Service {
            config,
            corpus: Arc::new(corpus),
            index,
            rules,
            store,
            directory,
            cases,
            clock: Arc::new(SystemClock),
        })
    }

    /// The same service reading time from `clock` (tests move it by hand).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Service {
        self.clock = clock;
        self
    }

    pub fn cases(&self) -> &CaseBook {
        &self.cases
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Normalizes a message and checks it is neither empty nor too long.
    pub fn message_text(&self, raw: &str) -> Result<String, InputError> {
        let text = normalize(raw);
        let chars = text.chars().count();
        if chars == 0 {
            return Err(InputError::Empty);
        }
        if chars > self.config.max_text_chars {
            return Err(InputError::TooLong {
                chars,
                max: self.config.max_text_chars,
            });
        }
        Ok(text)
    }

    /// Searches the knowledge base and runs the triage rules on one normalized message.
    pub fn analyze(
        &self,
        text: &str,
        known: &BTreeMap<String, String>,
    ) -> Result<Analysis, ServiceError> {
        let outcome = self.index.search(text, HITS_FOR_TRIAGE, Snippets::Skip)?;
        let hits: Vec<HitFacts> = outcome
            .hits
            .iter()
            .filter_map(|hit| {
                let entry = self.corpus.get(&hit.id)?;
                Some(HitFacts {
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    category: entry.category.clone(),
                    domain: entry.domain,
                    role: entry.role,
                    score: f64::from(hit.score),
                })
            })
            .collect();
        let facts = Facts {
            text: text.to_string(),
            terms: outcome.terms.clone(),
            top: hits.first().filter(|_| !outcome.abstained).cloned(),
            hits,
            known: known.clone(),
        };
        let evaluation = self.rules.evaluate(&facts);
        let cards = outcome
            .answers(self.config.search.related_ratio, self.config.max_answers)
            .into_iter()
            .filter_map(|hit| self.corpus.get(&hit.id).map(EntryCard::from))
            .collect();
        Ok(Analysis {
            outcome,
            evaluation,
            cards,
        })
    }

    /// One chat turn: answer, triage, reply text. When a person must act, the turn
    /// asks for what is missing (place, contact) and opens the case once it has it;
    /// danger opens it at once. The turn is stored with personal data masked. An
    /// unknown session id starts a new session.
    pub fn chat(&self, session_id: Option<&str>, raw: &str) -> Result<ChatReply, ServiceError> {
        let text = self.message_text(raw)?;
        let mut session = self.session(session_id)?;
        let answers = read_answers(&text, &self.directory);
        let place_candidates = remember_answers(&mut session, &answers);

        let analysis = self.analyze(&text, &session.known)?;
        let abstained = analysis.outcome.abstained;
        let masked = mask_personal_data(&text);
        // This message is a matter of its own when it needs a person; otherwise it
        // continues an intake in progress (answering it, or asking on the side).
        let matter = if analysis.evaluation.triage.needs_human {
            let contact = session.intake.take().and_then(|i| i.contact);
            session.intake = Some(Intake {
                text: masked.clone(),
                contact,
                case: None,
            });
            analysis.evaluation.triage.clone()
        } else if let Some(intake) = &session.intake {
            self.analyze(&intake.text, &session.known)?
                .evaluation
                .triage
        } else {
            analysis.evaluation.triage.clone()
        };
        if let (Some(intake), Some(phone)) = (session.intake.as_mut(), &answers.phone) {
            intake.contact = Some(phone.clone());
        }

        let mut triage = matter;
        let case = self.open_case_when_ready(&mut session, &triage)?;
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
            &self.directory,
            self.clock.now(),
        )?;
        tracing::info!(case = case.id, risk = %case.risk, role = %case.role, tier = %case.tier, "case opened");
        // The intake is done; a new matter starts a new one.
        session.intake = None;
        Ok(Some(case))
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
        let option = |label: String| QuickReply {
            value: label.clone(),
            label,
        };
        question.options = if !candidates.is_empty() {
            candidates.iter().map(|p| option(p.label())).collect()
        } else if let Some(town) = session
            .place
            .as_ref()
            .and_then(|p| self.directory.town(&p.town_id))
        {
            town.villages
                .iter()
                .map(|v| option(format!("{}{}", town.name, v.name)))
                .collect()
        } else {
            self.directory
                .towns
                .iter()
                .map(|t| option(t.name.clone()))
                .collect()
        };
    }

    /// A case for the resident who holds its token; None for a wrong token or id alike.
    pub fn case_status(
        &self,
        id: &str,
        token: &str,
    ) -> Result<Option<CaseStatusReply>, ServiceError> {
        Ok(self
            .cases
            .get_with_token(id, token)?
            .as_ref()
            .map(CaseStatusReply::from))
    }

    /// Moves every case not accepted in time one tier up.
    pub fn escalate_overdue(&self) -> Result<Vec<String>, ServiceError> {
        Ok(self
            .cases
            .escalate_overdue(&self.directory, self.clock.now())?)
    }

    /// Triage only, for channels that route without answering.
    pub fn triage(&self, raw: &str) -> Result<TriageReply, ServiceError> {
        let text = self.message_text(raw)?;
        let analysis = self.analyze(&text, &BTreeMap::new())?;
        Ok(TriageReply {
            triage: analysis.evaluation.triage,
        })
    }

    /// Full-text search for grid workers.
    pub fn search(&self, raw: &str, limit: usize) -> Result<SearchReply, ServiceError> {
        let query = self.message_text(raw)?;
        if limit == 0 || limit > MAX_SEARCH_LIMIT {
            return Err(InputError::BadLimit.into());
        }
        let outcome = self.index.search(&query, limit, Snippets::Make)?;
        let hits = outcome
            .hits
            .iter()
            .filter_map(|hit| Some(SearchHit::new(hit, self.corpus.get(&hit.id)?)))
            .collect();
        Ok(SearchReply {
            query,
            terms: outcome.terms,
            abstained: outcome.abstained,
            hits,
        })
    }

    pub fn health(&self) -> Health {
        Health {
            status: "ok",
            entries: self.index.len(),
            rules: self.rules.script_names().map(String::from).collect(),
            corpus: self.corpus.fingerprint().to_string(),
        }
    }

    /// Runs the rule test cases through the whole pipeline (search and rules).
    pub fn run_rule_cases(&self, cases: &[RuleCase]) -> Result<RuleReport, ServiceError> {
        let mut report = RuleReport::default();
        for case in cases {
            let text = self.message_text(&case.text)?;
            let analysis = self.analyze(&text, &BTreeMap::new())?;
            report.record(case, &analysis.evaluation.triage);
        }
        Ok(report)
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
