//! Cross-origin calls and security headers through the real app: the widget embedded on
//! an allowed site may call the API; other sites' pages may not read its answers; the
//! pages the service serves carry a strict policy, and widget.js stays embeddable.

mod common;

use actix_web::http::{header, Method, StatusCode};
use actix_web::{test, web};
use mingbai::config::{Config, HttpSettings};
use mingbai::http::create_app;
use mingbai::service::Service;
use mingbai::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

const ALLOWED: &str = "https://www.example.gov.cn";
const OTHER: &str = "https://elsewhere.example.com";

fn service(dir: &std::path::Path, origins: &[&str]) -> Arc<Service> {
    let config = Config {
        http: HttpSettings {
            cors_origins: origins.iter().map(|o| o.to_string()).collect(),
        },
        ..common::config_in(dir)
    };
    Arc::new(Service::with_store(config, Store::temporary().unwrap(), false).unwrap())
}

fn preflight(origin: &str, path: &str, method: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method))
        .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type"))
}

fn chat_from(origin: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/api/chat")
        .insert_header((header::ORIGIN, origin))
        .set_json(json!({ "text": "电动车被偷了咋办" }))
}

fn header_of<B>(
    resp: &actix_web::dev::ServiceResponse<B>,
    name: header::HeaderName,
) -> Option<String> {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[actix_web::test]
async fn an_allowed_site_may_call_the_api_and_others_may_not_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let app =
        test::init_service(create_app(web::Data::from(service(dir.path(), &[ALLOWED])))).await;

    // The browser asks first (JSON is not a "simple" request); the allowed site may.
    let resp = test::call_service(&app, preflight(ALLOWED, "/api/chat", "POST").to_request()).await;
    assert!(resp.status().is_success(), "{}", resp.status());
    assert_eq!(
        header_of(&resp, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(ALLOWED)
    );
    let methods = header_of(&resp, header::ACCESS_CONTROL_ALLOW_METHODS).unwrap();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let headers = header_of(&resp, header::ACCESS_CONTROL_ALLOW_HEADERS).unwrap();
    assert!(headers.contains("content-type"), "{headers}");
    assert!(header_of(&resp, header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    let resp =
        test::call_service(&app, preflight(ALLOWED, "/api/cases/x", "GET").to_request()).await;
    assert!(
        resp.status().is_success(),
        "the case status too: {}",
        resp.status()
    );

    // The call itself answers with the origin echoed, and says that the answer varies by it.
    let resp = test::call_service(&app, chat_from(ALLOWED).to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header_of(&resp, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(ALLOWED)
    );
    assert!(header_of(&resp, header::VARY)
        .unwrap()
        .to_lowercase()
        .contains("origin"));
    let reply: Value = test::read_body_json(resp).await;
    assert!(!reply["answer"]["entries"].as_array().unwrap().is_empty());

    // Another site's preflight is refused with the API's JSON error ...
    let resp = test::call_service(&app, preflight(OTHER, "/api/chat", "POST").to_request()).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(header_of(&resp, header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let error: Value = test::read_body_json(resp).await;
    assert_eq!(error["code"], "cors_refused");
    assert!(error["message"].as_str().unwrap().contains("not allowed"));
    // ... and a call that skips it is answered without the header a browser needs to read it.
    let resp = test::call_service(&app, chat_from(OTHER).to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(header_of(&resp, header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    // A method the API does not offer cross-origin is refused as well.
    let resp =
        test::call_service(&app, preflight(ALLOWED, "/api/chat", "DELETE").to_request()).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn with_no_origins_only_the_services_own_pages_call_the_api_and_a_star_allows_any_site() {
    let dir = tempfile::tempdir().unwrap();
    let app = test::init_service(create_app(web::Data::from(service(dir.path(), &[])))).await;
    let resp = test::call_service(&app, preflight(ALLOWED, "/api/chat", "POST").to_request()).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // A browser sends Origin on its own page's POST too: that call is not blocked.
    let resp = test::call_service(&app, chat_from("http://localhost:8080").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(header_of(&resp, header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    let dir = tempfile::tempdir().unwrap();
    let app = test::init_service(create_app(web::Data::from(service(dir.path(), &["*"])))).await;
    for origin in [ALLOWED, OTHER] {
        let resp =
            test::call_service(&app, preflight(origin, "/api/chat", "POST").to_request()).await;
        assert!(resp.status().is_success(), "{origin}: {}", resp.status());
        let resp = test::call_service(&app, chat_from(origin).to_request()).await;
        assert_eq!(
            header_of(&resp, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some("*")
        );
    }
}

#[actix_web::test]
async fn pages_carry_a_strict_policy_and_the_widget_stays_embeddable_in_any_page_encoding() {
    let app = test::init_service(create_app(web::Data::from(common::shared_service()))).await;

    let resp = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = header_of(&resp, header::CONTENT_SECURITY_POLICY).unwrap();
    for directive in [
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(
        header_of(&resp, header::X_CONTENT_TYPE_OPTIONS).as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        header_of(&resp, header::REFERRER_POLICY).as_deref(),
        Some("no-referrer")
    );
    assert_eq!(
        header_of(&resp, header::X_FRAME_OPTIONS).as_deref(),
        Some("DENY")
    );
    let permissions =
        header_of(&resp, header::HeaderName::from_static("permissions-policy")).unwrap();
    assert!(permissions.contains("camera=()") && permissions.contains("geolocation=()"));
    let page = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    // The demo page embeds the widget with one script tag and nothing inline.
    assert!(
        page.contains(r#"<script src="widget.js" data-title="#),
        "{page}"
    );
    assert_eq!(page.matches("<script").count(), 1);
    assert!(!page.contains("style=") && !page.contains("<style"));

    for (file, kind) in [
        ("/widget.js", "text/javascript"),
        ("/widget.css", "text/css"),
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(file).to_request()).await;
        assert_eq!(resp.status(), StatusCode::OK, "{file}");
        let content_type = header_of(&resp, header::CONTENT_TYPE).unwrap();
        // Host pages are often GBK: without the charset the widget's words would garble.
        assert_eq!(content_type, format!("{kind}; charset=utf-8"));
        assert!(
            resp.headers().get("cross-origin-resource-policy").is_none(),
            "{file} loads into other sites' pages"
        );
    }

    let resp = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/search?q=%E8%B5%A1%E5%85%BB")
            .to_request(),
    )
    .await;
    assert_eq!(
        header_of(
            &resp,
            header::HeaderName::from_static("cross-origin-resource-policy")
        )
        .as_deref(),
        Some("same-origin")
    );
    assert_eq!(
        header_of(&resp, header::CACHE_CONTROL).as_deref(),
        Some("no-store")
    );
}

// `test` here is actix's module: the standard attribute by its full path.
#[core::prelude::v1::test]
fn a_malformed_origin_stops_the_server_from_starting_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mingbai"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("MINGBAI_LOG", "error")
        .env(
            "MINGBAI_HTTP__CORS_ORIGINS",
            r#"["https://www.example.gov.cn/"]"#,
        )
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cors_origins") && stderr.contains("https://www.example.gov.cn/"),
        "{stderr}"
    );
}
