//! The log scanner's throughput, in memory (no I/O): JSON lines with 1% error lines.
//!
//! Target (issue 5): well above 1 GB/s on one core, so that reading the file, not
//! finding the codes, bounds `larkerr scan`. `cargo bench -p lark-errors --bench extract`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lark_errors::extract::{Scanner, codes};

/// About `size` bytes of JSON lines; every 100th line carries a Feishu error.
fn log(size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 512);
    let mut i = 0u64;
    while out.len() < size {
        let head = format!(
            "{{\"time\":\"2025-03-01T00:{:02}:{:02}.{:03}Z\",\"level\":\"{}\",\"node\":\"worker-{}\",\"trace_id\":\"{:016x}\",\"path\":\"/open-apis/im/v1/messages\",",
            i / 3600 % 60,
            i / 60 % 60,
            i % 1000,
            if i % 100 == 7 { "error" } else { "info" },
            i % 4,
            i.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        );
        out.extend_from_slice(head.as_bytes());
        if i % 100 == 7 {
            out.extend_from_slice(br#""status_code":429,"msg":"feishu call failed","resp":{"code":99991400,"msg":"request trigger frequency limit"}}"#);
        } else {
            out.extend_from_slice(br#""status_code":200,"msg":"request done","latency_ms":123}"#);
        }
        out.push(b'\n');
        i += 1;
    }
    out
}

fn scan(c: &mut Criterion) {
    let data = log(32 << 20);
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(20);
    let mut scanner = Scanner::new();
    group.bench_function("scanner_32MiB_1pct", |b| {
        b.iter(|| {
            let mut n = 0u64;
            scanner.scan(black_box(&data[..]), |h| n += u64::from(h.code));
            n
        })
    });
    group.bench_function("codes_32MiB_1pct", |b| b.iter(|| codes(black_box(&data)).count()));
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
