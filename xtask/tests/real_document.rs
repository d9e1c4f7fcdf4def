//! The real document, `openapi/conference-tokens.yaml`, passes every rule: no error and no
//! warning. This is the same check CI runs with `cargo xtask spec-check`, as a test so that
//! `cargo test` catches a document change that breaks a rule.

use xtask::spec_check::{DEFAULT_SPEC, Severity, check_text, workspace_root};

#[test]
fn the_conference_tokens_document_passes_clean() {
    let path = workspace_root().join(DEFAULT_SPEC);
    let text = std::fs::read_to_string(&path).expect("the document is readable");
    let problems: Vec<String> = check_text(&text)
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.to_human(DEFAULT_SPEC))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
