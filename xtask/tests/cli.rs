//! End-to-end runs of the `xtask` binary: exit codes, the human line format, the summary, and
//! `--format json`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    path.to_string_lossy().into_owned()
}

#[test]
fn the_real_document_exits_zero_with_a_clean_summary() {
    let output = xtask(&["spec-check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().last(),
        Some("spec-check: 0 errors, 0 warnings (openapi/conference-tokens.yaml)")
    );
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with("error") || l.starts_with("warning")),
        "{stdout}"
    );
}

#[test]
fn a_broken_document_exits_non_zero_with_one_line_per_finding() {
    let path = fixture("unknown-key-requried.yaml");
    let output = xtask(&["spec-check", "--spec", &path]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Inside the workspace, the file is named relative to its root.
    let shown = "xtask/tests/fixtures/unknown-key-requried.yaml";
    let expected = format!(
        "error[unknown-key] {shown}:123: /components/schemas/Token/requried: unknown key \
         `requried` in a Schema object; did you mean `required`?"
    );
    assert!(stdout.lines().any(|l| l == expected), "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some(&*format!("spec-check: 1 error, 0 warnings ({shown})"))
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("spec-check found 1 error"));
}

#[test]
fn json_output_is_an_array_of_findings() {
    let path = fixture("example-valid-uuid.yaml");
    let output = xtask(&["spec-check", "--spec", &path, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let findings: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let error = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .expect("one error");
    assert_eq!(error["rule"], "example-valid");
    assert_eq!(error["pointer"], "/components/parameters/token_id/example");
    assert!(error["line"].is_u64());
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not a valid uuid")
    );
    assert!(error["hint"].is_string());
    assert!(String::from_utf8_lossy(&output.stderr).contains("spec-check: 1 error, 0 warnings"));
}

#[test]
fn unknown_arguments_are_refused() {
    let output = xtask(&["spec-check", "--frmat", "json"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown argument `--frmat`"));
    assert!(!xtask(&["spec-check", "--format", "xml"]).status.success());
    assert!(!xtask(&["lint"]).status.success());
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let output = xtask(&["spec-check", "--spec", "/nonexistent/spec.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/spec.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
