//! The semantics of the catalog, checked by hand against the page's advice.
//!
//! `EXPECTED` is written from reading each entry's Chinese advice (see
//! `data/sources/feishu-generic-error-code.zh.2025-08-20.md`), not copied from the
//! generated table: when `data/semantics.toml` changes a decision, this table says
//! whether the change was meant. The sweeps below hold for every entry.

use lark_errors::{Action, Category, Entry, TokenKind};

use Action::*;
use Category::*;
use TokenKind::*;

/// `(code, message for a duplicated code, category, action, token, why)`.
type Row = (u32, Option<&'static str>, Category, Action, Option<TokenKind>, &'static str);

#[rustfmt::skip]
const EXPECTED: &[Row] = &[
    // authentication
    (99991661, None, Authentication, FixRequest, None, "no token sent: add the Authorization header"),
    (99991663, None, Authentication, RefreshToken, Some(TenantAccessToken), "tenant_access_token expired or invalid"),
    (99991664, None, Authentication, RefreshToken, Some(AppAccessToken), "app_access_token 非法"),
    (99991665, None, Authentication, RefreshToken, Some(TenantAccessToken), "tenant_access_token 非法"),
    (99991668, None, Authentication, RefreshToken, Some(UserAccessToken), "user_access_token 已经失效: refresh it"),
    (99991669, None, Authentication, Reauthorize, Some(UserAccessToken), "refresh token invalid: the user signs in again"),
    (99991677, None, Authentication, RefreshToken, Some(UserAccessToken), "user token 已过期"),
    (99991671, None, Authentication, FixRequest, None, "token must start with t- or u-"),
    (20005, None, Authentication, RefreshToken, None, "invalid access_token, kind not stated"),
    (20006, None, Authentication, RefreshToken, Some(UserAccessToken), "expired user_access_token"),
    (20013, None, Authentication, RefreshToken, Some(TenantAccessToken), "tenant access token invalid"),
    (20014, None, Authentication, RefreshToken, Some(AppAccessToken), "确保app_access_token有效，重试"),
    (20004, None, Authentication, Reauthorize, Some(UserAccessToken), "expired OAuth code: a new sign-in"),
    (10204, None, Authentication, Reauthorize, Some(UserAccessToken), "OAuth code reused or expired"),
    (10013, None, Authentication, FixRequest, Some(TenantAccessToken), "getting the tenant token failed: check credentials"),
    (10015, None, Authentication, FixRequest, None, "wrong App Secret"),
    (99991612, None, Authentication, Reauthorize, None, "session invalid"),
    (99991691, None, Authentication, FixRequest, None, "no session cookie sent"),
    // permission
    (99991672, None, Permission, RequestScope, None, "app lacks the API scope"),
    (99991679, None, Permission, Reauthorize, Some(UserAccessToken), "user has not granted the scope"),
    (99991676, None, Permission, RequestScope, None, "token没有对应的权限"),
    (99991401, None, Permission, AskAdmin, None, "IP not in the app's allowlist"),
    (40004, None, Permission, AskAdmin, None, "department outside the contacts data range"),
    (40003, Some("no department authority"), Permission, AskAdmin, None, "联系管理员添加相应部门的通讯录授权"),
    (91403, None, Permission, AskAdmin, None, "no access to the document: share it with the app or user"),
    (20010, None, Permission, AskAdmin, None, "user not visible to the app: admin sets visibility"),
    (11229, None, Permission, RequestScope, None, "enable the user-info permission in the console"),
    (11200, None, Permission, FixRequest, None, "only the chat owner may rename the chat"),
    (41050, None, Permission, AskAdmin, None, "user outside the app's contacts range"),
    // rate_limited
    (99991400, None, RateLimited, WaitAndRetry, None, "frequency limit, not a permission error"),
    (11232, None, RateLimited, WaitAndRetry, None, "message creation rate limit"),
    (11247, None, RateLimited, WaitAndRetry, None, "请求触发频控"),
    (90217, None, RateLimited, WaitAndRetry, None, "TooManyRequest"),
    (1000004, None, RateLimited, WaitAndRetry, None, "method rate limited"),
    (1000005, None, RateLimited, WaitAndRetry, None, "app rate limited"),
    // quota_exceeded
    (99991403, None, QuotaExceeded, AskAdmin, None, "monthly API quota: admin upgrades the plan"),
    (90003087, None, QuotaExceeded, AskAdmin, None, "frontline seat usage limit"),
    (40108, None, QuotaExceeded, AskAdmin, None, "seats of the billing plan used up"),
    (60011, None, QuotaExceeded, AskAdmin, None, "paid approval on a free plan"),
    (11218, None, QuotaExceeded, FixRequest, None, "too many bots in the chat"),
    (41033, None, QuotaExceeded, FixRequest, None, "a user in more than 50 departments"),
    (1069308, None, QuotaExceeded, ContactSupport, None, "comment limit: 详情请咨询客服"),
    // invalid_request
    (9499, None, InvalidRequest, FixRequest, None, "bad request or invalid param"),
    (10003, None, InvalidRequest, FixRequest, None, "parameters missing or wrong"),
    (99992402, None, InvalidRequest, FixRequest, None, "parameters missing or wrong"),
    (19036, None, InvalidRequest, FixRequest, None, "message over 30KB"),
    (40001, Some("param error"), InvalidRequest, FixRequest, None, "contacts v3 meaning: illegal parameters"),
    (99991201, None, InvalidRequest, FixRequest, None, "wrong request path (404)"),
    (4005, None, InvalidRequest, FixRequest, None, "HTTP method not allowed"),
    (40183, None, InvalidRequest, FixRequest, None, "leaders form a cycle"),
    (40180, None, InvalidRequest, FixRequest, None, "user_id repeated within the batch"),
    (90201, None, InvalidRequest, FixRequest, None, "body is not JSON"),
    (99992361, None, InvalidRequest, FixRequest, None, "open_id of another app"),
    (99992364, Some("user id cross tenant"), InvalidRequest, FixRequest, None, "user_id of another tenant"),
    (90223, None, InvalidRequest, FixRequest, None, "ColId not set, despite 'NotFound'"),
    // not_found
    (4003, None, NotFound, FixRequest, None, "approval instance not found"),
    (1002, None, NotFound, FixRequest, None, "document deleted"),
    (99992351, None, NotFound, FixRequest, None, "open ids do not exist"),
    (99992364, Some("these ids not existed: %v"), NotFound, FixRequest, None, "union_id does not exist"),
    (40008, Some("open_id %v is not exist"), NotFound, FixRequest, None, "open_id does not exist"),
    (90214, None, NotFound, FixRequest, None, "spreadsheet not found"),
    (91402, None, NotFound, FixRequest, None, "cloud document not found (wiki node token?)"),
    (1003003, None, NotFound, FixRequest, None, "calendar event deleted"),
    (11237, None, NotFound, FixRequest, None, "chat dissolved"),
    // conflict
    (41001, None, Conflict, FixRequest, None, "mobile already in the tenant"),
    (40101, None, Conflict, FixRequest, None, "mobile already exists"),
    (60012, None, Conflict, FixRequest, None, "approval uuid already used"),
    (90209, None, Conflict, FixRequest, None, "sheetId already exists"),
    (95023, None, Conflict, FixRequest, None, "stale revision"),
    (60014, None, Conflict, RetrySerially, None, "concurrent approval update"),
    (96002, None, Conflict, RetrySerially, None, "concurrent permission edit"),
    (96201, None, Conflict, RetrySerially, None, "lock: call serially"),
    // failed_precondition
    (10002, None, FailedPrecondition, FixRequest, None, "bot not in the chat"),
    (10030, None, FailedPrecondition, FixRequest, None, "bot not in the chat"),
    (40159, None, FailedPrecondition, FixRequest, None, "department still has members"),
    (20021, None, FailedPrecondition, FixRequest, None, "user resigned"),
    (20009, None, FailedPrecondition, AskAdmin, None, "app not installed in the tenant"),
    (11205, None, FailedPrecondition, AskAdmin, None, "bot capability not enabled"),
    (41031, None, FailedPrecondition, AskAdmin, None, "position feature switch off"),
    (1103003, None, FailedPrecondition, AskAdmin, None, "tenant SSO not enabled"),
    // content_rejected
    (11248, None, ContentRejected, FixRequest, None, "message is sensitive"),
    (18054, None, ContentRejected, FixRequest, None, "content may be sensitive"),
    (41037, None, ContentRejected, FixRequest, None, "avatar is sensitive"),
    (90306, None, ContentRejected, FixRequest, None, "comment failed review"),
    (91208, None, ContentRejected, FixRequest, None, "content review failed"),
    // unsupported
    (30005, None, Unsupported, FixRequest, None, "API offline: use the new version"),
    (95053, None, Unsupported, FixRequest, None, "API does not support docx"),
    (99993201, None, Unsupported, FixRequest, None, "API not allowed in a batch"),
    (11230, None, Unsupported, FixRequest, None, "bot may not send this message type, despite 'internal error'"),
    (40162, None, Unsupported, FixRequest, None, "no recursion over 500 sub-departments"),
    // unavailable
    (90235, None, Unavailable, RetrySerially, None, "bitable still processing: wait, no concurrency"),
    (90228, None, Unavailable, Retry, None, "import in progress"),
    (96403, None, Unavailable, Retry, None, "request still processing"),
    (600, None, Unavailable, Retry, None, "document data loading"),
    (90242, None, Unavailable, Retry, None, "spreadsheet loading"),
    (18121, None, Unavailable, Retry, None, "same create request in progress"),
    // internal
    (1500, None, Internal, Retry, None, "internal error, retry later"),
    (2200, None, Internal, Retry, None, "internal error under heavy call rates"),
    (5000, None, Internal, Retry, None, "internal error, call less often, retry later"),
    (55001, None, Internal, Retry, None, "server internal error, retry later"),
    (40003, Some("internal error"), Internal, Retry, None, "contacts v3 meaning: internal error"),
    (90203, None, Internal, Retry, None, "'Fail' whose advice says internal error, retry"),
    (1551, None, Internal, Retry, None, "English page: please try again later"),
    (1665, None, Internal, ContactSupport, None, "internal error, contact support"),
    (90399, None, Internal, ContactSupport, None, "INTERNAL_ERROR, contact support"),
    (40008, Some("deptInfo is null error"), Internal, ContactSupport, None, "possible system fault: contact support"),
];

/// The entry a row is about: the only one of its code, or the one with its message.
fn entry(code: u32, message: Option<&str>) -> &'static Entry {
    let entries = lark_errors::lookup(code);
    match message {
        None => {
            assert_eq!(
                entries.len(),
                1,
                "{code} is documented {} times: name a message",
                entries.len()
            );
            &entries[0]
        }
        Some(m) => {
            let e = entries
                .iter()
                .find(|e| e.message() == m)
                .unwrap_or_else(|| panic!("{code} has no entry with message {m:?}"));
            // The live message resolves to the same entry.
            assert_eq!(lark_errors::resolve(code, m), Some(e), "{code} {m:?}");
            e
        }
    }
}

#[test]
fn hand_checked_entries_have_the_expected_semantics() {
    let mut failures = Vec::new();
    for &(code, message, category, action, token, why) in EXPECTED {
        let e = entry(code, message);
        let got = (e.category(), e.action(), e.token());
        if got != (category, action, token) {
            failures.push(format!(
                "{code} {:?}: expected {category}/{action}/{token:?} ({why}), got {}/{}/{:?} ({})",
                e.message(),
                got.0,
                got.1,
                got.2,
                e.reason()
            ));
        }
        assert_eq!(e.retryable(), action.is_retryable(), "{code}");
    }
    assert!(failures.is_empty(), "{} rows differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_hand_checked_table_is_broad() {
    assert!(EXPECTED.len() >= 80, "{} rows", EXPECTED.len());
    for c in Category::ALL {
        let rows = EXPECTED.iter().filter(|r| r.2 == *c).count();
        assert!(rows >= 3, "only {rows} hand-checked rows for {c}");
    }
    for a in Action::ALL {
        assert!(EXPECTED.iter().any(|r| r.3 == *a), "no hand-checked row for {a}");
    }
    for (i, r) in EXPECTED.iter().enumerate() {
        assert!(
            !EXPECTED[..i].iter().any(|o| o.0 == r.0 && o.1 == r.1),
            "{} {:?} listed twice",
            r.0,
            r.1
        );
    }
}

#[test]
fn the_issue_facts_hold() {
    let rate = entry(99991400, None);
    assert_eq!((rate.category(), rate.action()), (RateLimited, WaitAndRetry));
    assert_ne!(rate.category(), Permission);
    assert_eq!(rate.http_status(), Some(429));
    assert!(rate.retryable());

    let quota = entry(99991403, None);
    assert_eq!(quota.category(), QuotaExceeded);
    assert!(!quota.retryable(), "the monthly quota must not be retried");
    assert!(matches!(quota.action(), FixRequest | AskAdmin));
    assert_eq!(quota.http_status(), Some(429));

    let missing = entry(99991661, None);
    assert_eq!((missing.category(), missing.action()), (Authentication, FixRequest));
    assert_eq!(missing.http_status(), Some(400));

    for (code, kind) in [
        (99991663, TenantAccessToken),
        (99991664, AppAccessToken),
        (99991668, UserAccessToken),
        (99991677, UserAccessToken),
    ] {
        let e = entry(code, None);
        assert_eq!(
            (e.category(), e.action(), e.token()),
            (Authentication, RefreshToken, Some(kind))
        );
    }
    assert_eq!(entry(99991663, None).http_status(), Some(400));

    let refresh = entry(99991669, None);
    assert_eq!(
        (refresh.category(), refresh.action(), refresh.token()),
        (Authentication, Reauthorize, Some(UserAccessToken))
    );
    assert_eq!(entry(99991672, None).action(), RequestScope);
    let consent = entry(99991679, None);
    assert_eq!(
        (consent.category(), consent.action(), consent.token()),
        (Permission, Reauthorize, Some(UserAccessToken))
    );
    assert_eq!(entry(99991401, None).action(), AskAdmin);

    for code in [60014, 96002, 96201, 90235] {
        assert_eq!(entry(code, None).action(), RetrySerially, "{code}");
    }
    for code in [11232, 90217, 1000004] {
        assert_eq!(entry(code, None).category(), RateLimited, "{code}");
    }
    let heavy = entry(2200, None);
    assert_eq!((heavy.category(), heavy.action()), (Internal, Retry));
}

#[test]
fn retryable_is_derived_from_the_action_for_every_entry() {
    for e in lark_errors::entries() {
        assert_eq!(e.retryable(), e.action().is_retryable(), "{e}");
    }
}

#[test]
fn every_category_and_action_is_used() {
    let all = lark_errors::entries();
    for c in Category::ALL {
        assert!(all.iter().any(|e| e.category() == *c), "no entry is {c}");
    }
    for a in Action::ALL {
        assert!(all.iter().any(|e| e.action() == *a), "no entry says {a}");
    }
}

#[test]
fn every_entry_has_a_reason() {
    for e in lark_errors::entries() {
        assert!(!e.reason().trim().is_empty(), "{e} has no reason");
        assert!(!e.reason().contains("TEMPORARY"), "{e} is still unclassified");
    }
}

#[test]
fn every_reason_is_written_in_the_semantics_file() {
    let semantics = include_str!("../../../data/semantics.toml");
    // The file is TOML: a reason with a quote or a backslash is written escaped there.
    let plain: Vec<_> =
        lark_errors::entries().iter().filter(|e| !e.reason().contains(['"', '\\'])).collect();
    assert!(plain.len() * 10 >= lark_errors::entries().len() * 9, "most reasons are plain");
    for e in plain {
        assert!(semantics.contains(e.reason()), "{e}: reason {:?} is not in the file", e.reason());
    }
}

/// Combinations that would contradict the meaning of the words (README, "Words").
#[test]
fn categories_and_actions_agree_for_every_entry() {
    for e in lark_errors::entries() {
        let (c, a) = (e.category(), e.action());
        // Throttling is waited out, and only throttling is.
        assert_eq!(c == RateLimited, a == WaitAndRetry, "{e}: {c}/{a}");
        // Waiting does not help a quota.
        assert!(!(c == QuotaExceeded && a.is_retryable()), "{e}: {c}/{a}");
        // A fresh token only helps when the credential was the problem.
        assert!(a != RefreshToken || c == Authentication, "{e}: {c}/{a}");
        // Serial retries are for concurrent edits and busy resources.
        assert!(a != RetrySerially || matches!(c, Conflict | Unavailable), "{e}: {c}/{a}");
        // A blind retry never fixes a malformed request, a missing resource or a scope.
        if matches!(c, InvalidRequest | NotFound | Permission | ContentRejected | Unsupported) {
            assert!(!a.is_retryable(), "{e}: {c}/{a}");
        }
        // A token kind is only named for credential and permission entries.
        if e.token().is_some() {
            assert!(matches!(c, Authentication | Permission), "{e}: {c} with {:?}", e.token());
        }
    }
}
