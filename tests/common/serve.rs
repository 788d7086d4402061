//! The `fieldplan serve` binary as a child process, and its tokens, shared by the test
//! binaries that run the real service (`#[path]`-included next to `http.rs`).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A new token of `role` in the database `db` (a file or a `postgres://` URL), made with
/// `fieldplan token create`.
pub fn token(db: impl AsRef<OsStr>, role: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .args(["token", "create", "--role", role, "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// `fieldplan serve` on a free port, the Nanchang data and a manual clock standing at `now`:
/// the child and the address it listens on, once it does. `db` is a file or a `postgres://` URL.
pub fn spawn(db: impl AsRef<OsStr>, now: &str) -> (Child, String) {
    spawn_clocked(db, now, true)
}

/// [`spawn`], with a clock that stands at `now` (`manual`) or runs on from it.
pub fn spawn_clocked(db: impl AsRef<OsStr>, now: &str, manual: bool) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .args(["serve", "--listen", "127.0.0.1:0", "--now", now])
        .args(manual.then_some("--manual-clock"))
        .arg("--db")
        .arg(db)
        .arg("--data")
        .arg(repo("data/nanchang"))
        .arg("--config")
        .arg(repo("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.trim().to_owned();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}
