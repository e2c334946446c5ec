//! The shared vocabulary of ids (risk, domain, role, tier) that every channel and test speaks.
//! See shared/vocabulary.md; the ids here must never drift from it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a closed set of ids with serde, `FromStr` and `as_str` sharing one table.
macro_rules! id_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $id)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownId;
            fn from_str(s: &str) -> Result<Self, UnknownId> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err(UnknownId { kind: stringify!($name), id: s.to_string() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// An id that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} id {id:?}")]
pub struct UnknownId {
    pub kind: &'static str,
    pub id: String,
}

id_enum! {
    /// 四色预警. Declared from most to least severe, so `Ord` puts red first.
    Risk { Red => "red", Orange => "orange", Yellow => "yellow", Blue => "blue" }
}

id_enum! {
    /// Who a case is routed to.
    Role {
        GridWorker => "grid_worker",
        LegalAware => "legal_aware",
        Mediator => "mediator",
        LegalAdvisor => "legal_advisor",
        Police => "police",
        JusticeOffice => "justice_office",
        Court => "court",
        JointMediation => "joint_mediation",
        GovernanceCenter => "governance_center",
        PsychService => "psych_service",
        LegalAid => "legal_aid",
        LaborInspection => "labor_inspection",
        MarketRegulation => "market_regulation",
        Emergency => "emergency",
        MentalHealth => "mental_health",
        None => "none",
    }
}

id_enum! {
    /// The layer that handles a matter: 网格首诊 → 村坐诊 → 镇接诊 → 区会诊.
    Tier { Grid => "grid", Village => "village", Town => "town", District => "district" }
}

id_enum! {
    /// The 20 consultation domains.
    Domain {
        MarriageFamily => "婚姻家庭",
        Labor => "劳动纠纷",
        TrafficAccident => "交通事故",
        Debt => "债权债务",
        Criminal => "刑事辩护",
        Contract => "合同纠纷",
        RealEstate => "房产纠纷",
        Tort => "侵权",
        Company => "公司法",
        Medical => "医疗纠纷",
        Demolition => "拆迁安置",
        Administrative => "行政诉讼",
        Construction => "建设工程",
        IntellectualProperty => "知识产权",
        General => "综合咨询",
        PersonalInjury => "人身损害",
        Foreign => "涉外法律",
        Maritime => "海事海商",
        Consumer => "消费权益",
        Security => "抵押担保",
    }
}

impl Role {
    /// Who this is, in the words a resident understands.
    pub fn label(self) -> &'static str {
        match self {
            Role::GridWorker => "您所在网格的网格员",
            Role::LegalAware => "村里的法律明白人",
            Role::Mediator => "村（社区）人民调解员",
            Role::LegalAdvisor => "村（社区）法律顾问",
            Role::Police => "派出所民警",
            Role::JusticeOffice => "镇（街道）司法所",
            Role::Court => "人民法庭",
            Role::JointMediation => "“两所一庭”联合调处工作站",
            Role::GovernanceCenter => "综治中心",
            Role::PsychService => "心理服务人员",
            Role::LegalAid => "法律援助中心（12348）",
            Role::LaborInspection => "劳动保障监察（12333）",
            Role::MarketRegulation => "市场监管部门（12315）",
            Role::Emergency => "110、120 等紧急救助",
            Role::MentalHealth => "精神障碍患者管护小组",
            Role::None => "",
        }
    }
}

impl Risk {
    /// Whether a person must follow this risk up even if the rules did not say so.
    pub fn requires_human(self) -> bool {
        matches!(self, Risk::Red | Risk::Orange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_serde_and_from_str() {
        for role in Role::ALL {
            let json = serde_json::to_string(role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        assert_eq!(Domain::ALL.len(), 20);
        assert_eq!(
            "婚姻家庭".parse::<Domain>().unwrap(),
            Domain::MarriageFamily
        );
        assert!("家庭".parse::<Domain>().is_err());
        assert!(Risk::Red < Risk::Blue, "red sorts first");
    }
}
