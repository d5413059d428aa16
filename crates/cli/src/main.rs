//! The `cartwright` binary: serve the API, set up a demo, migrate, manage users, import and export CSV.

mod bench;

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use cartwright_app::{App, Principal, csv_io::CsvEntity, demo};
use cartwright_core::{company::CompanyInput, user::Role};
use cartwright_store::Store;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cartwright",
    version,
    about = "Inventory, orders and multi-currency accounting, joined up with your shopping carts"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct DbArgs {
    /// SQLite data file (created and migrated on first use).
    #[arg(long, global = true, env = "CARTWRIGHT_DATA")]
    data: Option<PathBuf>,
    /// PostgreSQL URL instead of a SQLite file, e.g. postgres://user@127.0.0.1/cartwright.
    #[arg(
        long,
        global = true,
        env = "CARTWRIGHT_DATABASE_URL",
        conflicts_with = "data"
    )]
    database_url: Option<String>,
    /// File holding the key that seals cart passwords (created on first use; keep it
    /// outside the database and back it up). Default: the data file's name + `.key`.
    #[arg(long, global = true, env = "CARTWRIGHT_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// Records asked of a cart per page when synchronising.
    #[arg(
        long,
        global = true,
        env = "CARTWRIGHT_CART_PAGE_SIZE",
        default_value_t = 100
    )]
    cart_page_size: usize,
    /// Seconds a sync run holds its cart without renewing (a crashed run's cart waits this long).
    #[arg(
        long,
        global = true,
        env = "CARTWRIGHT_CART_LEASE_SECS",
        default_value_t = 120
    )]
    cart_lease_secs: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "CARTWRIGHT_BIND")]
        bind: SocketAddr,
    },
    /// Create a demo company (if the database has none), print a login, and serve.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "CARTWRIGHT_BIND")]
        bind: SocketAddr,
        /// Set up the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Set up the company (base currency, default chart of accounts).
    Init {
        /// Company name.
        #[arg(long)]
        name: String,
        /// ISO 4217 base currency.
        #[arg(long)]
        base_currency: String,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import a CSV file: items, customers, vendors or exchange-rates. All rows or none.
    Import {
        /// items, customers, vendors or exchange-rates.
        entity: String,
        /// CSV file to read.
        file: PathBuf,
    },
    /// Measure throughput (import, list, export, search) on a throw-away database and print the figures.
    Bench {
        /// Number of items.
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        /// Journal lines posted before timing the trial balance.
        #[arg(long, default_value_t = 1_000_000)]
        journal_lines: usize,
    },
    /// Export items, customers, vendors or exchange-rates as CSV (to stdout or a file).
    Export {
        /// items, customers, vendors or exchange-rates.
        entity: String,
        /// File to write (default: standard output).
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user, or reset the password and role of an existing one.
    Add {
        /// Login email.
        #[arg(long)]
        email: String,
        /// Password (at least 8 characters).
        #[arg(long, env = "CARTWRIGHT_PASSWORD", hide_env_values = true)]
        password: String,
        /// admin, accountant, sales, warehouse or read-only.
        #[arg(long, default_value = "read-only")]
        role: String,
    },
}

async fn open(db: &DbArgs, default_file: &str) -> anyhow::Result<App> {
    let store = match (&db.database_url, &db.data) {
        (Some(url), _) => Store::open_postgres(url)
            .await
            .context("cannot connect to PostgreSQL")?,
        (None, Some(path)) => Store::open_sqlite(path)
            .await
            .with_context(|| format!("cannot open {}", path.display()))?,
        (None, None) => Store::open_sqlite(std::path::Path::new(default_file))
            .await
            .with_context(|| format!("cannot open {default_file}"))?,
    };
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    let key_file = match (&db.key_file, &db.database_url, &db.data) {
        (Some(k), _, _) => k.clone(),
        (None, Some(_), _) => PathBuf::from("cartwright.key"),
        (None, None, Some(path)) => key_path_for(path),
        (None, None, None) => key_path_for(std::path::Path::new(default_file)),
    };
    let key = cartwright_app::carts::secrets::SecretKey::load_or_create(&key_file)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(App::with_secret_key(store, key)
        .with_cart_page_size(db.cart_page_size)
        .with_lease(std::time::Duration::from_secs(db.cart_lease_secs.max(1))))
}

/// `shop.sqlite` → `shop.sqlite.key`.
fn key_path_for(data: &std::path::Path) -> PathBuf {
    let mut s = data.as_os_str().to_owned();
    s.push(".key");
    PathBuf::from(s)
}

fn entity(name: &str) -> anyhow::Result<CsvEntity> {
    CsvEntity::parse(name).with_context(|| {
        format!("unknown entity '{name}': use items, customers, vendors or exchange-rates")
    })
}

async fn serve(app: App, bind: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(url = %format!("http://{}", listener.local_addr()?), "serving");
    cartwright_server::serve_on(app, listener).await?;
    Ok(())
}

fn report(e: cartwright_app::AppError) -> anyhow::Error {
    match e {
        cartwright_app::AppError::Import(rows) => {
            let mut msg = format!("{} bad rows; nothing was imported:", rows.len());
            for r in rows {
                msg.push_str(&format!(
                    "\n  line {}, column {}: {}",
                    r.line, r.column, r.message
                ));
            }
            anyhow::anyhow!(msg)
        }
        other => anyhow::anyhow!(other),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { bind } => {
            let app = open(&cli.db, "cartwright.sqlite").await?;
            if !app.has_company().await.map_err(report)? {
                tracing::warn!(
                    "no company yet: run `cartwright init --name … --base-currency …` or POST /api/v1/company"
                );
            }
            serve(app, bind).await
        }
        Command::Demo { bind, no_serve } => {
            let app = open(&cli.db, "cartwright-demo.sqlite").await?;
            let now = time::OffsetDateTime::now_utc();
            let created = app.seed_demo(now.date()).await.map_err(report)?;
            // A local PrestaShop with ~50 products and a trickle of new orders, and a
            // STOPPED cart pointing at it: test, import items, start, watch orders arrive.
            let shop =
                cartwright_cart_emulators::PrestaShop::start(cartwright_cart_emulators::Options {
                    seed: cartwright_cart_emulators::Seed::Demo { products: 50 },
                    start: now,
                    ..Default::default()
                })
                .await
                .context("cannot start the demo PrestaShop emulator")?;
            if !no_serve {
                shop.start_trickle(std::time::Duration::from_secs(30));
            }
            let demo_cart = app
                .setup_demo_cart(
                    &shop.url(),
                    cartwright_cart_emulators::FULL_KEY,
                    now - time::Duration::days(2),
                )
                .await
                .map_err(report)?;
            // Bind first, so the printed URL is the real one (also with port 0).
            let listener = if no_serve {
                None
            } else {
                Some(
                    tokio::net::TcpListener::bind(bind)
                        .await
                        .with_context(|| format!("cannot listen on {bind}"))?,
                )
            };
            let bind = match &listener {
                Some(l) => l.local_addr()?,
                None => bind,
            };
            println!(
                "Cartwright demo {}.\n  URL:      http://{bind}\n  Login:    {} / {}\n  Token:    curl -s -X POST http://{bind}/api/v1/auth/token -H 'content-type: application/json' -d '{{\"email\":\"{}\",\"password\":\"{}\"}}'",
                if created {
                    "data created"
                } else {
                    "data already present"
                },
                demo::DEMO_ADMIN_EMAIL,
                demo::DEMO_ADMIN_PASSWORD,
                demo::DEMO_ADMIN_EMAIL,
                demo::DEMO_ADMIN_PASSWORD,
            );
            println!(
                "  Cart:     '{}' (id {}, STOPPED) on a demo PrestaShop at {}\n            POST /api/v1/carts/{}/test, then …/sync/start",
                demo_cart.name,
                demo_cart.id,
                shop.url(),
                demo_cart.id
            );
            match listener {
                Some(l) => {
                    tracing::info!(url = %format!("http://{bind}"), "serving");
                    cartwright_server::serve_on(app, l).await?;
                    Ok(())
                }
                None => Ok(()),
            }
        }
        Command::Migrate => {
            open(&cli.db, "cartwright.sqlite").await?;
            println!(
                "database is up to date ({} migrations)",
                cartwright_store::MIGRATION_COUNT
            );
            Ok(())
        }
        Command::Init {
            name,
            base_currency,
        } => {
            let app = open(&cli.db, "cartwright.sqlite").await?;
            let input = CompanyInput {
                name,
                base_currency,
                financial_year_start: None,
                tax_rounding: None,
                negative_stock: None,
                default_item: None,
                costing_method: None,
                auto_allocate: None,
                version: None,
            };
            let c = app
                .setup_company(&Principal::cli(), &input)
                .await
                .map_err(report)?;
            println!(
                "company '{}' set up with base currency {}",
                c.name, c.base_currency
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    password,
                    role,
                },
        } => {
            let Some(role) = Role::parse_lenient(&role) else {
                bail!(
                    "unknown role '{role}': use admin, accountant, sales, warehouse or read-only"
                );
            };
            let app = open(&cli.db, "cartwright.sqlite").await?;
            let user = app
                .add_or_reset_user(&email, &password, role)
                .await
                .map_err(report)?;
            println!("user {} ({}) saved", user.email, user.role.as_str());
            Ok(())
        }
        Command::Import { entity: name, file } => {
            let e = entity(&name)?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let app = open(&cli.db, "cartwright.sqlite").await?;
            let s = app
                .import_csv(&Principal::cli(), e, &bytes)
                .await
                .map_err(report)?;
            println!(
                "imported {}: {} created, {} updated",
                e.name(),
                s.created,
                s.updated
            );
            Ok(())
        }
        Command::Bench {
            rows,
            journal_lines,
        } => {
            // A temporary SQLite file unless a (fresh, empty) PostgreSQL database is named.
            let dir = tempfile::tempdir()?;
            let db = DbArgs {
                data: Some(
                    cli.db
                        .data
                        .clone()
                        .unwrap_or_else(|| dir.path().join("bench.sqlite")),
                ),
                database_url: cli.db.database_url.clone(),
                key_file: Some(dir.path().join("bench.key")),
                cart_page_size: 100,
                cart_lease_secs: 120,
            };
            let app = open(&db, "unused").await?;
            println!(
                "cartwright bench on {:?}, {rows} items",
                app.store().backend()
            );
            bench::run(&app, rows, journal_lines).await
        }
        Command::Export { entity: name, file } => {
            let e = entity(&name)?;
            let app = open(&cli.db, "cartwright.sqlite").await?;
            let text = app.export_csv(&Principal::cli(), e).await.map_err(report)?;
            match file {
                Some(f) => std::fs::write(&f, text)
                    .with_context(|| format!("cannot write {}", f.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}
