//! Listing every token across pages: absolute and relative `next` links, empty pages that are
//! not the end, cursors with `+ / =`, and the guards against a listing that never ends.

mod common;

use common::*;
use futures_util::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::json;
use signalwire_conference_tokens::{ErrorKind, PageCursor};

fn ids(tokens: &[signalwire_conference_tokens::ConferenceToken]) -> Vec<String> {
    tokens
        .iter()
        .map(|token| {
            token.id.to_string()[24..]
                .trim_start_matches('0')
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_stream_follows_every_kind_of_next_link_to_the_end() {
    let server = MockServer::start_async().await;
    // Page 1: an absolute link on another host; the cursor is percent-encoded.
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH).query_param("page_size", "2").query_param_missing("page_token");
            then.status(200).json_body(json!({
                "links": {"self": "x", "first": "x",
                          "next": format!("https://elsewhere.example.com{LIST_PATH}?page_number=1&page_size=2&page_token=PA%2B1%2Fa%3D%3D")},
                "data": [numbered_token(1), numbered_token(2)]
            }));
        })
        .await;
    // Page 2: a relative link whose cursor carries a literal `+` and `/`.
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH).query_param("page_token", "PA+1/a==").query_param("page_number", "1");
            then.status(200).json_body(json!({
                "links": {"self": "x", "first": "x",
                          "next": format!("{LIST_PATH}?page_number=2&page_size=2&page_token=PB+2/b=")},
                "data": [numbered_token(3), numbered_token(4)]
            }));
        })
        .await;
    // Page 3: empty, with a new `next`: not the end.
    let third = server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH).query_param("page_token", "PB+2/b=");
            then.status(200).json_body(json!({
                "links": {"self": "x", "first": "x", "next": format!("{LIST_PATH}?page_number=3&page_size=2&page_token=PC3")},
                "data": []
            }));
        })
        .await;
    // Page 4: `next` is null: the end.
    let fourth = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param("page_token", "PC3");
            then.status(200).json_body(json!({
                "links": {"self": "x", "first": "x", "next": null, "prev": "x"},
                "data": [numbered_token(5)]
            }));
        })
        .await;

    let client = client(&server.base_url());
    let mut stream = client.conference_tokens(&conference_id()).page_size(2);
    let mut tokens = Vec::new();
    while let Some(token) = stream.try_next().await.unwrap() {
        tokens.push(token);
    }

    assert_eq!(ids(&tokens), ["1", "2", "3", "4", "5"]);
    assert_eq!(
        tokens[4].token.expose_secret(),
        "vpt_00000000000000000000000000000005"
    );
    assert_eq!(stream.pages_fetched(), 4);
    for mock in [&first, &second, &third, &fourth] {
        mock.assert_calls_async(1).await;
    }
    assert!(stream.next().await.is_none(), "the stream stays finished");
}

#[tokio::test]
async fn pages_are_fetched_only_as_they_are_consumed() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param_missing("page_token");
            then.status(200).json_body(json!({
                "links": {"next": format!("{LIST_PATH}?page_token=P2")},
                "data": [numbered_token(1), numbered_token(2)]
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param("page_token", "P2");
            then.status(200)
                .json_body(json!({"links": {}, "data": [numbered_token(3)]}));
        })
        .await;

    let client = client(&server.base_url());
    let mut stream = client.conference_tokens(&conference_id());
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();

    first.assert_calls_async(1).await;
    second.assert_calls_async(0).await;

    stream.next().await.unwrap().unwrap();
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH);
            then.status(200).json_body(json!({
                "links": {"next": format!("{LIST_PATH}?page_number=1&page_token=SAME")},
                "data": [numbered_token(1)]
            }));
        })
        .await;

    let client = client(&server.base_url());
    let results: Vec<_> = client.conference_tokens(&conference_id()).collect().await;

    assert_eq!(results.len(), 3, "two pages of one token, then the error");
    let error = results[2].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Paging);
    assert_eq!(
        error.to_string(),
        "list_conference_tokens: the service sent the same links.next cursor twice (after 2 \
         pages); stopping instead of looping"
    );
}

#[tokio::test]
async fn the_page_limit_stops_a_listing_that_never_ends() {
    let server = MockServer::start_async().await;
    for n in 0..5 {
        server
            .mock_async(|when, then| {
                let when = when.method(GET).path(LIST_PATH);
                if n == 0 {
                    when.query_param_missing("page_token");
                } else {
                    when.query_param("page_token", format!("P{n}"));
                }
                then.status(200).json_body(json!({
                    "links": {"next": format!("{LIST_PATH}?page_token=P{}", n + 1)},
                    "data": [numbered_token(n)]
                }));
            })
            .await;
    }

    let client = client(&server.base_url());
    let results: Vec<_> = client
        .conference_tokens(&conference_id())
        .max_pages(3)
        .collect()
        .await;

    assert_eq!(results.len(), 4);
    assert_eq!(
        results[3].as_ref().unwrap_err().to_string(),
        "list_conference_tokens: stopped after 3 pages, the limit; raise it with max_pages if \
         the conference really has this many tokens"
    );
}

#[tokio::test]
async fn an_error_page_ends_the_stream_after_the_tokens_before_it() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param_missing("page_token");
            then.status(200).json_body(json!({
                "links": {"next": format!("{LIST_PATH}?page_token=P2")},
                "data": [numbered_token(1)]
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param("page_token", "P2");
            then.status(404).json_body(json!({"error": "Not Found"}));
        })
        .await;

    let client = client(&server.base_url());
    let results: Vec<_> = client.conference_tokens(&conference_id()).collect().await;

    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(
        results[1]
            .as_ref()
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(404)
    );
}

#[tokio::test]
async fn a_bad_page_size_fails_the_first_poll_without_a_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;

    let client = client(&server.base_url());
    let results: Vec<_> = client
        .conference_tokens(&conference_id())
        .page_size(0)
        .collect()
        .await;

    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn one_page_at_a_time_by_hand_with_page_cursor() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(LIST_PATH).query_param_missing("page_token");
            then.status(200).json_body(json!({
                "links": {"next": format!("{LIST_PATH}?page_number=1&page_size=1&page_token=PA%3D")},
                "data": [numbered_token(1)]
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(LIST_PATH)
                .query_param("page_token", "PA=")
                .query_param("page_number", "1")
                .query_param("page_size", "1");
            then.status(200)
                .json_body(json!({"links": {}, "data": [numbered_token(2)]}));
        })
        .await;

    let client = client(&server.base_url());
    let page = client
        .list_conference_tokens(&conference_id())
        .await
        .unwrap();
    let cursor = PageCursor::next_of(&page).unwrap().unwrap();
    let page = client
        .list_conference_tokens(&conference_id())
        .cursor(&cursor)
        .await
        .unwrap();

    assert_eq!(ids(&page.data), ["2"]);
    assert_eq!(PageCursor::next_of(&page).unwrap(), None);
    second.assert_calls_async(1).await;
}
