//! Sends the requests that the generated client builds: authentication, the wire headers,
//! retries, deadlines, and a bounded read of every response body.
//!
//! progenitor calls [`ClientHooks::exec`] once per operation with a finished
//! `reqwest::Request`. The implementation here adds the `Authorization` header, sends the
//! request again where [`RetryPolicy`] allows, and reads the body up to a limit before handing the response
//! back.
//!
//! What the transport saw (status, content type, the body, the number of attempts) is written
//! into an [`Exchange`] that lives in a task-local slot for the duration of one call. The
//! generated client's errors lose some of those facts, such as the status of a body that
//! failed to parse; [`crate::Error`] takes them back from the `Exchange`.
//!
//! Each call runs in a `tracing` span named `signalwire_request` with the operation id, the
//! method and the path with ids replaced by `{id}`; attempts, statuses and retries are events
//! at debug level (retries at info). Headers and bodies are never logged: they hold secrets.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::future::Either;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER,
};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::Credentials;
use crate::generated;
use crate::retry::{self, RetryPolicy};

/// Facts about one call's HTTP exchange that the generated client does not pass on.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    /// Requests sent so far.
    pub(crate) attempts: u32,
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
}

impl Exchange {
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
}

tokio::task_local! {
    // Boxed: the scope moves its value in and out of the thread-local slot on every poll, and
    // a pointer moves for less than the record itself.
    static EXCHANGE: RefCell<Option<Box<Exchange>>>;
}

/// Runs one call of the generated client and returns its result with what the transport saw.
pub(crate) async fn observe<F: Future>(call: F) -> (F::Output, Box<Exchange>) {
    EXCHANGE
        .scope(RefCell::new(Some(Box::default())), async {
            let output = call.await;
            let exchange = EXCHANGE.with(RefCell::take).unwrap_or_default();
            (output, exchange)
        })
        .await
}

/// Records into the current call's [`Exchange`], if the call is being observed.
fn record(update: impl FnOnce(&mut Exchange)) {
    let _ = EXCHANGE.try_with(|exchange| {
        if let Some(exchange) = exchange.borrow_mut().as_deref_mut() {
            update(exchange);
        }
    });
}

/// The client's transport settings; the generated client holds one as its inner value.
#[derive(Clone)]
pub struct Transport {
    pub(crate) credentials: Credentials,
    pub(crate) max_response_bytes: usize,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
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
    /// Authenticates `request` and returns the future that sends it, with retries, inside a
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

        // Without a subscriber there is nobody to collect the span, and building even a
        // disabled one costs a little (more with tracing's `log` feature).
        let span = if tracing::dispatcher::has_been_set() {
            tracing::info_span!(
                "signalwire_request",
                operation,
                method = %request.method(),
                path = %crate::url_path::PathTemplate(request.url().path()),
                attempts = tracing::field::Empty,
                status = tracing::field::Empty,
            )
        } else {
            tracing::Span::none()
        };
        if span.is_disabled() {
            // Entering and leaving a span nobody collects, on every poll, would cost more than
            // the rest of this layer.
            Either::Left(self.send_with_retries(http, request, idempotent, span))
        } else {
            Either::Right(
                self.send_with_retries(http, request, idempotent, span.clone())
                    .instrument(span),
            )
        }
    }

    async fn send_with_retries(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        idempotent: bool,
        span: tracing::Span,
    ) -> reqwest::Result<reqwest::Response> {
        let deadline = Instant::now() + self.retry.deadline;
        let mut attempt = 0;
        let (outcome, limit) = loop {
            attempt += 1;

            // Every attempt gets the request timeout, or what is left of the deadline.
            let remaining = deadline.saturating_duration_since(Instant::now());
            let mut this_try = copy_for_attempt(&request);
            let limit = if remaining < self.timeout {
                // The HTTP client applies the request timeout by itself; only a shorter limit
                // needs one of its own, which reqwest keeps in a map it allocates.
                *this_try.timeout_mut() = Some(remaining);
                TimeLimit::Deadline(self.retry.deadline)
            } else {
                TimeLimit::Request(self.timeout)
            };
            if !span.is_disabled() {
                span.record("attempts", attempt);
            }

            let sent = Instant::now();
            let outcome = http.execute(this_try).await;
            let elapsed_ms = sent.elapsed().as_millis() as u64;
            let may_retry = attempt <= self.retry.max_retries;

            let wait = match &outcome {
                Ok(response) => {
                    let status = response.status();
                    if !span.is_disabled() {
                        span.record("status", status.as_u16());
                    }
                    tracing::debug!(attempt, status = status.as_u16(), elapsed_ms, "response");
                    (may_retry && self.retry.retries_status(status, idempotent))
                        .then(|| self.wait_before_retry(attempt, retry_after(response), deadline))
                        .flatten()
                }
                Err(error) => {
                    tracing::debug!(attempt, elapsed_ms, error = %error, "no response");
                    (may_retry && self.retry.retries_failure(error, idempotent))
                        .then(|| self.wait_before_retry(attempt, None, deadline))
                        .flatten()
                }
            };
            let Some(wait) = wait else {
                break (outcome, limit);
            };

            let wait_ms = wait.as_millis() as u64;
            match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    tracing::info!(
                        attempt,
                        status,
                        wait_ms,
                        "retrying after a transient status"
                    );
                }
                Err(_) => tracing::info!(attempt, wait_ms, "retrying after a failed connection"),
            }
            tokio::time::sleep(wait).await;
        };

        let response = outcome.inspect_err(|_| {
            record(|exchange| {
                exchange.attempts = attempt;
                exchange.time_limit = Some(limit);
            });
        })?;
        let status = response.status();
        // A 200 is the common answer and needs none of these headers: the generated decoder
        // hands its body over, and `decode_json` records what a failure needs.
        let headers = (status != reqwest::StatusCode::OK).then(|| response.headers());
        record(|exchange| {
            exchange.attempts = attempt;
            exchange.time_limit = Some(limit);
            exchange.status = Some(status);
            if let Some(headers) = headers {
                exchange.content_type = headers.get(CONTENT_TYPE).cloned();
                exchange.location = headers.get(LOCATION).cloned();
                exchange.retry_after = retry_after(&response);
            }
        });
        self.buffer(response).await
    }

    /// The wait before the next try, or `None` when the service asked for longer than the
    /// policy allows or the wait would end past the deadline.
    fn wait_before_retry(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        deadline: Instant,
    ) -> Option<Duration> {
        let backoff = retry::with_jitter(self.retry.backoff(attempt));
        let wait = match retry_after {
            Some(asked) if asked > self.retry.max_retry_after => return None,
            Some(asked) => asked.max(backoff),
            None => backoff,
        };
        (Instant::now() + wait < deadline).then_some(wait)
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
        } else {
            body.reserve(declared.unwrap_or(0) as usize);
            loop {
                let chunk = match response.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    Err(error) => {
                        record(|exchange| exchange.body_incomplete = true);
                        return Err(error);
                    }
                };
                if body.len() + chunk.len() > limit {
                    record(|exchange| exchange.body_too_large = Some(limit));
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
/// from an array of its fields, which no real response is, so anything else is refused here,
/// before serde sees it.
pub(crate) async fn decode_json<T, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>>
where
    T: DeserializeOwned,
{
    use progenitor_client::Error as Generated;

    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response
        .bytes()
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

/// Decodes a JSON object, refusing every other JSON value before serde sees it.
pub(crate) fn parse_object<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    if body.trim_ascii_start().first() == Some(&b'{') {
        serde_json::from_slice(body)
    } else {
        Err(serde::de::Error::custom("the body is not a JSON object"))
    }
}

/// The wait a response's `Retry-After` header asks for.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, SystemTime::now())
}

/// A copy of `request` to send once, keeping the original for a retry.
///
/// The generated client sends no bodies, so method, URL, headers and version are the whole
/// request. `Request::try_clone` would copy reqwest's per-request settings as well, which
/// allocates a map for them even when there are none.
fn copy_for_attempt(request: &reqwest::Request) -> reqwest::Request {
    if request.body().is_some() {
        return request
            .try_clone()
            .expect("the generated client sends no streaming bodies");
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    copy
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
