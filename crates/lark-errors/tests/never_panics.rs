//! Property tests: no input makes a matcher or diagnosis panic (the page parser's are in
//! `crates/lark-errors-page/tests/never_panics.rs`), and every
//! documented error survives rendering and diagnosis.

use lark_errors::diagnose::{Basis, NoHeaders, diagnose};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn resolve_never_panics(code in any::<u32>(), msg in "\\PC*") {
        let _ = lark_errors::resolve(code, &msg);
        let _ = lark_errors::resolve_match(code, &msg);
        for e in lark_errors::lookup(40008) {
            let _ = e.template().matches(&msg);
        }
    }

    #[test]
    fn resolve_of_a_documented_code_always_gives_one_of_its_entries(
        index in 0..lark_errors::entries().len(),
        msg in "\\PC{0,80}",
    ) {
        let code = lark_errors::entries()[index].code();
        let got = lark_errors::resolve(code, &msg).unwrap();
        prop_assert_eq!(got.code(), code);
    }

    #[test]
    fn diagnose_never_panics(status in any::<Option<u16>>(), body in prop::collection::vec(any::<u8>(), 0..512)) {
        let d = diagnose(status, &NoHeaders, &body);
        prop_assert_eq!(d.http_status, status);
        prop_assert_eq!(d.retryable(), d.action().is_some_and(|a| a.is_retryable()));
    }

    #[test]
    fn diagnose_never_panics_on_json_like_bodies(
        code in prop_oneof![any::<i64>().prop_map(|c| c.to_string()), "\"[0-9]{0,25}\"", "[0-9]{15,40}", Just("null".to_owned())],
        msg in "\\PC{0,60}",
        headers in prop::collection::vec(("\\PC{0,20}", "\\PC{0,20}"), 0..4),
    ) {
        let body = format!(r#"{{"code":{code},"msg":{},"error":{{"permission_violations":[{{"subject":{}}}]}}}}"#,
            serde_json::to_string(&msg).unwrap(), serde_json::to_string(&msg).unwrap());
        let _ = diagnose(Some(400), &headers, body.as_bytes());
    }
}

#[test]
fn render_then_diagnose_round_trips_for_every_entry() {
    for entry in lark_errors::entries() {
        let values = vec!["ou_1f2e3d"; entry.placeholders().len()];
        let body = entry.render_body(&values);
        let d = diagnose(entry.http_status(), &NoHeaders, body.as_bytes());
        assert_eq!(d.basis, Basis::Catalog, "{entry}");
        assert!(std::ptr::eq(d.entry.unwrap(), entry), "{entry}: resolved to {:?}", d.entry);
        assert_eq!(d.code, Some(i64::from(entry.code())));
        assert_eq!(d.category(), Some(entry.category()));
        assert_eq!(d.action(), Some(entry.action()));
        assert_eq!(d.token(), entry.token());
        assert_eq!(d.retryable(), entry.retryable());
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["code"], entry.code());
    }
}

#[test]
fn deep_nesting_and_huge_inputs_are_survived() {
    let deep = format!("{}{}", "{\"a\":".repeat(50_000), "1");
    assert!(diagnose(Some(500), &NoHeaders, deep.as_bytes()).parse_error.is_some());
    let huge_msg = format!(r#"{{"code":99991400,"msg":"{}"}}"#, "x".repeat(4 << 20));
    let d = diagnose(Some(429), &NoHeaders, huge_msg.as_bytes());
    assert_eq!(d.code, Some(99991400));
    let huge_code = format!(r#"{{"code":{},"msg":"x"}}"#, "9".repeat(400));
    assert!(diagnose(None, &NoHeaders, huge_code.as_bytes()).parse_error.is_some());
}
