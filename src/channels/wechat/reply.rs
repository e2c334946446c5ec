//! The text of a passive reply, inside WeChat's limit. A long answer keeps the
//! emergency lines, the entry's title, summary and as many steps as fit, the case and
//! the questions, and links to the full answer page for the rest.

use crate::api::{CaseView, ChatReply, EntryCard};
use crate::dialog::{compose_reply, ReplyParts};
use crate::triage::{Question, Triage};

/// The most a passive text reply may carry, in bytes of UTF-8.
pub const MAX_REPLY_BYTES: usize = 2048;
/// Quick replies listed in the text of a question (a chat page shows them as chips).
const MAX_OPTIONS_SHOWN: usize = 8;

/// A chat reply as WeChat shows it. `answer_url` is the full answer page of an entry.
pub fn chat_text(reply: &ChatReply, answer_url: impl Fn(&str) -> Option<String>) -> String {
    fit(
        &reply.text,
        &Parts {
            triage: &reply.triage,
            entries: &reply.answer.entries,
            abstained: reply.answer.abstained,
            case: reply.case.as_ref(),
        },
        answer_url,
    )
}

/// One knowledge entry on its own (a menu button), as WeChat shows it.
pub fn entry_text(card: &EntryCard, answer_url: impl Fn(&str) -> Option<String>) -> String {
    let triage = Triage::initial();
    let parts = Parts {
        triage: &triage,
        entries: std::slice::from_ref(card),
        abstained: false,
        case: None,
    };
    fit(&parts.compose(card.steps.len()), &parts, answer_url)
}

struct Parts<'a> {
    triage: &'a Triage,
    entries: &'a [EntryCard],
    abstained: bool,
    case: Option<&'a CaseView>,
}

impl Parts<'_> {
    /// The reply with only the first entry and its first `steps` steps.
    fn compose(&self, steps: usize) -> String {
        let first = self.entries.first().map(|card| EntryCard {
            steps: card.steps.iter().take(steps).cloned().collect(),
            ..card.clone()
        });
        compose_reply(&ReplyParts {
            triage: self.triage,
            entries: first.as_slice(),
            abstained: self.abstained,
            // With an entry shown, this only matters for replies without one,
            // which are short and never recomposed.
            answered_questions: false,
            case: self.case,
        })
    }
}

fn fit(text: &str, parts: &Parts, answer_url: impl Fn(&str) -> Option<String>) -> String {
    let hint = options_hint(&parts.triage.questions);
    if text.len() + hint.len() <= MAX_REPLY_BYTES {
        return format!("{text}{hint}");
    }
    let shown = parts.entries.first().filter(|_| !parts.abstained);
    let note = match shown.and_then(|card| answer_url(&card.id)) {
        Some(url) => format!("\n\n内容较长，这里只列要点。全文请看：{url}"),
        None => {
            "\n\n内容较长，这里只列要点；想细问可以接着发消息，或打12348法律援助热线。".to_string()
        }
    };
    if let Some(card) = shown {
        let budget = MAX_REPLY_BYTES.saturating_sub(hint.len() + note.len());
        for steps in (0..=card.steps.len()).rev() {
            let shorter = parts.compose(steps);
            if shorter.len() <= budget {
                return format!("{shorter}{hint}{note}");
            }
        }
    }
    cut(&format!("{text}{hint}"), MAX_REPLY_BYTES)
}

/// The quick replies of the questions, which a text reply cannot show as buttons.
fn options_hint(questions: &[Question]) -> String {
    let mut hint = String::new();
    for question in questions.iter().filter(|q| !q.options.is_empty()) {
        let shown: Vec<&str> = question
            .options
            .iter()
            .take(MAX_OPTIONS_SHOWN)
            .map(|o| o.value.as_str())
            .collect();
        let more = if question.options.len() > MAX_OPTIONS_SHOWN {
            "等"
        } else {
            ""
        };
        hint.push_str(&format!("\n可以直接回复：{}{more}", shown.join("、")));
    }
    hint
}

/// The longest start of `text` within `max` bytes, ending at a line break where one
/// is near, marked with an ellipsis. The first line (the emergency numbers of a
/// danger reply) stays whole whenever it fits at all.
fn cut(text: &str, max: usize) -> String {
    const MORE: &str = "…";
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max - MORE.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let first_line = text.find('\n').unwrap_or(text.len());
    if let Some(line_end) = text[..end].rfind('\n').filter(|&i| i > first_line) {
        end = line_end;
    }
    format!("{}{MORE}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Answer;
    use crate::corpus::Citation;
    use crate::triage::QuickReply;
    use crate::vocab::{Risk, Role, Tier};

    fn card(steps: usize) -> EntryCard {
        EntryCard {
            id: "domestic-violence".into(),
            title: "家暴怎么办".into(),
            summary: "家庭暴力是违法行为。".into(),
            steps: (1..=steps)
                .map(|i| {
                    format!(
                        "第{i}步：{}",
                        "去派出所报案，保存好伤情照片和病历。".repeat(3)
                    )
                })
                .collect(),
            citations: vec![Citation {
                law: "反家庭暴力法".into(),
                article: 13,
            }],
            hotlines: vec![],
        }
    }

    fn red_reply(steps: usize) -> ChatReply {
        let triage = Triage {
            risk: Risk::Red,
            domain: None,
            category: None,
            role: Role::Emergency,
            tier: Tier::Town,
            needs_human: true,
            questions: vec![Question {
                id: "place".into(),
                text: "您在哪个镇、哪个村？".into(),
                options: ["老窝镇", "天桥街道"]
                    .map(|t| QuickReply {
                        label: t.into(),
                        value: t.into(),
                    })
                    .to_vec(),
            }],
            everyday: false,
        };
        let case = CaseView {
            id: "20261130-0007".into(),
            token: "abc".into(),
            status: crate::cases::CaseStatus::Assigned,
            role: Role::Emergency,
            tier: Tier::Town,
            handler: None,
        };
        let entries = vec![card(steps)];
        let text = compose_reply(&ReplyParts {
            triage: &triage,
            entries: &entries,
            abstained: false,
            answered_questions: false,
            case: Some(&case),
        });
        ChatReply {
            session: "s".into(),
            text,
            answer: Answer {
                abstained: false,
                entries,
            },
            emergency: crate::dialog::emergency(&triage),
            triage,
            case: Some(case),
        }
    }

    #[test]
    fn a_short_reply_is_the_chat_text_with_its_quick_replies() {
        let reply = red_reply(2);
        let text = chat_text(&reply, |_| None);
        assert!(text.starts_with(&reply.text), "{text}");
        assert!(text.ends_with("可以直接回复：老窝镇、天桥街道"), "{text}");
        assert!(
            Parts {
                triage: &reply.triage,
                entries: &reply.answer.entries,
                abstained: false,
                case: reply.case.as_ref(),
            }
            .compose(2)
                == reply.text,
            "recomposing gives the chat's own text"
        );
    }

    #[test]
    fn a_long_danger_reply_keeps_110_first_the_case_and_links_the_rest() {
        let reply = red_reply(40);
        assert!(reply.text.len() > MAX_REPLY_BYTES);
        let text = chat_text(&reply, |id| {
            Some(format!("https://example.org/answers/{id}"))
        });
        assert!(text.len() <= MAX_REPLY_BYTES, "{} bytes", text.len());
        assert!(text.lines().next().unwrap().contains("110"), "{text}");
        assert!(
            text.contains("20261130-0007"),
            "the case number stays: {text}"
        );
        assert!(text.contains("第1步") && !text.contains("第40步"), "{text}");
        assert!(
            text.contains("https://example.org/answers/domestic-violence"),
            "{text}"
        );
        assert!(text.contains("可以直接回复：老窝镇"), "{text}");
        let without_link = chat_text(&reply, |_| None);
        assert!(without_link.len() <= MAX_REPLY_BYTES && without_link.contains("12348"));
    }

    #[test]
    fn cutting_keeps_whole_characters_and_the_first_line() {
        let text = format!("⚠️ 打110\n{}", "长".repeat(2000));
        let cut_text = cut(&text, 100);
        assert!(
            cut_text.len() <= 100 && cut_text.starts_with("⚠️ 打110\n"),
            "{cut_text}"
        );
        assert!(cut_text.ends_with('…'));
        let one_line = "字".repeat(1000);
        let cut_line = cut(&one_line, 2048);
        assert!(cut_line.len() <= 2048 && cut_line.ends_with('…'));
        assert_eq!(cut("短", 2048), "短");
    }

    #[test]
    fn an_entry_from_the_menu_fits_too() {
        let text = entry_text(&card(40), |_| None);
        assert!(
            text.len() <= MAX_REPLY_BYTES && text.starts_with("【家暴怎么办】"),
            "{text}"
        );
        let short = entry_text(&card(2), |_| None);
        assert!(short.contains("依据：《反家庭暴力法》第13条"), "{short}");
    }
}
