//! Command-line tests: the binary is run as a user would, via `CARGO_BIN_EXE_fieldplan`.

mod bench;
mod plan;
mod scenario;
mod solve;
mod travel;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fieldplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/solomon")
        .join(name)
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The first `customers` customers of a bundled instance, as a valid instance text.
pub fn truncated(name: &str, customers: usize) -> String {
    let text = std::fs::read_to_string(data(name)).expect("bundled instance");
    let lines: Vec<&str> = text.lines().collect();
    let depot = lines
        .iter()
        .position(|l| l.split_whitespace().next() == Some("0") && l.split_whitespace().count() >= 7)
        .expect("a depot row");
    lines[..=depot + customers].join("\n") + "\n"
}
