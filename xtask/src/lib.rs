//! Development tasks for lark-errors. Run them with `cargo xtask <task>`.
//!
//! The page parser comes from `lark-errors-page`, the semantic words from
//! `lark_errors::semantics`. Both link the runtime library, which embeds the generated
//! table: codegen needs a table that compiles (any stale one does, as long as the
//! generator and `catalog.rs` agree on the shape of an entry).

pub mod codegen;
pub mod fuzz_seeds;
#[cfg(feature = "man")]
pub mod man;
