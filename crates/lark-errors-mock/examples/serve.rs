//! Runs the mock server from the command line, as `larkerr mock` will:
//!
//! ```text
//! cargo run -p lark-errors-mock --example serve -- [--port N] [--host ADDR] [--config FILE]
//! ```
//!
//! Prints the address it listens on, then logs each request and the code it answered
//! (set `RUST_LOG=warn` to silence that). Stops on Ctrl-C.

use std::net::{IpAddr, SocketAddr};

use lark_errors_mock::{Config, MockServer};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (mut port, mut host, mut config) = (0u16, IpAddr::from([127, 0, 0, 1]), Config::default());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse()?,
            "--host" => host = value()?.parse()?,
            "--config" => config = Config::from_file(value()?)?,
            // `cargo bench` and test harness flags, if any, are not ours.
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let server = MockServer::bind(config, SocketAddr::new(host, port)).await?;
    println!("mock Feishu Open API listening on {}", server.base_url());
    tokio::select! {
        result = server.wait() => result?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
