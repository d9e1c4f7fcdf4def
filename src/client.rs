//! The client users call: one method per operation, each returning the generated types or an
//! [`Error`] that explains itself.
//!
//! Paging lives in [`crate::paging`], settings in [`crate::config`], and what happens on the
//! wire in [`crate::transport`]; this file only connects them to the generated client.

use std::future::Future;
use std::sync::Arc;

use progenitor_client::{ClientInfo as _, ResponseValue};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::config::ClientBuilder;
use crate::error::Error;
use crate::generated::{self, types};
use crate::paging::{ConferenceTokens, ListConferenceTokens};
use crate::transport::{self, Exchange, Transport};

/// A client for the conference-token endpoints of one SignalWire space.
///
/// Cloning is cheap and clones share one connection pool, so build one client and pass it
/// around (or keep it in an `Arc`-free field: it is already shared inside).
///
/// ```no_run
/// use signalwire_conference_tokens::Client;
///
/// # async fn run() -> Result<(), signalwire_conference_tokens::Error> {
/// let client = Client::builder()
///     .space("example")
///     .project_id("c22d24f6-5a47-4597-9a23-c7d01e696b92")
///     .api_token("PT0123456789abcdef")
///     .build()?;
///
/// let token_id = "c22d24f6-5a47-4597-9a23-c7d01e696b92".parse().unwrap();
/// let token = client.get_conference_token(&token_id).await?;
/// println!("{} has scopes {:?}", token.id, token.scopes);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    generated: Arc<generated::Client>,
}

impl Client {
    /// Starts building a client; see [`ClientBuilder`] for every setting and its default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` and
    /// `SIGNALWIRE_API_TOKEN`, and `SIGNALWIRE_BASE_URL` where set (it then replaces the
    /// space). Empty variables count as unset.
    ///
    /// # Errors
    ///
    /// An error of kind [`Config`](crate::ErrorKind::Config) that names the variable that is
    /// missing or malformed.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        base_url: String,
        http: reqwest::Client,
        transport: Transport,
    ) -> Self {
        let generated = generated::Client::new_with_client(&base_url, http, transport);
        Self {
            generated: Arc::new(generated),
        }
    }

    /// The URL that request paths are appended to, such as `https://example.signalwire.com`.
    pub fn base_url(&self) -> &str {
        self.generated.baseurl()
    }

    /// The project ID the client authenticates as.
    pub fn project_id(&self) -> Uuid {
        self.generated.inner().credentials.project_id()
    }

    /// Fetches one conference token, including its secret value.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Api`](crate::ErrorKind::Api) with status 404 when the token does not exist
    /// in this project; see [`Error`] for the rest.
    pub async fn get_conference_token(
        &self,
        token_id: &Uuid,
    ) -> Result<types::ConferenceToken, Error> {
        self.call("get_conference_token", || {
            self.generated.get_conference_token(token_id)
        })
        .await
    }

    /// Replaces the token's secret value with a new one and returns the token with it. The old
    /// value stops working. Whether the token's `id` changes is not documented; use the `id`
    /// of the returned token from now on.
    ///
    /// # Errors
    ///
    /// As for [`get_conference_token`](Self::get_conference_token).
    pub async fn reset_conference_token(
        &self,
        token_id: &Uuid,
    ) -> Result<types::ConferenceToken, Error> {
        self.call("reset_conference_token", || {
            self.generated.reset_conference_token(token_id)
        })
        .await
    }

    /// One page of the tokens of a conference. Set the page size or a cursor on the returned
    /// request, then `.await` it.
    ///
    /// ```no_run
    /// # async fn run(client: signalwire_conference_tokens::Client, conference_id: uuid::Uuid)
    /// # -> Result<(), signalwire_conference_tokens::Error> {
    /// let page = client.list_conference_tokens(&conference_id).page_size(100).await?;
    /// println!("{} tokens, more: {}", page.data.len(), page.links.next.is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_conference_tokens(&self, conference_id: &Uuid) -> ListConferenceTokens<'_> {
        ListConferenceTokens::new(self, *conference_id)
    }

    /// Every token of a conference, as a stream that fetches one page at a time when the
    /// previous one has been consumed, following `links.next` until it is absent.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: signalwire_conference_tokens::Client, conference_id: uuid::Uuid)
    /// # -> Result<(), signalwire_conference_tokens::Error> {
    /// let mut tokens = client.conference_tokens(&conference_id).page_size(1000);
    /// while let Some(token) = tokens.try_next().await? {
    ///     println!("{}", token.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn conference_tokens(&self, conference_id: &Uuid) -> ConferenceTokens {
        ConferenceTokens::new(self.clone(), *conference_id)
    }

    /// The strings no error message may contain.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        self.generated.inner().credentials.secrets()
    }

    pub(crate) fn generated(&self) -> &generated::Client {
        &self.generated
    }

    /// Runs a call of the generated client, again after a wait for as long as the transport
    /// finds the failure worth another try, and turns its failure into an [`Error`].
    ///
    /// `send` makes the generated call; a retry calls it again, so that the request is built
    /// anew only when it is sent again.
    ///
    /// The generated future (about 1.8 KiB) is held in place rather than boxed: callgrind
    /// counts more instructions for allocating and freeing that much on every call than for
    /// moving it into the caller's state once (`cargo bench --bench client_vs_reqwest --
    /// --instructions`).
    pub(crate) async fn call<T, F, Fut>(&self, operation: &'static str, send: F) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<types::ErrorBody>>>,
    {
        let _in_flight = self.generated.inner().connections.start_call();
        let mut exchange = Box::<Exchange>::default();
        loop {
            let (result, returned) = transport::observe(send(), exchange).await;
            exchange = returned;
            match (result, exchange.retry_in.take()) {
                (Ok(value), _) => return Ok(value.into_inner()),
                // The transport allowed for the deadline once the answer was in; decoding it
                // took a little longer, so the wait is checked against it again.
                (Err(_), Some(wait)) if exchange.leaves_time_for(wait) => {
                    tokio::time::sleep(wait).await;
                }
                (Err(error), _) => {
                    return Err(Error::from_generated::<T>(
                        operation,
                        error,
                        &exchange,
                        &self.secrets(),
                    ));
                }
            }
        }
    }
}
