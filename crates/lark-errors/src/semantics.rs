//! What an error means ([`Category`]), what to do about it ([`Action`]), and which
//! access token it concerns ([`TokenKind`]).
//!
//! The words and their snake_case names are shared by every part of lark-errors (JSON
//! output, the CLI, `data/semantics.toml`) and are stable.
//!
//! ```
//! use lark_errors::{Action, Category};
//!
//! let entry = lark_errors::lookup(99991400).first().unwrap();
//! assert_eq!(entry.category(), Category::RateLimited);
//! assert_eq!(entry.action(), Action::WaitAndRetry);
//! assert!(entry.action().is_retryable());
//! assert_eq!("rate_limited".parse::<Category>(), Ok(Category::RateLimited));
//! ```

use std::fmt;
use std::str::FromStr;

/// Declares a unit enum with stable snake_case names, `ALL`, `as_str`, `Display` and
/// `FromStr`, so the list of words is written exactly once.
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's position in [`ALL`](Self::ALL), for tables kept per value.
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The stable snake_case name used in JSON, CSV and `data/semantics.toml`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;

            fn from_str(s: &str) -> Result<Self, UnknownWord> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        kind: stringify!($name),
                        word: s.chars().take(64).collect(),
                        expected: &[$($word),+],
                    }),
                }
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

words! {
    /// What went wrong. One per catalog entry.
    pub enum Category {
        /// Credentials missing, malformed, invalid or expired (access tokens, app
        /// secret, OAuth code, session).
        Authentication = "authentication",
        /// The caller is known but lacks an API scope, a data range, a document
        /// permission, user consent, or its IP is not allowed.
        Permission = "permission",
        /// A frequency limit was hit; the same request will succeed later.
        RateLimited = "rate_limited",
        /// A count, seat, usage or plan limit; waiting seconds will not help.
        QuotaExceeded = "quota_exceeded",
        /// The request itself is malformed: parameters, body, method, size.
        InvalidRequest = "invalid_request",
        /// A referenced resource or ID does not exist, or was deleted.
        NotFound = "not_found",
        /// Already exists, duplicate, or a concurrent modification.
        Conflict = "conflict",
        /// A valid request, but the current state or configuration forbids it.
        FailedPrecondition = "failed_precondition",
        /// Content failed review or is sensitive.
        ContentRejected = "content_rejected",
        /// The API, operation or document type is not supported or is offline.
        Unsupported = "unsupported",
        /// Temporarily unable: processing, loading, busy, timeout, retry later.
        Unavailable = "unavailable",
        /// A fault on the platform's side.
        Internal = "internal",
    }
}

words! {
    /// What the caller should do next. One primary action per catalog entry.
    pub enum Action {
        /// Retry the same request with exponential backoff and jitter, a few times.
        Retry = "retry",
        /// Throttled: wait `x-ogw-ratelimit-reset` seconds (else back off), then retry.
        WaitAndRetry = "wait_and_retry",
        /// Get a fresh access token of the entry's token kind, then retry once.
        RefreshToken = "refresh_token",
        /// Concurrent-edit conflict: retry without parallel calls on the same resource.
        RetrySerially = "retry_serially",
        /// The end user must sign in or grant consent again.
        Reauthorize = "reauthorize",
        /// The app needs an API scope added in the developer console (and a new release).
        RequestScope = "request_scope",
        /// A tenant admin or the app owner must change a setting (visibility, IP
        /// allowlist, install, seats, a feature switch).
        AskAdmin = "ask_admin",
        /// Correct the request: parameters, IDs, body, method, token type.
        FixRequest = "fix_request",
        /// A persistent platform fault: contact support with the log_id.
        ContactSupport = "contact_support",
    }
}

words! {
    /// Which access token an entry is about.
    pub enum TokenKind {
        /// The app's token acting for a tenant.
        TenantAccessToken = "tenant_access_token",
        /// The app's own token.
        AppAccessToken = "app_access_token",
        /// A token acting for a signed-in user.
        UserAccessToken = "user_access_token",
    }
}

impl TokenKind {
    /// Whether the token is obtained from the app's own credentials (`app_id` +
    /// `app_secret`): tenant and app access tokens are; a user access token comes from a
    /// user's sign-in instead.
    pub const fn is_from_app_credentials(self) -> bool {
        matches!(self, TokenKind::TenantAccessToken | TokenKind::AppAccessToken)
    }
}

impl Action {
    /// Whether the same request can succeed if sent again (after waiting, backing off
    /// or refreshing a token). `refresh_token` is retryable once; see
    /// [`crate::retry`] for the full decision.
    ///
    /// ```
    /// use lark_errors::Action;
    /// assert!(Action::RetrySerially.is_retryable());
    /// assert!(!Action::RequestScope.is_retryable());
    /// ```
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            Action::Retry | Action::WaitAndRetry | Action::RefreshToken | Action::RetrySerially
        )
    }

    /// A short imperative phrase for people: "wait and retry", "fix the request".
    pub const fn describe(self) -> &'static str {
        match self {
            Action::Retry => "retry with backoff",
            Action::WaitAndRetry => "wait for the rate limit to reset, then retry",
            Action::RefreshToken => "refresh the access token and retry once",
            Action::RetrySerially => "retry without parallel calls on the same resource",
            Action::Reauthorize => "have the user sign in or grant consent again",
            Action::RequestScope => {
                "add the API scope in the developer console and release a new version"
            }
            Action::AskAdmin => "ask a tenant admin or the app owner to change a setting",
            Action::FixRequest => "fix the request",
            Action::ContactSupport => "contact support with the log_id",
        }
    }
}

impl Category {
    /// A short phrase for people: "rate limited", "not found".
    pub const fn describe(self) -> &'static str {
        match self {
            Category::Authentication => "authentication failed",
            Category::Permission => "permission denied",
            Category::RateLimited => "rate limited",
            Category::QuotaExceeded => "quota exceeded",
            Category::InvalidRequest => "invalid request",
            Category::NotFound => "not found",
            Category::Conflict => "conflict",
            Category::FailedPrecondition => "failed precondition",
            Category::ContentRejected => "content rejected",
            Category::Unsupported => "unsupported",
            Category::Unavailable => "temporarily unavailable",
            Category::Internal => "internal platform error",
        }
    }
}

impl Category {
    /// Words and phrases people use for this category, English and Chinese, lower
    /// case: what a search for the category's meaning may be written as ("rate limit",
    /// "too many requests", "限流" for [`Category::RateLimited`]). Besides
    /// [`as_str`](Self::as_str) and [`describe`](Self::describe); `larkerr search`
    /// matches queries against them.
    ///
    /// ```
    /// use lark_errors::Category;
    /// assert!(Category::RateLimited.glosses().contains(&"rate limit"));
    /// assert!(Category::NotFound.glosses().contains(&"不存在"));
    /// ```
    pub const fn glosses(self) -> &'static [&'static str] {
        match self {
            Category::Authentication => &[
                "authentication",
                "unauthenticated",
                "credentials",
                "invalid token",
                "token expired",
                "expired token",
                "app secret",
                "鉴权",
                "认证",
                "身份验证",
                "访问凭证",
                "凭证无效",
                "过期",
            ],
            Category::Permission => &[
                "permission",
                "permission denied",
                "no permission",
                "forbidden",
                "access denied",
                "not allowed",
                "scope",
                "权限",
                "无权限",
                "没有权限",
                "无权",
                "禁止",
            ],
            Category::RateLimited => &[
                "rate limit",
                "rate limited",
                "ratelimit",
                "throttled",
                "throttling",
                "too many requests",
                "frequency limit",
                "request frequency",
                "频率",
                "频控",
                "限流",
                "请求过于频繁",
            ],
            Category::QuotaExceeded => &[
                "quota",
                "quota exceeded",
                "limit exceeded",
                "exceeds the limit",
                "over limit",
                "usage limit",
                "seats",
                "配额",
                "额度",
                "上限",
                "超出限制",
                "数量超限",
            ],
            Category::InvalidRequest => &[
                "invalid request",
                "bad request",
                "invalid parameter",
                "invalid argument",
                "malformed",
                "validation",
                "参数错误",
                "参数无效",
                "非法",
                "格式错误",
            ],
            Category::NotFound => &[
                "not found",
                "does not exist",
                "not exist",
                "deleted",
                "no such",
                "不存在",
                "找不到",
                "已删除",
                "未找到",
            ],
            Category::Conflict => &[
                "conflict",
                "already exists",
                "duplicate",
                "concurrent modification",
                "冲突",
                "已存在",
                "重复",
            ],
            Category::FailedPrecondition => &[
                "failed precondition",
                "precondition",
                "wrong state",
                "not enabled",
                "disabled",
                "状态不允许",
                "未开启",
                "已停用",
            ],
            Category::ContentRejected => &[
                "content rejected",
                "sensitive",
                "moderation",
                "content review",
                "违规",
                "敏感",
                "审核",
            ],
            Category::Unsupported => &[
                "unsupported",
                "not supported",
                "deprecated",
                "offline",
                "不支持",
                "已下线",
                "废弃",
            ],
            Category::Unavailable => &[
                "unavailable",
                "temporarily unavailable",
                "timeout",
                "timed out",
                "busy",
                "try again later",
                "retry later",
                "超时",
                "繁忙",
                "稍后重试",
            ],
            Category::Internal => &[
                "internal error",
                "internal server error",
                "server error",
                "system error",
                "内部错误",
                "系统错误",
                "服务端错误",
            ],
        }
    }
}

impl Action {
    /// Words and phrases people use for this action, English and Chinese, lower case
    /// ("token expired", "refresh token", "刷新" for [`Action::RefreshToken`]). Besides
    /// [`as_str`](Self::as_str) and [`describe`](Self::describe); `larkerr search`
    /// matches queries against them.
    ///
    /// ```
    /// use lark_errors::Action;
    /// assert!(Action::RefreshToken.glosses().contains(&"token expired"));
    /// ```
    pub const fn glosses(self) -> &'static [&'static str] {
        match self {
            Action::Retry => &["retry", "backoff", "try again", "重试"],
            Action::WaitAndRetry => {
                &["wait", "rate limit", "throttled", "ratelimit reset", "等待", "限流"]
            }
            Action::RefreshToken => &[
                "refresh token",
                "refresh the token",
                "token expired",
                "expired token",
                "invalid token",
                "刷新",
                "重新获取",
                "过期",
            ],
            Action::RetrySerially => {
                &["serially", "concurrent", "parallel", "lock", "串行", "并发"]
            }
            Action::Reauthorize => &[
                "reauthorize",
                "sign in again",
                "log in again",
                "consent",
                "oauth",
                "重新授权",
                "重新登录",
            ],
            Action::RequestScope => {
                &["request scope", "missing scope", "add scope", "scope", "开通权限", "申请权限"]
            }
            Action::AskAdmin => {
                &["admin", "administrator", "allowlist", "whitelist", "install", "管理员", "白名单"]
            }
            Action::FixRequest => &["fix the request", "bad request", "修改请求"],
            Action::ContactSupport => &["contact support", "support", "log_id", "技术支持"],
        }
    }
}

/// A word that is not one of the known category, action or token-kind names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    /// Which kind of word was expected (`Category`, `Action`, `TokenKind`).
    pub kind: &'static str,
    /// The word given (at most 64 characters of it).
    pub word: String,
    /// The accepted words.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}` (expected one of: {})",
            self.kind,
            self.word,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownWord {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_for_every_word() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(*c));
        }
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>(), Ok(*a));
        }
        for t in TokenKind::ALL {
            assert_eq!(t.as_str().parse::<TokenKind>(), Ok(*t));
        }
        assert_eq!(Category::ALL.len(), 12);
        assert_eq!(Action::ALL.len(), 9);
    }

    #[test]
    fn every_word_has_its_own_description() {
        let categories: std::collections::HashSet<_> =
            Category::ALL.iter().map(|c| c.describe()).collect();
        assert_eq!(categories.len(), Category::ALL.len());
        let actions: std::collections::HashSet<_> =
            Action::ALL.iter().map(|a| a.describe()).collect();
        assert_eq!(actions.len(), Action::ALL.len());
        for d in categories.iter().chain(&actions) {
            assert!(!d.trim().is_empty(), "{d:?}");
        }
        assert_eq!(Category::RateLimited.describe(), "rate limited");
    }

    #[test]
    fn index_is_the_position_in_all() {
        for (i, c) in Category::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(a.index(), i);
        }
        for (i, t) in TokenKind::ALL.iter().enumerate() {
            assert_eq!(t.index(), i);
        }
    }

    #[test]
    fn retryable_follows_the_design_table() {
        let retryable: Vec<&str> =
            Action::ALL.iter().filter(|a| a.is_retryable()).map(|a| a.as_str()).collect();
        assert_eq!(retryable, ["retry", "wait_and_retry", "refresh_token", "retry_serially"]);
    }

    #[test]
    fn glosses_are_lower_case_trimmed_and_distinct() {
        let lists = Category::ALL
            .iter()
            .map(|c| (c.as_str(), c.glosses()))
            .chain(Action::ALL.iter().map(|a| (a.as_str(), a.glosses())));
        for (name, glosses) in lists {
            assert!(!glosses.is_empty(), "{name}");
            for (i, g) in glosses.iter().enumerate() {
                assert_eq!(*g, g.to_lowercase(), "{name}: {g}");
                assert_eq!(*g, g.trim(), "{name}: {g}");
                assert!(!g.is_empty() && !glosses[..i].contains(g), "{name}: {g}");
            }
        }
    }

    #[test]
    fn unknown_words_say_what_was_expected() {
        let err = "throttled".parse::<Category>().unwrap_err();
        assert!(err.to_string().contains("unknown Category `throttled`"));
        assert!(err.to_string().contains("rate_limited"));
    }
}
