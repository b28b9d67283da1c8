//! The command line.

use crate::config::{Config, DatabaseArgs, Overrides};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "flourish", version, about = "A fan fiction archive anyone can run.")]
pub struct Cli {
    /// The configuration file (default: ./flourish.toml when it exists).
    #[arg(long, global = true, env = "FLOURISH_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the archive.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Import story files (txt, md, html, epub) as works.
    Import(crate::import::ImportArgs),
    /// Write the whole archive (accounts, pseuds, tags and their wrangling, works, chapters,
    /// series) to a directory, for backups and for moving between SQLite and PostgreSQL.
    ///
    /// With --work instead: one work as a download (EPUB, HTML, TXT or Markdown).
    Export {
        /// The directory to write (created; must not hold an export already).
        #[arg(long, value_name = "DIR", required_unless_present = "work", conflicts_with = "work")]
        all: Option<PathBuf>,
        /// One posted work, by id.
        #[arg(long, requires = "output")]
        work: Option<i64>,
        /// epub, html, txt or md (with --work).
        #[arg(long, default_value = "epub")]
        format: String,
        /// The file to write (with --work).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Show what Flourish recovers from a story file, without storing anything.
    Inspect {
        file: PathBuf,
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Wrangle tags: canonical tags, synonyms, metatags and parents.
    Tags {
        #[command(subcommand)]
        command: crate::tags::TagsCommand,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Administer the archive from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Rebuild this node's search index from the database (stop the server first).
    Reindex(DatabaseArgs),
    /// Copy a SQLite archive, consistently, into a new folder while it keeps running.
    Backup {
        /// The folder to write (new or empty).
        dir: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Bring a backup back into an empty data directory (--data-dir).
    Restore {
        /// A folder `flourish backup` wrote.
        dir: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Tools for developing and benchmarking Flourish.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

#[derive(Subcommand)]
pub enum DevCommand {
    /// Fill the archive with generated works (deterministic for a given seed).
    GenCorpus {
        #[arg(long, default_value_t = 1000)]
        works: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create confirmed accounts PREFIX1…PREFIXn with one password (for login load tests).
    AddAccounts {
        #[arg(long, default_value_t = 100)]
        count: usize,
        #[arg(long, default_value = "bench")]
        prefix: String,
        #[arg(long)]
        password: String,
        /// Also make an API token for each account and write them here, one a line.
        #[arg(long)]
        tokens: Option<PathBuf>,
        /// Date the accounts this many days back (out of the new-account limits).
        #[arg(long, default_value_t = 0)]
        joined_days_ago: u32,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Post COMMENTS comments in THREADS threads on one chapter of a work, written by the
    /// accounts PREFIX1…, through the same checks as any comment (for the page benchmark).
    SeedComments {
        #[arg(long)]
        work: i64,
        #[arg(long, default_value_t = 1000)]
        comments: usize,
        #[arg(long, default_value_t = 200)]
        threads: usize,
        #[arg(long, default_value = "bench")]
        prefix: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Make FOLLOWERS accounts follow a work, post a chapter, deliver it as the worker does
    /// while readers read, queue the digests, and print the times (stop the server first).
    BenchFollowers {
        #[arg(long)]
        work: i64,
        #[arg(long, default_value_t = 100_000)]
        followers: u32,
        /// Followers per transaction (default: the worker's).
        #[arg(long, default_value_t = flourish_web::following::DELIVERY_CHUNK)]
        chunk: u32,
        /// Milliseconds between transactions (default: the worker's).
        #[arg(long, default_value_t = flourish_web::following::DELIVERY_PAUSE.as_millis() as u64)]
        pause_ms: u64,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Build one work's downloads repeatedly and print the median time per format.
    BenchExport {
        #[arg(long)]
        work: i64,
        #[arg(long, default_value_t = 20)]
        iterations: usize,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Print the argon2id parameters and the median time to hash and verify a password.
    BenchPassword {
        #[arg(long, default_value_t = 50)]
        iterations: usize,
    },
    /// Score the importer and tag suggestions on the annotated real texts of DIR (the
    /// development corpus, `corpus/`): per text and overall.
    ScoreCorpus {
        dir: PathBuf,
        /// Only these texts (annotation names without `.json`).
        #[arg(long)]
        only: Vec<String>,
        /// Print what went wrong in each text.
        #[arg(long, short)]
        verbose: bool,
        /// Print the measures and each text's counts as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Time the discovery benchmark's queries on the search index and on the SQL baseline
    /// (SQLite only; stop the server first: the index is opened for writing).
    BenchQueries {
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// Write the same queries as URL paths here, one per line, for an HTTP benchmark.
        #[arg(long)]
        paths: Option<PathBuf>,
        /// Time the search index alone.
        #[arg(long)]
        no_baseline: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Print a one-time link that creates an admin account (there is no default password).
    Create,
    /// Clean stored HTML again with this version's sanitizer (the server also does it when
    /// it starts), reindexing works that changed and rebuilding their downloads.
    Resanitize,
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Print the default configuration file, with every key commented.
    Default,
    /// Print the configuration in effect (file, environment and defaults merged).
    Show(DatabaseArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// The address to listen on, such as 127.0.0.1:8080 or 0.0.0.0:80.
    #[arg(long)]
    pub listen: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Fill an empty archive with a few demo works (an archive with works is left alone).
    #[arg(long)]
    pub demo: bool,
}

/// What every command that works on the archive does around its own work: load the
/// configuration, start logging, open the database and bring its schema up to date, then
/// close it whatever the command returned.
async fn with_store<T>(
    config_file: Option<&std::path::Path>,
    database: &DatabaseArgs,
    command: impl AsyncFnOnce(&Config, &flourish_store::Store) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let config = Config::load(config_file, &database.overrides())?;
    crate::logging::init(&config);
    let store = crate::serve::open_store(&config).await?;
    let result = match store.migrate().await {
        Ok(_) => command(&config, &store).await,
        Err(e) => Err(e.into()),
    };
    store.close().await;
    result
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config_file = cli.config.as_deref();
    match cli.command {
        Command::Config { command: ConfigCommand::Default } => {
            print!("{}", crate::config::DEFAULT_FILE);
            Ok(())
        }
        Command::Config { command: ConfigCommand::Show(db) } => {
            let config = Config::load(config_file, &db.overrides())?;
            print!("{}", config.to_toml());
            Ok(())
        }
        Command::Migrate(db) => {
            // Not through with_store: it reports how many migrations it applied.
            let config = Config::load(config_file, &db.overrides())?;
            crate::logging::init(&config);
            let store = crate::serve::open_store(&config).await?;
            let applied = store.migrate().await;
            store.close().await;
            println!(
                "{} migration(s) applied; the database at {} is up to date.",
                applied?,
                config.database_url_redacted()
            );
            Ok(())
        }
        Command::Dev { command: DevCommand::GenCorpus { works, seed, database } } => {
            with_store(config_file, &database, async |_, store| crate::dev::gen_corpus(store, works, seed).await).await
        }
        Command::Dev {
            command: DevCommand::AddAccounts { count, prefix, password, tokens, joined_days_ago, database },
        } => {
            with_store(config_file, &database, async |_, store| {
                let options = crate::dev::AccountOptions { tokens: tokens.as_deref(), joined_days_ago };
                crate::dev::add_accounts(store, count, &prefix, &password, options).await
            })
            .await
        }
        Command::Dev { command: DevCommand::SeedComments { work, comments, threads, prefix, database } } => {
            with_store(config_file, &database, async |_, store| {
                crate::dev::seed_comments(store, flourish_core::WorkId(work), comments, threads.max(1), &prefix).await
            })
            .await
        }
        Command::Dev { command: DevCommand::BenchFollowers { work, followers, chunk, pause_ms, database } } => {
            with_store(config_file, &database, async |_, store| {
                let pause = std::time::Duration::from_millis(pause_ms);
                crate::dev::bench_followers(store, flourish_core::WorkId(work), followers, chunk.max(1), pause).await
            })
            .await
        }
        Command::Dev { command: DevCommand::BenchExport { work, iterations, database } } => {
            with_store(config_file, &database, async |_, store| {
                crate::dev::bench_export(store, flourish_core::WorkId(work), iterations.max(1)).await
            })
            .await
        }
        Command::Dev { command: DevCommand::BenchPassword { iterations } } => {
            crate::dev::bench_password(iterations.max(1)).await
        }
        Command::Dev { command: DevCommand::ScoreCorpus { dir, only, verbose, json } } => {
            let scores = crate::dev::score::score_corpus(&dir, &only)?;
            if json {
                let measures = flourish_text::corpus::measures(&scores);
                println!("{}", serde_json::json!({ "measures": measures, "texts": scores }));
            } else {
                print!("{}", flourish_text::corpus::report(&scores, verbose));
            }
            Ok(())
        }
        Command::Dev { command: DevCommand::BenchQueries { iterations, paths, no_baseline, database } } => {
            with_store(config_file, &database, async |config, store| {
                crate::dev::bench_queries(store, &config.index_dir(), iterations.max(1), paths.as_deref(), !no_baseline)
                    .await
            })
            .await
        }
        Command::Tags { command, database } => {
            with_store(config_file, &database, async |_, store| crate::tags::run(store, command).await).await
        }
        Command::Admin { command: AdminCommand::Create, database } => {
            with_store(config_file, &database, async |config, store| {
                let link = flourish_web::html::account::setup_link(store, &config.public_url()).await?;
                println!("Open this link within a day to create an admin account (it works once):\n\n    {link}");
                Ok(())
            })
            .await
        }
        Command::Admin { command: AdminCommand::Resanitize, database } => {
            with_store(config_file, &database, async |_, store| crate::serve::resanitize(store, true).await).await
        }
        Command::Reindex(database) => {
            with_store(config_file, &database, async |config, store| crate::serve::reindex(config, store).await).await
        }
        Command::Backup { dir, database } => with_store(config_file, &database, async |_, store| {
            let taken = crate::backup::backup(store, &dir).await?;
            println!(
                "backed up {} works ({:.1} MB) into {} in {:.1} s; the search index is rebuilt from it after a restore",
                taken.works,
                taken.bytes as f64 / 1e6,
                taken.dir.display(),
                taken.took.as_secs_f64()
            );
            Ok(())
        })
        .await,
        Command::Restore { dir, database } => {
            // Not through with_store: the archive it would open must not exist yet.
            let config = Config::load(config_file, &database.overrides())?;
            crate::logging::init(&config);
            crate::backup::restore(&config, &dir).await
        }
        Command::Export { all, work, format, output, database } => {
            with_store(config_file, &database, async |config, store| {
                let started = std::time::Instant::now();
                match (all, work, output) {
                    (Some(dir), _, _) => {
                        let counts = store.export_archive(&dir).await?;
                        println!("exported {counts} to {} in {:.1} s", dir.display(), started.elapsed().as_secs_f64());
                        Ok(())
                    }
                    (None, Some(work), Some(output)) => {
                        crate::dev::export_work(store, config, work, &format, &output).await
                    }
                    _ => Err(anyhow::anyhow!("pass --all DIR, or --work ID --output FILE")),
                }
            })
            .await
        }
        Command::Inspect { file, json } => {
            let config = Config::load(config_file, &Overrides::default())?;
            crate::inspect::run(&file, json, &config.lexicons()?)
        }
        Command::Import(args) => {
            crate::import::check(&args)?;
            with_store(config_file, &args.database, async |config, store| {
                crate::import::run(config, store, &args).await
            })
            .await
        }
        Command::Serve(args) => {
            let mut overrides = args.database.overrides();
            overrides.listen = args.listen.clone();
            let config = Config::load(config_file, &overrides)?;
            crate::logging::init(&config);
            crate::serve::run(config, args.demo).await
        }
    }
}
