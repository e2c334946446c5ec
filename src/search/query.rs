use super::build::{open_or_build, IndexLocation, SearchError};
use super::schema::Fields;
use crate::corpus::Corpus;
use crate::text::Segmenter;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// How the index is queried and when the service would rather abstain than guess.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    /// Below this BM25 score of the best hit, the service says it does not know.
    pub min_score: f32,
    /// How telling the words must be that the best hit matches in its title, questions
    /// or keywords (a match in the body alone is too weak to answer on): words weigh by
    /// rarity in the corpus, and 1.0 is the weight of one word that a single entry uses.
    /// A lone common word ("钱", "孩子") is not enough to answer on.
    pub min_matched_weight: f32,
    /// The share of the message's weight that the best hit must match that way. A
    /// message whose telling words the corpus has never seen ("红烧肉", "股票") is not a
    /// question the corpus answers, however well its common words match.
    pub min_coverage: f32,
    /// When the triage rules find no legal matter in a message (no domain), the best hit
    /// must match at least this weight to be answered: "电动车哪个牌子好" shares a word with
    /// the e-bike theft entry and nothing more.
    pub min_matched_weight_without_domain: f32,
    /// Hits are ranked by BM25 × (1 + this × coverage): an entry whose title, questions
    /// or keywords hold more of the message's telling words moves up. 0 ranks by BM25.
    pub rerank_by_coverage: f32,
    /// Further entries are shown beside the best one when they score at least this
    /// share of its score.
    pub related_ratio: f32,
    pub boost_questions: f32,
    pub boost_title: f32,
    pub boost_keywords: f32,
    pub boost_body: f32,
    /// Characters of body text around the matches shown to grid workers.
    pub snippet_chars: usize,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            min_score: 6.0,
            min_matched_weight: 0.7,
            min_coverage: 0.0,
            min_matched_weight_without_domain: 1.5,
            rerank_by_coverage: 2.0,
            related_ratio: 0.75,
            boost_questions: 3.0,
            boost_title: 2.0,
            boost_keywords: 2.0,
            boost_body: 1.0,
            snippet_chars: 120,
        }
    }
}

/// Whether a search makes snippets: grid workers read them; a chat turn does not, and
/// making them (re-segmenting each hit's body) is most of a search's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snippets {
    Make,
    Skip,
}

/// Body text around the matches of a hit.
#[derive(Debug, Clone, Serialize)]
pub struct Snippet {
    pub text: String,
    /// The same with matches in `<b>`, HTML-escaped.
    pub html: String,
}

/// One matching entry.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub score: f32,
    pub snippet: Option<Snippet>,
    /// Query terms found in the entry's title, questions or keywords.
    pub strong_terms: Vec<String>,
    /// The weight of those terms (1.0 = one word that a single entry uses).
    pub matched_weight: f32,
    /// The share of the query's weight those terms carry (0–1).
    pub coverage: f32,
}

/// What a search found and whether it is confident enough to answer on.
#[derive(Debug, Clone, Serialize)]
pub struct SearchOutcome {
    pub terms: Vec<String>,
    pub hits: Vec<Hit>,
    /// True when the best hit is too weak to answer on (or there is none).
    pub abstained: bool,
}

impl SearchOutcome {
    /// The hits good enough to show as answers: the best, and those close to it.
    pub fn answers(&self, related_ratio: f32, max: usize) -> Vec<&Hit> {
        if self.abstained {
            return Vec::new();
        }
        let best = self.hits.first().map_or(0.0, |h| h.score);
        self.hits
            .iter()
            .take(max)
            .filter(|h| h.score >= best * related_ratio && !h.strong_terms.is_empty())
            .collect()
    }
}

/// The searchable knowledge base: the tantivy index plus what is needed to query it.
pub struct KnowledgeIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    segmenter: Arc<Segmenter>,
    settings: SearchSettings,
    /// Per entry id, the terms of its title, questions and keywords.
    strong_terms: HashMap<String, HashSet<String>>,
    /// Per term, in how many entries it occurs anywhere; gives each query term its weight.
    entry_frequency: HashMap<String, u32>,
    entries: u32,
}

impl KnowledgeIndex {
    /// Opens the index of this corpus under `data_dir`, building it when the corpus
    /// changed since the last build (or when `force_rebuild`).
    pub fn open(
        data_dir: &std::path::Path,
        corpus: &Corpus,
        segmenter: Arc<Segmenter>,
        settings: SearchSettings,
        force_rebuild: bool,
    ) -> Result<KnowledgeIndex, SearchError> {
        let location = IndexLocation::new(data_dir, corpus);
        let index = open_or_build(&location, corpus, &segmenter, force_rebuild)?;
        let tantivy_err = |source| SearchError::Tantivy {
            path: location.dir.clone(),
            source,
        };
        let fields = Fields::from_schema(&index.schema()).map_err(tantivy_err)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tantivy_err)?;
        let mut strong_terms = HashMap::new();
        let mut entry_frequency: HashMap<String, u32> = HashMap::new();
        for entry in corpus.entries() {
            let terms_of = |text: &str| -> HashSet<String> {
                segmenter
                    .pieces(text)
                    .iter()
                    .map(|p| p.word.to_lowercase())
                    .collect()
            };
            let strong = terms_of(&format!(
                "{}\n{}\n{}",
                entry.title,
                entry.questions.join("\n"),
                entry.keywords.join(" ")
            ));
            let body = terms_of(&format!(
                "{}\n{}\n{}",
                entry.summary,
                entry.steps.join("\n"),
                entry.details
            ));
            for term in strong.union(&body) {
                *entry_frequency.entry(term.clone()).or_default() += 1;
            }
            strong_terms.insert(entry.id.clone(), strong);
        }
        Ok(KnowledgeIndex {
            index,
            reader,
            fields,
            segmenter,
            settings,
            strong_terms,
            entry_frequency,
            entries: corpus.entries().len() as u32,
        })
    }

    pub fn settings(&self) -> &SearchSettings {
        &self.settings
    }

    pub fn segmenter(&self) -> &Arc<Segmenter> {
        &self.segmenter
    }

    /// Searches for `text` (already normalized) and returns up to `limit` hits.
    pub fn search(
        &self,
        text: &str,
        limit: usize,
        snippets: Snippets,
    ) -> tantivy::Result<SearchOutcome> {
        let terms = self.segmenter.query_terms(text);
        if terms.is_empty() || limit == 0 {
            return Ok(SearchOutcome {
                terms,
                hits: Vec::new(),
                abstained: true,
            });
        }
        let query = self.build_query(&terms);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit))?;
        let generator = match snippets {
            Snippets::Make => {
                let mut generator = SnippetGenerator::create(&searcher, &query, self.fields.body)?;
                generator.set_max_num_chars(self.settings.snippet_chars);
                Some(generator)
            }
            Snippets::Skip => None,
        };

        let query_weight = self.weight(&outermost(&terms));
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let snippet = generator.as_ref().map(|g| {
                let snippet = g.snippet_from_doc(&doc);
                Snippet {
                    text: snippet.fragment().to_string(),
                    html: highlight(snippet.fragment(), snippet.highlighted()),
                }
            });
            let strong_terms = self.strong_matches(&id, &terms);
            let matched_weight = self.weight(&outermost(&strong_terms));
            let coverage = matched_weight / query_weight.max(f32::EPSILON);
            hits.push(Hit {
                id,
                score,
                snippet,
                strong_terms,
                matched_weight,
                coverage,
            });
        }
        if self.settings.rerank_by_coverage > 0.0 {
            let weight = self.settings.rerank_by_coverage;
            let key = |h: &Hit| h.score * (1.0 + weight * h.coverage);
            hits.sort_by(|a, b| key(b).total_cmp(&key(a)));
        }
        let abstained = !hits.first().is_some_and(|best| self.confident(best));
        Ok(SearchOutcome {
            terms,
            hits,
            abstained,
        })
    }

    /// The confidence rule: a strong enough score and a match where it counts.
    fn confident(&self, best: &Hit) -> bool {
        best.score >= self.settings.min_score
            && best.matched_weight >= self.settings.min_matched_weight
            && best.coverage >= self.settings.min_coverage
    }

    /// The summed rarity of terms (BM25's idf over entries), in units of the rarity of
    /// a word that one entry uses: a word few entries use says more about what a
    /// message is about than one that most entries use.
    fn weight(&self, terms: &[String]) -> f32 {
        let n = self.entries as f32;
        let idf = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let unit = idf(1.0);
        terms
            .iter()
            .map(|t| idf(self.entry_frequency.get(t).copied().unwrap_or(0) as f32) / unit)
            .sum()
    }

    /// A boolean "should" query of every term in every field, boosted per field.
    /// (QueryParser would turn unspaced Chinese into one phrase and find nothing.)
    fn build_query(&self, terms: &[String]) -> BooleanQuery {
        let s = &self.settings;
        let fields = [
            (self.fields.questions, s.boost_questions),
            (self.fields.title, s.boost_title),
            (self.fields.keywords, s.boost_keywords),
            (self.fields.body, s.boost_body),
        ];
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .flat_map(|term| {
                fields.iter().map(move |&(field, boost)| {
                    let query = TermQuery::new(
                        Term::from_field_text(field, term),
                        IndexRecordOption::WithFreqs,
                    );
                    let boosted: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(query), boost));
                    (Occur::Should, boosted)
                })
            })
            .collect();
        BooleanQuery::new(clauses)
    }

    fn strong_matches(&self, id: &str, terms: &[String]) -> Vec<String> {
        let Some(strong) = self.strong_terms.get(id) else {
            return Vec::new();
        };
        terms
            .iter()
            .filter(|t| strong.contains(*t))
            .cloned()
            .collect()
    }

    /// The number of documents, for health checks.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn tantivy(&self) -> &Index {
        &self.index
    }
}

/// The terms that are not part of another term: search mode yields 电动车 and also
/// 电动 and 动车; weighing all three would count one word three times.
fn outermost(terms: &[String]) -> Vec<String> {
    terms
        .iter()
        .filter(|term| {
            let term: &str = term;
            !terms
                .iter()
                .any(|other| other != term && other.contains(term))
        })
        .cloned()
        .collect()
}

/// The fragment as HTML with matches in `<b>`. Search-mode tokens overlap (保护令 inside
/// 人身安全保护令), so ranges are merged first; tantivy's own `to_html` assumes they don't.
fn highlight(fragment: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for range in sorted {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    let mut html = String::with_capacity(fragment.len() + merged.len() * 7);
    let mut at = 0;
    for range in merged {
        html.push_str(&html_escape::encode_text(&fragment[at..range.start]));
        html.push_str("<b>");
        html.push_str(&html_escape::encode_text(&fragment[range.clone()]));
        html.push_str("</b>");
        at = range.end;
    }
    html.push_str(&html_escape::encode_text(&fragment[at..]));
    html
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn overlapping_matches_are_merged_and_text_is_escaped() {
        let text = "申请人身安全保护令<br>";
        let whole = 6..27; // 人身安全保护令
        let inner = 18..27; // 保护令
        assert_eq!(
            highlight(text, &[inner, whole]),
            "申请<b>人身安全保护令</b>&lt;br&gt;"
        );
        assert_eq!(highlight("abc", &[]), "abc");
    }
}
