//! The `stagehand` command: `serve` (default), `check-config`, `restore`, `export`, `import`.

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
    /// Write a setup bundle (zip: dashboards, widgets, elements, chat commands, event
    /// bindings and their media; never secrets). stagehand must be stopped; while it runs,
    /// use the admin UI or GET /api/export.
    Export {
        /// Only these dashboards (and what their widgets use), e.g. --dashboards 1,3
        #[arg(long, value_delimiter = ',')]
        dashboards: Option<Vec<u64>>,
        /// Where to write it.
        #[arg(short, long, default_value = "stagehand-setup.zip")]
        output: PathBuf,
    },
    /// Import a setup bundle in one transaction after checking all of it (stagehand must be
    /// stopped; while it runs, use the admin UI or POST /api/import).
    Import {
        file: PathBuf,
        /// Only report what would be created and what conflicts; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// For names already taken: rename, replace or skip.
        #[arg(long, value_parser = ["rename", "replace", "skip"])]
        on_conflict: Option<String>,
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
        Command::Export { dashboards, output } => {
            match stagehand::bundle::offline::export(&settings, dashboards.as_deref(), &output) {
                Ok(m) => {
                    println!(
                        "wrote {}: {} dashboards, {} widgets, {} commands, {} event bindings, {} media",
                        output.display(),
                        m.dashboards.len(),
                        m.widgets.len(),
                        m.commands.len(),
                        m.event_bindings.len(),
                        m.media.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("stagehand: export failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Import {
            file,
            dry_run,
            on_conflict,
        } => {
            let choice = on_conflict
                .as_deref()
                .and_then(stagehand::bundle::OnConflict::parse);
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("stagehand: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let run = stagehand::bundle::offline::import(&settings, &file, dry_run, choice);
            match runtime.block_on(run) {
                Ok((report, written)) => {
                    match serde_json::to_string_pretty(&report) {
                        Ok(s) => println!("{s}"),
                        Err(e) => eprintln!("stagehand: {e}"),
                    }
                    if written {
                        println!("imported {}", file.display());
                    } else {
                        println!("dry run: nothing was written");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("stagehand: import refused: {e}");
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
