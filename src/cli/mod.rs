//! The command line: `serve`, `ask`, `index`, `rules test`.

use crate::cases::CaseBook;
use crate::config::Config;
use crate::directory::Directory;
use crate::quality::QualitySet;
use crate::service::Service;
use crate::store::Store;
use crate::triage::load_rule_cases;
use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mingbai",
    version,
    about = "明白 — 居民法律咨询、分诊与转办服务"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that override the config file and the environment.
#[derive(Args, Serialize, Default)]
pub struct GlobalArgs {
    /// Config file (default: ./mingbai.toml if it exists).
    #[arg(long, global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Data folder (store and search index).
    #[arg(long = "data", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Corpus folder.
    #[arg(long = "corpus", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus_dir: Option<PathBuf>,
    /// Rules folder.
    #[arg(long = "rules", global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP service.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Folder of static files served at /.
        #[arg(long = "web")]
        web_dir: Option<PathBuf>,
    },
    /// Ask one question and print the reply (the same JSON as /api/chat with --json).
    Ask {
        text: String,
        #[arg(long)]
        json: bool,
        /// Continue this session.
        #[arg(long)]
        session: Option<String>,
    },
    /// Rebuild the search index of the corpus now.
    Index,
    /// Work with the triage rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// The directory of towns, villages, grids and handlers.
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// Measure search quality on a quality set (default: tests/quality).
    Quality {
        #[arg(long, default_value = "tests/quality")]
        dir: PathBuf,
        /// List every miss.
        #[arg(long)]
        misses: bool,
    },
    /// Cases, for operators (the store must not be in use by a running server).
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
}

#[derive(Subcommand)]
pub enum DirectoryCommand {
    /// Check a directory file and make it the directory in force (a running server
    /// picks it up within seconds).
    Import { file: PathBuf },
    /// Check a directory file without installing it.
    Check { file: PathBuf },
}

#[derive(Subcommand)]
pub enum CasesCommand {
    /// One line per case: number, status, risk, tier, handler, place.
    List,
    /// A case in full, with its history.
    Show { id: String },
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Run the cases in <rules>/tests/*.toml and print per-field accuracy.
    Test,
}

#[derive(Serialize)]
struct Overrides<'a> {
    #[serde(flatten)]
    global: &'a GlobalArgs,
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    web_dir: Option<&'a PathBuf>,
}

impl Cli {
    pub fn config(&self) -> anyhow::Result<Config> {
        let (listen, web_dir) = match &self.command {
            Command::Serve { listen, web_dir } => (listen.as_ref(), web_dir.as_ref()),
            _ => (None, None),
        };
        let overrides = Overrides {
            global: &self.global,
            listen,
            web_dir,
        };
        Config::load(self.global.config.as_deref(), overrides)
            .context("the configuration is invalid")
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli, config: Config) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { .. } => {
            let service = Service::open(config)?;
            actix_web::rt::System::new().block_on(crate::http::serve(service))?;
        }
        Command::Ask {
            text,
            json,
            session,
        } => {
            let service = Service::open(config)?;
            let reply = service.chat(session.as_deref(), &text)?;
            service.store().flush()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&reply)?);
            } else {
                println!("{}", reply.text);
            }
        }
        Command::Index => {
            std::fs::create_dir_all(&config.data_dir)?;
            let store = Store::temporary()?;
            let service = Service::with_store(config, store, true)?;
            println!(
                "indexed {} entries (corpus {})",
                service.health().entries,
                service.corpus().fingerprint()
            );
        }
        Command::Rules {
            command: RulesCommand::Test,
        } => {
            let cases_dir = config.rules_dir.join("tests");
            let store = Store::temporary()?;
            let service = Service::with_store(config, store, false)?;
            let cases = load_rule_cases(&cases_dir).map_err(anyhow::Error::msg)?;
            if cases.is_empty() {
                bail!("no rule cases in {}", cases_dir.display());
            }
            let report = service.run_rule_cases(&cases)?;
            print!("{}", report.render());
            if !report.passed() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Quality { dir, misses } => {
            let set = QualitySet::load(&dir).map_err(anyhow::Error::msg)?;
            let service = Service::with_store(config, Store::temporary()?, false)?;
            print!("{}", service.measure_quality(&set)?.render(misses));
        }
        Command::Directory { command } => {
            let (file, install) = match command {
                DirectoryCommand::Import { file } => (file, true),
                DirectoryCommand::Check { file } => (file, false),
            };
            let directory = if install {
                Service::import_directory(&config.data_dir, &file)?
            } else {
                Directory::load(&file)?
            };
            let villages: Vec<_> = directory.towns.iter().flat_map(|t| &t.villages).collect();
            let grids: usize = villages.iter().map(|v| v.grids.len()).sum();
            println!(
                "{}: {} towns, {} villages or communities, {} grids — {}",
                directory.name,
                directory.towns.len(),
                villages.len(),
                grids,
                if install { "installed" } else { "valid" }
            );
        }
        Command::Cases { command } => {
            std::fs::create_dir_all(&config.data_dir)?;
            let store = Store::open(&config.data_dir)
                .context("cannot open the store (is a server running on this data folder?)")?;
            let book = CaseBook::new(&store, config.cases.clone())?;
            match command {
                CasesCommand::List => {
                    for case in book.list()? {
                        println!(
                            "{}  {:<11} {:<6} {:<8} {}  {}",
                            case.id,
                            format!("{:?}", case.status).to_lowercase(),
                            case.risk,
                            case.tier,
                            case.handler.as_ref().map_or("-", |h| h.name.as_str()),
                            case.place
                                .as_ref()
                                .map_or_else(|| "-".to_string(), |p| p.label()),
                        );
                    }
                }
                CasesCommand::Show { id } => match book.get(&id)? {
                    Some(case) => println!("{}", serde_json::to_string_pretty(&case)?),
                    None => bail!("no case {id}"),
                },
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
