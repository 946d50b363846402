//! The decision as a chain of named classifiers.
//!
//! Each classifier looks at the [`Response`] and either decides (a [`Verdict`]) or passes;
//! [`CHAIN`] tries them in order and the first verdict wins. What every diagnosis needs
//! whatever decided it (log id, rate-limit headers, scopes, challenge) is read by
//! [`decide`] around the chain.

use std::collections::HashSet;

use super::words::{classify_message, classify_status};
use super::{Basis, Diagnosis, ErrorBody, Headers, wait};
use crate::catalog::{self, Api, Resolution};
use crate::platform::header;
use crate::semantics::{Action, Category};
use crate::template::{MAX_MATCH_LEN, truncate};

/// A response as the classifiers see it: the status, the headers, the body's parts and
/// the code and message they decide on.
pub(super) struct Response<'a> {
    pub(super) status: Option<u16>,
    pub(super) headers: &'a dyn Headers,
    pub(super) body: ErrorBody,
    pub(super) parse_error: Option<super::BodyError>,
    /// The live message: `msg`, else `error.message`, else the OAuth description or
    /// error, else the start of a plain-text body.
    pub(super) message: Option<String>,
    /// The caller's clock (seconds since the epoch), if it passed one.
    pub(super) now: Option<i64>,
    /// The API the request was sent to, when the caller knows the request.
    pub(super) api: Option<&'static Api>,
    /// A code embedded in the message, when the envelope's own code is not documented.
    wrapped: Option<(u32, String)>,
}

impl<'a> Response<'a> {
    pub(super) fn new(
        status: Option<u16>,
        headers: &'a dyn Headers,
        body: ErrorBody,
        parse_error: Option<super::BodyError>,
        now: Option<i64>,
        api: Option<&'static Api>,
    ) -> Response<'a> {
        let message = body
            .msg
            .clone()
            .or_else(|| body.error_message.clone())
            .or_else(|| body.oauth_error_description.clone())
            .or_else(|| body.oauth_error.clone());
        let wrapped = match body.code {
            Some(code) if code != 0 && documented(code).is_none() => {
                message.as_deref().and_then(wrapped_code)
            }
            _ => None,
        };
        Response { status, headers, body, parse_error, message, now, api, wrapped }
    }

    /// The code the diagnosis names: the embedded one when it was used, else the body's.
    fn code(&self) -> Option<i64> {
        self.wrapped.as_ref().map(|(c, _)| i64::from(*c)).or(self.body.code)
    }

    /// The message the decision reads: the embedded code's message when it was used.
    fn live(&self) -> &str {
        match &self.wrapped {
            Some((_, msg)) => msg,
            None => self.message.as_deref().unwrap_or_default(),
        }
    }
}

/// What a classifier decided.
pub(super) struct Verdict<'l> {
    basis: Basis,
    /// The catalog entry, when the code resolved to one.
    resolution: Option<Resolution<'l>>,
    /// The category and action, when they are not the entry's own.
    verdict: Option<(Category, Action)>,
}

impl Verdict<'_> {
    fn heuristic(basis: Basis, (category, action): (Category, Action)) -> Verdict<'static> {
        Verdict { basis, resolution: None, verdict: Some((category, action)) }
    }
}

/// A named classifier: decides, or passes (`None`).
type Classifier = for<'r> fn(&'r Response<'_>) -> Option<Verdict<'r>>;

/// The classifiers, in the order they are tried (the module docs of
/// [`diagnose`](super) say what each does).
pub(super) const CHAIN: &[(&str, Classifier)] = &[
    ("success", success),
    ("challenge", challenge),
    ("catalog", in_catalog),
    ("wrapped", wrapped),
    ("violations", violations),
    ("too_many_requests", too_many_requests),
    ("message_words", message_words),
    ("http_status", http_status),
];

/// Resolves `code` and its live message in the catalog: the one place a diagnosis asks
/// the catalog, with the whole response at hand. With the request's API known, the API's
/// own entry wins, then the generic page, then the code's meanings across API pages
/// ([`catalog::resolve_with`]).
fn resolve<'r>(response: &'r Response<'_>, code: i64, live: &'r str) -> Option<Resolution<'r>> {
    catalog::resolve_with(documented(code)?, live, response.api)
}

fn success<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    let is_success = match r.body.code {
        Some(code) => code == 0,
        None => matches!(r.status, Some(200..=299)),
    };
    is_success.then_some(Verdict { basis: Basis::Success, resolution: None, verdict: None })
}

fn challenge<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    r.body.challenge_url.as_ref()?;
    Some(Verdict {
        basis: Basis::Challenge,
        resolution: r.code().and_then(|code| resolve(r, code, r.live())),
        verdict: Some((Category::Authentication, Action::Reauthorize)),
    })
}

fn in_catalog<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    let code = r.body.code?;
    let resolution = resolve(r, code, r.message.as_deref().unwrap_or_default())?;
    Some(Verdict { basis: Basis::Catalog, resolution: Some(resolution), verdict: None })
}

fn wrapped<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    let (code, msg) = r.wrapped.as_ref()?;
    let resolution = resolve(r, i64::from(*code), msg)?;
    Some(Verdict { basis: Basis::Wrapped, resolution: Some(resolution), verdict: None })
}

fn violations<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    let decided = if !r.body.permission_violations.is_empty() {
        (Category::Permission, Action::RequestScope)
    } else if !r.body.field_violations.is_empty() {
        (Category::InvalidRequest, Action::FixRequest)
    } else {
        return None;
    };
    Some(Verdict::heuristic(Basis::Violations, decided))
}

fn too_many_requests<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    (r.status == Some(429)).then(|| {
        Verdict::heuristic(Basis::HttpStatus, (Category::RateLimited, Action::WaitAndRetry))
    })
}

fn message_words<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    let decided = classify_message(r.live())
        .or_else(|| r.body.oauth_error.as_deref().and_then(classify_message))?;
    Some(Verdict::heuristic(Basis::MessageWords, decided))
}

fn http_status<'r>(r: &'r Response<'_>) -> Option<Verdict<'r>> {
    Some(Verdict::heuristic(Basis::HttpStatus, classify_status(r.status?)?))
}

/// The name of the classifier that decides `response`, and its verdict.
fn first_verdict<'r>(response: &'r Response<'_>) -> Option<(&'static str, Verdict<'r>)> {
    CHAIN.iter().find_map(|(name, classify)| classify(response).map(|v| (*name, v)))
}

/// Runs the chain and reads what every diagnosis carries.
pub(super) fn decide(r: &Response<'_>) -> Diagnosis {
    let verdict = first_verdict(r).map(|(_, v)| v);
    let basis = verdict.as_ref().map_or(Basis::Unknown, |v| v.basis);
    let (resolution, heuristic) = match verdict {
        Some(v) => (v.resolution, v.verdict),
        None => (None, None),
    };
    let entry = resolution.as_ref().map(|r| r.entry);
    let layer = resolution.as_ref().map(|r| r.layer);
    let sub_entry = resolution.as_ref().and_then(|r| r.sub);
    let contradicts_catalog = match &resolution {
        Some(res) if res.quality.is_none() && heuristic.is_none() => {
            classify_message(r.live()).is_some_and(|(c, _)| c != res.entry.category())
        }
        _ => false,
    };
    let code = r.code();
    let mut d = Diagnosis {
        code,
        message: r.message.clone(),
        basis,
        entry,
        sub_entry,
        layer,
        api: r.api,
        match_quality: resolution.as_ref().and_then(|r| r.quality),
        values: resolution
            .map(|r| r.values.iter().map(|v| (*v).to_owned()).collect())
            .unwrap_or_default(),
        contradicts_catalog,
        retry_after_secs: None,
        rate_limit: rate_limit(r.headers),
        missing_scopes: Vec::new(),
        field_violations: r.body.field_violations.clone(),
        permission_violations: r.body.permission_violations.clone(),
        helps: r.body.helps.clone(),
        details: r.body.details.clone(),
        challenge_url: r.body.challenge_url.clone(),
        hint: r.body.hint.clone(),
        log_id: r.body.log_id.clone().or_else(|| log_id(r.headers)),
        troubleshooter: r.body.troubleshooter.clone(),
        http_status: r.status,
        parse_error: r.parse_error.clone(),
        verdict: heuristic,
    };
    if r.body.code.is_some_and(|c| c != 0) {
        d.missing_scopes =
            missing_scopes(&d.permission_violations, r.message.as_deref().unwrap_or_default());
    }
    // A wait only makes sense for something worth retrying; a token refresh is not a
    // wait.
    if d.retryable() && d.action() != Some(Action::RefreshToken) {
        d.retry_after_secs = wait::wait_secs(r.headers, r.now);
    }
    d
}

/// The diagnosis of a body the success fast path recognised (`code` 0, `msg`, nothing
/// else a diagnosis reads): what [`decide`] gives for it, without the chain. The fast
/// path's property test and fuzz target compare the two.
#[cfg(feature = "json")]
pub(super) fn plain_success(
    status: Option<u16>,
    headers: &dyn Headers,
    msg: Option<String>,
    api: Option<&'static Api>,
) -> Diagnosis {
    Diagnosis {
        code: Some(0),
        message: msg,
        basis: Basis::Success,
        entry: None,
        sub_entry: None,
        layer: None,
        api,
        match_quality: None,
        values: Vec::new(),
        contradicts_catalog: false,
        retry_after_secs: None,
        rate_limit: rate_limit(headers),
        missing_scopes: Vec::new(),
        field_violations: Vec::new(),
        permission_violations: Vec::new(),
        helps: Vec::new(),
        details: Vec::new(),
        challenge_url: None,
        hint: None,
        log_id: log_id(headers),
        troubleshooter: None,
        http_status: status,
        parse_error: None,
        verdict: None,
    }
}

/// `x-ogw-ratelimit-limit`: requests allowed per window.
fn rate_limit(headers: &dyn Headers) -> Option<u64> {
    headers.header(header::RATELIMIT_LIMIT).and_then(|v| v.trim().parse().ok())
}

/// The log id of the headers: `x-tt-logid`, else `x-request-id`.
fn log_id(headers: &dyn Headers) -> Option<String> {
    headers
        .header(header::LOG_ID)
        .or_else(|| headers.header(header::REQUEST_ID))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The code as a catalog key, when some page documents it: the generic page or any API
/// page.
fn documented(code: i64) -> Option<u32> {
    u32::try_from(code).ok().filter(|&c| catalog::is_documented(c))
}

/// A code embedded in an envelope's message, and its message: as
/// [`extract`](crate::extract) finds codes in log text (`code: 99991679, msg: ...`,
/// `"code":99991663`), else a `[1254018] ...` prefix. An undocumented embedded code is
/// also returned (the extract rules want a msg next to it), so the diagnosis names it.
fn wrapped_code(msg: &str) -> Option<(u32, String)> {
    let msg = truncate(msg, MAX_MATCH_LEN);
    if let Some(found) = crate::extract::codes(msg.as_bytes()).next() {
        let text = match found.msg {
            Some(m) => m.decode(),
            None => {
                msg[found.value_end..].trim_start_matches(['"', ',', ' ', ';']).trim().to_owned()
            }
        };
        return Some((found.code, text));
    }
    // `[1254018] message`
    let rest = msg.trim_start().strip_prefix('[')?;
    let len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(3..=10).contains(&len) || rest.as_bytes().get(len) != Some(&b']') {
        return None;
    }
    Some((rest[..len].parse().ok()?, rest[len + 1..].trim().to_owned()))
}

/// Scopes named by permission violations and by a bracketed list in the message,
/// deduplicated in order of appearance, in time linear in their number.
fn missing_scopes(violations: &[super::PermissionViolation], msg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !seen.contains(s) {
            seen.insert(s.to_owned());
            out.push(s.to_owned());
        }
    };
    for v in violations {
        if let Some(subject) = &v.subject {
            push(subject);
        }
    }
    let msg = truncate(msg, MAX_MATCH_LEN);
    let mut rest = msg;
    while let Some(open) = rest.find(['[', '［']) {
        let after = &rest[open + rest[open..].chars().next().map_or(1, char::len_utf8)..];
        let Some(close) = after.find([']', '］']) else { break };
        let inside = &after[..close];
        let items: Vec<&str> = inside.split([',', '，', ' ']).filter(|s| !s.is_empty()).collect();
        if !items.is_empty() && items.iter().all(|s| is_scope(s)) {
            items.into_iter().for_each(&mut push);
        }
        rest = &after[close..];
    }
    out
}

/// A scope name: `bitable:app`, `contact:user.id:readonly`.
fn is_scope(s: &str) -> bool {
    s.contains(':')
        && !s.contains("://")
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-'))
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::super::{Diagnoser, NoHeaders, diagnose};
    use super::*;
    use crate::semantics::TokenKind;

    fn d(status: Option<u16>, body: &str) -> Diagnosis {
        diagnose(status, &NoHeaders, body.as_bytes())
    }

    /// The whole decision: basis, code, category, action, known.
    type Decision = (Basis, Option<i64>, Option<Category>, Option<Action>, bool);

    fn decision(x: &Diagnosis) -> Decision {
        (x.basis, x.code, x.category(), x.action(), x.known())
    }

    /// Which classifier decides a response.
    fn decided_by(status: Option<u16>, body: &str) -> Option<&'static str> {
        let (parsed, error) = super::super::body::read(body.as_bytes());
        first_verdict(&Response::new(status, &NoHeaders, parsed, error, None, None)).map(|(n, _)| n)
    }

    #[test]
    fn each_classifier_decides_its_case() {
        use Action::*;
        use Category::*;
        let cases: &[(Option<u16>, &str, &str, Decision)] = &[
            (Some(200), r#"{"code":0}"#, "success", (Basis::Success, Some(0), None, None, false)),
            (Some(204), "", "success", (Basis::Success, None, None, None, false)),
            (
                Some(400),
                r#"{"code":99991663,"msg":"x","data":{"challenge_url":"https://c"}}"#,
                "challenge",
                (Basis::Challenge, Some(99991663), Some(Authentication), Some(Reauthorize), true),
            ),
            (
                Some(400),
                r#"{"code":99991663,"msg":"Invalid access token for authorization"}"#,
                "catalog",
                (Basis::Catalog, Some(99991663), Some(Authentication), Some(RefreshToken), true),
            ),
            (
                Some(200),
                r#"{"code":-1,"msg":"feishu api failed: code: 99991679, msg: Unauthorized. required user scope"}"#,
                "wrapped",
                (Basis::Wrapped, Some(99991679), Some(Permission), Some(Reauthorize), true),
            ),
            (
                Some(400),
                r#"{"code":777777,"msg":"zzz","error":{"permission_violations":[{"subject":"a:b"}]}}"#,
                "violations",
                (Basis::Violations, Some(777777), Some(Permission), Some(RequestScope), false),
            ),
            (
                Some(429),
                "gateway busy",
                "too_many_requests",
                (Basis::HttpStatus, None, Some(RateLimited), Some(WaitAndRetry), false),
            ),
            (
                Some(400),
                r#"{"code":777777,"msg":"record not found"}"#,
                "message_words",
                (Basis::MessageWords, Some(777777), Some(NotFound), Some(FixRequest), false),
            ),
            (
                Some(503),
                r#"{"code":777777,"msg":"zzz"}"#,
                "http_status",
                (Basis::HttpStatus, Some(777777), Some(Unavailable), Some(Retry), false),
            ),
        ];
        for (status, body, name, expected) in cases {
            assert_eq!(decided_by(*status, body), Some(*name), "{body}");
            assert_eq!(decision(&d(*status, body)), *expected, "{body}");
        }
        assert_eq!(decided_by(None, r#"{"code":777777,"msg":"zzz"}"#), None);
        assert_eq!(
            decision(&d(None, r#"{"code":777777,"msg":"zzz"}"#)),
            (Basis::Unknown, Some(777777), None, None, false)
        );
        // Every classifier of the chain has a case above.
        for (name, _) in CHAIN {
            assert!(cases.iter().any(|c| c.2 == *name), "{name} has no case");
        }
    }

    #[test]
    fn rate_limit_at_429_whatever_the_body() {
        // Not JSON, whose words alone would say "unavailable".
        let x = d(Some(429), "gateway busy");
        assert_eq!(
            (x.category(), x.action()),
            (Some(Category::RateLimited), Some(Action::WaitAndRetry))
        );
        // The OAuth error shape.
        let x = d(Some(429), r#"{"error":"too_many_requests","error_description":"slow down"}"#);
        assert_eq!(x.category(), Some(Category::RateLimited));
        assert_eq!(x.message.as_deref(), Some("slow down"));
        // The OAuth word decides without a 429 too.
        let x = d(Some(400), r#"{"error":"too_many_requests"}"#);
        assert_eq!((x.basis, x.category()), (Basis::MessageWords, Some(Category::RateLimited)));
        // A documented code at 429 is still the catalog's (quota is not a wait).
        let x = d(Some(429), r#"{"code":99991403,"msg":"monthly quota exceeded"}"#);
        assert_eq!((x.basis, x.category()), (Basis::Catalog, Some(Category::QuotaExceeded)));
    }

    #[test]
    fn empty_body_and_bom() {
        let h = [("x-ogw-ratelimit-reset", "4"), ("x-tt-logid", "L")];
        for body in [&b""[..], b"   ", b"\xEF\xBB\xBF"] {
            let x = diagnose(Some(429), &h, body);
            assert_eq!(x.parse_error, Some(super::super::BodyError::Empty));
            assert_eq!(x.category(), Some(Category::RateLimited));
            assert_eq!((x.retry_after_secs, x.log_id.as_deref()), (Some(4), Some("L")));
        }
        let x = d(
            Some(400),
            "\u{FEFF}{\"code\":99991663,\"msg\":\"Invalid access token for authorization\"}",
        );
        assert_eq!((x.basis, x.parse_error), (Basis::Catalog, None));
    }

    #[test]
    fn details_challenge_and_contradiction_are_surfaced() {
        let x = d(
            Some(400),
            r#"{"code":99991663,"msg":"login required","data":{"challenge_url":"https://c/mfa","hint":"verify on your phone"},"error":{"details":[{"key":"reason","value":"mfa"}]}}"#,
        );
        assert_eq!(x.basis, Basis::Challenge);
        assert_eq!(x.challenge_url.as_deref(), Some("https://c/mfa"));
        assert_eq!(x.hint.as_deref(), Some("verify on your phone"));
        assert_eq!(x.details[0].value.as_deref(), Some("mfa"));
        assert_eq!(x.token(), None, "a challenge is not a token refresh");
        assert!(!x.retryable());
        // A documented code whose live message says something else entirely.
        let x = d(Some(400), r#"{"code":99991663,"msg":"request trigger frequency limit"}"#);
        assert!(x.contradicts_catalog);
        assert_eq!(x.category(), Some(Category::Authentication), "the code still decides");
        let x = d(Some(400), r#"{"code":99991663,"msg":"Invalid access token for authorization"}"#);
        assert!(!x.contradicts_catalog);
        let x = d(Some(400), r#"{"code":10003,"msg":"invalid param"}"#);
        assert!(!x.contradicts_catalog, "drifted wording of the same meaning");
    }

    #[test]
    fn entry_values_are_read_through_the_entry() {
        let x = d(Some(400), r#"{"code":99991663,"msg":"Invalid access token for authorization"}"#);
        let e = x.entry.unwrap();
        assert_eq!(x.category(), Some(e.category()));
        assert_eq!(x.action(), Some(e.action()));
        assert_eq!(x.token(), Some(TokenKind::TenantAccessToken));
        assert!(x.known() && x.retryable());
    }

    #[test]
    fn code_as_string_and_success() {
        assert_eq!(d(None, r#"{"code":"99991663","msg":"x"}"#).code, Some(99991663));
        assert!(d(Some(200), r#"{"code":0,"msg":"success"}"#).is_success());
        assert!(d(Some(200), r#"{"code":"0"}"#).is_success());
        assert!(d(Some(200), "binary\u{1}\u{2}").is_success());
    }

    #[test]
    fn scopes_from_msg_and_violations_are_deduplicated() {
        let body = r#"{"code":99991672,"msg":"Access denied. One of the following scopes is required: [bitable:app, docx:document]. 应用尚未开通所需的应用身份权限：[bitable:app]","error":{"permission_violations":[{"type":"action_scope_required","subject":"base:app:read"},{"subject":"bitable:app"}]}}"#;
        assert_eq!(
            d(Some(400), body).missing_scopes,
            ["base:app:read", "bitable:app", "docx:document"]
        );
    }

    #[test]
    fn many_permission_violations_are_deduplicated_in_linear_time() {
        // 200,000 violations (about 11 MB): minutes if each were compared with all before.
        let mut body =
            String::from(r#"{"code":99991672,"msg":"x","error":{"permission_violations":["#);
        let n = 200_000;
        for i in 0..n {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!(
                r#"{{"type":"action_scope_required","subject":"scope:number.{i}","description":"the app needs this scope to call the API"}}"#
            ));
        }
        body.push_str(r#",{"subject":"scope:number.7"}]}}"#);
        assert!(body.len() > 10_000_000);
        let x = d(Some(400), &body);
        assert_eq!(x.missing_scopes.len(), n);
        assert_eq!(x.missing_scopes[7], "scope:number.7");
        assert_eq!(x.permission_violations.len(), n + 1);
    }

    #[test]
    fn wrapped_codes() {
        assert_eq!(
            wrapped_code("lark error: code: 99991679, msg: Unauthorized"),
            Some((99991679, "Unauthorized".to_owned()))
        );
        assert_eq!(
            wrapped_code("[1254018] InvalidParameter"),
            Some((1254018, "InvalidParameter".to_owned()))
        );
        assert_eq!(
            wrapped_code(r#"upstream said "code":99991663"#),
            Some((99991663, String::new()))
        );
        assert_eq!(wrapped_code("plain failure"), None);
        assert_eq!(wrapped_code("[12] x"), None);
        // 1254018 is documented by the Bitable pages: with the API data, the wrapped code
        // is known; without it, only the words decide.
        let x = d(None, r#"{"code":-1,"msg":"[1254018] InvalidParameter"}"#);
        let known = cfg!(feature = "apis");
        assert_eq!(
            decision(&x),
            (
                if known { Basis::Wrapped } else { Basis::MessageWords },
                Some(1254018),
                Some(Category::InvalidRequest),
                Some(Action::FixRequest),
                known
            )
        );
        assert_eq!(x.entry.is_some_and(|e| !e.is_generic()), known);
        // A code no page documents is still named, and decided from the words.
        let y = d(None, r#"{"code":-1,"msg":"[7777001] InvalidParameter"}"#);
        assert_eq!(
            decision(&y),
            (
                Basis::MessageWords,
                Some(7777001),
                Some(Category::InvalidRequest),
                Some(Action::FixRequest),
                false
            )
        );
        // A documented envelope code is never replaced.
        let x = d(None, r#"{"code":1500,"msg":"upstream said code: 99991663"}"#);
        assert_eq!(x.code, Some(1500));
    }

    #[test]
    fn unreadable_bodies_fall_back_to_status() {
        for body in ["", "   ", "{", r#"{"code":}"#, "[1,2]", r#"{"code":true}"#, r#"{"msg":"x"}"#]
        {
            let x = d(Some(502), body);
            assert!(x.parse_error.is_some(), "{body:?}");
            assert_eq!(x.category(), Some(Category::Unavailable), "{body:?}");
        }
        let x = d(None, r#"{"code":123456789012345678901234567890,"msg":"x"}"#);
        assert!(matches!(x.parse_error, Some(super::super::BodyError::BadCode { .. })));
        assert!(x.parse_error.unwrap().to_string().contains("not an integer"));
        let deep = "[".repeat(100_000);
        assert!(d(None, &deep).parse_error.is_some());
    }

    #[test]
    fn log_id_precedence() {
        let h = [("X-Request-Id", "R"), ("X-Tt-Logid", "H")];
        let body = br#"{"code":1500,"msg":"internal error"}"#;
        assert_eq!(diagnose(None, &h, body).log_id.as_deref(), Some("H"));
        let body = br#"{"code":1500,"msg":"internal error","error":{"log_id":"B"}}"#;
        assert_eq!(diagnose(None, &h, body).log_id.as_deref(), Some("B"));
        let h = [("x-request-id", "R")];
        assert_eq!(diagnose(None, &h, br#"{"code":1}"#).log_id.as_deref(), Some("R"));
    }

    #[test]
    fn retry_after_only_when_retryable() {
        let h = [("x-ogw-ratelimit-reset", "7"), ("x-ogw-ratelimit-limit", "100")];
        let x = diagnose(Some(400), &h, br#"{"code":99991672,"msg":"Access denied"}"#);
        assert_eq!((x.retry_after_secs, x.rate_limit), (None, Some(100)));
        let x = diagnose(
            Some(429),
            &h,
            br#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
        );
        assert_eq!(x.retry_after_secs, Some(7));
        // A garbage reset does not hide a valid Retry-After.
        let h = [("x-ogw-ratelimit-reset", "n/a"), ("Retry-After", "5")];
        let x = diagnose(
            Some(429),
            &h,
            br#"{"code":99991400,"msg":"request trigger frequency limit"}"#,
        );
        assert_eq!(x.retry_after_secs, Some(5));
        // An HTTP-date Retry-After, against the response's Date.
        let h = [
            ("Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT"),
            ("Date", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ];
        assert_eq!(diagnose(Some(503), &h, b"").retry_after_secs, Some(30));
    }

    #[test]
    fn scopes_are_read_from_brackets_whose_items_are_all_scopes() {
        assert!(is_scope("bitable:app") && is_scope("contact:user.id:readonly"));
        for not in ["bitable", "https://open.feishu.cn", "im:message!", "a:b c", ""] {
            assert!(!is_scope(not), "{not}");
        }
        let scopes = |msg: &str| missing_scopes(&[], msg);
        assert_eq!(
            scopes("required: [bitable:app, docx:document]"),
            ["bitable:app", "docx:document"]
        );
        assert!(scopes("required: [bitable:app, not a scope]").is_empty());
        assert!(scopes("see [https://open.feishu.cn/x]").is_empty());
        assert!(scopes("empty []").is_empty());
    }

    #[test]
    fn the_code_of_a_diagnosis_is_the_bodys_or_the_embedded_one() {
        let d = |status, body: &[u8]| Diagnoser::new().diagnose(Some(status), &NoHeaders, body);
        assert_eq!(d(200, b"{}").code, None, "a success without a code has none");
        assert_eq!(d(503, b"gateway busy").code, None);
        assert_eq!(d(200, br#"{"code":0}"#).code, Some(0));
        let wrapped = d(500, br#"{"code":500,"msg":"upstream said code=99991400 msg=request trigger frequency limit"}"#);
        assert_eq!((wrapped.basis, wrapped.code), (Basis::Wrapped, Some(99991400)), "{wrapped:?}");
    }

    #[test]
    fn a_live_msg_that_matches_its_entry_contradicts_nothing() {
        // Entries whose own message has the words of another category: sent as
        // documented, they are what the catalog says, not a contradiction.
        let mut checked = 0;
        for e in crate::entries() {
            let Some((category, _)) = classify_message(e.message()) else { continue };
            if category == e.category() || e.message().contains('%') {
                continue;
            }
            let d = Diagnoser::new().code_msg(i64::from(e.code()), e.message());
            if d.entry.is_some_and(|x| std::ptr::eq(x, e)) {
                assert!(!d.contradicts_catalog, "{e}");
                checked += 1;
            }
        }
        assert!(checked > 0, "the catalog has such entries");
        // The same code with a message of another category's words does contradict.
        let d = Diagnoser::new().code_msg(99991400, "permission denied for this app");
        assert!(d.contradicts_catalog, "{d:?}");
    }
}
