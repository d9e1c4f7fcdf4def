//! The change guard: compares the document with an earlier version from git and reports
//! every change that breaks the client's users.
//!
//! What counts as breaking, for users of the generated client and of the service:
//!
//! * operations: removing or renaming one (the method disappears), moving it to another path
//!   or method, adding or removing a parameter (progenitor's methods take parameters
//!   positionally, so even a new optional one changes every call), making a parameter
//!   required or optional, adding or removing a request body;
//! * what users send (parameters, request bodies): a new required property, a property made
//!   required, a narrowed enum (values removed, or an enum where there was none), tighter
//!   bounds, `null` no longer accepted;
//! * what users receive (response bodies): a property removed or made optional, `null` now
//!   possible, a widened enum (a value the generated enum cannot read), an enum removed;
//! * both ways: a property removed, a type or format changed, any change that turns a field's
//!   generated Rust type between `T` and `Option<T>`, a schema component removed, a success
//!   status removed, the kind of a success or error body changed.
//!
//! Everything else that changes is additive and printed as info: new operations, schemas,
//! optional request properties, response properties, error statuses, relaxed request rules
//! and narrowed response enums. Adding a field to a generated struct or a variant to an enum
//! is treated as additive, although code that builds those structs with literals or matches
//! the enums exhaustively must then change. Response bounds, `additionalProperties` and
//! `pattern` changes in responses are not compared.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value};

use super::Options;
use super::document::{Document, push_pointer};
use super::finding::Finding;
use super::walk::METHODS;

/// A change that breaks users (an error, or a warning with `--allow-breaking`).
pub const BREAKING: &str = "breaking-change";
/// A change that does not; printed as info.
pub const ADDITIVE: &str = "additive-change";

/// Compares the document with the version `options` asks for, or picks one:
/// the most recent tag; else the last commit that changed the document, or, when the working
/// copy equals that commit's version, the version before it. Without git, or without an
/// earlier version, it reports an info finding and compares nothing.
pub fn guard(spec: &Path, doc: &Document, options: &Options) -> Vec<Finding> {
    match guard_inner(spec, doc, options) {
        Ok(findings) => findings,
        Err(reason) => vec![Finding::info(
            BREAKING,
            "",
            format!("the change guard was skipped: {reason}"),
        )],
    }
}

fn guard_inner(spec: &Path, doc: &Document, options: &Options) -> Result<Vec<Finding>, String> {
    let spec = std::fs::canonicalize(spec)
        .map_err(|err| format!("cannot locate {}: {err}", spec.display()))?;
    let dir = spec
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let top = git(&dir, &["rev-parse", "--show-toplevel"])
        .map_err(|err| format!("no git repository ({err})"))?;
    let top = std::fs::canonicalize(top.trim()).map_err(|err| err.to_string())?;
    let relative = spec
        .strip_prefix(&top)
        .map_err(|_| "the document is outside the git repository".to_owned())?
        .to_string_lossy()
        .replace('\\', "/");
    let current = std::fs::read_to_string(&spec).map_err(|err| err.to_string())?;

    let (revision, why) = match &options.against {
        Some(revision) => (revision.clone(), "as asked".to_owned()),
        None => pick_revision(&top, &relative, &current)?,
    };
    let old_text = git(&top, &["show", &format!("{revision}:{relative}")])
        .map_err(|_| format!("{revision} has no {relative}"))?;
    let old = Document::parse(&old_text).map_err(|finding| {
        format!(
            "the version at {revision} does not parse ({})",
            finding.message
        )
    })?;

    let mut findings = vec![Finding::info(
        BREAKING,
        "",
        format!("compared with {revision} ({why})"),
    )];
    findings.extend(compare(&old, doc, options.allow_breaking));
    Ok(findings)
}

/// The default revision to compare with, and why it was chosen.
fn pick_revision(top: &Path, relative: &str, current: &str) -> Result<(String, String), String> {
    if let Ok(tag) = git(top, &["describe", "--tags", "--abbrev=0"]) {
        return Ok((tag.trim().to_owned(), "the most recent tag".to_owned()));
    }
    let last = git(top, &["log", "-1", "--format=%H", "--", relative])
        .map_err(|err| format!("git log failed ({err})"))?;
    let last = last.trim();
    if last.is_empty() {
        return Err(format!("{relative} has no commit yet"));
    }
    let committed = git(top, &["show", &format!("{last}:{relative}")]).unwrap_or_default();
    if committed != current {
        return Ok((
            last.to_owned(),
            "the last commit of the document; the working copy differs".to_owned(),
        ));
    }
    let parent = format!("{last}^");
    if git(top, &["show", &format!("{parent}:{relative}")]).is_err() {
        return Err(format!(
            "{relative} has no version before {}",
            &last[..last.len().min(12)]
        ));
    }
    Ok((
        parent,
        "the version before the last commit of the document".to_owned(),
    ))
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}

/// Which way a value travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Way {
    /// Users send it.
    Request,
    /// Users receive it.
    Response,
}

/// Every change from `old` to `new`.
pub fn compare(old: &Document, new: &Document, allow_breaking: bool) -> Vec<Finding> {
    let mut comparer = Comparer {
        old,
        new,
        allow_breaking,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    comparer.operations();
    comparer.components();
    comparer.out
}

struct Operation<'a> {
    method: &'static str,
    path: String,
    pointer: String,
    value: &'a Value,
    item: &'a Value,
}

fn operations(doc: &Document) -> BTreeMap<String, Operation<'_>> {
    let mut found = BTreeMap::new();
    for (path, item) in doc
        .root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let Some(value) = item.get(*method) else {
                continue;
            };
            let id = value
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(
                    || format!("{} {path}", method.to_uppercase()),
                    str::to_owned,
                );
            let pointer = push_pointer(&push_pointer("/paths", path), method);
            found.insert(
                id,
                Operation {
                    method,
                    path: path.clone(),
                    pointer,
                    value,
                    item,
                },
            );
        }
    }
    found
}

struct Comparer<'a> {
    old: &'a Document,
    new: &'a Document,
    allow_breaking: bool,
    seen: HashSet<(String, String, Way)>,
    out: Vec<Finding>,
}

impl Comparer<'_> {
    fn breaking(&mut self, pointer: &str, message: String) {
        let finding = if self.allow_breaking {
            Finding::warning(BREAKING, pointer, message)
        } else {
            Finding::error(BREAKING, pointer, message)
        };
        self.out.push(finding.hint(
            "if the change is intended, release it as a new major version and run with \
             `--allow-breaking`",
        ));
    }

    fn additive(&mut self, pointer: &str, message: String) {
        self.out.push(Finding::info(ADDITIVE, pointer, message));
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        for (id, old_op) in &old_ops {
            let Some(new_op) = new_ops.get(id) else {
                let renamed = new_ops.iter().find(|(new_id, op)| {
                    !old_ops.contains_key(*new_id)
                        && op.method == old_op.method
                        && op.path == old_op.path
                });
                match renamed {
                    Some((new_id, op)) => self.breaking(
                        &push_pointer(&op.pointer, "operationId"),
                        format!(
                            "operation `{id}` was renamed to `{new_id}`: the generated \
                            method's name changes"
                        ),
                    ),
                    None => self.breaking(
                        "/paths",
                        format!(
                            "operation `{id}` ({} {}) was removed",
                            old_op.method.to_uppercase(),
                            old_op.path
                        ),
                    ),
                }
                continue;
            };
            if new_op.method != old_op.method || new_op.path != old_op.path {
                self.breaking(
                    &new_op.pointer,
                    format!(
                        "operation `{id}` moved from {} {} to {} {}",
                        old_op.method.to_uppercase(),
                        old_op.path,
                        new_op.method.to_uppercase(),
                        new_op.path
                    ),
                );
            }
            self.parameters(id, old_op, new_op);
            self.request_body(id, old_op, new_op);
            self.responses(id, old_op, new_op);
        }
        for (id, new_op) in &new_ops {
            let renamed = old_ops
                .values()
                .any(|op| op.method == new_op.method && op.path == new_op.path)
                && !old_ops.contains_key(id);
            if !old_ops.contains_key(id) && !renamed {
                self.additive(
                    &new_op.pointer,
                    format!(
                        "operation `{id}` ({} {}) was added",
                        new_op.method.to_uppercase(),
                        new_op.path
                    ),
                );
            }
        }
    }

    fn components(&mut self) {
        let names = |doc: &Document| -> Vec<String> {
            doc.root
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|s| s.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old_names, new_names) = (names(self.old), names(self.new));
        for name in &old_names {
            if !new_names.contains(name) {
                self.breaking(
                    "/components/schemas",
                    format!("schema `{name}` was removed: its generated type disappears"),
                );
            }
        }
        for name in &new_names {
            if !old_names.contains(name) {
                self.additive(
                    &push_pointer("/components/schemas", name),
                    format!("schema `{name}` was added"),
                );
            }
        }
    }

    /// Path-level and operation-level parameters, resolved, by (name, in).
    fn effective_parameters<'d>(
        doc: &'d Document,
        op: &Operation<'d>,
    ) -> BTreeMap<(String, String), (String, &'d Value)> {
        let mut found = BTreeMap::new();
        let path_pointer = op
            .pointer
            .rsplit_once('/')
            .map_or("", |(p, _)| p)
            .to_owned();
        for (list, list_pointer) in [
            (
                op.item.get("parameters"),
                push_pointer(&path_pointer, "parameters"),
            ),
            (
                op.value.get("parameters"),
                push_pointer(&op.pointer, "parameters"),
            ),
        ] {
            for (index, item) in list
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let pointer = push_pointer(&list_pointer, &index.to_string());
                let Some((_, parameter)) = doc.resolve(&pointer, item) else {
                    continue;
                };
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let location = parameter
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                found.insert((name.to_owned(), location.to_owned()), (pointer, parameter));
            }
        }
        found
    }

    fn parameters(&mut self, id: &str, old_op: &Operation, new_op: &Operation) {
        let old_params = Self::effective_parameters(self.old, old_op);
        let new_params = Self::effective_parameters(self.new, new_op);
        let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));

        for ((name, location), (old_pointer, old_param)) in &old_params {
            let Some((new_pointer, new_param)) = new_params.get(&(name.clone(), location.clone()))
            else {
                self.breaking(
                    &new_op.pointer,
                    format!(
                        "parameter `{name}` ({location}) of `{id}` was removed: the \
                        generated method loses an argument"
                    ),
                );
                continue;
            };
            match (required(old_param), required(new_param)) {
                (false, true) => self.breaking(
                    new_pointer,
                    format!(
                        "parameter `{name}` of `{id}` became required: callers that omit it \
                        fail"
                    ),
                ),
                (true, false) => self.breaking(
                    new_pointer,
                    format!(
                        "parameter `{name}` of `{id}` became optional: its argument changes \
                        from `T` to `Option<T>`"
                    ),
                ),
                _ => {}
            }
            let label = format!("parameter `{name}` of `{id}`");
            let (old_schema, new_schema) = (old_param.get("schema"), new_param.get("schema"));
            if let (Some(old_schema), Some(new_schema)) = (old_schema, new_schema) {
                self.schema(
                    (&push_pointer(old_pointer, "schema"), old_schema),
                    (&push_pointer(new_pointer, "schema"), new_schema),
                    Way::Request,
                    &label,
                    false,
                );
            }
        }
        for ((name, location), (new_pointer, new_param)) in &new_params {
            if old_params.contains_key(&(name.clone(), location.clone())) {
                continue;
            }
            let message = if required(new_param) {
                format!(
                    "`{id}` has a new required parameter `{name}` ({location}): existing calls \
                        lack it"
                )
            } else {
                format!(
                    "`{id}` has a new optional parameter `{name}` ({location}): the generated \
                        method takes \
                     parameters positionally and gains an argument"
                )
            };
            self.breaking(new_pointer, message);
        }
    }

    /// The JSON (or single) media type of a request body or response, with its pointer.
    fn media<'d>(
        doc: &'d Document,
        pointer: &str,
        holder: Option<&'d Value>,
    ) -> Option<(String, String, &'d Value)> {
        let (target, holder) = doc.resolve(pointer, holder?)?;
        let content = holder.get("content")?.as_object()?;
        let (media, value) = content
            .iter()
            .find(|(m, _)| m.starts_with("application/json"))
            .or_else(|| content.iter().next())?;
        Some((
            media.clone(),
            push_pointer(&push_pointer(&target, "content"), media),
            value,
        ))
    }

    fn request_body(&mut self, id: &str, old_op: &Operation, new_op: &Operation) {
        let old_pointer = push_pointer(&old_op.pointer, "requestBody");
        let new_pointer = push_pointer(&new_op.pointer, "requestBody");
        let old_body = old_op.value.get("requestBody");
        let new_body = new_op.value.get("requestBody");
        match (old_body, new_body) {
            (None, None) => return,
            (Some(_), None) => {
                self.breaking(
                    &new_op.pointer,
                    format!(
                        "the request body of `{id}` was removed: the method loses its body argument"
                    ),
                );
                return;
            }
            (None, Some(_)) => {
                self.breaking(
                    &new_pointer,
                    format!("`{id}` takes a request body now: the method gains a body argument"),
                );
                return;
            }
            (Some(_), Some(_)) => {}
        }
        let old_media = Self::media(self.old, &old_pointer, old_body);
        let new_media = Self::media(self.new, &new_pointer, new_body);
        let (
            Some((old_type, old_media_pointer, old_media)),
            Some((new_type, new_media_pointer, new_media)),
        ) = (old_media, new_media)
        else {
            return;
        };
        if old_type != new_type {
            self.breaking(
                &new_media_pointer,
                format!("the request body of `{id}` changed from `{old_type}` to `{new_type}`"),
            );
            return;
        }
        if let (Some(old_schema), Some(new_schema)) =
            (old_media.get("schema"), new_media.get("schema"))
        {
            self.schema(
                (&push_pointer(&old_media_pointer, "schema"), old_schema),
                (&push_pointer(&new_media_pointer, "schema"), new_schema),
                Way::Request,
                &format!("the request body of `{id}`"),
                false,
            );
        }
    }

    fn responses(&mut self, id: &str, old_op: &Operation, new_op: &Operation) {
        let statuses = |op: &Operation| -> Vec<String> {
            op.value
                .get("responses")
                .and_then(Value::as_object)
                .map(|r| r.keys().filter(|k| !k.starts_with("x-")).cloned().collect())
                .unwrap_or_default()
        };
        let (old_statuses, new_statuses) = (statuses(old_op), statuses(new_op));
        let responses_pointer = push_pointer(&new_op.pointer, "responses");
        let is_success = |s: &str| s.starts_with('2') || s == "101";

        for status in &old_statuses {
            if new_statuses.contains(status) {
                continue;
            }
            if is_success(status) {
                self.breaking(
                    &responses_pointer,
                    format!(
                        "success status {status} of `{id}` \
                    was removed: the client no longer accepts it"
                    ),
                );
            } else {
                self.additive(
                    &responses_pointer,
                    format!("status {status} of `{id}` is no longer documented"),
                );
            }
        }
        for status in &new_statuses {
            if !old_statuses.contains(status) {
                self.additive(
                    &push_pointer(&responses_pointer, status),
                    format!("`{id}` documents status {status} now"),
                );
            }
        }

        for status in old_statuses.iter().filter(|s| new_statuses.contains(s)) {
            let old_pointer = push_pointer(&push_pointer(&old_op.pointer, "responses"), status);
            let new_pointer = push_pointer(&responses_pointer, status);
            let old_response = old_op.value.pointer(&format!("/responses/{}", status));
            let new_response = new_op.value.pointer(&format!("/responses/{}", status));
            let old_media = Self::media(self.old, &old_pointer, old_response);
            let new_media = Self::media(self.new, &new_pointer, new_response);
            match (old_media, new_media) {
                (None, None) => {}
                (Some(_), None) | (None, Some(_)) => self.breaking(
                    &new_pointer,
                    format!(
                        "response {status} of `{id}` changed between having a body and having none"
                    ),
                ),
                (
                    Some((old_type, old_media_pointer, old_media)),
                    Some((new_type, new_media_pointer, new_media)),
                ) => {
                    if old_type != new_type {
                        self.breaking(
                            &new_media_pointer,
                            format!(
                                "response {status} of `{id}` \
                            changed from `{old_type}` to `{new_type}`"
                            ),
                        );
                        continue;
                    }
                    if let (Some(old_schema), Some(new_schema)) =
                        (old_media.get("schema"), new_media.get("schema"))
                    {
                        self.schema(
                            (&push_pointer(&old_media_pointer, "schema"), old_schema),
                            (&push_pointer(&new_media_pointer, "schema"), new_schema),
                            Way::Response,
                            &format!("response {status} of `{id}`"),
                            false,
                        );
                    }
                }
            }
        }
    }

    /// Compares two schemas that sit in the same place, travelling `way`.
    fn schema(
        &mut self,
        (old_pointer, old): (&str, &Value),
        (new_pointer, new): (&str, &Value),
        way: Way,
        label: &str,
        as_property: bool,
    ) {
        let Some((old_pointer, old)) = self.old.resolve(old_pointer, old) else {
            return;
        };
        let Some((new_pointer, new)) = self.new.resolve(new_pointer, new) else {
            return;
        };
        if !self
            .seen
            .insert((old_pointer.clone(), new_pointer.clone(), way))
        {
            return;
        }
        // Name things after the component when the schema is one.
        let label = match new_pointer.strip_prefix("/components/schemas/") {
            Some(name) if !name.contains('/') => format!("schema `{name}`"),
            _ => label.to_owned(),
        };
        let (Some(old_obj), Some(new_obj)) = (old.as_object(), new.as_object()) else {
            return;
        };
        let text =
            |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);

        let (old_type, new_type) = (text(old_obj, "type"), text(new_obj, "type"));
        if old_type != new_type {
            let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "any".to_owned());
            self.breaking(
                &new_pointer,
                format!(
                    "the type of {label} changed from {} to {}",
                    show(&old_type),
                    show(&new_type)
                ),
            );
            return;
        }
        let (old_format, new_format) = (text(old_obj, "format"), text(new_obj, "format"));
        if old_format != new_format {
            let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".to_owned());
            self.breaking(
                &new_pointer,
                format!(
                    "the format of {label} changed from {} to {}",
                    show(&old_format),
                    show(&new_format)
                ),
            );
        }

        // For a property, `properties` judges `nullable` together with `required`.
        if !as_property {
            self.nullable(&new_pointer, old_obj, new_obj, way, &label);
        }
        self.enumeration(&new_pointer, old_obj, new_obj, way, &label);
        if way == Way::Request {
            self.request_bounds(&new_pointer, old_obj, new_obj, &label);
        }
        self.properties(&old_pointer, old_obj, &new_pointer, new_obj, way, &label);

        if let (Some(old_items), Some(new_items)) = (old_obj.get("items"), new_obj.get("items")) {
            self.schema(
                (&push_pointer(&old_pointer, "items"), old_items),
                (&push_pointer(&new_pointer, "items"), new_items),
                way,
                &format!("the items of {label}"),
                false,
            );
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let old_list = old_obj.get(keyword).and_then(Value::as_array);
            let new_list = new_obj.get(keyword).and_then(Value::as_array);
            match (old_list, new_list) {
                (None, None) => {}
                (Some(old_list), Some(new_list)) if old_list.len() == new_list.len() => {
                    for (index, (old_branch, new_branch)) in
                        old_list.iter().zip(new_list).enumerate()
                    {
                        let index = index.to_string();
                        self.schema(
                            (
                                &push_pointer(&push_pointer(&old_pointer, keyword), &index),
                                old_branch,
                            ),
                            (
                                &push_pointer(&push_pointer(&new_pointer, keyword), &index),
                                new_branch,
                            ),
                            way,
                            &format!("{label} ({keyword} {index})"),
                            false,
                        );
                    }
                }
                _ => self.breaking(
                    &new_pointer,
                    format!("the `{keyword}` of {label} changed its branches"),
                ),
            }
        }
    }

    fn nullable(
        &mut self,
        pointer: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        way: Way,
        label: &str,
    ) {
        let flag = |o: &Map<String, Value>| o.get("nullable") == Some(&Value::Bool(true));
        match (flag(old), flag(new), way) {
            (false, true, Way::Response) => self.breaking(
                pointer,
                format!("{label} may be null now: readers must handle null"),
            ),
            (true, false, Way::Request) => {
                self.breaking(pointer, format!("{label} no longer accepts null"))
            }
            (false, true, Way::Request) => {
                self.additive(pointer, format!("{label} accepts null now"))
            }
            (true, false, Way::Response) => {
                self.additive(pointer, format!("{label} is never null now"))
            }
            _ => {}
        }
    }

    fn enumeration(
        &mut self,
        pointer: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        way: Way,
        label: &str,
    ) {
        let values = |o: &Map<String, Value>| o.get("enum").and_then(Value::as_array).cloned();
        match (values(old), values(new)) {
            (None, None) => {}
            (None, Some(_)) => self.breaking(
                pointer,
                format!("{label} became an enum: its generated type changes"),
            ),
            (Some(_), None) => self.breaking(
                pointer,
                format!("{label} is no longer an enum: its generated type changes"),
            ),
            (Some(old_values), Some(new_values)) => {
                let removed: Vec<String> = old_values
                    .iter()
                    .filter(|v| !new_values.contains(v))
                    .map(Value::to_string)
                    .collect();
                let added: Vec<String> = new_values
                    .iter()
                    .filter(|v| !old_values.contains(v))
                    .map(Value::to_string)
                    .collect();
                if !removed.is_empty() {
                    let list = removed.join(", ");
                    match way {
                        Way::Request => {
                            self.breaking(pointer, format!("{label} no longer accepts {list}"))
                        }
                        Way::Response => {
                            self.additive(pointer, format!("{label} no longer returns {list}"))
                        }
                    }
                }
                if !added.is_empty() {
                    let list = added.join(", ");
                    match way {
                        Way::Response => self.breaking(
                            pointer,
                            format!(
                                "{label} may return {list} now, which older generated enums \
                                cannot read"
                            ),
                        ),
                        Way::Request => self.additive(
                            pointer,
                            format!(
                                "{label} accepts {list} \
                            now"
                            ),
                        ),
                    }
                }
            }
        }
    }

    fn request_bounds(
        &mut self,
        pointer: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        label: &str,
    ) {
        let number = |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_f64);
        let tighter_low = ["minimum", "minLength", "minItems", "minProperties"];
        let tighter_high = ["maximum", "maxLength", "maxItems", "maxProperties"];
        for key in tighter_low {
            if let Some(new_value) = number(new, key)
                && number(old, key).is_none_or(|old_value| new_value > old_value)
            {
                self.breaking(
                    pointer,
                    format!(
                        "{label} has a higher `{key}` ({new_value}): \
                    values accepted before are refused"
                    ),
                );
            }
        }
        for key in tighter_high {
            if let Some(new_value) = number(new, key)
                && number(old, key).is_none_or(|old_value| new_value < old_value)
            {
                self.breaking(
                    pointer,
                    format!(
                        "{label} has a lower `{key}` ({new_value}): \
                    values accepted before are refused"
                    ),
                );
            }
        }
        let pattern = |o: &Map<String, Value>| o.get("pattern").cloned();
        if pattern(new).is_some() && pattern(old) != pattern(new) {
            self.breaking(
                pointer,
                format!("{label} has a new `pattern`: values accepted before may be refused"),
            );
        }
    }

    fn properties(
        &mut self,
        old_pointer: &str,
        old: &Map<String, Value>,
        new_pointer: &str,
        new: &Map<String, Value>,
        way: Way,
        label: &str,
    ) {
        let empty = Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required = |o: &Map<String, Value>, name: &str| {
            o.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == name))
        };
        let nullable = |p: Option<(String, &Value)>| {
            p.is_some_and(|(_, p)| p.get("nullable") == Some(&Value::Bool(true)))
        };
        let old_props_pointer = push_pointer(old_pointer, "properties");
        let new_props_pointer = push_pointer(new_pointer, "properties");

        for (name, old_prop) in old_props {
            let Some(new_prop) = new_props.get(name) else {
                let at = if new.contains_key("properties") {
                    new_props_pointer.clone()
                } else {
                    new_pointer.to_owned()
                };
                self.breaking(&at, format!("property `{name}` of {label} was removed"));
                continue;
            };
            let old_at = push_pointer(&old_props_pointer, name);
            let new_at = push_pointer(&new_props_pointer, name);
            let (was_required, is_required) = (required(old, name), required(new, name));
            let was_nullable = nullable(self.old.resolve(&old_at, old_prop));
            let is_nullable = nullable(self.new.resolve(&new_at, new_prop));
            let wire = match way {
                Way::Request if !was_required && is_required => {
                    Some("became required: senders that omit it fail")
                }
                Way::Request if was_nullable && !is_nullable => Some("no longer accepts null"),
                Way::Response if was_required && !is_required => {
                    Some("became optional: readers may find it missing")
                }
                Way::Response if !was_nullable && is_nullable => {
                    Some("may be null now: readers must handle null")
                }
                _ => None,
            };
            let was_option = !was_required || was_nullable;
            let is_option = !is_required || is_nullable;
            let property = format!("property `{name}` of {label}");
            if let Some(why) = wire {
                self.breaking(&new_at, format!("{property} {why}"));
            } else if was_option != is_option {
                self.breaking(
                    &new_at,
                    format!("{property} changed between `T` and `Option<T>` in the generated type"),
                );
            } else if was_required != is_required || was_nullable != is_nullable {
                // The breaking directions were handled above; what is left is relaxing.
                let what = match (way, was_required != is_required) {
                    (Way::Request, true) => "may be omitted now",
                    (Way::Request, false) => "accepts null now",
                    (Way::Response, true) => "is always present now",
                    (Way::Response, false) => "is never null now",
                };
                self.additive(&new_at, format!("{property} {what}"));
            }
            self.schema(
                (&old_at, old_prop),
                (&new_at, new_prop),
                way,
                &format!("property `{name}` of {label}"),
                true,
            );
        }
        for name in new_props
            .keys()
            .filter(|name| !old_props.contains_key(*name))
        {
            let at = push_pointer(&new_props_pointer, name);
            if way == Way::Request && required(new, name) {
                self.breaking(
                    &at,
                    format!("{label} has a new required property `{name}`: senders lack it"),
                );
            } else {
                self.additive(&at, format!("{label} has a new property `{name}`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(old: &str, new: &str) -> Vec<(String, String)> {
        let old = Document::parse(old).unwrap();
        let new = Document::parse(new).unwrap();
        compare(&old, &new, false)
            .into_iter()
            .map(|f| (f.rule.to_owned(), f.message))
            .collect()
    }

    const BASE: &str = "
paths:
  /t/{id}:
    get:
      operationId: get_t
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/T'}
components:
  schemas:
    T:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {type: string, enum: [a, b]}
";

    #[test]
    fn an_unchanged_document_has_no_changes() {
        assert!(changes(BASE, BASE).is_empty());
    }

    #[test]
    fn a_widened_response_enum_breaks_and_a_new_property_does_not() {
        let new = BASE.replace("enum: [a, b]", "enum: [a, b, c]").replace(
            "        kind:",
            "        extra: {type: integer}\n        kind:",
        );
        let found = changes(BASE, &new);
        assert!(
            found
                .iter()
                .any(|(r, m)| r == BREAKING && m.contains("may return \"c\"")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(r, m)| r == ADDITIVE && m.contains("new property `extra`")),
            "{found:?}"
        );
    }
}
