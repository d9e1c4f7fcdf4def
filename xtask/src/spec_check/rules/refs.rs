//! `ref-resolves` and `unused-component`.
//!
//! Every `$ref` must point at an object of the right kind inside this document: progenitor
//! reads no other file, and it finds a referenced component by the last segment of the
//! reference in the section of the expected kind, so a reference anywhere else than
//! `#/components/<section>/<name>` makes it stop or pick the wrong object.
//!
//! Every component must be reachable from the paths: progenitor turns every schema into a
//! public type, so a forgotten one becomes API that nobody meant to publish.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::super::Context;
use super::super::document::{Document, push_pointer, reference_of};
use super::super::finding::Finding;
use super::super::walk::Kind;
use super::closest;

/// References that are external, dangling, circular or point at the wrong kind.
pub const REF_RESOLVES: &str = "ref-resolves";
/// Components nothing refers to.
pub const UNUSED_COMPONENT: &str = "unused-component";

/// The `components` section holding objects of `kind`.
pub fn section(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Schema => "schemas",
        Kind::Response => "responses",
        Kind::Parameter => "parameters",
        Kind::Example => "examples",
        Kind::RequestBody => "requestBodies",
        Kind::Header => "headers",
        Kind::SecurityScheme => "securitySchemes",
        Kind::Link => "links",
        Kind::Callback => "callbacks",
        _ => return None,
    })
}

/// Checks references, then looks for unused components. Returns whether some reference leads
/// into a circle, which the generator must not be given (see [`super::check`]).
pub fn check(ctx: &Context, out: &mut Vec<Finding>) -> bool {
    let before = out.len();
    for node in &ctx.nodes {
        if node.is_ref {
            if let Some(reference) = reference_of(node.value) {
                check_reference(ctx.doc, &node.pointer, reference, node.kind, out);
            }
        } else if node.kind == Kind::PathItem {
            // A Path Item may be a reference to another Path Item (progenitor refuses it;
            // `path-params` says so), but it must still resolve.
            if let Some(reference) = reference_of(node.value) {
                check_reference(ctx.doc, &node.pointer, reference, node.kind, out);
            }
        }
    }
    let circular = out[before..].iter().any(|f| f.message.ends_with(CIRCLE));
    check_unused(ctx, out);
    circular
}

/// The end of the message for a reference that leads into a circle.
const CIRCLE: &str = "leads into a circle of references";

fn check_reference(doc: &Document, at: &str, reference: &str, kind: Kind, out: &mut Vec<Finding>) {
    let pointer = push_pointer(at, "$ref");
    let Some(target) = Document::ref_pointer(reference) else {
        out.push(
            Finding::error(
                REF_RESOLVES,
                pointer,
                format!("external reference `{reference}` is not supported"),
            )
            .hint("copy the definition under `components` and refer to it with `#/components/...`"),
        );
        return;
    };
    let Some(value) = doc.get(&target) else {
        let mut finding = Finding::error(
            REF_RESOLVES,
            pointer,
            format!("`{reference}` does not resolve: nothing is at {target}"),
        );
        if let Some(hint) = suggestion(doc, &target) {
            finding = finding.hint(hint);
        }
        out.push(finding);
        return;
    };
    if doc.resolve(&target, value).is_none() {
        out.push(
            Finding::error(REF_RESOLVES, pointer, format!("`{reference}` {CIRCLE}"))
                .hint("make one of the components in the circle a real object"),
        );
        return;
    }

    let Some(section) = section(kind) else {
        // Path items have no section in 3.0 components; the reference resolves, which is all
        // that can be asked of it here.
        return;
    };
    let segments: Vec<&str> = target.split('/').collect();
    let in_section = segments.len() == 4 && segments[1] == "components" && segments[2] == section;
    if !in_section {
        out.push(
            Finding::error(
                REF_RESOLVES,
                pointer,
                format!(
                    "`{reference}` points outside `#/components/{section}/`, where {} \
                    objects belong",
                    kind.name()
                ),
            )
            .hint(format!(
                "progenitor looks a reference up by its last segment in `components/{section}`; \
                 move the target there"
            )),
        );
    }
}

/// Suggests the closest existing name in the same section, for a typo in a reference.
fn suggestion(doc: &Document, target: &str) -> Option<String> {
    let (parent, name) = target.rsplit_once('/')?;
    let siblings = doc.get(parent)?.as_object()?;
    let candidate = closest(name, siblings.keys().map(String::as_str))?;
    Some(format!("did you mean `#{parent}/{candidate}`?"))
}

/// The component (`/components/<section>/<name>`) holding `pointer`, if any.
fn component_of(pointer: &str) -> Option<String> {
    let mut parts = pointer.splitn(5, '/');
    let (_, components, section, name) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (components == "components" && !section.starts_with("x-"))
        .then(|| format!("/components/{section}/{name}"))
}

fn check_unused(ctx: &Context, out: &mut Vec<Finding>) {
    let doc = ctx.doc;

    // Edges: (where the reference sits, the component it reaches).
    let mut edges: Vec<(String, String)> = Vec::new();
    for node in &ctx.nodes {
        let Some(reference) = reference_of(node.value) else {
            continue;
        };
        if !(node.is_ref || node.kind == Kind::PathItem) {
            continue;
        }
        if let Some(target) = Document::ref_pointer(reference).and_then(|t| component_of(&t)) {
            edges.push((node.pointer.clone(), target));
        }
    }
    for node in ctx.objects(Kind::SecurityRequirement) {
        for name in node
            .value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            edges.push((
                node.pointer.clone(),
                format!("/components/securitySchemes/{}", escape(name)),
            ));
        }
    }
    for node in ctx.objects(Kind::Discriminator) {
        let mapping = node.value.get("mapping").and_then(Value::as_object);
        for target in mapping
            .into_iter()
            .flatten()
            .filter_map(|(_, v)| v.as_str())
        {
            let pointer = Document::ref_pointer(target)
                .unwrap_or_else(|| format!("/components/schemas/{}", escape(target)));
            if let Some(component) = component_of(&pointer) {
                edges.push((node.pointer.clone(), component));
            }
        }
    }

    // Everything reachable from outside `components`.
    let mut reached: HashSet<String> = HashSet::new();
    let mut queue: Vec<String> = edges
        .iter()
        .filter(|(from, _)| component_of(from).is_none())
        .map(|(_, to)| to.clone())
        .collect();
    while let Some(component) = queue.pop() {
        if !reached.insert(component.clone()) {
            continue;
        }
        for (from, to) in &edges {
            if component_of(from).as_deref() == Some(component.as_str()) && !reached.contains(to) {
                queue.push(to.clone());
            }
        }
    }

    let Some(components) = doc.root.get("components").and_then(Value::as_object) else {
        return;
    };
    let mut unused = BTreeSet::new();
    for (section, entries) in components {
        if section.starts_with("x-") {
            continue;
        }
        for name in entries
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            let pointer = push_pointer(&push_pointer("/components", section), name);
            if !reached.contains(&pointer) {
                unused.insert((pointer, section.clone(), name.clone()));
            }
        }
    }
    for (pointer, section, name) in unused {
        let why = if section == "schemas" {
            "progenitor turns every schema into a public type"
        } else {
            "an unused component is usually a leftover or a missing `$ref`"
        };
        out.push(
            Finding::error(
                UNUSED_COMPONENT,
                pointer,
                format!("component `{section}/{name}` is never used"),
            )
            .hint(format!("refer to it or remove it; {why}")),
        );
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_found_from_deep_pointers() {
        assert_eq!(
            component_of("/components/schemas/A/properties/b").as_deref(),
            Some("/components/schemas/A")
        );
        assert_eq!(
            component_of("/components/schemas/A").as_deref(),
            Some("/components/schemas/A")
        );
        assert_eq!(component_of("/paths/~1a"), None);
        assert_eq!(component_of("/components/schemas"), None);
    }
}
