//! What the platform is: its hosts, the headers it sends, its token endpoints and their
//! JSON fields, and the error codes a client acts on by name.
//!
//! Every other crate of the workspace (the CLI, the middleware, the mock server) takes
//! these facts from here instead of spelling them again, so a change of the platform is
//! one edit. The values are those of the official pages: "通用错误码" (the generic error
//! codes), "频控策略" (frequency control) and the token pages of the server-API
//! reference.
//!
//! ```
//! use lark_errors::platform::{code, header};
//!
//! assert_eq!(header::RATELIMIT_RESET, "x-ogw-ratelimit-reset");
//! let entry = &lark_errors::lookup(code::FREQUENCY_LIMIT)[0];
//! assert_eq!(entry.category(), lark_errors::Category::RateLimited);
//! ```

/// The API hosts of the two editions of the platform.
pub mod host {
    /// Feishu (China): `https://open.feishu.cn`.
    pub const FEISHU: &str = "https://open.feishu.cn";
    /// Lark (international): `https://open.larksuite.com`.
    pub const LARK: &str = "https://open.larksuite.com";
    /// The prefix of every server-API path.
    pub const API_PREFIX: &str = "/open-apis/";
}

/// Response headers the platform sends, lower case (HTTP/2 and HTTP/1.1 header names
/// compare case-insensitively; [`canonical`](header::canonical) gives the HTTP/1.1 spelling the
/// platform's gateway uses).
pub mod header {
    /// Seconds until the rate-limit window resets (frequency-control page).
    pub const RATELIMIT_RESET: &str = "x-ogw-ratelimit-reset";
    /// Requests allowed per rate-limit window (frequency-control page).
    pub const RATELIMIT_LIMIT: &str = "x-ogw-ratelimit-limit";
    /// The request's log id, the handle support asks for.
    pub const LOG_ID: &str = "x-tt-logid";
    /// A fallback request id some gateways send instead of [`LOG_ID`].
    pub const REQUEST_ID: &str = "x-request-id";
    /// RFC 9110 §10.2.3, sent by some proxies in front of the platform.
    pub const RETRY_AFTER: &str = "retry-after";
    /// RFC 9110 §6.6.1: when the response was generated (the base of an HTTP-date
    /// `Retry-After`).
    pub const DATE: &str = "date";

    /// The HTTP/1.1 spelling of a header name as the platform's gateway sends it
    /// (`X-Tt-Logid`, `X-Ogw-Ratelimit-Reset`): each dash-separated word capitalised.
    /// Some clients look headers up case-sensitively, so a server imitating the platform
    /// must send this form.
    ///
    /// ```
    /// use lark_errors::platform::header;
    /// assert_eq!(header::canonical(header::LOG_ID), "X-Tt-Logid");
    /// assert_eq!(header::canonical("content-type"), "Content-Type");
    /// ```
    pub fn canonical(name: &str) -> String {
        let mut out = String::with_capacity(name.len());
        let mut start = true;
        for c in name.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = c == '-';
        }
        out
    }
}

/// The token endpoints and the JSON fields of their requests and responses.
pub mod token {
    /// `POST`: a self-built app's tenant_access_token from `app_id` + `app_secret`.
    pub const TENANT_ACCESS_TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";
    /// `POST`: a self-built app's app_access_token from `app_id` + `app_secret`.
    pub const APP_ACCESS_TOKEN_PATH: &str = "/open-apis/auth/v3/app_access_token/internal";
    /// `POST`: OAuth token endpoint (v2); `grant_type=refresh_token` refreshes a
    /// user_access_token.
    pub const USER_ACCESS_TOKEN_PATH: &str = "/open-apis/authen/v2/oauth/token";

    /// Request field: the app's id (`cli_...`).
    pub const APP_ID: &str = "app_id";
    /// Request field: the app's secret.
    pub const APP_SECRET: &str = "app_secret";
    /// Response field of the tenant endpoint: the token.
    pub const TENANT_ACCESS_TOKEN: &str = "tenant_access_token";
    /// Response field of the app endpoint: the token.
    pub const APP_ACCESS_TOKEN: &str = "app_access_token";
    /// Response field of the tenant and app endpoints: seconds the token has left.
    pub const EXPIRE: &str = "expire";

    /// OAuth request field: `refresh_token` (or `authorization_code`).
    pub const GRANT_TYPE: &str = "grant_type";
    /// The grant type that refreshes a user_access_token.
    pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";
    /// OAuth request field: the app's id.
    pub const CLIENT_ID: &str = "client_id";
    /// OAuth request field: the app's secret.
    pub const CLIENT_SECRET: &str = "client_secret";
    /// OAuth request and response field: the (single-use) refresh token.
    pub const REFRESH_TOKEN: &str = "refresh_token";
    /// OAuth response field: the user_access_token.
    pub const ACCESS_TOKEN: &str = "access_token";
    /// OAuth response field: seconds the access token has left.
    pub const EXPIRES_IN: &str = "expires_in";
    /// OAuth response field: seconds the refresh token has left.
    pub const REFRESH_TOKEN_EXPIRES_IN: &str = "refresh_token_expires_in";
    /// OAuth response field: the token's type, always [`BEARER`].
    pub const TOKEN_TYPE: &str = "token_type";
    /// The value of [`TOKEN_TYPE`], and the `Authorization` scheme every token is sent with.
    pub const BEARER: &str = "Bearer";
    /// OAuth request and response field: space-separated scopes.
    pub const SCOPE: &str = "scope";
    /// OAuth error response field: the RFC 6749 error kind (`invalid_grant`, ...).
    pub const ERROR: &str = "error";
    /// OAuth error response field: the error's English description.
    pub const ERROR_DESCRIPTION: &str = "error_description";

    /// The tenant and app endpoints hand out the same token again until less than this
    /// many seconds of its life remain (the token pages: "剩余有效期小于 30 分钟时" a new
    /// one is issued).
    pub const REISSUE_BELOW_SECS: u64 = 30 * 60;
}

/// Error codes a client acts on by name. Every one is documented on the generic page
/// (a test checks that each resolves to an entry), so its text and semantics come from
/// the catalog; these names only say which one is meant.
pub mod code {
    /// Success.
    pub const OK: u32 = 0;
    /// Token endpoint: a parameter is missing or invalid (e.g. an unknown app id).
    pub const INVALID_PARAMETER: u32 = 10003;
    /// Token endpoint: the app is not enabled / not authorised.
    pub const APP_UNAUTHORIZED: u32 = 10014;
    /// Token endpoint: wrong app secret.
    pub const WRONG_APP_SECRET: u32 = 10015;
    /// No API at this path ("resource not find", 请求路径错误, HTTP 404): what the gateway
    /// answers for a path under `/open-apis/` that no API has.
    pub const RESOURCE_NOT_FOUND: u32 = 99991201;
    /// A frequency limit was hit (HTTP 429 on most APIs): wait `x-ogw-ratelimit-reset`.
    pub const FREQUENCY_LIMIT: u32 = 99991400;
    /// The monthly quota is used up (also HTTP 429): waiting seconds will not help.
    pub const QUOTA_EXCEEDED: u32 = 99991403;
    /// No `Authorization` header.
    pub const NEED_A_TOKEN: u32 = 99991661;
    /// The tenant_access_token is invalid or expired.
    pub const INVALID_ACCESS_TOKEN: u32 = 99991663;
    /// The app_access_token is invalid.
    pub const INVALID_APP_ACCESS_TOKEN: u32 = 99991664;
    /// The user_access_token is no longer valid.
    pub const INVALID_USER_ACCESS_TOKEN: u32 = 99991668;
    /// The app lacks an API scope (the msg lists the scopes it needs).
    pub const SCOPE_MISSING: u32 = 99991672;
    /// The user_access_token has expired.
    pub const USER_ACCESS_TOKEN_EXPIRED: u32 = 99991677;
    /// The user has not granted a scope the call needs.
    pub const USER_SCOPE_MISSING: u32 = 99991679;
    /// The request body is too large ("TooLargeRequest").
    pub const TOO_LARGE_REQUEST: u32 = 90227;

    /// The codes above but [`OK`]: the ones a client meets whatever API it calls (the
    /// token endpoints, rate limits, tokens, scopes), in code order. `larkerr search`
    /// gives them a head start over other results of a text query.
    ///
    /// ```
    /// use lark_errors::platform::code;
    /// assert!(code::WELL_KNOWN.contains(&code::FREQUENCY_LIMIT));
    /// assert!(code::is_well_known(99991663) && !code::is_well_known(230002));
    /// ```
    pub const WELL_KNOWN: &[u32] = &[
        INVALID_PARAMETER,
        APP_UNAUTHORIZED,
        WRONG_APP_SECRET,
        TOO_LARGE_REQUEST,
        RESOURCE_NOT_FOUND,
        FREQUENCY_LIMIT,
        QUOTA_EXCEEDED,
        NEED_A_TOKEN,
        INVALID_ACCESS_TOKEN,
        INVALID_APP_ACCESS_TOKEN,
        INVALID_USER_ACCESS_TOKEN,
        SCOPE_MISSING,
        USER_ACCESS_TOKEN_EXPIRED,
        USER_SCOPE_MISSING,
    ];

    /// Whether `code` is one of [`WELL_KNOWN`].
    pub fn is_well_known(code: u32) -> bool {
        WELL_KNOWN.binary_search(&code).is_ok()
    }
}

/// The OAuth token endpoint ([`token::USER_ACCESS_TOKEN_PATH`]): its error codes.
///
/// Its errors are not on the generic page and not in the generic shape: the body is
/// `{"code": N, "error": KIND, "error_description": TEXT}` ([`token::ERROR`],
/// [`token::ERROR_DESCRIPTION`]) with the HTTP status of the page's table (400 for all but
/// 20050 and 20072). The rows here are those of the pages "刷新 user_access_token" and
/// "获取 user_access_token" that a refresh can meet, with the pages' code, status and
/// description; the pages do not tabulate `error`, so it is the RFC 6749 §5.2 kind the
/// row falls under.
///
/// ```
/// use lark_errors::platform::oauth;
/// let e = oauth::error(oauth::REFRESH_TOKEN_USED).unwrap();
/// assert_eq!((e.status, e.error), (400, "invalid_grant"));
/// assert!(e.description.contains("can only be used once"));
/// ```
pub mod oauth {
    /// A required parameter is missing.
    pub const MISSING_PARAMETER: u32 = 20001;
    /// `client_id` / `client_secret` do not authenticate an app.
    pub const INVALID_CLIENT_SECRET: u32 = 20002;
    /// The refresh token belongs to another app.
    pub const CLIENT_MISMATCH: u32 = 20024;
    /// The refresh token is not one the platform issued.
    pub const REFRESH_TOKEN_INVALID: u32 = 20026;
    /// `grant_type` is not supported.
    pub const UNSUPPORTED_GRANT_TYPE: u32 = 20036;
    /// The refresh token has expired: the user must authorise again.
    pub const REFRESH_TOKEN_EXPIRED: u32 = 20037;
    /// The app does not exist.
    pub const APP_NOT_FOUND: u32 = 20048;
    /// An unexpected server error: retry.
    pub const SERVER_ERROR: u32 = 20050;
    /// The request is malformed (not a JSON object).
    pub const MALFORMED_REQUEST: u32 = 20063;
    /// The refresh token has been revoked: the user must authorise again.
    pub const REFRESH_TOKEN_REVOKED: u32 = 20064;
    /// The app is not enabled.
    pub const APP_NOT_ENABLED: u32 = 20069;
    /// The server is temporarily unavailable: retry.
    pub const TEMPORARILY_UNAVAILABLE: u32 = 20072;
    /// The refresh token was already used (they are single-use): authorise again.
    pub const REFRESH_TOKEN_USED: u32 = 20073;

    /// One documented error of the OAuth token endpoint.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct OAuthError {
        /// The body's `code`.
        pub code: u32,
        /// The HTTP status it is sent with.
        pub status: u16,
        /// The body's `error`: the RFC 6749 error kind.
        pub error: &'static str,
        /// The body's `error_description`, as the page gives it.
        pub description: &'static str,
    }

    const fn row(
        code: u32,
        status: u16,
        error: &'static str,
        description: &'static str,
    ) -> OAuthError {
        OAuthError { code, status, error, description }
    }

    /// Every error of this module, in code order.
    pub const ERRORS: &[OAuthError] = &[
        row(
            MISSING_PARAMETER,
            400,
            "invalid_request",
            "The request is missing a required parameter.",
        ),
        row(INVALID_CLIENT_SECRET, 400, "invalid_client", "The client secret is invalid."),
        row(
            CLIENT_MISMATCH,
            400,
            "invalid_grant",
            "The provided authorization code or refresh token does not match the provided client ID.",
        ),
        row(
            REFRESH_TOKEN_INVALID,
            400,
            "invalid_grant",
            "The refresh token passed is invalid. Please check the value.",
        ),
        row(
            UNSUPPORTED_GRANT_TYPE,
            400,
            "unsupported_grant_type",
            "The specified grant_type is not supported.",
        ),
        row(
            REFRESH_TOKEN_EXPIRED,
            400,
            "invalid_grant",
            "The refresh token passed has expired. Please generate a new one.",
        ),
        row(APP_NOT_FOUND, 400, "invalid_client", "The specified app does not exist."),
        row(
            SERVER_ERROR,
            500,
            "server_error",
            "An unexpected server error occurred. Please retry your request.",
        ),
        row(
            MALFORMED_REQUEST,
            400,
            "invalid_request",
            "The request is malformed. Please check your request.",
        ),
        row(
            REFRESH_TOKEN_REVOKED,
            400,
            "invalid_grant",
            "The refresh token has been revoked. Please note that a refresh token can only be used once.",
        ),
        row(APP_NOT_ENABLED, 400, "unauthorized_client", "The specified app is not enabled."),
        row(
            TEMPORARILY_UNAVAILABLE,
            503,
            "temporarily_unavailable",
            "The server is temporarily unavailable. Please retry your request.",
        ),
        row(
            REFRESH_TOKEN_USED,
            400,
            "invalid_grant",
            "The refresh token has been used. Please note that a refresh token can only be used once.",
        ),
    ];

    /// The documented error with this code, if this module has it.
    pub fn error(code: u32) -> Option<&'static OAuthError> {
        ERRORS.iter().find(|e| e.code == code)
    }

    /// What to do when a refresh fails with `code`, as the refresh page advises: the
    /// refresh token is invalid, expired, revoked or used (20026, 20037, 20064, 20073):
    /// the user must sign in again ([`Action::Reauthorize`](crate::Action::Reauthorize));
    /// a server error or unavailability (20050, 20072): send the refresh again
    /// ([`Action::Retry`](crate::Action::Retry)). `None` for every other code (a wrong
    /// client secret, a disabled app, ...: a fault of the request or the app, not of the
    /// user's grant). These codes are not on the generic page, so not in the catalog.
    ///
    /// ```
    /// use lark_errors::Action;
    /// use lark_errors::platform::oauth;
    /// assert_eq!(oauth::refresh_action(oauth::REFRESH_TOKEN_USED), Some(Action::Reauthorize));
    /// assert_eq!(oauth::refresh_action(oauth::TEMPORARILY_UNAVAILABLE), Some(Action::Retry));
    /// assert_eq!(oauth::refresh_action(20002), None);
    /// ```
    pub const fn refresh_action(code: u32) -> Option<crate::Action> {
        match code {
            REFRESH_TOKEN_INVALID
            | REFRESH_TOKEN_EXPIRED
            | REFRESH_TOKEN_REVOKED
            | REFRESH_TOKEN_USED => Some(crate::Action::Reauthorize),
            SERVER_ERROR | TEMPORARILY_UNAVAILABLE => Some(crate::Action::Retry),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refresh_errors_ask_for_a_new_sign_in_or_a_retry() {
        use crate::Action;
        for code in [
            oauth::REFRESH_TOKEN_INVALID,
            oauth::REFRESH_TOKEN_EXPIRED,
            oauth::REFRESH_TOKEN_REVOKED,
            oauth::REFRESH_TOKEN_USED,
        ] {
            assert_eq!(oauth::refresh_action(code), Some(Action::Reauthorize), "{code}");
        }
        for code in [oauth::SERVER_ERROR, oauth::TEMPORARILY_UNAVAILABLE] {
            assert_eq!(oauth::refresh_action(code), Some(Action::Retry), "{code}");
        }
        for code in [0, 20002, 99991663] {
            assert_eq!(oauth::refresh_action(code), None, "{code}");
        }
    }

    #[test]
    fn tokens_are_reissued_when_less_than_thirty_minutes_remain() {
        assert_eq!(token::REISSUE_BELOW_SECS, 30 * 60);
        assert_eq!(token::REISSUE_BELOW_SECS, 1800);
    }

    use super::*;

    #[test]
    fn every_named_code_but_ok_is_documented() {
        for c in [
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
            code::TOO_LARGE_REQUEST,
            code::RESOURCE_NOT_FOUND,
        ] {
            assert!(!crate::lookup(c).is_empty(), "{c} is not on the generic page");
            assert!(code::is_well_known(c), "{c} is in WELL_KNOWN");
        }
        assert!(crate::lookup(code::OK).is_empty());
        assert!(code::WELL_KNOWN.windows(2).all(|w| w[0] < w[1]), "sorted, for binary search");
        assert_eq!(code::WELL_KNOWN.len(), 14);
        assert!(!code::is_well_known(code::OK));
    }

    #[test]
    fn oauth_errors_are_in_code_order_and_distinct() {
        assert!(oauth::ERRORS.windows(2).all(|w| w[0].code < w[1].code));
        for e in oauth::ERRORS {
            assert_eq!(oauth::error(e.code), Some(e));
            assert!((400..600).contains(&e.status) && !e.description.is_empty());
        }
        assert!(oauth::error(code::FREQUENCY_LIMIT).is_none());
    }

    #[test]
    fn canonical_header_names() {
        assert_eq!(header::canonical(header::RATELIMIT_LIMIT), "X-Ogw-Ratelimit-Limit");
        assert_eq!(header::canonical(header::RATELIMIT_RESET), "X-Ogw-Ratelimit-Reset");
        assert_eq!(header::canonical("X-REQUEST-ID"), "X-Request-Id");
        assert_eq!(header::canonical(""), "");
        assert_eq!(header::canonical("-a"), "-A");
    }
}
