//! Recognising a place in what a resident writes: "俺是万金镇余营村的" → that village.

use super::model::{Directory, Town, Village};
use serde::{Deserialize, Serialize};

/// Where a resident lives, as far as known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceRef {
    pub town_id: String,
    pub town: String,
    pub village_id: Option<String>,
    pub village: Option<String>,
    pub grid_id: Option<String>,
}

impl PlaceRef {
    fn of_town(town: &Town) -> PlaceRef {
        PlaceRef {
            town_id: town.id.clone(),
            town: town.name.clone(),
            village_id: None,
            village: None,
            grid_id: None,
        }
    }

    fn of_village(town: &Town, village: &Village, text: &str) -> PlaceRef {
        let grid = village
            .grids
            .iter()
            .find(|g| text.contains(g.name.as_str()));
        PlaceRef {
            village_id: Some(village.id.clone()),
            village: Some(village.name.clone()),
            grid_id: grid.map(|g| g.id.clone()),
            ..PlaceRef::of_town(town)
        }
    }

    /// "万金镇余营村", or just the town.
    pub fn label(&self) -> String {
        format!("{}{}", self.town, self.village.as_deref().unwrap_or(""))
    }
}

/// What a text says about where the resident lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceMatch {
    /// One village (or community) is named.
    Village(PlaceRef),
    /// A town is named but no village of it.
    Town(PlaceRef),
    /// Several places fit: the resident must choose.
    Ambiguous(Vec<PlaceRef>),
    None,
}

/// The names a place goes by: its name, its aliases, and its name without the
/// trailing 村/社区/镇/街道/乡 when what remains is still two characters or more.
fn names<'a>(name: &'a str, aliases: &'a [String]) -> Vec<&'a str> {
    let mut all = vec![name];
    all.extend(aliases.iter().map(String::as_str));
    for suffix in ["社区", "街道", "村", "镇", "乡"] {
        if let Some(short) = name.strip_suffix(suffix) {
            if short.chars().count() >= 2 {
                all.push(short);
            }
        }
    }
    all
}

fn named_in(text: &str, name: &str, aliases: &[String]) -> bool {
    names(name, aliases).iter().any(|n| text.contains(n))
}

impl Directory {
    /// Recognises a town and village named in `text`.
    pub fn recognize(&self, text: &str) -> PlaceMatch {
        let towns: Vec<&Town> = self
            .towns
            .iter()
            .filter(|t| named_in(text, &t.name, &t.aliases))
            .collect();
        // "万金镇" must not also read as 万金村 (short name 万金): village names are
        // looked for in the text without the full names of the towns it names.
        let village_text = towns
            .iter()
            .fold(text.to_string(), |t, town| t.replace(&town.name, " "));
        let villages: Vec<(&Town, &Village)> = self
            .towns
            .iter()
            .filter(|t| towns.is_empty() || towns.iter().any(|n| n.id == t.id))
            .flat_map(|t| t.villages.iter().map(move |v| (t, v)))
            .filter(|(_, v)| named_in(&village_text, &v.name, &v.aliases))
            .collect();
        match (villages.as_slice(), towns.as_slice()) {
            ([(town, village)], _) => {
                PlaceMatch::Village(PlaceRef::of_village(town, village, text))
            }
            ([_, _, ..], _) => PlaceMatch::Ambiguous(
                villages
                    .iter()
                    .map(|(t, v)| PlaceRef::of_village(t, v, text))
                    .collect(),
            ),
            ([], [town]) => PlaceMatch::Town(PlaceRef::of_town(town)),
            ([], [_, _, ..]) => {
                PlaceMatch::Ambiguous(towns.iter().map(|t| PlaceRef::of_town(t)).collect())
            }
            ([], []) => PlaceMatch::None,
        }
    }
}
