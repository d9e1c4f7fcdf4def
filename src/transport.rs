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
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER,
};
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
    static EXCHANGE: RefCell<Exchange>;
}

/// Runs one call of the generated client and returns its result with what the transport saw.
pub(crate) async fn observe<F: Future>(call: F) -> (F::Output, Exchange) {
    EXCHANGE
        .scope(RefCell::new(Exchange::default()), async {
            let output = call.await;
            let exchange = EXCHANGE.with(|exchange| exchange.take());
            (output, exchange)
        })
        .await
}

/// Records into the current call's [`Exchange`], if the call is being observed.
fn record(update: impl FnOnce(&mut Exchange)) {
    let _ = EXCHANGE.try_with(|exchange| update(&mut exchange.borrow_mut()));
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
    async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
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

        let span = tracing::info_span!(
            "signalwire_request",
            operation,
            method = %request.method(),
            path = %path_template(request.url().path()),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.send_with_retries(http, request, idempotent)
            .instrument(span)
            .await
    }

    async fn send_with_retries(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        idempotent: bool,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let deadline = started + self.retry.deadline;
        let mut attempt = 0;
        loop {
            attempt += 1;

            // Every attempt gets the request timeout, or what is left of the deadline.
            let remaining = deadline.saturating_duration_since(Instant::now());
            let limit = if remaining < self.timeout {
                TimeLimit::Deadline(self.retry.deadline)
            } else {
                TimeLimit::Request(self.timeout)
            };
            let mut this_try = request
                .try_clone()
                .expect("bodiless requests can be cloned");
            *this_try.timeout_mut() = Some(self.timeout.min(remaining));
            record(|exchange| {
                exchange.attempts = attempt;
                exchange.time_limit = Some(limit);
            });
            tracing::Span::current().record("attempts", attempt);

            let sent = Instant::now();
            let outcome = http.execute(this_try).await;
            let elapsed_ms = sent.elapsed().as_millis() as u64;
            let may_retry = attempt <= self.retry.max_retries;

            match outcome {
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| retry::parse_retry_after(value, SystemTime::now()));
                    tracing::Span::current().record("status", status.as_u16());
                    tracing::debug!(attempt, status = status.as_u16(), elapsed_ms, "response");

                    if may_retry
                        && self.retry.retries_status(status, idempotent)
                        && let Some(wait) = self.wait_before_retry(attempt, retry_after, deadline)
                    {
                        tracing::info!(
                            attempt,
                            status = status.as_u16(),
                            wait_ms = wait.as_millis() as u64,
                            "retrying after a transient status"
                        );
                        drop(response);
                        tokio::time::sleep(wait).await;
                        continue;
                    }

                    record(|exchange| {
                        exchange.status = Some(status);
                        exchange.content_type = response.headers().get(CONTENT_TYPE).cloned();
                        exchange.location = response.headers().get(LOCATION).cloned();
                        exchange.retry_after = retry_after;
                    });
                    return self.buffer(response).await;
                }
                Err(error) => {
                    tracing::debug!(attempt, elapsed_ms, error = %error, "no response");
                    if may_retry
                        && self.retry.retries_failure(&error, idempotent)
                        && let Some(wait) = self.wait_before_retry(attempt, None, deadline)
                    {
                        tracing::info!(
                            attempt,
                            wait_ms = wait.as_millis() as u64,
                            "retrying after a failed connection"
                        );
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(error);
                }
            }
        }
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
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());

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

/// The request path with every id replaced by `{id}`, for logs that must not identify tokens.
fn path_template(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if uuid::Uuid::try_parse(segment).is_ok() {
                "{id}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl ClientHooks<Transport> for generated::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner()
            .execute(self.client(), request, info.operation_id)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_hide_ids() {
        assert_eq!(
            path_template(
                "/api/video/conference_tokens/c22d24f6-5a47-4597-9a23-c7d01e696b92/reset"
            ),
            "/api/video/conference_tokens/{id}/reset"
        );
        assert_eq!(
            path_template("/proxy/api/video/conferences"),
            "/proxy/api/video/conferences"
        );
    }
}
