//! Every documented Feishu / Lark Open Platform error code as exact, typed, bilingual
//! data, with what it means and what to do about it.
//!
//! The platform documents about 550 error codes on one page ("通用错误码"). This crate
//! holds every row of that page, exactly as written (duplicates kept), with the English
//! text of the Lark international page where it documents the same error, and for each
//! entry a [`Category`] (what went wrong), an [`Action`] (what to do next) and, where it
//! concerns one, a [`TokenKind`].
//!
//! ```
//! use lark_errors::{Action, Category, TokenKind};
//!
//! let entry = lark_errors::resolve(99991663, "Invalid access token for authorization.").unwrap();
//! assert_eq!(entry.category(), Category::Authentication);
//! assert_eq!(entry.action(), Action::RefreshToken);
//! assert_eq!(entry.token(), Some(TokenKind::TenantAccessToken));
//! assert!(entry.advice_zh().contains("tenant_access_token"));
//! ```
//!
//! Modules:
//! - [`catalog`]: the entries, [`lookup`] and [`resolve`]; the platform catalog of every
//!   API page: [`Api`]s, [`route`] from a request URL, [`resolve_with`] an API known, a
//!   code's [`meanings`] across APIs;
//! - [`template`]: matching live messages against documented ones;
//! - [`semantics`]: the category, action and token words;
//! - [`extract`]: finding error codes in log text of any shape, streaming;
//! - [`date`]: calendar dates of pages and the calendar conversions of log timestamps;
//! - [`diagnose`](mod@diagnose): HTTP responses into decisions ([`diagnose::diagnose`] needs the
//!   default `json` feature);
//! - [`retry`]: what to do next, given a diagnosis and an attempt number;
//! - [`platform`]: the platform's hosts, headers, token endpoints and well-known codes.
//!
//! Features: `serde` adds `Serialize` with stable snake_case JSON names; `json`
//! (default) adds response diagnosis and implies `serde`; `apis` (default) compiles in
//! the API pages' APIs and entries (without it the same functions answer from the
//! generic page only).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod catalog;
pub mod date;
pub mod diagnose;
pub mod extract;
pub mod platform;
pub mod retry;
pub mod semantics;
pub mod template;

pub use catalog::{
    Api, Entry, Language, Layer, Method, Resolution, api_entries, apis, entries, is_documented,
    lookup, lookup_apis, meanings, resolve, resolve_match, resolve_with, route, route_candidates,
    route_path, sources,
};
pub use date::Date;
pub use semantics::{Action, Category, TokenKind};

pub use diagnose::{Diagnoser, Diagnosis, Headers};
#[cfg(feature = "json")]
pub use diagnose::{diagnose, diagnose_at, diagnose_request};
pub use retry::{Attempt, Idempotency, RetryDecision, RetryPolicy};

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
