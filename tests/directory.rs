//! The bundled directory: recognising places in free text, finding handlers up the
//! ladder, and refusing a broken directory with every problem named.

mod common;

use mingbai::directory::{Directory, PlaceMatch};
use mingbai::vocab::{Role, Tier};

fn sample() -> Directory {
    Directory::load(&common::repo("rules/directory.toml")).unwrap()
}

#[test]
fn the_sample_has_the_six_towns_of_the_brief() {
    let d = sample();
    let names: Vec<&str> = d.towns.iter().map(|t| t.name.as_str()).collect();
    for town in [
        "老窝镇",
        "天桥街道",
        "东城街道",
        "翟庄街道",
        "青年镇",
        "万金镇",
    ] {
        assert!(names.contains(&town), "{town} missing from {names:?}");
    }
}

#[test]
fn places_are_recognised_in_what_residents_write() {
    let d = sample();
    let village = |text: &str| match d.recognize(text) {
        PlaceMatch::Village(p) => p.label(),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(village("俺是万金镇余营村的"), "万金镇余营村");
    assert_eq!(village("俺住余营，村里的事"), "万金镇余营村");
    assert_eq!(village("东城街道向阳社区"), "东城街道向阳社区");
    assert_eq!(village("俺是万金村的"), "万金镇万金村");
    assert!(matches!(d.recognize("万金镇的"), PlaceMatch::Town(p) if p.town == "万金镇"));
    match d.recognize("俺是李庄村的") {
        PlaceMatch::Ambiguous(c) => assert_eq!(c.len(), 2, "{c:?}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        d.recognize("老窝镇李庄村"),
        PlaceMatch::Village(_)
    ));
    assert_eq!(d.recognize("明天天气咋样"), PlaceMatch::None);
    match d.recognize("余营村第2网格的") {
        PlaceMatch::Village(p) => assert_eq!(p.grid_id.as_deref(), Some("wanjin-yuying-g2")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn handlers_are_found_at_their_tier_or_further_up() {
    let d = sample();
    let (h, at) = d
        .handler_for(
            Role::GridWorker,
            Tier::Grid,
            Some("laowo"),
            Some("laowo-wanglou"),
            None,
        )
        .unwrap();
    assert_eq!((h.name.as_str(), at), ("老窝镇第5网格网格员", Tier::Grid));
    let (h, at) = d
        .handler_for(
            Role::JointMediation,
            Tier::Town,
            Some("wanjin"),
            Some("wanjin-yuying"),
            None,
        )
        .unwrap();
    assert_eq!(
        (h.name.as_str(), at),
        ("万金镇“两所一庭”联合调处工作站", Tier::Town)
    );
    // The district's labour inspection takes what no town has.
    let (h, at) = d
        .handler_for(
            Role::LaborInspection,
            Tier::Town,
            Some("wanjin"),
            None,
            None,
        )
        .unwrap();
    assert_eq!(
        (h.name.as_str(), at),
        ("区劳动保障监察大队", Tier::District)
    );
    // A mediator is never looked for below the tier asked.
    assert!(d
        .handler_for(Role::GridWorker, Tier::Town, Some("wanjin"), None, None)
        .is_none());
}

#[test]
fn a_broken_directory_is_refused_with_every_problem() {
    let text = r#"
name = "测试区"
[[towns]]
id = "a"
name = "甲镇"
[[towns.handlers]]
role = "police"
name = "甲镇派出所"
phone = "call me"
[[towns.villages]]
id = "a"
name = "乙村"
[[towns.villages.grids]]
id = "a-1"
name = "第1网格"
"#;
    let err = Directory::parse(text, "test.toml").unwrap_err().to_string();
    for expected in [
        "governance_center",
        "甲镇: 甲镇派出所 has a bad phone number",
        "甲镇乙村: id \"a\" is used twice",
        "甲镇乙村第1网格: no grid_worker",
    ] {
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
    let err = Directory::parse("name = 1", "x.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.toml"), "{err}");
    let bad_role = text.replace("role = \"police\"", "role = \"sheriff\"");
    let err = Directory::parse(&bad_role, "y.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("sheriff"), "{err}");
}
