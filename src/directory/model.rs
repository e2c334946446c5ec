use crate::vocab::{Role, Tier};
use serde::{Deserialize, Serialize};

/// A person or office that handles cases of one role at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handler {
    pub role: Role,
    pub name: String,
    pub phone: String,
    /// Where notifications go (e.g. "sms:13800000000", "wecom:laowo-sfs"); by default
    /// they are only written to the outbox.
    #[serde(default)]
    pub notify: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub handlers: Vec<Handler>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Village {
    pub id: String,
    /// 余营村, 幸福社区.
    pub name: String,
    /// Other names residents use (余营).
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub handlers: Vec<Handler>,
    #[serde(default)]
    pub grids: Vec<Grid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Town {
    pub id: String,
    /// 万金镇, 天桥街道.
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub handlers: Vec<Handler>,
    #[serde(default)]
    pub villages: Vec<Village>,
}

/// The whole directory, as an operator writes it (TOML) and the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// The district's name.
    pub name: String,
    /// District-level handlers (区综治中心, 区法律援助中心, …).
    #[serde(default)]
    pub handlers: Vec<Handler>,
    pub towns: Vec<Town>,
}

impl Directory {
    pub fn town(&self, id: &str) -> Option<&Town> {
        self.towns.iter().find(|t| t.id == id)
    }

    pub fn village(&self, id: &str) -> Option<(&Town, &Village)> {
        self.towns
            .iter()
            .find_map(|t| t.villages.iter().find(|v| v.id == id).map(|v| (t, v)))
    }

    /// The handler for `role` at `tier` for a resident of `village` (and `grid`):
    /// looked for at that tier's place first, then further up the ladder. Returns the
    /// handler and the tier where it was found.
    pub fn handler_for(
        &self,
        role: Role,
        tier: Tier,
        town: Option<&str>,
        village: Option<&str>,
        grid: Option<&str>,
    ) -> Option<(&Handler, Tier)> {
        let town = town.and_then(|id| self.town(id));
        let village = village.and_then(|id| town?.villages.iter().find(|v| v.id == id));
        let grid = grid
            .and_then(|id| village?.grids.iter().find(|g| g.id == id))
            .or_else(|| {
                // A village's first grid stands in when the resident did not say which.
                village.and_then(|v| v.grids.first())
            });
        let levels: [(Tier, Option<&[Handler]>); 4] = [
            (Tier::Grid, grid.map(|g| g.handlers.as_slice())),
            (Tier::Village, village.map(|v| v.handlers.as_slice())),
            (Tier::Town, town.map(|t| t.handlers.as_slice())),
            (Tier::District, Some(self.handlers.as_slice())),
        ];
        levels
            .into_iter()
            .filter(|(level, _)| *level >= tier)
            .find_map(|(level, handlers)| {
                handlers?
                    .iter()
                    .find(|h| h.role == role)
                    .map(|h| (h, level))
            })
    }
}
