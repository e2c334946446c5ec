//! Functions the rule scripts may call, written for readability by non-programmers:
//! `mentions(facts.text, ["弄死我", "杀了我"])`, `says_now(facts.text, ["不想活"])`.

use regex::Regex;
use rhai::{Array, Dynamic, Engine, ImmutableString};
use std::sync::LazyLock;

/// A negation right before a phrase ("没说要", "不会", "并没有想") cancels it:
/// "他没说要杀我" does not mention a threat. Checked on the few characters before it.
static NEGATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(没有?|不|别|未|并没有?|从没有?|从来没有?)(说|讲|想|打算|真的)?(过)?(要|会|去)?$")
        .expect("valid regex")
});

/// Characters before a phrase that the negation check looks at.
const NEGATION_WINDOW: usize = 6;

/// Clause boundaries: a negation does not reach across them.
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        ',' | '，' | '。' | '.' | '!' | '！' | '?' | '？' | ';' | '；' | ':' | '：' | '\n'
    )
}

/// Sentence boundaries: a report marker ("电视上说") reaches to the end of its sentence.
fn is_sentence_break(c: char) -> bool {
    matches!(c, '。' | '.' | '!' | '！' | '?' | '？' | '\n')
}

/// Words that make what follows a story from elsewhere, not the resident's own situation.
const REPORT_MARKERS: &[&str] = &[
    "电视上",
    "电视里",
    "新闻",
    "报纸",
    "听说",
    "网上说",
    "网上看",
    "视频里",
    "短视频",
    "电视剧",
    "电影里",
    "小说",
    "广播里",
    "别人说",
    "有人说",
];

/// Words that put a clause in the past: "以前想过不活了" is not danger now.
const PAST_MARKERS: &[&str] = &[
    "以前",
    "之前",
    "过去",
    "曾经",
    "年轻时",
    "那时候",
    "那会儿",
    "前几年",
    "小时候",
    "早些年",
];

/// The text before byte `at`, back to the first character for which `stop` holds.
fn preceding(text: &str, at: usize, stop: fn(char) -> bool, limit: usize) -> String {
    let mut chars: Vec<char> = text[..at]
        .chars()
        .rev()
        .take(limit)
        .take_while(|c| !stop(*c))
        .collect();
    chars.reverse();
    chars.into_iter().collect()
}

/// Whether `phrase` occurs in `text` at least once without a negation right before it.
pub fn mentions_phrase(text: &str, phrase: &str) -> bool {
    occurrences(text, phrase).any(|at| !negated(text, at))
}

/// Like [`mentions_phrase`], and the occurrence is about now and here: not inside a
/// story from TV, the news or hearsay, and not in a clause set in the past.
pub fn says_now_phrase(text: &str, phrase: &str) -> bool {
    occurrences(text, phrase).any(|at| {
        let sentence = preceding(text, at, is_sentence_break, usize::MAX);
        let clause = preceding(text, at, is_clause_break, usize::MAX);
        !negated(text, at)
            && !REPORT_MARKERS.iter().any(|m| sentence.contains(m))
            && !PAST_MARKERS.iter().any(|m| clause.contains(m))
    })
}

fn occurrences<'a>(text: &'a str, phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(phrase)
        .map(|(at, _)| at)
        .filter(move |_| !phrase.is_empty())
}

fn negated(text: &str, at: usize) -> bool {
    NEGATED.is_match(&preceding(text, at, is_clause_break, NEGATION_WINDOW))
}

/// The strings of a rule's word list, shared rather than copied (rules pass long
/// lists on every message).
fn phrases(words: &Array) -> impl Iterator<Item = ImmutableString> + '_ {
    words
        .iter()
        .filter_map(|w| w.clone().into_immutable_string().ok())
}

/// Every concatenation of one phrase from each list, in list order.
fn combine(lists: &[Array]) -> Array {
    let mut phrases = vec![String::new()];
    for list in lists {
        let words: Vec<String> = list
            .iter()
            .filter_map(|w| w.clone().into_string().ok())
            .collect();
        phrases = phrases
            .iter()
            .flat_map(|head| words.iter().map(move |w| format!("{head}{w}")))
            .collect();
    }
    phrases.into_iter().map(Dynamic::from).collect()
}

pub fn register(engine: &mut Engine) {
    // mentions(text, ["词1", "词2"]): one of the phrases is said and not negated.
    engine.register_fn("mentions", |text: &str, words: Array| {
        phrases(&words).any(|p| mentions_phrase(text, &p))
    });
    // mentions_all(text, ["词1", "词2"]): every phrase is said and not negated.
    engine.register_fn("mentions_all", |text: &str, words: Array| {
        phrases(&words).all(|p| mentions_phrase(text, &p))
    });
    // says_now(text, ["不想活", "弄死我"]): said, not negated, not a story from TV or
    // hearsay, not set in the past ("以前想过不活了" does not count). For danger rules.
    engine.register_fn("says_now", |text: &str, words: Array| {
        phrases(&words).any(|p| says_now_phrase(text, &p))
    });
    // combine(["拿", "掂"], ["刀", "斧头"]) → ["拿刀", "拿斧头", "掂刀", "掂斧头"]: every
    // phrase made of one word from each list, in order (up to four lists). Built in one
    // go: pushing them one by one re-measures the growing list for the sandbox's size
    // limit at every push, and that was most of the rules' time.
    engine.register_fn("combine", |a: Array, b: Array| combine(&[a, b]));
    engine.register_fn("combine", |a: Array, b: Array, c: Array| {
        combine(&[a, b, c])
    });
    engine.register_fn("combine", |a: Array, b: Array, c: Array, d: Array| {
        combine(&[a, b, c, d])
    });
    // count_mentions(text, [...]): how many of the phrases are said.
    engine.register_fn("count_mentions", |text: &str, words: Array| {
        phrases(&words).filter(|p| mentions_phrase(text, p)).count() as i64
    });
}

#[cfg(test)]
mod tests {
    use super::{mentions_phrase, says_now_phrase};

    #[test]
    fn says_now_skips_reports_and_the_past() {
        let cases = [
            ("俺真不想活了", "不想活", true),
            ("电视上说有人被骗了，转到安全账户", "安全账户", false),
            ("听说隔壁村有人说要弄死他老婆", "弄死", false),
            ("以前想过不活了，现在好了", "不活", false),
            ("以前挺好，现在真不想活了", "不想活", true),
            ("新闻里说的事。他今晚要弄死我", "弄死我", true),
            ("他没说要弄死我", "弄死我", false),
        ];
        for (text, phrase, expected) in cases {
            assert_eq!(says_now_phrase(text, phrase), expected, "{text} / {phrase}");
        }
    }

    #[test]
    fn combine_makes_every_phrase_in_order() {
        let list = |words: &[&str]| -> rhai::Array {
            words
                .iter()
                .map(|w| rhai::Dynamic::from(w.to_string()))
                .collect()
        };
        let made: Vec<String> =
            super::combine(&[list(&["拿", "掂"]), list(&["", "着"]), list(&["刀"])])
                .into_iter()
                .map(|d| d.into_string().unwrap())
                .collect();
        assert_eq!(made, ["拿刀", "拿着刀", "掂刀", "掂着刀"]);
    }

    #[test]
    fn negation_right_before_cancels_a_phrase() {
        let cases = [
            ("他说今晚要弄死我", "弄死我", true),
            ("他没说要弄死我", "弄死我", false),
            ("他不给钱就弄死我", "弄死我", true),
            ("他从来没有想过要弄死我", "弄死我", false),
            ("我不想活了", "不想活", true),
            ("他没打我，但是说要弄死我", "弄死我", true),
            ("天气不错", "弄死我", false),
        ];
        for (text, phrase, expected) in cases {
            assert_eq!(mentions_phrase(text, phrase), expected, "{text} / {phrase}");
        }
    }
}
