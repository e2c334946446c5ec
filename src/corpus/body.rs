//! Splits an entry's Markdown body into its three parts: the plain answer (first
//! paragraph), the numbered 怎么办 steps, and the details that follow.

/// The heading that opens the steps section.
pub const STEPS_HEADING: &str = "## 怎么办";

#[derive(Debug, PartialEq, Eq)]
pub struct Body {
    pub summary: String,
    pub steps: Vec<String>,
    pub details: String,
}

/// Problems are returned as (field, message) so the loader can name the field.
pub fn parse_body(body: &str) -> Result<Body, (&'static str, String)> {
    let body = body.trim();
    let summary: String = body
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("");
    if summary.is_empty() || summary.starts_with('#') {
        return Err((
            "summary",
            "the body must start with a paragraph that answers plainly".into(),
        ));
    }
    let Some(steps_start) = body.find(STEPS_HEADING) else {
        return Err(("steps", format!("no {STEPS_HEADING} section")));
    };
    let after = &body[steps_start + STEPS_HEADING.len()..];
    let (steps_text, details) = match after.find("\n## ") {
        Some(end) => (&after[..end], after[end..].trim()),
        None => (after, ""),
    };
    let steps: Vec<String> = steps_text
        .lines()
        .filter_map(numbered_item)
        .map(str::to_string)
        .collect();
    if steps.is_empty() {
        return Err((
            "steps",
            format!("the {STEPS_HEADING} section has no numbered steps (1. …)"),
        ));
    }
    Ok(Body {
        summary,
        steps,
        details: details.to_string(),
    })
}

/// The text of a line like "1. 先找调解员", or None.
fn numbered_item(line: &str) -> Option<&str> {
    let line = line.trim();
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = line[digits..]
        .strip_prefix('.')
        .or_else(|| line[digits..].strip_prefix('、'))?;
    let text = rest.trim();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_summary_steps_and_details() {
        let body = "子女必须赡养父母。\n可以要赡养费。\n\n## 怎么办\n1. 找调解员\n2、去法庭\n\n## 详细说明\n说明文字";
        let parsed = parse_body(body).unwrap();
        assert_eq!(parsed.summary, "子女必须赡养父母。可以要赡养费。");
        assert_eq!(parsed.steps, vec!["找调解员", "去法庭"]);
        assert_eq!(parsed.details, "## 详细说明\n说明文字");
    }

    #[test]
    fn names_the_missing_part() {
        assert_eq!(parse_body("## 怎么办\n1. x").unwrap_err().0, "summary");
        assert_eq!(parse_body("答案").unwrap_err().0, "steps");
        assert_eq!(
            parse_body("答案\n\n## 怎么办\n没有编号").unwrap_err().0,
            "steps"
        );
    }
}
