//! Hostile and broken responses: each ends in a specific error that keeps the status, with a
//! bounded amount of memory and time, and never a panic.

mod common;

use std::time::{Duration, Instant};

use common::scripted::{Reply, ScriptedServer};
use common::*;
use signalwire_conference_tokens::{Client, ErrorKind};

fn client_for(server: &ScriptedServer) -> Client {
    Client::builder()
        .base_url(&server.base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .timeout(Duration::from_millis(500))
        .max_retries(0)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap()
}

async fn get_error(reply: Reply) -> signalwire_conference_tokens::Error {
    let server = ScriptedServer::start(vec![reply]).await;
    client_for(&server)
        .get_conference_token(&token_id())
        .await
        .unwrap_err()
}

fn head(status: u16, extra: &str) -> String {
    format!("HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\n{extra}\r\n")
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_timeout() {
    let started = Instant::now();
    let error = get_error(Reply::Hang).await;

    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        error.to_string(),
        "get_conference_token: no complete response within the timeout of 500 ms; raise the \
         client's timeout if the service or the network is slow"
    );
}

#[tokio::test]
async fn a_trickled_body_times_out_within_the_timeout() {
    let started = Instant::now();
    let error = get_error(Reply::Trickle {
        head: head(200, "content-length: 100\r\n"),
        body: vec![b' '; 100],
        pause: Duration::from_millis(50),
    })
    .await;

    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_connection_closed_mid_body_says_so_and_keeps_the_status() {
    let mut bytes = head(200, "content-length: 1000\r\n").into_bytes();
    bytes.extend_from_slice(br#"{"id":"c22d24f6-"#);

    let error = get_error(Reply::Raw(bytes)).await;

    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the connection broke while the body of the 200 OK response was \
         being read"
    );
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_not_read() {
    let mut bytes = head(200, "content-length: 10000000\r\n").into_bytes();
    bytes.extend_from_slice(b"{");

    let error = get_error(Reply::Raw(bytes)).await;

    assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the response body is larger than the limit of 65536 bytes; it \
         was not read further"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_cut_off() {
    let mut bytes = head(500, "transfer-encoding: chunked\r\n").into_bytes();
    let chunk = vec![b'x'; 16 * 1024];
    for _ in 0..8 {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(&chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");

    let error = get_error(Reply::Raw(bytes)).await;

    assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn json_with_another_content_type_is_accepted() {
    let server = ScriptedServer::start(vec![Reply::Respond {
        status: 200,
        headers: vec![("content-type", "text/plain; charset=iso-8859-1".to_owned())],
        body: example_token().to_string().into_bytes(),
    }])
    .await;

    let token = client_for(&server)
        .get_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(token.token.expose_secret(), EXAMPLE_TOKEN_VALUE);
}

#[tokio::test]
async fn bodies_that_break_the_document_name_what_is_wrong() {
    let cases = [
        (
            r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":"n","token":null,"scopes":[]}"#,
            "at `token`: invalid type: null, expected a string at line 1 column 68",
        ),
        (
            r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":"n","token":"vpt_1","scopes":null}"#,
            "at `scopes`: invalid type: null, expected a sequence at line 1 column 85",
        ),
        (
            r#"{"id":"not-a-uuid","name":"n","token":"vpt_1","scopes":[]}"#,
            "at `id`: UUID parsing failed: invalid character: found `n` at 0 at line 1 column 18",
        ),
        (
            r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":"n","token":"vpt_1","scopes":["#,
            "at `scopes`: EOF while parsing a list at line 1 column 82",
        ),
        (
            r#"[{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92"}]"#,
            "the body is an array where the API document promises a JSON object",
        ),
        (
            r#"["c22d24f6-5a47-4597-9a23-c7d01e696b92","n","vpt_1",[]]"#,
            "the body is an array where the API document promises a JSON object",
        ),
        // Exactly a token's fields in the struct's order: serde would build a token from it.
        (
            r#" ["c22d24f6-5a47-4597-9a23-c7d01e696b92","n",[],"vpt_1"]"#,
            "the body is an array where the API document promises a JSON object",
        ),
        (
            "null",
            "the body is null where the API document promises a JSON object",
        ),
        (
            "42",
            "the body is a number where the API document promises a JSON object",
        ),
    ];
    for (body, expected) in cases {
        let error = get_error(Reply::json(200, body)).await;

        assert_eq!(error.kind(), ErrorKind::Decode, "{body}");
        assert_eq!(
            error.to_string(),
            format!(
                "get_conference_token: the service answered 200 OK with a body the API document \
                 does not describe: {expected}"
            ),
            "{body}"
        );
    }
}

#[tokio::test]
async fn non_utf8_bytes_are_a_decode_error() {
    let mut body = br#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(br#"","token":"vpt_1","scopes":[]}"#);

    let error = get_error(Reply::Respond {
        status: 200,
        headers: vec![],
        body,
    })
    .await;

    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error.to_string().contains("invalid unicode code point"),
        "{error}"
    );
}

#[tokio::test]
async fn a_204_on_reset_is_reported_as_such() {
    let server = ScriptedServer::start(vec![Reply::Respond {
        status: 204,
        headers: vec![],
        body: vec![],
    }])
    .await;

    let error = client_for(&server)
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(
        error.to_string(),
        "reset_conference_token: the service answered 204 No Content with a body the API \
         document does not describe: the body is empty, but the API document promises a JSON \
         body with status 200"
    );
}

#[tokio::test]
async fn redirects_are_not_followed_and_name_their_location() {
    let elsewhere = ScriptedServer::start(vec![Reply::json(200, "{}")]).await;
    let location = format!("{}{TOKEN_PATH}", elsewhere.base_url);
    let server = ScriptedServer::start(vec![Reply::Respond {
        status: 307,
        headers: vec![("location", location.clone())],
        body: vec![],
    }])
    .await;

    let error = client_for(&server)
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert_eq!(error.redirect_location(), Some(location.as_str()));
    assert_eq!(
        error.to_string(),
        format!(
            "get_conference_token: the service answered 307 Temporary Redirect redirecting to \
             `{location}`, which is not followed so that the credentials stay with the \
             configured host; if the new address is right, set it as the base URL"
        )
    );
    assert_eq!(
        elsewhere.connections(),
        0,
        "the other server saw no request at all"
    );
}

#[tokio::test]
async fn paging_never_follows_a_link_to_another_origin() {
    let elsewhere = ScriptedServer::start(vec![]).await;
    let next = format!(
        "{}{LIST_PATH}?page_number=1&page_token=PA%2B1",
        elsewhere.base_url
    );
    let first_page = serde_json::json!({"links": {"next": next}, "data": [numbered_token(1)]});
    let last_page = serde_json::json!({"links": {}, "data": [numbered_token(2)]});
    let server = ScriptedServer::start(vec![
        Reply::json(200, &first_page.to_string()),
        Reply::json(200, &last_page.to_string()),
    ])
    .await;

    let tokens: Vec<_> = futures_util::TryStreamExt::try_collect::<Vec<_>>(
        client_for(&server).conference_tokens(&conference_id()),
    )
    .await
    .unwrap();

    assert_eq!(tokens.len(), 2);
    let requests = server.requests();
    assert_eq!(
        requests[1].request_line,
        format!("GET {LIST_PATH}?page_number=1&page_token=PA%2B1 HTTP/1.1")
    );
    assert_eq!(requests[1].header("authorization"), Some(AUTHORIZATION));
    assert_eq!(elsewhere.connections(), 0);
    assert_eq!(
        server.connections(),
        1,
        "both pages on one kept-alive connection"
    );
}
