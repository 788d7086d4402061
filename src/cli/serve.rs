//! `fieldplan serve`: the HTTP API on a SQLite or PostgreSQL store; `fieldplan token create | list |
//! revoke`: API tokens.

use crate::api::planning::DayPlanner;
use crate::api::{AppState, Settings};
use crate::domain::clock::{Clock, ManualClock, SharedClock, StartedClock, SystemClock};
use crate::domain::ids::EngineerId;
use crate::domain::instant::Instant;
use crate::store::{Role, Store, TokenGrant};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// SQLite database file (created if missing), or a PostgreSQL database
    /// (`postgres://user@host:port/db`) that several instances share.
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
    /// With --now: the clock stands still at that instant and moves only when a dispatcher or
    /// manager posts `/v1/clock` (training, demos, the week-of-operation test).
    #[arg(long, requires = "now")]
    pub manual_clock: bool,
    /// A pending SLA milestone due within this many minutes is announced `faultAtRisk`.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub alert_lead_minutes: u32,
    #[command(flatten)]
    pub travel: super::travel::TravelArgs,
}

pub(super) fn parse_instant(s: &str) -> Result<Instant, String> {
    Instant::parse(s).map_err(|e| e.message)
}

/// The clock of a command with `--now T`: one that starts at `T` and runs on from there;
/// without it, the system's.
pub(super) fn clock_from(now: Option<Instant>) -> SharedClock {
    match now {
        Some(t) => Arc::new(StartedClock::new(t)),
        None => Arc::new(SystemClock),
    }
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token with a role and print it (only its hash is stored).
    Create {
        /// dispatcher, planner, manager, viewer, or engineer (with --engineer).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The engineer a token of role engineer is bound to (`E-06`; required for that role,
        /// refused for the others): it may read that engineer's route and calendar and report
        /// its progress, nothing else.
        #[arg(long, value_parser = parse_engineer)]
        engineer: Option<EngineerId>,
        #[arg(long, default_value = "fieldplan.db")]
        db: PathBuf,
        /// A note on who holds the token.
        #[arg(long, default_value = "")]
        label: String,
        /// The token stops working this many days from now (default: never).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3660))]
        expires_in_days: Option<u32>,
    },
    /// List the tokens: id, role, label, created, expires, revoked, engineer (never the
    /// token).
    List {
        #[arg(long, default_value = "fieldplan.db")]
        db: PathBuf,
    },
    /// Revoke a token by its id (`T-...`, as `token list` shows) or a unique prefix of it; a
    /// running service refuses it within seconds.
    Revoke {
        /// The token's id or a unique prefix (with or without `T-`).
        id: String,
        #[arg(long, default_value = "fieldplan.db")]
        db: PathBuf,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn parse_engineer(s: &str) -> Result<EngineerId, String> {
    EngineerId::new(s).map_err(|e| e.message)
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
        let manual = args
            .now
            .filter(|_| args.manual_clock)
            .map(|t| Arc::new(ManualClock::new(t)));
        let clock: SharedClock = match &manual {
            Some(m) => m.clone(),
            None => clock_from(args.now),
        };
        let settings = Settings {
            max_concurrent_solves: args.max_solves.max(1),
            alert_lead: chrono::TimeDelta::minutes(i64::from(args.alert_lead_minutes)),
            travel: args.travel.travel.clone(),
            travel_cache: args.travel.travel_cache.clone(),
            ..Settings::default()
        };
        let (db, data, config) = (args.db.clone(), args.data.clone(), args.config.clone());
        // Opening a store blocks (a PostgreSQL client runs its own runtime): off this one.
        let state = tokio::task::spawn_blocking(move || {
            let store: Arc<dyn Store> = crate::store::open(&db, clock.clone())
                .with_context(|| format!("opening {}", db.display()))?
                .into();
            AppState::load(clock, store, &data, &config, Arc::new(DayPlanner), settings)
        })
        .await??;
        let state = match manual {
            Some(m) => state.with_manual_clock(m),
            None => state,
        };
        tokio::spawn(crate::api::alerts::watch(state.clone()));
        state.adopt_abandoned_jobs();
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
const BLOCKING_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

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
    let open = |db: &PathBuf| {
        crate::store::open(db, Arc::new(SystemClock))
            .with_context(|| format!("opening {}", db.display()))
    };
    match cmd {
        TokenCommand::Create {
            role,
            engineer,
            db,
            label,
            expires_in_days,
        } => {
            let expires_at = expires_in_days.map(|d| {
                SystemClock
                    .now()
                    .plus(chrono::TimeDelta::days(i64::from(d)))
            });
            // Checked before the database is opened (or created).
            let grant = TokenGrant::new(role, engineer, expires_at).map_err(|e| {
                let flag = if role.binds_engineer() {
                    "needs --engineer E-.."
                } else {
                    "takes no --engineer"
                };
                anyhow::anyhow!("{e}: --role {role} {flag}")
            })?;
            let store = open(&db)?;
            let (token, id) =
                crate::api::auth::create_token_granting(store.as_ref(), &grant, &label)
                    .with_context(|| format!("creating a token in {}", db.display()))?;
            eprintln!("created token {id}");
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { db } => {
            let tokens = open(&db)?.tokens()?;
            println!("id\trole\tlabel\tcreated\texpires\trevoked\tengineer");
            let or_dash = |t: Option<Instant>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
            for t in tokens {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.role.as_str(),
                    t.label,
                    t.created_at,
                    or_dash(t.expires_at),
                    or_dash(t.revoked_at),
                    t.engineer.as_ref().map_or("-", |e| e.as_str())
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { id, db } => {
            let store = open(&db)?;
            let id = resolve_token_id(&store.tokens()?, &id)?;
            if !store.revoke_token(&id)? {
                anyhow::bail!("token {id} was already revoked");
            }
            println!("revoked {id}");
            Ok(())
        }
    }
}

/// The one token id that `text` names: the id itself or a prefix of it (`T-` optional).
fn resolve_token_id(tokens: &[crate::store::TokenInfo], text: &str) -> anyhow::Result<String> {
    let text = text.trim();
    if let Some(t) = tokens.iter().find(|t| t.id == text) {
        return Ok(t.id.clone());
    }
    let prefix = if text.starts_with("T-") {
        text.to_owned()
    } else {
        format!("T-{text}")
    };
    let found: Vec<&str> = tokens
        .iter()
        .map(|t| t.id.as_str())
        .filter(|id| !text.is_empty() && id.starts_with(&prefix))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => anyhow::bail!("no token with id {text:?}; see `fieldplan token list`"),
        many => anyhow::bail!(
            "{text:?} matches {} tokens: {}",
            many.len(),
            many.join(", ")
        ),
    }
}
