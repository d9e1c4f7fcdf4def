//! The document rules, one module per group. Each rule reports under a stable name (the
//! `RULE` constants below), which is what a finding prints in brackets and what the tests
//! assert on.
//!
//! | rule | module |
//! | --- | --- |
//! | `openapi-version` | [`version`] |
//! | `unknown-key`, `structure` | [`structure`] |
//! | `ref-resolves`, `unused-component` | [`refs`] |
//! | `operation-id` | [`operation_id`] |
//! | `path-params`, `path-shape` | [`paths`] |
//! | `security` | [`security`] |
//! | `responses`, `request-body` | [`responses`] |
//! | `example-valid` | [`examples`] |
//! | `param-bounds`, `schema-consistency` | [`schemas`] |
//! | `servers`, `docs`, `markdown` | [`metadata`] |
//! | `generator` | [`generator`] |
//!
//! `yaml-syntax` is reported by [`super::document`] and the change guard by [`super::compat`].

pub mod examples;
pub mod generator;
pub mod metadata;
pub mod operation_id;
pub mod paths;
pub mod refs;
pub mod responses;
pub mod schemas;
pub mod security;
pub mod structure;
pub mod version;

use super::Context;
use super::document::Document;
use super::finding::Finding;
use super::walk::walk;

/// Runs every rule on `doc` (parsed from `text`, which the generator reads again).
///
/// A document that is not OpenAPI 3.0 gets only the version findings: the other rules and
/// the generator assume 3.0, and would bury the one finding that matters under their noise.
pub fn check(doc: &Document, text: &str) -> Vec<Finding> {
    let ctx = Context {
        doc,
        nodes: walk(&doc.root),
    };
    let mut findings = Vec::new();

    let is_3_0 = version::check(&ctx, &mut findings);
    if !is_3_0 {
        findings.push(Finding::info(
            version::RULE,
            "",
            "the other rules were skipped because the document is not OpenAPI 3.0",
        ));
        return findings;
    }

    structure::check(&ctx, &mut findings);
    let circular = refs::check(&ctx, &mut findings);
    operation_id::check(&ctx, &mut findings);
    paths::check(&ctx, &mut findings);
    security::check(&ctx, &mut findings);
    responses::check(&ctx, &mut findings);
    examples::check(&ctx, &mut findings);
    schemas::check(&ctx, &mut findings);
    metadata::check(&ctx, &mut findings);
    if circular {
        // Schemas made only of references that point at each other give the generator
        // nothing to stop on; it could recurse until the stack overflows and take this
        // process with it.
        findings.push(Finding::info(
            generator::RULE,
            "",
            "progenitor was not run because a reference leads into a circle",
        ));
    } else {
        generator::check(text, &mut findings);
    }
    findings
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&word_lower, &candidate.to_lowercase());
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    let (distance, candidate) = best?;
    let allowed = (word.chars().count() / 3).max(1);
    (distance <= allowed).then_some(candidate)
}

/// Levenshtein distance, with a transposition of neighbours counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The JSON type of `value` as messages name it.
pub fn type_name(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short, one-line rendering of a value for messages.
pub fn show(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_key() {
        let keys = ["required", "properties", "responses", "operationId"];
        assert_eq!(closest("requried", keys), Some("required"));
        assert_eq!(closest("respones", keys), Some("responses"));
        assert_eq!(closest("operationID", keys), Some("operationId"));
        assert_eq!(closest("colour", keys), None);
    }
}
