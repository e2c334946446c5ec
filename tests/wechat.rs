//! The WeChat bridge through the real app, index, rules and store: the official
//! documentation's vectors, vectors computed by an independent implementation
//! (wechatpy, by tests/wechat_vectors.py), retries, unfollowing, and hostile requests.

mod common;

use actix_web::http::StatusCode;
use actix_web::{test as actix_test, web};
use mingbai::channels::wechat::{
    self, signature, xml, MessageCrypt, WeChatQuery, WeChatSettings, MAX_REPLY_BYTES,
};
use mingbai::http::create_app;
use mingbai::service::Service;
use mingbai::store::Store;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// The official documentation's example (消息加解密说明): its key, AppID, token and one
/// encrypted text message with its msg_signature.
mod official {
    pub const TOKEN: &str = "spamtest";
    pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    pub const APP_ID: &str = "wx2c2769f8efd9abc2";
    pub const TIMESTAMP: &str = "1409735669";
    pub const NONCE: &str = "1320562132";
    pub const MSG_SIGNATURE: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
    pub const ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
}

fn vectors() -> &'static Value {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| {
        serde_json::from_str(include_str!("fixtures/wechat/vectors.json")).expect("vectors")
    })
}

fn vector(name: &str) -> &'static Value {
    vectors()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
}

/// An account as WeChat's side of the test sees it.
struct Account {
    token: String,
    aes_key: String,
    app_id: String,
}

impl Account {
    fn of_vectors() -> Account {
        let v = vectors();
        Account {
            token: v["token"].as_str().unwrap().into(),
            aes_key: v["aes_key"].as_str().unwrap().into(),
            app_id: v["app_id"].as_str().unwrap().into(),
        }
    }

    /// The same account in 明文 mode: no key.
    fn plain_only() -> Account {
        Account {
            aes_key: String::new(),
            app_id: String::new(),
            ..Account::of_vectors()
        }
    }

    fn official() -> Account {
        Account {
            token: official::TOKEN.into(),
            aes_key: official::AES_KEY.into(),
            app_id: official::APP_ID.into(),
        }
    }

    fn settings(&self) -> WeChatSettings {
        WeChatSettings {
            token: self.token.clone(),
            aes_key: self.aes_key.clone(),
            app_id: self.app_id.clone(),
            public_base_url: "https://help.example.org".into(),
            ..WeChatSettings::default()
        }
    }

    fn crypt(&self) -> MessageCrypt {
        MessageCrypt::new(&self.aes_key, &self.app_id).unwrap()
    }

    /// A text message in 安全 mode, as WeChat would send it: (uri, body).
    fn safe_text(&self, open_id: &str, msg_id: u64, content: &str) -> (String, String) {
        let plain = format!(
            "<xml><ToUserName><![CDATA[gh_mingbai_test]]></ToUserName>\
             <FromUserName><![CDATA[{open_id}]]></FromUserName><CreateTime>1764490000</CreateTime>\
             <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>\
             <MsgId>{msg_id}</MsgId></xml>"
        );
        self.safe(&self.crypt().encrypt(&plain), &msg_id.to_string())
    }

    /// A 安全-mode request carrying `encrypt`, signed as WeChat signs.
    fn safe(&self, encrypt: &str, nonce: &str) -> (String, String) {
        let ts = "1764490000";
        let uri = format!(
            "/wechat?signature={}&timestamp={ts}&nonce={nonce}&openid=o&encrypt_type=aes&msg_signature={}",
            signature::sign(&[&self.token, ts, nonce]),
            signature::sign(&[&self.token, ts, nonce, encrypt]),
        );
        let body = format!(
            "<xml><ToUserName><![CDATA[gh_mingbai_test]]></ToUserName>\
             <Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        );
        (uri, body)
    }

    /// A 明文-mode request with the URL signed as WeChat signs it.
    fn plain(&self, body: &str) -> (String, String) {
        let (ts, nonce) = ("1764490000", "42");
        let uri = format!(
            "/wechat?signature={}&timestamp={ts}&nonce={nonce}",
            signature::sign(&[&self.token, ts, nonce])
        );
        (uri, body.to_string())
    }

    /// Checks an encrypted reply's msg_signature, decrypts it and reads its fields.
    fn open_reply(&self, body: &str) -> xml::Fields {
        let envelope = xml::parse(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        let encrypt = envelope.get("Encrypt").expect("Encrypt");
        let parts = [
            self.token.as_str(),
            envelope.get("TimeStamp").expect("TimeStamp"),
            envelope.get("Nonce").expect("Nonce"),
            encrypt,
        ];
        assert!(
            signature::verify(envelope.get("MsgSignature").expect("MsgSignature"), &parts),
            "the reply's msg_signature verifies"
        );
        let fields = xml::parse(&self.crypt().decrypt(encrypt).expect("the reply decrypts"))
            .expect("the reply is a message");
        let content = fields.get("Content").unwrap_or_default();
        assert!(content.len() <= MAX_REPLY_BYTES, "{} bytes", content.len());
        fields
    }
}

/// A service on the account's settings, with its index in a folder removed on drop.
fn service_for(account: &Account) -> (tempfile::TempDir, Arc<Service>) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config_in(dir.path());
    config.wechat = account.settings();
    let service = Service::with_store(config, Store::temporary().unwrap(), false).unwrap();
    (dir, Arc::new(service))
}

/// One service on the vectors' account for the tests that can share it.
fn shared() -> Arc<Service> {
    static SERVICE: OnceLock<(tempfile::TempDir, Arc<Service>)> = OnceLock::new();
    SERVICE
        .get_or_init(|| service_for(&Account::of_vectors()))
        .1
        .clone()
}

/// One service on the vectors' account in 明文 mode.
fn shared_plain() -> Arc<Service> {
    static SERVICE: OnceLock<(tempfile::TempDir, Arc<Service>)> = OnceLock::new();
    SERVICE
        .get_or_init(|| service_for(&Account::plain_only()))
        .1
        .clone()
}

macro_rules! app {
    ($service:expr) => {
        actix_test::init_service(create_app(web::Data::from($service))).await
    };
}

macro_rules! post {
    ($app:expr, $uri:expr, $body:expr) => {{
        let req = actix_test::TestRequest::post()
            .uri(&$uri)
            .insert_header(("content-type", "text/xml"))
            .set_payload($body.to_string())
            .to_request();
        let resp = actix_test::call_service(&$app, req).await;
        let status = resp.status();
        let body = actix_test::read_body(resp).await;
        (status, String::from_utf8(body.to_vec()).unwrap())
    }};
}

fn vector_uri(v: &Value) -> String {
    let query = v["query"].as_object().unwrap();
    let pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
        .collect();
    format!("/wechat?{}", pairs.join("&"))
}

fn error_code(body: &str) -> String {
    let json: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON error: {body}"));
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{json}"
    );
    json["code"].as_str().unwrap().to_string()
}

/// Keeps an encrypted reply for `python3 tests/wechat_vectors.py --verify-reply`.
fn keep_reply(name: &str, body: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wechat-replies");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.xml")), body).unwrap();
}

#[test]
fn the_official_example_verifies_and_decrypts() {
    let parts = [
        official::TOKEN,
        official::TIMESTAMP,
        official::NONCE,
        official::ENCRYPT,
    ];
    assert_eq!(signature::sign(&parts), official::MSG_SIGNATURE);
    let crypt = Account::official().crypt();
    let plain = crypt.decrypt(official::ENCRYPT).unwrap();
    let fields = xml::parse(&plain).unwrap();
    assert_eq!(fields.get("Content"), Some("abcdteT"));
    assert_eq!(
        fields.get("FromUserName"),
        Some("oyORnuP8q7ou2gfYjqLzSIWZf0rs")
    );
    assert_eq!(fields.get("MsgId"), Some("6054768590064713728"));
    // The same key under another AppID refuses it.
    let other = MessageCrypt::new(official::AES_KEY, "wx0000000000000000").unwrap();
    assert_eq!(
        other.decrypt(official::ENCRYPT),
        Err(wechat::CryptError::WrongAppId)
    );
    assert_eq!(crypt.decrypt(&crypt.encrypt(&plain)).unwrap(), plain);
}

#[actix_web::test]
async fn the_official_example_is_answered_through_the_app_with_an_encrypted_reply() {
    let account = Account::official();
    let (_dir, service) = service_for(&account);
    let app = app!(service);
    let uri = format!(
        "/wechat?signature={}&timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
        signature::sign(&[official::TOKEN, official::TIMESTAMP, official::NONCE]),
        official::TIMESTAMP,
        official::NONCE,
        official::MSG_SIGNATURE
    );
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\
         <Encrypt><![CDATA[{}]]></Encrypt></xml>",
        official::ENCRYPT
    );
    let (status, reply) = post!(app, uri, body);
    assert_eq!(status, StatusCode::OK, "{reply}");
    let fields = account.open_reply(&reply);
    assert_eq!(
        fields.get("ToUserName"),
        Some("oyORnuP8q7ou2gfYjqLzSIWZf0rs")
    );
    assert_eq!(fields.get("FromUserName"), Some("gh_10f6c3c3ac5a"));
    assert_eq!(fields.get("MsgType"), Some("text"));
    // "abcdteT" is no legal question: the service says so and offers a person.
    assert!(
        fields.get("Content").unwrap().contains("12348"),
        "{fields:?}"
    );
}

#[test]
fn our_encryption_matches_wechatpy_byte_for_byte() {
    let fixed = &vectors()["fixed_prefix"];
    let crypt = Account::of_vectors().crypt();
    let prefix: [u8; 16] = fixed["prefix"]
        .as_str()
        .unwrap()
        .as_bytes()
        .try_into()
        .unwrap();
    let plain = fixed["plain"].as_str().unwrap();
    assert_eq!(
        crypt.encrypt_with_prefix(plain, &prefix),
        fixed["encrypt"].as_str().unwrap()
    );
    assert_eq!(
        crypt.decrypt(fixed["encrypt"].as_str().unwrap()).unwrap(),
        plain
    );
}

#[actix_web::test]
async fn url_verification_echoes_only_with_the_right_signature() {
    let app = app!(shared());
    let v = &vectors()["verify_url"];
    let uri = |signature: &str| {
        format!(
            "/wechat?signature={signature}&timestamp={}&nonce={}&echostr={}",
            v["timestamp"].as_str().unwrap(),
            v["nonce"].as_str().unwrap(),
            v["echostr"].as_str().unwrap()
        )
    };
    let resp = actix_test::call_service(
        &app,
        actix_test::TestRequest::get()
            .uri(&uri(v["signature"].as_str().unwrap()))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        actix_test::read_body(resp).await,
        v["echostr"].as_str().unwrap()
    );
    let resp = actix_test::call_service(
        &app,
        actix_test::TestRequest::get()
            .uri(&uri("0123456789abcdef0123456789abcdef01234567"))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body = String::from_utf8(actix_test::read_body(resp).await.to_vec()).unwrap();
    assert_eq!(error_code(&body), "bad_signature");
}

#[actix_web::test]
async fn a_danger_sent_three_times_is_answered_once_with_one_case() {
    let account = Account::of_vectors();
    let service = shared();
    let app = app!(service.clone());
    let v = vector("danger_text_safe");
    let mut contents = Vec::new();
    for delivery in 0..3 {
        let (status, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
        assert_eq!(status, StatusCode::OK, "{body}");
        if delivery == 0 {
            keep_reply("danger", &body);
        }
        let fields = account.open_reply(&body);
        assert_eq!(fields.get("ToUserName"), Some("o_danger_resident_0001"));
        assert_eq!(fields.get("FromUserName"), Some("gh_mingbai_test"));
        contents.push(fields.get("Content").unwrap().to_string());
    }
    let first = &contents[0];
    assert!(first.lines().next().unwrap().contains("110"), "{first}");
    assert!(
        contents.iter().all(|c| c == first),
        "one answer: {contents:#?}"
    );
    let cases: Vec<_> = service
        .cases()
        .list()
        .unwrap()
        .into_iter()
        .filter(|c| c.text.contains("今晚要弄死我"))
        .collect();
    assert_eq!(cases.len(), 1, "{cases:#?}");
    assert!(
        first.contains(&cases[0].id),
        "the case number is in the reply: {first}"
    );
}

#[test]
fn retries_arriving_while_the_first_is_answered_wait_for_it() {
    let account = Account::of_vectors();
    let service = shared();
    let (uri, body) = account.safe_text("o_knife_resident", 7100000000000001, "他拿着刀说要砍死我");
    let query: WeChatQuery = serde_urlencoded_query(&uri);
    let replies: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| wechat::handle_message(&service, &query, body.as_bytes()).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let contents: Vec<String> = replies
        .iter()
        .map(|r| account.open_reply(r).get("Content").unwrap().to_string())
        .collect();
    assert!(contents.iter().all(|c| c == &contents[0]), "{contents:#?}");
    let cases = service
        .cases()
        .list()
        .unwrap()
        .into_iter()
        .filter(|c| c.text.contains("砍死我"))
        .count();
    assert_eq!(cases, 1);
}

/// The query of a URI, as actix reads it.
fn serde_urlencoded_query(uri: &str) -> WeChatQuery {
    web::Query::<WeChatQuery>::from_query(uri.split_once('?').unwrap().1)
        .unwrap()
        .into_inner()
}

#[actix_web::test]
async fn each_openid_is_a_session_so_intake_spans_messages() {
    let account = Account::of_vectors();
    let service = shared();
    let app = app!(service.clone());
    let v = vector("elder_support_safe");
    let (status, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(status, StatusCode::OK, "{body}");
    keep_reply("elder-support", &body);
    let first = account
        .open_reply(&body)
        .get("Content")
        .unwrap()
        .to_string();
    assert!(first.contains("《民法典》第1067条"), "{first}");
    assert!(
        first.contains("可以直接回复：") && first.contains("万金镇"),
        "{first}"
    );

    let say = |msg_id, text: &str| account.safe_text("o_elder_resident_0002", msg_id, text);
    let (uri, body) = say(7200000000000001, "万金镇余营村");
    let (_, reply) = post!(app, uri, body);
    let second = account
        .open_reply(&reply)
        .get("Content")
        .unwrap()
        .to_string();
    assert!(
        second.contains("电话") || second.contains("联系"),
        "asks for contact: {second}"
    );
    let (uri, body) = say(7200000000000002, "不留，匿名反映");
    let (_, reply) = post!(app, uri, body);
    let third = account
        .open_reply(&reply)
        .get("Content")
        .unwrap()
        .to_string();
    assert!(third.contains("案件编号"), "the case is opened: {third}");
    // Another resident starts afresh.
    let (uri, body) = account.safe_text("o_someone_else", 7200000000000003, "不留，匿名反映");
    let (_, reply) = post!(app, uri, body);
    let other = account
        .open_reply(&reply)
        .get("Content")
        .unwrap()
        .to_string();
    assert!(!other.contains("案件编号"), "{other}");
}

#[actix_web::test]
async fn compat_plain_voice_menu_subscribe_and_other_types_are_answered() {
    let account = Account::of_vectors();
    let app = app!(shared());
    // 兼容: the ciphertext beside the plain fields; the reply is encrypted.
    let v = vector("ebike_compat");
    let (status, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(status, StatusCode::OK, "{body}");
    let ebike = account
        .open_reply(&body)
        .get("Content")
        .unwrap()
        .to_string();
    assert!(ebike.contains("电动车"), "{ebike}");

    // 明文: a plain reply, from an account without a key; one with a key refuses it.
    let plain_app = app!(shared_plain());
    let v = vector("wages_plain");
    let (status, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "encryption_required")
    );
    let (status, body) = post!(plain_app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(status, StatusCode::OK, "{body}");
    let fields = xml::parse(&body).unwrap();
    assert_eq!(fields.get("ToUserName"), Some("o_wages_resident_0004"));
    assert!(fields.get("Content").unwrap().contains("工资"), "{body}");

    let content = |body: &str| account.open_reply(body).get("Content").unwrap().to_string();
    let v = vector("voice_safe");
    let (_, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    let voice = content(&body);
    assert!(voice.contains("狗"), "the recognition is answered: {voice}");

    let v = vector("subscribe_safe");
    let (_, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(content(&body), wechat::WELCOME);

    let v = vector("click_safe");
    let (_, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    let menu = content(&body);
    let wages = shared().corpus().get("wage-arrears").unwrap().title.clone();
    assert!(menu.starts_with(&format!("【{wages}】")), "{menu}");

    let v = vector("image_plain");
    let (_, body) = post!(plain_app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(
        xml::parse(&body).unwrap().get("Content"),
        Some(wechat::ONLY_TEXT)
    );

    // A voice without recognition, and an unknown menu key.
    let voice = "<xml><ToUserName>gh</ToUserName><FromUserName>o_v</FromUserName>\
                 <CreateTime>1764490001</CreateTime><MsgType>voice</MsgType>\
                 <MediaId>m</MediaId><MsgId>7300000000000001</MsgId></xml>";
    let (uri, body) = account.plain(voice);
    let (_, body) = post!(plain_app, uri, body);
    assert_eq!(
        xml::parse(&body).unwrap().get("Content"),
        Some(wechat::PLEASE_TYPE)
    );
    let click = "<xml><ToUserName>gh</ToUserName><FromUserName>o_v</FromUserName>\
                 <CreateTime>1764490002</CreateTime><MsgType>event</MsgType>\
                 <Event>CLICK</Event><EventKey>NO_SUCH_KEY</EventKey></xml>";
    let (uri, body) = account.plain(click);
    let (_, body) = post!(plain_app, uri, body);
    assert_eq!(
        xml::parse(&body).unwrap().get("Content"),
        Some(wechat::UNKNOWN_MENU)
    );
    // A menu link opened: nothing to say.
    let view = click
        .replace("CLICK", "VIEW")
        .replace("1764490002", "1764490003");
    let (uri, body) = account.plain(&view);
    let (status, body) = post!(plain_app, uri, body);
    assert_eq!((status, body.as_str()), (StatusCode::OK, wechat::NO_REPLY));
}

#[actix_web::test]
async fn unfollowing_deletes_the_residents_data_but_keeps_the_case() {
    let account = Account::of_vectors();
    let (_dir, service) = service_for(&account);
    let app = app!(service.clone());
    let (uri, body) = account.safe_text("o_leaving_resident", 7400000000000001, "他说今晚要弄死我");
    let (_, reply) = post!(app, uri, body);
    assert!(account
        .open_reply(&reply)
        .get("Content")
        .unwrap()
        .contains("案件编号"));
    let case = service.cases().list().unwrap().pop().expect("a case");
    let session = case.session.clone();
    assert!(service.store().session(&session).unwrap().is_some());
    assert!(!service.store().turns(&session).unwrap().is_empty());

    let unfollow =
        "<xml><ToUserName>gh</ToUserName><FromUserName>o_leaving_resident</FromUserName>\
                    <CreateTime>1764490100</CreateTime><MsgType>event</MsgType>\
                    <Event>unsubscribe</Event></xml>";
    let (uri, body) = account.safe(&account.crypt().encrypt(unfollow), "555");
    let (status, reply) = post!(app, uri, body);
    assert_eq!((status, reply.as_str()), (StatusCode::OK, wechat::NO_REPLY));
    assert!(service.store().session(&session).unwrap().is_none());
    assert!(service.store().turns(&session).unwrap().is_empty());
    let kept = service
        .cases()
        .get(&case.id)
        .unwrap()
        .expect("the case stays");
    assert_eq!(kept.session, "", "no longer linked");
    assert!(kept.history.last().unwrap().what.contains("删除"));

    // Following again starts a new session: nothing of the old one comes back.
    let (uri, body) =
        account.safe_text("o_leaving_resident", 7400000000000002, "俺是万金镇余营村的");
    let (_, reply) = post!(app, uri, body);
    account.open_reply(&reply);
    let sessions: Vec<String> = service
        .cases()
        .list()
        .unwrap()
        .into_iter()
        .map(|c| c.session)
        .collect();
    assert!(!sessions.contains(&session));
}

#[actix_web::test]
async fn hostile_and_broken_requests_are_refused_and_service_goes_on() {
    let account = Account::of_vectors();
    let app = app!(shared());
    let v = vector("elder_support_safe");
    let good_uri = vector_uri(v);
    let good_body = v["body"].as_str().unwrap();

    let tampered_sig = good_uri.replace("msg_signature=", "msg_signature=0");
    let (status, body) = post!(app, tampered_sig, good_body);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::FORBIDDEN, "bad_signature")
    );
    let (status, body) = post!(
        app,
        good_uri.replace("nonce=100000002", "nonce=100000003"),
        good_body
    );
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::FORBIDDEN, "bad_signature")
    );

    // Ciphertext that is signed correctly but broken: truncated, flipped, not base64.
    let encrypt = account.crypt().encrypt("<xml/>");
    let flipped = {
        let mut chars: Vec<char> = encrypt.chars().collect();
        let i = chars.len() - 8;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    for broken in [&encrypt[..encrypt.len() - 4], flipped.as_str(), "@@@@"] {
        let (uri, body) = account.safe(broken, "77");
        let (status, body) = post!(app, uri, body);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{broken}: {body}");
        assert_eq!(error_code(&body), "bad_ciphertext");
    }
    let v = vector("other_app_id_safe");
    let (status, body) = post!(app, vector_uri(v), v["body"].as_str().unwrap());
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::FORBIDDEN, "wrong_app_id")
    );

    // Hostile XML, plain and inside a correctly signed ciphertext.
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\
               <xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName>\
               <CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content></xml>";
    let laughs = format!(
        "<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\">{}]><xml><Content>&j;</Content></xml>",
        (b'b'..=b'j')
            .map(|c| {
                let prev = (c - 1) as char;
                format!(
                    "<!ENTITY {} \"{}\">",
                    c as char,
                    format!("&{prev};").repeat(10)
                )
            })
            .collect::<String>()
    );
    for hostile in [
        xxe,
        laughs.as_str(),
        "<xml><Content>&undeclared;</Content></xml>",
        "<xml><a>",
    ] {
        let (uri, body) = account.plain(hostile);
        let (status, body) = post!(app, uri, body);
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_xml")
        );
        let (uri, body) = account.safe(&account.crypt().encrypt(hostile), "88");
        let (status, body) = post!(app, uri, body);
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_xml")
        );
    }
    let (uri, body) = account.safe(
        &account
            .crypt()
            .encrypt("<xml><MsgType>text</MsgType></xml>"),
        "99",
    );
    let (status, body) = post!(app, uri, body);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_message")
    );

    // A huge body is cut off at the limit.
    let huge = format!("<xml><Content>{}</Content></xml>", "长".repeat(400_000));
    let (uri, body) = account.plain(&huge);
    let (status, body) = post!(app, uri, body);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    // No signature at all; an encrypted body without encrypt_type=aes.
    let (status, body) = post!(app, "/wechat?timestamp=1&nonce=2", good_body);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "missing_parameter")
    );
    let (uri, _) = account.plain("");
    let (status, body) = post!(app, uri, good_body);
    assert_eq!(
        (status, error_code(&body).as_str()),
        (StatusCode::BAD_REQUEST, "bad_xml")
    );

    // And a normal message is still answered.
    let (uri, body) = account.safe_text("o_after_attacks", 7500000000000001, "电动车被偷了咋办");
    let (status, reply) = post!(app, uri, body);
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(account
        .open_reply(&reply)
        .get("Content")
        .unwrap()
        .contains("电动车"));
}

#[actix_web::test]
async fn the_answer_page_shows_an_entry_escaped_without_scripts() {
    let app = app!(shared());
    let resp = actix_test::call_service(
        &app,
        actix_test::TestRequest::get()
            .uri("/answers/elder-support-refused")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let policy = resp
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("default-src 'none'") && policy.contains("'sha256-"),
        "{policy}"
    );
    let page = String::from_utf8(actix_test::read_body(resp).await.to_vec()).unwrap();
    let entry = shared()
        .corpus()
        .get("elder-support-refused")
        .unwrap()
        .clone();
    assert!(page.contains(&format!("<h1>{}</h1>", entry.title)));
    assert!(page.contains("《民法典》第1067条"));
    for step in &entry.steps {
        assert!(page.contains(&format!("<li>{}</li>", html_escape::encode_text(step))));
    }
    assert!(page.contains("tel:110"));
    assert!(!page.contains("<script"));
    let resp = actix_test::call_service(
        &app,
        actix_test::TestRequest::get()
            .uri("/answers/no-such-entry")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[test]
fn every_default_menu_key_shows_a_real_entry() {
    let service = shared();
    for (key, id) in &WeChatSettings::default().menu {
        assert!(service.corpus().get(id).is_some(), "{key} → {id}");
    }
}

#[actix_web::test]
async fn long_answers_are_shortened_with_a_link_to_the_full_answer_page() {
    let account = Account::of_vectors();
    let service = shared();
    let app = app!(service.clone());
    // Long stories from the quality set whose chat replies run past WeChat's limit.
    let stories = [
        "俺孙子小军今年十七，在县城上职高。上个星期六晚上他跟几个同学在烧烤摊跟人打起来了，对方一个人被打得住了院，听说鼻梁骨断了。第二天派出所就把小军带走了，说是涉嫌故意伤害，现在关在看守所。小军他爹妈常年在浙江打工，家里就俺跟他奶奶，俺俩都七十多了，手里就几千块钱，律师一张嘴就要好几万，根本请不起。俺想问：孩子还没满十八，国家是不是该给他派个律师？俺要去哪儿申请，要带啥？律师能去看守所见着孩子不？俺们能不能去跟受伤那家赔个不是、赔点钱，好让孩子早点出来？",
        "当家的叫公安抓走了，说是涉嫌诈骗，俺家穷得叮当响请不起律师，有没有不要钱的",
        "乡里给俺下了个处罚决定，俺想去法院告乡政府，都过了四个月了还来得及不",
    ];
    let mut shortened = 0;
    for (i, story) in stories.iter().enumerate() {
        let full = service.chat(None, story).unwrap();
        let open_id = format!("o_long_story_{i}");
        let (uri, body) = account.safe_text(&open_id, 7600000000000001 + i as u64, story);
        let (status, reply) = post!(app, uri, body);
        assert_eq!(status, StatusCode::OK, "{reply}");
        // open_reply checks the limit.
        let content = account
            .open_reply(&reply)
            .get("Content")
            .unwrap()
            .to_string();
        if full.text.len() <= MAX_REPLY_BYTES {
            continue;
        }
        shortened += 1;
        let card = &full.answer.entries[0];
        let link = format!("https://help.example.org/answers/{}", card.id);
        assert!(content.ends_with(&link), "{content}");
        assert!(
            content.contains(&format!("【{}】", card.title)),
            "{content}"
        );
        if full.triage.risk.as_str() == "red" {
            assert!(content.lines().next().unwrap().contains("110"), "{content}");
        }
        if let Some(case) = &full.case {
            assert!(
                content.contains("案件编号"),
                "the case stays: {content} ({})",
                case.id
            );
        }
        let page = actix_test::call_service(
            &app,
            actix_test::TestRequest::get()
                .uri(&format!("/answers/{}", card.id))
                .to_request(),
        )
        .await;
        assert_eq!(page.status(), StatusCode::OK, "the link works");
    }
    assert!(
        shortened > 0,
        "none of the stories needs shortening any more: pick longer ones"
    );
}
