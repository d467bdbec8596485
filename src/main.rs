//! The `stagehand` command: `serve` (default) and `check-config`.

use clap::{Parser, Subcommand};
use stagehand::config::Settings;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "stagehand",
    version,
    about = "Stream-overlay companion: overlay, admin UI, OBS and Twitch"
)]
struct Cli {
    /// Settings file (TOML). Without it, ./stagehand.toml is read if present.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon (the default).
    Serve,
    /// Print the effective settings (secrets redacted) and exit.
    CheckConfig,
    /// Replace the data file with a backup (stagehand must be stopped). The file it replaces
    /// is kept beside it; the backup is checked before anything is replaced.
    Restore {
        /// A backup, e.g. data/backups/stagehand-20261202T225301.123Z.redb
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("stagehand: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::CheckConfig => {
            print!("{}", settings.redacted_toml());
            ExitCode::SUCCESS
        }
        Command::Restore { file } => {
            let dir = &settings.storage.data_dir;
            match stagehand::store::backup::restore(dir, &file) {
                Ok(kept) => {
                    println!("restored {} into {}", file.display(), dir.display());
                    if let Some(k) = kept {
                        println!("the replaced data file was kept as {}", k.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("stagehand: restore refused: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve => {
            let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                EnvFilter::new(format!("{},tower_http=warn,hyper=warn", settings.log.level))
            });
            let logs = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr);
            if settings.log.format == "json" {
                logs.json().init();
            } else {
                logs.init();
            }
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("stagehand: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(stagehand::server::run(settings)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("stagehand: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
