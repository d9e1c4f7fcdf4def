//! Settings are checked when the client is built, before any request, and each error names
//! the setting to fix.

use std::time::Duration;

use signalwire_conference_tokens::{Client, ClientBuilder, ErrorKind};

const PROJECT_ID: &str = "a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03";

fn complete() -> ClientBuilder {
    Client::builder()
        .space("example")
        .project_id(PROJECT_ID)
        .api_token("PT-token")
}

#[test]
fn a_complete_configuration_builds_the_space_url() {
    let client = complete().build().unwrap();

    assert_eq!(client.base_url(), "https://example.signalwire.com");
    assert_eq!(client.project_id().to_string(), PROJECT_ID);

    let pasted = complete()
        .space(" https://Example.signalwire.com/ ")
        .build()
        .unwrap();
    assert_eq!(pasted.base_url(), "https://example.signalwire.com");
}

#[test]
fn the_base_url_wins_over_the_space() {
    let client = complete()
        .base_url("https://proxy.internal.example/sw/")
        .build()
        .unwrap();

    assert_eq!(client.base_url(), "https://proxy.internal.example/sw");
}

#[test]
fn each_missing_or_bad_setting_is_named() {
    let cases = [
        (
            Client::builder().project_id(PROJECT_ID).api_token("PT"),
            "invalid configuration: space is not set; give the space name, such as `example` \
             for example.signalwire.com (or set SIGNALWIRE_SPACE)",
        ),
        (
            Client::builder().space("example").api_token("PT"),
            "invalid configuration: project_id is not set; it is the UUID shown on your space's \
             API page (or set SIGNALWIRE_PROJECT_ID)",
        ),
        (
            Client::builder().space("example").project_id(PROJECT_ID),
            "invalid configuration: api_token is not set; create an API token with the Video \
             scope in your space (or set SIGNALWIRE_API_TOKEN)",
        ),
        (
            complete().space("my space"),
            "invalid configuration: space `my space` is not a valid space name; it may hold only \
             letters, digits and inner hyphens, such as `example`",
        ),
        (
            complete().space(""),
            "invalid configuration: space is empty; give the space name, such as `example` for \
             example.signalwire.com",
        ),
        (
            complete().project_id("example"),
            "invalid configuration: project_id is not a UUID; copy the Project ID (like \
             `a1b2c3d4-e5f6-...`) from the API page of your SignalWire space",
        ),
        (
            complete().api_token(" PT-token"),
            "invalid configuration: api_token starts or ends with white space, which would be \
             sent as part of the credential; remove it (often a newline copied along with the \
             value)",
        ),
        (
            complete().timeout(Duration::ZERO),
            "invalid configuration: timeout is zero; every request would fail at once",
        ),
        (
            complete().base_url("http://192.168.1.10:8080"),
            "invalid configuration: base_url `http://192.168.1.10:8080` uses plain http, which \
             SignalWire refuses and which would expose the credentials; use https (plain http \
             is allowed only on a loopback host)",
        ),
    ];
    for (builder, expected) in cases {
        let error = builder.build().unwrap_err();

        assert_eq!(error.to_string(), expected);
        assert_eq!(error.kind(), ErrorKind::Config);
        assert_eq!(error.operation(), None);
        assert_eq!(error.attempts(), 0);
    }
}

#[test]
fn unambiguous_input_is_normalised() {
    let cases = [
        (
            complete().space("EXAMPLE"),
            "https://example.signalwire.com",
        ),
        (
            complete().space("example.SIGNALWIRE.com"),
            "https://example.signalwire.com",
        ),
        (
            complete().base_url("https://proxy.example/"),
            "https://proxy.example",
        ),
        (
            complete().base_url("https://proxy.example/a/b/"),
            "https://proxy.example/a/b",
        ),
        (
            complete().base_url("http://[::1]:9000"),
            "http://[::1]:9000",
        ),
    ];
    for (builder, expected) in cases {
        assert_eq!(builder.build().unwrap().base_url(), expected);
    }

    let upper_case_project = complete()
        .project_id(PROJECT_ID.to_uppercase())
        .build()
        .unwrap();
    assert_eq!(upper_case_project.project_id().to_string(), PROJECT_ID);
}

#[test]
fn credentials_with_line_breaks_are_refused_by_name() {
    let cases = [
        (
            complete().project_id("a5e1a1f8-3c4d-4b2e-9f61-\n7d2c9e8b1a03"),
            "invalid configuration: project_id contains a control character such as a newline \
             or tab; remove it",
        ),
        (
            complete().api_token("PT-first-line\nPT-second-line"),
            "invalid configuration: api_token contains a control character such as a newline or \
             tab; remove it",
        ),
        (
            complete().api_token("PT-token\r\n"),
            "invalid configuration: api_token starts or ends with white space, which would be \
             sent as part of the credential; remove it (often a newline copied along with the \
             value)",
        ),
    ];
    for (builder, expected) in cases {
        let message = builder.build().unwrap_err().to_string();

        assert_eq!(message, expected);
        assert!(!message.contains("PT-"), "{message}");
    }
}
