//! The rules, one broken document at a time.
//!
//! Every fixture in `tests/fixtures/` is `valid-minimal.yaml` with one defect put in, and is
//! named after the rule that must catch it. Each test checks the complete list of errors and
//! warnings the fixture gets, by severity, rule and JSON pointer: a rule that stops firing,
//! fires at the wrong place or starts firing on a neighbour's defect fails a test. Findings
//! that follow from the defect (the generator refusing the document, an example that no
//! longer fits a broken schema) are listed too, as the user would see them.

use std::path::PathBuf;

use xtask::spec_check::{Finding, Severity, check_text};

use Severity::{Error as E, Warning as W};

fn fixture_text(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn findings(name: &str) -> Vec<Finding> {
    check_text(&fixture_text(name))
}

/// Errors and warnings as sorted (severity, rule, pointer) triples.
fn problems(name: &str) -> Vec<(Severity, String, String)> {
    let mut found: Vec<_> = findings(name)
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| (f.severity, f.rule.to_owned(), f.pointer))
        .collect();
    found.sort();
    found
}

macro_rules! fixture {
    (
        $test:ident,
        $file:literal,
        [$(($severity:ident, $rule:literal, $pointer:literal)),* $(,)?]
    ) => {
        #[test]
        fn $test() {
            let mut expected: Vec<(Severity, String, String)> =
                vec![$(($severity, $rule.to_owned(), $pointer.to_owned())),*];
            expected.sort();
            assert_eq!(problems($file), expected, "findings of {}.yaml", $file);
        }
    };
}

#[test]
fn the_base_of_every_fixture_is_clean() {
    assert_eq!(problems("valid-minimal"), vec![]);
}

#[test]
fn yaml_syntax_errors_name_the_line() {
    let found = findings("yaml-syntax-unclosed-flow");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "yaml-syntax");
    assert_eq!(found[0].line, Some(29));
    assert!(
        found[0].hint.as_deref().unwrap().contains("column"),
        "{found:?}"
    );
}

#[test]
fn misspelt_keys_get_the_intended_key_as_hint() {
    for (fixture, intended) in [
        ("unknown-key-requried", "`required`"),
        ("unknown-key-operationID", "`operationId`"),
        ("unknown-key-respones", "`responses`"),
        ("unknown-key-info-titel", "`title`"),
    ] {
        let found = findings(fixture);
        let finding = found
            .iter()
            .find(|f| f.rule == "unknown-key")
            .expect(fixture);
        assert_eq!(
            finding.hint.as_deref(),
            Some(&*format!("did you mean {intended}?")),
            "{fixture}"
        );
    }
}

#[test]
fn findings_carry_the_line_of_their_key() {
    let found = findings("unknown-key-requried");
    let text = fixture_text("unknown-key-requried");
    let line = text.lines().position(|l| l.contains("requried:")).unwrap() + 1;
    assert_eq!(found[0].line, Some(line));
}

#[test]
fn mixed_error_bodies_explain_progenitors_assertion() {
    for fixture in [
        "responses-two-error-schemas",
        "responses-error-without-body",
    ] {
        let found = findings(fixture);
        let finding = found.iter().find(|f| f.rule == "responses").expect(fixture);
        assert!(
            finding.message.contains("response_types.len() <= 1"),
            "{finding:?}"
        );
        let generator = found.iter().find(|f| f.rule == "generator").expect(fixture);
        assert!(generator.message.contains("panicked"), "{generator:?}");
    }
}

#[test]
fn generator_refusals_stay_on_one_line() {
    let found = findings("path-params-cookie");
    let generator = found.iter().find(|f| f.rule == "generator").unwrap();
    assert!(!generator.message.contains('\n'), "{generator:?}");
}

#[test]
fn a_reference_cycle_keeps_the_generator_from_running() {
    let found = findings("ref-resolves-cycle");
    assert!(
        found
            .iter()
            .any(|f| f.rule == "generator" && f.severity == Severity::Info),
        "{found:?}"
    );
}

/// The API as OpenAPI 3.1 is refused, and every 3.1 construct in it is named.
#[test]
fn a_three_one_rendition_of_the_api_is_refused_construct_by_construct() {
    let found = findings("openapi-version-3.1-rendition");
    let errors: Vec<&str> = found
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            assert_eq!(f.rule, "openapi-version", "{f:?}");
            f.pointer.as_str()
        })
        .collect();
    let list = "/paths/~1api~1video~1conferences~1{id}~1conference_tokens/get/parameters";
    let token = "/components/schemas/ConferenceToken";
    assert_eq!(
        errors,
        [
            "/openapi".to_owned(),
            "/jsonSchemaDialect".to_owned(),
            "/info/summary".to_owned(),
            "/info/license/identifier".to_owned(),
            format!("{list}/1/schema/exclusiveMinimum"),
            format!("{list}/2/schema/type"),
            format!("{token}/unevaluatedProperties"),
            format!("{token}/properties/name/type"),
            format!("{token}/properties/name/examples"),
            format!("{token}/properties/token/examples"),
            format!("{token}/properties/scopes/examples"),
            "/components/schemas/PageLinks/properties/next/anyOf/1/type".to_owned(),
            "/components/schemas/PageLinks/properties/prev/anyOf/1/type".to_owned(),
            "/components/schemas/ErrorBody/properties/error/examples".to_owned(),
            "/components/schemas/ErrorBody/properties/type/const".to_owned(),
        ]
    );
    let refusal = &found
        .iter()
        .find(|f| f.pointer == "/openapi")
        .unwrap()
        .message;
    assert!(
        refusal.contains("progenitor reads OpenAPI 3.0 documents only"),
        "{refusal}"
    );
    assert!(
        found.iter().all(|f| f.rule == "openapi-version"),
        "other rules were skipped"
    );
}

fixture!(
    responses_body_not_object,
    "responses-body-not-object",
    [(
        E,
        "responses",
        "/paths/~1tokens~1{id}~1reset/post/responses/200/content/application~1json/schema"
    )]
);
fixture!(
    responses_body_nullable,
    "responses-body-nullable",
    [(E, "responses", "/components/schemas/Token")]
);
fixture!(
    docs_bare_info,
    "docs-bare-info",
    [(W, "docs", "/info"), (W, "docs", "/info"),]
);
fixture!(
    docs_duplicate_tag,
    "docs-duplicate-tag",
    [(E, "docs", "/tags/1")]
);
fixture!(
    docs_missing_summary,
    "docs-missing-summary",
    [(E, "docs", "/paths/~1tokens~1{id}~1reset/post")]
);
fixture!(
    docs_undeclared_tag,
    "docs-undeclared-tag",
    [(W, "docs", "/paths/~1tokens~1{id}~1reset/post/tags/1")]
);
fixture!(
    example_valid_above_maximum,
    "example-valid-above-maximum",
    [(
        E,
        "example-valid",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/1/example"
    )]
);
fixture!(
    example_valid_additional_properties_false,
    "example-valid-additional-properties-false",
    [(
        E,
        "example-valid",
        "/components/responses/not_found/content/application~1json/example/status"
    )]
);
fixture!(
    example_valid_components_examples,
    "example-valid-components-examples",
    [(
        E,
        "example-valid",
        "/components/examples/bad_page/value/data/0/id"
    )]
);
fixture!(
    example_valid_formats,
    "example-valid-formats",
    [
        (
            E,
            "example-valid",
            "/components/schemas/Token/example/created_at"
        ),
        (
            E,
            "example-valid",
            "/components/schemas/Token/example/secret"
        ),
        (E, "example-valid", "/components/schemas/Token/example/kind"),
        (
            E,
            "example-valid",
            "/components/schemas/Token/example/count"
        ),
    ]
);
fixture!(
    example_valid_header,
    "example-valid-header",
    [(
        E,
        "example-valid",
        "/components/responses/not_found/headers/Retry-After/example"
    )]
);
fixture!(
    example_valid_missing_required,
    "example-valid-missing-required",
    [(
        E,
        "example-valid",
        "/paths/~1conferences~1{id}~1tokens/get/responses/200/content/application~1json/example/data/0"
    )]
);
fixture!(
    example_valid_null_not_nullable,
    "example-valid-null-not-nullable",
    [(E, "example-valid", "/components/schemas/Token/example/id")]
);
fixture!(
    example_valid_one_of,
    "example-valid-one-of",
    [
        (
            W,
            "schema-consistency",
            "/components/schemas/Token/properties/label/oneOf"
        ),
        (
            E,
            "example-valid",
            "/components/schemas/Token/example/label"
        ),
    ]
);
fixture!(
    example_valid_undeclared_property,
    "example-valid-undeclared-property",
    [(
        W,
        "example-valid",
        "/components/schemas/Token/example/colour"
    )]
);
fixture!(
    example_valid_uuid,
    "example-valid-uuid",
    [(
        E,
        "example-valid",
        "/components/parameters/token_id/example"
    )]
);
fixture!(
    example_valid_wrong_type,
    "example-valid-wrong-type",
    [(
        E,
        "example-valid",
        "/components/schemas/Token/example/scopes"
    )]
);
fixture!(
    generator_websocket_without_101,
    "generator-websocket-without-101",
    [(E, "generator", "")]
);
fixture!(
    markdown_script,
    "markdown-script",
    [(
        W,
        "markdown",
        "/paths/~1tokens~1{id}~1reset/post/description"
    )]
);
fixture!(
    openapi_version_3_1_constructs_in_3_0,
    "openapi-version-3.1-constructs-in-3.0",
    [
        (E, "generator", ""),
        (E, "openapi-version", "/info/summary"),
        (E, "openapi-version", "/info/license/identifier"),
        (E, "openapi-version", "/jsonSchemaDialect"),
        (E, "openapi-version", "/webhooks"),
        (
            E,
            "openapi-version",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/1/schema/exclusiveMaximum"
        ),
        (
            E,
            "openapi-version",
            "/components/schemas/Token/properties/name/type"
        ),
        (
            E,
            "openapi-version",
            "/components/schemas/Token/properties/scopes/examples"
        ),
        (
            E,
            "openapi-version",
            "/components/schemas/Error/properties/error/anyOf/1/type"
        ),
    ]
);
fixture!(
    openapi_version_swagger,
    "openapi-version-swagger",
    [(E, "openapi-version", "/swagger")]
);
fixture!(
    openapi_version_unquoted_number,
    "openapi-version-unquoted-number",
    [(E, "openapi-version", "/openapi")]
);
fixture!(
    operation_id_camel_case,
    "operation-id-camel-case",
    [(E, "operation-id", "/paths/~1tokens~1{id}/get/operationId")]
);
fixture!(
    operation_id_duplicate,
    "operation-id-duplicate",
    [
        (E, "generator", ""),
        (
            E,
            "operation-id",
            "/paths/~1tokens~1{id}~1reset/post/operationId"
        ),
    ]
);
fixture!(
    operation_id_missing,
    "operation-id-missing",
    [
        (E, "generator", ""),
        (E, "operation-id", "/paths/~1tokens~1{id}/get"),
    ]
);
fixture!(
    param_bounds_default_not_in_enum,
    "param-bounds-default-not-in-enum",
    [
        (E, "generator", ""),
        (
            E,
            "param-bounds",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/2/schema/default"
        ),
    ]
);
fixture!(
    param_bounds_default_outside_range,
    "param-bounds-default-outside-range",
    [(
        E,
        "param-bounds",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/1/schema/default"
    )]
);
fixture!(
    param_bounds_default_wrong_type,
    "param-bounds-default-wrong-type",
    [(
        E,
        "param-bounds",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/1/schema/default"
    )]
);
fixture!(
    param_bounds_exclusive_without_minimum,
    "param-bounds-exclusive-without-minimum",
    [(
        E,
        "param-bounds",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/1/schema/exclusiveMinimum"
    )]
);
fixture!(
    param_bounds_items,
    "param-bounds-items",
    [
        (
            E,
            "example-valid",
            "/paths/~1conferences~1{id}~1tokens/get/responses/200/content/application~1json/example/data"
        ),
        (
            E,
            "param-bounds",
            "/components/schemas/TokenPage/properties/data/minItems"
        ),
    ]
);
fixture!(
    param_bounds_lengths,
    "param-bounds-lengths",
    [(
        E,
        "param-bounds",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/2/schema/minLength"
    )]
);
fixture!(
    param_bounds_minimum_above_maximum,
    "param-bounds-minimum-above-maximum",
    [(
        E,
        "param-bounds",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/1/schema/minimum"
    )]
);
fixture!(
    path_params_cookie,
    "path-params-cookie",
    [
        (E, "generator", ""),
        (
            E,
            "path-params",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/2/in"
        ),
    ]
);
fixture!(
    path_params_duplicate,
    "path-params-duplicate",
    [(
        E,
        "path-params",
        "/paths/~1conferences~1{id}~1tokens/get/parameters/2"
    )]
);
fixture!(
    path_params_name_mismatch,
    "path-params-name-mismatch",
    [
        (E, "generator", ""),
        (E, "path-params", "/paths/~1conferences~1{id}~1tokens/get"),
        (
            E,
            "path-params",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/0"
        ),
    ]
);
fixture!(
    path_params_not_required,
    "path-params-not-required",
    [
        (E, "generator", ""),
        (
            E,
            "path-params",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/0"
        ),
    ]
);
fixture!(
    path_params_ref_path_item,
    "path-params-ref-path-item",
    [
        (E, "generator", ""),
        (E, "operation-id", "/paths/~1tokens~1{id}~1again"),
        (E, "path-params", "/paths/~1tokens~1{id}~1again"),
    ]
);
fixture!(
    path_params_style,
    "path-params-style",
    [
        (E, "generator", ""),
        (
            E,
            "path-params",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/1/style"
        ),
    ]
);
fixture!(
    path_shape_ambiguous,
    "path-shape-ambiguous",
    [(W, "path-shape", "/paths/~1{kind}~1latest")]
);
fixture!(
    path_shape_empty_braces,
    "path-shape-empty-braces",
    [
        (E, "generator", ""),
        (E, "path-shape", "/paths/~1tokens~1{id}~1reset~1{}"),
    ]
);
fixture!(
    path_shape_identical,
    "path-shape-identical",
    [(E, "path-shape", "/paths/~1tokens~1{token}")]
);
fixture!(
    path_shape_query_string,
    "path-shape-query-string",
    [(E, "path-shape", "/paths/~1tokens~1{id}~1reset?now=true")]
);
fixture!(
    path_shape_trailing_slash,
    "path-shape-trailing-slash",
    [(E, "path-shape", "/paths/~1tokens~1{id}~1reset~1")]
);
fixture!(
    ref_resolves_cycle,
    "ref-resolves-cycle",
    [
        (
            E,
            "ref-resolves",
            "/components/schemas/Error/properties/cause/$ref"
        ),
        (E, "ref-resolves", "/components/schemas/Cause/$ref"),
        (E, "ref-resolves", "/components/schemas/Reason/$ref"),
    ]
);
fixture!(
    ref_resolves_dangling,
    "ref-resolves-dangling",
    [
        (E, "generator", ""),
        (
            E,
            "ref-resolves",
            "/paths/~1tokens~1{id}/get/responses/200/content/application~1json/schema/$ref"
        ),
    ]
);
fixture!(
    ref_resolves_external,
    "ref-resolves-external",
    [
        (E, "generator", ""),
        (
            E,
            "ref-resolves",
            "/components/responses/not_found/content/application~1json/schema/$ref"
        ),
        (E, "unused-component", "/components/schemas/Error"),
    ]
);
fixture!(
    ref_resolves_wrong_section,
    "ref-resolves-wrong-section",
    [
        (E, "generator", ""),
        (
            E,
            "ref-resolves",
            "/paths/~1tokens~1{id}/get/responses/200/content/application~1json/schema/$ref"
        ),
    ]
);
fixture!(
    request_body_no_schema,
    "request-body-no-schema",
    [
        (E, "generator", ""),
        (
            E,
            "request-body",
            "/paths/~1tokens~1{id}~1reset/post/requestBody/content/application~1json"
        ),
    ]
);
fixture!(
    request_body_two_media_types,
    "request-body-two-media-types",
    [
        (E, "generator", ""),
        (
            E,
            "request-body",
            "/paths/~1tokens~1{id}~1reset/post/requestBody/content"
        ),
    ]
);
fixture!(
    request_body_unsupported_media_type,
    "request-body-unsupported-media-type",
    [
        (E, "generator", ""),
        (
            E,
            "request-body",
            "/paths/~1tokens~1{id}~1reset/post/requestBody/content/application~1xml"
        ),
    ]
);
fixture!(
    responses_default_as_success,
    "responses-default-as-success",
    [
        (E, "generator", ""),
        (E, "responses", "/paths/~1tokens~1{id}/get/responses"),
        (W, "responses", "/paths/~1tokens~1{id}/get/responses"),
    ]
);
fixture!(
    responses_error_without_body,
    "responses-error-without-body",
    [
        (E, "generator", ""),
        (E, "responses", "/paths/~1tokens~1{id}/get/responses"),
    ]
);
fixture!(
    responses_json_without_schema,
    "responses-json-without-schema",
    [
        (E, "generator", ""),
        (
            E,
            "responses",
            "/paths/~1tokens~1{id}~1reset/post/responses/200/content/application~1json"
        ),
    ]
);
fixture!(
    responses_no_2xx,
    "responses-no-2xx",
    [(
        E,
        "responses",
        "/paths/~1tokens~1{id}~1reset/post/responses"
    )]
);
fixture!(
    responses_no_4xx,
    "responses-no-4xx",
    [(W, "responses", "/paths/~1tokens~1{id}/get/responses")]
);
fixture!(
    responses_no_description,
    "responses-no-description",
    [
        (E, "generator", ""),
        (E, "responses", "/paths/~1tokens~1{id}/get/responses/404"),
    ]
);
fixture!(
    responses_two_error_schemas,
    "responses-two-error-schemas",
    [
        (E, "generator", ""),
        (E, "responses", "/paths/~1tokens~1{id}/get/responses"),
    ]
);
fixture!(
    schema_consistency_array_without_items,
    "schema-consistency-array-without-items",
    [(
        E,
        "schema-consistency",
        "/components/schemas/Token/properties/scopes"
    )]
);
fixture!(
    schema_consistency_bad_pattern,
    "schema-consistency-bad-pattern",
    [
        (E, "generator", ""),
        (
            E,
            "schema-consistency",
            "/components/schemas/Error/properties/error/pattern"
        ),
    ]
);
fixture!(
    schema_consistency_enum_repeated,
    "schema-consistency-enum-repeated",
    [
        (E, "generator", ""),
        (
            E,
            "schema-consistency",
            "/components/schemas/Error/properties/error/enum/2"
        ),
    ]
);
fixture!(
    schema_consistency_enum_type,
    "schema-consistency-enum-type",
    [
        (E, "generator", ""),
        (
            E,
            "schema-consistency",
            "/components/schemas/Error/properties/error/enum/1"
        ),
    ]
);
fixture!(
    schema_consistency_items_on_object,
    "schema-consistency-items-on-object",
    [(
        E,
        "schema-consistency",
        "/components/schemas/TokenPage/items"
    )]
);
fixture!(
    schema_consistency_nullable_without_type,
    "schema-consistency-nullable-without-type",
    [(
        E,
        "schema-consistency",
        "/components/schemas/Error/properties/detail/nullable"
    )]
);
fixture!(
    schema_consistency_one_of_single,
    "schema-consistency-one-of-single",
    [(
        W,
        "schema-consistency",
        "/components/schemas/TokenPage/properties/data/items/oneOf"
    )]
);
fixture!(
    schema_consistency_required_undeclared,
    "schema-consistency-required-undeclared",
    [
        (
            E,
            "example-valid",
            "/paths/~1conferences~1{id}~1tokens/get/responses/200/content/application~1json/example"
        ),
        (
            W,
            "schema-consistency",
            "/components/schemas/TokenPage/required/1"
        ),
    ]
);
fixture!(
    security_anonymous_override,
    "security-anonymous-override",
    [(E, "security", "/paths/~1tokens~1{id}~1reset/post/security")]
);
fixture!(
    security_empty_alternative,
    "security-empty-alternative",
    [
        (E, "security", "/paths/~1tokens~1{id}/get"),
        (E, "security", "/paths/~1tokens~1{id}~1reset/post"),
        (E, "security", "/paths/~1conferences~1{id}~1tokens/get"),
    ]
);
fixture!(
    security_no_basic,
    "security-no-basic",
    [
        (E, "security", "/paths/~1tokens~1{id}/get"),
        (E, "security", "/paths/~1tokens~1{id}~1reset/post"),
        (E, "security", "/paths/~1conferences~1{id}~1tokens/get"),
        (E, "security", "/components/securitySchemes"),
    ]
);
fixture!(
    security_undefined_scheme,
    "security-undefined-scheme",
    [
        (E, "security", "/paths/~1tokens~1{id}~1reset/post/security"),
        (
            E,
            "security",
            "/paths/~1tokens~1{id}~1reset/post/security/0/oauth"
        ),
    ]
);
fixture!(
    servers_default_not_in_enum,
    "servers-default-not-in-enum",
    [(E, "servers", "/servers/0/variables/space/default")]
);
fixture!(servers_empty, "servers-empty", [(E, "servers", "/servers")]);
fixture!(servers_missing, "servers-missing", [(E, "servers", "")]);
fixture!(
    servers_trailing_slash,
    "servers-trailing-slash",
    [(E, "servers", "/servers/0/url")]
);
fixture!(
    servers_unused_variable,
    "servers-unused-variable",
    [(E, "servers", "/servers/0/variables/region")]
);
fixture!(
    servers_undefined_variable,
    "servers-undefined-variable",
    [(E, "servers", "/servers/0/url")]
);
fixture!(
    structure_component_name,
    "structure-component-name",
    [
        (E, "generator", ""),
        (E, "structure", "/components/schemas/Token Page"),
    ]
);
fixture!(
    structure_example_and_examples,
    "structure-example-and-examples",
    [(
        E,
        "structure",
        "/paths/~1conferences~1{id}~1tokens/get/responses/200/content/application~1json/examples"
    )]
);
fixture!(
    structure_missing_info_version,
    "structure-missing-info-version",
    [(E, "generator", ""), (E, "structure", "/info"),]
);
fixture!(
    structure_nullable_string,
    "structure-nullable-string",
    [
        (E, "generator", ""),
        (
            E,
            "structure",
            "/components/schemas/Token/properties/name/nullable"
        ),
        (E, "example-valid", "/components/schemas/Token/example/name"),
    ]
);
fixture!(
    structure_param_in_body,
    "structure-param-in-body",
    [
        (E, "generator", ""),
        (
            E,
            "structure",
            "/paths/~1conferences~1{id}~1tokens/get/parameters/1/in"
        ),
    ]
);
fixture!(
    structure_required_not_array,
    "structure-required-not-array",
    [
        (E, "generator", ""),
        (E, "structure", "/components/schemas/TokenPage/required"),
    ]
);
fixture!(
    structure_status_code,
    "structure-status-code",
    [
        (W, "responses", "/paths/~1tokens~1{id}/get/responses"),
        (E, "structure", "/paths/~1tokens~1{id}/get/responses/40"),
    ]
);
fixture!(
    unknown_key_info_titel,
    "unknown-key-info-titel",
    [
        (E, "generator", ""),
        (E, "structure", "/info"),
        (E, "unknown-key", "/info/titel"),
    ]
);
fixture!(
    unknown_key_operationid,
    "unknown-key-operationID",
    [
        (E, "generator", ""),
        (E, "operation-id", "/paths/~1tokens~1{id}/get"),
        (E, "unknown-key", "/paths/~1tokens~1{id}/get/operationID"),
    ]
);
fixture!(
    unknown_key_ref_sibling,
    "unknown-key-ref-sibling",
    [(
        E,
        "unknown-key",
        "/paths/~1tokens~1{id}/get/parameters/0/description"
    )]
);
fixture!(
    unknown_key_requried,
    "unknown-key-requried",
    [(E, "unknown-key", "/components/schemas/Token/requried")]
);
fixture!(
    unknown_key_respones,
    "unknown-key-respones",
    [
        (E, "generator", ""),
        (E, "structure", "/paths/~1conferences~1{id}~1tokens/get"),
        (
            E,
            "unknown-key",
            "/paths/~1conferences~1{id}~1tokens/get/respones"
        ),
        (E, "unused-component", "/components/schemas/TokenPage"),
    ]
);
fixture!(
    unused_component_schemas,
    "unused-component-schemas",
    [
        (E, "unused-component", "/components/schemas/Orphan"),
        (E, "unused-component", "/components/schemas/OrphanChild"),
    ]
);
fixture!(
    unused_component_security_scheme,
    "unused-component-security-scheme",
    [(E, "unused-component", "/components/securitySchemes/api_key")]
);
fixture!(
    yaml_syntax_duplicate_key,
    "yaml-syntax-duplicate-key",
    [(E, "yaml-syntax", "")]
);
fixture!(
    yaml_syntax_unclosed_flow,
    "yaml-syntax-unclosed-flow",
    [(E, "yaml-syntax", "")]
);
