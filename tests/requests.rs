//! What goes on the wire: the exact request line and headers of each operation.
//!
//! httpmock can say whether a header is present, not that nothing else was sent, so these
//! tests read the raw request from a plain TCP listener.

mod common;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers one request with `body` and returns the request's head (request line and headers),
/// with header names in lower case and in the order they were sent.
async fn capture_one_request(body: &'static str) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).await.unwrap();

        let head = String::from_utf8(head).unwrap();
        head.trim_end()
            .lines()
            .enumerate()
            .map(|(index, line)| match (index, line.split_once(": ")) {
                (0, _) | (_, None) => line.to_owned(),
                (_, Some((name, value))) => format!("{}: {value}", name.to_ascii_lowercase()),
            })
            .collect()
    });
    (base_url, server)
}

fn expected_head(request_line: &str, host: &str) -> Vec<String> {
    vec![
        request_line.to_owned(),
        "accept: application/json".to_owned(),
        format!("authorization: {AUTHORIZATION}"),
        format!(
            "user-agent: signalwire-conference-tokens/{}",
            env!("CARGO_PKG_VERSION")
        ),
        format!("host: {host}"),
    ]
}

const TOKEN_BODY: &str =
    r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":null,"token":"vpt_x","scopes":[]}"#;

#[tokio::test]
async fn get_sends_basic_auth_and_no_undocumented_headers() {
    let (base_url, server) = capture_one_request(TOKEN_BODY).await;

    common::client(&base_url)
        .get_conference_token(&token_id())
        .await
        .unwrap();

    let host = base_url.trim_start_matches("http://");
    let mut head = server.await.unwrap();
    let request_line = head.remove(0);
    head.sort();
    let mut expected = expected_head(&format!("GET {TOKEN_PATH} HTTP/1.1"), host);
    assert_eq!(request_line, expected.remove(0));
    expected.sort();
    assert_eq!(head, expected);
}

#[tokio::test]
async fn reset_is_a_post_without_a_body() {
    let (base_url, server) = capture_one_request(TOKEN_BODY).await;

    common::client(&base_url)
        .reset_conference_token(&token_id())
        .await
        .unwrap();

    let host = base_url.trim_start_matches("http://");
    let mut head = server.await.unwrap();
    let request_line = head.remove(0);
    head.sort();
    assert_eq!(request_line, format!("POST {RESET_PATH} HTTP/1.1"));
    // Some proxies refuse a POST without a length; the client declares the empty body.
    let mut expected = expected_head("", host);
    expected.remove(0);
    expected.push("content-length: 0".to_owned());
    expected.sort();
    assert_eq!(head, expected);
}

#[tokio::test]
async fn list_encodes_the_cursor_once_in_the_query() {
    let (base_url, server) = capture_one_request(r#"{"links":{},"data":[]}"#).await;

    common::client(&base_url)
        .list_conference_tokens(&conference_id())
        .page_size(1000)
        .page_number(2)
        .page_token("PA+a/b==")
        .await
        .unwrap();

    let head = server.await.unwrap();
    assert_eq!(
        head[0],
        format!(
            "GET {LIST_PATH}?page_number=2&page_size=1000&page_token=PA%2Ba%2Fb%3D%3D HTTP/1.1"
        )
    );
    assert!(
        !head.iter().any(|line| line.starts_with("api-version")),
        "{head:?}"
    );
}

#[tokio::test]
async fn a_base_url_path_prefixes_every_request() {
    let (base_url, server) = capture_one_request(TOKEN_BODY).await;

    common::client(&format!("{base_url}/proxy/signalwire/"))
        .get_conference_token(&token_id())
        .await
        .unwrap();

    let head = server.await.unwrap();
    assert_eq!(
        head[0],
        format!("GET /proxy/signalwire{TOKEN_PATH} HTTP/1.1")
    );
}
