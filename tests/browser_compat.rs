//! The widget must run in old Android WebViews (Chrome 37–50 era), which the browser test
//! cannot start: this keeps widget.js to ES5 and to DOM calls they have, widget.css to
//! what they render, and both free of what a strict CSP or a hostile reply could abuse.

use regex::Regex;

fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{}/web/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The code lines, without whole-line comments (a URL in a string keeps its "//").
fn code_lines(source: &str) -> Vec<(usize, &str)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            !(line.starts_with("//") || line.starts_with("/*") || line.starts_with('*'))
        })
        .map(|(i, line)| (i + 1, line))
        .collect()
}

fn offences(source: &str, rules: &[(&str, &str)]) -> Vec<String> {
    let rules: Vec<(Regex, &str)> = rules
        .iter()
        .map(|(pattern, why)| (Regex::new(pattern).unwrap(), *why))
        .collect();
    let mut found = Vec::new();
    for (number, line) in code_lines(source) {
        for (pattern, why) in &rules {
            if pattern.is_match(line) {
                found.push(format!("line {number}: {why}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn widget_js_is_es5_and_inserts_no_markup() {
    // The SVG namespace is a name, not a resource.
    let source = read("widget.js").replace("http://www.w3.org/2000/svg", "SVG_NAMESPACE");
    let found = offences(
        &source,
        &[
            (r"\b(let|const|class)\s", "ES2015 declaration"),
            (r"=>", "arrow function"),
            ("`", "template literal"),
            (r"\.\.\.[A-Za-z_\[]", "spread"),
            (r"\b(async|await|yield)\b", "ES2017 async"),
            (
                r"\b(fetch|Promise|Symbol|Map|Set|WeakMap|Proxy|Reflect)\b",
                "not in old WebViews",
            ),
            (
                r"\.(includes|startsWith|endsWith|padStart|find|findIndex|closest|append|prepend|replaceWith|assign|from|entries)\(",
                "method missing in old WebViews",
            ),
            (r"\bclassList\b", "classList (use the helpers)"),
            (
                r"\b(eval|Function)\s*\(|setTimeout\(\s*['\x22]",
                "code from strings",
            ),
            (
                r"innerHTML|outerHTML|insertAdjacentHTML|document\.write",
                "markup from text",
            ),
            (
                r"\.style\.|setAttribute\(\s*['\x22]style",
                "inline style (CSP)",
            ),
            (r"https?://", "a resource of another site"),
        ],
    );
    assert!(found.is_empty(), "widget.js:\n{}", found.join("\n"));
}

#[test]
fn widget_css_renders_in_old_webviews() {
    let css = read("widget.css");
    let found = offences(
        &css,
        &[
            (r"var\(--|--[a-z-]+\s*:", "custom property"),
            (r"(^|[\s;{])gap\s*:", "flex gap"),
            (
                r":focus-visible|:is\(|:where\(|:has\(",
                "selector missing in old WebViews",
            ),
            (
                r"(^|[\s;{])inset\s*:|aspect-ratio",
                "property missing in old WebViews",
            ),
            (r"@import|url\(", "a resource loaded from elsewhere"),
        ],
    );
    assert!(found.is_empty(), "widget.css:\n{}", found.join("\n"));
    // Every flex container also says it the way Chrome before 29 understood.
    let flex = css.matches("display: flex").count();
    assert!(flex > 0);
    assert_eq!(css.matches("display: -webkit-flex").count(), flex);
}

#[test]
fn the_checks_catch_what_they_look_for() {
    let bad = "var f = () => 1;\nel.innerHTML = x;\n// let in a comment is fine\n";
    let found = offences(
        bad,
        &[
            (r"=>", "arrow"),
            (r"innerHTML", "markup"),
            (r"\blet\s", "let"),
        ],
    );
    assert_eq!(found.len(), 2, "{found:?}");
}
