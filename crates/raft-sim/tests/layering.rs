//! The layering rule of the crate docs (src/lib.rs), checked on the source: no layer names one
//! above it. Every `crate::` path outside comments and `#[cfg(test)]` modules must start with a
//! layer, and that layer must be one the file's own layer may name.
use std::path::{Path, PathBuf};

/// What a file in `layer` may name after `crate::` (a path prefix, matched on whole segments).
fn allowed(layer: &str) -> &'static [&'static str] {
    match layer {
        "engine" => &["engine", "scenario::format"],
        "check" => &["engine", "check", "scenario::format"],
        "scenario" => &["engine", "check", "scenario"],
        "playback" => &["engine", "check", "scenario", "protocols", "playback"],
        "campaign" => &["engine", "check", "scenario", "campaign"],
        // Protocols other than Raft: each a host on the engine with its own scenario format.
        "protocols" => &["engine", "scenario", "protocols"],
        _ => &[],
    }
}

/// The `crate::` paths a file names that its layer may not, as "line: path".
fn violations(layer: &str, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break; // unit tests (at the end of a file) may use any layer
        }
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let path: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            let ok = allowed(layer)
                .iter()
                .any(|prefix| path.strip_prefix(prefix).is_some_and(|tail| tail.is_empty() || tail.starts_with("::")));
            if !ok {
                found.push(format!("{}: crate::{path}", number + 1));
            }
            rest = after;
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_layer_names_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let Some(layer) = relative.components().next().and_then(|c| c.as_os_str().to_str()) else { continue };
        if layer == "lib.rs" {
            continue; // the crate root re-exports every layer for the crates above
        }
        assert!(
            !allowed(layer).is_empty(),
            "{} is in no layer: put it in one of the layer folders",
            relative.display()
        );
        let source = std::fs::read_to_string(file).expect("readable source");
        for v in violations(layer, &source) {
            broken.push(format!("{}:{v}", relative.display()));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} source files found under {}", src.display());
    assert!(
        broken.is_empty(),
        "paths a layer may not name (see the layering rule in src/lib.rs):\n{}",
        broken.join("\n")
    );
}

/// The scanner itself: each kind of breach is caught, and allowed paths pass.
#[test]
fn the_scanner_catches_upward_and_flat_paths() {
    assert_eq!(violations("engine", "use crate::campaign::generate;"), ["1: crate::campaign::generate"]);
    assert_eq!(
        violations("engine", "let b = crate::scenario::builtin::list();"),
        ["1: crate::scenario::builtin::list"]
    );
    assert_eq!(violations("check", "x(crate::playback::report::Report)"), ["1: crate::playback::report::Report"]);
    // Flat re-exports and grouped imports hide the layer, so they are refused too.
    assert_eq!(violations("scenario", "use crate::sim::Simulation;"), ["1: crate::sim::Simulation"]);
    assert_eq!(violations("scenario", "use crate::{builtin, Property};"), ["1: crate::"]);
    // A look-alike prefix is not the layer.
    assert_eq!(violations("engine", "use crate::engineering::X;"), ["1: crate::engineering::X"]);
    assert_eq!(violations("playback", "use crate::campaign::generate;"), ["1: crate::campaign::generate"]);
    assert!(violations("engine", "use crate::scenario::format::Scenario;\nuse crate::engine::rng::SimRng;").is_empty());
    assert!(violations("engine", "// see crate::campaign\n#[cfg(test)]\nuse crate::campaign::generate;").is_empty());
}
