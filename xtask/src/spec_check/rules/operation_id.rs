//! `operation-id`: every operation has an `operationId`, unique in the document and written
//! in snake_case.
//!
//! progenitor names each generated method (and the types of its parameters and responses)
//! after the `operationId`, so a missing one stops generation, a duplicate one clashes, and
//! one in another case turns into a Rust name that no longer matches the document.

use std::collections::HashMap;

use super::super::Context;
use serde_json::Value;

use super::super::document::{push_pointer, reference_of};
use super::super::finding::Finding;
use super::super::walk::{Kind, METHODS};

/// The rule's name.
pub const RULE: &str = "operation-id";

/// Checks the `operationId` of every operation.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let mut first_use: HashMap<&str, &str> = HashMap::new();
    for node in ctx.objects(Kind::Operation) {
        let Some(id) = node.value.get("operationId") else {
            out.push(
                Finding::error(
                    RULE,
                    node.pointer.clone(),
                    "the operation has no `operationId`",
                )
                .hint(
                    "add a snake_case one such as `get_conference_token`; progenitor names \
                         the generated method after it",
                ),
            );
            continue;
        };
        let Some(id) = id.as_str() else { continue }; // `structure` reports the type.
        let pointer = push_pointer(&node.pointer, "operationId");

        if let Some(earlier) = first_use.get(id) {
            out.push(
                Finding::error(
                    RULE,
                    pointer.clone(),
                    format!("operationId `{id}` is also used at {earlier}"),
                )
                .hint("give every operation its own operationId"),
            );
        } else {
            first_use.insert(id, &node.pointer);
        }
        if !is_snake_case(id) {
            out.push(
                Finding::error(
                    RULE,
                    pointer,
                    format!("operationId `{id}` is not snake_case"),
                )
                .hint(format!(
                    "write `{}`; progenitor turns it into a Rust method name",
                    to_snake_case(id)
                )),
            );
        }
    }

    // A path item that is a `$ref` repeats the operations of its target, operationIds
    // included (progenitor refuses such path items anyway; `path-params` says so).
    let paths = ctx.doc.root.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        if reference_of(item).is_none() {
            continue;
        }
        let pointer = push_pointer("/paths", path);
        let Some((_, target)) = ctx.doc.resolve(&pointer, item) else {
            continue;
        };
        for method in METHODS {
            let id = target
                .get(*method)
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            if let Some(earlier) = id.and_then(|id| first_use.get(id).map(|e| (id, e))) {
                out.push(
                    Finding::error(
                        RULE,
                        pointer.clone(),
                        format!(
                            "operationId `{}` of the referenced path item is also used at {}",
                            earlier.0, earlier.1
                        ),
                    )
                    .hint("give every operation its own operationId"),
                );
            }
        }
    }
}

/// `lower_words_with_underscores`, starting with a letter.
fn is_snake_case(id: &str) -> bool {
    let mut previous_underscore = true;
    for (index, c) in id.chars().enumerate() {
        match c {
            'a'..='z' => previous_underscore = false,
            '0'..='9' if index > 0 => previous_underscore = false,
            '_' if !previous_underscore => previous_underscore = true,
            _ => return false,
        }
    }
    !id.is_empty() && !previous_underscore
}

/// A snake_case spelling of `id`, for the hint.
fn to_snake_case(id: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        previous = Some(c);
    }
    out.trim_end_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_is_recognised() {
        for ok in ["get_conference_token", "list", "v2_list"] {
            assert!(is_snake_case(ok), "{ok}");
        }
        for bad in [
            "getConferenceToken",
            "get-token",
            "_get",
            "get_",
            "get__token",
            "2get",
            "",
        ] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn the_hint_converts_common_spellings() {
        assert_eq!(to_snake_case("getConferenceToken"), "get_conference_token");
        assert_eq!(to_snake_case("list-tokens"), "list_tokens");
        assert_eq!(to_snake_case("ResetToken"), "reset_token");
    }
}
