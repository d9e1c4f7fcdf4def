//! The happy paths of the three operations, with the documented example and the variations
//! the contract allows (`name: null`, fields no document lists).

mod common;

use common::*;
use httpmock::prelude::*;
use serde_json::json;
use signalwire_conference_tokens::{ConferenceToken, TokenValue};

fn documented_token() -> ConferenceToken {
    ConferenceToken {
        id: token_id(),
        name: Some("My First Token".to_owned()),
        token: TokenValue::new(EXAMPLE_TOKEN_VALUE),
        scopes: vec!["room.member.audio_mute".to_owned()],
    }
}

#[tokio::test]
async fn get_returns_the_documented_example() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(TOKEN_PATH)
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(example_token());
        })
        .await;

    let token = client(&server.base_url())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(token, documented_token());
    assert_eq!(token.token.expose_secret(), EXAMPLE_TOKEN_VALUE);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn reset_returns_the_token_with_its_new_value() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(RESET_PATH)
                .header("authorization", AUTHORIZATION);
            then.status(200).json_body(json!({
                "id": TOKEN_ID,
                "name": "My First Token",
                "token": "vpt_0f4e2a1d9c8b7a6f5e4d3c2b1a098765",
                "scopes": ["room.member.audio_mute"]
            }));
        })
        .await;

    let token = client(&server.base_url())
        .reset_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(
        token.token,
        TokenValue::new("vpt_0f4e2a1d9c8b7a6f5e4d3c2b1a098765")
    );
    assert_eq!(token.id, token_id());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_null_name_is_none() {
    let server = MockServer::start_async().await;
    let mut body = example_token();
    body["name"] = json!(null);
    server
        .mock_async(|when, then| {
            when.method(GET).path(TOKEN_PATH);
            then.status(200).json_body(body);
        })
        .await;

    let token = client(&server.base_url())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(token.name, None);
    assert_eq!(token.scopes, ["room.member.audio_mute"]);
}

#[tokio::test]
async fn unknown_fields_are_ignored_everywhere() {
    let server = MockServer::start_async().await;
    let mut token = example_token();
    token["created_at"] = json!("2018-07-23T13:01:00Z");
    token["room"] = json!({"nested": [1, 2, 3]});
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH);
            then.status(200).json_body(json!({
                "links": {"self": "/a", "first": "/a", "last": "/z", "extra": 1},
                "data": [token],
                "meta": {"total": 1}
            }));
        })
        .await;

    let page = client(&server.base_url())
        .list_conference_tokens(&conference_id())
        .await
        .unwrap();

    assert_eq!(page.data, [documented_token()]);
    assert_eq!(page.links.self_.as_deref(), Some("/a"));
    assert_eq!(page.links.next, None);
}

#[tokio::test]
async fn list_sends_page_size_and_returns_one_page() {
    let server = MockServer::start_async().await;
    let next = format!("{LIST_PATH}?page_number=1&page_size=2&page_token=PA42");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param("page_size", "2")
                .query_param_missing("page_token")
                .query_param_missing("page_number");
            then.status(200).json_body(json!({
                "links": {"self": LIST_PATH, "first": LIST_PATH, "next": next},
                "data": [numbered_token(1), numbered_token(2)]
            }));
        })
        .await;

    let page = client(&server.base_url())
        .list_conference_tokens(&conference_id())
        .page_size(2)
        .send()
        .await
        .unwrap();

    let ids: Vec<String> = page.data.iter().map(|token| token.id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "00000000-0000-4000-8000-000000000001",
            "00000000-0000-4000-8000-000000000002"
        ]
    );
    assert_eq!(page.links.next.as_deref(), Some(next.as_str()));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn out_of_range_arguments_fail_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let client = client(&server.base_url());

    let zero = client
        .list_conference_tokens(&conference_id())
        .page_size(0)
        .await
        .unwrap_err();
    let big = client
        .list_conference_tokens(&conference_id())
        .page_size(1001)
        .await
        .unwrap_err();
    let lone_number = client
        .list_conference_tokens(&conference_id())
        .page_number(3)
        .await
        .unwrap_err();

    assert_eq!(
        zero.to_string(),
        "list_conference_tokens: invalid argument `page_size`: 0 is outside 1..=1000"
    );
    assert_eq!(
        big.to_string(),
        "list_conference_tokens: invalid argument `page_size`: 1001 is outside 1..=1000"
    );
    assert_eq!(
        lone_number.to_string(),
        "list_conference_tokens: invalid argument `page_number`: a page number above 0 needs \
         the page_token of the listing it belongs to"
    );
    assert_eq!(zero.attempts(), 0);
    mock.assert_calls_async(0).await;
}
