//! The real HTTP app over the real index, rules and store.

mod common;

use actix_web::http::StatusCode;
use actix_web::{test, web};
use mingbai::http::create_app;
use serde_json::{json, Value};

async fn app() -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(create_app(web::Data::from(common::shared_service()))).await
}

async fn chat(text: &str) -> Value {
    let app = app().await;
    let req = test::TestRequest::post()
        .uri("/api/chat")
        .set_json(json!({ "text": text }))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::OK);
    test::read_body_json(resp).await
}

/// Sends a raw body and returns (status, JSON body).
async fn post_raw(
    uri: &str,
    content_type: &str,
    body: impl Into<actix_web::web::Bytes>,
) -> (StatusCode, Value) {
    let app = app().await;
    let req = test::TestRequest::post()
        .uri(uri)
        .insert_header(("content-type", content_type))
        .set_payload(body.into())
        .to_request();
    let resp = test::call_service(&app, req).await;
    let status = resp.status();
    (status, test::read_body_json(resp).await)
}

#[actix_web::test]
async fn elder_support_question_gets_the_support_entry_with_its_article() {
    let reply = chat("俺爹七十多了，几个儿都不管他，咋办？").await;
    let answer = &reply["answer"];
    assert_eq!(answer["abstained"], false, "{reply:#}");
    let first = &answer["entries"][0];
    let citations = first["citations"].as_array().unwrap();
    assert!(
        citations
            .iter()
            .any(|c| c["law"] == "民法典" && c["article"] == 1067),
        "{first:#}"
    );
    assert!(
        first["title"].as_str().unwrap().contains("赡养"),
        "{first:#}"
    );
    let triage = &reply["triage"];
    assert_eq!(triage["domain"], "婚姻家庭");
    let role = triage["role"].as_str().unwrap();
    assert!(role == "mediator" || role == "legal_aware", "{triage:#}");
    assert_eq!(triage["needs_human"], true);
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .contains("《民法典》第1067条"));
    assert!(reply["session"].as_str().unwrap().len() == 36);
}

#[actix_web::test]
async fn a_threat_is_red_with_110_in_the_first_line() {
    let reply = chat("他说今晚要弄死我").await;
    let triage = &reply["triage"];
    assert_eq!(triage["risk"], "red", "{reply:#}");
    let role = triage["role"].as_str().unwrap();
    assert!(role == "emergency" || role == "police", "{triage:#}");
    let first_line = reply["text"].as_str().unwrap().lines().next().unwrap();
    assert!(first_line.contains("110"), "{first_line}");
}

#[actix_web::test]
async fn an_off_topic_message_abstains() {
    let reply = chat("明天天气咋样").await;
    assert_eq!(reply["answer"]["abstained"], true, "{reply:#}");
    assert_eq!(reply["answer"]["entries"], json!([]));
    assert_eq!(reply["triage"]["domain"], Value::Null);
    assert_eq!(reply["triage"]["risk"], "blue");
    assert!(
        reply["text"].as_str().unwrap().contains("12348"),
        "offers a person"
    );
}

#[actix_web::test]
async fn a_session_continues_and_its_turns_are_stored_masked() {
    let app = app().await;
    let first: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::post()
            .uri("/api/chat")
            .set_json(json!({ "text": "老板欠俺工钱三个月了，俺电话13812345678" }))
            .to_request(),
    )
    .await;
    let session = first["session"].as_str().unwrap().to_string();
    let second: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::post()
            .uri("/api/chat")
            .set_json(json!({ "session": session, "text": "包工头跑了咋办" }))
            .to_request(),
    )
    .await;
    assert_eq!(second["session"], session.as_str());
    let turns = common::shared_service().store().turns(&session).unwrap();
    assert_eq!(turns.len(), 2);
    assert!(turns[0].text.contains("138****5678"), "{}", turns[0].text);
    assert!(!turns[0].text.contains("13812345678"));
}

#[actix_web::test]
async fn bad_input_gets_a_json_error_with_a_stable_code() {
    let (status, body) = post_raw("/api/chat", "application/json", "{\"text\": ").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_json"))
    );
    assert_eq!(body["type"], "invalid_request");
    assert!(body["message"].as_str().unwrap().len() > 5);

    let (status, body) = post_raw("/api/chat", "application/json", r#"{"text":"   "}"#).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("empty_text"))
    );

    let long = json!({ "text": "欠".repeat(20_000) }).to_string();
    let (status, body) = post_raw("/api/chat", "application/json", long).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(body["code"], "text_too_long", "{body}");

    let huge = json!({ "text": "a".repeat(200_000) }).to_string();
    let (status, body) = post_raw("/api/chat", "application/json", huge).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );

    let (status, body) = post_raw("/api/chat", "application/json", r#"{"txt":"你好"}"#).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request"))
    );

    let (status, body) = post_raw("/api/chat", "text/plain", r#"{"text":"你好"}"#).await;
    assert_eq!(body["code"], "unsupported_media_type", "{status}");

    let (status, body) = post_raw(
        "/api/chat",
        "application/json",
        r#"{"session":"../../etc","text":"你好"}"#,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_session"))
    );

    let (status, body) = post_raw("/api/triage", "application/json", "[]").await;
    assert!(status.is_client_error());
    assert!(body["code"].is_string());
}

#[actix_web::test]
async fn unknown_routes_and_methods_answer_in_json() {
    let app = app().await;
    for (req, status, code) in [
        (
            test::TestRequest::get().uri("/api/nope"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            test::TestRequest::get().uri("/nope.html"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            test::TestRequest::get().uri("/api/chat"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ] {
        let resp = test::call_service(&app, req.to_request()).await;
        assert_eq!(resp.status(), status);
        let body: Value = test::read_body_json(resp).await;
        assert_eq!(body["code"], code);
    }
}

#[actix_web::test]
async fn triage_endpoint_gives_the_vocabulary_ids() {
    let app = app().await;
    let body: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::post()
            .uri("/api/triage")
            .set_json(json!({ "text": "俺真不想活了" }))
            .to_request(),
    )
    .await;
    let triage = &body["triage"];
    assert_eq!(triage["risk"], "red", "{body:#}");
    for field in [
        "risk",
        "domain",
        "category",
        "role",
        "tier",
        "needs_human",
        "questions",
    ] {
        assert!(triage.get(field).is_some(), "missing {field}: {body:#}");
    }
}

#[actix_web::test]
async fn search_gives_hits_with_snippets_for_grid_workers() {
    let app = app().await;
    let body: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::get()
            .uri("/api/search?q=%E8%B5%A1%E5%85%BB%E8%B4%B9&limit=3") // 赡养费
            .to_request(),
    )
    .await;
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3, "{body:#}");
    assert!(
        hits[0]["snippet"].as_str().unwrap().contains("赡养"),
        "{body:#}"
    );
    assert!(hits[0]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(hits[0]["domain"], "婚姻家庭");

    for (uri, code) in [
        ("/api/search?q=%E8%B5%A1&limit=0", "bad_limit"),
        ("/api/search", "bad_query"),
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let body: Value = test::read_body_json(resp).await;
        assert_eq!(body["code"], code);
    }
}

#[actix_web::test]
async fn health_and_the_chat_page_are_served() {
    let app = app().await;
    let health: Value =
        test::call_and_read_body_json(&app, test::TestRequest::get().uri("/healthz").to_request())
            .await;
    assert_eq!(health["status"], "ok");
    assert!(health["entries"].as_u64().unwrap() >= 30);

    let resp = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert!(resp.headers().contains_key("content-security-policy"));
    let page = test::read_body(resp).await;
    assert!(std::str::from_utf8(&page)
        .unwrap()
        .contains(r#"<script src="widget.js""#));
}
