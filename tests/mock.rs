//! The typed mocks of the `mock` feature as a user of the crate would use them: the real
//! [`Client`] against a local httpmock server scripted only through `MockServerExt`, with
//! exact values and the number of times each mock answered.

#![cfg(feature = "mock")]

use std::num::NonZeroU32;

use futures_util::TryStreamExt;
use signalwire_conference_tokens::mock::{self, MockServer, MockServerExt};
use signalwire_conference_tokens::{Client, ConferenceToken, ErrorKind, StatusCode, Uuid};

const PROJECT_ID: &str = "a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03";
const CONFERENCE_ID: &str = "2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .project_id(PROJECT_ID)
        .api_token("PT-mock-test")
        .build()
        .unwrap()
}

/// A token with a distinct id, name and value for each `n`.
fn token(n: u32) -> ConferenceToken {
    mock::conference_token(
        format!("00000000-0000-4000-8000-{n:012}").parse().unwrap(),
        Some(&format!("Guest {n}")),
        &format!("vpt_{n:032x}"),
        &["room.member.audio_mute", "room.self.video_mute"],
    )
}

#[tokio::test]
async fn get_and_reset_answer_with_the_scripted_tokens() {
    let server = MockServer::start_async().await;
    let before = token(1);
    let after = ConferenceToken {
        token: "vpt_ffffffffffffffffffffffffffffffff".into(),
        ..before.clone()
    };
    let get = server.get_conference_token(|when, then| {
        when.id(&before.id);
        then.ok(&before);
    });
    let reset = server.reset_conference_token(|when, then| {
        when.id(&before.id);
        then.ok(&after);
    });
    let client = client(&server);

    let fetched = client.get_conference_token(&before.id).await.unwrap();
    let fresh = client.reset_conference_token(&before.id).await.unwrap();

    assert_eq!(fetched, before);
    assert_eq!(
        fetched.token.expose_secret(),
        "vpt_00000000000000000000000000000001"
    );
    assert_eq!(fetched.name.as_deref(), Some("Guest 1"));
    assert_eq!(fresh, after);
    assert_eq!(
        fresh.token.expose_secret(),
        "vpt_ffffffffffffffffffffffffffffffff"
    );
    assert_eq!(get.calls(), 1);
    assert_eq!(reset.calls(), 1);
}

#[tokio::test]
async fn a_typed_404_becomes_a_not_found_error() {
    let server = MockServer::start_async().await;
    let missing_id = token(9).id;
    let missing = server.get_conference_token(|when, then| {
        when.id(&missing_id);
        then.not_found(&mock::error_body("Not Found"));
    });
    let reset_missing = server.reset_conference_token(|when, then| {
        when.id(&missing_id);
        then.not_found(&mock::error_body("Not Found"));
    });
    let client = client(&server);

    let get_error = client.get_conference_token(&missing_id).await.unwrap_err();
    let reset_error = client
        .reset_conference_token(&missing_id)
        .await
        .unwrap_err();

    assert!(get_error.is_not_found());
    assert_eq!(get_error.kind(), ErrorKind::Api);
    assert_eq!(get_error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(get_error.operation(), Some("get_conference_token"));
    let messages: Vec<String> = get_error
        .server_messages()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(messages, ["Not Found"]);
    assert!(reset_error.is_not_found());
    assert_eq!(reset_error.operation(), Some("reset_conference_token"));
    assert_eq!(missing.calls(), 1);
    assert_eq!(reset_missing.calls(), 1);
}

#[tokio::test]
async fn the_stream_follows_three_scripted_pages() {
    let server = MockServer::start_async().await;
    let conference: Uuid = CONFERENCE_ID.parse().unwrap();
    let size = NonZeroU32::new(2);
    // Cursors hold `+`, `/` and `=`, as the service's may: they must arrive decoded.
    let first = server.list_conference_tokens(|when, then| {
        when.id(&conference).first_page().page_size(size);
        then.ok(&mock::page(
            &conference,
            [token(1), token(2)],
            Some("PA+2/x=="),
        ));
    });
    let second = server.list_conference_tokens(|when, then| {
        when.id(&conference).page_token("PA+2/x==").page_size(size);
        then.ok(&mock::page(&conference, [token(3), token(4)], Some("PB=4")));
    });
    let third = server.list_conference_tokens(|when, then| {
        when.id(&conference).page_token("PB=4").page_size(size);
        then.ok(&mock::page(&conference, [token(5)], None));
    });

    let tokens: Vec<ConferenceToken> = client(&server)
        .conference_tokens(&conference)
        .page_size(2)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(tokens, (1..=5).map(token).collect::<Vec<_>>());
    assert_eq!(first.calls(), 1);
    assert_eq!(second.calls(), 1);
    assert_eq!(third.calls(), 1);
}

#[tokio::test]
async fn a_typed_422_on_a_page_ends_the_listing_with_the_servers_message() {
    let server = MockServer::start_async().await;
    let conference: Uuid = CONFERENCE_ID.parse().unwrap();
    let first = server.list_conference_tokens(|when, then| {
        when.id(&conference).first_page();
        then.ok(&mock::page(&conference, [token(1)], Some("PA1")));
    });
    let second = server.list_conference_tokens(|when, then| {
        when.id(&conference).page_token("PA1");
        then.unprocessable_entity(&signalwire_conference_tokens::ErrorBody {
            code: Some("invalid_parameter".to_owned()),
            message: Some("Page token is not valid".to_owned()),
            attribute: Some("page_token".to_owned()),
            ..Default::default()
        });
    });

    let mut stream = client(&server).conference_tokens(&conference);
    let only = stream.try_next().await.unwrap();
    let error = stream.try_next().await.unwrap_err();
    let after_error = stream.try_next().await.unwrap();

    assert_eq!(only, Some(token(1)));
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(error.operation(), Some("list_conference_tokens"));
    let [message] = error.server_messages() else {
        panic!("one server message expected: {:?}", error.server_messages());
    };
    assert_eq!(
        message.to_string(),
        "invalid_parameter: Page token is not valid (attribute `page_token`)"
    );
    assert_eq!(after_error, None);
    assert_eq!(first.calls(), 1);
    assert_eq!(second.calls(), 1);
}
