//! The service: the engine parts put together, used alike by the CLI and the web.

mod channel;
mod chat;
mod reload;

pub use channel::Forgotten;
pub use reload::Reloaded;

use crate::api::{CaseStatusReply, EntryCard, Health, SearchHit, SearchReply, TriageReply};
use crate::cases::{CaseBook, CaseError, Clock, SystemClock};
use crate::channels::Channels;
use crate::config::Config;
use crate::corpus::Corpus;
use crate::directory::Directory;
use crate::search::{KnowledgeIndex, SearchOutcome, Snippets};
use crate::store::{Store, StoreError};
use crate::text::{normalize, Segmenter};
use crate::triage::{Evaluation, Facts, HitFacts, RuleCase, RuleReport, RuleSet};
use anyhow::Context;
use arc_swap::ArcSwap;
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
    /// No answer is given: the search is not confident, or the rules found no legal
    /// matter in the message.
    pub abstained: bool,
    pub evaluation: Evaluation,
    pub cards: Vec<EntryCard>,
}

pub struct Service {
    config: Config,
    corpus: Arc<Corpus>,
    index: KnowledgeIndex,
    rules: ArcSwap<RuleSet>,
    store: Store,
    directory: ArcSwap<Directory>,
    /// What the rules and directory were loaded from, to see when they change.
    sources: reload::Sources,
    cases: CaseBook,
    /// What the channels (WeChat, bridges) remember between requests.
    channels: Channels,
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
        config.wechat.validate()?;
        if config.wechat.enabled() {
            for (key, id) in &config.wechat.menu {
                anyhow::ensure!(
                    corpus.get(id).is_some(),
                    "[wechat.menu] {key} shows the entry {id:?}, which the corpus does not have"
                );
            }
        }
        let rules = RuleSet::load(&config.rules_dir, &config.rules)?;
        let sources = reload::Sources::new(&config);
        let directory = Directory::load(&sources.directory_file())?;
        let cases = CaseBook::new(&store, config.cases.clone())?;
        let channels = Channels::new(&store, &config)?;
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
            rules: ArcSwap::from_pointee(rules),
            store,
            directory: ArcSwap::from_pointee(directory),
            sources,
            cases,
            channels,
            clock: Arc::new(SystemClock),
        })
    }

    /// The same service reading time from `clock` (tests move it by hand).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Service {
        self.clock = clock;
        self
    }

    pub fn channels(&self) -> &Channels {
        &self.channels
    }

    /// The time as the service reads it (a test clock in tests).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn cases(&self) -> &CaseBook {
        &self.cases
    }

    /// The directory in force (an import or a reload may replace it).
    pub fn directory(&self) -> Arc<Directory> {
        self.directory.load_full()
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
        let evaluation = self.rules.load().evaluate(&facts);
        // When the rules find no legal matter in the message (no domain), an entry that
        // matched only a word or two is a guess ("明天天气" → an entry on weather delays);
        // and everyday talk ("电瓶咋保养") gets no entry however many words it shares.
        let weak_without_domain = evaluation.triage.domain.is_none()
            && outcome.hits.first().is_none_or(|best| {
                best.matched_weight < self.config.search.min_matched_weight_without_domain
            });
        let everyday = evaluation.triage.everyday && evaluation.triage.domain.is_none();
        let abstained = outcome.abstained || weak_without_domain || everyday;
        let cards = if abstained {
            Vec::new()
        } else {
            outcome
                .answers(self.config.search.related_ratio, self.config.max_answers)
                .into_iter()
                .filter_map(|hit| self.corpus.get(&hit.id).map(EntryCard::from))
                .collect()
        };
        Ok(Analysis {
            outcome,
            evaluation,
            cards,
            abstained,
        })
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
            .escalate_overdue(&self.directory(), self.clock.now())?)
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
            rules: self.rules.load().script_names().map(String::from).collect(),
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
