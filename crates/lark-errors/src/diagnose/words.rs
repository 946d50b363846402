//! The heuristics for codes outside the catalog: words of a message, and the HTTP status.

use crate::semantics::{Action, Category};
use crate::template::{MAX_MATCH_LEN, find_ascii_ci, truncate};

/// Words in a message, checked in order; the first group that matches decides.
const MESSAGE_WORDS: &[(&[&str], Category, Action)] = &[
    (
        &[
            "frequency limit",
            "too many request",
            "toomanyrequest",
            "too_many_request",
            "rate limit",
            "ratelimit",
            "频率",
            "限流",
            "too frequent",
        ],
        Category::RateLimited,
        Action::WaitAndRetry,
    ),
    (
        &["quota", "limit exceeded", "exceeds the limit", "超出", "超过上限"],
        Category::QuotaExceeded,
        Action::AskAdmin,
    ),
    (
        &[
            "token expired",
            "token invalid",
            "invalid token",
            "invalid access token",
            "token is invalid",
            "token expire",
        ],
        Category::Authentication,
        Action::RefreshToken,
    ),
    (
        &["scope", "permission", "denied", "forbidden", "no auth", "unauthorized", "权限", "无权"],
        Category::Permission,
        Action::AskAdmin,
    ),
    (
        &[
            "not exist",
            "not found",
            "notexist",
            "notfound",
            "does not exist",
            "no such",
            "deleted",
            "不存在",
            "已删除",
        ],
        Category::NotFound,
        Action::FixRequest,
    ),
    (
        &["already exist", "alreadyexist", "duplicate", "conflict", "已存在", "重复"],
        Category::Conflict,
        Action::FixRequest,
    ),
    (
        &["not support", "notsupport", "unsupported", "不支持"],
        Category::Unsupported,
        Action::FixRequest,
    ),
    (
        &[
            "timeout",
            "timed out",
            "busy",
            "try again",
            "retry later",
            "unavailable",
            "稍后",
            "超时",
            "繁忙",
        ],
        Category::Unavailable,
        Action::Retry,
    ),
    (
        &["internal", "system error", "server error", "内部错误", "系统错误"],
        Category::Internal,
        Action::Retry,
    ),
    (
        &[
            "invalid",
            "illegal",
            "param",
            "required",
            "missing",
            "malformed",
            "bad request",
            "参数",
            "非法",
            "格式",
        ],
        Category::InvalidRequest,
        Action::FixRequest,
    ),
];

/// The category and action a message's words suggest, for codes outside the catalog;
/// `None` when no known word occurs. Matching is ASCII-case-insensitive, on the first
/// [`MAX_MATCH_LEN`] bytes.
pub(crate) fn classify_message(msg: &str) -> Option<(Category, Action)> {
    let msg = truncate(msg, MAX_MATCH_LEN);
    MESSAGE_WORDS.iter().find_map(|(words, category, action)| {
        words
            .iter()
            .any(|w| find_ascii_ci(msg.as_bytes(), w.as_bytes()).is_some())
            .then_some((*category, *action))
    })
}

/// The category and action an HTTP error status suggests; `None` for success and
/// statuses that say nothing.
pub(crate) fn classify_status(status: u16) -> Option<(Category, Action)> {
    Some(match status {
        429 => (Category::RateLimited, Action::WaitAndRetry),
        401 => (Category::Authentication, Action::RefreshToken),
        403 => (Category::Permission, Action::AskAdmin),
        404 | 410 => (Category::NotFound, Action::FixRequest),
        409 => (Category::Conflict, Action::RetrySerially),
        408 => (Category::Unavailable, Action::Retry),
        501 => (Category::Unsupported, Action::FixRequest),
        502..=504 => (Category::Unavailable, Action::Retry),
        500 | 505..=599 => (Category::Internal, Action::Retry),
        // Every other client error (400, 405, 413, 415, 422, 431, ...): fix the request.
        400..=499 => (Category::InvalidRequest, Action::FixRequest),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_words_in_both_languages_and_camel_case() {
        let rate = Some((Category::RateLimited, Action::WaitAndRetry));
        assert_eq!(classify_message("Too Many Requests"), rate);
        assert_eq!(classify_message("too_many_requests"), rate);
        assert_eq!(classify_message("记录不存在"), Some((Category::NotFound, Action::FixRequest)));
        assert_eq!(
            classify_message("BaseTokenNotFound"),
            Some((Category::NotFound, Action::FixRequest))
        );
        assert_eq!(classify_message("ok"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(classify_status(503), Some((Category::Unavailable, Action::Retry)));
        assert_eq!(classify_status(429), Some((Category::RateLimited, Action::WaitAndRetry)));
        assert_eq!(classify_status(418), Some((Category::InvalidRequest, Action::FixRequest)));
        // Every arm, so none can be dropped unnoticed.
        for (status, said) in [
            (401, (Category::Authentication, Action::RefreshToken)),
            (403, (Category::Permission, Action::AskAdmin)),
            (404, (Category::NotFound, Action::FixRequest)),
            (410, (Category::NotFound, Action::FixRequest)),
            (409, (Category::Conflict, Action::RetrySerially)),
            (408, (Category::Unavailable, Action::Retry)),
            (413, (Category::InvalidRequest, Action::FixRequest)),
            (431, (Category::InvalidRequest, Action::FixRequest)),
            (400, (Category::InvalidRequest, Action::FixRequest)),
            (501, (Category::Unsupported, Action::FixRequest)),
            (502, (Category::Unavailable, Action::Retry)),
            (504, (Category::Unavailable, Action::Retry)),
            (500, (Category::Internal, Action::Retry)),
            (505, (Category::Internal, Action::Retry)),
            (599, (Category::Internal, Action::Retry)),
        ] {
            assert_eq!(classify_status(status), Some(said), "{status}");
        }
        assert_eq!(classify_status(600), None);
        assert_eq!(classify_status(399), None);
        assert_eq!(classify_status(200), None);
        assert_eq!(classify_status(302), None);
    }
}
