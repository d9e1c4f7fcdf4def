//! Retries, backoff, `Retry-After` and deadlines, against a server that answers in a scripted
//! order. Minimum waits are asserted (they are behaviour); no test asserts that anything is
//! fast.

mod common;

use std::time::{Duration, SystemTime};

use common::scripted::{Reply, ScriptedServer};
use common::*;
use signalwire_conference_tokens::{Client, ErrorKind, RetryPolicy};

const TOKEN_JSON: &str =
    r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":null,"token":"vpt_1","scopes":[]}"#;

/// A client whose backoff is short enough for tests.
fn client_with(base_url: &str, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .retry(policy)
        .build()
        .unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(20))
}

#[tokio::test]
async fn transient_statuses_are_retried_until_success_on_one_connection() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#),
        Reply::json(502, r#"{"error":"Bad Gateway"}"#),
        Reply::json(504, r#"{"error":"Gateway Timeout"}"#),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    let token = client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(request.request_line, format!("GET {TOKEN_PATH} HTTP/1.1"));
        assert_eq!(request.header("authorization"), Some(AUTHORIZATION));
    }
    // Backoff of at least half of 20, 40 and 80 ms (jitter takes off up to half).
    let gaps: Vec<Duration> = requests
        .windows(2)
        .map(|pair| pair[1].at - pair[0].at)
        .collect();
    for (gap, minimum) in gaps.iter().zip([10, 20, 40]) {
        assert!(*gap >= Duration::from_millis(minimum), "gaps {gaps:?}");
    }
}

#[tokio::test]
async fn the_last_failure_is_reported_with_the_number_of_attempts() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#);
        4
    ])
    .await;

    let error = client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.attempts(), 4);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 503 Service Unavailable (after 4 attempts)"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn answers_that_cannot_change_are_never_retried() {
    for status in [400, 401, 403, 404, 422, 500] {
        let server = ScriptedServer::start(vec![Reply::json(status, r#"{"error":"x"}"#)]).await;

        let error = client_with(&server.base_url, quick())
            .get_conference_token(&token_id())
            .await
            .unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.attempts(), 1, "status {status}");
        assert_eq!(server.requests().len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn retry_after_in_seconds_sets_a_floor_on_the_wait() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#).with_header("retry-after", "1"),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    // Three seconds ahead: the date keeps whole seconds only, so it lies more than two seconds
    // away when it is written, and more than one when the client reads it.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#).with_header("retry-after", date),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_retries() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#).with_header("retry-after", "120"),
    ])
    .await;
    let policy = quick().max_retry_after(Duration::from_secs(5));

    let error = client_with(&server.base_url, policy)
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.attempts(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 429 Too Many Requests; the rate limit was \
         reached and the service asked to wait 120 s"
    );
}

#[tokio::test]
async fn resets_are_retried_after_429_but_not_after_503() {
    let limited = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;
    let unavailable =
        ScriptedServer::start(vec![Reply::json(503, r#"{"error":"Service Unavailable"}"#)]).await;

    client_with(&limited.base_url, quick())
        .reset_conference_token(&token_id())
        .await
        .unwrap();
    let error = client_with(&unavailable.base_url, quick())
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(limited.requests().len(), 2);
    assert_eq!(
        limited.requests()[1].request_line,
        format!("POST {RESET_PATH} HTTP/1.1")
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(unavailable.requests().len(), 1);
}

#[tokio::test]
async fn resets_may_opt_in_to_retries_after_503() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    client_with(&server.base_url, quick().retry_resets(true))
        .reset_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn refused_connections_are_retried_for_resets_too() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_with(&format!("http://127.0.0.1:{port}"), quick().max_retries(2));

    let error = client
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_for_gets_only() {
    let get_server =
        ScriptedServer::start(vec![Reply::Raw(Vec::new()), Reply::json(200, TOKEN_JSON)]).await;
    let reset_server = ScriptedServer::start(vec![Reply::Raw(Vec::new())]).await;

    client_with(&get_server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap();
    let error = client_with(&reset_server.base_url, quick())
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(get_server.requests().len(), 2);
    assert_eq!(reset_server.requests().len(), 1);
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server =
        ScriptedServer::start(vec![Reply::json(503, "{}"), Reply::json(200, TOKEN_JSON)]).await;

    let error = client_with(&server.base_url, RetryPolicy::never())
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = ScriptedServer::start(vec![Reply::Hang]).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .timeout(Duration::from_secs(30))
        .retry(quick().deadline(Duration::from_millis(300)))
        .build()
        .unwrap();

    let started = std::time::Instant::now();
    let error = client.get_conference_token(&token_id()).await.unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the call ran past its deadline of 300 ms, retries included; \
         raise the retry policy's deadline if the service is slow"
    );
}
