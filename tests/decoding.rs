//! Success bodies that do not match the document: the error names the field and, in a list,
//! the item at fault, and keeps the status.

mod common;

use common::*;
use httpmock::prelude::*;
use serde_json::json;
use signalwire_conference_tokens::ErrorKind;

#[tokio::test]
async fn a_missing_field_is_named() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200)
                .json_body(json!({"id": TOKEN_ID, "name": "n", "scopes": []}));
        })
        .await;

    let error = client(&server.base_url())
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 200 OK with a body the API document does \
         not describe: missing field `token` at line 1 column 68"
    );
}

#[tokio::test]
async fn a_bad_item_in_a_page_is_named_by_its_index() {
    let server = MockServer::start_async().await;
    let mut broken = numbered_token(2);
    broken["token"] = json!(null);
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH);
            then.status(200).json_body(json!({
                "links": {}, "data": [numbered_token(1), broken]
            }));
        })
        .await;

    let error = client(&server.base_url())
        .list_conference_tokens(&conference_id())
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.starts_with(
            "list_conference_tokens: the service answered 200 OK with a body the API document \
             does not describe: at `data[1].token`: invalid type: null, expected a string"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn an_empty_or_html_success_body_is_explained() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .header("content-type", "application/json")
                .body("");
        })
        .await;
    let client = client(&server.base_url());
    let empty = client
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();
    mock.delete_async().await;

    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .header("content-type", "text/html")
                .body("<html>Login</html>");
        })
        .await;
    let html = client.get_conference_token(&token_id()).await.unwrap_err();

    assert_eq!(
        empty.to_string(),
        "reset_conference_token: the service answered 200 OK with a body the API document does \
         not describe: the body is empty, but the API document promises a JSON body"
    );
    assert_eq!(
        html.to_string(),
        "get_conference_token: the service answered 200 OK with a body the API document does \
         not describe: the body is not JSON (text/html): \"<html>Login</html>\""
    );
}
