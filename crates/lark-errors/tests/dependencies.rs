//! The README's claim about the library's dependencies, checked against its manifest:
//! without features, `memchr` is the only dependency.

const MANIFEST: &str = include_str!("../Cargo.toml");
const README: &str = include_str!("../../../README.md");

/// The names in `[dependencies]` that are not `optional = true`.
fn required_dependencies(manifest: &str) -> Vec<&str> {
    let mut in_section = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == "[dependencies]";
            continue;
        }
        if !in_section || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, spec)) = line.split_once('=') else { continue };
        let optional = spec.replace(' ', "").contains("optional=true");
        if !optional {
            names.push(name.trim());
        }
    }
    names
}

#[test]
fn memchr_is_the_only_required_dependency() {
    assert_eq!(required_dependencies(MANIFEST), ["memchr"]);
    assert!(README.contains("has one\ndependency, `memchr`"));
}

#[test]
fn the_reader_sees_optional_dependencies_as_optional() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\na = \"1\"\nb = { version = \"1\", optional = true }\n# c = \"1\"\n[dev-dependencies]\nd = \"1\"\n";
    assert_eq!(required_dependencies(manifest), ["a"]);
}
