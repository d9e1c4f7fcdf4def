//! The shape of an OpenAPI 3.0 document: which keys each kind of object may hold, what type
//! each value has, and a walk that visits every object of the document with its kind.
//!
//! The tables follow the OpenAPI 3.0.3 specification's "Fixed Fields" of each object. The
//! walk descends only through keys the tables know, so that example values, defaults and
//! extensions (`x-...`), which may hold anything, are never mistaken for OpenAPI objects.
//! Rules then pick the nodes of the kinds they care about instead of walking on their own.

use serde_json::Value;

use super::document::{push_pointer, reference_of};

/// The kinds of object the OpenAPI 3.0 specification defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Kind {
    OpenApi,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Components,
    Paths,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Callback,
    Example,
    Link,
    Header,
    Tag,
    Schema,
    Discriminator,
    Xml,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
    SecurityRequirement,
}

/// What the value of one fixed field must be.
#[derive(Clone, Copy, Debug)]
pub enum Field {
    /// A string.
    Str,
    /// A boolean.
    Bool,
    /// A number.
    Number,
    /// A non-negative integer.
    Count,
    /// Any value: examples, defaults, link parameters.
    Any,
    /// An array of strings.
    Strings,
    /// A non-empty array of distinct strings (a schema's `required`).
    Names,
    /// A non-empty array of any values (a schema's `enum`).
    Values,
    /// A string from a fixed list.
    OneOf(&'static [&'static str]),
    /// An object of the given kind.
    Object(Kind),
    /// An object of the given kind, or a Reference object.
    RefOr(Kind),
    /// An array of objects of the given kind.
    List(Kind),
    /// An array of objects of the given kind or Reference objects; `true` when it must not
    /// be empty.
    ListRefOr(Kind, bool),
    /// A map from names to objects of the given kind.
    Map(Kind),
    /// A map from names to objects of the given kind or Reference objects.
    MapRefOr(Kind),
    /// A map from names to strings.
    MapStr,
    /// A map from names to anything.
    MapAny,
    /// A boolean or a Schema object or Reference (`additionalProperties`).
    SchemaOrBool,
}

impl Field {
    /// A short description of the expected value, for messages.
    pub fn describe(self) -> String {
        match self {
            Field::Str => "a string".into(),
            Field::Bool => "a boolean".into(),
            Field::Number => "a number".into(),
            Field::Count => "a non-negative integer".into(),
            Field::Any => "any value".into(),
            Field::Strings => "an array of strings".into(),
            Field::Names => "a non-empty array of distinct strings".into(),
            Field::Values => "a non-empty array".into(),
            Field::OneOf(values) => format!("one of {}", quote_list(values)),
            Field::Object(kind) => format!("{} object", article(kind.name())),
            Field::RefOr(kind) => format!("{} object or a `$ref`", article(kind.name())),
            Field::List(kind) => format!("an array of {} objects", kind.name()),
            Field::ListRefOr(kind, true) => {
                format!("a non-empty array of {} objects or `$ref`s", kind.name())
            }
            Field::ListRefOr(kind, false) => {
                format!("an array of {} objects or `$ref`s", kind.name())
            }
            Field::Map(kind) => format!("a map of {} objects", kind.name()),
            Field::MapRefOr(kind) => format!("a map of {} objects or `$ref`s", kind.name()),
            Field::MapStr => "a map of strings".into(),
            Field::MapAny => "a map".into(),
            Field::SchemaOrBool => "a boolean, a Schema object or a `$ref`".into(),
        }
    }
}

/// `` `a`, `b` or `c` ``.
pub fn quote_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

fn article(word: &str) -> String {
    let vowel = word.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// The schema types OpenAPI 3.0 knows.
pub const SCHEMA_TYPES: &[&str] = &["integer", "number", "string", "boolean", "array", "object"];

/// The HTTP methods a Path Item may hold, in the specification's order.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

use Field::*;

impl Kind {
    /// The specification's name for this kind, such as `Schema`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::OpenApi => "OpenAPI",
            Kind::Info => "Info",
            Kind::Contact => "Contact",
            Kind::License => "License",
            Kind::Server => "Server",
            Kind::ServerVariable => "Server Variable",
            Kind::Components => "Components",
            Kind::Paths => "Paths",
            Kind::PathItem => "Path Item",
            Kind::Operation => "Operation",
            Kind::ExternalDocs => "External Documentation",
            Kind::Parameter => "Parameter",
            Kind::RequestBody => "Request Body",
            Kind::MediaType => "Media Type",
            Kind::Encoding => "Encoding",
            Kind::Responses => "Responses",
            Kind::Response => "Response",
            Kind::Callback => "Callback",
            Kind::Example => "Example",
            Kind::Link => "Link",
            Kind::Header => "Header",
            Kind::Tag => "Tag",
            Kind::Schema => "Schema",
            Kind::Discriminator => "Discriminator",
            Kind::Xml => "XML",
            Kind::SecurityScheme => "Security Scheme",
            Kind::OAuthFlows => "OAuth Flows",
            Kind::OAuthFlow => "OAuth Flow",
            Kind::SecurityRequirement => "Security Requirement",
        }
    }

    /// The fixed fields of this kind. Kinds whose keys are names chosen by the author
    /// (Paths, Responses, Callback, Security Requirement) have none; see [`Kind::pattern`].
    pub fn fields(self) -> &'static [(&'static str, Field)] {
        match self {
            Kind::OpenApi => &[
                ("openapi", Str),
                ("info", Object(Kind::Info)),
                ("servers", List(Kind::Server)),
                ("paths", Object(Kind::Paths)),
                ("components", Object(Kind::Components)),
                ("security", List(Kind::SecurityRequirement)),
                ("tags", List(Kind::Tag)),
                ("externalDocs", Object(Kind::ExternalDocs)),
            ],
            Kind::Info => &[
                ("title", Str),
                ("description", Str),
                ("termsOfService", Str),
                ("contact", Object(Kind::Contact)),
                ("license", Object(Kind::License)),
                ("version", Str),
            ],
            Kind::Contact => &[("name", Str), ("url", Str), ("email", Str)],
            Kind::License => &[("name", Str), ("url", Str)],
            Kind::Server => &[
                ("url", Str),
                ("description", Str),
                ("variables", Map(Kind::ServerVariable)),
            ],
            Kind::ServerVariable => &[("enum", Strings), ("default", Str), ("description", Str)],
            Kind::Components => &[
                ("schemas", MapRefOr(Kind::Schema)),
                ("responses", MapRefOr(Kind::Response)),
                ("parameters", MapRefOr(Kind::Parameter)),
                ("examples", MapRefOr(Kind::Example)),
                ("requestBodies", MapRefOr(Kind::RequestBody)),
                ("headers", MapRefOr(Kind::Header)),
                ("securitySchemes", MapRefOr(Kind::SecurityScheme)),
                ("links", MapRefOr(Kind::Link)),
                ("callbacks", MapRefOr(Kind::Callback)),
            ],
            Kind::PathItem => &[
                ("$ref", Str),
                ("summary", Str),
                ("description", Str),
                ("get", Object(Kind::Operation)),
                ("put", Object(Kind::Operation)),
                ("post", Object(Kind::Operation)),
                ("delete", Object(Kind::Operation)),
                ("options", Object(Kind::Operation)),
                ("head", Object(Kind::Operation)),
                ("patch", Object(Kind::Operation)),
                ("trace", Object(Kind::Operation)),
                ("servers", List(Kind::Server)),
                ("parameters", ListRefOr(Kind::Parameter, false)),
            ],
            Kind::Operation => &[
                ("tags", Strings),
                ("summary", Str),
                ("description", Str),
                ("externalDocs", Object(Kind::ExternalDocs)),
                ("operationId", Str),
                ("parameters", ListRefOr(Kind::Parameter, false)),
                ("requestBody", RefOr(Kind::RequestBody)),
                ("responses", Object(Kind::Responses)),
                ("callbacks", MapRefOr(Kind::Callback)),
                ("deprecated", Bool),
                ("security", List(Kind::SecurityRequirement)),
                ("servers", List(Kind::Server)),
            ],
            Kind::ExternalDocs => &[("description", Str), ("url", Str)],
            Kind::Parameter => &[
                ("name", Str),
                ("in", OneOf(&["query", "header", "path", "cookie"])),
                ("description", Str),
                ("required", Bool),
                ("deprecated", Bool),
                ("allowEmptyValue", Bool),
                (
                    "style",
                    OneOf(&[
                        "matrix",
                        "label",
                        "form",
                        "simple",
                        "spaceDelimited",
                        "pipeDelimited",
                        "deepObject",
                    ]),
                ),
                ("explode", Bool),
                ("allowReserved", Bool),
                ("schema", RefOr(Kind::Schema)),
                ("example", Any),
                ("examples", MapRefOr(Kind::Example)),
                ("content", Map(Kind::MediaType)),
            ],
            Kind::RequestBody => &[
                ("description", Str),
                ("content", Map(Kind::MediaType)),
                ("required", Bool),
            ],
            Kind::MediaType => &[
                ("schema", RefOr(Kind::Schema)),
                ("example", Any),
                ("examples", MapRefOr(Kind::Example)),
                ("encoding", Map(Kind::Encoding)),
            ],
            Kind::Encoding => &[
                ("contentType", Str),
                ("headers", MapRefOr(Kind::Header)),
                (
                    "style",
                    OneOf(&["form", "spaceDelimited", "pipeDelimited", "deepObject"]),
                ),
                ("explode", Bool),
                ("allowReserved", Bool),
            ],
            Kind::Response => &[
                ("description", Str),
                ("headers", MapRefOr(Kind::Header)),
                ("content", Map(Kind::MediaType)),
                ("links", MapRefOr(Kind::Link)),
            ],
            Kind::Example => &[
                ("summary", Str),
                ("description", Str),
                ("value", Any),
                ("externalValue", Str),
            ],
            Kind::Link => &[
                ("operationRef", Str),
                ("operationId", Str),
                ("parameters", MapAny),
                ("requestBody", Any),
                ("description", Str),
                ("server", Object(Kind::Server)),
            ],
            Kind::Header => &[
                ("description", Str),
                ("required", Bool),
                ("deprecated", Bool),
                ("allowEmptyValue", Bool),
                ("style", OneOf(&["simple"])),
                ("explode", Bool),
                ("allowReserved", Bool),
                ("schema", RefOr(Kind::Schema)),
                ("example", Any),
                ("examples", MapRefOr(Kind::Example)),
                ("content", Map(Kind::MediaType)),
            ],
            Kind::Tag => &[
                ("name", Str),
                ("description", Str),
                ("externalDocs", Object(Kind::ExternalDocs)),
            ],
            Kind::Schema => &[
                ("title", Str),
                ("multipleOf", Number),
                ("maximum", Number),
                ("exclusiveMaximum", Bool),
                ("minimum", Number),
                ("exclusiveMinimum", Bool),
                ("maxLength", Count),
                ("minLength", Count),
                ("pattern", Str),
                ("maxItems", Count),
                ("minItems", Count),
                ("uniqueItems", Bool),
                ("maxProperties", Count),
                ("minProperties", Count),
                ("required", Names),
                ("enum", Values),
                ("type", OneOf(SCHEMA_TYPES)),
                ("allOf", ListRefOr(Kind::Schema, true)),
                ("oneOf", ListRefOr(Kind::Schema, true)),
                ("anyOf", ListRefOr(Kind::Schema, true)),
                ("not", RefOr(Kind::Schema)),
                ("items", RefOr(Kind::Schema)),
                ("properties", MapRefOr(Kind::Schema)),
                ("additionalProperties", SchemaOrBool),
                ("description", Str),
                ("format", Str),
                ("default", Any),
                ("nullable", Bool),
                ("discriminator", Object(Kind::Discriminator)),
                ("readOnly", Bool),
                ("writeOnly", Bool),
                ("xml", Object(Kind::Xml)),
                ("externalDocs", Object(Kind::ExternalDocs)),
                ("example", Any),
                ("deprecated", Bool),
            ],
            Kind::Discriminator => &[("propertyName", Str), ("mapping", MapStr)],
            Kind::Xml => &[
                ("name", Str),
                ("namespace", Str),
                ("prefix", Str),
                ("attribute", Bool),
                ("wrapped", Bool),
            ],
            Kind::SecurityScheme => &[
                (
                    "type",
                    OneOf(&["apiKey", "http", "oauth2", "openIdConnect"]),
                ),
                ("description", Str),
                ("name", Str),
                ("in", OneOf(&["query", "header", "cookie"])),
                ("scheme", Str),
                ("bearerFormat", Str),
                ("flows", Object(Kind::OAuthFlows)),
                ("openIdConnectUrl", Str),
            ],
            Kind::OAuthFlows => &[
                ("implicit", Object(Kind::OAuthFlow)),
                ("password", Object(Kind::OAuthFlow)),
                ("clientCredentials", Object(Kind::OAuthFlow)),
                ("authorizationCode", Object(Kind::OAuthFlow)),
            ],
            Kind::OAuthFlow => &[
                ("authorizationUrl", Str),
                ("tokenUrl", Str),
                ("refreshUrl", Str),
                ("scopes", MapStr),
            ],
            Kind::Paths | Kind::Responses | Kind::Callback | Kind::SecurityRequirement => &[],
        }
    }

    /// For kinds keyed by names the author chooses: what every such entry must be.
    pub fn pattern(self) -> Option<Field> {
        match self {
            Kind::Paths | Kind::Callback => Some(Object(Kind::PathItem)),
            Kind::Responses => Some(RefOr(Kind::Response)),
            Kind::SecurityRequirement => Some(Strings),
            _ => None,
        }
    }

    /// The keys this kind must have (conditional requirements are checked by the rules).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::OpenApi => &["openapi", "info", "paths"],
            Kind::Info => &["title", "version"],
            Kind::License => &["name"],
            Kind::Server => &["url"],
            Kind::ServerVariable => &["default"],
            Kind::Operation => &["responses"],
            Kind::ExternalDocs => &["url"],
            Kind::Parameter => &["name", "in"],
            Kind::RequestBody => &["content"],
            Kind::Tag => &["name"],
            Kind::Discriminator => &["propertyName"],
            Kind::SecurityScheme => &["type"],
            Kind::OAuthFlow => &["scopes"],
            _ => &[],
        }
    }

    /// Whether `x-` keys are extensions here. In a Security Requirement every key names a
    /// scheme, and a Reference object allows nothing but `$ref`.
    pub fn allows_extensions(self) -> bool {
        !matches!(self, Kind::SecurityRequirement)
    }

    /// The fixed field named `key`, if this kind has one.
    pub fn field(self, key: &str) -> Option<Field> {
        self.fields()
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, field)| *field)
    }
}

/// One object met by the walk.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// What the object is (for a reference: what it should point to).
    pub kind: Kind,
    /// Its JSON pointer.
    pub pointer: String,
    /// The object itself.
    pub value: &'a Value,
    /// Whether it is a Reference object standing in for an object of `kind`.
    pub is_ref: bool,
}

/// Every object of the document, parents before children, in document order.
pub fn walk(root: &Value) -> Vec<Node<'_>> {
    let mut nodes = Vec::new();
    visit(Kind::OpenApi, String::new(), root, false, &mut nodes);
    nodes
}

fn visit<'a>(
    kind: Kind,
    pointer: String,
    value: &'a Value,
    may_ref: bool,
    out: &mut Vec<Node<'a>>,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    if may_ref && reference_of(value).is_some() {
        out.push(Node {
            kind,
            pointer,
            value,
            is_ref: true,
        });
        return;
    }
    out.push(Node {
        kind,
        pointer: pointer.clone(),
        value,
        is_ref: false,
    });

    for (key, child) in object {
        let field = match kind.field(key) {
            Some(field) => field,
            None if kind.allows_extensions() && key.starts_with("x-") => continue,
            None => match kind.pattern() {
                Some(field) if pattern_key_applies(kind, key) => field,
                _ => continue,
            },
        };
        descend(field, push_pointer(&pointer, key), child, out);
    }
}

/// Whether `key` is one of the author-named entries of a patterned kind.
pub fn pattern_key_applies(kind: Kind, key: &str) -> bool {
    match kind {
        Kind::Paths => key.starts_with('/'),
        Kind::Responses | Kind::Callback => !key.starts_with("x-"),
        Kind::SecurityRequirement => true,
        _ => false,
    }
}

fn descend<'a>(field: Field, pointer: String, value: &'a Value, out: &mut Vec<Node<'a>>) {
    match field {
        Object(kind) => visit(kind, pointer, value, false, out),
        RefOr(kind) => visit(kind, pointer, value, true, out),
        SchemaOrBool => visit(Kind::Schema, pointer, value, true, out),
        List(kind) | ListRefOr(kind, _) => {
            let may_ref = matches!(field, ListRefOr(..));
            for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                visit(
                    kind,
                    push_pointer(&pointer, &index.to_string()),
                    item,
                    may_ref,
                    out,
                );
            }
        }
        Map(kind) | MapRefOr(kind) => {
            let may_ref = matches!(field, MapRefOr(..));
            for (name, item) in value.as_object().into_iter().flatten() {
                visit(kind, push_pointer(&pointer, name), item, may_ref, out);
            }
        }
        Str | Bool | Number | Count | Any | Strings | Names | Values | OneOf(_) | MapStr
        | MapAny => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_walk_skips_examples_and_extensions_but_finds_references() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {
                "responses": {"200": {"$ref": "#/components/responses/ok"}},
                "x-thing": {"$ref": "#/nowhere"}
            }}},
            "components": {"schemas": {"S": {
                "type": "object",
                "example": {"$ref": "not a reference, just data"},
                "properties": {"x-name": {"type": "string"}}
            }}}
        });
        let nodes = walk(&doc);
        let refs: Vec<&str> = nodes
            .iter()
            .filter(|n| n.is_ref)
            .map(|n| n.pointer.as_str())
            .collect();
        assert_eq!(refs, ["/paths/~1a/get/responses/200"]);
        assert!(
            nodes
                .iter()
                .any(|n| n.pointer == "/components/schemas/S/properties/x-name")
        );
    }
}
