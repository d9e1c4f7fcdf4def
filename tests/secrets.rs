//! Secrets stay home: neither the API token nor a conference token value appears in any
//! `Debug` or `Display` output, whatever the server sends back.

mod common;

use common::*;
use httpmock::prelude::*;
use serde_json::json;
use signalwire_conference_tokens::{Client, ErrorKind};

const TOKEN_VALUE: &str = "vpt_ffffeeeeddddccccbbbbaaaa99998888";

/// Every rendering a log line or error report might use.
fn renderings(value: &(impl std::fmt::Debug + ?Sized)) -> [String; 2] {
    [format!("{value:?}"), format!("{value:#?}")]
}

fn assert_no_secret(text: &str) {
    for secret in [API_TOKEN, TOKEN_VALUE, EXAMPLE_TOKEN_VALUE, "PT:s"] {
        assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
    }
}

#[tokio::test]
async fn clients_builders_and_tokens_never_print_secrets() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200).json_body(example_token());
        })
        .await;
    let builder = Client::builder()
        .base_url(server.base_url())
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN);
    let client = builder.clone().build().unwrap();

    let token = client.get_conference_token(&token_id()).await.unwrap();

    for text in renderings(&builder)
        .iter()
        .chain(&renderings(&client))
        .chain(&renderings(&token))
    {
        assert_no_secret(text);
    }
    assert!(format!("{token:?}").contains("token: TokenValue([redacted])"));
}

#[tokio::test]
async fn errors_never_print_secrets_whatever_the_body_says() {
    let server = MockServer::start_async().await;
    let client = client(&server.base_url());
    let echo = format!("auth {API_TOKEN} token {TOKEN_VALUE}");

    // An error status whose body echoes the API token.
    let mut mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500)
                .header("content-type", "text/plain")
                .body(echo.clone());
        })
        .await;
    let api_error = client.get_conference_token(&token_id()).await.unwrap_err();
    mock.delete_async().await;

    // A success body with the token value where the document wants another type.
    mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({
                "id": TOKEN_ID, "name": null, "token": "x", "scopes": TOKEN_VALUE
            }));
        })
        .await;
    let decode_error = client.get_conference_token(&token_id()).await.unwrap_err();
    mock.delete_async().await;

    // A truncated success body that stops inside the token value.
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .body(format!(r#"{{"id":"{TOKEN_ID}","token":"{TOKEN_VALUE}"#));
        })
        .await;
    let truncated = client.get_conference_token(&token_id()).await.unwrap_err();

    assert_eq!(api_error.kind(), ErrorKind::Api);
    assert_eq!(
        decode_error.to_string(),
        "get_conference_token: the service answered 200 OK with a body the API document does \
         not describe: at `scopes`: invalid type: string \"…\", expected a sequence at line 1 \
         column 104"
    );
    assert_eq!(truncated.kind(), ErrorKind::Decode);
    for error in [&api_error, &decode_error, &truncated] {
        assert_no_secret(&error.to_string());
        for text in renderings(error) {
            assert_no_secret(&text);
        }
    }
}

#[tokio::test]
async fn every_kind_of_error_is_free_of_secrets() {
    use common::scripted::{Reply, ScriptedServer};

    let hostile_link = format!("/x?page_size=1&echo={TOKEN_VALUE}&auth={API_TOKEN}");
    let server = ScriptedServer::start(vec![
        // Redirect to a location that carries both secrets.
        Reply::Respond {
            status: 302,
            headers: vec![(
                "location",
                format!("https://evil.example/?t={API_TOKEN}&v={TOKEN_VALUE}"),
            )],
            body: vec![],
        },
        // A page whose next link cannot be followed and quotes both secrets.
        Reply::json(
            200,
            &json!({"links": {"next": hostile_link}, "data": []}).to_string(),
        ),
        // A body over the limit.
        Reply::json(200, &format!("{{\"pad\":\"{}\"}}", "x".repeat(2048))),
        // A hang, for a timeout.
        Reply::Hang,
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .max_retries(0)
        .max_response_bytes(1024)
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();

    let redirect = client.get_conference_token(&token_id()).await.unwrap_err();
    let paging = futures_util::TryStreamExt::try_collect::<Vec<_>>(
        client.conference_tokens(&conference_id()),
    )
    .await
    .unwrap_err();
    let too_large = client.get_conference_token(&token_id()).await.unwrap_err();
    let timeout = client.get_conference_token(&token_id()).await.unwrap_err();
    let config = Client::builder()
        .space("example")
        .project_id(API_TOKEN)
        .api_token(format!("{API_TOKEN}\n"))
        .build()
        .unwrap_err();
    let refused = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        client_without_retries(&format!("http://127.0.0.1:{port}"))
            .reset_conference_token(&token_id())
            .await
            .unwrap_err()
    };
    let argument = client
        .list_conference_tokens(&conference_id())
        .page_size(0)
        .await
        .unwrap_err();

    let kinds = [
        (&redirect, ErrorKind::Redirect),
        (&paging, ErrorKind::Paging),
        (&too_large, ErrorKind::BodyTooLarge),
        (&timeout, ErrorKind::Timeout),
        (&config, ErrorKind::Config),
        (&refused, ErrorKind::Transport),
        (&argument, ErrorKind::InvalidArgument),
    ];
    for (error, kind) in kinds {
        assert_eq!(error.kind(), kind, "{error}");
        let mut texts = renderings(error).to_vec();
        texts.push(error.to_string());
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            texts.push(cause.to_string());
            texts.push(format!("{cause:?}"));
            source = cause.source();
        }
        for text in texts {
            assert_no_secret(&text);
        }
    }
    assert_eq!(
        redirect.redirect_location(),
        Some("https://evil.example/?t=[redacted]&v=vpt_[redacted]")
    );
}
