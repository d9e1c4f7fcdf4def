//! `example-valid`: every example in the document is a valid instance of its schema.
//!
//! Examples end up in the generated documentation and in the fixtures of the client's tests,
//! and an example that its own schema rejects is a sign that one of the two is wrong. The
//! examples checked are a schema's `example`, a media type's, parameter's or header's
//! `example` and `examples` (following `$ref`s to `components/examples`), with the
//! validator in [`crate::spec_check::validate`].

use serde_json::Value;

use super::super::Context;
use super::super::document::push_pointer;
use super::super::finding::{Finding, Severity};
use super::super::validate::{Direction, Validator};
use super::super::walk::Kind;

/// The rule's name.
pub const RULE: &str = "example-valid";

/// Validates every example against its schema.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for node in &ctx.nodes {
        if node.is_ref {
            continue;
        }
        match node.kind {
            Kind::Schema => {
                if let Some(example) = node.value.get("example") {
                    let at = push_pointer(&node.pointer, "example");
                    validate(
                        ctx,
                        Direction::Either,
                        &node.pointer,
                        node.value,
                        &at,
                        example,
                        out,
                    );
                }
            }
            Kind::MediaType | Kind::Parameter | Kind::Header => {
                let Some(schema) = node.value.get("schema") else {
                    continue;
                };
                let schema_pointer = push_pointer(&node.pointer, "schema");
                let direction = direction_of(node.kind, &node.pointer);
                if let Some(example) = node.value.get("example") {
                    let at = push_pointer(&node.pointer, "example");
                    validate(ctx, direction, &schema_pointer, schema, &at, example, out);
                }
                let examples = node.value.get("examples").and_then(Value::as_object);
                for (name, example) in examples.into_iter().flatten() {
                    let pointer = push_pointer(&push_pointer(&node.pointer, "examples"), name);
                    let Some((target, example)) = ctx.doc.resolve(&pointer, example) else {
                        continue;
                    };
                    let Some(value) = example.get("value") else {
                        continue;
                    };
                    let at = push_pointer(&target, "value");
                    validate(ctx, direction, &schema_pointer, schema, &at, value, out);
                }
            }
            _ => {}
        }
    }
}

/// Requests for parameters and request bodies, responses for headers and response bodies.
fn direction_of(kind: Kind, pointer: &str) -> Direction {
    match kind {
        Kind::Parameter => Direction::Request,
        Kind::Header => Direction::Response,
        _ if pointer.contains("/requestBody/")
            || pointer.starts_with("/components/requestBodies/") =>
        {
            Direction::Request
        }
        _ if pointer.contains("/responses/") => Direction::Response,
        _ => Direction::Either,
    }
}

fn validate(
    ctx: &Context,
    direction: Direction,
    schema_pointer: &str,
    schema: &Value,
    at: &str,
    example: &Value,
    out: &mut Vec<Finding>,
) {
    let validator = Validator::new(ctx.doc, direction);
    for violation in validator.validate(schema_pointer, schema, example) {
        let pointer = format!("{at}{}", violation.at);
        let finding = match violation.severity {
            Severity::Error => Finding::error(
                RULE,
                pointer,
                format!("the example does not fit its schema: {}", violation.message),
            )
            .hint("fix the example, or the schema if the example shows what the service sends"),
            _ => Finding::warning(
                RULE,
                pointer,
                format!(
                    "the example has a property its schema does not list: {}",
                    violation.message
                ),
            )
            .hint("check the property's spelling, or declare it in the schema"),
        };
        out.push(finding);
    }
}
