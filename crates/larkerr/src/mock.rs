//! `larkerr mock`: run the mock Feishu Open API server of `lark-errors-mock`.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use lark_errors_mock::{Config, MockServer, RateLimits, RequestLog};

use crate::Status;
use crate::output::Printer;

/// Run a mock Feishu / Lark Open API server that answers with the documented errors.
///
/// It issues tenant and app access tokens for the configured apps (default app
/// `cli_mock` / `mock_secret`), refreshes configured users' tokens at the OAuth token
/// endpoint, serves every documented API (method and path template; 99991201, HTTP 404,
/// for a path no API has; 99991661 without a token, 99991663 for an unknown or expired
/// one), limits each API per app by its documented tier (HTTP 429, 99991400,
/// `X-Ogw-Ratelimit-*` headers), applies fault rules rendered from each API's own
/// entries, and serves request counts at `GET /_mock/stats` and the routes at
/// `GET /_mock/apis`. Each request and the code it was answered with
/// is logged to stderr, coloured as `--color` says (`--quiet` turns the log off; a log
/// nobody reads never stops the server: lines are dropped and counted). Stops on Ctrl-C.
/// The configuration format is documented in the lark-errors-mock README.
#[derive(Debug, clap::Args)]
#[command(long_about)]
pub struct Args {
    /// Port to listen on; 0 picks a free port (the address is printed).
    #[arg(long, short, default_value_t = 8089)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Configuration file: TOML, or JSON when it ends in `.json` (at most 1 MiB).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Do not log requests.
    #[arg(long, short)]
    quiet: bool,
    /// The documented rate limits: `documented` (every API per app, the default) or
    /// `off`; overrides `rate_limits` of the configuration.
    #[arg(long, value_name = "WHICH", value_parser = ["documented", "off"])]
    rate_limits: Option<String>,
}

/// Starts the server and serves until Ctrl-C.
pub fn run(args: &Args, printer: Printer) -> io::Result<Status> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path).map_err(|e| io::Error::other(e.to_string()))?,
        None => Config::default(),
    };
    match args.rate_limits.as_deref() {
        Some("off") => config.rate_limits = RateLimits::Off,
        Some(_) => config.rate_limits = RateLimits::Documented,
        None => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let addr = SocketAddr::new(args.host, args.port);
        let server = if args.quiet {
            MockServer::bind(config, addr).await
        } else {
            MockServer::bind_logged(config, addr, RequestLog::stderr(printer.color_stderr)).await
        }
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
        // The banner is best-effort: a server whose stdout was closed keeps serving.
        let mut stdout = io::stdout().lock();
        let _ = writeln!(stdout, "mock Feishu Open API listening on {}", server.base_url());
        for app in &server.config().apps {
            let _ = writeln!(stdout, "  app_id {}  app_secret {}", app.app_id, app.app_secret);
        }
        let _ = stdout.flush();
        drop(stdout);
        tokio::select! {
            result = server.wait() => result?,
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok(Status::Found)
    })
}
