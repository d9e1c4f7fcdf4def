//! How many TCP connections the client opens: one per call in flight, reused from call to
//! call and page to page, and a new one at once when the server closes the old one.
//!
//! reqwest's pool alone opens a second connection when a call follows the previous one at
//! once, before that call's connection is back in the pool; these tests catch that.

mod common;

use std::sync::Arc;

use common::scripted::{Reply, ScriptedServer};
use common::*;
use futures_util::TryStreamExt;
use serde_json::json;

fn token_json(n: u32) -> String {
    numbered_token(n).to_string()
}

/// Sequential gets on the runtime `flavor`, with the token each one received.
fn sequential_gets(flavor: tokio::runtime::Runtime, calls: u32) -> (Vec<String>, usize) {
    flavor.block_on(async {
        let server = ScriptedServer::start(
            (1..=calls)
                .map(|n| Reply::json(200, &token_json(n)))
                .collect(),
        )
        .await;
        let client = client(&server.base_url);

        let mut names = Vec::new();
        for _ in 0..calls {
            let token = client.get_conference_token(&token_id()).await.unwrap();
            names.push(token.name.unwrap());
        }
        (names, server.connections())
    })
}

fn expected_names(calls: u32) -> Vec<String> {
    (1..=calls).map(|n| format!("Token {n}")).collect()
}

#[test]
fn sequential_calls_on_one_thread_share_one_connection() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let (names, connections) = sequential_gets(runtime, 50);

    assert_eq!(names, expected_names(50));
    assert_eq!(connections, 1);
}

#[test]
fn sequential_calls_on_worker_threads_share_one_connection() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let (names, connections) = sequential_gets(runtime, 50);

    assert_eq!(names, expected_names(50));
    assert_eq!(connections, 1);
}

#[test]
fn a_listing_fetches_every_page_over_one_connection() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(list_four_pages());
}

/// Lists four pages of 250 tokens; the pages are large enough that their bodies arrive in
/// several reads, as real pages do.
async fn list_four_pages() {
    const PAGE: u32 = 250;
    let pages: Vec<Reply> = (0..4u32)
        .map(|page| {
            let next = (page < 3).then(|| {
                format!(
                    "{LIST_PATH}?page_number={}&page_size={PAGE}&page_token=P{}",
                    page + 1,
                    page + 1
                )
            });
            let data: Vec<_> = (1..=PAGE)
                .map(|n| numbered_token(page * PAGE + n))
                .collect();
            let body = json!({"links": {"self": "x", "first": "x", "next": next}, "data": data});
            Reply::json(200, &body.to_string())
        })
        .collect();
    let server = ScriptedServer::start(pages).await;

    let tokens: Vec<_> = client(&server.base_url)
        .conference_tokens(&conference_id())
        .page_size(PAGE)
        .try_collect()
        .await
        .unwrap();

    let names: Vec<String> = tokens.into_iter().map(|t| t.name.unwrap()).collect();
    assert_eq!(names, expected_names(4 * PAGE));
    assert_eq!(server.requests().len(), 4);
    assert_eq!(server.connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_open_no_more_connections_than_there_are_callers() {
    const CALLERS: u32 = 32;
    const CALLS_EACH: u32 = 30;
    let server = ScriptedServer::start(
        (0..CALLERS * CALLS_EACH)
            .map(|_| Reply::json(200, &token_json(7)))
            .collect(),
    )
    .await;
    let client = client(&server.base_url);
    let start = Arc::new(tokio::sync::Barrier::new(CALLERS as usize));

    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..CALLERS {
        let (client, start) = (client.clone(), Arc::clone(&start));
        callers.spawn(async move {
            start.wait().await;
            let mut answered = 0;
            for _ in 0..CALLS_EACH {
                let token = client.get_conference_token(&token_id()).await.unwrap();
                assert_eq!(token.name.as_deref(), Some("Token 7"));
                answered += 1;
            }
            answered
        });
    }
    let answered: u32 = callers.join_all().await.into_iter().sum();

    assert_eq!(answered, CALLERS * CALLS_EACH);
    assert_eq!(server.requests().len(), (CALLERS * CALLS_EACH) as usize);
    let connections = server.connections();
    assert!(
        (1..=CALLERS as usize).contains(&connections),
        "{connections} connections for {CALLERS} callers"
    );
}

#[tokio::test]
async fn a_connection_the_server_closes_is_replaced_for_the_next_call() {
    // `Connection: close` on every answer: the server ends each connection after one answer.
    let server = ScriptedServer::start(
        (1..=5)
            .map(|n| Reply::json(200, &token_json(n)).with_header("connection", "close"))
            .collect(),
    )
    .await;
    let client = client(&server.base_url);

    let mut names = Vec::new();
    for _ in 0..5 {
        names.push(
            client
                .get_conference_token(&token_id())
                .await
                .unwrap()
                .name
                .unwrap(),
        );
    }

    assert_eq!(names, expected_names(5));
    assert_eq!(server.connections(), 5);
}

#[tokio::test]
async fn a_connection_dropped_without_notice_is_replaced_for_the_next_call() {
    // A complete answer, then the server hangs up without having said it would.
    let answer = token_json(1);
    let raw = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
        answer.len()
    );
    let server = ScriptedServer::start(vec![
        Reply::Raw(raw.into_bytes()),
        Reply::json(200, &token_json(2)),
    ])
    .await;
    let client = client(&server.base_url);

    let first = client.get_conference_token(&token_id()).await.unwrap();
    let second = client.get_conference_token(&token_id()).await.unwrap();

    assert_eq!(first.name.as_deref(), Some("Token 1"));
    assert_eq!(second.name.as_deref(), Some("Token 2"));
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_connect_that_hangs_ends_at_the_connect_timeout_as_a_timeout() {
    // A listener that accepts nothing, with its queue filled: the kernel answers no further
    // connection attempt, and a connect hangs as it does towards a host that is down.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..4 {
        let attempt = tokio::time::timeout(
            std::time::Duration::from_millis(200),
            tokio::net::TcpStream::connect(address),
        );
        match attempt.await {
            Ok(Ok(stream)) => queued.push(stream),
            _ => break,
        }
    }

    let client = signalwire_conference_tokens::Client::builder()
        .base_url(format!("http://{address}"))
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .connect_timeout(std::time::Duration::from_millis(300))
        // Were the connect to go through after all, the test would fail in 5 s, not hang.
        .timeout(std::time::Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.get_conference_token(&token_id()).await.unwrap_err();

    assert_eq!(
        error.to_string(),
        "get_conference_token: no connection within the connect timeout of 300 ms; check the \
         space or base URL and the network, or raise the client's connect_timeout"
    );
    assert_eq!(
        error.kind(),
        signalwire_conference_tokens::ErrorKind::Timeout,
        "{error}"
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    drop((listener, queued));
}
