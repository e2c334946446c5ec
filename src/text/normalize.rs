use unicode_normalization::UnicodeNormalization;

/// Folds full-width letters, digits and punctuation to half width (NFKC) and collapses
/// runs of whitespace and control characters to one space, trimmed at both ends.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for ch in input.nfkc() {
        if ch.is_whitespace() || ch.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_full_width_and_collapses_space() {
        let cases = [
            ("ＡＢＣ１２３", "ABC123"),
            ("  俺爹\t\n 七十多了  ", "俺爹 七十多了"),
            ("欠了３０００块，咋办？", "欠了3000块,咋办?"),
            ("电话：１３８１２３４５６７８", "电话:13812345678"),
            ("", ""),
            ("\u{3000}\u{3000}", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "input {input:?}");
        }
    }
}
