//! The crate's one error type, built to tell the user what to fix.
//!
//! Every failure, from a mistyped space name to an HTML page from a proxy, becomes an
//! [`Error`] whose message names the operation, the HTTP status where there was one, what the
//! server said, and a hint where one helps. The message never contains the API token or a
//! conference token value: bodies are quoted only from error responses, and even then every
//! occurrence of the API token is replaced before the text is kept.
//!
//! The generated client reports failures as `progenitor_client::Error`, which loses the HTTP
//! status of a body it cannot parse. [`Error::from_generated`] puts the pieces back together
//! from what the transport saw (see [`crate::transport::Exchange`]).

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::generated::types::ErrorBody;
use crate::transport::{Exchange, TimeLimit, parse_object, without_bom};

/// How many server messages [`Error`]'s `Display` shows before summarising the rest.
const SHOWN_MESSAGES: usize = 5;

/// How many characters of a body an error quotes.
const SNIPPET_CHARS: usize = 200;

/// What kind of failure an [`Error`] is. More kinds may be added; match with a wildcard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A setting of the client (builder or environment) is missing or malformed. Nothing was
    /// sent.
    Config,
    /// An argument to an operation is out of range, such as a page size of 0. Nothing was
    /// sent.
    InvalidArgument,
    /// The service answered with an error status (4xx or 5xx).
    Api,
    /// The service answered with a redirect, which the client does not follow so that the
    /// credentials never reach another host.
    Redirect,
    /// No response arrived: the connection could not be made or broke off.
    Transport,
    /// The request or the whole call took longer than the configured time.
    Timeout,
    /// The service answered with a success status, but the body is not what the API document
    /// describes.
    Decode,
    /// The response body exceeded the configured size limit and was not read further.
    BodyTooLarge,
    /// Paging could not continue, such as when the service repeats a cursor it already sent.
    Paging,
}

/// One message from the service's error body.
///
/// The service has used three body shapes: a list under `errors`, the reason phrase alone
/// under `error`, and one flat item. Each item of the first, the phrase of the second and the
/// item of the third become one `ServerMessage`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerMessage {
    /// The kind of error, such as `validation_error`.
    pub kind: Option<String>,
    /// A machine-readable error code, such as `invalid_parameter`.
    pub code: Option<String>,
    /// What went wrong, for a person.
    pub message: Option<String>,
    /// The parameter or field at fault.
    pub attribute: Option<String>,
    /// Where the error code is documented.
    pub url: Option<String>,
}

impl fmt::Display for ServerMessage {
    /// `code: message (attribute `name`)`, each part shortened to a few hundred characters so
    /// that a hostile body cannot make an error message arbitrarily long.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(code) = self.code.as_deref().or(self.kind.as_deref()) {
            write!(f, "{}", excerpt(code))?;
            wrote = true;
        }
        if let Some(message) = &self.message {
            if wrote {
                f.write_str(": ")?;
            }
            write!(f, "{}", excerpt(message))?;
            wrote = true;
        }
        if let Some(attribute) = &self.attribute {
            if wrote {
                f.write_str(" ")?;
            }
            write!(f, "(attribute `{}`)", excerpt(attribute))?;
        }
        Ok(())
    }
}

/// The first [`SNIPPET_CHARS`] characters of `text`, with `…` when there were more.
/// Text from outside (the server, a setting) as a message may quote it: cut to a few hundred
/// characters, with control characters and the ones that reorder text on screen (bidirectional
/// overrides) escaped, so that it can neither make a message arbitrarily long, nor break it
/// over lines, nor move a terminal's cursor.
pub(crate) fn excerpt(text: &str) -> String {
    let mut excerpt = String::with_capacity(text.len().min(SNIPPET_CHARS * 2));
    for (count, c) in text.chars().enumerate() {
        if count == SNIPPET_CHARS {
            excerpt.push('…');
            break;
        }
        let reorders = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || reorders {
            excerpt.extend(c.escape_default());
        } else {
            excerpt.push(c);
        }
    }
    excerpt
}

/// A failure of a client operation, or of building the client.
///
/// The `Display` output is one line meant for people: the operation, the status, every
/// server message (up to five), and a hint where the fix is known. The accessors give the
/// same facts to programs. The error's [`source`](StdError::source) is the underlying
/// transport error, where there is one.
///
/// ```
/// use signalwire_conference_tokens::{Client, ErrorKind};
///
/// let err = Client::builder()
///     .space("example.signalwire.com/api")
///     .project_id("c22d24f6-5a47-4597-9a23-c7d01e696b92")
///     .api_token("PT-example")
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Config);
/// assert!(err.to_string().starts_with("invalid configuration: space "));
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    attempts: u32,
    retry_after: Option<Duration>,
    detail: Detail,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

enum Detail {
    Config {
        setting: String,
        problem: String,
    },
    InvalidArgument {
        name: &'static str,
        problem: String,
    },
    Api {
        messages: Vec<ServerMessage>,
        body: Option<Snippet>,
    },
    Redirect {
        location: Option<String>,
    },
    Transport,
    Connect {
        host: Option<String>,
    },
    BodyBroken,
    Timeout {
        limit: Option<TimeLimit>,
    },
    Decode {
        problem: String,
    },
    BodyTooLarge {
        limit: usize,
    },
    Paging {
        problem: String,
    },
}

/// The start of a body that could not be read as the document describes, kept for the error
/// message.
struct Snippet {
    content_type: Option<String>,
    text: String,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status the service answered with, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The operation that failed, by its `operationId` (such as `get_conference_token`), or
    /// `None` when the client could not be built.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// Every message the service sent in its error body, in order. Empty when the body held
    /// none or was not JSON.
    pub fn server_messages(&self) -> &[ServerMessage] {
        match &self.inner.detail {
            Detail::Api { messages, .. } => messages,
            _ => &[],
        }
    }

    /// How many HTTP requests were sent for this call (0 when it failed before sending).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// How long the service asked the client to wait (its `Retry-After`), on a 429 or 503.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The `Location` the service redirected to, for [`ErrorKind::Redirect`].
    pub fn redirect_location(&self) -> Option<&str> {
        match &self.inner.detail {
            Detail::Redirect { location } => location.as_deref(),
            _ => None,
        }
    }

    /// For a configuration error, the setting at fault as the message names it: a builder
    /// method such as `base_url`, or an environment variable such as `SIGNALWIRE_SPACE`. A
    /// program that takes the value from its own flag can point its user there instead.
    ///
    /// ```
    /// use signalwire_conference_tokens::Client;
    ///
    /// let error = Client::builder()
    ///     .base_url("ftp://example.com")
    ///     .project_id("c22d24f6-5a47-4597-9a23-c7d01e696b92")
    ///     .api_token("PT-token")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.setting(), Some("base_url"));
    /// ```
    pub fn setting(&self) -> Option<&str> {
        match &self.inner.detail {
            Detail::Config { setting, .. } => Some(setting),
            _ => None,
        }
    }

    /// Whether the client's settings are wrong ([`ErrorKind::Config`]).
    pub fn is_config(&self) -> bool {
        self.kind() == ErrorKind::Config
    }

    /// Whether the service answered with an error status ([`ErrorKind::Api`]).
    pub fn is_api(&self) -> bool {
        self.kind() == ErrorKind::Api
    }

    /// Whether the service answered 404: no such token or conference in this project.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the service refused the credentials (401 or 403).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }

    /// Whether the call ran out of time ([`ErrorKind::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    fn new(kind: ErrorKind, detail: Detail) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation: None,
                status: None,
                attempts: 0,
                retry_after: None,
                detail,
                source: None,
            }),
        }
    }

    pub(crate) fn config(setting: impl Into<String>, problem: impl Into<String>) -> Self {
        let detail = Detail::Config {
            setting: setting.into(),
            problem: problem.into(),
        };
        Self::new(ErrorKind::Config, detail)
    }

    pub(crate) fn invalid_argument(
        operation: &'static str,
        name: &'static str,
        problem: impl Into<String>,
    ) -> Self {
        let detail = Detail::InvalidArgument {
            name,
            problem: problem.into(),
        };
        Self::new(ErrorKind::InvalidArgument, detail).in_operation(operation)
    }

    /// A paging failure; `problem` may quote a link the service sent, so token-shaped values
    /// in it are replaced (see also [`Error::scrub_secrets`]).
    pub(crate) fn paging(operation: &'static str, problem: impl Into<String>) -> Self {
        let problem = redact_token_values(&problem.into());
        Self::new(ErrorKind::Paging, Detail::Paging { problem }).in_operation(operation)
    }

    /// Replaces `secrets` in text that came from the service without passing through
    /// [`Error::from_generated`], such as a `links.next` quoted by a paging error.
    pub(crate) fn scrub_secrets(mut self, secrets: &[&str]) -> Self {
        if let Detail::Paging { problem } = &mut self.inner.detail {
            *problem = scrub(problem, secrets);
        }
        self
    }

    fn in_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    fn with_exchange(mut self, exchange: &Exchange) -> Self {
        if let Detail::Timeout { limit } = &mut self.inner.detail {
            *limit = exchange.time_limit;
        }
        self.inner.attempts = exchange.attempts;
        self.inner.retry_after = exchange.retry_after;
        self.inner.status = self.inner.status.or(exchange.status);
        self
    }

    /// Turns what the generated client returned into an error that explains itself.
    ///
    /// `T` is the success type of the operation: a body with a success status that failed to
    /// parse is parsed again as `T` to find the field at fault. `secrets` are replaced in any
    /// quoted body text.
    pub(crate) fn from_generated<T: DeserializeOwned>(
        operation: &'static str,
        error: progenitor_client::Error<ErrorBody>,
        exchange: &Exchange,
        secrets: &[&str],
    ) -> Self {
        use progenitor_client::Error as Generated;

        if let Some(limit) = exchange.body_too_large {
            return Self::new(ErrorKind::BodyTooLarge, Detail::BodyTooLarge { limit })
                .in_operation(operation)
                .with_exchange(exchange);
        }

        let error = match error {
            Generated::ErrorResponse(value) => {
                let status = value.status();
                let messages = server_messages(&value.into_inner(), secrets);
                let body = messages
                    .is_empty()
                    .then(|| Snippet::of(exchange, secrets))
                    .flatten();
                Self::api(status, messages, body)
            }
            Generated::InvalidResponsePayload(bytes, _) => match exchange.status {
                Some(status) if !status.is_success() => {
                    Self::api(status, Vec::new(), Snippet::of(exchange, secrets))
                }
                status => Self::decode(status, decode_problem::<T>(&bytes, exchange, secrets)),
            },
            Generated::UnexpectedResponse(response) => {
                Self::unexpected_status(response.status(), exchange, secrets)
            }
            Generated::CommunicationError(source) | Generated::InvalidUpgrade(source) => {
                Self::transport(source, exchange.body_incomplete)
            }
            Generated::ResponseBodyError(source) => Self::transport(source, true),
            Generated::InvalidRequest(problem) | Generated::Custom(problem) => Self::new(
                ErrorKind::InvalidArgument,
                Detail::InvalidArgument {
                    name: "request",
                    problem,
                },
            ),
        };
        error.in_operation(operation).with_exchange(exchange)
    }

    fn api(status: StatusCode, messages: Vec<ServerMessage>, body: Option<Snippet>) -> Self {
        let mut error = Self::new(ErrorKind::Api, Detail::Api { messages, body });
        error.inner.status = Some(status);
        error
    }

    fn decode(status: Option<StatusCode>, problem: String) -> Self {
        let mut error = Self::new(ErrorKind::Decode, Detail::Decode { problem });
        error.inner.status = status;
        error
    }

    /// A status the document does not list for the operation.
    fn unexpected_status(status: StatusCode, exchange: &Exchange, secrets: &[&str]) -> Self {
        if status.is_redirection() {
            let location = exchange
                .location()
                .map(|location| scrub(&location, secrets));
            let detail = Detail::Redirect { location };
            let mut error = Self::new(ErrorKind::Redirect, detail);
            error.inner.status = Some(status);
            return error;
        }
        if status.is_success() {
            let problem = match exchange.body.as_ref().is_none_or(|body| body.is_empty()) {
                true => "the body is empty, but the API document promises a JSON body with \
                         status 200"
                    .to_owned(),
                false => "the API document promises status 200 for this operation".to_owned(),
            };
            return Self::decode(Some(status), problem);
        }

        // An undocumented error status may still carry one of the documented error shapes.
        let parsed = exchange
            .body
            .as_ref()
            .and_then(|body| parse_object::<ErrorBody>(body).ok())
            .map(|body| server_messages(&body, secrets))
            .unwrap_or_default();
        let body = parsed
            .is_empty()
            .then(|| Snippet::of(exchange, secrets))
            .flatten();
        Self::api(status, parsed, body)
    }

    /// A failure without a complete response; `while_reading_body` when the status line had
    /// arrived and the body broke off.
    fn transport(source: reqwest::Error, while_reading_body: bool) -> Self {
        let mut error = if source.is_timeout() {
            // The limit that applied comes from the exchange, in `with_exchange`.
            Self::new(ErrorKind::Timeout, Detail::Timeout { limit: None })
        } else if source.is_connect() {
            let host = source.url().and_then(|url| {
                let host = url.host_str()?;
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            });
            Self::new(ErrorKind::Transport, Detail::Connect { host })
        } else if while_reading_body {
            Self::new(ErrorKind::Transport, Detail::BodyBroken)
        } else {
            Self::new(ErrorKind::Transport, Detail::Transport)
        };
        error.inner.status = source.status();
        error.inner.source = Some(Box::new(source.without_url()));
        error
    }
}

/// Every message in an error body, whichever of the three documented shapes it has, with
/// `secrets` scrubbed: a server (or a proxy) may echo what it was sent.
fn server_messages(body: &ErrorBody, secrets: &[&str]) -> Vec<ServerMessage> {
    let clean = |text: &Option<String>| text.as_deref().map(|text| scrub(text, secrets));
    let item = |kind, code, message, attribute, url| ServerMessage {
        kind: clean(kind),
        code: clean(code),
        message: clean(message),
        attribute: clean(attribute),
        url: clean(url),
    };

    let mut messages: Vec<ServerMessage> = body
        .errors
        .iter()
        .map(|e| item(&e.type_, &e.code, &e.message, &e.attribute, &e.url))
        // An item with nothing a message would show says nothing.
        .filter(|m| {
            m.code.is_some() || m.kind.is_some() || m.message.is_some() || m.attribute.is_some()
        })
        .collect();

    let flat = item(
        &body.type_,
        &body.code,
        &body.message,
        &body.attribute,
        &body.url,
    );
    if flat != ServerMessage::default() {
        messages.push(flat);
    }

    if body.error.is_some() {
        messages.push(ServerMessage {
            message: clean(&body.error),
            ..ServerMessage::default()
        });
    }
    messages
}

/// Explains why a body that came with a success status is not a `T`, naming the field (and,
/// in a list, the item) at fault. A JSON body is never quoted, since it may hold token values;
/// a body that is not JSON at all is quoted as a scrubbed snippet.
fn decode_problem<T: DeserializeOwned>(
    bytes: &Bytes,
    exchange: &Exchange,
    secrets: &[&str],
) -> String {
    let bytes = without_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return "the body is empty, but the API document promises a JSON body".to_owned();
    }

    if let Some(problem) = not_an_object(bytes) {
        return problem;
    }
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        let content_type = exchange.content_type();
        let content_type = content_type
            .as_deref()
            .map_or("no content type".into(), excerpt);
        let text = Snippet::text_of(bytes, secrets);
        return format!("the body is not JSON ({content_type}): {text:?}");
    }

    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => "the body does not match the API document".to_owned(),
        Err(err) => {
            // The path holds the body's own keys, which a hostile body can make a secret.
            let path = scrub(&err.path().to_string(), secrets);
            let inner = err.inner();
            let what = redact_quoted(&inner.to_string());
            if path == "." || path.is_empty() {
                what
            } else {
                format!("at `{path}`: {what}")
            }
        }
    }
}

/// Says what a JSON body is instead of an object, or `None` when it starts like one.
fn not_an_object(body: &[u8]) -> Option<String> {
    let kind = match body.iter().find(|byte| !byte.is_ascii_whitespace())? {
        b'{' => return None,
        b'[' => "an array",
        b'"' => "a string",
        b'n' if body.trim_ascii().starts_with(b"null") => "null",
        b't' | b'f' => "a boolean",
        b'-' | b'0'..=b'9' => "a number",
        _ => return None,
    };
    Some(format!(
        "the body is {kind} where the API document promises a JSON object"
    ))
}

/// Replaces every double-quoted string in a serde message, since serde quotes the offending
/// value and that value may be a secret.
fn redact_quoted(message: &str) -> String {
    let mut output = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        output.push(c);
        if c == '"' {
            let mut escaped = false;
            for inner in chars.by_ref() {
                match (escaped, inner) {
                    (false, '\\') => escaped = true,
                    (false, '"') => break,
                    _ => escaped = false,
                }
            }
            output.push_str("…\"");
        }
    }
    output
}

impl Snippet {
    fn of(exchange: &Exchange, secrets: &[&str]) -> Option<Self> {
        let body = exchange.body.as_ref()?;
        Some(Self {
            content_type: exchange.content_type(),
            text: Self::text_of(body, secrets),
        })
    }

    /// The first characters of `body`, lossily decoded, with white space runs folded and every
    /// secret replaced.
    fn text_of(body: &[u8], secrets: &[&str]) -> String {
        let text = scrub(&String::from_utf8_lossy(body), secrets);
        let folded: Vec<&str> = text.split_whitespace().collect();
        excerpt(&folded.join(" "))
    }
}

/// The text with every secret and every conference-token-shaped value replaced.
fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        text = text.replace(secret, "[redacted]");
    }
    redact_token_values(&text)
}

/// Conference token values look like `vpt_` followed by hex digits. No pattern is promised,
/// but a body that quotes one in that shape (a proxy echoing a request, say) should not carry
/// it into an error message.
fn redact_token_values(text: &str) -> String {
    const PREFIX: &str = "vpt_";

    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(PREFIX) {
        output.push_str(&rest[..start]);
        output.push_str("vpt_[redacted]");
        let after = &rest[start + PREFIX.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    output.push_str(rest);
    output
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        if let Some(operation) = inner.operation {
            write!(f, "{operation}: ")?;
        }

        match &inner.detail {
            Detail::Config { setting, problem } => {
                write!(f, "invalid configuration: {setting} {problem}")?;
            }
            Detail::InvalidArgument { name, problem } => {
                write!(f, "invalid argument `{name}`: {problem}")?;
            }
            Detail::Api { messages, body } => {
                write!(f, "the service answered {}", describe(inner.status))?;
                // `{"error": "Not Found"}` only repeats the status line.
                let repeats_status = match messages.as_slice() {
                    [only] => {
                        only.message.as_deref() == reason(inner.status) && only.code.is_none()
                    }
                    _ => false,
                };
                if !repeats_status {
                    write_messages(f, messages)?;
                }
                if let Some(body) = body {
                    write_snippet(f, body)?;
                }
                write_hint(f, inner.status, inner.retry_after)?;
            }
            Detail::Redirect { location } => {
                write!(
                    f,
                    "the service answered {} redirecting to ",
                    describe(inner.status)
                )?;
                match location {
                    Some(location) => write!(f, "`{}`", excerpt(location))?,
                    None => f.write_str("no Location")?,
                }
                f.write_str(
                    ", which is not followed so that the credentials stay with the configured \
                     host; if the new address is right, set it as the base URL",
                )?;
            }
            Detail::Transport => f.write_str("no response from the service")?,
            Detail::Connect { host: Some(host) } => write!(
                f,
                "could not connect to {host}; check the space or base URL and the network"
            )?,
            Detail::Connect { host: None } => f.write_str("could not connect to the service")?,
            Detail::BodyBroken => write!(
                f,
                "the connection broke while the body of the {} response was being read",
                describe(inner.status)
            )?,
            Detail::Timeout {
                limit: Some(TimeLimit::Request(limit)),
            } => write!(
                f,
                "no complete response within the timeout of {}; raise the client's timeout if \
                 the service or the network is slow",
                seconds(*limit)
            )?,
            Detail::Timeout {
                limit: Some(TimeLimit::Deadline(limit)),
            } => write!(
                f,
                "the call ran past its deadline of {}, retries included; raise the retry \
                 policy's deadline if the service is slow",
                seconds(*limit)
            )?,
            Detail::Timeout {
                limit: Some(TimeLimit::Connect(limit)),
            } => write!(
                f,
                "no connection within the connect timeout of {}; check the space or base URL \
                 and the network, or raise the client's connect_timeout",
                seconds(*limit)
            )?,
            Detail::Timeout { limit: None } => f.write_str("timed out")?,
            Detail::Decode { problem } => match inner.status {
                Some(status) => write!(
                    f,
                    "the service answered {} with a body the API document does not describe: \
                     {problem}",
                    describe(Some(status))
                )?,
                None => write!(f, "the response does not match the API document: {problem}")?,
            },
            Detail::BodyTooLarge { limit } => write!(
                f,
                "the response body is larger than the limit of {limit} bytes; it was not read \
                 further"
            )?,
            Detail::Paging { problem } => f.write_str(problem)?,
        }

        if inner.attempts > 1 {
            write!(f, " (after {} attempts)", inner.attempts)?;
        }
        Ok(())
    }
}

/// `30 s`, `1.5 s`, `250 ms`, `500 µs`, `7 ns`: never a `0` for a limit that is not zero.
fn seconds(duration: Duration) -> String {
    if duration < Duration::from_micros(1) {
        format!("{} ns", duration.as_nanos())
    } else if duration < Duration::from_millis(1) {
        format!("{} µs", duration.as_micros())
    } else if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

fn reason(status: Option<StatusCode>) -> Option<&'static str> {
    status?.canonical_reason()
}

fn describe(status: Option<StatusCode>) -> String {
    match status {
        Some(status) => match status.canonical_reason() {
            Some(reason) => format!("{} {reason}", status.as_u16()),
            None => status.as_u16().to_string(),
        },
        None => "without a status".to_owned(),
    }
}

fn write_messages(f: &mut fmt::Formatter<'_>, messages: &[ServerMessage]) -> fmt::Result {
    for (index, message) in messages.iter().take(SHOWN_MESSAGES).enumerate() {
        f.write_str(if index == 0 { ": " } else { "; " })?;
        write!(f, "{message}")?;
    }
    if messages.len() > SHOWN_MESSAGES {
        write!(f, "; and {} more", messages.len() - SHOWN_MESSAGES)?;
    }
    Ok(())
}

fn write_snippet(f: &mut fmt::Formatter<'_>, body: &Snippet) -> fmt::Result {
    let content_type = body
        .content_type
        .as_deref()
        .map_or("no content type".into(), excerpt);
    if body.text.is_empty() {
        write!(f, " with an empty body ({content_type})")
    } else {
        write!(
            f,
            " with a body that is not a JSON error ({content_type}): {:?}",
            body.text
        )
    }
}

fn write_hint(
    f: &mut fmt::Formatter<'_>,
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
) -> fmt::Result {
    match status.map(|status| status.as_u16()) {
        Some(401 | 403) => f.write_str(
            "; check the space, the project ID and the API token, and that the token has the \
             Video scope",
        ),
        Some(404) => f.write_str("; check the id, and that it belongs to this project and space"),
        Some(429) => match retry_after {
            Some(wait) => write!(
                f,
                "; the rate limit was reached and the service asked to wait {}",
                seconds(wait)
            ),
            None => f.write_str("; the rate limit was reached, wait before trying again"),
        },
        _ => Ok(()),
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message is already free of secrets; Debug adds the structured facts.
        let mut debug = f.debug_struct("Error");
        debug
            .field("kind", &self.inner.kind)
            .field("operation", &self.inner.operation)
            .field("status", &self.inner.status)
            .field("attempts", &self.inner.attempts)
            .field("message", &self.to_string());
        if let Some(source) = &self.inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_come_from_each_documented_shape() {
        let list: ErrorBody = serde_json::from_str(
            r#"{"errors": [{"type": "validation_error", "code": "invalid_parameter",
                "message": "Page size is too large", "attribute": "page_size", "url": "u"},
               {"code": "other", "message": "Second", "attribute": null}]}"#,
        )
        .unwrap();
        let reason: ErrorBody = serde_json::from_str(r#"{"error": "Not Found"}"#).unwrap();
        let flat: ErrorBody = serde_json::from_str(
            r#"{"type": "t", "code": "c", "message": "m PT-secret vpt_abc", "attribute": "a"}"#,
        )
        .unwrap();

        let rendered = |body: &ErrorBody| {
            server_messages(body, &["PT-secret"])
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            rendered(&list),
            [
                "invalid_parameter: Page size is too large (attribute `page_size`)",
                "other: Second"
            ]
        );
        assert_eq!(rendered(&reason), ["Not Found"]);
        assert_eq!(
            rendered(&flat),
            ["c: m [redacted] vpt_[redacted] (attribute `a`)"]
        );
    }

    #[test]
    fn quoted_values_are_redacted_from_serde_messages() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "vpt_\"secret", expected u32"#),
            r#"invalid type: string "…", expected u32"#
        );
        assert_eq!(
            redact_quoted("missing field `token`"),
            "missing field `token`"
        );
    }

    #[test]
    fn snippets_fold_white_space_cut_long_text_and_hide_secrets() {
        assert_eq!(
            Snippet::text_of(b"<h1>Bad\n\n  Gateway</h1>", &[]),
            "<h1>Bad Gateway</h1>"
        );
        assert_eq!(
            Snippet::text_of(b"echo PT-secret back", &["PT-secret"]),
            "echo [redacted] back"
        );

        let long = "x".repeat(500);
        let cut = Snippet::text_of(long.as_bytes(), &[]);
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(Snippet::text_of(&[0xff, b'a'], &[]), "\u{fffd}a");
        assert_eq!(
            Snippet::text_of(b"{\"token\":\"vpt_62c654\"} vpt_ and vpt_x-y.", &[]),
            "{\"token\":\"vpt_[redacted]\"} vpt_[redacted] and vpt_[redacted]."
        );
    }
}

/// Entry points for the fuzzer and the property tests: not part of the API, and free to change.
#[doc(hidden)]
pub mod fuzzing {
    use bytes::Bytes;
    use progenitor_client::ResponseValue;
    use reqwest::StatusCode;

    use super::Error;
    use crate::generated::types::{ConferenceToken, ErrorBody};
    use crate::transport::{Exchange, parse_object};

    /// What a user would read after `get_conference_token` received this response, decoded
    /// the way the generated client decodes it; `Ok` with the token's id when it decoded.
    pub fn describe_response(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
        secrets: &[&str],
    ) -> Result<String, String> {
        let status = StatusCode::from_u16(status).map_err(|err| err.to_string())?;
        let body = Bytes::copy_from_slice(body);
        let exchange = Exchange {
            attempts: 1,
            status: Some(status),
            content_type: content_type.and_then(|text| text.parse().ok()),
            body: Some(body.clone()),
            ..Exchange::default()
        };

        let generated = if status.is_success() {
            match parse_object::<ConferenceToken>(&body) {
                Ok(token) => return Ok(token.id.to_string()),
                Err(err) => progenitor_client::Error::InvalidResponsePayload(body, err),
            }
        } else {
            match parse_object::<ErrorBody>(&body) {
                Ok(parsed) => progenitor_client::Error::ErrorResponse(ResponseValue::new(
                    parsed,
                    status,
                    Default::default(),
                )),
                Err(err) => progenitor_client::Error::InvalidResponsePayload(body, err),
            }
        };
        let error = Error::from_generated::<ConferenceToken>(
            "get_conference_token",
            generated,
            &exchange,
            secrets,
        );
        Err(error.to_string())
    }
}
