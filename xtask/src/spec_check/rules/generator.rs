//! `generator`: progenitor itself accepts the document.
//!
//! The other rules predict what progenitor will refuse; this one asks it. It runs the very
//! code the build runs (`build.rs`, compiled here as a module), with the httpmock helpers
//! that the `mock` feature adds, and reports a refusal or a panic as a finding instead of
//! crashing the check.

use std::sync::Mutex;

use super::super::finding::Finding;

#[path = "../../../../build.rs"]
// `main` and `write` serve the build only; the build script is linted as part of the
// root package, where its closures are written for readability.
#[allow(dead_code)]
#[rustfmt::skip] // The file belongs to the root package; `cargo fmt -p xtask` must not rewrite it.
mod build_script;

/// The rule's name.
pub const RULE: &str = "generator";

/// `generate_client` swaps the process-wide panic hook while it runs; two runs at once (as in
/// parallel tests) could leave the silent hook installed, so they take turns.
static GENERATOR: Mutex<()> = Mutex::new(());

/// Generates the client and the mocks from `text`, reporting any failure.
pub fn check(text: &str, out: &mut Vec<Finding>) {
    let _turn = GENERATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Err(problem) = build_script::generate_client(text, true) {
        out.push(
            Finding::error(
                RULE,
                "",
                format!(
                    "progenitor cannot generate the client: {}",
                    one_line(&problem)
                ),
            )
            .hint("the findings of the other rules usually say why; the build fails the same way"),
        );
    }
}

/// progenitor's errors may embed a multi-line `Debug` dump of the object at fault; a finding
/// is one line, so collapse the whitespace and keep the start, which names the problem.
fn one_line(text: &str) -> String {
    const LIMIT: usize = 300;
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= LIMIT {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(LIMIT).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_debug_dumps_become_one_short_line() {
        let text = format!(
            "cookie parameters are not supported Cookie {{\n    {}\n}}",
            "x ".repeat(400)
        );
        let line = one_line(&text);
        assert!(!line.contains('\n'));
        assert!(line.starts_with("cookie parameters are not supported Cookie { x x"));
        assert!(line.chars().count() <= 303);
    }
}
