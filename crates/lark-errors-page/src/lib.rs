//! Maintainer tooling for lark-errors: reading the platform's markdown pages.
//!
//! The runtime library (`lark-errors`) ships the catalog as generated data; this crate
//! holds what maintainers need to build and review that data, and nothing a client
//! needs at run time:
//!
//! - [`doc`]: the parser of the generic error-code page ("通用错误码");
//! - [`diff`]: what a copy of that page contains ([`diff::check`]) and what changed
//!   between two copies ([`diff::compare`]);
//! - [`api`]: the parser of the server-API reference pages (request table, rate-limit
//!   tier, scopes, per-API error tables);
//! - [`api_diff`]: what a folder of API pages contains ([`api_diff::check_api_pages`])
//!   and what changed between two folders ([`api_diff::compare_api_pages`]);
//! - [`read`]: the one bounded reader every page goes through ([`read_page`]).
//!
//! Dates and languages are the runtime library's own types, re-exported here.
//!
//! ```
//! use lark_errors_page::{Date, Language};
//! use lark_errors_page::doc::Document;
//!
//! let doc = Document::parse("---\nupdated: 2025-08-20\n---\na | b | c\n--- | --- | ---\n600 | x | 请重试\n")?;
//! assert_eq!(doc.metadata.updated, Date::parse("2025-08-20"));
//! assert_eq!(doc.metadata.language, Language::Zh);
//! # Ok::<(), lark_errors_page::doc::DocError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod api_diff;
pub mod diff;
pub mod doc;
pub mod read;

pub use lark_errors::Language;
pub use lark_errors::date::{Date, civil_from_days, days_from_civil};
pub use read::{MAX_PAGE_BYTES, PageError, read_page};
