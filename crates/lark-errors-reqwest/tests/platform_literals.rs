//! The crate takes every platform fact from `lark_errors::platform`: no header name,
//! token endpoint, token field, host or well-known code is spelled in its non-test
//! source (doc comments may name them).

use lark_errors::platform::{code, header, host, oauth, token};

/// The crate's source files without comments and without their `#[cfg(test)]` tail.
fn sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            out.push((path.display().to_string(), code));
        }
    }
    assert!(out.len() >= 4, "found the sources: {out:?}");
    out
}

#[test]
fn no_platform_string_is_spelled_outside_the_library() {
    let strings = [
        header::RATELIMIT_RESET,
        header::RATELIMIT_LIMIT,
        header::LOG_ID,
        header::REQUEST_ID,
        header::RETRY_AFTER,
        host::FEISHU,
        host::LARK,
        host::API_PREFIX,
        token::TENANT_ACCESS_TOKEN_PATH,
        token::APP_ACCESS_TOKEN_PATH,
        token::USER_ACCESS_TOKEN_PATH,
        token::APP_ID,
        token::APP_SECRET,
        token::TENANT_ACCESS_TOKEN,
        token::APP_ACCESS_TOKEN,
        token::EXPIRE,
        token::GRANT_TYPE,
        token::GRANT_REFRESH_TOKEN,
        token::CLIENT_ID,
        token::CLIENT_SECRET,
        token::REFRESH_TOKEN,
        token::ACCESS_TOKEN,
        token::EXPIRES_IN,
        token::REFRESH_TOKEN_EXPIRES_IN,
        token::TOKEN_TYPE,
        token::BEARER,
        token::SCOPE,
        token::ERROR,
        token::ERROR_DESCRIPTION,
    ];
    for (file, code) in sources() {
        let lower = code.to_ascii_lowercase();
        for s in strings {
            let quoted = format!("\"{}\"", s.to_ascii_lowercase());
            assert!(!lower.contains(&quoted), "{file} spells {s:?}: use lark_errors::platform");
        }
    }
}

#[test]
fn no_well_known_code_is_spelled_outside_the_library() {
    let codes = [
        code::INVALID_PARAMETER,
        code::APP_UNAUTHORIZED,
        code::WRONG_APP_SECRET,
        code::FREQUENCY_LIMIT,
        code::QUOTA_EXCEEDED,
        code::NEED_A_TOKEN,
        code::INVALID_ACCESS_TOKEN,
        code::INVALID_APP_ACCESS_TOKEN,
        code::INVALID_USER_ACCESS_TOKEN,
        code::SCOPE_MISSING,
        code::USER_ACCESS_TOKEN_EXPIRED,
        code::USER_SCOPE_MISSING,
        oauth::REFRESH_TOKEN_INVALID,
        oauth::REFRESH_TOKEN_EXPIRED,
        oauth::SERVER_ERROR,
        oauth::REFRESH_TOKEN_REVOKED,
        oauth::TEMPORARILY_UNAVAILABLE,
        oauth::REFRESH_TOKEN_USED,
    ];
    for (file, source) in sources() {
        let numbers: Vec<&str> =
            source.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect();
        for c in codes {
            assert!(!numbers.contains(&c.to_string().as_str()), "{file} spells code {c}");
        }
    }
}
