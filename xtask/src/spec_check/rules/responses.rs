//! `responses` and `request-body`: what an operation sends and receives, in the forms that
//! progenitor can turn into one method with one success type and one error type.
//!
//! progenitor sorts an operation's responses into successes (`2xx`, `101`, `default`) and
//! errors (`4xx`, `5xx`, `default`) and asserts that each group has a single body type: a
//! second schema, or a body on one error status and none on another, stops the build with
//! `assertion failed: response_types.len() <= 1`. This rule repeats that classification on
//! the document so that the finding names the statuses at fault instead.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::super::Context;
use super::super::document::{Document, push_pointer, reference_of};
use super::super::finding::Finding;
use super::super::walk::Kind;

/// Responses of an operation.
pub const RESPONSES: &str = "responses";
/// Request bodies.
pub const REQUEST_BODY: &str = "request-body";

/// What progenitor makes of a response body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Body {
    /// No content.
    None,
    /// Content, but no JSON: handed over as raw bytes.
    Raw,
    /// A JSON body of the schema at this `$ref`.
    Ref(String),
    /// A JSON body whose schema is written inline at this pointer.
    Inline(String),
}

impl Body {
    fn describe(&self) -> String {
        match self {
            Body::None => "no body".to_owned(),
            Body::Raw => "a non-JSON body".to_owned(),
            Body::Ref(reference) => format!("`{reference}`"),
            Body::Inline(pointer) => format!("the inline schema at {pointer}"),
        }
    }
}

/// Checks every response and every operation's responses and request body.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for node in ctx.objects(Kind::Response) {
        if !node.value.get("description").is_some_and(Value::is_string) {
            out.push(
                Finding::error(
                    RESPONSES,
                    node.pointer.clone(),
                    "the response has no `description`",
                )
                .hint(
                    "add one; OpenAPI 3.0 requires it and progenitor puts it in the method's docs",
                ),
            );
        }
    }
    for node in ctx.objects(Kind::Operation) {
        if node.pointer.contains("/callbacks/") {
            continue; // progenitor generates nothing for callbacks.
        }
        check_operation(ctx, &node.pointer, node.value, out);
        if let Some(body) = node.value.get("requestBody") {
            check_request_body(ctx, &push_pointer(&node.pointer, "requestBody"), body, out);
        }
    }
}

fn check_operation(ctx: &Context, pointer: &str, operation: &Value, out: &mut Vec<Finding>) {
    let responses_pointer = push_pointer(pointer, "responses");
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return;
    };
    let statuses: Vec<&String> = responses.keys().filter(|k| !k.starts_with("x-")).collect();
    if statuses.is_empty() {
        out.push(
            Finding::error(
                RESPONSES,
                responses_pointer,
                "the operation documents no response",
            )
            .hint("add at least the success response"),
        );
        return;
    }
    if !statuses.iter().any(|s| s.starts_with('2')) {
        out.push(
            Finding::error(
                RESPONSES,
                responses_pointer.clone(),
                "the operation has no 2xx response",
            )
            .hint("document the success response; without one progenitor returns untyped bytes"),
        );
    }
    if !statuses.iter().any(|s| {
        s.len() == 3
            && s.starts_with('4')
            && s[1..].bytes().all(|b| b.is_ascii_digit() || b == b'X')
    }) {
        out.push(
            Finding::warning(
                RESPONSES,
                responses_pointer.clone(),
                "the operation has no 4xx response",
            )
            .hint("document at least the client errors it can return, such as 404"),
        );
    }

    // Classify as progenitor does: (order, status, body).
    let mut classified: Vec<(u16, String, Body)> = Vec::new();
    for status in &statuses {
        let item_pointer = push_pointer(&responses_pointer, status);
        let Some((target, response)) = ctx.doc.resolve(&item_pointer, &responses[status.as_str()])
        else {
            continue; // `ref-resolves` reports it.
        };
        let Some(body) = body_of(&target, response, out) else {
            continue;
        };
        check_body_is_object(ctx, &body, out);
        let order = match status.as_str() {
            "default" => 1000,
            s if s.ends_with("XX") => u16::from(s.as_bytes()[0] - b'0') * 100,
            s => s.parse().unwrap_or(0),
        };
        classified.push((order, (*status).clone(), body));
    }
    classified.sort();

    let is_success = |s: &str| s == "default" || s == "101" || s.starts_with('2');
    let is_error = |s: &str| s == "default" || s.starts_with('4') || s.starts_with('5');
    let mut successes: Vec<&(u16, String, Body)> =
        classified.iter().filter(|c| is_success(&c.1)).collect();
    let errors: Vec<&(u16, String, Body)> = classified.iter().filter(|c| is_error(&c.1)).collect();
    // progenitor drops `default` from the successes when a `2XX` range precedes it.
    if let [.., (_, range, _), (_, last, _)] = successes.as_slice()
        && range == "2XX"
        && last == "default"
    {
        successes.pop();
    }

    report_mixed_bodies(&responses_pointer, "success", &successes, out);
    report_mixed_bodies(&responses_pointer, "error", &errors, out);
}

/// What progenitor makes of one response; `None` when it would stop on it (reported).
fn body_of(pointer: &str, response: &Value, out: &mut Vec<Finding>) -> Option<Body> {
    let content = response.get("content").and_then(Value::as_object);
    let Some(content) = content.filter(|c| !c.is_empty()) else {
        return Some(Body::None);
    };
    let json = content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
    let Some((media, media_type)) = json else {
        return Some(Body::Raw);
    };
    let media_pointer = push_pointer(&push_pointer(pointer, "content"), media);

    if media_type
        .get("encoding")
        .and_then(Value::as_object)
        .is_some_and(|e| !e.is_empty())
    {
        out.push(
            Finding::error(
                RESPONSES,
                push_pointer(&media_pointer, "encoding"),
                "a JSON response has an `encoding`",
            )
            .hint("remove it; progenitor stops on an encoding in a response (`assertion failed`)"),
        );
        return None;
    }
    let Some(schema) = media_type.get("schema") else {
        out.push(
            Finding::error(
                RESPONSES,
                media_pointer,
                format!("`{media}` response has no schema"),
            )
            .hint(
                "add `schema:`; progenitor stops on a JSON response without one (`not yet \
                    implemented`)",
            ),
        );
        return None;
    };
    Some(match reference_of(schema) {
        Some(reference) => Body::Ref(reference.to_owned()),
        None => Body::Inline(push_pointer(&media_pointer, "schema")),
    })
}

/// The crate decodes every JSON response with `decode_json` (`src/transport.rs`), which
/// refuses a body that is not a JSON object before serde sees it: an operation that answers
/// with an array or a scalar would build, then fail on every call.
fn check_body_is_object(ctx: &Context, body: &Body, out: &mut Vec<Finding>) {
    let pointer = match body {
        Body::Ref(reference) => match Document::ref_pointer(reference) {
            // A reference to anything but a schema is `ref-resolves`'s to report.
            Some(pointer) if pointer.starts_with("/components/schemas/") => pointer,
            _ => return,
        },
        Body::Inline(pointer) => pointer.clone(),
        Body::None | Body::Raw => return,
    };
    let Some((pointer, problem)) = not_an_object(ctx, &pointer, 0) else {
        return;
    };
    out.push(
        Finding::error(
            RESPONSES,
            pointer,
            format!(
                "a JSON response body must be an object, and this schema {problem}: the client \
                 refuses any other body before decoding it (`decode_json`)"
            ),
        )
        .hint("make it an object, as every SignalWire response is"),
    );
}

/// Where and how the schema at `pointer` admits something other than a JSON object: another
/// type, no type at all, `null`, or a `oneOf`/`anyOf` choice that is not an object.
fn not_an_object(ctx: &Context, pointer: &str, depth: usize) -> Option<(String, String)> {
    // `ref-resolves` reports what does not resolve, and cycles.
    let (pointer, schema) = ctx
        .doc
        .get(pointer)
        .and_then(|value| ctx.doc.resolve(pointer, value))?;
    if depth > 16 {
        return None;
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Some((
            pointer,
            "is nullable, and a `null` body would be refused".to_owned(),
        ));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => return None,
        Some(kind) => return Some((pointer, format!("is of type `{kind}`"))),
        None => {}
    }
    for key in ["oneOf", "anyOf"] {
        let Some(choices) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        let choices_pointer = push_pointer(&pointer, key);
        return (0..choices.len()).find_map(|index| {
            not_an_object(
                ctx,
                &push_pointer(&choices_pointer, &index.to_string()),
                depth + 1,
            )
        });
    }
    let object_keys = ["properties", "additionalProperties", "required", "allOf"];
    if object_keys.iter().any(|key| schema.get(key).is_some()) {
        return None;
    }
    Some((
        pointer,
        "has no type, so it allows any JSON value".to_owned(),
    ))
}

fn report_mixed_bodies(
    pointer: &str,
    group: &str,
    responses: &[&(u16, String, Body)],
    out: &mut Vec<Finding>,
) {
    let mut by_body: BTreeMap<&Body, Vec<&str>> = BTreeMap::new();
    for (_, status, body) in responses {
        by_body.entry(body).or_default().push(status);
    }
    if by_body.len() <= 1 {
        return;
    }
    let list: Vec<String> = by_body
        .iter()
        .map(|(body, statuses)| format!("{} for {}", body.describe(), statuses.join(", ")))
        .collect();
    let with_default = responses.iter().any(|(_, s, _)| s == "default");
    let hint = if group == "error" && by_body.contains_key(&Body::None) {
        "either every error status has a body of the one error schema or none has".to_owned()
    } else if with_default {
        "`default` counts as both a success and an error for progenitor; give it the body of the \
         group it shares, or replace it with explicit statuses"
            .to_owned()
    } else {
        format!("give every {group} status the same schema (one `$ref`)")
    };
    out.push(
        Finding::error(
            RESPONSES,
            pointer,
            format!(
                "the {group} responses have {} different bodies ({}): progenitor accepts one \
                    {group} \
                 type per operation and panics with `assertion failed: response_types.len() <= 1`",
                by_body.len(),
                list.join("; ")
            ),
        )
        .hint(hint),
    );
}

fn check_request_body(ctx: &Context, pointer: &str, body: &Value, out: &mut Vec<Finding>) {
    let Some((target, body)) = ctx.doc.resolve(pointer, body) else {
        return;
    };
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return;
    };
    let content_pointer = push_pointer(&target, "content");
    match content.len() {
        0 => {
            out.push(
                Finding::warning(
                    REQUEST_BODY,
                    content_pointer,
                    "the request body has no media type",
                )
                .hint("add the one media type the operation takes, or remove `requestBody`"),
            );
            return;
        }
        1 => {}
        n => {
            out.push(
                Finding::error(
                    REQUEST_BODY,
                    content_pointer,
                    format!("the request body offers {n} media types"),
                )
                .hint("keep one; progenitor stops on more (`not yet implemented`)"),
            );
            return;
        }
    }
    let Some((media, media_type)) = content.iter().next() else {
        return;
    };
    check_body_media(
        &push_pointer(&content_pointer, media),
        media,
        media_type,
        out,
    );
}

fn check_body_media(pointer: &str, media: &str, media_type: &Value, out: &mut Vec<Finding>) {
    let base = media.split(';').next().unwrap_or_default().trim();
    let supported = [
        "application/json",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
        "text/plain",
        "text/x-markdown",
    ];
    if !supported.contains(&base) {
        out.push(
            Finding::error(
                REQUEST_BODY,
                pointer,
                format!(
                    "progenitor cannot send a `{media}` \
                body"
                ),
            )
            .hint(
                "use application/json, application/x-www-form-urlencoded, \
                    application/octet-stream or text/plain",
            ),
        );
        return;
    }
    if media_type.get("schema").is_none() {
        out.push(
            Finding::error(
                REQUEST_BODY,
                pointer,
                "the request body's media type has no schema",
            )
            .hint("add `schema:`; progenitor refuses a body without one"),
        );
    }
    let encoding = media_type.get("encoding").and_then(Value::as_object);
    if encoding.is_some_and(|e: &Map<String, Value>| !e.is_empty()) {
        out.push(
            Finding::error(
                REQUEST_BODY,
                push_pointer(pointer, "encoding"),
                "the request body has an `encoding`",
            )
            .hint("remove it; progenitor stops on one (`not yet implemented`)"),
        );
    }
}
