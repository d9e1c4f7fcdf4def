//! `openapi-version`: the document must be OpenAPI 3.0.x, because progenitor reads nothing
//! else, and must not use the constructs that OpenAPI 3.1 added.
//!
//! A 3.1 document is refused as a whole, and each 3.1 construct is named where it appears, so
//! that rewriting the document as 3.0 is a matter of following the list. The constructs are
//! also reported in a document that claims 3.0: openapiv3 would drop most of them silently
//! and the generated client would not say what the author meant.

use serde_json::Value;

use super::super::Context;
use super::super::document::push_pointer;
use super::super::finding::Finding;
use super::super::walk::Kind;

/// The rule's name.
pub const RULE: &str = "openapi-version";

/// Schema keywords that OpenAPI 3.0 lacks but 3.1 (JSON Schema 2020-12) has, with the 3.0
/// way of saying the same thing.
const SCHEMA_KEYWORDS_3_1: &[(&str, &str)] = &[
    ("const", "use `enum` with the one value"),
    ("examples", "use `example` with one value"),
    ("$schema", "remove it; 3.0 schemas have no dialect"),
    (
        "$id",
        "remove it and refer to the schema by its place under `components/schemas`",
    ),
    (
        "$anchor",
        "remove it and refer to the schema by its place under `components/schemas`",
    ),
    ("$defs", "move the definitions to `components/schemas`"),
    ("$dynamicRef", "use a plain `$ref`"),
    ("$dynamicAnchor", "remove it"),
    ("$comment", "use `description`, or a YAML comment"),
    (
        "prefixItems",
        "3.0 has only `items`, one schema for every item",
    ),
    ("unevaluatedProperties", "use `additionalProperties`"),
    ("unevaluatedItems", "remove it; 3.0 has only `items`"),
    ("contentMediaType", "use `format: binary`"),
    ("contentEncoding", "use `format: byte` for base64"),
    ("contentSchema", "remove it"),
    (
        "dependentRequired",
        "remove it and describe the dependency in `description`",
    ),
    (
        "dependentSchemas",
        "remove it and describe the dependency in `description`",
    ),
    (
        "patternProperties",
        "use `additionalProperties` with the value schema",
    ),
    (
        "propertyNames",
        "remove it and describe the names in `description`",
    ),
    (
        "contains",
        "remove it and describe the constraint in `description`",
    ),
    ("minContains", "remove it"),
    ("maxContains", "remove it"),
    ("if", "use `oneOf`"),
    ("then", "use `oneOf`"),
    ("else", "use `oneOf`"),
];

/// Keys of other objects that only 3.1 has, by the kind of object they appear in.
const OBJECT_KEYS_3_1: &[(Kind, &str, &str)] = &[
    (
        Kind::OpenApi,
        "webhooks",
        "3.0 has no webhooks; describe them as `callbacks` of an operation or drop them",
    ),
    (
        Kind::OpenApi,
        "jsonSchemaDialect",
        "remove it; 3.0 schemas have one fixed dialect",
    ),
    (Kind::Info, "summary", "move the text into `description`"),
    (
        Kind::License,
        "identifier",
        "give the licence's `url` instead",
    ),
    (
        Kind::Components,
        "pathItems",
        "write the path items under `paths`",
    ),
];

/// Whether `key` in an object of `kind` is a 3.1 construct that this rule reports, so that
/// `unknown-key` does not report it a second time.
pub fn is_reported_here(kind: Kind, key: &str, value: &Value) -> bool {
    match kind {
        Kind::Schema => {
            SCHEMA_KEYWORDS_3_1.iter().any(|(name, _)| *name == key)
                || (key == "type" && !value.is_string())
                || (key == "type" && value == "null")
                || (matches!(key, "exclusiveMinimum" | "exclusiveMaximum") && value.is_number())
        }
        _ => OBJECT_KEYS_3_1
            .iter()
            .any(|(k, name, _)| *k == kind && *name == key),
    }
}

/// Reports the version and every 3.1 construct; returns whether the document is 3.0.x, which
/// is what the other rules need to run.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) -> bool {
    let root = &ctx.doc.root;
    let is_3_0 = check_version_field(root, out);

    for node in &ctx.nodes {
        let Some(object) = node.value.as_object() else {
            continue;
        };
        if node.is_ref {
            continue;
        }
        for (key, value) in object {
            let pointer = push_pointer(&node.pointer, key);
            if node.kind == Kind::Schema {
                if let Some(finding) = schema_construct(&node.pointer, &pointer, key, value) {
                    out.push(finding);
                }
            } else if let Some((_, _, hint)) = OBJECT_KEYS_3_1
                .iter()
                .find(|(k, name, _)| *k == node.kind && name == key)
            {
                out.push(
                    Finding::error(
                        RULE,
                        pointer,
                        format!("`{key}` is an OpenAPI 3.1 construct"),
                    )
                    .hint(*hint),
                );
            }
        }
    }
    is_3_0
}

fn check_version_field(root: &Value, out: &mut Vec<Finding>) -> bool {
    if let Some(swagger) = root.get("swagger") {
        out.push(
            Finding::error(
                RULE,
                "/swagger",
                format!(
                    "swagger {} (OpenAPI 2.0) is not supported",
                    super::show(swagger)
                ),
            )
            .hint("convert the document to OpenAPI 3.0.3; progenitor reads 3.0 only"),
        );
        return false;
    }
    let Some(version) = root.get("openapi") else {
        out.push(
            Finding::error(RULE, "", "the document has no `openapi` version")
                .hint("start it with `openapi: 3.0.3`"),
        );
        return false;
    };
    let Some(text) = version.as_str() else {
        out.push(
            Finding::error(
                RULE,
                "/openapi",
                format!("`openapi` must be a string, found {}", super::show(version)),
            )
            .hint("quote it, as in `openapi: \"3.0.3\"`; YAML reads an unquoted 3.0 as a number"),
        );
        return false;
    };
    if is_3_0_version(text) {
        return true;
    }
    let finding = if text.starts_with("3.1") || text.starts_with("3.2") {
        Finding::error(
            RULE,
            "/openapi",
            format!("openapi {text} is not supported: progenitor reads OpenAPI 3.0 documents only"),
        )
        .hint(
            "write `openapi: 3.0.3` and rewrite the 3.1 constructs listed with it (`nullable: \
             true` for null, `example` for `examples`, no `webhooks`)",
        )
    } else {
        Finding::error(
            RULE,
            "/openapi",
            format!("`{text}` is not an OpenAPI 3.0 version"),
        )
        .hint("write `openapi: 3.0.3`")
    };
    out.push(finding);
    false
}

/// `3.0.N`, as the 3.0 specification's own schema requires.
fn is_3_0_version(text: &str) -> bool {
    text.strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// The finding for one key of a Schema object, when it is a 3.1 construct.
fn schema_construct(schema: &str, pointer: &str, key: &str, value: &Value) -> Option<Finding> {
    if let Some((_, hint)) = SCHEMA_KEYWORDS_3_1.iter().find(|(name, _)| *name == key) {
        return Some(
            Finding::error(
                RULE,
                pointer,
                format!("`{key}` is an OpenAPI 3.1 schema keyword"),
            )
            .hint(*hint),
        );
    }
    match (key, value) {
        ("type", Value::Array(types)) => {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            let others: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
            let hint = match (names.contains(&"null"), others.as_slice()) {
                (true, [one]) => format!("write `type: {one}` with `nullable: true`"),
                (true, _) => "use `oneOf` of the types, with `nullable: true`".to_owned(),
                (false, _) => "use `oneOf` with one schema per type".to_owned(),
            };
            Some(
                Finding::error(
                    RULE,
                    pointer,
                    format!(
                        "a type array ({}) is an OpenAPI 3.1 construct",
                        super::show(value)
                    ),
                )
                .hint(hint),
            )
        }
        ("type", Value::String(t)) if t == "null" => {
            // `anyOf: [{type: string}, {type: "null"}]` is how 3.1 spells a nullable string.
            let parent = schema.rsplit('/').nth(1).unwrap_or_default();
            let in_composition = matches!(parent, "anyOf" | "oneOf");
            let message = if in_composition {
                format!(
                    "`{parent}` with a `type: \"null\"` branch is how OpenAPI 3.1 says nullable"
                )
            } else {
                "`type: \"null\"` is an OpenAPI 3.1 construct".to_owned()
            };
            let hint = if in_composition {
                format!(
                    "drop the null branch and put `nullable: true` on the schema that holds \
                        `{parent}`"
                )
            } else {
                "3.0 has no null type; put `nullable: true` on the schema that may be null"
                    .to_owned()
            };
            Some(Finding::error(RULE, pointer, message).hint(hint))
        }
        ("exclusiveMinimum" | "exclusiveMaximum", Value::Number(_)) => {
            let bound = if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            Some(
                Finding::error(
                    RULE,
                    pointer,
                    format!("a numeric `{key}` is an OpenAPI 3.1 construct"),
                )
                .hint(format!("write `{bound}: {value}` with `{key}: true`")),
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_three_zero_patch_versions_pass() {
        assert!(is_3_0_version("3.0.0"));
        assert!(is_3_0_version("3.0.3"));
        assert!(!is_3_0_version("3.0"));
        assert!(!is_3_0_version("3.1.0"));
        assert!(!is_3_0_version("3.0.3-rc1"));
    }
}
