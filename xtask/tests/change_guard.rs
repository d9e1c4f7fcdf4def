//! The change guard: which changes between two versions of a document break users, and how
//! `spec-check` finds the version to compare with in git.
//!
//! The first half calls [`compare`] on pairs of documents, one change at a time, against a
//! small API with a request body, enums in both directions and nullable fields. The second
//! half runs the binary in throw-away git repositories to check how the earlier version is
//! chosen and what the exit code is.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::spec_check::compat::{ADDITIVE, BREAKING, compare};
use xtask::spec_check::document::Document;
use xtask::spec_check::{Finding, Severity};

const BASE: &str = "
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /tokens/{id}:
    get:
      operationId: get_token
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: view, in: query, schema: {type: string, enum: [basic, full]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Token'}
        '404':
          description: missing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
  /tokens:
    post:
      operationId: create_token
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewToken'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Token'}
components:
  schemas:
    Token:
      type: object
      required: [id, name, state]
      properties:
        id: {type: string, format: uuid}
        name: {type: string, nullable: true}
        state: {type: string, enum: [active, revoked]}
        scopes: {type: array, items: {type: string}}
    NewToken:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 100}
        role: {type: string, enum: [host, guest]}
    Error:
      type: object
      properties:
        error: {type: string}
";

/// The changes from `BASE` to `BASE` with `old` replaced by `new`.
fn changes(old: &str, new: &str) -> Vec<Finding> {
    assert_eq!(BASE.matches(old).count(), 1, "`{old}` must occur once");
    let before = Document::parse(BASE).unwrap();
    let after = Document::parse(&BASE.replace(old, new)).unwrap();
    compare(&before, &after, false)
}

/// Asserts that the changes are exactly `expected`: (rule, a piece of the message).
fn assert_changes(found: &[Finding], expected: &[(&str, &str)]) {
    let summary: Vec<String> = found
        .iter()
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect();
    assert_eq!(found.len(), expected.len(), "{summary:#?}");
    for (rule, piece) in expected {
        assert!(
            found
                .iter()
                .any(|f| f.rule == *rule && f.message.contains(piece)),
            "no {rule} containing {piece:?} in {summary:#?}"
        );
    }
    for finding in found {
        let severity = if finding.rule == BREAKING {
            Severity::Error
        } else {
            Severity::Info
        };
        assert_eq!(finding.severity, severity, "{finding:?}");
    }
}

#[test]
fn an_unchanged_document_has_no_changes() {
    assert_changes(&changes("title: t", "title: t"), &[]);
}

#[test]
fn removing_renaming_and_moving_operations_break() {
    let removed = changes("  /tokens:\n    post:", "  /tokens:\n    x-post:");
    assert_changes(
        &removed,
        &[(
            BREAKING,
            "operation `create_token` (POST /tokens) was removed",
        )],
    );
    assert_changes(
        &changes("operationId: get_token", "operationId: fetch_token"),
        &[(BREAKING, "`get_token` was renamed to `fetch_token`")],
    );
    assert_changes(
        &changes("  /tokens:\n    post:", "  /tokens:\n    put:"),
        &[(
            BREAKING,
            "`create_token` moved from POST /tokens to PUT /tokens",
        )],
    );
}

#[test]
fn a_new_operation_is_additive() {
    let new = "components:\n  schemas:";
    let added = concat!(
        "  /health:\n",
        "    get:\n",
        "      operationId: health\n",
        "      responses:\n",
        "        '204':\n",
        "          description: ok\n",
        "components:\n",
        "  schemas:",
    );
    assert_changes(
        &changes(new, added),
        &[(ADDITIVE, "operation `health` (GET /health) was added")],
    );
}

#[test]
fn parameter_changes_break_the_positional_method() {
    let view = "        - {name: view, in: query, schema: {type: string, enum: [basic, full]}}\n";
    assert_changes(
        &changes(view, ""),
        &[(
            BREAKING,
            "parameter `view` (query) of `get_token` was removed",
        )],
    );
    let required = view.to_owned()
        + "        - {name: v, in: query, required: true, schema: {type: string}}\n";
    assert_changes(
        &changes(view, &required),
        &[(BREAKING, "new required parameter `v`")],
    );
    let optional = view.to_owned() + "        - {name: v, in: query, schema: {type: string}}\n";
    assert_changes(
        &changes(view, &optional),
        &[(BREAKING, "new optional parameter `v`")],
    );
    assert_changes(
        &changes(
            "{name: view, in: query,",
            "{name: view, in: query, required: true,",
        ),
        &[(BREAKING, "parameter `view` of `get_token` became required")],
    );
}

#[test]
fn request_enums_may_widen_but_not_narrow() {
    assert_changes(
        &changes("enum: [basic, full]", "enum: [basic]"),
        &[(BREAKING, "no longer accepts \"full\"")],
    );
    assert_changes(
        &changes("enum: [basic, full]", "enum: [basic, full, raw]"),
        &[(ADDITIVE, "accepts \"raw\" now")],
    );
    assert_changes(
        &changes("enum: [host, guest]", "enum: [host]"),
        &[(
            BREAKING,
            "property `role` of schema `NewToken` no longer accepts \"guest\"",
        )],
    );
}

#[test]
fn response_enums_may_narrow_but_not_widen() {
    assert_changes(
        &changes(
            "enum: [active, revoked]",
            "enum: [active, revoked, expired]",
        ),
        &[(BREAKING, "may return \"expired\" now")],
    );
    assert_changes(
        &changes("enum: [active, revoked]", "enum: [active]"),
        &[(ADDITIVE, "no longer returns \"revoked\"")],
    );
}

#[test]
fn response_fields_must_stay_present_and_non_null() {
    let scopes = "        scopes: {type: array, items: {type: string}}\n";
    assert_changes(
        &changes(scopes, ""),
        &[(BREAKING, "property `scopes` of schema `Token` was removed")],
    );
    assert_changes(
        &changes("required: [id, name, state]", "required: [id, name]"),
        &[(
            BREAKING,
            "property `state` of schema `Token` became optional",
        )],
    );
    assert_changes(
        &changes(
            "state: {type: string,",
            "state: {type: string, nullable: true,",
        ),
        &[(
            BREAKING,
            "property `state` of schema `Token` may be null now",
        )],
    );
    assert_changes(
        &changes(
            scopes,
            &(scopes.to_owned() + "        created: {type: string}\n"),
        ),
        &[(ADDITIVE, "schema `Token` has a new property `created`")],
    );
}

#[test]
fn request_fields_must_not_become_required() {
    assert_changes(
        &changes("required: [name]", "required: [name, role]"),
        &[(
            BREAKING,
            "property `role` of schema `NewToken` became required",
        )],
    );
    let role = "        role: {type: string, enum: [host, guest]}\n";
    let with_ttl = role.to_owned() + "        ttl: {type: integer}\n";
    assert_changes(
        &changes(role, &with_ttl),
        &[(ADDITIVE, "schema `NewToken` has a new property `ttl`")],
    );
    let before = Document::parse(BASE).unwrap();
    let after = BASE
        .replace(role, &with_ttl)
        .replace("required: [name]", "required: [name, ttl]");
    assert_changes(
        &compare(&before, &Document::parse(&after).unwrap(), false),
        &[(
            BREAKING,
            "schema `NewToken` has a new required property `ttl`",
        )],
    );
}

#[test]
fn types_formats_and_request_bounds_are_compared() {
    assert_changes(
        &changes("items: {type: string}", "items: {type: integer}"),
        &[(
            BREAKING,
            "the type of the items of property `scopes` of schema `Token` changed from string to \
             integer",
        )],
    );
    assert_changes(
        &changes("id: {type: string, format: uuid}", "id: {type: string}"),
        &[(
            BREAKING,
            "the format of property `id` of schema `Token` changed from uuid to none",
        )],
    );
    assert_changes(
        &changes("maxLength: 100", "maxLength: 50"),
        &[(BREAKING, "has a lower `maxLength` (50)")],
    );
    assert_changes(&changes("maxLength: 100", "maxLength: 200"), &[]);
}

#[test]
fn statuses_success_ones_break_when_removed() {
    assert_changes(
        &changes(
            "        '201':\n          description: created",
            "        '200':\n          description: created",
        ),
        &[
            (BREAKING, "success status 201 of `create_token` was removed"),
            (ADDITIVE, "`create_token` documents status 200 now"),
        ],
    );
}

#[test]
fn allow_breaking_turns_errors_into_warnings() {
    let before = Document::parse(BASE).unwrap();
    let after = Document::parse(&BASE.replace("enum: [basic, full]", "enum: [basic]")).unwrap();
    let found = compare(&before, &after, true);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].rule, found[0].severity),
        (BREAKING, Severity::Warning)
    );
}

// End to end, in throw-away git repositories.

/// A fresh directory under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("xtask-change-guard-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=spec-check test",
            "-c",
            "user.email=test@localhost",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn spec_check(spec: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("spec-check")
        .arg("--spec")
        .arg(spec)
        .args(extra)
        .output()
        .expect("xtask runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn valid_minimal() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-minimal.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// Token's `id` loses its `format: uuid`: a type change users notice.
fn with_breaking_change(text: &str) -> String {
    let old = "        id:\n          type: string\n          format: uuid\n";
    assert_eq!(text.matches(old).count(), 1);
    text.replace(old, "        id:\n          type: string\n")
}

#[test]
fn the_guard_picks_its_revision_from_git_history() {
    let scratch = Scratch::new("history");
    let repo = &scratch.0;
    let spec = repo.join("api.yaml");
    git(repo, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::write(&spec, valid_minimal()).unwrap();
    git(repo, &["add", "api.yaml"]);
    git(repo, &["commit", "--quiet", "-m", "first"]);

    // One version only: nothing to compare with.
    let (code, out) = spec_check(&spec, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("the change guard was skipped: api.yaml has no version before"),
        "{out}"
    );

    // A breaking edit in the working copy is compared with the last commit.
    std::fs::write(&spec, with_breaking_change(&valid_minimal())).unwrap();
    let (code, out) = spec_check(&spec, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the last commit of the document; the working copy differs"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("error[breaking-change]")
                && l.contains("changed from uuid to none")),
        "{out}"
    );

    let (code, out) = spec_check(&spec, &["--allow-breaking"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("warning[breaking-change]")),
        "{out}"
    );

    // Once committed, the commit is compared with its parent's version.
    git(repo, &["commit", "--quiet", "-am", "second"]);
    let (code, out) = spec_check(&spec, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the version before the last commit of the document"),
        "{out}"
    );

    // A tag takes precedence: compared with itself there is nothing to report.
    git(repo, &["tag", "v1.0.0"]);
    let (code, out) = spec_check(&spec, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("compared with v1.0.0 (the most recent tag)"),
        "{out}"
    );

    // An explicit revision wins over the tag; an unknown one skips the guard.
    let (code, out) = spec_check(&spec, &["--against", "HEAD~1"]);
    assert_eq!(code, Some(1), "{out}");
    let (code, out) = spec_check(&spec, &["--against", "no-such-revision"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("the change guard was skipped: no-such-revision has no api.yaml"),
        "{out}"
    );
}

#[test]
fn without_git_the_guard_is_skipped() {
    let scratch = Scratch::new("no-git");
    let spec = scratch.0.join("api.yaml");
    std::fs::write(&spec, valid_minimal()).unwrap();
    let (code, out) = spec_check(&spec, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("the change guard was skipped: no git repository"),
        "{out}"
    );
}
