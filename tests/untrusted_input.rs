//! What a careless setting or a hostile server can feed the client and the command-line tool:
//! odd spaces, base URLs and ids; error bodies with control characters, odd shapes or no end;
//! listings that never finish; names and cursors that would drive a terminal. Each case
//! asserts the exact message, value or exit status. Every server is local (127.0.0.1 or ::1).

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::scripted::{Reply, ScriptedServer};
use common::*;
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde_json::json;
use signalwire_conference_tokens::{Client, ClientBuilder, ErrorKind};

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
}

fn configured() -> ClientBuilder {
    Client::builder()
        .space("example")
        .project_id(PROJECT_ID)
        .api_token("PT-token")
}

const TOKEN_JSON: &str =
    r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":null,"token":"vpt_1","scopes":[]}"#;

// =============================================================================================
// 1. Configuration
// =============================================================================================

/// A space pasted as a URL with credentials in it: the base URL setting hides such a value
/// ("not shown, since it may hold credentials"); the space setting must not echo it either.
#[test]
fn a_space_url_with_a_password_is_not_echoed() {
    let error = configured()
        .space("https://user:PT-secret-pw@example.signalwire.com")
        .build()
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Config);
    let message = error.to_string();
    assert!(
        message.starts_with("invalid configuration: space "),
        "{message}"
    );
    assert!(
        !message.contains("PT-secret-pw"),
        "secret echoed: {message}"
    );
}

/// A space with an escape sequence is refused, but the message must not carry the raw escape
/// to the terminal.
#[test]
fn a_space_with_an_ansi_escape_is_not_echoed_raw() {
    let message = configured()
        .space("exa\u{1b}[2Jmple")
        .build()
        .unwrap_err()
        .to_string();

    assert!(!message.contains('\u{1b}'), "raw ESC in: {message:?}");
}

/// The URL parser silently deletes tabs and newlines inside a URL, so a base URL broken over
/// two lines becomes a different host. White space at the ends is refused; inside it should
/// be too.
#[test]
fn a_base_url_with_an_inner_newline_is_refused() {
    let result = configured()
        .base_url("https://proxy.exa\nmple.com/sw")
        .build();

    let error = result
        .map(|client| client.base_url().to_owned())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(
        error
            .to_string()
            .starts_with("invalid configuration: base_url ")
    );
}

/// Odd but unambiguous base URLs are normalised, and requests go where they say.
#[tokio::test]
async fn base_urls_with_case_paths_and_escapes_reach_the_local_server() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, TOKEN_JSON),
        Reply::json(200, TOKEN_JSON),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;
    let port = server.base_url.rsplit(':').next().unwrap().to_owned();

    let cases = [
        (
            format!("HTTP://127.0.0.1:{port}/Pre%20fix/"),
            format!("http://127.0.0.1:{port}/Pre%20fix"),
        ),
        (
            format!("http://LOCALHOST:{port}"),
            format!("http://localhost:{port}"),
        ),
        (
            format!("http://127.1:{port}/a/../b"),
            format!("http://127.0.0.1:{port}/b"),
        ),
    ];
    for (raw, expected) in &cases {
        let client = builder(raw).build().unwrap();
        assert_eq!(client.base_url(), expected);
        client.get_conference_token(&token_id()).await.unwrap();
    }
    let lines: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.request_line)
        .collect();
    assert_eq!(
        lines,
        [
            format!("GET /Pre%20fix{TOKEN_PATH} HTTP/1.1"),
            format!("GET {TOKEN_PATH} HTTP/1.1"),
            format!("GET /b{TOKEN_PATH} HTTP/1.1"),
        ]
    );
}

#[test]
fn base_urls_with_an_empty_query_or_fragment_or_an_idn_host() {
    for raw in ["http://127.0.0.1:1/?", "http://127.0.0.1:1/#"] {
        let message = configured().base_url(raw).build().unwrap_err().to_string();
        assert_eq!(
            message,
            "invalid configuration: base_url `http://127.0.0.1:1/` has a query or fragment; \
             remove it"
        );
    }
    let client = configured()
        .base_url("https://Bücher.example/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://xn--bcher-kva.example");
}

/// `localhost.` (the fully qualified form) may be sent to DNS by some resolvers instead of
/// being answered from the hosts file, so refusing it as not loopback is the safe reading.
#[test]
fn a_trailing_dot_localhost_is_refused_by_name() {
    let message = configured()
        .base_url("http://localhost.:8080")
        .build()
        .unwrap_err()
        .to_string();

    assert_eq!(
        message,
        "invalid configuration: base_url `http://localhost.:8080` uses plain http, which \
         SignalWire refuses and which would expose the credentials; use https (plain http is \
         allowed only on a loopback host)"
    );
}

/// An IPv6 loopback literal works end to end (skipped when the sandbox has no ::1).
#[tokio::test]
async fn an_ipv6_loopback_base_url_works_end_to_end() {
    let Ok(listener) = tokio::net::TcpListener::bind("[::1]:0").await else {
        eprintln!("no IPv6 loopback; skipped");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let _ = stream.read(&mut buf).await;
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
            TOKEN_JSON.len(),
            TOKEN_JSON
        );
        stream.write_all(response.as_bytes()).await.unwrap();
    });

    let client = builder(&format!("http://[0:0:0:0:0:0:0:1]:{port}/"))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("http://[::1]:{port}"));
    let token = client.get_conference_token(&token_id()).await.unwrap();
    assert_eq!(token.id, token_id());
}

/// Timeouts of `Duration::MAX` are accepted and mean "no limit"; a call must not panic.
#[tokio::test]
async fn timeouts_of_duration_max_do_not_panic() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_JSON)]).await;
    let client = builder(&server.base_url)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .build()
        .unwrap();

    let token = client.get_conference_token(&token_id()).await.unwrap();
    assert_eq!(token.id, token_id());
}

/// A project ID in the URN form of a UUID is a UUID; the braced form is accepted, so is this
/// one, or at least it is not called a value "with `:`" that Basic cannot carry.
#[test]
fn a_urn_project_id_is_treated_like_the_other_uuid_forms() {
    let braced = configured()
        .project_id(format!("{{{PROJECT_ID}}}"))
        .build()
        .unwrap();
    assert_eq!(braced.project_id().to_string(), PROJECT_ID);

    let urn = configured()
        .project_id(format!("urn:uuid:{PROJECT_ID}"))
        .build()
        .map(|client| client.project_id().to_string());
    assert_eq!(urn.unwrap(), PROJECT_ID);
}

/// Odd Unicode in an API token is legal in a Basic password and is sent as UTF-8.
#[tokio::test]
async fn an_api_token_with_zero_width_and_bidi_characters_is_sent_as_utf8() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_JSON)]).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .project_id(PROJECT_ID)
        .api_token("PT\u{200b}\u{202e}x")
        .build()
        .unwrap();
    client.get_conference_token(&token_id()).await.unwrap();

    // base64("a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03:PT\u200b\u202ex"), by Python.
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Basic YTVlMWExZjgtM2M0ZC00YjJlLTlmNjEtN2QyYzllOGIxYTAzOlBU4oCL4oCueA==")
    );
}

// =============================================================================================
// 2. Error bodies
// =============================================================================================

async fn error_from(
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: &[u8],
) -> signalwire_conference_tokens::Error {
    let server = ScriptedServer::start(vec![Reply::Respond {
        status,
        headers,
        body: body.to_vec(),
    }])
    .await;
    client_without_retries(&server.base_url)
        .get_conference_token(&token_id())
        .await
        .unwrap_err()
}

fn json_headers() -> Vec<(&'static str, String)> {
    vec![("content-type", "application/json".to_owned())]
}

/// `Display` is "one line meant for people": a server message with an escape sequence or a
/// line break must not reach the terminal raw (the body snippet is already `{:?}`-escaped).
#[tokio::test]
async fn control_characters_in_server_messages_are_escaped() {
    let body = json!({
        "errors": [{"code": "bad\u{1b}]0;owned\u{7}", "message": "\u{1b}[2J\u{1b}[31mred\nsecond line\r"}]
    });
    let error = error_from(400, json_headers(), body.to_string().as_bytes()).await;

    assert_eq!(
        error.server_messages()[0].message.as_deref(),
        Some("\u{1b}[2J\u{1b}[31mred\nsecond line\r")
    );
    let message = error.to_string();
    assert!(
        !message.chars().any(char::is_control),
        "raw control characters in: {message:?}"
    );
}

#[tokio::test]
async fn a_huge_array_of_messages_and_a_huge_message_are_bounded() {
    let items: Vec<_> = (0..100_000)
        .map(|n| json!({"code": format!("c{n}")}))
        .collect();
    let error = error_from(
        400,
        json_headers(),
        json!({"errors": items}).to_string().as_bytes(),
    )
    .await;
    assert_eq!(error.server_messages().len(), 100_000);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 400 Bad Request: c0; c1; c2; c3; c4; and \
         99995 more"
    );

    let long = "m".repeat(1_000_000);
    let error = error_from(
        400,
        json_headers(),
        json!({"message": long, "code": "x".repeat(300), "attribute": "a".repeat(300)})
            .to_string()
            .as_bytes(),
    )
    .await;
    let expected = format!(
        "get_conference_token: the service answered 400 Bad Request: {}…: {}… (attribute `{}…`)",
        "x".repeat(200),
        "m".repeat(200),
        "a".repeat(200)
    );
    assert_eq!(error.to_string(), expected);
}

#[tokio::test]
async fn mixed_shapes_give_every_message_in_order() {
    let body = json!({
        "errors": [{"type": "validation_error", "message": "first"}],
        "code": "flat_code", "message": "flat", "attribute": null,
        "error": "Bad Request"
    });
    let error = error_from(400, json_headers(), body.to_string().as_bytes()).await;

    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 400 Bad Request: validation_error: first; \
         flat_code: flat; Bad Request"
    );
}

#[tokio::test]
async fn deep_nesting_in_an_error_body_is_skipped_not_overflowed() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let body = format!(r#"{{"error":"Nested","extra":{deep}}}"#);
    let error = error_from(400, json_headers(), body.as_bytes()).await;

    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 400 Bad Request: Nested"
    );

    // Deep nesting inside a field the schema knows is refused, and the body quoted instead.
    let body = format!(r#"{{"errors":{deep}}}"#);
    let error = error_from(400, json_headers(), body.as_bytes()).await;
    assert!(error.server_messages().is_empty());
    assert_eq!(
        error.to_string(),
        format!(
            "get_conference_token: the service answered 400 Bad Request with a body that is not \
             a JSON error (application/json): \"{{\\\"errors\\\":{}…\"",
            "[".repeat(190)
        )
    );
}

/// Items with nothing to show must not leave a dangling `: ` in the message.
#[tokio::test]
async fn an_error_item_with_nothing_to_show_leaves_no_dangling_colon() {
    let error = error_from(400, json_headers(), br#"{"errors":[{}]}"#).await;

    let message = error.to_string();
    assert!(!message.ends_with(": "), "dangling separator: {message:?}");
}

/// A 503 (not in the document, so decoded on another path) must read its body the way a
/// documented 400 does: a byte order mark is skipped (as `parse_object` does) ...
#[tokio::test]
async fn an_undocumented_status_skips_a_byte_order_mark_like_a_documented_one() {
    let body = b"\xEF\xBB\xBF{\"error\":\"Overloaded\"}";

    let documented = error_from(400, json_headers(), body).await;
    let undocumented = error_from(503, json_headers(), body).await;

    assert_eq!(documented.server_messages().len(), 1);
    assert_eq!(
        undocumented.server_messages(),
        documented.server_messages(),
        "503 read as: {undocumented}"
    );
}

/// ... and a top-level array is not an error object on either path.
#[tokio::test]
async fn an_undocumented_status_refuses_a_top_level_array_like_a_documented_one() {
    // The generated struct's fields in order: attribute, code, error, errors, message, type, url.
    let body = br#"[null, null, "Overloaded", [{"message":"from an array"}], null, null, null]"#;

    let documented = error_from(400, json_headers(), body).await;
    let undocumented = error_from(503, json_headers(), body).await;

    assert!(documented.server_messages().is_empty());
    assert!(
        undocumented.server_messages().is_empty(),
        "503 read an array as an error body: {undocumented}"
    );
}

/// Every part of a message is cut to a few hundred characters, "so that a hostile body cannot
/// make an error message arbitrarily long": the content type must be too.
#[tokio::test]
async fn a_huge_content_type_does_not_make_the_message_huge() {
    let content_type = format!("text/html; x={}", "y".repeat(60_000));
    let error = error_from(
        502,
        vec![("content-type", content_type)],
        b"<h1>Bad Gateway</h1>",
    )
    .await;

    let length = error.to_string().len();
    assert!(length < 2_000, "message is {length} bytes long");
}

#[tokio::test]
async fn a_huge_location_does_not_make_the_message_huge() {
    let location = format!("https://elsewhere.invalid/{}", "z".repeat(60_000));
    let error = error_from(302, vec![("location", location)], b"").await;

    assert_eq!(error.kind(), ErrorKind::Redirect);
    let length = error.to_string().len();
    assert!(length < 2_000, "message is {length} bytes long");
}

#[tokio::test]
async fn a_huge_or_escaping_next_link_does_not_make_the_paging_error_huge_or_raw() {
    let next = format!("/x?page_size=5&junk=\u{1b}[2J{}", "q".repeat(500_000));
    let body = json!({"links": {"next": next}, "data": []}).to_string();
    let server = ScriptedServer::start(vec![Reply::json(200, &body)]).await;

    let results: Vec<_> = client(&server.base_url)
        .conference_tokens(&conference_id())
        .collect()
        .await;
    let error = results[0].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Paging);
    let message = error.to_string();
    assert_eq!(
        (message.contains('\u{1b}'), message.len() < 2_000),
        (false, true),
        "raw ESC / length {} in the paging error",
        message.len()
    );
}

// =============================================================================================
// 3. The listing stream
// =============================================================================================

/// Empty pages whose `next` never ends stop at `max_pages`, after exactly that many requests.
#[tokio::test]
async fn empty_pages_forever_stop_at_max_pages() {
    let script = (1..=10)
        .map(|n| {
            Reply::json(
                200,
                &json!({"links": {"next": format!("/x?page_token=E{n}")}, "data": []}).to_string(),
            )
        })
        .collect();
    let server = ScriptedServer::start(script).await;
    let mut stream = client(&server.base_url)
        .conference_tokens(&conference_id())
        .max_pages(5);

    let first = stream.next().await.unwrap().unwrap_err();
    assert_eq!(
        first.to_string(),
        "list_conference_tokens: stopped after 5 pages, the limit; raise it with max_pages if \
         the conference really has this many tokens"
    );
    assert!(stream.next().await.is_none());
    assert_eq!(stream.pages_fetched(), 5);
    assert_eq!(server.requests().len(), 5);
    assert_eq!(stream.size_hint(), (0, Some(0)));
}

/// "How many pages have been fetched so far": a page size refused before sending fetched none.
#[tokio::test]
async fn a_refused_page_size_counts_no_page_as_fetched() {
    let server = ScriptedServer::start(vec![]).await;
    for size in [0, 1001] {
        let mut stream = client(&server.base_url)
            .conference_tokens(&conference_id())
            .page_size(size);
        let error = stream.next().await.unwrap().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "list_conference_tokens: invalid argument `page_size`: {size} is outside \
                 1..=1000"
            )
        );
        assert_eq!(server.requests().len(), 0);
        assert_eq!(stream.pages_fetched(), 0, "page size {size}");
    }
}

#[tokio::test]
async fn page_sizes_1_and_1000_are_sent_and_override_the_links() {
    let page = |next: Option<&str>| {
        json!({"links": {"next": next}, "data": [numbered_token(1)]}).to_string()
    };
    let server = ScriptedServer::start(vec![
        Reply::json(200, &page(Some("/x?page_token=A&page_size=7"))),
        Reply::json(200, &page(None)),
        Reply::json(200, &page(Some("/x?page_token=B&page_size=7"))),
        Reply::json(200, &page(None)),
    ])
    .await;
    let client = client(&server.base_url);
    for size in [1000, 1] {
        let tokens: Vec<_> = client
            .conference_tokens(&conference_id())
            .page_size(size)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(tokens.len(), 2);
    }
    let lines: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.request_line)
        .collect();
    assert_eq!(
        lines,
        [
            format!("GET {LIST_PATH}?page_size=1000 HTTP/1.1"),
            format!("GET {LIST_PATH}?page_size=1000&page_token=A HTTP/1.1"),
            format!("GET {LIST_PATH}?page_size=1 HTTP/1.1"),
            format!("GET {LIST_PATH}?page_size=1&page_token=B HTTP/1.1"),
        ]
    );
}

#[tokio::test]
async fn size_hint_is_right_through_the_streams_life() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, &json!({"links": {"next": "/x?page_token=P2"}, "data": [numbered_token(1), numbered_token(2), numbered_token(3)]}).to_string()),
        Reply::json(200, &json!({"links": {"next": "/x?page_number=9"}, "data": [numbered_token(4), numbered_token(5)]}).to_string()),
    ])
    .await;
    let mut stream = client(&server.base_url).conference_tokens(&conference_id());

    assert_eq!(stream.size_hint(), (0, None));
    stream.next().await.unwrap().unwrap();
    assert_eq!(stream.size_hint(), (2, None));
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    assert_eq!(stream.size_hint(), (0, None));
    stream.next().await.unwrap().unwrap();
    // The second page's link cannot be followed: one token, then the error, then the end.
    assert_eq!(stream.size_hint(), (2, Some(2)));
    stream.next().await.unwrap().unwrap();
    assert_eq!(stream.size_hint(), (1, Some(1)));
    assert_eq!(
        stream.next().await.unwrap().unwrap_err().kind(),
        ErrorKind::Paging
    );
    assert_eq!(stream.size_hint(), (0, Some(0)));
    assert!(stream.next().await.is_none());
    assert_eq!(stream.pages_fetched(), 2);
}

/// Dropping a stream with a page buffered, or with a request in flight, leaves the client
/// usable and a fresh stream starts from the first page.
#[tokio::test]
async fn dropping_the_stream_mid_page_or_mid_request_leaves_the_client_clean() {
    let first = json!({"links": {"next": "/x?page_token=P2"}, "data": [numbered_token(1), numbered_token(2)]}).to_string();
    let last = json!({"links": {}, "data": [numbered_token(3)]}).to_string();
    let server = ScriptedServer::start(vec![
        Reply::json(200, &first),
        Reply::Hang,
        Reply::json(200, &first),
        Reply::json(200, &last),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;
    let client = client(&server.base_url);

    let mut stream = client.conference_tokens(&conference_id());
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    // The next poll sends the request for page 2, which hangs; drop it mid-flight.
    let pending = tokio::time::timeout(Duration::from_millis(200), stream.next()).await;
    assert!(pending.is_err());
    drop(stream);

    let tokens: Vec<_> = client
        .conference_tokens(&conference_id())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tokens.len(), 3);
    let token = client.get_conference_token(&token_id()).await.unwrap();
    assert_eq!(token.id, token_id());
    assert_eq!(server.requests().len(), 5);
}

// =============================================================================================
// 4. The command-line tool
// =============================================================================================

fn cli(args: &[&str]) -> Command {
    let mut command = Command::new(cli_binary());
    command
        .args(args)
        .env_clear()
        .env("SIGNALWIRE_PROJECT_ID", PROJECT_ID)
        .env("SIGNALWIRE_API_TOKEN", API_TOKEN);
    command
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_edge_cases_exit_with_2_and_the_usage() {
    let cases: [(&[&str], &str); 7] = [
        // Finite and positive, but too large for a `Duration`: bad usage, not a panic.
        (
            &["--timeout", "1e20", "get", TOKEN_ID],
            "error: --timeout `1e20` is too large\n",
        ),
        // `--all` takes no value; `--all=false` must not turn it on.
        (
            &["list", CONFERENCE_ID, "--all=false"],
            "error: --all takes no value; give it alone\n",
        ),
        (
            &["list", CONFERENCE_ID, "--page-size", "0"],
            "error: --page-size 0 is outside 1..=1000\n",
        ),
        (
            &["list", CONFERENCE_ID, "--page-size=-1"],
            "error: --page-size `-1` is not a whole number\n",
        ),
        (
            &["--timeout", "NaN", "get", TOKEN_ID],
            "error: --timeout `NaN` is not a positive number of seconds\n",
        ),
        (
            &["get", TOKEN_ID, "--base-url"],
            "error: --base-url needs a value\n",
        ),
        (&["--", "get", TOKEN_ID], "error: unknown option `--`\n"),
    ];
    for (args, expected) in cases {
        let output = run(cli(args)).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: conference_tokens"), "{args:?}");
        assert_eq!(text(&output.stdout), "");
    }
}

/// An environment variable that is not UTF-8 is a configuration error naming it (exit 2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_utf8_api_token_variable_is_named() {
    let mut command = cli(&["--base-url", "http://127.0.0.1:9", "get", TOKEN_ID]);
    command.env(
        "SIGNALWIRE_API_TOKEN",
        OsString::from_vec(b"PT-\xff\xfe".to_vec()),
    );
    let output = run(command).await;

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: invalid configuration: SIGNALWIRE_API_TOKEN is not valid Unicode\n"
    );
}

fn named_token(name: &str, value: &str) -> String {
    json!({"id": TOKEN_ID, "name": name, "token": value, "scopes": ["a\tb"]}).to_string()
}

/// What `get --output table` prints for a token with this name and value.
async fn table_of_token(name: &str, value: &str) -> std::process::Output {
    let server = ScriptedServer::start(vec![Reply::json(200, &named_token(name, value))]).await;
    run(cli(&[
        "--base-url",
        &server.base_url,
        "--output",
        "table",
        "get",
        TOKEN_ID,
    ]))
    .await
}

/// Names with line breaks, tabs and escapes are escaped in the table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_names_with_control_characters_are_escaped() {
    let output = table_of_token("a\nb\tc\u{1b}[31m", "vpt_0123456789abcdef").await;

    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!(
            "ID                                    NAME                      TOKEN      SCOPES\n\
             {TOKEN_ID}  a\\nb\\tc\\u{{1b}}[31m         vpt_0123…  a\\tb\n"
        )
    );
}

/// The masked token value is the table's other text from the service: it must be made
/// printable like the name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_token_values_with_escapes_are_not_written_raw() {
    let output = table_of_token("n", "\u{1b}[2J\u{1b}[1;1Hvpt_0123456789abcdef").await;

    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(!stdout.contains('\u{1b}'), "raw ESC on stdout: {stdout:?}");
}

/// A right-to-left override in a name reorders the rest of the terminal line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_names_with_bidi_overrides_are_escaped() {
    let output = table_of_token("evil\u{202e}txt.exe", "vpt_0123456789abcdef").await;

    assert_eq!(output.status.code(), Some(0));
    assert!(
        !text(&output.stdout).contains('\u{202e}'),
        "{:?}",
        text(&output.stdout)
    );
}

/// The "next page" hint on stderr quotes the cursor from the service: no raw escapes or line
/// breaks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_page_hint_does_not_write_raw_escapes() {
    let page = json!({"links": {"next": "/x?page_token=P%1B%5B2J%0Aerror%3A%20fake"}, "data": []})
        .to_string();
    let server = ScriptedServer::start(vec![Reply::json(200, &page)]).await;
    let output = run(cli(&[
        "--base-url",
        &server.base_url,
        "--output",
        "table",
        "list",
        CONFERENCE_ID,
    ]))
    .await;

    assert_eq!(output.status.code(), Some(0));
    let stderr = text(&output.stderr);
    assert!(!stderr.contains('\u{1b}'), "raw ESC on stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
}

/// One page as a table: the page itself arrived and was printed, so an unfollowable
/// `links.next` (which only the hint needs) should not turn the run into a failure, as it does
/// not with `--output json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_page_as_a_table_exits_like_one_page_as_json() {
    let page =
        json!({"links": {"next": "/x?page_size=5"}, "data": [numbered_token(1)]}).to_string();
    let server =
        ScriptedServer::start(vec![Reply::json(200, &page), Reply::json(200, &page)]).await;

    let json = run(cli(&[
        "--base-url",
        &server.base_url,
        "list",
        CONFERENCE_ID,
    ]))
    .await;
    let table = run(cli(&[
        "--base-url",
        &server.base_url,
        "--output",
        "table",
        "list",
        CONFERENCE_ID,
    ]))
    .await;

    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    assert_eq!(
        table.status.code(),
        json.status.code(),
        "table stderr: {}",
        text(&table.stderr)
    );
}

/// A positive `--timeout` below a nanosecond passes the flag's check, then fails as zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sub_nanosecond_timeout_is_refused_with_exit_2() {
    let output = run(cli(&[
        "--base-url",
        "http://127.0.0.1:9",
        "--timeout",
        "1e-10",
        "get",
        TOKEN_ID,
    ]))
    .await;

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: invalid configuration: timeout is zero; every request would fail at once\n"
    );
}

/// Server messages reach the terminal through the tool's stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_messages_on_stderr_carry_no_raw_escapes() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        r#"{"error":"\u001b[2J\u001b]0;pwned\u0007gone"}"#,
    )])
    .await;
    let output = run(cli(&["--base-url", &server.base_url, "get", TOKEN_ID])).await;

    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(!stderr.contains('\u{1b}'), "raw ESC on stderr: {stderr:?}");
}

/// Wide characters: documented to misalign; the row must still be one line with the name cut
/// at 24 characters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_names_are_cut_by_characters() {
    let name = "会".repeat(30);
    let output = table_of_token(&name, "vpt_0123456789abcdef").await;

    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout).lines().nth(1).unwrap(),
        format!("{TOKEN_ID}  {}…  vpt_0123…  a\\tb", "会".repeat(23))
    );
}

/// A table row that cannot be written because the reader left is not a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_with_a_table_exits_0() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_JSON)]).await;
    let mut command = cli(&[
        "--base-url",
        &server.base_url,
        "--output",
        "table",
        "get",
        TOKEN_ID,
    ]);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let output = output_with_stdout_closed(command).await;

    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
}

/// When stderr is a closed pipe (`2>&1 | head -c0`), a usage error still exits with 2 as the
/// usage text promises, not with a panic's 101.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stderr_keeps_the_documented_exit_status() {
    let mut command = cli(&["get", "not-a-uuid"]);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let status = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        drop(child.stderr.take());
        child.wait().unwrap()
    })
    .await
    .unwrap();

    assert_eq!(status.code(), Some(2));
}

// =============================================================================================
// 5. The `mock` feature, used as the README shows
// =============================================================================================

#[cfg(feature = "mock")]
mod mocks {
    use super::*;
    use signalwire_conference_tokens::mock::{self, MockServer, MockServerExt};
    use signalwire_conference_tokens::{ConferenceToken, ErrorBody, Uuid};

    fn client_for(server: &MockServer) -> Client {
        Client::builder()
            .base_url(server.base_url())
            .project_id("a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03")
            .api_token("PT-test")
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn the_readme_example_gives_exact_values() {
        let conference_id: Uuid = "2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11".parse().unwrap();
        let alice = mock::conference_token(Uuid::nil(), Some("Alice"), "vpt_1", &[]);
        let bob = mock::conference_token(Uuid::max(), None, "vpt_2", &[]);
        let server = MockServer::start_async().await;
        let first = server.list_conference_tokens(|when, then| {
            when.id(&conference_id).first_page();
            then.ok(&mock::page(
                &conference_id,
                [alice.clone()],
                Some("PA+1/x=="),
            ));
        });
        let last = server.list_conference_tokens(|when, then| {
            when.id(&conference_id).page_token("PA+1/x==");
            then.ok(&mock::page(&conference_id, [bob.clone()], None));
        });
        let missing = server.get_conference_token(|when, then| {
            when.id(&Uuid::nil());
            then.not_found(&mock::error_body("Not Found"));
        });
        let client = client_for(&server);

        let tokens: Vec<ConferenceToken> = client
            .conference_tokens(&conference_id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(tokens, [alice, bob]);
        let error = client.get_conference_token(&Uuid::nil()).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "get_conference_token: the service answered 404 Not Found; check the id, and that it \
             belongs to this project and space"
        );
        first.assert();
        last.assert();
        missing.assert();
    }

    /// Page tokens with a space, `&`, `%` and non-ASCII text, linked with `mock::page` and
    /// matched with `page_token(...)` as documented ("the same string that was given here").
    #[tokio::test]
    async fn page_tokens_with_odd_characters_match_as_documented() {
        for token in ["PA 1", "PA&b=c", "PA%2F", "PA+ü/="] {
            let conference_id = Uuid::nil();
            let server = MockServer::start_async().await;
            let first = server.list_conference_tokens(|when, then| {
                when.id(&conference_id).first_page();
                then.ok(&mock::page(&conference_id, [], Some(token)));
            });
            let last = server.list_conference_tokens(|when, then| {
                when.id(&conference_id).page_token(token);
                then.ok(&mock::page(
                    &conference_id,
                    [mock::conference_token(Uuid::max(), None, "vpt_2", &[])],
                    None,
                ));
            });

            let tokens: Vec<ConferenceToken> = client_for(&server)
                .conference_tokens(&conference_id)
                .try_collect()
                .await
                .unwrap_or_else(|error| panic!("{token:?}: {error}"));
            assert_eq!(tokens.len(), 1, "{token:?}");
            first.assert();
            last.assert();
        }
    }

    #[tokio::test]
    async fn typed_page_size_and_flat_422_give_exact_values() {
        let conference_id = Uuid::nil();
        let server = MockServer::start_async().await;
        let refused = server.list_conference_tokens(|when, then| {
            when.id(&conference_id)
                .page_size(std::num::NonZeroU32::new(1000));
            then.unprocessable_entity(&ErrorBody {
                type_: Some("validation_error".into()),
                code: Some("invalid_parameter".into()),
                message: Some("Page size must be less than or equal to 1000".into()),
                attribute: Some("page_size".into()),
                ..ErrorBody::default()
            });
        });

        let error = client_for(&server)
            .list_conference_tokens(&conference_id)
            .page_size(1000)
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "list_conference_tokens: the service answered 422 Unprocessable Entity: \
             invalid_parameter: Page size must be less than or equal to 1000 (attribute \
             `page_size`)"
        );
        refused.assert();
    }
}
