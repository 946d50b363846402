//! Development tasks for lark-errors. Run them with `cargo xtask <task>`.

pub mod codegen;
