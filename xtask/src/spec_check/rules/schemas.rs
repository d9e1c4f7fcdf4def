//! `param-bounds` and `schema-consistency`: what a schema says must make sense on its own.
//!
//! `param-bounds` covers limits and defaults: a range whose minimum exceeds its maximum, a
//! default outside the range or the enum, an exclusive bound without the bound (progenitor
//! stops on it). These become the validation of the generated types and the values the
//! client sends when the caller gives none, so they must hold.
//!
//! `schema-consistency` covers the rest of a schema's internal logic: keywords that do not
//! apply to its type (and so are silently ignored), arrays without `items`, `nullable`
//! without `type`, `required` names that no property declares, enum values of the wrong type
//! or repeated, patterns that are not ECMAScript regular expressions, and composition lists
//! that say nothing (`oneOf` of one schema, repeated or empty branches).

use serde_json::{Map, Value};

use super::super::Context;
use super::super::document::push_pointer;
use super::super::finding::{Finding, Severity};
use super::super::validate::{Direction, Validator, declared_properties, has_type, json_eq};
use super::super::walk::Kind;
use super::show;

/// Bounds and defaults.
pub const PARAM_BOUNDS: &str = "param-bounds";
/// Everything else a schema must agree with itself on.
pub const SCHEMA_CONSISTENCY: &str = "schema-consistency";

/// Keywords that apply only to some types, with those types.
const TYPED_KEYWORDS: &[(&str, &[&str])] = &[
    ("items", &["array"]),
    ("minItems", &["array"]),
    ("maxItems", &["array"]),
    ("uniqueItems", &["array"]),
    ("properties", &["object"]),
    ("additionalProperties", &["object"]),
    ("required", &["object"]),
    ("minProperties", &["object"]),
    ("maxProperties", &["object"]),
    ("minLength", &["string"]),
    ("maxLength", &["string"]),
    ("pattern", &["string"]),
    ("minimum", &["integer", "number"]),
    ("maximum", &["integer", "number"]),
    ("exclusiveMinimum", &["integer", "number"]),
    ("exclusiveMaximum", &["integer", "number"]),
    ("multipleOf", &["integer", "number"]),
];

/// Formats with a meaning for one type only.
const TYPED_FORMATS: &[(&str, &str)] = &[
    ("int32", "integer"),
    ("int64", "integer"),
    ("float", "number"),
    ("double", "number"),
    ("byte", "string"),
    ("binary", "string"),
    ("date", "string"),
    ("date-time", "string"),
    ("password", "string"),
    ("uuid", "string"),
    ("email", "string"),
    ("uri", "string"),
    ("hostname", "string"),
    ("ipv4", "string"),
    ("ipv6", "string"),
];

/// Checks every schema.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for node in ctx.objects(Kind::Schema) {
        let Some(schema) = node.value.as_object() else {
            continue;
        };
        check_bounds(&node.pointer, schema, out);
        check_default(ctx, &node.pointer, node.value, out);
        check_consistency(ctx, &node.pointer, schema, out);
    }
}

fn check_bounds(pointer: &str, schema: &Map<String, Value>, out: &mut Vec<Finding>) {
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));

    if let (Some(min), Some(max)) = (number("minimum"), number("maximum")) {
        let empty =
            min > max || (min == max && (flag("exclusiveMinimum") || flag("exclusiveMaximum")));
        if empty {
            out.push(
                Finding::error(
                    PARAM_BOUNDS,
                    push_pointer(pointer, "minimum"),
                    format!("the range {min}..{max} admits no value"),
                )
                .hint("make `minimum` smaller than `maximum`"),
            );
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if flag(exclusive) && !schema.contains_key(bound) {
            out.push(
                Finding::error(
                    PARAM_BOUNDS,
                    push_pointer(pointer, exclusive),
                    format!("`{exclusive}: true` without `{bound}` bounds nothing"),
                )
                .hint(format!("add `{bound}`, or remove `{exclusive}`")),
            );
        }
    }
    for (low, high) in [
        ("minLength", "maxLength"),
        ("minItems", "maxItems"),
        ("minProperties", "maxProperties"),
    ] {
        if let (Some(min), Some(max)) = (
            schema.get(low).and_then(Value::as_u64),
            schema.get(high).and_then(Value::as_u64),
        ) && min > max
        {
            out.push(
                Finding::error(
                    PARAM_BOUNDS,
                    push_pointer(pointer, low),
                    format!("`{low}` {min} is greater than `{high}` {max}"),
                )
                .hint(format!("make `{low}` at most `{high}`")),
            );
        }
    }
    if let Some(step) = number("multipleOf")
        && step <= 0.0
    {
        out.push(
            Finding::error(
                PARAM_BOUNDS,
                push_pointer(pointer, "multipleOf"),
                format!("`multipleOf` {step} is not positive"),
            )
            .hint("use a number above 0"),
        );
    }
}

/// The default must be a value the schema admits: right type, inside the range, in the enum.
fn check_default(ctx: &Context, pointer: &str, schema: &Value, out: &mut Vec<Finding>) {
    let Some(default) = schema.get("default") else {
        return;
    };
    let validator = Validator::new(ctx.doc, Direction::Either);
    for violation in validator.validate(pointer, schema, default) {
        if violation.severity != Severity::Error {
            continue;
        }
        out.push(
            Finding::error(
                PARAM_BOUNDS,
                format!("{}{}", push_pointer(pointer, "default"), violation.at),
                format!(
                    "the default {} is not a value of its schema: {}",
                    show(default),
                    violation.message
                ),
            )
            .hint("change the default, or the bounds, so that they agree"),
        );
    }
}

fn check_consistency(
    ctx: &Context,
    pointer: &str,
    schema: &Map<String, Value>,
    out: &mut Vec<Finding>,
) {
    let typ = schema.get("type").and_then(Value::as_str);
    let error = |key: &str, message: String, hint: &str| {
        Finding::error(SCHEMA_CONSISTENCY, push_pointer(pointer, key), message).hint(hint)
    };

    if schema.contains_key("nullable") && !schema.contains_key("type") {
        out.push(error(
            "nullable",
            "`nullable` without `type` has no effect in OpenAPI 3.0".into(),
            "add the `type` that may also be null",
        ));
    }
    if schema.get("readOnly") == Some(&Value::Bool(true))
        && schema.get("writeOnly") == Some(&Value::Bool(true))
    {
        out.push(error(
            "writeOnly",
            "a schema cannot be both `readOnly` and `writeOnly`".into(),
            "keep one",
        ));
    }

    if let Some(typ) = typ {
        for (keyword, types) in TYPED_KEYWORDS {
            if schema.contains_key(*keyword) && !types.contains(&typ) {
                out.push(error(
                    keyword,
                    format!("`{keyword}` does not apply to `type: {typ}` and is ignored"),
                    &format!("remove it, or change the type to {}", types.join(" or ")),
                ));
            }
        }
        if typ == "array" && !schema.contains_key("items") {
            out.push(
                Finding::error(
                    SCHEMA_CONSISTENCY,
                    pointer,
                    "an array schema without `items`",
                )
                .hint("add `items:` with the schema of the elements; OpenAPI 3.0 requires it"),
            );
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && let Some((_, meant)) = TYPED_FORMATS.iter().find(|(name, _)| *name == format)
        {
            let fits = *meant == typ || (*meant == "integer" && typ == "number");
            if !fits {
                out.push(
                    Finding::warning(
                        SCHEMA_CONSISTENCY,
                        push_pointer(pointer, "format"),
                        format!("format `{format}` is for {meant}s, not `type: {typ}`"),
                    )
                    .hint("fix the type or the format"),
                );
            }
        }
    }

    check_required_declared(ctx, pointer, schema, out);
    check_enum(pointer, schema, typ, out);

    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Err(err) = regress::Regex::new(pattern)
    {
        out.push(error(
            "pattern",
            format!("`pattern` is not an ECMAScript regular expression: {err}"),
            "fix the expression; the generated code compiles it with regress",
        ));
    }

    for keyword in ["allOf", "anyOf", "oneOf"] {
        let Some(branches) = schema.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let list_pointer = push_pointer(pointer, keyword);
        let alone = schema
            .keys()
            .filter(|k| !k.starts_with("x-") && *k != "description")
            .count()
            == 1;
        let single = branches.len() == 1
            && (keyword != "allOf" || alone)
            && !schema.contains_key("discriminator");
        if single {
            out.push(
                Finding::warning(
                    SCHEMA_CONSISTENCY,
                    list_pointer.clone(),
                    format!("`{keyword}` of a single schema"),
                )
                .hint("use the schema directly"),
            );
        }
        if keyword == "oneOf" {
            check_one_of_overlap(ctx, &list_pointer, branches, out);
        }
        for (index, branch) in branches.iter().enumerate() {
            let branch_pointer = push_pointer(&list_pointer, &index.to_string());
            if branch.as_object().is_some_and(Map::is_empty) {
                out.push(
                    Finding::warning(
                        SCHEMA_CONSISTENCY,
                        branch_pointer.clone(),
                        format!("an empty schema in `{keyword}` matches anything"),
                    )
                    .hint("remove it, or say what it should match"),
                );
            }
            if branches[..index]
                .iter()
                .any(|earlier| json_eq(earlier, branch))
            {
                out.push(
                    Finding::warning(
                        SCHEMA_CONSISTENCY,
                        branch_pointer,
                        format!("this schema repeats an earlier one of `{keyword}`"),
                    )
                    .hint("remove the repetition"),
                );
            }
        }
    }
}

/// Names in `required` should be properties the schema (or its composition) declares.
fn check_required_declared(
    ctx: &Context,
    pointer: &str,
    schema: &Map<String, Value>,
    out: &mut Vec<Finding>,
) {
    let Some(required) = schema.get("required").and_then(Value::as_array) else {
        return;
    };
    let declared = declared_properties(ctx.doc, schema);
    let free_form = schema
        .get("additionalProperties")
        .is_some_and(|a| a.is_object() || a == true);
    if free_form && declared.is_empty() {
        return;
    }
    for (index, name) in required.iter().enumerate() {
        let Some(name) = name.as_str() else { continue };
        if !declared.iter().any(|d| d == name) {
            out.push(
                Finding::warning(
                    SCHEMA_CONSISTENCY,
                    push_pointer(&push_pointer(pointer, "required"), &index.to_string()),
                    format!("required property `{name}` is not declared under `properties`"),
                )
                .hint("declare it, or fix the spelling of the name"),
            );
        }
    }
}

fn check_enum(
    pointer: &str,
    schema: &Map<String, Value>,
    typ: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return;
    };
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let enum_pointer = push_pointer(pointer, "enum");
    for (index, value) in values.iter().enumerate() {
        let value_pointer = push_pointer(&enum_pointer, &index.to_string());
        let fits = match (value, typ) {
            (Value::Null, _) => nullable,
            (_, Some(typ)) => has_type(value, typ),
            (_, None) => true,
        };
        if !fits {
            let expected = typ.map_or("a non-null value".to_owned(), |t| format!("a {t}"));
            let hint = if value.is_null() {
                "add `nullable: true`, or remove null"
            } else {
                "make every value of the enum fit the type"
            };
            out.push(
                Finding::error(
                    SCHEMA_CONSISTENCY,
                    value_pointer.clone(),
                    format!("enum value {} is not {expected}", show(value)),
                )
                .hint(hint),
            );
        }
        if values[..index]
            .iter()
            .any(|earlier| json_eq(earlier, value))
        {
            out.push(
                Finding::error(
                    SCHEMA_CONSISTENCY,
                    value_pointer,
                    format!("enum value {} is listed twice", show(value)),
                )
                .hint(
                    "remove the repetition; progenitor cannot name two variants alike and panics",
                ),
            );
        }
    }
}

/// `oneOf` needs exactly one branch to match; two branches of the same scalar type (or
/// `integer` beside `number`) without an `enum` to tell them apart match the same values,
/// and a value that both match fails.
fn check_one_of_overlap(ctx: &Context, pointer: &str, branches: &[Value], out: &mut Vec<Finding>) {
    let shapes: Vec<Option<(Option<&str>, bool, bool)>> = branches
        .iter()
        .map(|branch| {
            let (_, branch) = ctx.doc.resolve("", branch)?;
            let typ = branch.get("type").and_then(Value::as_str);
            let has_enum = branch.get("enum").is_some();
            let nullable = branch.get("nullable") == Some(&Value::Bool(true));
            Some((typ, has_enum, nullable))
        })
        .collect();
    for (j, later) in shapes.iter().enumerate() {
        for (i, earlier) in shapes[..j].iter().enumerate() {
            let (Some((a, a_enum, a_null)), Some((b, b_enum, b_null))) = (earlier, later) else {
                continue;
            };
            let scalar = |t: &str| matches!(t, "string" | "integer" | "number" | "boolean");
            let same_values = match (a, b) {
                (Some(a), Some(b)) if !a_enum && !b_enum => {
                    (a == b && scalar(a))
                        || matches!((*a, *b), ("integer", "number") | ("number", "integer"))
                }
                _ => false,
            };
            if same_values || (*a_null && *b_null) {
                let what = if same_values {
                    "the same values"
                } else {
                    "null"
                };
                out.push(
                    Finding::warning(
                        SCHEMA_CONSISTENCY,
                        pointer,
                        format!("branches {i} and {j} of `oneOf` both accept {what}"),
                    )
                    .hint("make the branches exclusive, or use `anyOf`"),
                );
            }
        }
    }
}
