//! The ring order of `src/lib.rs`'s crate doc, its one statement, holds in the code: no
//! module names (`crate::x`) a module of its own or an outer ring, except the edges, which
//! may use one another.

use std::collections::BTreeMap;
use std::path::Path;

/// Module name -> ring number, read from the numbered list of the crate doc.
fn rings(lib: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let mut ring = 0;
    for line in lib.lines().filter_map(|l| l.strip_prefix("//!")) {
        let line = line.trim_start();
        if let Some((n, _)) = line.split_once(". ") {
            if let Ok(n) = n.parse::<usize>() {
                ring = n;
            }
        }
        for link in line.split("[`").skip(1) {
            if let Some((name, _)) = link.split_once("`]") {
                if ring > 0 && !name.contains("::") {
                    out.insert(name.to_string(), ring);
                }
            }
        }
    }
    out
}

/// Every `crate::x` a file names, with the file.
fn uses(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            uses(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("crate::").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                out.push((path.display().to_string(), name));
            }
        }
    }
}

#[test]
fn no_module_uses_an_outer_ring() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rings = rings(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let edges = *rings.values().max().unwrap();
    assert!(rings.len() >= 11 && rings["domain"] == 1, "{rings:?}");
    let mut broken = Vec::new();
    for (module, &ring) in &rings {
        let mut named = Vec::new();
        uses(&src.join(module), &mut named);
        for (file, name) in named {
            let Some(&other) = rings.get(&name) else {
                continue;
            };
            let allowed = name == *module || other < ring || (ring == edges && other == edges);
            if !allowed {
                broken.push(format!(
                    "{file}: crate::{name} (ring {other} from ring {ring})"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}
