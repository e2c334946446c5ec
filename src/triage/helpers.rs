//! Functions the rule scripts may call, written for readability by non-programmers:
//! `mentions(facts.text, ["弄死我", "杀了我"])`.

use regex::Regex;
use rhai::{Array, Engine};
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

/// Whether `phrase` occurs in `text` at least once without a negation right before it.
pub fn mentions_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    text.match_indices(phrase).any(|(at, _)| {
        let before: String = text[..at]
            .chars()
            .rev()
            .take(NEGATION_WINDOW)
            .take_while(|c| !is_clause_break(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        !NEGATED.is_match(&before)
    })
}

fn phrases(words: &Array) -> impl Iterator<Item = String> + '_ {
    words.iter().filter_map(|w| w.clone().into_string().ok())
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
    // count_mentions(text, [...]): how many of the phrases are said.
    engine.register_fn("count_mentions", |text: &str, words: Array| {
        phrases(&words).filter(|p| mentions_phrase(text, p)).count() as i64
    });
}

#[cfg(test)]
mod tests {
    use super::mentions_phrase;

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
