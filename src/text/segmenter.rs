use jieba_rs::Jieba;
use std::collections::{HashMap, HashSet};
use std::io::BufReader;

/// The word lists that teach the segmenter the residents' language, as read from the
/// corpus folder: a jieba user dictionary, a colloquial → standard synonym table and
/// stop words that carry no meaning for search.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// jieba dictionary lines: `word [freq] [tag]`.
    pub user_dict: String,
    /// colloquial or misspelt word → standard word.
    pub synonyms: HashMap<String, String>,
    pub stopwords: HashSet<String>,
}

/// One word of a text with its byte offsets in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    pub word: &'a str,
    pub start: usize,
    pub end: usize,
}

/// The one jieba instance of the service, with the legal user dictionary loaded.
/// Building it takes a while (the default dictionary), so it is built once and shared.
pub struct Segmenter {
    jieba: Jieba,
    synonyms: HashMap<String, String>,
    stopwords: HashSet<String>,
}

impl Segmenter {
    pub fn new(lexicon: &Lexicon) -> Result<Segmenter, jieba_rs::Error> {
        let mut jieba = Jieba::new();
        jieba.load_dict(&mut BufReader::new(lexicon.user_dict.as_bytes()))?;
        // Synonym keys must stay whole words, or "工钱" would never be seen as one.
        for word in lexicon.synonyms.keys().chain(lexicon.synonyms.values()) {
            if !jieba.has_word(word) && word.chars().count() > 1 {
                jieba.add_word(word, None, None);
            }
        }
        Ok(Segmenter {
            jieba,
            synonyms: lexicon.synonyms.clone(),
            stopwords: lexicon.stopwords.clone(),
        })
    }

    /// The words of `text` for indexing, in search mode (a long word also yields the
    /// dictionary words inside it: 人身安全保护令 → 人身, 安全, 保护, 保护令, …).
    /// Whitespace and punctuation are dropped; offsets are byte offsets into `text`.
    pub fn pieces<'a>(&self, text: &'a str) -> Vec<Piece<'a>> {
        let base = text.as_ptr() as usize;
        let mut pieces: Vec<Piece<'a>> = self
            .jieba
            .cut_for_search(text, true)
            .into_iter()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .map(|word| {
                // jieba returns sub-slices of `text`, so the pointer gives the byte offset.
                let start = word.as_ptr() as usize - base;
                Piece {
                    word,
                    start,
                    end: start + word.len(),
                }
            })
            .collect();
        // jieba yields a long word's parts before the word; tantivy's snippets need
        // tokens in text order.
        pieces.sort_by_key(|p| (p.start, p.end));
        pieces
    }

    /// The search terms of a query: segmented words, lowercased, each colloquial word
    /// followed by its standard synonym, stop words removed, each term once.
    pub fn query_terms(&self, text: &str) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut terms = Vec::new();
        for piece in self.pieces(text) {
            let word = piece.word.to_lowercase();
            let standard = self.synonyms.get(&word).cloned();
            // A dialect word for a stop word (俺 → 我) is a stop word too.
            if standard
                .as_ref()
                .is_some_and(|s| self.stopwords.contains(s))
            {
                continue;
            }
            for term in std::iter::once(word).chain(standard) {
                if !self.stopwords.contains(&term) && seen.insert(term.clone()) {
                    terms.push(term);
                }
            }
        }
        terms
    }

    /// Plain segmentation (no sub-words), for showing or for rules.
    pub fn words<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba.cut(text, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segmenter() -> Segmenter {
        let lexicon = Lexicon {
            user_dict: "赡养费 20000 n\n人身安全保护令 20000 n\n承包地 20000 n\n".into(),
            synonyms: [("工钱", "工资"), ("俺", "我")]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            stopwords: ["我", "的", "了"].into_iter().map(String::from).collect(),
        };
        Segmenter::new(&lexicon).unwrap()
    }

    #[test]
    fn offsets_are_byte_offsets_into_the_text() {
        let seg = segmenter();
        let text = "俺爹要赡养费, call 12348 OK";
        let pieces = seg.pieces(text);
        for piece in &pieces {
            assert_eq!(&text[piece.start..piece.end], piece.word);
        }
        assert!(
            pieces.windows(2).all(|w| w[0].start <= w[1].start),
            "in text order"
        );
        let words: Vec<&str> = seg.pieces(text).iter().map(|p| p.word).collect();
        assert!(words.contains(&"赡养费"), "{words:?}");
        assert!(words.contains(&"12348"), "{words:?}");
        assert!(words.contains(&"call"), "{words:?}");
        assert!(!words.contains(&","), "punctuation dropped: {words:?}");
    }

    #[test]
    fn user_dictionary_keeps_legal_terms_whole_and_search_mode_adds_parts() {
        let seg = segmenter();
        let words: Vec<&str> = seg
            .pieces("申请人身安全保护令")
            .iter()
            .map(|p| p.word)
            .collect();
        assert!(words.contains(&"人身安全保护令"), "{words:?}");
    }

    #[test]
    fn query_terms_expand_synonyms_and_drop_stopwords() {
        let seg = segmenter();
        let terms = seg.query_terms("俺的工钱 OK");
        assert!(terms.contains(&"工钱".to_string()), "{terms:?}");
        assert!(terms.contains(&"工资".to_string()), "{terms:?}");
        assert!(terms.contains(&"ok".to_string()), "lowercased: {terms:?}");
        assert!(
            !terms.iter().any(|t| t == "我" || t == "俺" || t == "的"),
            "{terms:?}"
        );
    }
}
