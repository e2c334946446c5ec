//! The JSON bridge for bot frameworks through the real app: signed requests are
//! answered like `/api/chat`, each person in each group has a session, and unsigned,
//! stale, replayed or foreign requests are refused with JSON errors.

mod common;

use actix_web::http::StatusCode;
use actix_web::{test as actix_test, web};
use chrono::{TimeZone, Utc};
use mingbai::cases::ManualClock;
use mingbai::channels::bridge::{sign, BridgeChannel, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use mingbai::http::create_app;
use mingbai::service::Service;
use mingbai::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

const SECRET: &str = "shared secret of the village group bot";
/// The service's clock: requests are timed against it.
const NOW: i64 = 1_796_000_000;

/// A service with one bridge channel, its index in a folder removed on drop.
fn service() -> (tempfile::TempDir, Arc<Service>) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config_in(dir.path());
    config.bridge.channels.insert(
        "qqgroup".into(),
        BridgeChannel {
            secret: SECRET.into(),
        },
    );
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    let service = Service::with_store(config, Store::temporary().unwrap(), false)
        .unwrap()
        .with_clock(Arc::new(clock));
    (dir, Arc::new(service))
}

/// Posts `body` to the channel, signed with `secret` at `timestamp`.
macro_rules! relay {
    ($app:expr, $channel:expr, $body:expr, $secret:expr, $timestamp:expr) => {{
        let body = $body.to_string();
        let timestamp = $timestamp.to_string();
        let req = actix_test::TestRequest::post()
            .uri(&format!("/api/bridge/{}", $channel))
            .insert_header(("content-type", "application/json"))
            .insert_header((TIMESTAMP_HEADER, timestamp.clone()))
            .insert_header((SIGNATURE_HEADER, sign($secret, &timestamp, body.as_bytes())))
            .set_payload(body)
            .to_request();
        let resp = actix_test::call_service(&$app, req).await;
        let status = resp.status();
        let json: Value = actix_test::read_body_json(resp).await;
        (status, json)
    }};
}

#[actix_web::test]
async fn a_signed_message_is_answered_like_the_chat() {
    let (_dir, service) = service();
    let app = actix_test::init_service(create_app(web::Data::from(service))).await;
    let body = json!({"user": "u-1001", "group": "村民群", "text": "俺爹七十多了，几个儿都不管他，咋办？"});
    let (status, reply) = relay!(app, "qqgroup", body, SECRET, NOW);
    assert_eq!(status, StatusCode::OK, "{reply:#}");
    assert_eq!(reply["answer"]["abstained"], false);
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .contains("《民法典》第1067条"));
    assert_eq!(reply["triage"]["domain"], "婚姻家庭");
    assert_eq!(reply["session"].as_str().unwrap().len(), 36);
    // Within the window on either side of the clock.
    let body = json!({"user": "u-1001", "text": "电动车被偷了咋办"});
    let (status, _) = relay!(app, "qqgroup", body, SECRET, NOW - 290);
    assert_eq!(status, StatusCode::OK);
    let (status, _) = relay!(app, "QQGroup", body, SECRET, NOW + 290);
    assert_eq!(
        status,
        StatusCode::OK,
        "channel names are matched without case"
    );
}

#[actix_web::test]
async fn people_do_not_share_sessions_and_each_keeps_their_own() {
    let (_dir, service) = service();
    let app = actix_test::init_service(create_app(web::Data::from(service))).await;
    let ask = |user: &str, group: Option<&str>, text: &str| {
        let mut body = json!({"user": user, "text": text});
        if let Some(group) = group {
            body["group"] = json!(group);
        }
        body
    };
    let (_, a1) = relay!(
        app,
        "qqgroup",
        ask("alice", Some("g1"), "儿子不给赡养费咋办"),
        SECRET,
        NOW
    );
    let (_, b1) = relay!(
        app,
        "qqgroup",
        ask("bob", Some("g1"), "儿子不给赡养费咋办"),
        SECRET,
        NOW + 1
    );
    let (_, a2) = relay!(
        app,
        "qqgroup",
        ask("alice", Some("g1"), "万金镇余营村"),
        SECRET,
        NOW + 2
    );
    let (_, a_other) = relay!(
        app,
        "qqgroup",
        ask("alice", Some("g2"), "你好"),
        SECRET,
        NOW + 3
    );
    let session = |r: &Value| r["session"].as_str().unwrap().to_string();
    assert_ne!(session(&a1), session(&b1), "two people, two sessions");
    assert_eq!(session(&a1), session(&a2), "alice continues hers");
    assert_ne!(
        session(&a1),
        session(&a_other),
        "another group, another conversation"
    );
    // Alice's place is known in her session only: she is asked for a contact next,
    // bob is still asked where he lives.
    let ids = |r: &Value| -> Vec<String> {
        r["triage"]["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&a2), ["contact"], "{a2:#}");
    assert_eq!(ids(&b1), ["place", "contact"], "{b1:#}");
}

#[actix_web::test]
async fn unsigned_stale_replayed_and_foreign_requests_are_refused() {
    let (_dir, service) = service();
    let app = actix_test::init_service(create_app(web::Data::from(service))).await;
    let body = json!({"user": "u1", "text": "电动车被偷了咋办"});
    let code = |r: &Value| r["code"].as_str().unwrap().to_string();

    let (status, r) = relay!(app, "qqgroup", body, "a guessed secret", NOW);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::FORBIDDEN, "bad_signature")
    );
    let (status, r) = relay!(app, "qqgroup", body, SECRET, NOW - 301);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::UNAUTHORIZED, "stale_timestamp")
    );
    let (status, r) = relay!(app, "qqgroup", body, SECRET, NOW + 3600);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::UNAUTHORIZED, "stale_timestamp")
    );
    let (status, r) = relay!(app, "wechatgroup", body, SECRET, NOW);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::NOT_FOUND, "unknown_channel")
    );

    let (status, _) = relay!(app, "qqgroup", body, SECRET, NOW);
    assert_eq!(status, StatusCode::OK);
    let (status, r) = relay!(app, "qqgroup", body, SECRET, NOW);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::CONFLICT, "replayed")
    );

    // A body changed after signing.
    let timestamp = NOW.to_string();
    let signed = body.to_string();
    let req = actix_test::TestRequest::post()
        .uri("/api/bridge/qqgroup")
        .insert_header(("content-type", "application/json"))
        .insert_header((TIMESTAMP_HEADER, timestamp.clone()))
        .insert_header((
            SIGNATURE_HEADER,
            sign(SECRET, &timestamp, signed.as_bytes()),
        ))
        .set_payload(signed.replace("u1", "u2"))
        .to_request();
    let resp = actix_test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // Missing headers, wrong media type.
    let req = actix_test::TestRequest::post()
        .uri("/api/bridge/qqgroup")
        .insert_header(("content-type", "application/json"))
        .set_payload(body.to_string())
        .to_request();
    let resp = actix_test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let r: Value = actix_test::read_body_json(resp).await;
    assert_eq!(code(&r), "missing_parameter");
    let req = actix_test::TestRequest::post()
        .uri("/api/bridge/qqgroup")
        .insert_header(("content-type", "text/plain"))
        .set_payload(body.to_string())
        .to_request();
    let resp = actix_test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Signed but not what the bridge takes.
    let (status, r) = relay!(app, "qqgroup", "{not json", SECRET, NOW + 10);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::BAD_REQUEST, "bad_json")
    );
    let (status, r) = relay!(app, "qqgroup", json!({"user": "u1"}), SECRET, NOW + 11);
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_request")
    );
    let (status, r) = relay!(
        app,
        "qqgroup",
        json!({"user": " ", "text": "hi"}),
        SECRET,
        NOW + 12
    );
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_request")
    );
    let (status, r) = relay!(
        app,
        "qqgroup",
        json!({"user": "u1", "text": ""}),
        SECRET,
        NOW + 13
    );
    assert_eq!(
        (status, code(&r).as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "empty_text")
    );

    // And the bridge still answers.
    let (status, _) = relay!(
        app,
        "qqgroup",
        json!({"user": "u9", "text": "电动车被偷了咋办"}),
        SECRET,
        NOW + 20
    );
    assert_eq!(status, StatusCode::OK);
}
