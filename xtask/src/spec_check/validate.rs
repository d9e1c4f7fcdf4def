//! A validator for values against OpenAPI 3.0 Schema objects, written for this tool.
//!
//! JSON Schema crates validate drafts of JSON Schema, whose `null` handling differs from
//! OpenAPI 3.0's `nullable`, and which know neither `readOnly`/`writeOnly` in requests and
//! responses nor the `int32`/`int64` formats. This one follows the 3.0 specification:
//! `nullable: true` admits `null`; `type`, `enum`, the numeric, string, array and object
//! constraints, `allOf`/`anyOf`/`oneOf`/`not`, and the formats `int32`, `int64`, `uuid`,
//! `date`, `date-time` (RFC 3339) and `byte` are checked; `$ref`s are followed. `pattern`
//! is matched with regress, the ECMAScript engine the generated code uses for it.
//!
//! Left out: `discriminator` (the `oneOf` rule applies as written), `multipleOf` on very
//! large numbers, and formats other than those listed, which pass unchecked.

use std::cell::RefCell;
use std::collections::HashSet;

use serde_json::{Map, Value};

use super::document::{Document, push_pointer, reference_of};
use super::finding::Severity;
use super::rules::{show, type_name};

/// Where a value travels, which decides how `readOnly` and `writeOnly` apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the client: required `readOnly` properties may be absent.
    Request,
    /// Sent by the server: required `writeOnly` properties may be absent.
    Response,
    /// Either way (a schema's own example): both may be absent.
    Either,
}

/// One way in which a value fails its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer inside the value (empty for the value itself).
    pub at: String,
    /// What is wrong, naming the schema keyword and where it is.
    pub message: String,
    /// `Error` for a real violation; `Warning` for a property the schema does not declare,
    /// which is allowed but usually a typo.
    pub severity: Severity,
}

/// Validates values against schemas of one document.
pub struct Validator<'a> {
    doc: &'a Document,
    direction: Direction,
    /// The (schema, place in the value) pairs being checked right now. Meeting one again
    /// means the schema reaches itself through composition without consuming the value
    /// (`A: {allOf: [$ref A]}`), which would otherwise recurse without end.
    active: RefCell<HashSet<(String, String)>>,
}

/// Deep enough for any real schema; stops recursive schemas with recursive values.
const MAX_DEPTH: usize = 64;

impl<'a> Validator<'a> {
    /// A validator resolving references in `doc`.
    pub fn new(doc: &'a Document, direction: Direction) -> Self {
        Validator {
            doc,
            direction,
            active: RefCell::default(),
        }
    }

    /// Every violation of `value` against the schema at `schema_pointer`.
    pub fn validate(&self, schema_pointer: &str, schema: &Value, value: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        self.check(schema_pointer, schema, value, "", true, 0, &mut out);
        out
    }

    /// Whether `value` (at `at`) passes, ignoring warnings.
    fn passes(
        &self,
        schema_pointer: &str,
        schema: &Value,
        value: &Value,
        at: &str,
        depth: usize,
    ) -> bool {
        let mut out = Vec::new();
        self.check(schema_pointer, schema, value, at, false, depth, &mut out);
        !out.iter().any(|v| v.severity == Severity::Error)
    }

    #[allow(clippy::too_many_arguments)]
    fn check(
        &self,
        schema_pointer: &str,
        schema: &Value,
        value: &Value,
        at: &str,
        whole_object: bool,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some((schema_pointer, schema)) = self.doc.resolve(schema_pointer, schema) else {
            return; // `ref-resolves` reports the reference.
        };
        let Some(object) = schema.as_object() else {
            return;
        };
        let key = (schema_pointer.clone(), at.to_owned());
        if !self.active.borrow_mut().insert(key.clone()) {
            return;
        }
        self.check_schema(&schema_pointer, object, value, at, whole_object, depth, out);
        self.active.borrow_mut().remove(&key);
    }

    /// [`Self::check`] for a resolved Schema object.
    #[allow(clippy::too_many_arguments)]
    fn check_schema(
        &self,
        schema_pointer: &str,
        object: &Map<String, Value>,
        value: &Value,
        at: &str,
        whole_object: bool,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        let fail = |out: &mut Vec<Violation>, message: String| {
            out.push(Violation {
                at: at.to_owned(),
                message,
                severity: Severity::Error,
            });
        };
        let here =
            |keyword: &str| format!("`{keyword}` at {}", push_pointer(schema_pointer, keyword));

        // `null` passes a nullable schema outright; otherwise only a schema without `type`
        // (whose composition keywords then decide) can admit it.
        if value.is_null() {
            if object.get("nullable") == Some(&Value::Bool(true)) {
                return;
            }
            if object.get("type").is_some_and(Value::is_string) {
                fail(
                    out,
                    format!("null is not allowed by {}", here("type"))
                        + "; it needs `nullable: true`",
                );
                return;
            }
        }

        if let Some(expected) = object.get("type").and_then(Value::as_str)
            && !has_type(value, expected)
        {
            fail(
                out,
                format!(
                    "expected {expected}, found {} {}",
                    type_name(value),
                    show(value)
                ),
            );
            return;
        }
        if let Some(allowed) = object.get("enum").and_then(Value::as_array)
            && !allowed.iter().any(|a| json_eq(a, value))
        {
            fail(
                out,
                format!(
                    "{} is not one of the values of {}",
                    show(value),
                    here("enum")
                ),
            );
        }

        match value {
            Value::String(text) => check_string(object, text, &here, at, out),
            Value::Number(_) => check_number(object, value, &here, at, out),
            Value::Array(items) => {
                let count = items.len() as u64;
                if let Some(min) = object.get("minItems").and_then(Value::as_u64)
                    && count < min
                {
                    fail(
                        out,
                        format!("{count} items, fewer than {} = {min}", here("minItems")),
                    );
                }
                if let Some(max) = object.get("maxItems").and_then(Value::as_u64)
                    && count > max
                {
                    fail(
                        out,
                        format!("{count} items, more than {} = {max}", here("maxItems")),
                    );
                }
                if object.get("uniqueItems") == Some(&Value::Bool(true)) {
                    let repeated = items
                        .iter()
                        .enumerate()
                        .any(|(i, a)| items[..i].iter().any(|b| json_eq(a, b)));
                    if repeated {
                        fail(
                            out,
                            format!("the items repeat, against {}", here("uniqueItems")),
                        );
                    }
                }
                if let Some(item_schema) = object.get("items") {
                    let item_pointer = push_pointer(schema_pointer, "items");
                    for (index, item) in items.iter().enumerate() {
                        let item_at = push_pointer(at, &index.to_string());
                        self.check(
                            &item_pointer,
                            item_schema,
                            item,
                            &item_at,
                            true,
                            depth + 1,
                            out,
                        );
                    }
                }
            }
            Value::Object(members) => {
                self.check_object(
                    schema_pointer,
                    object,
                    members,
                    at,
                    whole_object,
                    depth,
                    out,
                );
            }
            Value::Null | Value::Bool(_) => {}
        }

        // Composition.
        if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
            let base = push_pointer(schema_pointer, "allOf");
            for (index, branch) in branches.iter().enumerate() {
                let branch_pointer = push_pointer(&base, &index.to_string());
                self.check(&branch_pointer, branch, value, at, false, depth + 1, out);
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(branches) = object.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let base = push_pointer(schema_pointer, keyword);
            let matching = branches
                .iter()
                .enumerate()
                .filter(|(index, branch)| {
                    self.passes(
                        &push_pointer(&base, &index.to_string()),
                        branch,
                        value,
                        at,
                        depth + 1,
                    )
                })
                .count();
            if matching == 0 {
                fail(
                    out,
                    format!(
                        "{} matches none of the schemas of {}",
                        show(value),
                        here(keyword)
                    ),
                );
            } else if keyword == "oneOf" && matching > 1 {
                fail(
                    out,
                    format!(
                        "{} matches {matching} schemas of {}, not exactly one",
                        show(value),
                        here(keyword)
                    ),
                );
            }
        }
        if let Some(negated) = object.get("not")
            && self.passes(
                &push_pointer(schema_pointer, "not"),
                negated,
                value,
                at,
                depth + 1,
            )
        {
            fail(
                out,
                format!("{} matches {}, which it must not", show(value), here("not")),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_object(
        &self,
        schema_pointer: &str,
        schema: &Map<String, Value>,
        members: &Map<String, Value>,
        at: &str,
        whole_object: bool,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let properties_pointer = push_pointer(schema_pointer, "properties");

        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if members.contains_key(name) {
                continue;
            }
            let property = properties.and_then(|p| p.get(name)).and_then(|p| {
                self.doc
                    .resolve(&push_pointer(&properties_pointer, name), p)
                    .map(|(_, p)| p)
            });
            let flag = |key: &str| property.and_then(|p| p.get(key)) == Some(&Value::Bool(true));
            let excused = match self.direction {
                Direction::Request => flag("readOnly"),
                Direction::Response => flag("writeOnly"),
                Direction::Either => flag("readOnly") || flag("writeOnly"),
            };
            if !excused {
                out.push(Violation {
                    at: at.to_owned(),
                    message: format!(
                        "required property `{name}` is missing (`required` at {})",
                        push_pointer(schema_pointer, "required")
                    ),
                    severity: Severity::Error,
                });
            }
        }

        let count = members.len() as u64;
        if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
            && count < min
        {
            out.push(Violation {
                at: at.to_owned(),
                message: format!("{count} properties, fewer than `minProperties` = {min}"),
                severity: Severity::Error,
            });
        }
        if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
            && count > max
        {
            out.push(Violation {
                at: at.to_owned(),
                message: format!("{count} properties, more than `maxProperties` = {max}"),
                severity: Severity::Error,
            });
        }

        let additional = schema.get("additionalProperties");
        let declared = if whole_object {
            Some(declared_properties(self.doc, schema))
        } else {
            None
        };
        for (name, member) in members {
            let member_at = push_pointer(at, name);
            if let Some(property) = properties.and_then(|p| p.get(name)) {
                let pointer = push_pointer(&properties_pointer, name);
                self.check(&pointer, property, member, &member_at, true, depth + 1, out);
                continue;
            }
            match additional {
                Some(Value::Bool(false)) => out.push(Violation {
                    at: member_at,
                    message: format!(
                        "property `{name}` is not allowed (`additionalProperties: \
                        false` at {schema_pointer})"
                    ),
                    severity: Severity::Error,
                }),
                Some(extra @ Value::Object(_)) => {
                    let pointer = push_pointer(schema_pointer, "additionalProperties");
                    self.check(&pointer, extra, member, &member_at, true, depth + 1, out);
                }
                _ => {
                    if let Some(declared) = &declared
                        && !declared.is_empty()
                        && !declared.iter().any(|d| d == name)
                    {
                        out.push(Violation {
                            at: member_at,
                            message: format!(
                                "property `{name}` is not declared by the \
                                    schema at {schema_pointer}"
                            ),
                            severity: Severity::Warning,
                        });
                    }
                }
            }
        }
    }
}

/// The property names a schema declares, itself or through `allOf`, `anyOf` and `oneOf`,
/// following references (each once, so that recursive schemas end).
pub fn declared_properties(doc: &Document, schema: &Map<String, Value>) -> Vec<String> {
    fn collect(
        doc: &Document,
        schema: &Map<String, Value>,
        seen: &mut HashSet<String>,
        names: &mut Vec<String>,
    ) {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            names.extend(properties.keys().cloned());
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let branches = schema.get(keyword).and_then(Value::as_array);
            for branch in branches.into_iter().flatten() {
                if let Some(reference) = reference_of(branch)
                    && !seen.insert(reference.to_owned())
                {
                    continue;
                }
                if let Some((_, Value::Object(branch))) = doc.resolve("", branch) {
                    collect(doc, branch, seen, names);
                }
            }
        }
    }
    let mut names = Vec::new();
    collect(doc, schema, &mut HashSet::new(), &mut names);
    names
}

/// The string keywords: `minLength`, `maxLength`, `pattern` and the string formats.
fn check_string(
    schema: &Map<String, Value>,
    text: &str,
    here: &dyn Fn(&str) -> String,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let mut fail = |message: String| {
        out.push(Violation {
            at: at.to_owned(),
            message,
            severity: Severity::Error,
        });
    };
    let length = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && length < min
    {
        fail(format!(
            "{length} characters, fewer than {} = {min}",
            here("minLength")
        ));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && length > max
    {
        fail(format!(
            "{length} characters, more than {} = {max}",
            here("maxLength")
        ));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        // An invalid pattern is `schema-consistency`'s finding; skip it here.
        if let Ok(regex) = regress::Regex::new(pattern)
            && regex.find(text).is_none()
        {
            fail(format!(
                "{} does not match {} = {}",
                show(&Value::from(text)),
                here("pattern"),
                show(&Value::from(pattern))
            ));
        }
    }
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let valid = match format {
        "uuid" => is_uuid(text),
        "date-time" => is_date_time(text),
        "date" => is_date(text),
        "byte" => is_base64(text),
        _ => true,
    };
    if !valid {
        fail(format!(
            "{} is not a valid {format}, as {} requires",
            show(&Value::from(text)),
            here("format")
        ));
    }
}

/// The numeric keywords: bounds, `multipleOf` and the integer formats.
fn check_number(
    schema: &Map<String, Value>,
    value: &Value,
    here: &dyn Fn(&str) -> String,
    at: &str,
    out: &mut Vec<Violation>,
) {
    let mut fail = |message: String| {
        out.push(Violation {
            at: at.to_owned(),
            message,
            severity: Severity::Error,
        });
    };
    let number = value.as_f64().unwrap_or(f64::NAN);
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && (number < min || (exclusive("exclusiveMinimum") && number == min))
    {
        let relation = if exclusive("exclusiveMinimum") {
            "not above"
        } else {
            "below"
        };
        fail(format!(
            "{} is {relation} {} = {}",
            show(value),
            here("minimum"),
            show(&schema["minimum"])
        ));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && (number > max || (exclusive("exclusiveMaximum") && number == max))
    {
        let relation = if exclusive("exclusiveMaximum") {
            "not below"
        } else {
            "above"
        };
        fail(format!(
            "{} is {relation} {} = {}",
            show(value),
            here("maximum"),
            show(&schema["maximum"])
        ));
    }
    if let Some(step) = schema.get("multipleOf").and_then(Value::as_f64) {
        let quotient = number / step;
        if step > 0.0 && (quotient - quotient.round()).abs() > 1e-9 {
            fail(format!(
                "{} is not a multiple of {} = {step}",
                show(value),
                here("multipleOf")
            ));
        }
    }
    let in_range = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Some("int64") => value.as_i64().is_some(),
        _ => true,
    };
    if !in_range {
        let format = schema["format"].as_str().unwrap_or_default();
        fail(format!(
            "{} is outside the range of {} = {format}",
            show(value),
            here("format")
        ));
    }
}

/// Whether `value` is of the OpenAPI `type` named `expected`.
pub fn has_type(value: &Value, expected: &str) -> bool {
    match expected {
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits of either case.
pub fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `YYYY-MM-DD` naming a real day.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(&text[0..4]),
        digits(&text[5..7]),
        digits(&text[8..10]),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// An RFC 3339 `date-time`: `2018-07-23T13:01:00Z`, with optional fractions of a second and
/// a numeric offset instead of `Z`.
pub fn is_date_time(text: &str) -> bool {
    if text.len() < 20 || !text.is_char_boundary(10) || !text.is_char_boundary(11) {
        return false;
    }
    let (date, rest) = text.split_at(10);
    if !is_date(date) || !matches!(rest.as_bytes()[0], b'T' | b't') {
        return false;
    }
    let time = &rest[1..];
    let bytes = time.as_bytes();
    if bytes.len() < 9 || bytes[2] != b':' || bytes[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (
        digits(&time[0..2]),
        digits(&time[3..5]),
        digits(&time[6..8]),
    ) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut offset = &time[8..];
    if let Some(fraction) = offset.strip_prefix('.') {
        let count = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if count == 0 {
            return false;
        }
        offset = &fraction[count..];
    }
    match offset {
        "Z" | "z" => true,
        _ => {
            let b = offset.as_bytes();
            b.len() == 6
                && matches!(b[0], b'+' | b'-')
                && b[3] == b':'
                && digits(&offset[1..3]).is_some_and(|h| h <= 23)
                && digits(&offset[4..6]).is_some_and(|m| m <= 59)
        }
    }
}

/// Base64 with padding, as `format: byte` means.
pub fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len().is_multiple_of(4)
        && text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn digits(text: &str) -> Option<u32> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(schema: Value, value: Value) -> Vec<Violation> {
        let doc = Document::parse(&format!("s: {schema}")).unwrap();
        Validator::new(&doc, Direction::Either).validate("/s", &doc.root["s"], &value)
    }

    fn errors(schema: Value, value: Value) -> usize {
        violations(schema, value)
            .iter()
            .filter(|v| v.severity == Severity::Error)
            .count()
    }

    #[test]
    fn formats() {
        assert!(is_uuid("c22d24f6-5a47-4597-9a23-c7d01e696b92"));
        assert!(!is_uuid("c22d24f6-5a47-4597-9a23-c7d01e696b9"));
        assert!(!is_uuid("c22d24f6x5a47-4597-9a23-c7d01e696b92"));
        assert!(is_date_time("2018-07-23T13:01:00Z"));
        assert!(is_date_time("2018-07-23T13:01:00.123+02:00"));
        assert!(!is_date_time("2018-07-23 13:01:00Z"));
        assert!(!is_date_time("2018-02-30T13:01:00Z"));
        assert!(!is_date_time("2018-07-23T24:01:00Z"));
        assert!(!is_date_time("2018-07-23T13:01:00"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(is_base64("aGVsbG8="));
        assert!(!is_base64("aGVsbG8"));
    }

    #[test]
    fn nullable_admits_null_and_only_then() {
        assert_eq!(
            errors(json!({"type": "string", "nullable": true}), Value::Null),
            0
        );
        assert_eq!(errors(json!({"type": "string"}), Value::Null), 1);
    }

    #[test]
    fn integers_and_their_formats() {
        assert_eq!(errors(json!({"type": "integer"}), json!(1.5)), 1);
        assert_eq!(
            errors(
                json!({"type": "integer", "format": "int32"}),
                json!(3_000_000_000u64)
            ),
            1
        );
        assert_eq!(
            errors(
                json!({"type": "integer", "format": "int64"}),
                json!(3_000_000_000u64)
            ),
            0
        );
        assert_eq!(
            errors(
                json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}),
                json!(1)
            ),
            1
        );
    }

    #[test]
    fn objects_required_additional_and_undeclared() {
        let schema =
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}});
        assert_eq!(errors(schema.clone(), json!({})), 1);
        let found = violations(schema, json!({"a": "x", "b": 1}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].at, "/b");
        let closed =
            json!({"type": "object", "additionalProperties": false, "properties": {"a": {}}});
        assert_eq!(errors(closed, json!({"b": 1})), 1);
    }

    #[test]
    fn composition() {
        let one_of = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
        assert_eq!(
            errors(one_of.clone(), json!(1)),
            1,
            "1 matches both branches"
        );
        assert_eq!(errors(one_of, json!(1.5)), 0);
        let any_of = json!({"anyOf": [{"type": "integer"}, {"type": "boolean"}]});
        assert_eq!(errors(any_of, json!("x")), 1);
        let all_of = json!({"allOf": [{"properties": {"a": {}}}, {"properties": {"b": {}}}]});
        assert!(
            violations(all_of, json!({"a": 1, "b": 2})).is_empty(),
            "declared across branches"
        );
    }

    #[test]
    fn schemas_that_reach_themselves_end() {
        let doc = Document::parse(
            "components: {schemas: {A: {allOf: [{$ref: '#/components/schemas/A'}, \
             {$ref: '#/components/schemas/A'}], properties: {a: {type: integer}}}}}",
        )
        .unwrap();
        let schema = &doc.root["components"]["schemas"]["A"];
        let validator = Validator::new(&doc, Direction::Either);
        let found = validator.validate("/components/schemas/A", schema, &json!({"a": "x", "b": 1}));
        assert_eq!(
            found
                .iter()
                .filter(|v| v.severity == Severity::Error)
                .count(),
            1,
            "{found:?}"
        );
        assert_eq!(
            found
                .iter()
                .filter(|v| v.severity == Severity::Warning)
                .count(),
            1,
            "{found:?}"
        );
    }

    #[test]
    fn patterns_use_ecmascript() {
        assert_eq!(
            errors(
                json!({"type": "string", "pattern": "^vpt_[0-9a-f]{4}$"}),
                json!("vpt_00af")
            ),
            0
        );
        assert_eq!(
            errors(
                json!({"type": "string", "pattern": "^vpt_[0-9a-f]{4}$"}),
                json!("vpt_00ag")
            ),
            1
        );
    }
}
