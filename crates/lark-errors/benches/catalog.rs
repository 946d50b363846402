//! Lookup, resolve and diagnose over the whole catalog.
//!
//! Targets (issues 2/3/12, on the project's 2-core machine): lookup < 20 ns, resolve
//! < 300 ns median, diagnosing a typical 300-byte error body < 2 µs median; routing a
//! concrete URL over all APIs < 300 ns, resolution with an API < 300 ns. At the end the
//! per-call figures are printed with their ratio to `lookup` of the same run.
//! `cargo bench -p lark-errors --bench catalog` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use lark_errors::diagnose::diagnose;

fn lookup(c: &mut Criterion) {
    let codes: Vec<u32> = lark_errors::entries().iter().map(|e| e.code()).collect();
    let mut group = c.benchmark_group("lookup");
    // One iteration looks up every documented code; the figure per code is the
    // reported time divided by the count (printed below).
    group.throughput(criterion::Throughput::Elements(codes.len() as u64));
    group.bench_function("every_code", |b| {
        b.iter(|| {
            let mut n = 0;
            for &code in &codes {
                n += black_box(lark_errors::lookup(black_box(code))).len();
            }
            n
        })
    });
    group
        .bench_function("unknown_code", |b| b.iter(|| lark_errors::lookup(black_box(12345)).len()));
    group.finish();
}

fn resolve(c: &mut Criterion) {
    // Live variants: documented message, other case + trailing period, filled template.
    let inputs: Vec<(u32, String)> = lark_errors::entries()
        .iter()
        .map(|e| {
            let values = vec!["ou_5ad5733c"; e.placeholders().len()];
            (e.code(), format!("{}.", e.render_message(&values).to_uppercase()))
        })
        .collect();
    let mut group = c.benchmark_group("resolve");
    group.throughput(criterion::Throughput::Elements(inputs.len() as u64));
    group.bench_function("every_entry", |b| {
        b.iter(|| {
            let mut n = 0;
            for (code, msg) in &inputs {
                n += black_box(lark_errors::resolve(*code, msg)).map_or(0, |e| e.line());
            }
            n
        })
    });
    group.bench_function("duplicated_code_40008_templated", |b| {
        b.iter(|| lark_errors::resolve(black_box(40008), black_box("open_id ou_123 is not exist")))
    });
    group.finish();
}

fn diagnose_body(c: &mut Criterion) {
    // A typical error body of about 300 bytes (the shape of the Lark international sample).
    let body = br#"{"code":99991672,"msg":"Access denied. One of the following scopes is required: [bitable:app]","error":{"log_id":"202509040558240907C9A4D2AE0D758992","troubleshooter":"https://open.feishu.cn/search?log_id=202509040558240907C9A4D2AE0D758992&code=99991672","permission_violations":[{"type":"action_scope_required","subject":"bitable:app"}]}}"#;
    assert!((280..=340).contains(&body.len()), "{}", body.len());
    let headers = [
        ("x-tt-logid", "202509040558240907C9A4D2AE0D758992"),
        ("content-type", "application/json"),
    ];
    c.bench_function("diagnose/300_byte_body", |b| {
        b.iter(|| diagnose(Some(400), &headers, black_box(body)))
    });
    let limited = br#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
    let rl = [("x-ogw-ratelimit-limit", "100"), ("x-ogw-ratelimit-reset", "52")];
    c.bench_function("diagnose/rate_limited", |b| {
        b.iter(|| diagnose(Some(429), &rl, black_box(limited)))
    });
}

/// Concrete URLs for every API: parameters filled with ID-like values, a query string.
#[cfg(feature = "apis")]
fn concrete_urls() -> Vec<(lark_errors::Method, String)> {
    lark_errors::apis()
        .iter()
        .map(|api| {
            let path: Vec<&str> = api
                .path()
                .split('/')
                .map(|s| if s.starts_with(':') { "oc_a0553eda9014c201e6969b478895c230" } else { s })
                .collect();
            (api.method(), format!("https://open.feishu.cn{}?page_size=20", path.join("/")))
        })
        .collect()
}

#[cfg(feature = "apis")]
fn apis(c: &mut Criterion) {
    let urls = concrete_urls();
    let mut group = c.benchmark_group("route");
    group.throughput(criterion::Throughput::Elements(urls.len() as u64));
    group.bench_function("every_api", |b| {
        b.iter(|| {
            let mut n = 0;
            for (method, url) in &urls {
                n += black_box(lark_errors::route(*method, black_box(url))).is_some() as usize;
            }
            n
        })
    });
    group.finish();

    // Every per-API entry with its API: the live msg is the documented one, upper-cased
    // with a trailing period (so matching is tolerant, not a byte compare).
    let inputs: Vec<(u32, String, &'static lark_errors::Api)> = lark_errors::api_entries()
        .iter()
        .filter(|e| e.parent_code().is_none())
        .filter_map(|e| {
            let values = vec!["ou_5ad5733c"; e.placeholders().len()];
            Some((e.code(), format!("{}.", e.render_message(&values).to_uppercase()), e.api()?))
        })
        .collect();
    let mut group = c.benchmark_group("resolve_with_api");
    group.throughput(criterion::Throughput::Elements(inputs.len() as u64));
    group.bench_function("every_entry", |b| {
        b.iter(|| {
            let mut n = 0;
            for (code, msg, api) in &inputs {
                n += black_box(lark_errors::resolve_with(*code, msg, Some(api)))
                    .map_or(0, |r| r.entry.line());
            }
            n
        })
    });
    group.finish();
}

#[cfg(not(feature = "apis"))]
fn apis(_: &mut Criterion) {}

/// The per-call medians of this run, read back from criterion's estimates, with their
/// ratio to `lookup`.
fn ratios() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/criterion");
    let per_call = |group: &str, bench: &str, count: usize| -> Option<f64> {
        let path = dir.join(group).join(bench).join("new/estimates.json");
        let text = std::fs::read_to_string(path).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some(v["median"]["point_estimate"].as_f64()? / count as f64)
    };
    let Some(lookup) = per_call("lookup", "every_code", lark_errors::entries().len()) else {
        return;
    };
    let api_inputs = lark_errors::api_entries()
        .iter()
        .filter(|e| e.parent_code().is_none() && e.api().is_some())
        .count();
    println!("\nper call (median), ratio to lookup:");
    for (name, group, bench, count) in [
        ("lookup", "lookup", "every_code", lark_errors::entries().len()),
        ("resolve", "resolve", "every_entry", lark_errors::entries().len()),
        ("route", "route", "every_api", lark_errors::apis().len()),
        ("resolve_with_api", "resolve_with_api", "every_entry", api_inputs),
    ] {
        if let Some(ns) = per_call(group, bench, count) {
            println!("  {name:<18} {ns:>8.1} ns  {:>6.1}x", ns / lookup);
        }
    }
}

criterion_group!(benches, lookup, resolve, apis, diagnose_body);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios();
}
