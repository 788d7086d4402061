//! `fieldplan serve`: the HTTP API on a SQLite store; `fieldplan token create`: a new API
//! token.

use crate::api::planning::DayPlanner;
use crate::api::{AppState, Settings};
use crate::domain::clock::{SharedClock, StartedClock, SystemClock};
use crate::domain::instant::Instant;
use crate::store::{Role, SqliteStore, Store};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// SQLite database file (created if missing).
    #[arg(long, default_value = "fieldplan.db")]
    pub db: PathBuf,
    /// Scenario directory loaded into an empty database on first start.
    #[arg(long, default_value = "data/nanchang")]
    pub data: PathBuf,
    /// Configuration directory (SLA, cadence, durations, holidays).
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Solves that may run at once (more are refused with 503).
    #[arg(long, default_value_t = 2)]
    pub max_solves: usize,
    /// Start the service's clock at this instant (RFC 3339 with offset) and let it run from
    /// there: for demos, training and tests. Without it the service runs on the system time.
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<Instant>,
}

fn parse_instant(s: &str) -> Result<Instant, String> {
    Instant::parse(s).map_err(|e| e.message)
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token with a role and print it (only its hash is stored).
    Create {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long, default_value = "fieldplan.db")]
        db: PathBuf,
        /// A note on who holds the token.
        #[arg(long, default_value = "")]
        label: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FIELDPLAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let served = runtime.block_on(async move {
        let clock: SharedClock = match args.now {
            Some(t) => Arc::new(StartedClock::new(t)),
            None => Arc::new(SystemClock),
        };
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open_with_clock(&args.db, clock.clone())
                .with_context(|| format!("opening {}", args.db.display()))?,
        );
        let settings = Settings {
            max_concurrent_solves: args.max_solves.max(1),
            ..Settings::default()
        };
        let (data, config) = (args.data.clone(), args.config.clone());
        let state = tokio::task::spawn_blocking(move || {
            AppState::load(clock, store, &data, &config, Arc::new(DayPlanner), settings)
        })
        .await??;
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("binding {}", args.listen))?;
        tracing::info!("the service's clock reads {}", state.now());
        tracing::info!("fieldplan listening on http://{}", listener.local_addr()?);
        crate::api::serve(listener, state, shutdown_signal()).await?;
        anyhow::Ok(())
    });
    // Dropping the runtime would wait for every blocking thread (a solve, a roster, a sweep)
    // to return; their cancel flags are set, so they end soon, but never wait past this.
    runtime.shutdown_timeout(BLOCKING_GRACE);
    tracing::info!("fieldplan stopped");
    served
}

/// How long blocking work (cancelled by then) may take to return once the server stopped.
const BLOCKING_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing open requests");
}

pub fn token(cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { role, db, label } => {
            let store =
                SqliteStore::open(&db).with_context(|| format!("opening {}", db.display()))?;
            let token = crate::api::auth::create_token(&store, role, &label)?;
            println!("{token}");
            Ok(())
        }
    }
}
