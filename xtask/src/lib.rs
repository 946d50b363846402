//! Development tasks for lark-errors. Run them with `cargo xtask <task>`.
//!
//! The doc parser and the semantic words are compiled in from the library's sources
//! rather than through a dependency on the library: the library embeds the generated
//! table, so depending on it would make a broken or stale table impossible to
//! regenerate.

pub mod codegen;
#[cfg(feature = "man")]
pub mod man;

/// `lark_errors::doc`, the parser of the platform's page.
#[path = "../../crates/lark-errors/src/doc.rs"]
#[allow(dead_code, rustdoc::broken_intra_doc_links)]
pub mod doc;

/// `lark_errors::semantics`: category, action and token words.
#[path = "../../crates/lark-errors/src/semantics.rs"]
#[allow(dead_code, rustdoc::broken_intra_doc_links)]
pub mod semantics;
