//! One chat turn and search alone, on the bundled corpus and rules.
//! Run: cargo bench --bench turn

use criterion::{black_box, criterion_group, criterion_main, Criterion};
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

fn service(data: &Path) -> Service {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config {
        data_dir: data.to_path_buf(),
        corpus_dir: root.join("corpus"),
        rules_dir: root.join("rules"),
        web_dir: root.join("web"),
        ..Config::default()
    };
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

criterion_group!(benches, bench);
criterion_main!(benches);
