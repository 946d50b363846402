//! Runs the mock server from the command line, as `larkerr mock` does:
//!
//! ```text
//! cargo run -p lark-errors-mock --example serve -- [--port N] [--host ADDR] [--config FILE] [--quiet]
//! ```
//!
//! Prints the address it listens on, then logs each request and the code it answered to
//! stderr (never blocking the server: lines are dropped and counted when stderr is not
//! read; `--quiet` turns the log off). Stops on Ctrl-C.

use std::net::{IpAddr, SocketAddr};

use lark_errors_mock::{Config, MockServer, RequestLog};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (mut port, mut host, mut config) = (0u16, IpAddr::from([127, 0, 0, 1]), Config::default());
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse()?,
            "--host" => host = value()?.parse()?,
            "--config" => config = Config::from_file(value()?)?,
            "--quiet" => quiet = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let addr = SocketAddr::new(host, port);
    let server = if quiet {
        MockServer::bind(config, addr).await?
    } else {
        MockServer::bind_logged(config, addr, RequestLog::stderr(false)).await?
    };
    println!("mock Feishu Open API listening on {}", server.base_url());
    tokio::select! {
        result = server.wait() => result?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
