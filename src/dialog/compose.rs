//! Composes the reply text of one turn. Danger always comes first: for a red triage the
//! first line is the emergency numbers, before any explanation.

use crate::api::{CaseView, Emergency, EmergencyNumber, EntryCard};
use crate::triage::Triage;
use crate::vocab::{Risk, Role};
use std::fmt::Write;

/// Emergency lines by danger category (set by rules/10-danger.rhai). The first line of
/// every red reply names 110.
const EMERGENCY_FIRST_LINE: &str = "⚠️ 有危险请马上打110报警，有人受伤打120。";

const POLICE: EmergencyNumber = EmergencyNumber {
    number: "110",
    label: "报警",
};
const AMBULANCE: EmergencyNumber = EmergencyNumber {
    number: "120",
    label: "急救",
};
const PSYCH_HOTLINE: EmergencyNumber = EmergencyNumber {
    number: "12356",
    label: "心理援助",
};
const ANTI_FRAUD: EmergencyNumber = EmergencyNumber {
    number: "96110",
    label: "反诈专线",
};

/// What to do right now for a danger category, and the numbers to call (110 first).
fn danger_advice(category: Option<&str>) -> (&'static str, &'static [EmergencyNumber]) {
    match category.unwrap_or("") {
        "自伤风险" => (
            "想不开的时候请马上打心理援助热线12356，或者打120；请让身边的人陪着您，别一个人待着。",
            &[POLICE, PSYCH_HOTLINE, AMBULANCE],
        ),
        "正在诈骗" => (
            "先别再转钱！马上打110报警，或打96110反诈专线，讲清转账时间、金额和对方账号，越快越可能追回。",
            &[POLICE, ANTI_FRAUD, AMBULANCE],
        ),
        "精神障碍失控" => (
            "先离开危险的地方，保护好老人孩子；打110请民警到场，打120送医，再告诉网格员和村医。",
            &[POLICE, AMBULANCE],
        ),
        _ => (
            "先到安全的地方，锁好门，告诉身边能帮忙的人；不要一个人去对质。",
            &[POLICE, AMBULANCE],
        ),
    }
}

/// For a danger (red): the lines a channel shows before anything else, and the numbers
/// to call. None for any other risk.
pub fn emergency(triage: &Triage) -> Option<Emergency> {
    if triage.risk != Risk::Red {
        return None;
    }
    let (advice, numbers) = danger_advice(triage.category.as_deref());
    Some(Emergency {
        lines: vec![EMERGENCY_FIRST_LINE.to_string(), advice.to_string()],
        numbers: numbers.to_vec(),
    })
}

/// What goes into one reply.
pub struct ReplyParts<'a> {
    pub triage: &'a Triage,
    pub entries: &'a [EntryCard],
    /// The knowledge base had no confident answer to this message.
    pub abstained: bool,
    /// The message only answered the service's own questions (place, contact).
    pub answered_questions: bool,
    /// A case opened by this turn.
    pub case: Option<&'a CaseView>,
}

/// What a resident reads: emergency numbers (red), the answer (or an honest "I don't
/// know"), the steps, the law it rests on, who will help, and what is still needed.
pub fn compose_reply(parts: &ReplyParts) -> String {
    let triage = parts.triage;
    let entries = parts.entries;
    let mut text = String::new();
    if let Some(emergency) = emergency(triage) {
        for line in &emergency.lines {
            text.push_str(line);
            text.push('\n');
        }
    }

    match entries.first() {
        Some(entry) if !parts.abstained => write_entry(&mut text, entry),
        _ if triage.risk == Risk::Red || parts.answered_questions => {}
        _ => text.push_str(
            "这个问题我还答不准，不敢乱说。您可以找本村的网格员或法律明白人当面问，\
             也可以打12348法律援助热线问专业人员。\n",
        ),
    }
    if !parts.abstained && entries.len() > 1 {
        text.push_str("\n您可能还想了解：");
        let others: Vec<&str> = entries[1..].iter().map(|e| e.title.as_str()).collect();
        text.push_str(&others.join("；"));
        text.push('\n');
    }

    match parts.case {
        Some(case) => write_case(&mut text, case),
        None if triage.needs_human && triage.role != Role::None && triage.risk != Risk::Red => {
            let _ = writeln!(
                text,
                "\n这件事可以请{}帮您处理，我们会把情况转给他们。",
                triage.role.label()
            );
        }
        None => {}
    }
    for question in &triage.questions {
        text.push('\n');
        text.push_str(&question.text);
    }
    if text.trim().is_empty() {
        // The message only answered a question and nothing is left to ask.
        text.push_str("好的，记下了。还有别的情况，可以接着说。");
    }
    text.trim().to_string()
}

fn write_case(text: &mut String, case: &CaseView) {
    let _ = writeln!(
        text,
        "\n已为您登记，案件编号 {}，查询码 {}。",
        case.id, case.token
    );
    match &case.handler {
        Some(h) => {
            let _ = writeln!(
                text,
                "由{}负责，电话 {}；他们会尽快联系您。",
                h.name, h.phone
            );
        }
        None => text.push_str("我们正在找负责的人，会尽快联系您。\n"),
    }
    text.push_str("凭编号和查询码可以随时查办理进度。\n");
}

fn write_entry(text: &mut String, entry: &EntryCard) {
    let _ = writeln!(text, "【{}】", entry.title);
    let _ = writeln!(text, "{}", entry.summary);
    text.push_str("怎么办：\n");
    for (i, step) in entry.steps.iter().enumerate() {
        let _ = writeln!(text, "{}. {}", i + 1, step);
    }
    if !entry.citations.is_empty() {
        let laws: Vec<String> = entry.citations.iter().map(ToString::to_string).collect();
        let _ = writeln!(text, "依据：{}", laws.join("、"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Tier;

    fn triage(risk: Risk, role: Role, category: Option<&str>) -> Triage {
        Triage {
            risk,
            domain: None,
            category: category.map(String::from),
            role,
            tier: Tier::Town,
            needs_human: risk != Risk::Blue,
            questions: vec![],
            everyday: false,
        }
    }

    fn reply(triage: &Triage) -> String {
        compose_reply(&ReplyParts {
            triage,
            entries: &[],
            abstained: true,
            answered_questions: false,
            case: None,
        })
    }

    #[test]
    fn danger_puts_110_in_the_first_line() {
        let text = reply(&triage(Risk::Red, Role::Emergency, Some("自伤风险")));
        let first = text.lines().next().unwrap();
        assert!(first.contains("110"), "{text}");
        assert!(text.contains("12356"), "{text}");
    }

    #[test]
    fn the_emergency_numbers_are_those_the_lines_name_with_110_first() {
        for category in [
            None,
            Some("自伤风险"),
            Some("正在诈骗"),
            Some("精神障碍失控"),
        ] {
            let danger = emergency(&triage(Risk::Red, Role::Emergency, category)).unwrap();
            assert_eq!(danger.numbers[0].number, "110");
            let lines = danger.lines.concat();
            for number in &danger.numbers {
                assert!(lines.contains(number.number), "{category:?}: {lines}");
            }
        }
        assert!(emergency(&triage(Risk::Orange, Role::Mediator, None)).is_none());
    }

    #[test]
    fn abstaining_says_so_and_offers_a_person() {
        let text = reply(&triage(Risk::Blue, Role::None, None));
        assert!(text.contains("答不准") && text.contains("12348"), "{text}");
    }
}
