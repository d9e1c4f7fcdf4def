//! Building a [`Client`]: the space or base URL, the credentials, and the limits.
//!
//! Every setting is checked in [`ClientBuilder::build`], before any request, so that a typo
//! fails with a message that names the setting rather than as a DNS error or a 401 later on.
//! Values that have one obvious meaning are normalised (`https://Example.signalwire.com/`
//! means the space `example`); values that could mean several things are refused.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;

use crate::auth::Credentials;
use crate::client::Client;
use crate::connections::{ConnectionBudget, ReuseConnections};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// The domain under which every SignalWire space lives.
const SIGNALWIRE_DOMAIN: &str = "signalwire.com";

/// How long one request may take, from connecting to the end of the body, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long connecting may take, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest response body the client reads, unless configured: 4 MiB, about four times a
/// page of 1,000 tokens.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The environment variables [`Client::from_env`] reads.
pub mod env {
    /// The space name, such as `example` for `example.signalwire.com`.
    pub const SPACE: &str = "SIGNALWIRE_SPACE";
    /// The project ID (a UUID), the Basic-auth user name.
    pub const PROJECT_ID: &str = "SIGNALWIRE_PROJECT_ID";
    /// The API token, the Basic-auth password. It needs the Video scope.
    pub const API_TOKEN: &str = "SIGNALWIRE_API_TOKEN";
    /// Optional: a base URL that replaces the space's, for proxies and tests.
    pub const BASE_URL: &str = "SIGNALWIRE_BASE_URL";
}

/// A setting's value and the name the user knows it by: the builder method, or the
/// environment variable it was read from. Errors use the name.
#[derive(Clone)]
struct Setting<T> {
    value: T,
    name: &'static str,
}

impl<T> Setting<T> {
    fn from_builder(value: T, name: &'static str) -> Option<Self> {
        Some(Self { value, name })
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
///
/// A space (or a base URL), a project ID and an API token are required. Start from
/// [`ClientBuilder::from_env`] to read them from the environment and set the rest in code.
#[must_use]
#[derive(Clone)]
pub struct ClientBuilder {
    space: Option<Setting<String>>,
    base_url: Option<Setting<String>>,
    project_id: Option<Setting<String>>,
    api_token: Option<Setting<SecretString>>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = |setting: &Option<Setting<String>>| setting.as_ref().map(|s| s.value.clone());
        f.debug_struct("ClientBuilder")
            .field("space", &value(&self.space))
            .field("base_url", &value(&self.base_url))
            .field("project_id", &value(&self.project_id))
            .field("api_token", &self.api_token.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            space: None,
            base_url: None,
            project_id: None,
            api_token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientBuilder {
    /// A builder holding what the environment says: `SIGNALWIRE_SPACE`,
    /// `SIGNALWIRE_PROJECT_ID`, `SIGNALWIRE_API_TOKEN` and `SIGNALWIRE_BASE_URL`. Empty
    /// variables count as unset. Setters called afterwards override the environment; errors
    /// name the variable a value came from.
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](crate::ErrorKind::Config) when a variable is not Unicode.
    pub fn from_env() -> Result<Self, Error> {
        let read = |name: &'static str| -> Result<Option<Setting<String>>, Error> {
            Ok(read_env(name)?.map(|value| Setting { value, name }))
        };
        // Every variable is read here, so one that is not Unicode fails even where a later
        // setting would make it unused (a base URL replaces the space); deferring the error to
        // `build` would need a builder field for it.
        Ok(Self {
            space: read(env::SPACE)?,
            base_url: read(env::BASE_URL)?,
            project_id: read(env::PROJECT_ID)?,
            api_token: read(env::API_TOKEN)?.map(|setting| Setting {
                value: SecretString::from(setting.value),
                name: setting.name,
            }),
            ..Self::default()
        })
    }

    /// The space name: `example` for `example.signalwire.com`. A pasted
    /// `https://example.signalwire.com/` or `example.signalwire.com` is accepted and reduced
    /// to `example`; upper case is folded.
    pub fn space(mut self, space: impl Into<String>) -> Self {
        self.space = Setting::from_builder(space.into(), "space");
        self
    }

    /// A base URL that replaces `https://{space}.signalwire.com`, for a proxy or a local test
    /// server. It must be `https`, except on a loopback host (`127.0.0.1`, `[::1]`,
    /// `localhost`). A path is kept as a prefix of every request path; a trailing `/` is
    /// dropped. When both are set, the base URL wins over the space.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Setting::from_builder(base_url.into(), "base_url");
        self
    }

    /// The project ID, a UUID: the user name of HTTP Basic authentication.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Setting::from_builder(project_id.into(), "project_id");
        self
    }

    /// The API token: the password of HTTP Basic authentication. It needs the Video scope.
    pub fn api_token(mut self, api_token: impl Into<String>) -> Self {
        self.api_token = Setting::from_builder(SecretString::from(api_token.into()), "api_token");
        self
    }

    /// How long one request may take, from connecting to the last byte of the body.
    /// Default: [`DEFAULT_TIMEOUT`] (30 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take. Default: [`DEFAULT_CONNECT_TIMEOUT`] (10 seconds).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body the client reads; a larger one fails the call with
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge). Default:
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] (4 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How failed requests are retried, and the deadline of a whole call. Default:
    /// [`RetryPolicy::default`]: up to 3 retries of transient failures within 60 s; a reset
    /// is repeated only where the service provably did not act on it.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shorthand for changing only the number of retries of the retry policy; 0 turns
    /// retrying off. Default: 3.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry = self.retry.max_retries(max_retries);
        self
    }

    /// Checks every setting and builds the client.
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](crate::ErrorKind::Config) that names the first setting that
    /// is missing or malformed.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match (&self.base_url, &self.space) {
            (Some(base_url), _) => parse_base_url(&base_url.value, base_url.name)?,
            (None, Some(space)) => space_url(&space.value, space.name)?,
            (None, None) => {
                return Err(Error::config(
                    "space",
                    "is not set; give the space name, such as `example` for \
                     example.signalwire.com (or set SIGNALWIRE_SPACE)",
                ));
            }
        };

        let project_id = self.project_id.as_ref().ok_or_else(|| {
            Error::config(
                "project_id",
                "is not set; it is the UUID shown on your space's API page (or set \
                 SIGNALWIRE_PROJECT_ID)",
            )
        })?;
        let api_token = self.api_token.as_ref().ok_or_else(|| {
            Error::config(
                "api_token",
                "is not set; create an API token with the Video scope in your space (or set \
                 SIGNALWIRE_API_TOKEN)",
            )
        })?;
        let credentials = Credentials::new(
            &project_id.value,
            project_id.name,
            &api_token.value,
            api_token.name,
        )?;

        if self.timeout.is_zero() {
            return Err(Error::config(
                "timeout",
                "is zero; every request would fail at once",
            ));
        }
        if self.retry.deadline.is_zero() {
            return Err(Error::config(
                "retry deadline",
                "is zero; every call would fail at once",
            ));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::config(
                "connect_timeout",
                "is zero; every request would fail at once",
            ));
        }

        let connections = ConnectionBudget::new(self.connect_timeout);
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            // hyper shares the connect timeout among a host's addresses; reqwest also applies
            // it around the layer, whose wait for a returning connection it thereby bounds.
            .connect_timeout(self.connect_timeout)
            .connector_layer(ReuseConnections::new(Arc::clone(&connections)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|err| Error::config("HTTP client", format!("cannot be built: {err}")))?;

        let transport = Transport {
            credentials,
            max_response_bytes: self.max_response_bytes,
            timeout: self.timeout,
            retry: self.retry,
            connections,
        };
        Ok(Client::from_parts(base_url, http, transport))
    }
}

/// An unset or empty variable is `None`; one that is not Unicode is an error.
fn read_env(name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(name, "is not valid Unicode")),
    }
}

/// `https://{space}.signalwire.com` for a space name, after reducing a pasted URL or host
/// name to the name alone.
fn space_url(raw: &str, setting: &str) -> Result<String, Error> {
    let space = normalize_space(raw).map_err(|problem| Error::config(setting, problem))?;
    Ok(format!("https://{space}.{SIGNALWIRE_DOMAIN}"))
}

fn normalize_space(raw: &str) -> Result<String, String> {
    let mut space = raw.trim().to_ascii_lowercase();
    if space.is_empty() {
        return Err("is empty; give the space name, such as `example` for \
                    example.signalwire.com"
            .to_owned());
    }

    for scheme in ["https://", "http://"] {
        if let Some(rest) = space.strip_prefix(scheme) {
            space = rest.to_owned();
        }
    }
    if let Some(rest) = space.strip_suffix('/') {
        space = rest.to_owned();
    }
    if let Some(name) = space.strip_suffix(&format!(".{SIGNALWIRE_DOMAIN}")) {
        space = name.to_owned();
    }

    if space.contains('/') {
        return Err(format!(
            "{} has a path; give the space name alone, such as `example`, or use the base \
             URL setting for a proxy",
            quote_url(raw.trim())
        ));
    }
    if space.contains('.') {
        return Err(format!(
            "{} is not one DNS label; give only the first part of the host, such as `example` \
             for example.signalwire.com, or use the base URL setting for another host",
            quote_url(raw.trim())
        ));
    }
    let is_label = space.len() <= 63
        && space
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        && !space.starts_with('-')
        && !space.ends_with('-');
    if space.is_empty() || !is_label {
        return Err(format!(
            "{} is not a valid space name; it may hold only letters, digits and inner \
             hyphens, such as `example`",
            quote_url(raw.trim())
        ));
    }
    Ok(space)
}

/// Checks a base URL and returns it without a trailing `/`, ready for the generated client,
/// which appends `/api/...`.
fn parse_base_url(raw: &str, setting: &str) -> Result<String, Error> {
    let invalid = |problem: String| Error::config(setting, problem);
    let trimmed = raw.trim();
    if trimmed != raw {
        return Err(invalid(
            "starts or ends with white space; remove it".to_owned(),
        ));
    }

    if raw.contains(char::is_control) {
        // The URL parser would drop a tab or newline inside and build another URL than typed.
        return Err(invalid(
            "contains a control character such as a newline or tab; remove it".to_owned(),
        ));
    }

    let url = Url::parse(raw).map_err(|err| {
        invalid(format!(
            "{} is not a URL ({err}); give one like https://proxy.example.com",
            quote_url(raw)
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        // Credentials in the URL would be sent to the host and could end up in its logs; the
        // message does not repeat the URL, since it holds them.
        return Err(invalid(
            "contains a user name or password; give the credentials as the project ID and API \
             token settings instead"
                .to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        let mut bare = url.clone();
        bare.set_query(None);
        bare.set_fragment(None);
        return Err(invalid(format!(
            "`{bare}` has a query or fragment; remove it"
        )));
    }
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(invalid(format!(
                "`{raw}` uses plain http, which SignalWire refuses and which would expose the \
                 credentials; use https (plain http is allowed only on a loopback host)"
            )));
        }
        scheme => {
            return Err(invalid(format!(
                "`{raw}` has the scheme `{scheme}`; use https"
            )));
        }
    }

    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The URL (or space) in backquotes, shortened and escaped, unless it may hold a secret (user
/// info, a query or a fragment), which must not reach an error message.
fn quote_url(raw: &str) -> String {
    if raw.contains(['@', '?', '#']) {
        "the value (not shown, since it may hold credentials)".to_owned()
    } else {
        format!("`{}`", crate::error::excerpt(raw))
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_are_normalised_where_unambiguous() {
        let accepted = [
            ("example", "example"),
            ("  example\n", "example"),
            ("Example", "example"),
            ("example.signalwire.com", "example"),
            ("https://example.signalwire.com", "example"),
            ("https://Example.SignalWire.com/", "example"),
            ("http://example.signalwire.com/", "example"),
            ("my-space-2", "my-space-2"),
        ];
        for (raw, expected) in accepted {
            assert_eq!(normalize_space(raw).as_deref(), Ok(expected), "{raw:?}");
        }
    }

    #[test]
    fn ambiguous_spaces_are_refused_with_the_reason() {
        let refused = [
            ("", "is empty"),
            ("   ", "is empty"),
            ("a.b", "is not one DNS label"),
            ("example.other.com", "is not one DNS label"),
            ("https://example.signalwire.com/api", "has a path"),
            ("my space", "is not a valid space name"),
            ("-example", "is not a valid space name"),
            ("exa_mple", "is not a valid space name"),
            ("https://", "is not a valid space name"),
        ];
        for (raw, expected) in refused {
            let problem = normalize_space(raw).unwrap_err();
            assert!(problem.contains(expected), "{raw:?}: {problem}");
        }
    }

    #[test]
    fn base_urls_need_https_unless_loopback() {
        let accepted = [
            ("https://proxy.example.com", "https://proxy.example.com"),
            ("https://proxy.example.com/", "https://proxy.example.com"),
            (
                "https://proxy.example.com/signalwire/",
                "https://proxy.example.com/signalwire",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.8.9.10:1", "http://127.8.9.10:1"),
            ("http://[::1]:8080/", "http://[::1]:8080"),
            ("http://localhost:3000", "http://localhost:3000"),
        ];
        for (raw, expected) in accepted {
            assert_eq!(
                parse_base_url(raw, "base_url").unwrap(),
                expected,
                "{raw:?}"
            );
        }

        let refused = [
            ("http://example.signalwire.com", "uses plain http"),
            ("http://10.0.0.1", "uses plain http"),
            ("ftp://example.com", "has the scheme `ftp`"),
            ("example.signalwire.com", "is not a URL"),
            (
                "https://user:pw@example.com",
                "contains a user name or password",
            ),
            (
                "https://example.com/?a=b",
                "`https://example.com/` has a query or fragment",
            ),
            (
                "https://u:pw@exa mple.com",
                "the value (not shown, since it may hold credentials)",
            ),
            (
                "exa mple?pw=1",
                "the value (not shown, since it may hold credentials)",
            ),
            (" https://example.com", "white space"),
        ];
        for (raw, expected) in refused {
            let message = parse_base_url(raw, "base_url").unwrap_err().to_string();
            assert!(
                message.starts_with("invalid configuration: base_url "),
                "{message}"
            );
            assert!(message.contains(expected), "{raw:?}: {message}");
            assert!(!message.contains("pw"), "{message}");
        }
    }
}
