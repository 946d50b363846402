//! The `larkerr` binary: everything is in the library, so that `cargo xtask man` sees
//! the same command line.

fn main() -> std::process::ExitCode {
    larkerr::main()
}
