use crate::vocab::{Domain, Role};
use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;
use std::fmt;
use std::sync::LazyLock;

/// A statute citation: 《民法典》第1067条.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// The law's short name, without 《》 (民法典, 劳动合同法).
    pub law: String,
    pub article: u32,
}

/// Laws repealed on 2021-01-01 when the Civil Code took effect; never cited.
pub const REPEALED_LAWS: &[&str] = &[
    "婚姻法",
    "继承法",
    "收养法",
    "担保法",
    "合同法",
    "物权法",
    "侵权责任法",
    "民法通则",
    "民法总则",
];

static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^《([^《》]{2,40})》第([1-9][0-9]{0,3})条$").expect("valid regex")
});

impl Citation {
    /// Parses `《法名》第N条`; the error says what is wrong in words a corpus editor follows.
    pub fn parse(text: &str) -> Result<Citation, String> {
        let caps = CITATION.captures(text.trim()).ok_or_else(|| {
            format!("citation {text:?} is not of the form 《法律名称》第N条 (N in Arabic numerals)")
        })?;
        let law = caps[1].trim_start_matches("中华人民共和国").to_string();
        if REPEALED_LAWS.contains(&law.as_str()) {
            return Err(format!(
                "citation {text:?} names the 《{law}》, repealed on 2021-01-01: cite the 《民法典》"
            ));
        }
        let article = caps[2].parse().expect("regex admits only digits");
        Ok(Citation { law, article })
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "《{}》第{}条", self.law, self.article)
    }
}

/// One knowledge entry, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// The project's fine category (赡养, 欠薪, …).
    pub category: String,
    /// The domain its category maps to.
    pub domain: Domain,
    /// How residents ask it.
    pub questions: Vec<String>,
    pub keywords: Vec<String>,
    pub citations: Vec<Citation>,
    /// Who handles this kind of matter.
    pub role: Role,
    pub hotlines: Vec<String>,
    pub updated: NaiveDate,
    /// The plain answer: the body's first paragraph.
    pub summary: String,
    /// The 怎么办 steps.
    pub steps: Vec<String>,
    /// The rest of the body (Markdown).
    pub details: String,
}

#[cfg(test)]
mod tests {
    use super::Citation;

    #[test]
    fn parses_good_citations_and_explains_bad_ones() {
        let c = Citation::parse("《民法典》第1067条").unwrap();
        assert_eq!((c.law.as_str(), c.article), ("民法典", 1067));
        let c = Citation::parse("《中华人民共和国劳动合同法》第82条").unwrap();
        assert_eq!(c.law, "劳动合同法");
        assert_eq!(c.to_string(), "《劳动合同法》第82条");
        for bad in [
            "民法典1067条",
            "《民法典》第一千条",
            "《民法典》第0条",
            "《民法典》",
        ] {
            assert!(Citation::parse(bad).is_err(), "{bad}");
        }
        let err = Citation::parse("《婚姻法》第21条").unwrap_err();
        assert!(err.contains("repealed"), "{err}");
    }
}
