//! Sends the requests that the generated client builds: authentication, the wire headers,
//! when to retry, deadlines, and a bounded read of every response body.
//!
//! progenitor calls [`ClientHooks::exec`] once per operation with a finished
//! `reqwest::Request`. The implementation here adds the `Authorization` header, sends the
//! request once, reads the body up to a limit, and only then decides whether [`RetryPolicy`]
//! allows another try and after what wait, before handing the response back.
//!
//! A retry sends the operation again from the start: [`crate::Client`] calls the generated
//! method once more after the wait. The request is rebuilt only when it is needed, instead of
//! being copied for every call in case it is.
//!
//! What the transport saw (status, content type, the body, the number of attempts, the wait
//! before the next one) is written into an [`Exchange`] that lives in a task-local slot for
//! one attempt; [`crate::Client`] hands it on to the next attempt of the call. The generated
//! client's errors lose some of those facts, such as the status of a body that failed to
//! parse; [`crate::Error`] takes them back from the `Exchange`.
//!
//! Each call runs in a `tracing` span named `signalwire_request` with the operation id, the
//! method and the path with ids replaced by `{id}`; attempts, statuses and retries are events
//! at debug level (retries at info). Headers and bodies are never logged: they hold secrets.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::FutureExt as _;
use futures_util::future::Either;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER,
};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::Credentials;
use crate::connections::{ConnectionBudget, ConnectionUse, keeps_connection};
use crate::generated;
use crate::retry::{self, RetryPolicy};

/// Facts about one call's HTTP exchanges that the generated client does not pass on, and what
/// the call's attempts share.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    /// Requests sent so far.
    pub(crate) attempts: u32,
    /// When the call has to be over, retries and waits included; set by the first attempt.
    pub(crate) deadline: Option<Instant>,
    /// The span that every attempt of the call runs in, made by the first attempt.
    pub(crate) span: Option<tracing::Span>,
    /// The wait before the next attempt, when the last one deserves another.
    pub(crate) retry_in: Option<Duration>,
    /// The status of the last response.
    pub(crate) status: Option<reqwest::StatusCode>,
    /// The `Content-Type` of the last response (a cheap reference-counted copy; it is read
    /// only when a call fails).
    pub(crate) content_type: Option<HeaderValue>,
    /// The `Location` of the last response.
    pub(crate) location: Option<HeaderValue>,
    /// The wait the last response's `Retry-After` asked for.
    pub(crate) retry_after: Option<Duration>,
    /// The body of the last response, as far as it was read.
    pub(crate) body: Option<Bytes>,
    /// Set to the limit when the last body was larger than the limit.
    pub(crate) body_too_large: Option<usize>,
    /// Set when the connection failed while the last body was being read.
    pub(crate) body_incomplete: bool,
    /// What limited the time of the last attempt, for a timeout's message.
    pub(crate) time_limit: Option<TimeLimit>,
    /// The connection of the last attempt, for the count of connections: dropped with the
    /// attempt, it uncounts a connection the attempt lost.
    pub(crate) connection: Option<ConnectionUse>,
}

impl Exchange {
    /// Whether a wait from now still ends before the call's deadline.
    pub(crate) fn leaves_time_for(&self, wait: Duration) -> bool {
        self.deadline
            .is_none_or(|deadline| retry::later(Instant::now(), wait) < deadline)
    }

    /// Counts a new attempt and forgets what the previous one received.
    fn start_attempt(&mut self) {
        *self = Exchange {
            attempts: self.attempts + 1,
            deadline: self.deadline,
            span: self.span.take(),
            ..Exchange::default()
        };
    }

    /// The last response's `Content-Type`, as text.
    pub(crate) fn content_type(&self) -> Option<String> {
        header_text(self.content_type.as_ref())
    }

    /// The last response's `Location`, as text.
    pub(crate) fn location(&self) -> Option<String> {
        header_text(self.location.as_ref())
    }
}

fn header_text(value: Option<&HeaderValue>) -> Option<String> {
    Some(String::from_utf8_lossy(value?.as_bytes()).into_owned())
}

/// The limit that cut an attempt short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeLimit {
    /// The client's per-request timeout.
    Request(Duration),
    /// What was left of the call's deadline, which was shorter than the request timeout.
    Deadline(Duration),
    /// The client's connect timeout: no connection could be made in time.
    Connect(Duration),
}

tokio::task_local! {
    // Boxed: the scope moves its value in and out of the thread-local slot on every poll, and
    // a pointer moves for less than the record itself.
    static EXCHANGE: RefCell<Option<Box<Exchange>>>;
}

/// Runs one attempt of a call of the generated client with the call's `exchange`, and
/// returns the attempt's result with the exchange as the transport left it.
///
/// A combinator rather than an `async` block, which would hold `attempt` twice (as captured
/// and as awaited): the generated future is the largest part of every call's state.
pub(crate) fn observe<F: Future>(
    attempt: F,
    exchange: Box<Exchange>,
) -> impl Future<Output = (F::Output, Box<Exchange>)> {
    let attempt = attempt.map(|output| {
        let exchange = EXCHANGE.with(RefCell::take).unwrap_or_default();
        (output, exchange)
    });
    EXCHANGE.scope(RefCell::new(Some(exchange)), attempt)
}

/// Whether the code running now is part of a call of [`crate::Client`]: a future polled by
/// [`observe`], on the caller's task.
pub(crate) fn in_call() -> bool {
    EXCHANGE.try_with(|_| ()).is_ok()
}

/// Updates the current call's [`Exchange`]; `None` when the call is not being observed (the
/// generated client used on its own).
fn with_exchange<R>(update: impl FnOnce(&mut Exchange) -> R) -> Option<R> {
    EXCHANGE
        .try_with(|exchange| exchange.borrow_mut().as_deref_mut().map(update))
        .ok()
        .flatten()
}

/// Records into the current call's [`Exchange`], if the call is being observed.
fn record(update: impl FnOnce(&mut Exchange)) {
    with_exchange(update);
}

/// Updates what the current attempt does with its connection, if the call is being observed.
pub(crate) fn update_connection(update: impl FnOnce(&mut ConnectionUse)) {
    record(|exchange| {
        if let Some(connection) = exchange.connection.as_mut() {
            update(connection);
        }
    });
}

/// What one attempt needs to know of its call.
struct Attempt {
    /// 1 for the first request of the call.
    number: u32,
    /// When the call has to be over.
    deadline: Instant,
    /// Whether a failure may be answered with a retry (it may not outside `Client::call`).
    observed: bool,
    span: tracing::Span,
    started: Instant,
}

/// The client's transport settings; the generated client holds one as its inner value.
#[derive(Clone)]
pub struct Transport {
    pub(crate) credentials: Credentials,
    pub(crate) max_response_bytes: usize,
    /// The per-request timeout, which the HTTP client is built with as well: a request is given
    /// a timeout of its own only when the call's deadline leaves less.
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    /// The calls in flight and the connections opened for them.
    pub(crate) connections: Arc<ConnectionBudget>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("credentials", &self.credentials)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Transport {
    /// Authenticates `request` and returns the future that sends it once, inside the call's
    /// span. A plain `fn`, not an `async fn`, so that the sending future is not wrapped in one
    /// more state machine that would copy it on every move.
    fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + 'a {
        let idempotent = request.method() == reqwest::Method::GET;
        let is_bodiless_post =
            request.method() == reqwest::Method::POST && request.body().is_none();
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.credentials.authorization().clone());
        if is_bodiless_post {
            // Reset has no body. Without one, hyper sends no `Content-Length` at all, and some
            // proxies answer a POST like that with 411 Length Required.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }

        let started = Instant::now();
        let attempt = with_exchange(|exchange| {
            exchange.start_attempt();
            exchange.connection = Some(ConnectionUse::new(&self.connections));
            Attempt {
                number: exchange.attempts,
                deadline: *exchange
                    .deadline
                    .get_or_insert(retry::later(started, self.retry.deadline)),
                observed: true,
                span: (exchange.span)
                    .get_or_insert_with(|| request_span(&request, operation))
                    .clone(),
                started,
            }
        })
        .unwrap_or_else(|| Attempt {
            number: 1,
            deadline: retry::later(started, self.retry.deadline),
            observed: false,
            span: request_span(&request, operation),
            started,
        });

        // Every attempt gets the request timeout, or what is left of the deadline. The HTTP
        // client applies the request timeout by itself; only a shorter limit needs one of its
        // own, which reqwest keeps in a map it allocates.
        let remaining = attempt.deadline.saturating_duration_since(started);
        let limit = if remaining < self.timeout {
            *request.timeout_mut() = Some(remaining);
            TimeLimit::Deadline(self.retry.deadline)
        } else {
            TimeLimit::Request(self.timeout)
        };

        if attempt.span.is_disabled() {
            // Entering and leaving a span nobody collects, on every poll, would cost more than
            // the rest of this layer.
            Either::Left(self.send(http, request, attempt, idempotent, limit))
        } else {
            let span = attempt.span.clone();
            Either::Right(
                self.send(http, request, attempt, idempotent, limit)
                    .instrument(span),
            )
        }
    }

    /// Sends one attempt, records what came back and whether to try again, and reads the body.
    async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        attempt: Attempt,
        idempotent: bool,
        limit: TimeLimit,
    ) -> reqwest::Result<reqwest::Response> {
        let Attempt { number, span, .. } = &attempt;
        if !span.is_disabled() {
            span.record("attempts", number);
        }

        let outcome = http.execute(request).await;
        let may_retry = attempt.observed && attempt.number <= self.retry.max_retries;
        let elapsed_ms = || attempt.started.elapsed().as_millis() as u64;

        match outcome {
            Ok(response) => {
                let status = response.status();
                if !span.is_disabled() {
                    span.record("status", status.as_u16());
                }
                tracing::debug!(
                    attempt = number,
                    status = status.as_u16(),
                    elapsed_ms = elapsed_ms(),
                    "response"
                );
                // A 200 is the common answer and needs none of these headers: the generated
                // decoder hands its body over, and `decode_json` records what a failure needs.
                let headers = (status != reqwest::StatusCode::OK).then(|| response.headers());
                let asked = headers.and_then(|_| retry_after(&response));
                let keeps_connection = keeps_connection(&response);
                record(|exchange| {
                    exchange.time_limit = Some(limit);
                    exchange.status = Some(status);
                    if let Some(connection) = exchange.connection.as_mut() {
                        connection.answered(keeps_connection);
                    }
                    if let Some(headers) = headers {
                        exchange.content_type = headers.get(CONTENT_TYPE).cloned();
                        exchange.location = headers.get(LOCATION).cloned();
                        exchange.retry_after = asked;
                    }
                });
                let response = self.buffer(response).await;

                // Decided once the body is in: reading it takes time out of the deadline, and
                // a body that timed out has used up the time the caller gave.
                let timed_out = response.as_ref().is_err_and(reqwest::Error::is_timeout);
                let retry_in =
                    (may_retry && !timed_out && self.retry.retries_status(status, idempotent))
                        .then(|| self.wait_before_retry(&attempt, asked))
                        .flatten();
                if let Some(wait) = retry_in {
                    tracing::info!(
                        attempt = number,
                        status = status.as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying after a transient status"
                    );
                    record(|exchange| exchange.retry_in = Some(wait));
                }
                response
            }
            Err(error) => {
                tracing::debug!(
                    attempt = number,
                    elapsed_ms = elapsed_ms(),
                    error = %crate::url_path::ErrorWithoutIds(&error),
                    "no response"
                );
                let retry_in = (may_retry && self.retry.retries_failure(&error, idempotent))
                    .then(|| self.wait_before_retry(&attempt, None))
                    .flatten();
                if let Some(wait) = retry_in {
                    tracing::info!(
                        attempt = number,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after a failed connection"
                    );
                }
                // A connect that timed out was cut short by the connect timeout, whatever time
                // the request had left.
                let limit = if error.is_connect() && error.is_timeout() {
                    TimeLimit::Connect(self.connections.connect_timeout())
                } else {
                    limit
                };
                record(|exchange| {
                    exchange.time_limit = Some(limit);
                    exchange.retry_in = retry_in;
                    if let Some(connection) = exchange.connection.as_mut() {
                        connection.failed(error.is_connect());
                    }
                });
                Err(error)
            }
        }
    }

    /// The wait before the next try, or `None` when the service asked for longer than the
    /// policy allows or the wait would end past the deadline.
    fn wait_before_retry(
        &self,
        attempt: &Attempt,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let backoff = retry::with_jitter(self.retry.backoff(attempt.number));
        let wait = match retry_after {
            Some(asked) if asked > self.retry.max_retry_after => return None,
            Some(asked) => asked.max(backoff),
            None => backoff,
        };
        (retry::later(Instant::now(), wait) < attempt.deadline).then_some(wait)
    }

    /// Reads the whole body, up to `max_response_bytes`, and returns a response that holds it;
    /// a 200 with a `Content-Length` within the limit is returned as it is.
    ///
    /// A larger body is abandoned with an empty one in its place and the excess noted in the
    /// [`Exchange`], so that a hostile or broken server cannot make the client hold an
    /// unbounded amount of memory.
    async fn buffer(&self, mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
        let limit = self.max_response_bytes;
        // hyper reports a `Content-Length` it has checked as the body's exact size.
        let declared = response.content_length();

        // A 200 that declares a length within the limit is handed on unread: hyper never reads
        // past `Content-Length`, so the bound already holds, and copying the body into a new
        // response (whose conversion also parses a placeholder URL) cost more than anything
        // else this layer does per call. Every operation documents 200, so such a body always
        // reaches the generated decoder, which keeps the bytes when they fail to parse; the
        // `Exchange` needs the body only for error statuses and undocumented ones.
        if response.status() == reqwest::StatusCode::OK
            && declared.is_some_and(|length| length <= limit as u64)
        {
            return Ok(response);
        }

        let mut body = BytesMut::new();
        if declared.is_some_and(|length| length > limit as u64) {
            record(|exchange| exchange.body_too_large = Some(limit));
            update_connection(ConnectionUse::body_left_unread);
        } else {
            // The declared length is the server's word: reserve no more than a little of it.
            const FIRST_RESERVE: u64 = 64 * 1024;
            body.reserve(declared.unwrap_or(0).min(FIRST_RESERVE) as usize);
            loop {
                let chunk = match response.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => {
                        body_read_to_end();
                        break;
                    }
                    Err(error) => {
                        record(|exchange| exchange.body_incomplete = true);
                        return Err(error);
                    }
                };
                if body.len() + chunk.len() > limit {
                    record(|exchange| exchange.body_too_large = Some(limit));
                    update_connection(ConnectionUse::body_left_unread);
                    body.clear();
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }

        let body = body.freeze();
        record(|exchange| exchange.body = Some(body.clone()));

        let (parts, _) = http::Response::from(response).into_parts();
        Ok(reqwest::Response::from(http::Response::from_parts(
            parts, body,
        )))
    }
}

/// Reads a JSON response body for the generated client: build.rs puts this in place of
/// progenitor's `ResponseValue::from_response`, which copies every response header first.
///
/// Every body the API document describes is a JSON object. serde would also build a struct
/// from an array of its fields, which no real response is, so a body that is anything else at
/// its top level is refused here, before serde sees it (see [`parse_object`]).
pub(crate) async fn decode_json<T, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>>
where
    T: DeserializeOwned,
{
    use progenitor_client::Error as Generated;

    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = read_all(response)
        .await
        .map_err(Generated::ResponseBodyError)?;

    match parse_object(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(error) => {
            record(|exchange| {
                exchange.content_type = headers.get(CONTENT_TYPE).cloned();
                exchange.body = Some(body.clone());
            });
            Err(Generated::InvalidResponsePayload(body, error))
        }
    }
}

/// The whole body. `Response::bytes` does the same with a future almost three times the size,
/// which every call's state would carry.
async fn read_all(mut response: reqwest::Response) -> reqwest::Result<Bytes> {
    let Some(first) = response.chunk().await? else {
        body_read_to_end();
        return Ok(Bytes::new());
    };
    let Some(second) = response.chunk().await? else {
        body_read_to_end();
        return Ok(first);
    };
    let mut body = BytesMut::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    body_read_to_end();
    Ok(body.freeze())
}

/// Notes that the last response's body was read to its end, which hands a connection that the
/// server keeps back to the pool.
fn body_read_to_end() {
    update_connection(ConnectionUse::body_read_to_end);
}

/// Decodes a JSON object, refusing every other JSON value before serde sees it. A UTF-8 byte
/// order mark in front is skipped, as RFC 8259 allows a reader to.
///
/// Only the top level is checked: serde still builds a nested struct from an array of its
/// fields. Refusing that too would take a deserializer of our own around serde_json's.
pub(crate) fn parse_object<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    let body = without_bom(body);
    if body.trim_ascii_start().first() == Some(&b'{') {
        serde_json::from_slice(body)
    } else {
        Err(serde::de::Error::custom("the body is not a JSON object"))
    }
}

/// `body` without a leading UTF-8 byte order mark.
pub(crate) fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// The wait a response's `Retry-After` header asks for.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, SystemTime::now())
}

/// The span of a call: the operation, the method and the path without ids. Without a
/// subscriber there is nobody to collect it, and building even a disabled one costs a little
/// (more with tracing's `log` feature).
fn request_span(request: &reqwest::Request, operation: &'static str) -> tracing::Span {
    if !tracing::dispatcher::has_been_set() {
        return tracing::Span::none();
    }
    tracing::info_span!(
        "signalwire_request",
        operation,
        method = %request.method(),
        path = %crate::url_path::PathTemplate(request.url().path()),
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
    )
}

impl ClientHooks<Transport> for generated::Client {
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        self.inner()
            .execute(self.client(), request, info.operation_id)
    }
}
