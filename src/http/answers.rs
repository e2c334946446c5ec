//! `GET /answers/{id}`: a knowledge entry as a plain page — what a WeChat reply links
//! to when the answer is too long for it. Server-rendered and escaped; no scripts.

use super::{ApiError, ErrorCode};
use crate::corpus::Entry;
use crate::service::Service;
use actix_web::{web, HttpResponse};
use base64::Engine;
use html_escape::encode_text as esc;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::LazyLock;

const STYLE: &str = "body{font:17px/1.7 system-ui,sans-serif;max-width:40em;margin:0 auto;\
padding:1em;color:#222}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}\
.danger{background:#fdecea;border-left:4px solid #c62828;padding:.5em .8em}\
.summary{font-size:1.05em}footer{color:#666;font-size:.9em;margin-top:2em}";

/// The page's policy: nothing but its own inline style, which is allowed by hash.
static POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
    )
});

pub async fn show(
    service: web::Data<Service>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = service
        .corpus()
        .get(&id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("no entry {id}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", POLICY.as_str()))
        .body(render(entry)))
}

fn render(entry: &Entry) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · 明白</title><style>{STYLE}</style></head><body><main>\
         <p class=\"danger\">有危险请马上打 <a href=\"tel:110\">110</a>，\
         有人受伤打 <a href=\"tel:120\">120</a>。</p>\
         <h1>{title}</h1><p class=\"summary\">{summary}</p>",
        title = esc(&entry.title),
        summary = esc(&entry.summary),
    );
    if !entry.steps.is_empty() {
        page.push_str("<h2>怎么办</h2><ol>");
        for step in &entry.steps {
            let _ = write!(page, "<li>{}</li>", esc(step));
        }
        page.push_str("</ol>");
    }
    if !entry.details.trim().is_empty() {
        page.push_str("<h2>详细说明</h2>");
        write_details(&mut page, &entry.details);
    }
    if !entry.citations.is_empty() {
        page.push_str("<h2>法律依据</h2><ul>");
        for citation in &entry.citations {
            let _ = write!(page, "<li>{}</li>", esc(&citation.to_string()));
        }
        page.push_str("</ul>");
    }
    if !entry.hotlines.is_empty() {
        page.push_str("<h2>电话</h2><p>");
        let links: Vec<String> = entry
            .hotlines
            .iter()
            .map(|h| format!("<a href=\"tel:{0}\">{0}</a>", esc(h)))
            .collect();
        page.push_str(&links.join("　"));
        page.push_str("</p>");
    }
    let _ = write!(
        page,
        "</main><footer>更新于 {}。这是法律常识介绍，具体的事可以找本村网格员、\
         法律明白人，或打 <a href=\"tel:12348\">12348</a> 法律援助热线。</footer></body></html>",
        entry.updated
    );
    page
}

/// The details are Markdown paragraphs, with the odd heading or list line: shown as
/// paragraphs and subheadings, every character escaped.
fn write_details(page: &mut String, details: &str) {
    for block in details
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        if let Some(heading) = block.strip_prefix('#') {
            let _ = write!(
                page,
                "<h3>{}</h3>",
                esc(heading.trim_start_matches('#').trim())
            );
        } else {
            let lines: Vec<String> = block.lines().map(|l| esc(l.trim()).into_owned()).collect();
            let _ = write!(page, "<p>{}</p>", lines.join("<br>"));
        }
    }
}
