//! Links the `larkerr` binary as a position-dependent executable on Linux.
//!
//! The platform catalog is static data full of references (entries point at their
//! pages, APIs at their scopes and entries): about 100,000 pointers (`RELACOUNT` in
//! `readelf -d`). In a position-independent executable each one is a relocation the
//! loader applies at every start, writing to some 500 pages of `.data.rel.ro` before
//! `main` runs; that cost dominated every command (`scripts/bench-cli.sh`). Linked
//! position-dependent, the linker resolves them once and the data is mapped and read
//! lazily like any read-only data. Shared libraries (libc) are still loaded at random
//! addresses. `readelf -d target/release/larkerr` then shows `FLAGS_1: NOW` (no `PIE`)
//! and `readelf -S` a `.rela.dyn` of a few KB instead of 2.5 MB.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
