//! Case intake over several turns: once triage says a person must act, the service asks
//! only for what is missing (which village, how to reach the resident) and opens the
//! case when it has it. Answers may come in any order, typed or tapped.

use crate::directory::{Directory, PlaceMatch};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// Keys of `Session::known` (and so of `facts.known` in the rules).
pub const KNOWN_PLACE: &str = "place";
pub const KNOWN_TOWN: &str = "town";
pub const KNOWN_CONTACT: &str = "contact";
pub const KNOWN_DESCRIPTION: &str = "description";

/// Values of `known["contact"]`.
pub const CONTACT_PHONE: &str = "phone";
pub const CONTACT_ANONYMOUS: &str = "anonymous";

/// An intake in progress: the message that started it and a phone left for a call
/// back (kept only until the case is opened, then only in the case).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Intake {
    /// The message that needs a person, masked.
    pub text: String,
    #[serde(default)]
    pub contact: Option<String>,
    /// The case once opened.
    #[serde(default)]
    pub case: Option<String>,
}

impl Intake {
    /// Adds one message (masked) to the intake's text, keeping the text within
    /// `max_chars`: the first message (what the matter is) and the newest ones stay,
    /// the oldest additions go. A resident who keeps writing without answering would
    /// otherwise make every later turn triage an ever longer text.
    pub fn add(&mut self, message: &str, max_chars: usize) {
        let mut lines: Vec<&str> = self.text.lines().collect();
        lines.push(message);
        let length = |lines: &[&str]| lines.iter().map(|l| l.chars().count() + 1).sum::<usize>();
        while lines.len() > 2 && length(&lines) > max_chars {
            lines.remove(1);
        }
        self.text = lines.join("\n");
    }
}

/// What one message answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub place: PlaceMatch,
    pub phone: Option<String>,
    pub anonymous: bool,
}

impl Answers {
    pub fn any(&self) -> bool {
        !matches!(self.place, PlaceMatch::None) || self.phone.is_some() || self.anonymous
    }
}

/// A mobile number (spaces and dashes inside allowed) or a landline with area code.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])(1[3-9]\d(?:[ -]?\d){8}|0\d{2,3}-?\d{7,8})(?:$|[^\d])")
        .expect("valid regex")
});

const ANONYMOUS_WORDS: &[&str] = &["匿名", "不留", "不想留", "不方便留", "anonymous"];

/// Reads the answers a message gives: a place of the directory, a phone number, or the
/// wish to stay anonymous.
pub fn read_answers(text: &str, directory: &Directory) -> Answers {
    let phone = PHONE
        .captures(text)
        .map(|c| c[1].chars().filter(char::is_ascii_digit).collect());
    Answers {
        place: directory.recognize(text),
        anonymous: phone.is_none() && ANONYMOUS_WORDS.iter().any(|w| text.contains(w)),
        phone,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_intake_keeps_its_first_and_newest_messages_within_the_limit() {
        let mut intake = super::Intake::default();
        intake.add("老板欠俺工钱不给", 20);
        for n in 0..10 {
            intake.add(&format!("第{n}条补充"), 20);
        }
        assert!(
            intake.text.starts_with("老板欠俺工钱不给\n"),
            "{}",
            intake.text
        );
        assert!(intake.text.ends_with("第9条补充"), "{}", intake.text);
        assert!(intake.text.chars().count() <= 20, "{}", intake.text);
    }

    use super::*;

    fn directory() -> Directory {
        Directory::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/directory.toml"
        )))
        .unwrap()
    }

    #[test]
    fn reads_place_phone_and_anonymity() {
        let dir = directory();
        let a = read_answers("俺是万金镇余营村的，电话138 1234 5678", &dir);
        assert!(
            matches!(&a.place, PlaceMatch::Village(p) if p.village.as_deref() == Some("余营村"))
        );
        assert_eq!(a.phone.as_deref(), Some("13812345678"));
        assert!(!a.anonymous);
        let a = read_answers("不留，匿名反映", &dir);
        assert!(a.anonymous && a.phone.is_none() && a.any());
        let a = read_answers("欠了3000块钱", &dir);
        assert!(!a.any());
    }
}
