//! Routes `METHOD URL` to its API and resolves a code against it:
//! `cargo run -p lark-errors --example route -- POST https://open.feishu.cn/open-apis/im/v1/messages 230002 "The bot can not be outside the group."`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [method, url, rest @ ..] = args.as_slice() else {
        eprintln!("usage: route METHOD URL [CODE [MSG]]");
        return ExitCode::from(2);
    };
    let Ok(method) = method.parse::<lark_errors::Method>() else {
        eprintln!("route: unknown method `{method}`");
        return ExitCode::from(2);
    };
    let Some(api) = lark_errors::route(method, url) else {
        eprintln!("route: no documented API for {method} {url}");
        return ExitCode::FAILURE;
    };
    println!("{api}  {}  ({}, {})", api.title(), api.doc_url(), api.updated());
    if let Some(rl) = api.rate_limit() {
        println!("rate limit: {rl}");
    }
    for s in api.scopes() {
        println!("scope: {} {}", s.id(), s.name());
    }
    if let [code, msg @ ..] = rest {
        let Ok(code) = code.parse::<u32>() else {
            eprintln!("route: `{code}` is not a code");
            return ExitCode::from(2);
        };
        let msg = msg.first().map_or("", String::as_str);
        match lark_errors::resolve_with(code, msg, Some(api)) {
            Some(r) => println!(
                "{} [{}] {} / {}: {}",
                r.entry,
                r.layer,
                r.entry.category(),
                r.entry.action(),
                r.entry.advice_zh()
            ),
            None => println!("{code}: not documented"),
        }
    }
    ExitCode::SUCCESS
}
