//! `cargo xtask spec-check`: proves that `openapi/conference-tokens.yaml` is a sound OpenAPI
//! 3.0 document that progenitor can turn into the client, and that it has not changed in a
//! way that breaks users since the last release.
//!
//! [`check_text`] runs every document rule on a text and is what the tests call;
//! [`run`] adds reading the file and the change guard against an earlier git revision, and is
//! what the command line calls. The rules themselves live in [`rules`], one module per group,
//! each reporting under its own name so that a finding says which rule to read about.

pub mod compat;
pub mod document;
pub mod finding;
pub mod lines;
pub mod rules;
pub mod validate;
pub mod walk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use finding::{Finding, Severity, Tally};

use document::Document;
use walk::Node;

/// The document's place in the workspace, used when no `--spec` is given.
pub const DEFAULT_SPEC: &str = "openapi/conference-tokens.yaml";

/// What the command line asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The document to check.
    pub spec: PathBuf,
    /// The git revision to compare against; `None` picks one (see [`compat`]).
    pub against: Option<String>,
    /// Report breaking changes as warnings instead of errors.
    pub allow_breaking: bool,
}

/// The outcome of [`run`].
#[derive(Debug)]
pub struct Report {
    /// The document's path as printed in findings (relative to the workspace when inside it).
    pub display_path: String,
    /// Every finding, ordered by line.
    pub findings: Vec<Finding>,
}

/// The workspace root: the parent of this crate's manifest directory. Found from the
/// compile-time manifest path so that the command works from any current directory.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// What the rules get: the parsed document and every OpenAPI object in it.
pub struct Context<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Every object of the document with its kind, parents first.
    pub nodes: Vec<Node<'a>>,
}

impl<'a> Context<'a> {
    /// The non-reference nodes of `kind`.
    pub fn objects(&self, kind: walk::Kind) -> impl Iterator<Item = &Node<'a>> {
        self.nodes
            .iter()
            .filter(move |node| node.kind == kind && !node.is_ref)
    }
}

/// Checks the document in `text` with every rule but the change guard.
pub fn check_text(text: &str) -> Vec<Finding> {
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(finding) => return vec![finding],
    };
    let mut findings = rules::check(&doc, text);
    finish(&doc, &mut findings);
    findings
}

/// Reads the document named in `options`, checks it, and compares it with the earlier version.
///
/// # Errors
///
/// A message when the document cannot be read at all; everything wrong with its content is a
/// finding instead.
pub fn run(options: &Options) -> Result<Report, String> {
    let text = std::fs::read_to_string(&options.spec)
        .map_err(|err| format!("cannot read {}: {err}", options.spec.display()))?;
    let display_path = display_path(&options.spec);

    let mut findings = check_text(&text);
    if let Ok(doc) = Document::parse(&text) {
        let mut changes = compat::guard(&options.spec, &doc, options);
        finish(&doc, &mut changes);
        findings.extend(changes);
    }
    findings.sort_by_key(|f| (f.line.unwrap_or(0), f.severity));
    Ok(Report {
        display_path,
        findings,
    })
}

/// Fills in lines, drops duplicates and orders findings by line.
fn finish(doc: &Document, findings: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    findings.retain(|f| seen.insert((f.severity, f.rule, f.pointer.clone(), f.message.clone())));
    for finding in findings.iter_mut() {
        if finding.line.is_none() && !finding.pointer.is_empty() {
            finding.line = doc.line(&finding.pointer);
        }
    }
    findings.sort_by_key(|f| (f.line.unwrap_or(0), f.severity));
}

/// `openapi/conference-tokens.yaml` rather than an absolute path, when the file is inside the
/// workspace.
fn display_path(spec: &Path) -> String {
    let absolute = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let root = std::fs::canonicalize(workspace_root()).unwrap_or_else(|_| workspace_root());
    match absolute.strip_prefix(&root) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => spec.display().to_string(),
    }
}
