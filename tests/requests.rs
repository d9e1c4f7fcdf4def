//! What goes on the wire: the exact request line and headers of each operation.
//!
//! httpmock can say whether a header is present, not that nothing else was sent, so these
//! tests read the raw request heads that the scripted server records.

mod common;

use common::scripted::{Reply, ScriptedServer};
use common::*;

const TOKEN_BODY: &str =
    r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":null,"token":"vpt_x","scopes":[]}"#;

/// The one request the server received: its request line and its header lines, sorted.
fn only_request(server: &ScriptedServer) -> (String, Vec<String>) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let mut headers = requests[0].headers.clone();
    headers.sort();
    (requests[0].request_line.clone(), headers)
}

/// Every header the client sends, and nothing else, sorted; `extra` adds operation-specific
/// ones.
fn expected_headers(server: &ScriptedServer, extra: &[&str]) -> Vec<String> {
    let host = server.base_url.trim_start_matches("http://");
    let mut headers = vec![
        "accept: application/json".to_owned(),
        format!("authorization: {AUTHORIZATION}"),
        format!(
            "user-agent: signalwire-conference-tokens/{}",
            env!("CARGO_PKG_VERSION")
        ),
        format!("host: {host}"),
    ];
    headers.extend(extra.iter().map(|header| header.to_string()));
    headers.sort();
    headers
}

#[tokio::test]
async fn get_sends_basic_auth_and_no_undocumented_headers() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_BODY)]).await;

    client(&server.base_url)
        .get_conference_token(&token_id())
        .await
        .unwrap();

    let (request_line, headers) = only_request(&server);
    assert_eq!(request_line, format!("GET {TOKEN_PATH} HTTP/1.1"));
    assert_eq!(headers, expected_headers(&server, &[]));
}

#[tokio::test]
async fn reset_is_a_post_with_an_empty_body_of_declared_length() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_BODY)]).await;

    client(&server.base_url)
        .reset_conference_token(&token_id())
        .await
        .unwrap();

    let (request_line, headers) = only_request(&server);
    assert_eq!(request_line, format!("POST {RESET_PATH} HTTP/1.1"));
    // Some proxies refuse a POST without a length; the client declares the empty body.
    assert_eq!(headers, expected_headers(&server, &["content-length: 0"]));
}

#[tokio::test]
async fn list_encodes_the_cursor_once_in_the_query() {
    let server = ScriptedServer::start(vec![Reply::json(200, r#"{"links":{},"data":[]}"#)]).await;

    client(&server.base_url)
        .list_conference_tokens(&conference_id())
        .page_size(1000)
        .page_number(2)
        .page_token("PA+a/b==")
        .await
        .unwrap();

    let (request_line, headers) = only_request(&server);
    assert_eq!(
        request_line,
        format!(
            "GET {LIST_PATH}?page_number=2&page_size=1000&page_token=PA%2Ba%2Fb%3D%3D HTTP/1.1"
        )
    );
    assert_eq!(headers, expected_headers(&server, &[]));
}

#[tokio::test]
async fn a_base_url_path_prefixes_every_request() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_BODY)]).await;

    client(&format!("{}/proxy/signalwire/", server.base_url))
        .get_conference_token(&token_id())
        .await
        .unwrap();

    let (request_line, _) = only_request(&server);
    assert_eq!(
        request_line,
        format!("GET /proxy/signalwire{TOKEN_PATH} HTTP/1.1")
    );
}
