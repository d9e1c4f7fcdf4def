//! Reads the YAML text into a JSON value and answers questions about it: what a JSON pointer
//! or a `$ref` points at, and on which line a node sits.
//!
//! The text is parsed with serde_yaml_ng, the parser the build uses, so that `spec-check`
//! accepts exactly the YAML the build accepts. Rules work on `serde_json::Value` because
//! OpenAPI is defined over JSON: mapping keys that YAML reads as numbers or booleans (an
//! unquoted `200:`) become strings here, as they would in the JSON form of the document.

use serde_json::{Map, Number, Value};

use super::finding::Finding;
use super::lines::LineIndex;

/// The document under check.
#[derive(Debug)]
pub struct Document {
    /// The whole document as JSON.
    pub root: Value,
    lines: LineIndex,
}

impl Document {
    /// Parses `text`, or returns the `yaml-syntax` finding that explains why it cannot.
    ///
    /// # Errors
    ///
    /// A finding of rule `yaml-syntax` naming the line and column of the problem.
    pub fn parse(text: &str) -> Result<Document, Finding> {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|err| {
            let message = err.to_string();
            // serde_yaml_ng appends " at line L column C" to its messages; the line goes in
            // the finding's own field, so keep the message free of it.
            let message = match message.find(" at line ") {
                Some(cut) => message[..cut].to_owned(),
                None => message,
            };
            let finding = Finding::error(
                "yaml-syntax",
                "",
                format!("the file is not valid YAML: {message}"),
            );
            if text.starts_with('\u{feff}') {
                // serde_yaml_ng reads a byte-order mark as the start of another document.
                return finding.at_line(1).hint(
                    "the file starts with a byte-order mark, which serde_yaml_ng (and so the \
                     build) cannot read; save it as UTF-8 without one",
                );
            }
            match err.location() {
                Some(at) => finding.at_line(at.line()).hint(format!(
                    "look at line {} column {}",
                    at.line(),
                    at.column()
                )),
                None => finding,
            }
        })?;
        let root = to_json(yaml);
        if !root.is_object() {
            return Err(
                Finding::error("yaml-syntax", "", "the document is not a YAML mapping")
                    .at_line(1)
                    .hint("an OpenAPI document starts with keys such as `openapi:` and `info:`"),
            );
        }
        Ok(Document {
            root,
            lines: LineIndex::new(text),
        })
    }

    /// The 1-based line of the node at `pointer`, or of its nearest ancestor.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        self.lines.line(pointer)
    }

    /// The node at a JSON `pointer`.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.root.pointer(pointer)
    }

    /// Where a local `$ref` such as `#/components/schemas/Token` points, as a JSON pointer.
    /// External references yield `None`.
    pub fn ref_pointer(reference: &str) -> Option<String> {
        let fragment = reference.strip_prefix('#')?;
        Some(percent_decode(fragment))
    }

    /// Follows `value` through `$ref`s until it reaches a node that is not a reference.
    /// Returns that node and its pointer, or `None` when a reference does not resolve, is
    /// external, or goes round in a circle.
    pub fn resolve<'a>(&'a self, pointer: &str, value: &'a Value) -> Option<(String, &'a Value)> {
        let mut pointer = pointer.to_owned();
        let mut value = value;
        for _ in 0..32 {
            let Some(reference) = reference_of(value) else {
                return Some((pointer, value));
            };
            pointer = Self::ref_pointer(reference)?;
            value = self.get(&pointer)?;
        }
        None
    }
}

/// The `$ref` string of a Reference object, if `value` is one.
pub fn reference_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{escaped}")
}

/// The last reference token of a pointer, unescaped.
pub fn last_token(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

/// Undoes the percent-encoding a URI fragment may use (`%7B` for `{`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Converts a YAML value into its JSON form.
fn to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Yaml;
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                // NaN and the infinities have no JSON form; keep their YAML spelling.
                let f = n.as_f64().unwrap_or(f64::NAN);
                Number::from_f64(f).map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Yaml::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, value) in mapping {
                object.insert(key_text(key), to_json(value));
            }
            Value::Object(object)
        }
        Yaml::Tagged(tagged) => to_json(tagged.value),
    }
}

/// The text of a mapping key, as JSON would spell it.
fn key_text(key: serde_yaml_ng::Value) -> String {
    use serde_yaml_ng::Value as Yaml;
    match key {
        Yaml::String(s) => s,
        Yaml::Null => "null".to_owned(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        other => serde_json::to_string(&to_json(other)).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings() {
        let doc = Document::parse("responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(
            doc.get("/responses/200/description"),
            Some(&Value::from("ok"))
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let finding = Document::parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert_eq!(finding.rule, "yaml-syntax");
        assert!(finding.line.is_some());
        assert!(finding.hint.unwrap().contains("column"));
    }

    #[test]
    fn a_byte_order_mark_is_named() {
        let finding =
            Document::parse("\u{feff}openapi: \"3.0.3\"\ninfo: {title: t}\n").unwrap_err();
        assert!(finding.hint.unwrap().contains("byte-order mark"));
    }

    #[test]
    fn references_resolve_through_chains_and_stop_on_cycles() {
        let doc = Document::parse(
            "a: {$ref: '#/b'}\nb: {$ref: '#/c'}\nc: {x: 1}\nd: {$ref: '#/e'}\ne: {$ref: '#/d'}\n",
        )
        .unwrap();
        let (pointer, value) = doc.resolve("/a", doc.get("/a").unwrap()).unwrap();
        assert_eq!(pointer, "/c");
        assert_eq!(value["x"], 1);
        assert!(doc.resolve("/d", doc.get("/d").unwrap()).is_none());
    }

    #[test]
    fn pointers_escape_and_fragments_decode() {
        assert_eq!(push_pointer("/paths", "/a/{id}~"), "/paths/~1a~1{id}~0");
        assert_eq!(
            Document::ref_pointer("#/paths/~1a~1%7Bid%7D").unwrap(),
            "/paths/~1a~1{id}"
        );
        assert_eq!(Document::ref_pointer("other.yaml#/x"), None);
    }
}
