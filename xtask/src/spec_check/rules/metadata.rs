//! `servers`, `docs` and `markdown`: the parts of the document that people read.
//!
//! These do not change the generated code, but the established linters check them, and the
//! document is also the API's reference: `servers` must describe a usable base URL, the
//! info object, operations and tags must say what they are (`docs`), and descriptions must
//! not carry script that a rendered page would run (`markdown`).
//!
//! A missing `info.license` is only an info finding: Redocly warns about it, but the API's
//! licence is SignalWire's to state, not something this document can make up.

use std::collections::HashSet;

use serde_json::Value;

use super::super::Context;
use super::super::document::push_pointer;
use super::super::finding::Finding;
use super::super::walk::Kind;

/// Server URLs and their variables.
pub const SERVERS: &str = "servers";
/// Descriptions, summaries and tags.
pub const DOCS: &str = "docs";
/// Script in descriptions.
pub const MARKDOWN: &str = "markdown";

/// Runs the three rules.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    check_servers(ctx, out);
    check_docs(ctx, out);
    check_markdown(ctx, out);
}

fn check_servers(ctx: &Context, out: &mut Vec<Finding>) {
    match ctx.doc.root.get("servers") {
        None => out.push(
            Finding::error(SERVERS, "", "the document lists no `servers`")
                .hint("add the base URL, such as `https://{space_name}.signalwire.com`"),
        ),
        Some(Value::Array(list)) if list.is_empty() => out.push(
            Finding::error(SERVERS, "/servers", "`servers` is empty")
                .hint("list the base URL, or remove `servers`"),
        ),
        Some(_) => {}
    }

    for node in ctx.objects(Kind::Server) {
        let Some(url) = node.value.get("url").and_then(Value::as_str) else {
            continue;
        };
        let url_pointer = push_pointer(&node.pointer, "url");
        if url.is_empty() {
            out.push(
                Finding::error(SERVERS, url_pointer, "the server URL is empty")
                    .hint("write the base URL"),
            );
            continue;
        }
        if url.len() > 1 && url.ends_with('/') {
            out.push(
                Finding::error(
                    SERVERS,
                    url_pointer.clone(),
                    format!("server URL `{url}` ends with `/`"),
                )
                .hint("remove it; the generated client appends paths that start with `/`"),
            );
        }
        let host = url
            .split("://")
            .nth(1)
            .unwrap_or(url)
            .split(['/', ':'])
            .next()
            .unwrap_or_default();
        if host == "example.com" || host.ends_with(".example.com") {
            out.push(
                Finding::warning(
                    SERVERS,
                    url_pointer.clone(),
                    format!("server URL `{url}` points at example.com"),
                )
                .hint("give the service's real URL"),
            );
        }

        let used = template_names(url);
        let variables = node.value.get("variables").and_then(Value::as_object);
        for name in &used {
            if !variables.is_some_and(|v| v.contains_key(name)) {
                out.push(
                    Finding::error(
                        SERVERS,
                        url_pointer.clone(),
                        format!("server variable `{{{name}}}` is not defined"),
                    )
                    .hint(format!("add `{name}` under the server's `variables`")),
                );
            }
        }
        for (name, variable) in variables.into_iter().flatten() {
            let pointer = push_pointer(&push_pointer(&node.pointer, "variables"), name);
            if !used.contains(name) {
                out.push(
                    Finding::error(
                        SERVERS,
                        pointer.clone(),
                        format!("server variable `{name}` does not appear in `{url}`"),
                    )
                    .hint(format!(
                        "use `{{{name}}}` in the URL, or remove the variable"
                    )),
                );
            }
            let Some(values) = variable.get("enum").and_then(Value::as_array) else {
                continue;
            };
            if values.is_empty() {
                out.push(
                    Finding::error(
                        SERVERS,
                        push_pointer(&pointer, "enum"),
                        format!("server variable `{name}` has an empty `enum`"),
                    )
                    .hint("list the allowed values, or remove `enum`"),
                );
            } else if let Some(default) = variable.get("default")
                && !values.contains(default)
            {
                out.push(
                    Finding::error(
                        SERVERS,
                        push_pointer(&pointer, "default"),
                        format!("the default of server variable `{name}` is not in its `enum`"),
                    )
                    .hint("make the default one of the listed values"),
                );
            }
        }
    }
}

fn template_names(url: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    names
}

fn check_docs(ctx: &Context, out: &mut Vec<Finding>) {
    let root = &ctx.doc.root;
    if let Some(info) = root.get("info").filter(|i| i.is_object()) {
        if !has_text(info, "description") {
            out.push(
                Finding::warning(DOCS, "/info", "`info` has no `description`")
                    .hint("say what the API does"),
            );
        }
        if info.get("contact").is_none() {
            out.push(
                Finding::warning(DOCS, "/info", "`info` has no `contact`")
                    .hint("say where the API is documented or supported"),
            );
        }
        match info.get("license") {
            None => out.push(
                Finding::info(DOCS, "/info", "`info` has no `license`")
                    .hint("add the API's licence if its owner states one"),
            ),
            Some(license) if license.get("url").is_none() => out.push(
                Finding::info(DOCS, "/info/license", "the license has no `url`")
                    .hint("add a link to the licence text"),
            ),
            Some(_) => {}
        }
    }

    let mut declared = HashSet::new();
    for (index, tag) in root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let pointer = format!("/tags/{index}");
        let Some(name) = tag.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !declared.insert(name) {
            out.push(
                Finding::error(
                    DOCS,
                    pointer.clone(),
                    format!("tag `{name}` is declared twice"),
                )
                .hint("declare each tag once"),
            );
        }
        if !has_text(tag, "description") {
            out.push(
                Finding::warning(DOCS, pointer, format!("tag `{name}` has no `description`"))
                    .hint("say what the tag groups"),
            );
        }
    }

    for node in ctx.objects(Kind::Operation) {
        let op = node.value;
        if !has_text(op, "summary") {
            out.push(
                Finding::error(DOCS, node.pointer.clone(), "the operation has no `summary`").hint(
                    "add a one-line summary; progenitor uses it as the first line of the \
                        method's docs",
                ),
            );
        }
        if !has_text(op, "description") {
            out.push(
                Finding::warning(
                    DOCS,
                    node.pointer.clone(),
                    "the operation has no `description`",
                )
                .hint("say what it does and returns"),
            );
        }
        match op.get("tags").and_then(Value::as_array) {
            Some(tags) if !tags.is_empty() => {
                for (index, tag) in tags.iter().enumerate() {
                    let Some(tag) = tag.as_str() else { continue };
                    if !declared.contains(tag) {
                        out.push(
                            Finding::warning(
                                DOCS,
                                format!("{}/tags/{index}", node.pointer),
                                format!("tag `{tag}` is not declared in the top-level `tags`"),
                            )
                            .hint("declare it with a description, or fix the name"),
                        );
                    }
                }
            }
            _ => out.push(
                Finding::warning(DOCS, node.pointer.clone(), "the operation has no `tags`")
                    .hint("tag it with the group it belongs to"),
            ),
        }
    }
}

fn has_text(object: &Value, key: &str) -> bool {
    object
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|text| !text.trim().is_empty())
}

fn check_markdown(ctx: &Context, out: &mut Vec<Finding>) {
    for node in &ctx.nodes {
        if node.is_ref {
            continue;
        }
        for key in ["description", "summary", "title"] {
            let Some(text) = node.value.get(key).and_then(Value::as_str) else {
                continue;
            };
            let lower = text.to_ascii_lowercase();
            let problem = if lower.contains("<script") {
                Some("a `<script>` tag")
            } else if lower.contains("eval(") {
                Some("`eval(`")
            } else if lower.contains("javascript:") {
                Some("a `javascript:` link")
            } else {
                None
            };
            if let Some(problem) = problem {
                out.push(
                    Finding::warning(
                        MARKDOWN,
                        push_pointer(&node.pointer, key),
                        format!("the {key} contains {problem}"),
                    )
                    .hint("remove it; documentation renderers would run it"),
                );
            }
        }
    }
}
