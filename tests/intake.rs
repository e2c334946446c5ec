//! Multi-turn case intake over the real HTTP app: a dispute is answered, the service
//! asks for what is missing, opens and routes a case, and the case is readable with its
//! number and token only.

mod common;

use actix_web::{test, web};
use chrono::{Duration, TimeZone, Utc};
use mingbai::cases::{CaseStatus, Clock, ManualClock};
use mingbai::http::create_app;
use mingbai::service::Service;
use mingbai::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

fn service_with_clock(dir: &std::path::Path, clock: Arc<ManualClock>) -> Arc<Service> {
    let service = Service::with_store(common::config_in(dir), Store::temporary().unwrap(), false)
        .unwrap()
        .with_clock(clock);
    Arc::new(service)
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
    ))
}

macro_rules! say {
    ($app:expr, $session:expr, $text:expr) => {{
        let mut body = json!({ "text": $text });
        if let Some(session) = $session {
            body["session"] = json!(session);
        }
        let reply: Value = test::call_and_read_body_json(
            &$app,
            test::TestRequest::post().uri("/api/chat").set_json(body).to_request(),
        )
        .await;
        reply
    }};
}

fn question_ids(reply: &Value) -> Vec<String> {
    reply["triage"]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn a_family_land_dispute_is_taken_in_and_routed_to_the_town_joint_station() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_with_clock(dir.path(), clock());
    let app = test::init_service(create_app(web::Data::from(service.clone()))).await;

    let first = say!(
        app,
        None::<String>,
        "俺家兄弟四个为了承包地和养老的事闹了好几年了，村里调解过几回都没用"
    );
    assert_eq!(first["answer"]["abstained"], false, "{first:#}");
    assert!(!first["answer"]["entries"][0]["citations"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(
        first["text"].as_str().unwrap().contains("帮您处理"),
        "says who will help"
    );
    assert_eq!(question_ids(&first), ["place", "contact"], "{first:#}");
    let towns = first["triage"]["questions"][0]["options"]
        .as_array()
        .unwrap();
    assert!(
        towns.iter().any(|o| o["value"] == "万金镇"),
        "towns offered: {towns:?}"
    );
    assert!(first.get("case").is_none());
    let session = first["session"].as_str().unwrap().to_string();

    // A town alone: the service asks for the village of that town, offering them.
    let second = say!(app, Some(&session), "万金镇");
    assert_eq!(question_ids(&second), ["place", "contact"], "{second:#}");
    let villages = second["triage"]["questions"][0]["options"]
        .as_array()
        .unwrap();
    assert!(
        villages.iter().any(|o| o["value"] == "万金镇余营村"),
        "{villages:?}"
    );
    assert!(
        !second["text"].as_str().unwrap().contains("答不准"),
        "an answer, not a question"
    );

    let third = say!(app, Some(&session), "万金镇余营村");
    assert_eq!(question_ids(&third), ["contact"], "{third:#}");

    let fourth = say!(app, Some(&session), "不留，匿名反映");
    let case = &fourth["case"];
    assert_eq!(case["role"], "joint_mediation", "{fourth:#}");
    assert_eq!(case["tier"], "town");
    assert_eq!(case["status"], "assigned");
    assert_eq!(case["handler"]["name"], "万金镇“两所一庭”联合调处工作站");
    let text = fourth["text"].as_str().unwrap();
    assert!(text.contains(case["id"].as_str().unwrap()), "{text}");

    let id = case["id"].as_str().unwrap();
    let token = case["token"].as_str().unwrap();
    let shown: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::get()
            .uri(&format!("/api/cases/{id}?token={token}"))
            .to_request(),
    )
    .await;
    assert_eq!(shown["status"], "assigned");
    assert_eq!(shown["place"], "万金镇余营村");
    assert!(shown["history"].as_array().unwrap().len() >= 2);

    for uri in [
        format!("/api/cases/{id}?token=0000"),
        format!("/api/cases/{id}"),
        format!("/api/cases/19990101-0001?token={token}"),
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert!(resp.status().is_client_error(), "{uri}: {}", resp.status());
        let body: Value = test::read_body_json(resp).await;
        assert!(body.get("history").is_none(), "{uri} leaks the case");
    }
    let stored = service.cases().get(id).unwrap().unwrap();
    assert_eq!(stored.contact, None, "anonymous");
}

#[actix_web::test]
async fn a_phone_left_for_a_call_back_is_kept_in_the_case_and_masked_in_turns() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_with_clock(dir.path(), clock());
    let app = test::init_service(create_app(web::Data::from(service.clone()))).await;
    let first = say!(
        app,
        None::<String>,
        "邻居家的排水沟把水都排到俺院里了，说了也不改，俺是青年镇赵楼村的"
    );
    assert_eq!(question_ids(&first), ["contact"], "{first:#}");
    let session = first["session"].as_str().unwrap().to_string();
    let second = say!(app, Some(&session), "13812345678");
    let id = second["case"]["id"].as_str().expect("case opened");
    let case = service.cases().get(id).unwrap().unwrap();
    assert_eq!(case.contact.as_deref(), Some("13812345678"));
    assert_eq!(case.place.unwrap().village.as_deref(), Some("赵楼村"));
    let turns = service.store().turns(&session).unwrap();
    assert!(turns.iter().all(|t| !t.text.contains("13812345678")));
}

#[actix_web::test]
async fn danger_opens_an_urgent_case_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_with_clock(dir.path(), clock());
    let app = test::init_service(create_app(web::Data::from(service.clone()))).await;
    let reply = say!(app, None::<String>, "他说今晚要弄死我");
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .contains("110"));
    let id = reply["case"]["id"]
        .as_str()
        .expect("opened without waiting for the place");
    assert_eq!(
        question_ids(&reply),
        ["place"],
        "still asks where, after the numbers"
    );
    let outbox = service.cases().outbox().unwrap();
    assert!(
        outbox.iter().any(|n| n.case == id && n.urgent),
        "{outbox:?}"
    );
}

#[actix_web::test]
async fn an_ambiguous_village_is_asked_back_with_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_with_clock(dir.path(), clock());
    let app = test::init_service(create_app(web::Data::from(service))).await;
    let first = say!(app, None::<String>, "儿子不给赡养费，俺是李庄村的");
    let options: Vec<&str> = first["triage"]["questions"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(first["triage"]["questions"][0]["id"], "place", "{first:#}");
    assert!(
        options.contains(&"老窝镇李庄村") && options.contains(&"万金镇李庄村"),
        "{options:?}"
    );
}

#[actix_web::test]
async fn a_case_left_unaccepted_climbs_one_tier_per_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let service = service_with_clock(dir.path(), clock.clone());
    let reply = service
        .chat(None, "儿子不给赡养费，俺是老窝镇王楼村的，电话13900000000")
        .unwrap();
    let case = reply.case.expect("case opened");
    assert_eq!(
        (case.tier.as_str(), case.role.as_str()),
        ("village", "mediator")
    );

    clock.advance(Duration::hours(23));
    assert!(
        service.escalate_overdue().unwrap().is_empty(),
        "not yet overdue"
    );
    clock.advance(Duration::hours(2));
    assert_eq!(service.escalate_overdue().unwrap(), vec![case.id.clone()]);
    let moved = service.cases().get(&case.id).unwrap().unwrap();
    assert_eq!(moved.tier.as_str(), "town");
    assert_eq!(moved.status, CaseStatus::Escalated);
    assert!(
        moved.handler.as_ref().unwrap().name.starts_with("老窝镇"),
        "{moved:?}"
    );
    let last = moved.history.last().unwrap();
    assert!(
        last.what.contains("逾期未受理") && last.what.contains("镇（街道）"),
        "{last:?}"
    );

    // Accepted in time, it stays where it is.
    service
        .cases()
        .transition(
            &case.id,
            CaseStatus::Accepted,
            "老窝镇司法所",
            "",
            clock.now(),
        )
        .unwrap();
    clock.advance(Duration::hours(48));
    assert!(service.escalate_overdue().unwrap().is_empty());
}

#[actix_web::test]
async fn a_bare_request_for_help_asks_what_happened_and_keeps_the_description() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_with_clock(dir.path(), clock());
    let app = test::init_service(create_app(web::Data::from(service.clone()))).await;
    let first = say!(app, None::<String>, "我要反映个事，帮我找人处理");
    assert_eq!(
        question_ids(&first),
        ["description", "place", "contact"],
        "{first:#}"
    );
    let session = first["session"].as_str().unwrap().to_string();
    let second = say!(app, Some(&session), "隔壁天天半夜在院里放音乐，吵得睡不着");
    assert!(
        !question_ids(&second).contains(&"description".to_string()),
        "{second:#}"
    );
    say!(app, Some(&session), "东城街道向阳社区");
    let last = say!(app, Some(&session), "不留，匿名反映");
    let id = last["case"]["id"].as_str().expect("case opened");
    let case = service.cases().get(id).unwrap().unwrap();
    assert!(
        case.text.contains("放音乐"),
        "the description is in the case: {}",
        case.text
    );
    assert_eq!(case.place.unwrap().label(), "东城街道向阳社区");
}

#[actix_web::test]
async fn a_danger_told_again_joins_its_case_and_the_place_told_later_reaches_the_handler() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_with_clock(dir.path(), clock());
    let app = test::init_service(create_app(web::Data::from(service.clone()))).await;

    let first = say!(app, None::<String>, "他说今晚要弄死我");
    let session = first["session"].as_str().unwrap().to_string();
    let id = first["case"]["id"].as_str().unwrap().to_string();

    let again = say!(app, Some(&session), "他拿着刀在门口，说要砍死我");
    assert!(again["text"].as_str().unwrap().starts_with("⚠️"), "{again}");
    assert_eq!(
        again["case"]["id"],
        id.as_str(),
        "the same case, not a second"
    );
    assert_eq!(service.cases().list().unwrap().len(), 1);

    let placed = say!(app, Some(&session), "俺在万金镇余营村");
    assert_eq!(
        placed["case"]["id"],
        id.as_str(),
        "no new case for the place"
    );
    assert!(
        placed["text"].as_str().unwrap().contains(&id),
        "the reply names the case: {placed}"
    );
    assert_eq!(service.cases().list().unwrap().len(), 1);
    let case = service.cases().get(&id).unwrap().unwrap();
    let village = case.place.as_ref().and_then(|p| p.village.clone());
    assert_eq!(village.as_deref(), Some("余营村"), "{case:?}");
    let history: Vec<&str> = case.history.iter().map(|e| e.what.as_str()).collect();
    assert!(
        history.iter().any(|w| w.starts_with("居民再次报告")),
        "{history:?}"
    );
    assert!(history.iter().any(|w| w.contains("所在地")), "{history:?}");
    let outbox = service.cases().outbox().unwrap();
    let told: Vec<_> = outbox.iter().filter(|n| n.case == id).collect();
    assert!(told.iter().all(|n| n.urgent), "{told:?}");
    assert!(
        told.iter().any(|n| n.message.contains("余营村")),
        "the handler is told where: {told:?}"
    );
}
