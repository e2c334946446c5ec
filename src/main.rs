use clap::Parser;
use mingbai::cli::{run, Cli};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("mingbai: {e:#}");
            return ExitCode::from(2);
        }
    };
    let filter =
        EnvFilter::try_from_env("MINGBAI_LOG").unwrap_or_else(|_| EnvFilter::new(&config.log));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match run(cli, config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mingbai: {e:#}");
            ExitCode::FAILURE
        }
    }
}
