//! `path-params` and `path-shape`: path templates, and the parameters that fill them.
//!
//! progenitor builds each request URL from the template and the `in: path` parameters, so
//! the two must agree exactly; it also refuses cookie parameters, parameter styles other than
//! the defaults, parameters described by `content`, and path items that are `$ref`s.
//! `path-shape` covers the templates themselves: a leading `/`, no trailing `/`, no query
//! string, well-formed `{names}`, and no two paths that a URL could both match.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::super::Context;
use super::super::document::{push_pointer, reference_of};
use super::super::finding::Finding;
use super::super::walk::{Kind, METHODS};

/// Path templates and parameters.
pub const PATH_PARAMS: &str = "path-params";
/// The form of the path templates.
pub const PATH_SHAPE: &str = "path-shape";

/// Header names that OpenAPI says a Parameter object must not describe.
const RESERVED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

/// Checks every path and every parameter.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for node in ctx.objects(Kind::Parameter) {
        check_parameter(&node.pointer, node.value, out);
    }

    let Some(paths) = ctx.doc.root.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut shapes: Vec<(String, Vec<Segment>)> = Vec::new();
    for (path, item) in paths {
        if !path.starts_with('/') {
            continue; // `structure` reports keys that are not paths; `x-` are extensions.
        }
        let pointer = push_pointer("/paths", path);
        let names = check_template(path, &pointer, out);
        if let Some(segments) = segments(path) {
            shapes.push((pointer.clone(), segments));
        }
        if reference_of(item).is_some() {
            out.push(
                Finding::error(
                    PATH_PARAMS,
                    pointer,
                    format!("path item `{path}` is a `$ref`"),
                )
                .hint(
                    "write the path item out in full; progenitor refuses path items that \
                        are references",
                ),
            );
            continue;
        }
        if let Some(names) = names {
            check_agreement(ctx, path, &pointer, item, &names, out);
        }
    }
    check_overlaps(&shapes, out);
}

/// What any Parameter object must be for progenitor.
fn check_parameter(pointer: &str, parameter: &Value, out: &mut Vec<Finding>) {
    let location = parameter
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = parameter
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();

    if location == "cookie" {
        out.push(
            Finding::error(
                PATH_PARAMS,
                push_pointer(pointer, "in"),
                format!("`{name}` is a cookie parameter"),
            )
            .hint("progenitor refuses cookie parameters; describe the cookie in prose or drop it"),
        );
    }
    if location == "path" && parameter.get("required") != Some(&Value::Bool(true)) {
        out.push(
            Finding::error(
                PATH_PARAMS,
                pointer,
                format!("path parameter `{name}` is not `required: true`"),
            )
            .hint("add `required: true`; OpenAPI requires it of every path parameter"),
        );
    }
    if parameter.get("content").is_some() && parameter.get("schema").is_none() {
        out.push(
            Finding::error(
                PATH_PARAMS,
                push_pointer(pointer, "content"),
                format!("parameter `{name}` is described by `content`"),
            )
            .hint("describe it with `schema`; progenitor reads only that"),
        );
    }
    let default_style = match location {
        "path" | "header" => "simple",
        "query" | "cookie" => "form",
        _ => return,
    };
    if let Some(style) = parameter.get("style").and_then(Value::as_str)
        && style != default_style
    {
        out.push(
            Finding::error(
                PATH_PARAMS,
                push_pointer(pointer, "style"),
                format!(
                    "style `{style}` of {location} parameter `{name}` is not supported \
                        by progenitor"
                ),
            )
            .hint(format!(
                "use the default style `{default_style}`, or drop `style`"
            )),
        );
    }
    if location == "header" && RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        out.push(
            Finding::warning(
                PATH_PARAMS,
                push_pointer(pointer, "name"),
                format!("header parameter `{name}` is ignored"),
            )
            .hint(
                "OpenAPI ignores `Accept`, `Content-Type` and `Authorization` parameters; \
                    use `content` or `securitySchemes`",
            ),
        );
    }
}

/// The names in a template, or `None` when the template is malformed (reported here).
fn check_template(path: &str, pointer: &str, out: &mut Vec<Finding>) -> Option<Vec<String>> {
    let shape_error =
        |message: String, hint: &str| Finding::error(PATH_SHAPE, pointer, message).hint(hint);
    if path.len() > 1 && path.ends_with('/') {
        out.push(shape_error(
            format!("path `{path}` ends with `/`"),
            "remove the trailing slash",
        ));
    }
    if path.contains(['?', '#']) {
        out.push(shape_error(
            format!("path `{path}` holds a query string or fragment"),
            "describe query values as `in: query` parameters",
        ));
    }

    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            out.push(shape_error(
                format!("path `{path}` has a `}}` without `{{`"),
                "balance the braces",
            ));
            return None;
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push(shape_error(
                format!("path `{path}` has a `{{` without `}}`"),
                "balance the braces",
            ));
            return None;
        };
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            out.push(shape_error(
                format!("path `{path}` has an empty or nested `{{}}`"),
                "name every template parameter, as in `{id}`",
            ));
            return None;
        }
        if names.iter().any(|n| n == name) {
            out.push(
                Finding::error(
                    PATH_PARAMS,
                    pointer,
                    format!("path `{path}` uses `{{{name}}}` twice"),
                )
                .hint("give each template parameter its own name"),
            );
        }
        names.push(name.to_owned());
        rest = &after[close + 1..];
    }
    Some(names)
}

/// The parameters of one (resolved) list, with their pointers.
fn parameters<'a>(
    ctx: &'a Context,
    list_pointer: &str,
    list: Option<&'a Value>,
) -> Vec<(String, &'a Value)> {
    let mut found = Vec::new();
    for (index, item) in list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let pointer = push_pointer(list_pointer, &index.to_string());
        if let Some((_, parameter)) = ctx.doc.resolve(&pointer, item) {
            found.push((pointer, parameter));
        }
    }
    found
}

fn key_of(parameter: &Value) -> Option<(String, String)> {
    let name = parameter.get("name")?.as_str()?;
    let location = parameter.get("in")?.as_str()?;
    Some((name.to_owned(), location.to_owned()))
}

/// Path parameters and template names agree for every operation of a path.
fn check_agreement(
    ctx: &Context,
    path: &str,
    pointer: &str,
    item: &Value,
    names: &[String],
    out: &mut Vec<Finding>,
) {
    let shared_pointer = push_pointer(pointer, "parameters");
    let shared = parameters(ctx, &shared_pointer, item.get("parameters"));
    report_duplicates(&shared, out);

    let operations: Vec<(&str, &Value)> = METHODS
        .iter()
        .filter_map(|m| item.get(*m).map(|op| (*m, op)))
        .collect();
    let mut lists: Vec<(String, Vec<(String, &Value)>)> = Vec::new();
    if operations.is_empty() {
        lists.push((pointer.to_owned(), shared.clone()));
    }
    for (method, operation) in operations {
        let op_pointer = push_pointer(pointer, method);
        let own_pointer = push_pointer(&op_pointer, "parameters");
        let own = parameters(ctx, &own_pointer, operation.get("parameters"));
        report_duplicates(&own, out);

        // Operation parameters override path-level ones with the same name and location.
        let mut effective: Vec<(String, &Value)> = shared
            .iter()
            .filter(|(_, p)| {
                !own.iter()
                    .any(|(_, o)| key_of(o).is_some() && key_of(o) == key_of(p))
            })
            .cloned()
            .collect();
        effective.extend(own);
        lists.push((op_pointer, effective));
    }

    for (at, effective) in lists {
        let path_params: Vec<(&String, &str)> = effective
            .iter()
            .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|(ptr, p)| Some((ptr, p.get("name")?.as_str()?)))
            .collect();
        for name in names {
            if !path_params.iter().any(|(_, n)| n == name) {
                out.push(
                    Finding::error(
                        PATH_PARAMS,
                        at.clone(),
                        format!(
                            "`{{{name}}}` in `{path}` has no `in: path` parameter named `{name}`"
                        ),
                    )
                    .hint(format!(
                        "add a parameter with `name: {name}`, `in: path` and `required: true`"
                    )),
                );
            }
        }
        for (param_pointer, name) in path_params {
            if !names.iter().any(|n| n == name) {
                out.push(
                    Finding::error(
                        PATH_PARAMS,
                        param_pointer.clone(),
                        format!("path parameter `{name}` does not appear in `{path}`"),
                    )
                    .hint(format!(
                        "add `{{{name}}}` to the path, or make it a query parameter"
                    )),
                );
            }
        }
    }
}

fn report_duplicates(list: &[(String, &Value)], out: &mut Vec<Finding>) {
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (pointer, parameter) in list {
        if let Some(key) = key_of(parameter)
            && !seen.insert(key.clone())
        {
            out.push(
                Finding::error(
                    PATH_PARAMS,
                    pointer.clone(),
                    format!("parameter `{}` in {} is listed twice", key.0, key.1),
                )
                .hint("list each (name, in) pair once per operation or path"),
            );
        }
    }
}

/// One segment of a path: literal text, or a template parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Segment {
    Literal(String),
    Template,
}

fn segments(path: &str) -> Option<Vec<Segment>> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| {
            if segment.starts_with('{')
                && segment.ends_with('}')
                && segment.matches('{').count() == 1
            {
                Some(Segment::Template)
            } else if segment.contains(['{', '}']) {
                None // Mixed segments such as `file.{ext}`: too rare to compare.
            } else {
                Some(Segment::Literal(segment.to_owned()))
            }
        })
        .collect()
}

/// Two paths that differ only in parameter names are the same path (an error); two that some
/// URL could match both are ambiguous (a warning).
fn check_overlaps(shapes: &[(String, Vec<Segment>)], out: &mut Vec<Finding>) {
    let mut identical: HashMap<&Vec<Segment>, &str> = HashMap::new();
    for (index, (pointer, shape)) in shapes.iter().enumerate() {
        if let Some(earlier) = identical.get(shape) {
            out.push(
                Finding::error(
                    PATH_SHAPE,
                    pointer.clone(),
                    format!("this path is the same as {earlier} but for parameter names"),
                )
                .hint("merge the two path items"),
            );
            continue;
        }
        identical.insert(shape, pointer);
        for (other_pointer, other) in &shapes[..index] {
            let ambiguous = other.len() == shape.len()
                && other != shape
                && other
                    .iter()
                    .zip(shape)
                    .all(|(a, b)| a == b || *a == Segment::Template || *b == Segment::Template)
                && other
                    .iter()
                    .zip(shape)
                    .any(|(a, b)| matches!((a, b), (Segment::Template, Segment::Literal(_))));
            let reverse = other
                .iter()
                .zip(shape)
                .any(|(a, b)| matches!((a, b), (Segment::Literal(_), Segment::Template)));
            if ambiguous && reverse {
                out.push(
                    Finding::warning(
                        PATH_SHAPE,
                        pointer.clone(),
                        format!("this path and {other_pointer} can match the same URL"),
                    )
                    .hint("make a literal segment tell them apart"),
                );
            }
        }
    }
}
