//! Sends the requests that the generated client builds: authentication, the wire headers, and
//! a bounded read of every response body.
//!
//! progenitor calls [`ClientHooks::exec`] once per operation with a finished
//! `reqwest::Request`. The implementation here adds the `Authorization` header, drops the
//! `api-version` header that progenitor adds to every request (SignalWire does not document
//! it, so the client sends only what the API promises to understand), and reads the body up to
//! a limit before handing the response back.
//!
//! What the transport saw (status, content type, the body, the number of attempts) is written
//! into an [`Exchange`] that lives in a task-local slot for the duration of one call. The
//! generated client's errors lose some of those facts, such as the status of a body that
//! failed to parse; [`crate::Error`] takes them back from the `Exchange`.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};

use crate::auth::Credentials;
use crate::generated;

/// The header progenitor adds to every request, set to the document's `info.version`.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Facts about one call's HTTP exchange that the generated client does not pass on.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    /// Requests sent so far.
    pub(crate) attempts: u32,
    /// The status of the last response.
    pub(crate) status: Option<reqwest::StatusCode>,
    /// The `Content-Type` of the last response.
    pub(crate) content_type: Option<String>,
    /// The `Location` of the last response.
    pub(crate) location: Option<String>,
    /// The body of the last response, as far as it was read.
    pub(crate) body: Option<Bytes>,
    /// Set to the limit when the last body was larger than the limit.
    pub(crate) body_too_large: Option<usize>,
    /// The timeout that applied, for the error message.
    pub(crate) timeout: Option<Duration>,
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
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("credentials", &self.credentials)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Transport {
    async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let is_bodiless_post =
            request.method() == reqwest::Method::POST && request.body().is_none();
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        headers.insert(AUTHORIZATION, self.credentials.authorization().clone());
        if is_bodiless_post {
            // Reset has no body. Without one, hyper sends no `Content-Length` at all, and some
            // proxies answer a POST like that with 411 Length Required.
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }

        record(|exchange| {
            exchange.attempts += 1;
            exchange.timeout = Some(self.timeout);
        });
        let response = http.execute(request).await?;

        record(|exchange| {
            exchange.status = Some(response.status());
            exchange.content_type = header_text(&response, CONTENT_TYPE);
            exchange.location = header_text(&response, LOCATION);
        });
        self.buffer(response).await
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
            while let Some(chunk) = response.chunk().await? {
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

fn header_text(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    let value = response.headers().get(name)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

impl ClientHooks<Transport> for generated::Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().execute(self.client(), request).await
    }
}
