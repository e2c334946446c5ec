use regex::Regex;
use std::sync::LazyLock;

/// Runs of digits (with the spaces or dashes people type inside phone numbers) and an
/// optional trailing X of an ID number.
static NUMBER_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[\d \-]*\d)?[Xx]?").expect("valid regex"));

/// A house or room number in an address: "12号", "3栋", "502室".
static HOUSE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(号楼|号院|号|栋|幢|单元|室|户)").expect("valid regex"));

/// The fewest digits that make a personal number (landline without area code has 7).
const MIN_PERSONAL_DIGITS: usize = 7;

/// Masks what identifies a resident before text is stored or logged: phone, ID and
/// bank-card numbers keep their first 3 and last 4 digits (138****5678); house and room
/// numbers become `*`. Amounts of money and dates are shorter than 7 digits and stay.
pub fn mask_personal_data(text: &str) -> String {
    let masked = NUMBER_RUN.replace_all(text, |caps: &regex::Captures| {
        let run = &caps[0];
        let chars: Vec<char> = run.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if chars.len() < MIN_PERSONAL_DIGITS {
            return run.to_string();
        }
        let keep_tail = 4;
        let keep_head = 3;
        let mut out: String = chars[..keep_head].iter().collect();
        out.extend(std::iter::repeat_n(
            '*',
            chars.len() - keep_head - keep_tail,
        ));
        out.extend(&chars[chars.len() - keep_tail..]);
        out
    });
    HOUSE_NUMBER
        .replace_all(&masked, |caps: &regex::Captures| format!("*{}", &caps[1]))
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::mask_personal_data;

    #[test]
    fn masks_phone_id_and_house_numbers_but_not_amounts() {
        let cases = [
            ("俺电话13812345678", "俺电话138****5678"),
            ("手机 138 1234 5678 打我", "手机 138****5678 打我"),
            ("身份证41010219800101123X", "身份证410***********123X"),
            ("欠了3000块，2023年的事", "欠了3000块，2023年的事"),
            ("住在幸福路12号3栋502室", "住在幸福路*号*栋*室"),
            ("座机0371-6123456", "座机037****3456"),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_personal_data(input), expected, "input {input:?}");
        }
    }
}
