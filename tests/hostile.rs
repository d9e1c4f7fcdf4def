//! Hostile servers, extreme settings and odd sequences of answers, each asserting the exact
//! behaviour the crate documents: no panic, no call past its deadline, no request the retry
//! policy forbids, no secret in a message, and nothing lost. Every server is local.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::scripted::{Reply, ScriptedServer};
use common::*;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use signalwire_conference_tokens::{Client, ErrorKind, RetryPolicy};

const TOKEN_JSON: &str =
    r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":null,"token":"vpt_1","scopes":[]}"#;

fn builder(base_url: &str) -> signalwire_conference_tokens::ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
}

fn client_with(base_url: &str, policy: RetryPolicy) -> Client {
    builder(base_url).retry(policy).build().unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(20))
}

fn status_of(error: &signalwire_conference_tokens::Error) -> Option<u16> {
    error.status().map(|status| status.as_u16())
}

fn assert_no_secret(text: &str) {
    let encoded = AUTHORIZATION.trim_start_matches("Basic ");
    for secret in [API_TOKEN, EXAMPLE_TOKEN_VALUE, "PT:s", encoded, "PT%3As"] {
        assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
    }
}

fn assert_error_has_no_secret(error: &signalwire_conference_tokens::Error) {
    assert_no_secret(&error.to_string());
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&format!("{error:#?}"));
}

fn page(next: Option<&str>, tokens: &[u32]) -> String {
    let data: Vec<_> = tokens.iter().map(|n| numbered_token(*n)).collect();
    json!({"links": {"next": next}, "data": data}).to_string()
}

// ---------------------------------------------------------------------------------------------
// Panics from extreme but accepted settings
// ---------------------------------------------------------------------------------------------

/// `deadline(Duration::MAX)` is accepted by `build()` (only zero is refused), and reads as "no
/// deadline". The first request must not panic.
#[tokio::test]
async fn a_deadline_of_duration_max_does_not_panic() {
    let server = ScriptedServer::start(vec![Reply::json(200, TOKEN_JSON)]).await;
    let client = client_with(&server.base_url, quick().deadline(Duration::MAX));

    let token = client.get_conference_token(&token_id()).await.unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
    assert_eq!(server.requests().len(), 1);
}

/// With the `Retry-After` cap lifted, a hostile `Retry-After: u64::MAX` must end the retries
/// (the wait cannot fit in the deadline), not panic.
#[tokio::test]
async fn an_uncapped_retry_after_of_u64_max_does_not_panic() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#)
            .with_header("retry-after", u64::MAX.to_string()),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;
    let policy = quick()
        .max_retry_after(Duration::MAX)
        .deadline(Duration::from_secs(5));

    let error = client_with(&server.base_url, policy)
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(status_of(&error), Some(429));
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(server.requests().len(), 1);
}

/// `max_response_bytes(usize::MAX)` ("no limit") with a hostile `Content-Length` on an error
/// status: nothing may be reserved on the header's word alone. The connection closes after
/// the head, so the body is broken.
#[tokio::test]
async fn an_absurd_content_length_with_no_body_limit_does_not_panic() {
    let head = "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
                content-length: 18446744073709551613\r\n\r\n{";
    let server = ScriptedServer::start(vec![Reply::Raw(head.as_bytes().to_vec())]).await;
    let client = builder(&server.base_url)
        .max_response_bytes(usize::MAX)
        .max_retries(0)
        .build()
        .unwrap();

    let error = client.get_conference_token(&token_id()).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(status_of(&error), Some(404));
    assert_eq!(error.attempts(), 1);
}

// ---------------------------------------------------------------------------------------------
// Deadline
// ---------------------------------------------------------------------------------------------

/// A 503 asks for a 1 s wait that fits in the 2 s deadline when its head arrives, but its body
/// takes 1.3 s to arrive. Waiting 1 s after that ends past the deadline: the call must give up
/// with the 503 instead of sending a second request after its deadline.
#[tokio::test]
async fn no_request_is_sent_after_the_deadline_when_a_slow_body_eats_the_wait() {
    let body = br#"{"error":"x"}"#.to_vec(); // 13 bytes, 100 ms apart: ~1.3 s
    let server = ScriptedServer::start(vec![
        Reply::Trickle {
            head: format!(
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
                 retry-after: 1\r\ncontent-length: {}\r\n\r\n",
                body.len()
            ),
            body,
            pause: Duration::from_millis(100),
        },
        Reply::json(200, TOKEN_JSON),
    ])
    .await;
    let deadline = Duration::from_secs(2);
    let client = builder(&server.base_url)
        .timeout(Duration::from_secs(30))
        .retry(quick().deadline(deadline))
        .build()
        .unwrap();

    let started = Instant::now();
    let result = client.get_conference_token(&token_id()).await;
    let elapsed = started.elapsed();

    let requests = server.requests();
    let late: Vec<Duration> = requests
        .iter()
        .map(|request| request.at - started)
        .filter(|at| *at > deadline)
        .collect();
    assert_eq!(
        late,
        Vec::<Duration>::new(),
        "requests sent after the deadline"
    );
    assert_eq!(requests.len(), 1);
    assert!(
        elapsed < deadline + Duration::from_millis(200),
        "the call took {elapsed:?}, deadline {deadline:?}"
    );
    let error = result.map(|_| ()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(status_of(&error), Some(503));
    assert_eq!(error.attempts(), 1);
}

/// The same with a body that never completes: the read ends at the deadline, and the call must
/// end there too, not sleep the 1 s `Retry-After` and try again.
#[tokio::test]
async fn a_hanging_503_body_ends_the_call_at_the_deadline() {
    let server = ScriptedServer::start(vec![
        Reply::Trickle {
            head: "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
                   retry-after: 1\r\ncontent-length: 100\r\n\r\n"
                .to_owned(),
            body: b"{{".to_vec(),
            pause: Duration::from_secs(30),
        },
        Reply::json(200, TOKEN_JSON),
    ])
    .await;
    let deadline = Duration::from_millis(1500);
    let client = builder(&server.base_url)
        .timeout(Duration::from_secs(30))
        .retry(quick().deadline(deadline))
        .build()
        .unwrap();

    let started = Instant::now();
    let result = client.get_conference_token(&token_id()).await;
    let elapsed = started.elapsed();

    assert!(
        elapsed < deadline + Duration::from_millis(300),
        "the call took {elapsed:?}, deadline {deadline:?}"
    );
    assert_eq!(server.requests().len(), 1);
    let error = result.map(|_| ()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 1);
}

// ---------------------------------------------------------------------------------------------
// Retry-After
// ---------------------------------------------------------------------------------------------

/// A `Retry-After` too large for a u64 asks for longer than any cap: the client must give up as
/// it does for `Retry-After: 120`, not treat the header as absent and retry at once.
#[tokio::test]
async fn a_retry_after_beyond_u64_ends_the_retries() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#)
            .with_header("retry-after", "99999999999999999999"),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    let result = client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await;

    assert_eq!(server.requests().len(), 1, "the client retried at once");
    let error = result.map(|_| ()).unwrap_err();
    assert_eq!(status_of(&error), Some(429));
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_retry_after_date_in_the_past_means_backoff_only() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#).with_header("retry-after", past),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    let token = client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_millis(10));
}

#[tokio::test]
async fn a_huge_retry_after_on_a_reset_is_reported_not_retried() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#).with_header("retry-after", "86400"),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    let error = client_with(&server.base_url, quick())
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(86400)));
    assert_eq!(
        error.to_string(),
        "reset_conference_token: the service answered 429 Too Many Requests; the rate limit \
         was reached and the service asked to wait 86400 s"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_deadline_left_ends_the_retries() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#).with_header("retry-after", "3"),
        Reply::json(200, TOKEN_JSON),
    ])
    .await;

    let error = client_with(&server.base_url, quick().deadline(Duration::from_secs(2)))
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(status_of(&error), Some(503));
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Sequences of answers and what the error reports
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn three_attempts_ending_in_a_bad_success_body_report_the_last_one() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#).with_header("retry-after", "0"),
        Reply::json(503, r#"{"error":"Service Unavailable"}"#),
        Reply::json(
            200,
            r#"  ["c22d24f6-5a47-4597-9a23-c7d01e696b92",null,[],"vpt_1"]"#,
        ),
    ])
    .await;

    let error = client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(status_of(&error), Some(200));
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.retry_after(), None);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the service answered 200 OK with a body the API document does \
         not describe: the body is an array where the API document promises a JSON object \
         (after 3 attempts)"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_503_with_a_declared_body_over_the_limit_is_still_retried() {
    let mut huge = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 10000000\r\n\r\n".to_vec();
    huge.extend_from_slice(&[b'x'; 1024]);
    let server = ScriptedServer::start(vec![Reply::Raw(huge), Reply::json(200, TOKEN_JSON)]).await;
    let client = builder(&server.base_url)
        .max_response_bytes(4096)
        .retry(quick())
        .build()
        .unwrap();

    let token = client.get_conference_token(&token_id()).await.unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_503_with_a_chunked_body_over_the_limit_then_200() {
    let mut bytes =
        b"HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..4 {
        bytes.extend_from_slice(b"800\r\n");
        bytes.extend_from_slice(&[b'x'; 0x800]);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let server = ScriptedServer::start(vec![Reply::Raw(bytes), Reply::json(200, TOKEN_JSON)]).await;
    let client = builder(&server.base_url)
        .max_response_bytes(4096)
        .retry(quick())
        .build()
        .unwrap();

    let token = client.get_conference_token(&token_id()).await.unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_last_of_several_oversized_503s_is_reported_with_its_status() {
    let huge = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 10000000\r\n\r\n".to_vec();
    let server = ScriptedServer::start(vec![Reply::Raw(huge.clone()), Reply::Raw(huge)]).await;
    let client = builder(&server.base_url)
        .max_response_bytes(4096)
        .retry(quick().max_retries(1))
        .build()
        .unwrap();

    let error = client.get_conference_token(&token_id()).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
    assert_eq!(status_of(&error), Some(503));
    assert_eq!(error.attempts(), 2);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the response body is larger than the limit of 4096 bytes; it \
         was not read further (after 2 attempts)"
    );
}

#[tokio::test]
async fn a_503_whose_body_is_cut_is_retried_for_a_get() {
    let cut = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 500\r\n\r\n{\"err".to_vec();
    let server = ScriptedServer::start(vec![Reply::Raw(cut), Reply::json(200, TOKEN_JSON)]).await;

    let token = client_with(&server.base_url, quick())
        .get_conference_token(&token_id())
        .await
        .unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_connection_reset_mid_body_on_the_retried_attempt_is_reported() {
    let mut cut =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            .to_vec();
    cut.extend_from_slice(br#"{"id":"c22d24f6-"#);
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#).with_header("retry-after", "0"),
        Reply::Raw(cut),
    ])
    .await;

    let error = client_with(&server.base_url, quick().max_retries(1))
        .get_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(status_of(&error), Some(200));
    assert_eq!(error.attempts(), 2);
    assert_eq!(error.retry_after(), None);
    assert_eq!(
        error.to_string(),
        "get_conference_token: the connection broke while the body of the 200 OK response was \
         being read (after 2 attempts)"
    );
}

#[tokio::test]
async fn gets_are_sent_at_most_max_retries_plus_one_times() {
    for max_retries in [0u32, 1, 4] {
        let server =
            ScriptedServer::start(vec![
                Reply::json(429, r#"{"error":"Too Many Requests"}"#)
                    .with_header("retry-after", "0");
                10
            ])
            .await;

        let error = client_with(&server.base_url, quick().max_retries(max_retries))
            .get_conference_token(&token_id())
            .await
            .unwrap_err();

        assert_eq!(error.attempts(), max_retries + 1);
        assert_eq!(server.requests().len() as u32, max_retries + 1);
        assert_eq!(error.retry_after(), Some(Duration::ZERO));
    }
}

#[tokio::test]
async fn resets_are_never_retried_after_5xx_or_a_broken_connection() {
    let cut_body = b"HTTP/1.1 429 Too Many Requests\r\ncontent-length: 50\r\n\r\n{".to_vec();
    let cases: Vec<(Reply, Option<u16>)> = vec![
        (Reply::json(502, r#"{"error":"Bad Gateway"}"#), Some(502)),
        (
            Reply::json(503, r#"{"error":"x"}"#).with_header("retry-after", "0"),
            Some(503),
        ),
        (Reply::json(504, r#"{"error":"x"}"#), Some(504)),
        (Reply::json(500, r#"{"error":"x"}"#), Some(500)),
        (Reply::Raw(Vec::new()), None),
        (
            Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 90\r\n\r\n{\"id\"".to_vec()),
            Some(200),
        ),
    ];
    for (reply, status) in cases {
        let server = ScriptedServer::start(vec![reply.clone(), Reply::json(200, TOKEN_JSON)]).await;

        let error = client_with(&server.base_url, quick().max_retries(5))
            .reset_conference_token(&token_id())
            .await
            .unwrap_err();

        assert_eq!(server.requests().len(), 1, "{reply:?}");
        assert_eq!(error.attempts(), 1, "{reply:?}");
        assert_eq!(status_of(&error), status, "{reply:?}");
    }

    // A 429 whose body breaks off is still a 429: the rate limiter turned it away.
    let server =
        ScriptedServer::start(vec![Reply::Raw(cut_body), Reply::json(200, TOKEN_JSON)]).await;
    client_with(&server.base_url, quick())
        .reset_conference_token(&token_id())
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_reset_after_429s_stops_at_max_retries() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, r#"{"error":"Too Many Requests"}"#);
        6
    ])
    .await;

    let error = client_with(&server.base_url, quick().max_retries(2))
        .reset_conference_token(&token_id())
        .await
        .unwrap_err();

    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests().len(), 3);
    for request in server.requests() {
        assert_eq!(request.request_line, format!("POST {RESET_PATH} HTTP/1.1"));
        assert_eq!(request.header("content-length"), Some("0"));
    }
}

#[tokio::test]
async fn a_call_dropped_mid_retry_sleep_leaves_the_next_call_clean() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, r#"{"error":"Service Unavailable"}"#).with_header("retry-after", "5"),
        Reply::json(404, r#"{"error":"Not Found"}"#),
    ])
    .await;
    let client = client_with(&server.base_url, quick());

    let dropped = tokio::time::timeout(
        Duration::from_millis(500),
        client.get_conference_token(&token_id()),
    )
    .await;
    assert!(dropped.is_err(), "the first call should still be sleeping");

    let error = client.get_conference_token(&token_id()).await.unwrap_err();

    assert_eq!(status_of(&error), Some(404));
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.retry_after(), None);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_call_dropped_mid_attempt_leaves_the_next_call_clean() {
    let server = ScriptedServer::start(vec![Reply::Hang, Reply::json(200, TOKEN_JSON)]).await;
    let client = client_with(&server.base_url, quick());

    let dropped = tokio::time::timeout(
        Duration::from_millis(300),
        client.get_conference_token(&token_id()),
    )
    .await;
    assert!(dropped.is_err());

    let token = client.get_conference_token(&token_id()).await.unwrap();
    assert_eq!(token.token.expose_secret(), "vpt_1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn concurrent_calls_in_one_task_keep_their_own_counts() {
    let ok = ScriptedServer::start(vec![Reply::json(200, TOKEN_JSON)]).await;
    let failing = ScriptedServer::start(vec![Reply::json(503, r#"{"error":"x"}"#); 3]).await;
    let a = client_with(&ok.base_url, quick());
    let b = client_with(&failing.base_url, quick().max_retries(2));
    let id = token_id();

    let (first, second) =
        futures_util::future::join(a.get_conference_token(&id), b.get_conference_token(&id)).await;

    assert_eq!(first.unwrap().token.expose_secret(), "vpt_1");
    let error = second.unwrap_err();
    assert_eq!(error.attempts(), 3);
    assert_eq!(status_of(&error), Some(503));
}

// ---------------------------------------------------------------------------------------------
// Success bodies that are not a JSON object
// ---------------------------------------------------------------------------------------------

async fn get_with(
    reply: Reply,
) -> Result<signalwire_conference_tokens::ConferenceToken, signalwire_conference_tokens::Error> {
    let server = ScriptedServer::start(vec![reply]).await;
    client_with(&server.base_url, RetryPolicy::never())
        .get_conference_token(&token_id())
        .await
}

#[tokio::test]
async fn leading_json_white_space_before_an_object_is_fine() {
    let token = get_with(Reply::json(200, &format!(" \r\n\t{TOKEN_JSON}\n")))
        .await
        .unwrap();
    assert_eq!(token.token.expose_secret(), "vpt_1");
}

#[tokio::test]
async fn success_bodies_that_are_not_one_json_object_are_refused() {
    let cases = [
        format!("\u{c}{TOKEN_JSON}"),
        format!("{TOKEN_JSON}[]"),
        format!("{TOKEN_JSON}{TOKEN_JSON}"),
        format!("{TOKEN_JSON} junk"),
        "[]".to_owned(),
        "\"vpt_62c65414de4d067d07415a7ced8183be\"".to_owned(),
        String::new(),
    ];
    for body in cases {
        let error = get_with(Reply::json(200, &body)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{body:?}");
        assert_eq!(status_of(&error), Some(200), "{body:?}");
        assert_error_has_no_secret(&error);
    }
}

/// RFC 8259 lets a reader skip a UTF-8 byte order mark; some servers write one.
#[tokio::test]
async fn a_byte_order_mark_before_a_json_token_is_skipped() {
    let body = format!("\u{feff}{TOKEN_JSON}");

    let token = get_with(Reply::json(200, &body)).await.unwrap();

    assert_eq!(token.token.expose_secret(), "vpt_1");
}

// ---------------------------------------------------------------------------------------------
// Secrets in error messages
// ---------------------------------------------------------------------------------------------

/// A JSON object key is quoted in the decode error's path (`at `...``): a hostile body can make
/// it a secret, so the path is scrubbed like any other text from the server.
#[tokio::test]
async fn object_keys_in_a_decode_path_are_scrubbed() {
    for body in [
        format!(r#"{{"{EXAMPLE_TOKEN_VALUE}": tru}}"#),
        format!(r#"{{"{API_TOKEN}": [1,}}"#),
    ] {
        let error = get_with(Reply::json(200, &body)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{body}");
        assert_error_has_no_secret(&error);
    }
}

/// A proxy that echoes the request headers in its error page: the Basic credentials are the
/// API token in base64.
#[tokio::test]
async fn an_echoed_authorization_header_is_scrubbed() {
    let echo = format!("400 Bad Request\nAuthorization: {AUTHORIZATION}\n");
    let error = get_with(Reply::Respond {
        status: 400,
        headers: vec![("content-type", "text/plain".to_owned())],
        body: echo.into_bytes(),
    })
    .await
    .unwrap_err();

    assert_eq!(status_of(&error), Some(400));
    assert_error_has_no_secret(&error);
}

/// An error body that is JSON but not an `ErrorBody` is quoted; a JSON encoder that escapes
/// non-ASCII (Python's default) writes the API token as `PT:s\u00ebcret-\u00fc`, which is
/// scrubbed too.
#[tokio::test]
async fn a_json_escaped_api_token_in_an_error_body_is_scrubbed() {
    let error = get_with(Reply::json(
        400,
        r#"{"errors":"bad credentials PT:s\u00ebcret-\u00fc"}"#,
    ))
    .await
    .unwrap_err();

    assert_eq!(status_of(&error), Some(400));
    assert_error_has_no_secret(&error);
}

/// A redirect whose `Location` carries the API token percent-encoded: scrubbed as well.
#[tokio::test]
async fn a_percent_encoded_api_token_in_a_location_is_scrubbed() {
    let error = get_with(Reply::Respond {
        status: 302,
        headers: vec![(
            "location",
            "http://127.0.0.1:9/login?auth=PT%3As%C3%ABcret-%C3%BC".to_owned(),
        )],
        body: Vec::new(),
    })
    .await
    .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert_error_has_no_secret(&error);
}

#[tokio::test]
async fn echoed_secrets_in_plain_forms_are_scrubbed() {
    let body = format!(
        r#"{{"errors":[{{"code":"{API_TOKEN}","message":"{EXAMPLE_TOKEN_VALUE}","attribute":"{API_TOKEN}"}}]}}"#
    );
    for status in [400, 500, 503] {
        let error = get_with(Reply::json(status, &body)).await.unwrap_err();
        assert_eq!(status_of(&error), Some(status));
        assert_error_has_no_secret(&error);
    }
    let error = get_with(Reply::Respond {
        status: 302,
        headers: vec![(
            "location",
            format!("http://127.0.0.1:9/?t={EXAMPLE_TOKEN_VALUE}&a={API_TOKEN}"),
        )],
        body: Vec::new(),
    })
    .await
    .unwrap_err();
    assert_error_has_no_secret(&error);
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_cursor_cycle_a_b_a_ends_the_stream() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, &page(Some("/x?page_token=A"), &[1])),
        Reply::json(200, &page(Some("/x?page_token=B"), &[2])),
        Reply::json(200, &page(Some("/x?page_token=A&utm=1"), &[3])),
        Reply::json(200, &page(None, &[4])),
    ])
    .await;
    let client = client_with(&server.base_url, RetryPolicy::never());

    let items: Vec<_> = client.conference_tokens(&conference_id()).collect().await;

    assert_eq!(items.len(), 4);
    let error = items[3].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Paging);
    assert_eq!(
        error.to_string(),
        "list_conference_tokens: the service sent the same links.next cursor twice (after 3 \
         pages); stopping instead of looping"
    );
    assert_eq!(server.requests().len(), 3);
}

/// The stream's page size overrides the cursor's, so cursors that differ only in `page_size`
/// make the very same request: that is a repeat, noticed before the page is asked for again.
#[tokio::test]
async fn cursors_that_differ_only_in_an_overridden_page_size_are_a_repeat() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, &page(Some("/x?page_token=A&page_size=10"), &[1])),
        Reply::json(200, &page(Some("/x?page_token=A&page_size=20"), &[2])),
        Reply::json(200, &page(None, &[2])),
    ])
    .await;
    let client = client_with(&server.base_url, RetryPolicy::never());

    let items: Vec<_> = client
        .conference_tokens(&conference_id())
        .page_size(5)
        .collect()
        .await;

    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|request| request.request_line.clone())
        .collect();
    assert_eq!(
        lines,
        [
            format!("GET {LIST_PATH}?page_size=5 HTTP/1.1"),
            format!("GET {LIST_PATH}?page_size=5&page_token=A HTTP/1.1"),
        ],
        "the same request was sent twice"
    );
    assert_eq!(items.len(), 3);
    assert_eq!(items[2].as_ref().unwrap_err().kind(), ErrorKind::Paging);
}

/// `page_number` is an int32 with minimum 0 in the document: a `u32` above `i32::MAX` is
/// refused before sending, not wrapped into a negative number.
#[tokio::test]
async fn a_page_number_above_i32_max_is_refused_not_wrapped() {
    let server = ScriptedServer::start(vec![Reply::json(200, &page(None, &[1]))]).await;
    let client = client_with(&server.base_url, RetryPolicy::never());

    let result = client
        .list_conference_tokens(&conference_id())
        .page_number(u32::MAX)
        .page_token("A")
        .await;

    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|request| request.request_line.clone())
        .collect();
    assert_eq!(lines, Vec::<String>::new(), "sent: {lines:?}");
    let error = result.map(|_| ()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        error.to_string(),
        "list_conference_tokens: invalid argument `page_number`: is above 2147483647, the largest \
         the API takes"
    );
}

/// A `links.next` the client cannot follow is the service's doing: the listing hands out the
/// page's own tokens, then ends with a paging error that says what is wrong, without asking
/// for another page.
#[tokio::test]
async fn links_that_cannot_be_followed_end_the_listing_after_their_page() {
    let cases = [
        (
            // Held as text, a cursor that is not UTF-8 could not be sent back unchanged.
            "/x?page_token=%FF%01",
            "links.next has a `page_token` that is not text once decoded, so it cannot be sent \
             back unchanged",
        ),
        (
            // The document's page_number is an int32; it must not wrap to a negative number.
            "/x?page_token=A&page_number=3000000000",
            "links.next has `page_number=3000000000`, not a number from 0 to 2147483647",
        ),
        (
            "/x?page_number=1",
            "links.next `/x?page_number=1` has a page_number above 0 but no page_token",
        ),
        (
            "/x?page_token=A&page_size=5000",
            "links.next has `page_size=5000`, not a number from 1 to 1000",
        ),
    ];
    for (link, problem) in cases {
        let server = ScriptedServer::start(vec![
            Reply::json(200, &page(Some(link), &[1])),
            Reply::json(200, &page(None, &[2])),
        ])
        .await;
        let client = client_with(&server.base_url, RetryPolicy::never());

        let items: Vec<_> = client.conference_tokens(&conference_id()).collect().await;

        assert_eq!(server.requests().len(), 1, "{link}");
        assert_eq!(items.len(), 2, "{link}");
        assert_eq!(
            items[0].as_ref().unwrap().token.expose_secret(),
            format!("vpt_{:032}", 1)
        );
        let error = items[1].as_ref().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Paging, "{link}");
        assert_eq!(
            error.to_string(),
            format!("list_conference_tokens: {problem}")
        );
    }
}

#[tokio::test]
async fn a_retried_page_counts_once_and_keeps_the_stream_going() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, &page(Some("/x?page_token=A"), &[1])),
        Reply::json(503, r#"{"error":"x"}"#),
        Reply::json(200, &page(None, &[2])),
    ])
    .await;
    let client = client_with(&server.base_url, quick());

    let mut stream = client.conference_tokens(&conference_id());
    let mut tokens = Vec::new();
    while let Some(token) = stream.try_next().await.unwrap() {
        tokens.push(token.token.expose_secret().to_owned());
    }

    assert_eq!(tokens, [format!("vpt_{:032}", 1), format!("vpt_{:032}", 2)]);
    assert_eq!(stream.pages_fetched(), 2);
    assert_eq!(server.requests().len(), 3);
}
