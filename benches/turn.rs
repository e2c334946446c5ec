//! One chat turn, search alone, and one WeChat safe-mode message (decrypt, answer,
//! encrypt), on the bundled corpus and rules.
//! Run: cargo bench --bench turn

use criterion::BatchSize;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mingbai::channels::wechat::{handle_message, signature, MessageCrypt, WeChatQuery};
use mingbai::config::Config;
use mingbai::dialog::{compose_reply, ReplyParts};
use mingbai::service::Service;
use mingbai::store::Store;
use std::collections::BTreeMap;
use std::path::Path;

const QUESTIONS: &[&str] = &[
    "俺爹七十多了，几个儿都不管他，咋办？",
    "老板欠俺三个月工钱不给，包工头也跑了",
    "他说今晚要弄死我",
    "明天天气咋样",
    "俺家承包地被邻居占了一块，找谁说理去",
];

const TOKEN: &str = "benchtoken";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APP_ID: &str = "wx2c2769f8efd9abc2";

fn service(data: &Path) -> Service {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config {
        data_dir: data.to_path_buf(),
        corpus_dir: root.join("corpus"),
        rules_dir: root.join("rules"),
        web_dir: root.join("web"),
        ..Config::default()
    };
    config.wechat.token = TOKEN.into();
    config.wechat.aes_key = AES_KEY.into();
    config.wechat.app_id = APP_ID.into();
    Service::with_store(config, Store::temporary().unwrap(), false).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let known = BTreeMap::new();

    c.bench_function("turn: normalize+segment+search+triage+compose", |b| {
        let mut i = 0;
        b.iter(|| {
            let raw = QUESTIONS[i % QUESTIONS.len()];
            i += 1;
            let text = service.message_text(raw).unwrap();
            let analysis = service.analyze(&text, &known).unwrap();
            black_box(compose_reply(&ReplyParts {
                triage: &analysis.evaluation.triage,
                entries: &analysis.cards,
                abstained: analysis.abstained,
                answered_questions: false,
                case: None,
            }))
        })
    });

    c.bench_function("turn: full chat incl. session store", |b| {
        let mut i = 0;
        b.iter(|| {
            let raw = QUESTIONS[i % QUESTIONS.len()];
            i += 1;
            black_box(service.chat(None, raw).unwrap())
        })
    });

    c.bench_function("search only", |b| {
        let mut i = 0;
        b.iter(|| {
            let raw = QUESTIONS[i % QUESTIONS.len()];
            i += 1;
            black_box(service.search(raw, 10).unwrap())
        })
    });
}

/// A text message as WeChat sends it in 安全 mode, each with its own MsgId so that
/// none is answered from the retry memory.
fn safe_mode_request(crypt: &MessageCrypt, msg_id: u64, content: &str) -> (WeChatQuery, Vec<u8>) {
    let plain = format!(
        "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>\
         <FromUserName><![CDATA[o_bench_{}]]></FromUserName><CreateTime>1764490000</CreateTime>\
         <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>\
         <MsgId>{msg_id}</MsgId></xml>",
        msg_id % 64
    );
    let encrypt = crypt.encrypt(&plain);
    let (timestamp, nonce) = ("1764490000".to_string(), msg_id.to_string());
    let query = WeChatQuery {
        signature: Some(signature::sign(&[TOKEN, &timestamp, &nonce])),
        msg_signature: Some(signature::sign(&[TOKEN, &timestamp, &nonce, &encrypt])),
        timestamp: Some(timestamp),
        nonce: Some(nonce),
        encrypt_type: Some("aes".into()),
        ..WeChatQuery::default()
    };
    let body = format!("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
    (query, body.into_bytes())
}

fn bench_wechat(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let crypt = MessageCrypt::new(AES_KEY, APP_ID).unwrap();
    let mut msg_id = 7_000_000_000_000_000u64;
    c.bench_function("wechat: safe-mode message, decrypt+answer+encrypt", |b| {
        b.iter_batched(
            || {
                msg_id += 1;
                let question = QUESTIONS[(msg_id as usize) % QUESTIONS.len()];
                safe_mode_request(&crypt, msg_id, question)
            },
            |(query, body)| black_box(handle_message(&service, &query, &body).unwrap()),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench, bench_wechat);
criterion_main!(benches);
