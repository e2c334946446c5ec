//! The service's configuration: one struct, immutable after start.
//! Layers, later ones winning: built-in defaults < config file < `MINGBAI_*` environment
//! variables < command-line flags. `mingbai.example.toml` documents every field.

use crate::cases::CaseSettings;
use crate::channels::bridge::BridgeSettings;
use crate::channels::wechat::WeChatSettings;
use crate::search::SearchSettings;
use crate::triage::RuleLimits;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The config file read when none is named and it exists.
pub const DEFAULT_CONFIG_FILE: &str = "mingbai.toml";
pub const ENV_PREFIX: &str = "MINGBAI_";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: String,
    /// Folder for the embedded store (sled) and the search index.
    pub data_dir: PathBuf,
    /// The knowledge corpus (entries/, categories.toml, dict.txt, synonyms.toml, stopwords.txt).
    pub corpus_dir: PathBuf,
    /// The triage rules (*.rhai) and their tests (tests/*.toml).
    pub rules_dir: PathBuf,
    /// Static files served at /: the widget (widget.js, widget.css) and its demo page.
    pub web_dir: PathBuf,
    /// The bundled directory of places and handlers, used until an operator imports
    /// one (`mingbai directory import`, kept in the data folder).
    pub directory_file: PathBuf,
    /// Longest message accepted, in characters.
    pub max_text_chars: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Most knowledge entries shown in one answer.
    pub max_answers: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Log filter (tracing's env-filter syntax), e.g. "info" or "mingbai=debug".
    pub log: String,
    pub search: SearchSettings,
    pub rules: RuleLimits,
    pub cases: CaseSettings,
    pub wechat: WeChatSettings,
    pub bridge: BridgeSettings,
    pub http: HttpSettings,
}

/// What the HTTP layer lets other sites do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// Origins of the sites whose pages may call the API from the browser (CORS), as
    /// `scheme://host[:port]`; the widget embedded on such a site needs it. Empty: only
    /// pages this service serves itself; `"*"`: any site.
    pub cors_origins: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: "data".into(),
            corpus_dir: "corpus".into(),
            rules_dir: "rules".into(),
            web_dir: "web".into(),
            directory_file: "rules/directory.toml".into(),
            max_text_chars: 2000,
            max_body_bytes: 64 * 1024,
            max_answers: 3,
            workers: 0,
            log: "info".into(),
            search: SearchSettings::default(),
            rules: RuleLimits::default(),
            cases: CaseSettings::default(),
            wechat: WeChatSettings::default(),
            bridge: BridgeSettings::default(),
            http: HttpSettings::default(),
        }
    }
}

/// The top-level keys, so that unrelated `MINGBAI_*` variables are not taken for config.
const KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "corpus_dir",
    "rules_dir",
    "web_dir",
    "directory_file",
    "max_text_chars",
    "max_body_bytes",
    "max_answers",
    "workers",
    "log",
    "search",
    "rules",
    "cases",
    "wechat",
    "bridge",
    "http",
];

/// The WeChat variables named as the account's console names them, with one
/// underscore (MINGBAI_WECHAT_TOKEN), beside the nested form (MINGBAI_WECHAT__TOKEN).
const WECHAT_ENV_KEYS: &[&str] = &["token", "aes_key", "app_id"];

impl Config {
    /// Builds the configuration from its layers. `file` is the config file to read; when
    /// None, `mingbai.toml` in the working directory is read if it exists. `overrides`
    /// are the command-line flags that were given (serialized, `None`s skipped).
    pub fn load(
        file: Option<&Path>,
        overrides: impl Serialize,
    ) -> Result<Config, Box<figment::Error>> {
        let file = match file {
            Some(path) if !path.is_file() => {
                return Err(Box::new(figment::Error::from(format!(
                    "config file {} does not exist",
                    path.display()
                ))))
            }
            Some(path) => Some(path),
            // A missing default file is no error: the defaults stand.
            None => Some(Path::new(DEFAULT_CONFIG_FILE)).filter(|p| p.is_file()),
        };
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed(ENV_PREFIX).split("__").filter(|key| {
                // Keys arrive in the variable's own case (SEARCH.MIN_SCORE).
                let top = key.as_str().split('.').next().unwrap_or("");
                KEYS.iter().any(|k| k.eq_ignore_ascii_case(top))
            }))
            .merge(
                Env::prefixed(&format!("{ENV_PREFIX}WECHAT_"))
                    .filter(|key| {
                        WECHAT_ENV_KEYS
                            .iter()
                            .any(|k| k.eq_ignore_ascii_case(key.as_str()))
                    })
                    .map(|key| format!("wechat.{}", key.as_str().to_ascii_lowercase()).into()),
            )
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(Box::new)
    }
}

#[cfg(test)]
// figment's Jail takes closures returning its own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_example_config_parses_to_the_defaults() {
        // In a jail: other tests set MINGBAI_* variables.
        figment::Jail::expect_with(|_| {
            let example = concat!(env!("CARGO_MANIFEST_DIR"), "/mingbai.example.toml");
            let config = Config::load(Some(Path::new(example)), BTreeMap::<String, String>::new())
                .expect("example config is valid");
            assert_eq!(
                config,
                Config::default(),
                "the example documents the defaults"
            );
            Ok(())
        });
    }

    #[test]
    fn environment_variables_override_the_file_and_flags_override_them() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "max_answers = 5\n[search]\nmin_score = 1.5\n")?;
            jail.set_env("MINGBAI_MAX_ANSWERS", "7");
            jail.set_env("MINGBAI_SEARCH__MIN_SCORE", "2.5");
            jail.set_env("MINGBAI_PORTAL_URL", "not a config key");
            let flags: BTreeMap<_, _> = [("max_answers", 9)].into_iter().collect();
            let file = Path::new("c.toml");
            let config = Config::load(Some(file), BTreeMap::<String, String>::new()).unwrap();
            assert_eq!((config.max_answers, config.search.min_score), (7, 2.5));
            let config = Config::load(Some(file), flags).unwrap();
            assert_eq!(config.max_answers, 9);
            Ok(())
        });
    }

    #[test]
    fn wechat_secrets_come_from_the_environment_in_either_form() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MINGBAI_WECHAT_TOKEN", "tok");
            jail.set_env(
                "MINGBAI_WECHAT_AES_KEY",
                "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            );
            jail.set_env("MINGBAI_WECHAT_APP_ID", "wx2c2769f8efd9abc2");
            jail.set_env("MINGBAI_WECHAT__PUBLIC_BASE_URL", "https://example.org");
            jail.set_env("MINGBAI_WECHAT_UNRELATED", "ignored");
            let config = Config::load(None, BTreeMap::<String, String>::new()).unwrap();
            assert_eq!(config.wechat.token, "tok");
            assert_eq!(config.wechat.aes_key.len(), 43);
            assert_eq!(config.wechat.app_id, "wx2c2769f8efd9abc2");
            assert_eq!(config.wechat.public_base_url, "https://example.org");
            assert!(config.wechat.enabled());
            config.wechat.validate().expect("a valid key and AppID");
            jail.set_env("MINGBAI_WECHAT__TOKEN", "nested");
            jail.set_env("MINGBAI_BRIDGE__CHANNELS__QQBOT__SECRET", "s");
            let config = Config::load(None, BTreeMap::<String, String>::new()).unwrap();
            assert_eq!(
                config.wechat.token, "tok",
                "the console's name wins over the nested one"
            );
            assert!(config.bridge.channel("qqbot").is_some());
            Ok(())
        });
    }

    #[test]
    fn flags_override_the_file_and_a_missing_named_file_is_an_error() {
        figment::Jail::expect_with(|_| {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("c.toml");
            std::fs::write(
                &file,
                "listen = \"0.0.0.0:9\"\nmax_answers = 5\n[search]\nmin_score = 1.5\n",
            )
            .unwrap();
            let flags: BTreeMap<_, _> = [("listen", "127.0.0.1:1")].into_iter().collect();
            let config = Config::load(Some(&file), flags).unwrap();
            assert_eq!(config.listen, "127.0.0.1:1");
            assert_eq!(config.max_answers, 5);
            assert_eq!(config.search.min_score, 1.5);
            let none = BTreeMap::<String, String>::new();
            assert!(Config::load(Some(&dir.path().join("none.toml")), &none).is_err());
            std::fs::write(&file, "listn = 1\n").unwrap();
            let err = Config::load(Some(&file), &none).unwrap_err().to_string();
            assert!(err.contains("listn"), "a misspelt key is reported: {err}");
            Ok(())
        });
    }
}
