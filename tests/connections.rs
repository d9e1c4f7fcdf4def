//! How many TCP connections the client opens: one per call in flight, reused from call to
//! call and page to page, and a new one at once when the server closes the old one.
//!
//! reqwest's pool alone opens a second connection when a call follows the previous one at
//! once, before that call's connection is back in the pool; these tests catch that.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::scripted::{Reply, ScriptedServer};
use common::*;
use futures_util::TryStreamExt;
use serde_json::json;
use signalwire_conference_tokens::{Client, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

fn token_json(n: u32) -> String {
    numbered_token(n).to_string()
}

fn one_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Two worker threads; `block_on` runs the test's own future on the test's thread, outside
/// them, as a program's `main` does.
fn two_workers() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// 50 sequential gets on `runtime` receive the 50 tokens in order over one connection.
fn assert_sequential_gets_share_one_connection(runtime: tokio::runtime::Runtime) {
    const CALLS: u32 = 50;
    let (names, connections) = runtime.block_on(async {
        let server = ScriptedServer::start(
            (1..=CALLS)
                .map(|n| Reply::json(200, &token_json(n)))
                .collect(),
        )
        .await;
        let client = client(&server.base_url);

        let mut names = Vec::new();
        for _ in 0..CALLS {
            let token = client.get_conference_token(&token_id()).await.unwrap();
            names.push(token.name.unwrap());
        }
        (names, server.connections())
    });

    assert_eq!(names, expected_names(CALLS));
    assert_eq!(connections, 1);
}

fn expected_names(calls: u32) -> Vec<String> {
    (1..=calls).map(|n| format!("Token {n}")).collect()
}

#[test]
fn sequential_calls_on_one_thread_share_one_connection() {
    assert_sequential_gets_share_one_connection(one_thread());
}

#[test]
fn sequential_calls_on_worker_threads_share_one_connection() {
    assert_sequential_gets_share_one_connection(two_workers());
}

#[test]
fn a_listing_fetches_every_page_over_one_connection() {
    two_workers().block_on(list_four_pages());
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

/// A listener that accepts nothing, with its queue filled: the kernel answers no further
/// connection attempt, and a connect hangs as it does towards a host that is down. Keep the
/// returned streams as long as the listener.
async fn full_listener() -> (TcpListener, Vec<TcpStream>) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    loop {
        let attempt = tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(address));
        match attempt.await {
            Ok(Ok(stream)) => queued.push(stream),
            _ => return (listener, queued),
        }
    }
}

/// A client of `address` that gives a connect `connect_timeout` and sends each request once;
/// were a connect to go through after all, a call would fail in 5 s rather than hang.
fn client_with_connect_timeout(address: SocketAddr, connect_timeout: Duration) -> Client {
    Client::builder()
        .base_url(format!("http://{address}"))
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .connect_timeout(connect_timeout)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_connect_that_hangs_ends_at_the_connect_timeout_as_a_timeout() {
    let (listener, _queued) = full_listener().await;
    let address = listener.local_addr().unwrap();

    for (connect_timeout, said) in [
        (Duration::from_millis(300), "300 ms"),
        (Duration::from_micros(500), "500 µs"),
    ] {
        let client = client_with_connect_timeout(address, connect_timeout);
        let started = Instant::now();
        let error = client.get_conference_token(&token_id()).await.unwrap_err();

        assert_eq!(
            error.to_string(),
            format!(
                "get_conference_token: no connection within the connect timeout of {said}; check \
                 the space or base URL and the network, or raise the client's connect_timeout"
            )
        );
        assert_eq!(error.kind(), ErrorKind::Timeout);
        assert!(started.elapsed() >= connect_timeout);
    }
}

/// How a server answers its first requests, each of which leaves the connection unusable.
#[derive(Clone, Copy, Debug)]
enum LosingAnswer {
    /// No answer: the client gives up on the call.
    Hang,
    /// `HTTP/1.0` without `keep-alive`, then the server closes the connection.
    Http10,
    /// A body with neither a length nor chunks, which the closed connection ends.
    CloseDelimited,
    /// A 404 whose declared body is larger than the client reads.
    TooLarge,
    /// `Transfer-Encoding` whose last coding is not `chunked`: the body ends with the
    /// connection, as for `CloseDelimited`.
    ChunkedNotLast,
    /// `HTTP/1.0` with one `Connection` line that says `keep-alive` and one that says `close`.
    Http10KeepAliveAndClose,
}

/// A server on a new port of 127.0.0.1; see [`serve_losing_on`].
async fn losing_server(answer: LosingAnswer, losing: usize) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    (address, serve_losing_on(listener, answer, losing))
}

/// Serves on `listener`: the first `losing` requests get `answer`, the rest a token after
/// 5 ms. Returns the count of connections accepted.
fn serve_losing_on(listener: TcpListener, answer: LosingAnswer, losing: usize) -> Arc<AtomicUsize> {
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve_losing(stream, answer, losing, Arc::clone(&requests)));
        }
    });
    connections
}

async fn serve_losing(
    mut stream: TcpStream,
    answer: LosingAnswer,
    losing: usize,
    requests: Arc<AtomicUsize>,
) {
    let token = token_json(1);
    loop {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }

        if requests.fetch_add(1, Ordering::SeqCst) >= losing {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n\
                 {token}",
                token.len()
            );
            if stream.write_all(response.as_bytes()).await.is_err() {
                return;
            }
            continue;
        }
        let response = match answer {
            LosingAnswer::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            LosingAnswer::Http10 => format!(
                "HTTP/1.0 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n\
                 {token}",
                token.len()
            ),
            LosingAnswer::CloseDelimited => {
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{token}")
            }
            LosingAnswer::ChunkedNotLast => format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked, \
                 identity\r\n\r\n{token}"
            ),
            LosingAnswer::Http10KeepAliveAndClose => format!(
                "HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nconnection: close\r\ncontent-type: \
                 application/json\r\ncontent-length: {}\r\n\r\n{token}",
                token.len()
            ),
            LosingAnswer::TooLarge => format!(
                "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: \
                 65536\r\n\r\n{}",
                "x".repeat(65536)
            ),
        };
        let _ = stream.write_all(response.as_bytes()).await;
        if !matches!(answer, LosingAnswer::TooLarge) {
            return;
        }
    }
}

/// One call, which leaves one connection in the pool, then two at once: the second of those
/// needs a connection of its own, unless the count still holds connections that are gone.
async fn one_call_then_two_at_once(client: &Client) {
    let id = token_id();
    client.get_conference_token(&id).await.unwrap();
    let (first, second) = tokio::join!(
        client.get_conference_token(&id),
        client.get_conference_token(&id)
    );
    first.unwrap();
    second.unwrap();
}

/// Calls whose connections were lost in every way the client can see (or, for a cancelled
/// call, suspect) must not be counted as open: the next time two calls run at once, the
/// second opens a connection of its own instead of waiting for the first one's.
#[test]
fn connections_lost_are_not_counted_as_open() {
    let runtime = one_thread();

    for answer in [
        LosingAnswer::Hang,
        LosingAnswer::Http10,
        LosingAnswer::CloseDelimited,
        LosingAnswer::TooLarge,
        LosingAnswer::ChunkedNotLast,
        LosingAnswer::Http10KeepAliveAndClose,
    ] {
        let opened = runtime.block_on(async {
            let (address, connections) = losing_server(answer, 3).await;
            let id = token_id();
            let client = Client::builder()
                .base_url(format!("http://{address}"))
                .project_id(PROJECT_ID)
                .api_token(API_TOKEN)
                .max_response_bytes(4096)
                .max_retries(0)
                .build()
                .unwrap();

            // Three calls at once, whose connections are lost.
            let losing = (0..3).map(|_| {
                tokio::time::timeout(Duration::from_millis(100), client.get_conference_token(&id))
            });
            let outcomes = futures_util::future::join_all(losing).await;
            let succeeded = outcomes.iter().filter(|o| matches!(o, Ok(Ok(_)))).count();
            let expected = match answer {
                LosingAnswer::Hang | LosingAnswer::TooLarge => 0,
                _ => 3,
            };
            assert_eq!(succeeded, expected, "{answer:?}: {outcomes:?}");
            let before = connections.load(Ordering::SeqCst);

            one_call_then_two_at_once(&client).await;
            connections.load(Ordering::SeqCst) - before
        });

        assert_eq!(opened, 2, "{answer:?}");
    }
}

#[test]
fn calls_cancelled_while_connecting_are_not_counted_as_connections() {
    let runtime = one_thread();

    let opened = runtime.block_on(async {
        let (listener, queued) = full_listener().await;
        let address = listener.local_addr().unwrap();
        let client = client_with_connect_timeout(address, Duration::from_secs(5));
        let id = token_id();

        // Three calls cancelled while their connects hang.
        let connecting = (0..3).map(|_| {
            tokio::time::timeout(Duration::from_millis(100), client.get_conference_token(&id))
        });
        for outcome in futures_util::future::join_all(connecting).await {
            assert!(outcome.is_err(), "a call was not cancelled: {outcome:?}");
        }

        // The listener takes what was queued, then serves; one call, then two at once.
        while let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_millis(50), listener.accept()).await
        {}
        drop(queued);
        let connections = serve_losing_on(listener, LosingAnswer::Hang, 0);
        one_call_then_two_at_once(&client).await;
        connections.load(Ordering::SeqCst)
    });

    assert_eq!(opened, 2);
}

/// Answers that hyper reads to their end and keeps the connection after: sequential calls
/// share one connection, which an attempt that uncounted it would not.
#[tokio::test]
async fn answers_that_keep_the_connection_are_counted_as_kept() {
    let token = token_json(1);
    let chunked = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n\
         {:x}\r\n{token}\r\n0\r\n\r\n",
        token.len()
    );
    let with_trailer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: gzip, chunked\r\n\
         trailer: x-checksum\r\n\r\n{:x}\r\n{token}\r\n0\r\nx-checksum: 1\r\n\r\n",
        token.len()
    );
    let http10_keep_alive = format!(
        "HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{token}",
        token.len()
    );

    for answer in [chunked, with_trailer, http10_keep_alive] {
        let script = vec![Reply::RawKeepingConnection(answer.clone().into_bytes()); 5];
        let server = ScriptedServer::start(script).await;
        let client = client(&server.base_url);

        for _ in 0..5 {
            let token = client.get_conference_token(&token_id()).await.unwrap();
            assert_eq!(token.name.as_deref(), Some("Token 1"), "{answer:?}");
        }

        assert_eq!(server.connections(), 1, "{answer:?}");
    }
}
