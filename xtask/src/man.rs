//! `cargo xtask man [--out DIR]`: the man pages of `larkerr`, one per command
//! (`larkerr.1`, `larkerr-explain.1`, ...), rendered by clap_mangen from the same
//! command-line definition the binary parses, so they cannot drift from `--help`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the pages go by default, relative to the workspace root.
pub const DEFAULT_DIR: &str = "target/man";

/// Writes the man pages into `dir` (created if needed) and returns their paths, sorted.
pub fn generate(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    clap_mangen::generate_to(larkerr::command(), dir)?;
    let mut pages: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .collect();
    pages.sort();
    Ok(pages)
}
