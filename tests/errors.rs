//! Error responses: every documented status in each of the three documented body shapes, and
//! bodies that are not JSON at all. Each case checks the whole message a user would read.

mod common;

use common::*;
use httpmock::prelude::*;
use serde_json::{Value, json};
use signalwire_conference_tokens::{Client, Error, ErrorKind, ServerMessage};

#[derive(Clone, Copy, Debug)]
enum Operation {
    Get,
    Reset,
    List,
}

impl Operation {
    const ALL: [Operation; 3] = [Operation::Get, Operation::Reset, Operation::List];

    fn name(self) -> &'static str {
        match self {
            Operation::Get => "get_conference_token",
            Operation::Reset => "reset_conference_token",
            Operation::List => "list_conference_tokens",
        }
    }

    fn path_and_method(self) -> (&'static str, httpmock::Method) {
        match self {
            Operation::Get => (TOKEN_PATH, GET),
            Operation::Reset => (RESET_PATH, POST),
            Operation::List => (LIST_PATH, GET),
        }
    }

    async fn call(self, client: &Client) -> Error {
        match self {
            Operation::Get => client.get_conference_token(&token_id()).await.unwrap_err(),
            Operation::Reset => client
                .reset_conference_token(&token_id())
                .await
                .unwrap_err(),
            Operation::List => client
                .list_conference_tokens(&conference_id())
                .await
                .unwrap_err(),
        }
    }
}

/// Answers the operation's request with `status` and `body`, then returns the error.
async fn error_for(operation: Operation, status: u16, body: Body) -> Error {
    let server = MockServer::start_async().await;
    let (path, method) = operation.path_and_method();
    let mock = server
        .mock_async(|when, then| {
            when.method(method).path(path);
            let then = then.status(status);
            match body {
                Body::Json(json) => {
                    then.json_body(json);
                }
                Body::Raw(content_type, text) => {
                    then.header("content-type", content_type).body(text);
                }
            }
        })
        .await;

    let error = operation
        .call(&client_without_retries(&server.base_url()))
        .await;

    mock.assert_calls_async(1).await;
    error
}

enum Body {
    Json(Value),
    Raw(&'static str, &'static str),
}

fn hint(status: u16) -> &'static str {
    match status {
        401 | 403 => {
            "; check the space, the project ID and the API token, and that the token has the \
             Video scope"
        }
        404 => "; check the id, and that it belongs to this project and space",
        429 => "; the rate limit was reached, wait before trying again",
        _ => "",
    }
}

fn status_line(status: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .unwrap()
        .canonical_reason()
        .unwrap();
    format!("{status} {reason}")
}

/// The statuses each operation documents, 422 only on the list.
fn documented_statuses(operation: Operation) -> Vec<u16> {
    let mut statuses = vec![400, 401, 403, 404, 429, 500];
    if let Operation::List = operation {
        statuses.push(422);
    }
    statuses
}

#[tokio::test]
async fn the_errors_list_shape_shows_every_item() {
    let body = json!({"errors": [
        {"type": "validation_error", "code": "invalid_parameter", "message": "Page size is too large",
         "attribute": "page_size", "url": "https://developer.signalwire.com/rest/overview/error-codes"},
        {"type": "validation_error", "code": "missing_parameter", "message": "Name is required",
         "attribute": null, "url": "https://developer.signalwire.com/rest/overview/error-codes"}
    ]});
    for operation in Operation::ALL {
        for status in documented_statuses(operation) {
            let error = error_for(operation, status, Body::Json(body.clone())).await;

            assert_eq!(
                error.to_string(),
                format!(
                    "{}: the service answered {}: invalid_parameter: Page size is too large \
                     (attribute `page_size`); missing_parameter: Name is required{}",
                    operation.name(),
                    status_line(status),
                    hint(status)
                )
            );
            assert_eq!(error.kind(), ErrorKind::Api);
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(error.operation(), Some(operation.name()));
            assert_eq!(error.server_messages().len(), 2);
            assert_eq!(
                error.server_messages()[0].attribute.as_deref(),
                Some("page_size")
            );
            assert_eq!(error.attempts(), 1);
        }
    }
}

#[tokio::test]
async fn the_reason_phrase_shape_does_not_repeat_the_status() {
    for operation in Operation::ALL {
        for status in documented_statuses(operation) {
            let reason = reqwest::StatusCode::from_u16(status)
                .unwrap()
                .canonical_reason()
                .unwrap();
            let error = error_for(operation, status, Body::Json(json!({"error": reason}))).await;

            assert_eq!(
                error.to_string(),
                format!(
                    "{}: the service answered {}{}",
                    operation.name(),
                    status_line(status),
                    hint(status)
                )
            );
            let mut expected = ServerMessage::default();
            expected.message = Some(reason.to_owned());
            assert_eq!(error.server_messages(), [expected]);
        }
    }
}

#[tokio::test]
async fn a_reason_that_differs_from_the_status_is_shown() {
    let error = error_for(
        Operation::Get,
        401,
        Body::Json(json!({"error": "Token revoked"})),
    )
    .await;

    assert_eq!(
        error.to_string(),
        format!(
            "get_conference_token: the service answered 401 Unauthorized: Token revoked{}",
            hint(401)
        )
    );
}

#[tokio::test]
async fn the_flat_shape_shows_its_code_and_message() {
    let body = json!({"type": "validation_error", "code": "invalid_parameter",
                      "message": "Page size must be less than or equal to 1000",
                      "attribute": "page_size",
                      "url": "https://developer.signalwire.com/rest/overview/error-codes"});
    for operation in Operation::ALL {
        for status in documented_statuses(operation) {
            let error = error_for(operation, status, Body::Json(body.clone())).await;

            assert_eq!(
                error.to_string(),
                format!(
                    "{}: the service answered {}: invalid_parameter: Page size must be less \
                     than or equal to 1000 (attribute `page_size`){}",
                    operation.name(),
                    status_line(status),
                    hint(status)
                )
            );
            let message = &error.server_messages()[0];
            assert_eq!(message.kind.as_deref(), Some("validation_error"));
            assert_eq!(
                message.url.as_deref(),
                Some("https://developer.signalwire.com/rest/overview/error-codes")
            );
        }
    }
}

#[tokio::test]
async fn more_than_five_messages_are_summarised() {
    let items: Vec<Value> = (1..=7)
        .map(|n| json!({"code": format!("c{n}"), "message": format!("m{n}")}))
        .collect();

    let error = error_for(Operation::List, 400, Body::Json(json!({"errors": items}))).await;

    assert_eq!(
        error.to_string(),
        "list_conference_tokens: the service answered 400 Bad Request: c1: m1; c2: m2; c3: m3; \
         c4: m4; c5: m5; and 2 more"
    );
    assert_eq!(error.server_messages().len(), 7);
}

#[tokio::test]
async fn non_json_bodies_keep_their_status_and_a_snippet() {
    let cases = [
        (
            500,
            Body::Raw(
                "text/html",
                "<html>\n  <body>Internal error</body>\n</html>",
            ),
            "500 Internal Server Error with a body that is not a JSON error (text/html): \
             \"<html> <body>Internal error</body> </html>\"",
        ),
        (
            502,
            Body::Raw("text/html", "<html><h1>502 Bad Gateway</h1></html>"),
            "502 Bad Gateway with a body that is not a JSON error (text/html): \
             \"<html><h1>502 Bad Gateway</h1></html>\"",
        ),
        (
            503,
            Body::Raw("text/plain", "upstream connect error"),
            "503 Service Unavailable with a body that is not a JSON error (text/plain): \
             \"upstream connect error\"",
        ),
        (
            404,
            Body::Raw("text/plain", ""),
            "404 Not Found with an empty body (text/plain)",
        ),
        (
            504,
            Body::Raw("application/json", r#"{"unexpected":true}"#),
            "504 Gateway Timeout with a body that is not a JSON error (application/json): \
             \"{\\\"unexpected\\\":true}\"",
        ),
    ];
    for (status, body, expected) in cases {
        let error = error_for(Operation::Get, status, body).await;

        let hint = hint(status);
        assert_eq!(
            error.to_string(),
            format!("get_conference_token: the service answered {expected}{hint}")
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.kind(), ErrorKind::Api);
        assert!(error.server_messages().is_empty());
    }
}

#[tokio::test]
async fn an_error_body_that_echoes_the_api_token_is_redacted() {
    let error = error_for(
        Operation::Get,
        502,
        Body::Raw("text/plain", "bad upstream auth PT:sëcret-ü for project"),
    )
    .await;

    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 502 Bad Gateway with a body that is not a \
         JSON error (text/plain): \"bad upstream auth [redacted] for project\""
    );
}
