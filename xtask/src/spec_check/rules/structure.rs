//! `unknown-key` and `structure`: the document has the shape the OpenAPI 3.0 specification
//! gives it.
//!
//! openapiv3, which feeds the generator, drops keys it does not know without a word, so a
//! misspelt `requried:` or `operationID:` silently changes the generated client. `unknown-key`
//! reports every key that the object's kind does not define (extensions, `x-...`, aside), with
//! the likely intended key. `structure` reports values of the wrong type, missing required
//! keys, keys that exclude each other, and malformed names.

use serde_json::{Map, Value};

use super::super::Context;
use super::super::document::{push_pointer, reference_of};
use super::super::finding::Finding;
use super::super::walk::{Field, Kind, Node, pattern_key_applies, quote_list};
use super::{closest, show, type_name, version};

/// Unknown or misspelt keys.
pub const UNKNOWN_KEY: &str = "unknown-key";
/// Wrong value types, missing or conflicting keys.
pub const STRUCTURE: &str = "structure";

/// Checks the keys and values of every object.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for node in &ctx.nodes {
        let Some(object) = node.value.as_object() else {
            continue;
        };
        if node.is_ref {
            check_reference(node, object, out);
            continue;
        }
        for (key, value) in object {
            check_key(node, key, value, out);
        }
        check_required(node, object, out);
        check_exclusive(node, object, out);
        if node.kind == Kind::Components {
            check_component_names(node, object, out);
        }
    }
}

/// A Reference object holds `$ref` and nothing else in 3.0: siblings are ignored.
fn check_reference(node: &Node, object: &Map<String, Value>, out: &mut Vec<Finding>) {
    if reference_of(node.value).is_none() {
        out.push(
            Finding::error(
                STRUCTURE,
                push_pointer(&node.pointer, "$ref"),
                format!(
                    "`$ref` must be a string, found {}",
                    show(&node.value["$ref"])
                ),
            )
            .hint("write it as `$ref: '#/components/...'`"),
        );
    }
    for key in object.keys().filter(|k| *k != "$ref") {
        out.push(
            Finding::error(
                UNKNOWN_KEY,
                push_pointer(&node.pointer, key),
                format!(
                    "`{key}` beside `$ref` is ignored: a 3.0 Reference object holds only `$ref`"
                ),
            )
            .hint("move it into the referenced component, or drop it"),
        );
    }
}

fn check_key(node: &Node, key: &str, value: &Value, out: &mut Vec<Finding>) {
    let pointer = push_pointer(&node.pointer, key);
    let kind = node.kind;

    if let Some(field) = kind.field(key) {
        // `openapi` and the 3.1 spellings of schema keys belong to `openapi-version`.
        let owned_elsewhere = (kind == Kind::OpenApi && key == "openapi")
            || version::is_reported_here(kind, key, value);
        if !owned_elsewhere {
            check_value(&pointer, field, value, out);
        }
        return;
    }
    if kind.allows_extensions() && key.starts_with("x-") {
        return;
    }
    if let Some(field) = kind.pattern() {
        if pattern_key_applies(kind, key) {
            if kind == Kind::Responses && !is_status_key(key) {
                out.push(
                    Finding::error(
                        STRUCTURE,
                        pointer,
                        format!("`{key}` is not a response status"),
                    )
                    .hint("use a code from 100 to 599, a range such as `4XX`, or `default`"),
                );
            } else {
                check_value(&pointer, field, value, out);
            }
            return;
        }
        if kind == Kind::Paths {
            out.push(
                Finding::error(
                    STRUCTURE,
                    pointer,
                    format!("path `{key}` does not start with `/`"),
                )
                .hint(format!("write it as `/{key}`")),
            );
            return;
        }
    }
    if version::is_reported_here(kind, key, value) {
        return;
    }

    let message = if key == "$ref" {
        format!("`$ref` is not allowed in {} object", an(kind))
    } else {
        format!("unknown key `{key}` in {} object", an(kind))
    };
    let names = kind.fields().iter().map(|(name, _)| *name);
    let hint = match closest(key, names) {
        Some(candidate) => format!("did you mean `{candidate}`?"),
        None if kind.fields().is_empty() => {
            "only the documented keys and `x-` extensions are allowed".to_owned()
        }
        None => format!(
            "{} object allows {}, and `x-` extensions",
            an(kind),
            quote_list(
                &kind
                    .fields()
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
            )
        ),
    };
    out.push(Finding::error(UNKNOWN_KEY, pointer, message).hint(hint));
}

fn an(kind: Kind) -> String {
    let name = kind.name();
    let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// `200`, `4XX` or `default`.
fn is_status_key(key: &str) -> bool {
    if key == "default" {
        return true;
    }
    let bytes = key.as_bytes();
    if bytes.len() != 3 || !(b'1'..=b'5').contains(&bytes[0]) {
        return false;
    }
    bytes[1..].iter().all(u8::is_ascii_digit) || &bytes[1..] == b"XX"
}

/// Reports `value` when it is not what `field` requires.
fn check_value(pointer: &str, field: Field, value: &Value, out: &mut Vec<Finding>) {
    let problem = match field {
        Field::Str => (!value.is_string()).then(|| expected(field, value)),
        Field::Bool => (!value.is_boolean()).then(|| expected(field, value)),
        Field::Number => (!value.is_number()).then(|| expected(field, value)),
        Field::Count => value.as_u64().is_none().then(|| expected(field, value)),
        Field::Any => None,
        Field::Strings => match value.as_array() {
            Some(items) if items.iter().all(Value::is_string) => None,
            _ => Some(expected(field, value)),
        },
        Field::Names => match value.as_array() {
            Some(items) if items.is_empty() => {
                Some("`required` must list at least one property in OpenAPI 3.0".to_owned())
            }
            Some(items) if items.iter().all(Value::is_string) => {
                let mut seen = std::collections::HashSet::new();
                items
                    .iter()
                    .find(|item| !seen.insert(item.as_str()))
                    .map(|item| format!("{} is listed twice", show(item)))
            }
            _ => Some(expected(field, value)),
        },
        Field::Values => match value.as_array() {
            Some(items) if !items.is_empty() => None,
            _ => Some(expected(field, value)),
        },
        Field::OneOf(allowed) => match value.as_str() {
            Some(text) if allowed.contains(&text) => None,
            Some(text) => {
                let hint = closest(text, allowed.iter().copied())
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                Some(format!("`{text}` is not {}{hint}", field.describe()))
            }
            None => Some(expected(field, value)),
        },
        Field::Object(_) | Field::RefOr(_) => (!value.is_object()).then(|| expected(field, value)),
        Field::SchemaOrBool => {
            (!value.is_object() && !value.is_boolean()).then(|| expected(field, value))
        }
        Field::List(_) | Field::ListRefOr(..) => match value.as_array() {
            Some(items) if items.is_empty() && matches!(field, Field::ListRefOr(_, true)) => {
                Some(format!("must be {}", field.describe()))
            }
            Some(items) => items
                .iter()
                .position(|item| !item.is_object())
                .map(|index| {
                    format!(
                        "item {index} is not an object; must be {}",
                        field.describe()
                    )
                }),
            None => Some(expected(field, value)),
        },
        Field::Map(_) | Field::MapRefOr(_) => match value.as_object() {
            Some(entries) => entries
                .iter()
                .find(|(_, item)| !item.is_object())
                .map(|(name, _)| {
                    format!(
                        "entry `{name}` is not an object; must be {}",
                        field.describe()
                    )
                }),
            None => Some(expected(field, value)),
        },
        Field::MapStr => match value.as_object() {
            Some(entries) => entries
                .iter()
                .find(|(_, item)| !item.is_string())
                .map(|(name, _)| format!("entry `{name}` is not a string")),
            None => Some(expected(field, value)),
        },
        Field::MapAny => (!value.is_object()).then(|| expected(field, value)),
    };
    if let Some(problem) = problem {
        let finding = Finding::error(STRUCTURE, pointer, problem);
        // A quoted `"true"` or `"1"` is the usual slip; say so.
        let finding = match (field, value.as_str()) {
            (Field::Bool, Some("true" | "false")) => finding.hint("remove the quotes"),
            (Field::Number | Field::Count, Some(text)) if text.parse::<f64>().is_ok() => {
                finding.hint("remove the quotes")
            }
            _ => finding,
        };
        out.push(finding);
    }
}

fn expected(field: Field, value: &Value) -> String {
    format!("must be {}, found {}", field.describe(), type_name(value))
}

fn check_required(node: &Node, object: &Map<String, Value>, out: &mut Vec<Finding>) {
    for key in node.kind.required() {
        if object.contains_key(*key) || (node.kind == Kind::OpenApi && *key == "openapi") {
            continue;
        }
        out.push(
            Finding::error(
                STRUCTURE,
                node.pointer.clone(),
                format!("{} object needs `{key}`", an(node.kind)),
            )
            .hint(format!("add `{key}:`")),
        );
    }

    // Requirements that depend on other keys.
    let needs = |key: &str| !object.contains_key(key);
    let mut missing = Vec::new();
    match node.kind {
        Kind::SecurityScheme => match object.get("type").and_then(Value::as_str) {
            Some("apiKey") => missing.extend(["name", "in"].into_iter().filter(|k| needs(k))),
            Some("http") => missing.extend(["scheme"].into_iter().filter(|k| needs(k))),
            Some("oauth2") => missing.extend(["flows"].into_iter().filter(|k| needs(k))),
            Some("openIdConnect") => {
                missing.extend(["openIdConnectUrl"].into_iter().filter(|k| needs(k)));
            }
            _ => {}
        },
        Kind::OAuthFlow => {
            let flow = node.pointer.rsplit('/').next().unwrap_or_default();
            let keys: &[&str] = match flow {
                "implicit" => &["authorizationUrl"],
                "password" | "clientCredentials" => &["tokenUrl"],
                "authorizationCode" => &["authorizationUrl", "tokenUrl"],
                _ => &[],
            };
            missing.extend(keys.iter().copied().filter(|k| needs(k)));
        }
        Kind::Parameter | Kind::Header => {
            let has_schema = object.contains_key("schema");
            let content = object.get("content").and_then(Value::as_object);
            match (has_schema, content) {
                (false, None) => out.push(
                    Finding::error(
                        STRUCTURE,
                        node.pointer.clone(),
                        format!("{} object needs `schema` (or `content`)", an(node.kind)),
                    )
                    .hint("add `schema:` with the value's type"),
                ),
                (true, Some(_)) => out.push(
                    Finding::error(
                        STRUCTURE,
                        push_pointer(&node.pointer, "content"),
                        "`schema` and `content` exclude each other",
                    )
                    .hint("keep `schema`"),
                ),
                (false, Some(content)) if content.len() != 1 => out.push(Finding::error(
                    STRUCTURE,
                    push_pointer(&node.pointer, "content"),
                    format!(
                        "`content` must hold exactly one media type, found {}",
                        content.len()
                    ),
                )),
                _ => {}
            }
        }
        _ => {}
    }
    for key in missing {
        out.push(
            Finding::error(
                STRUCTURE,
                node.pointer.clone(),
                format!("{} object of this type needs `{key}`", an(node.kind)),
            )
            .hint(format!("add `{key}:`")),
        );
    }
}

/// Keys the specification declares mutually exclusive.
fn check_exclusive(node: &Node, object: &Map<String, Value>, out: &mut Vec<Finding>) {
    let pairs: &[(&str, &str)] = match node.kind {
        Kind::Example => &[("value", "externalValue")],
        Kind::Link => &[("operationRef", "operationId")],
        Kind::Parameter | Kind::Header | Kind::MediaType => &[("example", "examples")],
        _ => &[],
    };
    for (a, b) in pairs {
        if object.contains_key(*a) && object.contains_key(*b) {
            out.push(
                Finding::error(
                    STRUCTURE,
                    push_pointer(&node.pointer, b),
                    format!(
                        "`{a}` and `{b}` exclude each other in {} object",
                        an(node.kind)
                    ),
                )
                .hint(format!("keep one of `{a}` and `{b}`")),
            );
        }
    }
}

/// Component names must match `^[a-zA-Z0-9.\-_]+$`.
fn check_component_names(node: &Node, object: &Map<String, Value>, out: &mut Vec<Finding>) {
    for (section, entries) in object {
        if section.starts_with("x-") {
            continue;
        }
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for name in entries.keys() {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !valid {
                let pointer = push_pointer(&push_pointer(&node.pointer, section), name);
                out.push(
                    Finding::error(
                        STRUCTURE,
                        pointer,
                        format!(
                            "component name `{name}` has characters OpenAPI 3.0 does not allow"
                        ),
                    )
                    .hint("use only letters, digits, `.`, `-` and `_`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_keys() {
        for key in ["200", "404", "4XX", "default", "101"] {
            assert!(is_status_key(key), "{key}");
        }
        for key in ["20", "600", "2xx", "4X0", "ok"] {
            assert!(!is_status_key(key), "{key}");
        }
    }
}
