//! `lark_errors_mock::Config` from TOML and from JSON.
//!
//! Input: the text (invalid UTF-8 replaced), read as TOML and as JSON.
//!
//! Properties:
//! - a configuration that loads is valid, and comes back equal through JSON, and
//!   through TOML where TOML can hold it (integers beyond `i64` it cannot);
//! - what fails, fails with an error that displays.
#![no_main]

use lark_errors_mock::{Config, ConfigError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for loaded in [Config::from_toml_str(&text), Config::from_json_str(&text)] {
        match loaded {
            Ok(config) => round_trips(&config),
            Err(e) => shown(&e),
        }
    }
});

fn shown(e: &ConfigError) {
    assert!(!e.to_string().is_empty());
}

fn round_trips(config: &Config) {
    config.validate().expect("a loaded configuration is valid");
    let json = serde_json::to_string(config).expect("a configuration serializes to JSON");
    let back = Config::from_json_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    assert!(same(config, &back), "JSON round trip: {config:?} became {back:?}");
    if let Ok(toml) = toml::to_string(config) {
        let back = Config::from_toml_str(&toml).unwrap_or_else(|e| panic!("{toml}: {e}"));
        assert!(same(config, &back), "TOML round trip: {config:?} became {back:?}");
    }
}

/// Equal, probabilities within a rounding error (serde_json's float parsing is not
/// always correctly rounded).
fn same(a: &Config, b: &Config) -> bool {
    let strip = |c: &Config| {
        let mut c = c.clone();
        let p: Vec<Option<f64>> = c.faults.iter_mut().map(|f| f.probability.take()).collect();
        (c, p)
    };
    let ((a, pa), (b, pb)) = (strip(a), strip(b));
    a == b
        && pa.len() == pb.len()
        && pa.iter().zip(&pb).all(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-12,
            (x, y) => x.is_none() && y.is_none(),
        })
}
