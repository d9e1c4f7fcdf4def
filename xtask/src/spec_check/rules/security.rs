//! `security`: every operation is protected by HTTP Basic authentication.
//!
//! SignalWire authenticates every request with the project ID and API token as HTTP Basic
//! credentials, and the hand-written client always sends them. progenitor ignores
//! `securitySchemes` altogether, so nothing else would notice a document that drops the
//! requirement, names a scheme that does not exist, or opens an operation to anonymous
//! callers with `security: []` or `- {}`.

use serde_json::Value;

use super::super::Context;
use super::super::document::push_pointer;
use super::super::finding::Finding;
use super::super::walk::Kind;

/// The rule's name.
pub const RULE: &str = "security";

/// Checks the schemes and the requirement of every operation.
pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let doc = ctx.doc;
    let schemes = doc
        .root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let is_basic = |name: &str| {
        schemes
            .get(name)
            .and_then(|scheme| doc.resolve("", scheme))
            .is_some_and(|(_, scheme)| {
                scheme.get("type").and_then(Value::as_str) == Some("http")
                    && scheme
                        .get("scheme")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("basic"))
            })
    };
    if !schemes.keys().any(|name| is_basic(name)) {
        out.push(
            Finding::error(
                RULE,
                "/components/securitySchemes",
                "no security scheme is HTTP Basic",
            )
            .hint(
                "add one with `type: http` and `scheme: basic`; SignalWire takes the \
                    project ID and API token that way",
            ),
        );
    }

    // Every requirement names schemes that exist, with scopes only where scopes exist.
    for node in ctx.objects(Kind::SecurityRequirement) {
        for (name, scopes) in node.value.as_object().into_iter().flatten() {
            let pointer = push_pointer(&node.pointer, name);
            let Some(scheme) = schemes
                .get(name)
                .and_then(|s| doc.resolve("", s))
                .map(|(_, s)| s)
            else {
                out.push(
                    Finding::error(
                        RULE,
                        pointer,
                        format!("security scheme `{name}` is not defined"),
                    )
                    .hint("define it under `components/securitySchemes`, or fix the name"),
                );
                continue;
            };
            let kind = scheme
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let has_scopes = scopes.as_array().is_some_and(|s| !s.is_empty());
            if has_scopes && !matches!(kind, "oauth2" | "openIdConnect") {
                out.push(
                    Finding::warning(
                        RULE,
                        pointer,
                        format!("scheme `{name}` of type {kind} takes no scopes"),
                    )
                    .hint("write `[]`"),
                );
            } else if kind == "oauth2" {
                check_oauth_scopes(scheme, name, scopes, &pointer, out);
            }
        }
    }

    // Every operation ends up with a requirement that includes Basic.
    let global = doc.root.get("security");
    for node in ctx.objects(Kind::Operation) {
        if !node.pointer.starts_with("/paths/") || node.pointer.contains("/callbacks/") {
            continue;
        }
        let (requirement, pointer) = match node.value.get("security") {
            Some(own) => (Some(own), push_pointer(&node.pointer, "security")),
            None => (global, node.pointer.clone()),
        };
        let alternatives = requirement
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let anonymous = alternatives
            .iter()
            .any(|a| a.as_object().is_some_and(|o| o.is_empty()));
        let basic = alternatives.iter().any(|a| {
            a.as_object()
                .is_some_and(|o| o.keys().any(|name| is_basic(name)))
        });
        let message = if alternatives.is_empty() {
            Some("the operation requires no authentication")
        } else if anonymous {
            Some("the operation allows anonymous calls (an empty requirement `{}`)")
        } else if !basic {
            Some("no security requirement of the operation uses the HTTP Basic scheme")
        } else {
            None
        };
        if let Some(message) = message {
            out.push(Finding::error(RULE, pointer, message).hint(
                "require the Basic scheme globally with `security: [{basic_auth: \
                        []}]` and do not override it",
            ));
        }
    }
}

fn check_oauth_scopes(
    scheme: &Value,
    name: &str,
    scopes: &Value,
    pointer: &str,
    out: &mut Vec<Finding>,
) {
    let flows = scheme.get("flows").and_then(Value::as_object);
    let defined = |scope: &str| {
        flows.into_iter().flatten().any(|(_, flow)| {
            flow.get("scopes")
                .and_then(Value::as_object)
                .is_some_and(|s| s.contains_key(scope))
        })
    };
    for scope in scopes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !defined(scope) {
            out.push(
                Finding::warning(
                    RULE,
                    pointer,
                    format!("scope `{scope}` is not defined by scheme `{name}`"),
                )
                .hint("add it to the `scopes` of one of the scheme's flows"),
            );
        }
    }
}
