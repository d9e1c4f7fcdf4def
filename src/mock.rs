//! Typed [httpmock] mocks of the conference-token API, for testing code that uses this crate.
//!
//! Enabled by the `mock` feature. `build.rs` generates the mocks from the same OpenAPI document
//! as the client, so a mock can only answer with what the document allows: [`MockServerExt`]
//! adds one method per operation to [`MockServer`], whose `when` side matches the operation's
//! method, path and typed parameters ([`operations::ListConferenceTokensWhen::page_token`],
//! for instance) and whose `then` side has one method per documented status, taking the
//! generated types ([`ConferenceToken`], [`ConferenceTokenPage`], [`ErrorBody`]).
//!
//! The generated code knows nothing of paging by `links.next`, so this module adds what a test
//! of a listing needs: [`page`] builds a page whose `next` link carries a page token,
//! [`ListConferenceTokensWhen::first_page`](operations::ListConferenceTokensWhen::first_page)
//! matches only a request without one, and [`conference_token`] and [`error_body`] shorten
//! the values a test writes.
//!
//! httpmock answers a request with the **first** mock, in the order they were created, that
//! matches it. Constrain the mock of the first page with `first_page()`: without it, it would
//! also answer the requests for the later pages.
//!
//! # Example
//!
//! A test that scripts a token, a listing of two pages and a missing token, then runs the real
//! [`Client`](crate::Client) against them:
//!
//! ```
//! use futures_util::TryStreamExt;
//! use signalwire_conference_tokens::mock::{self, MockServer, MockServerExt};
//! use signalwire_conference_tokens::{Client, ConferenceToken, Uuid};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! let conference: Uuid = "2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11".parse()?;
//! let alice = mock::conference_token(
//!     "c22d24f6-5a47-4597-9a23-c7d01e696b92".parse()?,
//!     Some("Alice"),
//!     "vpt_62c65414de4d067d07415a7ced8183be",
//!     &["room.member.audio_mute"],
//! );
//! let bob = mock::conference_token(
//!     "4f0c2d51-8b7e-4c3a-9d2f-6a1b0e9c8d7f".parse()?,
//!     None,
//!     "vpt_0f4e2a1d9c8b7a6f5e4d3c2b1a098765",
//!     &[],
//! );
//!
//! let get = server.get_conference_token(|when, then| {
//!     when.id(&alice.id);
//!     then.ok(&alice);
//! });
//! let missing = server.get_conference_token(|when, then| {
//!     when.id(&Uuid::nil());
//!     then.not_found(&mock::error_body("Not Found"));
//! });
//! let first_page = server.list_conference_tokens(|when, then| {
//!     when.id(&conference).first_page();
//!     then.ok(&mock::page(&conference, [alice.clone()], Some("PA+1/x==")));
//! });
//! let last_page = server.list_conference_tokens(|when, then| {
//!     when.id(&conference).page_token("PA+1/x==");
//!     then.ok(&mock::page(&conference, [bob.clone()], None));
//! });
//!
//! let client = Client::builder()
//!     .base_url(server.base_url())
//!     .project_id("a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03")
//!     .api_token("PT-test-token")
//!     .build()?;
//!
//! assert_eq!(client.get_conference_token(&alice.id).await?, alice);
//! let error = client.get_conference_token(&Uuid::nil()).await.unwrap_err();
//! assert!(error.is_not_found());
//! let tokens: Vec<ConferenceToken> = client.conference_tokens(&conference).try_collect().await?;
//! assert_eq!(tokens, [alice, bob]);
//!
//! get.assert();
//! missing.assert();
//! first_page.assert();
//! last_page.assert();
//! # Ok(())
//! # }
//! ```
//!
//! Each wrapper's `into_inner()` hands back the plain [`httpmock::When`] or [`httpmock::Then`]
//! for what the document does not describe, such as a `Retry-After` header on a 429 or a body
//! that is not JSON.

use uuid::Uuid;

use crate::generated::types::{ConferenceToken, ConferenceTokenPage, ErrorBody, PageLinks};
use crate::token_value::TokenValue;

pub use httpmock::{self, Mock, MockServer};

// The generated code documents its modules and the trait but not each method; the methods
// mirror the operations and statuses of the document, which is where their meaning is written.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated_mocks {
    include!(concat!(env!("OUT_DIR"), "/mocks.rs"));
}

pub use generated_mocks::{MockServerExt, operations};

impl operations::ListConferenceTokensWhen {
    /// Matches only a request without a `page_token`: the first page of a listing.
    ///
    /// httpmock answers with the first mock that matches, so a mock of the first page that
    /// does not say this would also answer the requests for the pages after it.
    pub fn first_page(self) -> Self {
        self.page_token(None)
    }
}

/// A conference token with the given fields, for a mock to answer with.
pub fn conference_token(
    id: Uuid,
    name: Option<&str>,
    value: &str,
    scopes: &[&str],
) -> ConferenceToken {
    ConferenceToken {
        id,
        name: name.map(str::to_owned),
        token: TokenValue::new(value),
        scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
    }
}

/// The path of the listing of `conference_id`'s tokens, such as
/// `/api/video/conferences/2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11/conference_tokens`.
pub fn list_path(conference_id: &Uuid) -> String {
    format!("/api/video/conferences/{conference_id}/conference_tokens")
}

/// A `links.next` value that leads to the page with `page_token`: [`list_path`] with the token
/// percent-encoded in the query, as the service writes it.
///
/// The client sends `page_token` decoded, so a mock of that page matches it with
/// `when.page_token(page_token)`, the same string that was given here.
pub fn next_link(conference_id: &Uuid, page_token: &str) -> String {
    format!(
        "{}?page_token={}",
        list_path(conference_id),
        percent_encode(page_token)
    )
}

/// A page of `conference_id`'s tokens holding `tokens`, with `self` and `first` links and, when
/// `next_page_token` is set, a `next` link to the page with that token (see [`next_link`]).
/// Without `next_page_token` it is the last page.
pub fn page(
    conference_id: &Uuid,
    tokens: impl IntoIterator<Item = ConferenceToken>,
    next_page_token: Option<&str>,
) -> ConferenceTokenPage {
    let path = list_path(conference_id);
    ConferenceTokenPage {
        links: PageLinks {
            self_: Some(path.clone()),
            first: Some(path),
            next: next_page_token.map(|token| next_link(conference_id, token)),
            prev: None,
        },
        data: tokens.into_iter().collect(),
    }
}

/// An error body of the shape `{"error": "<reason>"}`, the reason phrase alone, as the service
/// sends with a 401 or 404.
pub fn error_body(reason: &str) -> ErrorBody {
    ErrorBody {
        error: Some(reason.to_owned()),
        ..ErrorBody::default()
    }
}

/// Encodes every byte except the unreserved characters of RFC 3986, so that `+`, `/` and `=`
/// in a page token survive the trip through a URL.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                encoded.push(byte as char);
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::PageCursor;

    #[test]
    fn next_links_carry_the_page_token_the_client_will_send() {
        let conference: Uuid = "2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11".parse().unwrap();

        let link = next_link(&conference, "PA+1/x== ü");

        assert_eq!(
            link,
            "/api/video/conferences/2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11/conference_tokens\
             ?page_token=PA%2B1%2Fx%3D%3D%20%C3%BC"
        );
        let cursor = PageCursor::from_link(&link).unwrap();
        assert_eq!(cursor.page_token(), Some("PA+1/x== ü"));
        assert_eq!(cursor.page_number(), None);
    }

    #[test]
    fn pages_link_to_the_next_one_only_when_asked() {
        let conference = Uuid::nil();
        let token = conference_token(Uuid::nil(), None, "vpt_1", &["a", "b"]);

        let middle = page(&conference, [token.clone()], Some("PB2"));
        let last = page(&conference, [], None);

        let path = "/api/video/conferences/00000000-0000-0000-0000-000000000000/conference_tokens";
        assert_eq!(
            serde_json::to_value(&middle).unwrap(),
            serde_json::json!({
                "links": {"self": path, "first": path, "next": format!("{path}?page_token=PB2")},
                "data": [{"id": Uuid::nil(), "name": null, "token": "vpt_1", "scopes": ["a", "b"]}]
            })
        );
        assert_eq!(last.links.next, None);
        assert!(last.data.is_empty());
        assert_eq!(
            serde_json::to_value(error_body("Not Found")).unwrap(),
            serde_json::json!({"error": "Not Found"})
        );
    }
}
