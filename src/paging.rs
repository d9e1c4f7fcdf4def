//! Listing a conference's tokens: one page on request, or every page as a stream.
//!
//! The service pages with an opaque cursor. Each page's `links.next` is a URL (absolute, or a
//! path) whose query holds `page_token`, `page_number` and `page_size`; a missing or null
//! `next` ends the listing, and a page may be empty yet still have a `next`.
//!
//! The client never requests the `next` URL itself: it takes the cursor out of it and asks the
//! configured base URL for the next page. A `next` that names another host therefore cannot
//! lead the credentials there. The cursor is percent-decoded once and encoded once, so `+`, `/`
//! and `=` in it survive (a `+` is a plus, not a space: the links are URLs, not form data).
//!
//! Two guards stop a listing that would never end: a cursor that would repeat a request
//! already made (the stream's page size replacing the link's) is an error, and so is going past
//! the page limit ([`DEFAULT_MAX_PAGES`] unless set).

use std::collections::HashSet;
use std::future::{Future, IntoFuture};
use std::hash::{BuildHasher, RandomState};
use std::num::NonZeroU32;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use uuid::Uuid;

use crate::client::Client;
use crate::error::Error;
use crate::generated::types::{ConferenceToken, ConferenceTokenPage};

const OPERATION: &str = "list_conference_tokens";

/// The largest page the service serves.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The largest page number the API takes (an `int32`).
const MAX_PAGE_NUMBER: u32 = i32::MAX as u32;

/// How many pages [`ConferenceTokens`] fetches before it gives up, unless set with
/// [`ConferenceTokens::max_pages`]: 100,000 pages, ten times a listing of a million tokens in
/// the default page size.
pub const DEFAULT_MAX_PAGES: u64 = 100_000;

/// Where a page starts: the cursor the service handed out in a previous page's `links.next`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageCursor {
    page_token: Option<String>,
    page_number: Option<u32>,
    page_size: Option<u32>,
}

impl PageCursor {
    /// The cursor of the page after `page`, or `None` on the last page.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Paging`](crate::ErrorKind::Paging) when `links.next` is set but holds no
    /// cursor this client can follow.
    pub fn next_of(page: &ConferenceTokenPage) -> Result<Option<Self>, Error> {
        match page.links.next.as_deref() {
            None => Ok(None),
            Some(next) => Self::from_link(next).map(Some),
        }
    }

    /// Reads the cursor out of a `links.next` URL or path.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Paging`](crate::ErrorKind::Paging) when the link cannot be followed: it
    /// has neither `page_token` nor `page_number`, a `page_number` above 0 without a
    /// `page_token`, a number out of the API's range, or a `page_token` that is not UTF-8 text
    /// once decoded (a `String` could not send it back unchanged).
    pub fn from_link(link: &str) -> Result<Self, Error> {
        let query = link.split_once('?').map_or("", |(_, query)| query);
        let query = query.split_once('#').map_or(query, |(query, _)| query);

        let mut cursor = Self::default();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name).unwrap_or_default();
            if !["page_token", "page_number", "page_size"].contains(&name.as_str()) {
                continue; // Other parameters are not part of the cursor.
            }
            let Some(value) = percent_decode(value) else {
                let problem = format!(
                    "links.next has a `{name}` that is not text once decoded, so it cannot be \
                     sent back unchanged"
                );
                return Err(Error::paging(OPERATION, problem));
            };
            let number = |range: std::ops::RangeInclusive<u32>| match value.parse::<u32>() {
                Ok(number) if range.contains(&number) => Ok(number),
                _ => Err(Error::paging(
                    OPERATION,
                    format!(
                        // `name` is one of the three above; the value is the server's.
                        "links.next has `{name}={}`, not a number from {} to {}",
                        crate::error::excerpt(&value),
                        range.start(),
                        range.end()
                    ),
                )),
            };
            match name.as_str() {
                "page_token" => cursor.page_token = Some(value.clone()),
                "page_number" => cursor.page_number = Some(number(0..=MAX_PAGE_NUMBER)?),
                _ => cursor.page_size = Some(number(1..=MAX_PAGE_SIZE)?),
            }
        }

        let problem = match cursor {
            PageCursor {
                page_token: None,
                page_number: None,
                ..
            } => "holds neither page_token nor page_number to follow",
            PageCursor {
                page_token: None,
                page_number: Some(1..),
                ..
            } => "has a page_number above 0 but no page_token",
            _ => return Ok(cursor),
        };
        Err(Error::paging(
            OPERATION,
            format!("links.next `{}` {problem}", crate::error::excerpt(link)),
        ))
    }

    /// The opaque `page_token`, decoded.
    pub fn page_token(&self) -> Option<&str> {
        self.page_token.as_deref()
    }

    /// The `page_number`, counted from 0.
    pub fn page_number(&self) -> Option<u32> {
        self.page_number
    }

    /// The `page_size` the link asks for.
    pub fn page_size(&self) -> Option<u32> {
        self.page_size
    }
}

/// Decodes `%XX` sequences once; a malformed sequence is kept as it is, and `+` stays `+`.
/// `None` when the decoded bytes are not UTF-8, which a `String` cannot hold unchanged.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |offset: usize| {
            bytes
                .get(index + offset)
                .and_then(|b| (*b as char).to_digit(16))
        };
        match (bytes[index], hex(1), hex(2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

/// A request for one page of a conference's tokens; `.await` it (or call
/// [`send`](Self::send)). Made by [`Client::list_conference_tokens`].
#[must_use = "a request does nothing until it is awaited"]
#[derive(Clone, Debug)]
pub struct ListConferenceTokens<'a> {
    client: &'a Client,
    conference_id: Uuid,
    page_size: Option<u32>,
    page_number: Option<u32>,
    page_token: Option<String>,
}

impl<'a> ListConferenceTokens<'a> {
    pub(crate) fn new(client: &'a Client, conference_id: Uuid) -> Self {
        Self {
            client,
            conference_id,
            page_size: None,
            page_number: None,
            page_token: None,
        }
    }

    /// Tokens per page, 1 to 1000. Default: the service's, 50.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// The page to fetch, counted from 0; above 0 it needs a [`page_token`](Self::page_token).
    pub fn page_number(mut self, page_number: u32) -> Self {
        self.page_number = Some(page_number);
        self
    }

    /// The opaque cursor from a previous page's `links.next`, decoded.
    pub fn page_token(mut self, page_token: impl Into<String>) -> Self {
        self.page_token = Some(page_token.into());
        self
    }

    /// Starts at `cursor`, taken from a previous page with [`PageCursor::next_of`]. The
    /// cursor's page size applies unless one was set on this request.
    pub fn cursor(mut self, cursor: &PageCursor) -> Self {
        self.page_token = cursor.page_token.clone();
        self.page_number = cursor.page_number;
        self.page_size = self.page_size.or(cursor.page_size);
        self
    }

    /// Fetches the page.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument), before sending,
    /// for a page size outside 1..=1000, a page number above 0 without a page token, or one
    /// above 2,147,483,647 (the API's `int32`); the errors of [`Error`] otherwise.
    pub async fn send(self) -> Result<ConferenceTokenPage, Error> {
        let page_size = check_page_size(self.page_size)?;
        if self.page_number.is_some_and(|number| number > 0) && self.page_token.is_none() {
            return Err(Error::invalid_argument(
                OPERATION,
                "page_number",
                "a page number above 0 needs the page_token of the listing it belongs to",
            ));
        }
        let page_number = match self.page_number.map(i32::try_from) {
            None => None,
            Some(Ok(number)) => Some(number),
            Some(Err(_)) => {
                return Err(Error::invalid_argument(
                    OPERATION,
                    "page_number",
                    format!("is above {MAX_PAGE_NUMBER}, the largest the API takes"),
                ));
            }
        };

        let page_token = self.page_token.as_deref();
        self.client
            .call(OPERATION, || {
                self.client.generated().list_conference_tokens(
                    &self.conference_id,
                    page_number,
                    page_size,
                    page_token,
                )
            })
            .await
    }
}

fn check_page_size(page_size: Option<u32>) -> Result<Option<NonZeroU32>, Error> {
    match page_size {
        None => Ok(None),
        Some(size @ 1..=MAX_PAGE_SIZE) => Ok(NonZeroU32::new(size)),
        Some(size) => Err(Error::invalid_argument(
            OPERATION,
            "page_size",
            format!("{size} is outside 1..={MAX_PAGE_SIZE}"),
        )),
    }
}

impl<'a> IntoFuture for ListConferenceTokens<'a> {
    type Output = Result<ConferenceTokenPage, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

type PageFuture = Pin<Box<dyn Future<Output = Result<ConferenceTokenPage, Error>> + Send>>;

/// Every token of a conference, page after page; made by [`Client::conference_tokens`].
///
/// The stream holds at most one page of tokens at a time and asks for the next page only when
/// the current one has been consumed. It ends after the page whose `links.next` is missing or
/// null; an empty page with a `next` is followed. After an error it ends; a page whose
/// `links.next` cannot be followed hands out its tokens before that error.
#[must_use = "a stream does nothing until it is polled"]
pub struct ConferenceTokens {
    client: Client,
    conference_id: Uuid,
    page_size: Option<u32>,
    max_pages: u64,
    pages_fetched: u64,
    /// Fingerprints of the cursors requested so far, not the cursors themselves: a hostile
    /// server could send a cursor of megabytes with each of 100,000 pages. Two cursors share a
    /// fingerprint with odds of about one in a billion at the page limit, which would end the
    /// listing with a false "same cursor twice".
    seen_cursors: HashSet<u64>,
    fingerprints: RandomState,
    buffered: std::vec::IntoIter<ConferenceToken>,
    next: Option<PageCursor>,
    in_flight: Option<PageFuture>,
    /// What ends the stream once the buffered tokens are out: a page whose `links.next`
    /// cannot be followed still hands over its own tokens first.
    failure: Option<Error>,
    finished: bool,
}

impl ConferenceTokens {
    pub(crate) fn new(client: Client, conference_id: Uuid) -> Self {
        Self {
            client,
            conference_id,
            page_size: None,
            max_pages: DEFAULT_MAX_PAGES,
            pages_fetched: 0,
            seen_cursors: HashSet::new(),
            fingerprints: RandomState::new(),
            buffered: Vec::new().into_iter(),
            next: Some(PageCursor::default()),
            in_flight: None,
            failure: None,
            finished: false,
        }
    }

    /// Tokens per page, 1 to 1000; larger pages mean fewer requests. Default: the service's,
    /// 50. A size outside the range fails the first poll without sending anything.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// The most pages to fetch before failing with
    /// [`ErrorKind::Paging`](crate::ErrorKind::Paging). Default: [`DEFAULT_MAX_PAGES`].
    pub fn max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages_fetched
    }

    /// Starts fetching the page at `cursor`, after checking the guards.
    fn request(&mut self, cursor: PageCursor) -> Result<PageFuture, Error> {
        if self.pages_fetched >= self.max_pages {
            return Err(Error::paging(
                OPERATION,
                format!(
                    "stopped after {} pages, the limit; raise it with max_pages if the \
                     conference really has this many tokens",
                    self.max_pages
                ),
            ));
        }
        // What is sent, not what the link said: the stream's page size replaces the link's.
        let sent = PageCursor {
            page_size: self.page_size.or(cursor.page_size),
            ..cursor.clone()
        };
        if !self.seen_cursors.insert(self.fingerprints.hash_one(&sent)) {
            return Err(Error::paging(
                OPERATION,
                format!(
                    "the service sent the same links.next cursor twice (after {} pages); \
                     stopping instead of looping",
                    self.pages_fetched
                ),
            ));
        }

        let client = self.client.clone();
        let conference_id = self.conference_id;
        let page_size = self.page_size;
        Ok(Box::pin(async move {
            let mut request = client
                .list_conference_tokens(&conference_id)
                .cursor(&cursor);
            if let Some(page_size) = page_size {
                request = request.page_size(page_size);
            }
            request.send().await
        }))
    }
}

impl Stream for ConferenceTokens {
    type Item = Result<ConferenceToken, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(token) = this.buffered.next() {
                return Poll::Ready(Some(Ok(token)));
            }
            if let Some(failure) = this.failure.take() {
                this.finished = true;
                return Poll::Ready(Some(Err(failure)));
            }
            if this.finished {
                return Poll::Ready(None);
            }

            if this.in_flight.is_none() {
                let Some(cursor) = this.next.take() else {
                    this.finished = true;
                    return Poll::Ready(None);
                };
                match this.request(cursor) {
                    Ok(future) => this.in_flight = Some(future),
                    Err(error) => {
                        this.finished = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }

            let future = this
                .in_flight
                .as_mut()
                .expect("a page request is in flight");
            let page = match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.in_flight = None;

            let page = match page {
                Ok(page) => {
                    this.pages_fetched += 1;
                    page
                }
                Err(error) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
            };
            match PageCursor::next_of(&page) {
                Ok(next) => {
                    tracing::debug!(
                        page = this.pages_fetched,
                        tokens = page.data.len(),
                        more = next.is_some(),
                        "conference token page"
                    );
                    this.next = next;
                }
                Err(error) => {
                    this.failure = Some(error.scrub_secrets(&this.client.secrets()));
                }
            }
            this.buffered = page.data.into_iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let ready = self.buffered.len() + usize::from(self.failure.is_some());
        if self.finished || (self.next.is_none() && self.in_flight.is_none()) {
            (ready, Some(ready))
        } else {
            (ready, None)
        }
    }
}

impl std::fmt::Debug for ConferenceTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConferenceTokens")
            .field("conference_id", &self.conference_id)
            .field("page_size", &self.page_size)
            .field("pages_fetched", &self.pages_fetched)
            .field("buffered", &self.buffered.len())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_come_from_absolute_and_relative_links() {
        let absolute = PageCursor::from_link(
            "https://example.signalwire.com/api/video/conferences/x/conference_tokens\
             ?page_number=1&page_size=50&page_token=PA123",
        )
        .unwrap();
        let relative = PageCursor::from_link(
            "/api/video/conferences/x/conference_tokens?page_number=1&page_size=50&page_token=PA123",
        )
        .unwrap();

        let expected = PageCursor {
            page_token: Some("PA123".to_owned()),
            page_number: Some(1),
            page_size: Some(50),
        };
        assert_eq!(absolute, expected);
        assert_eq!(relative, expected);
    }

    #[test]
    fn cursors_are_decoded_once_and_keep_plus_signs() {
        let cursor =
            PageCursor::from_link("/x?page_token=PA%2Fa%2Bb%3D%3D+c/d=e&page_number=2").unwrap();

        assert_eq!(cursor.page_token(), Some("PA/a+b==+c/d=e"));
        assert_eq!(cursor.page_number(), Some(2));
        assert_eq!(cursor.page_size(), None);
        assert_eq!(percent_decode("%252F%zz%4").as_deref(), Some("%2F%zz%4"));
        assert_eq!(percent_decode("%FF%01"), None);
    }

    #[test]
    fn links_without_a_cursor_are_errors() {
        let message = PageCursor::from_link("/x?page_size=5")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "list_conference_tokens: links.next `/x?page_size=5` holds neither page_token nor \
             page_number to follow"
        );

        let message = PageCursor::from_link("/x?page_number=two")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "list_conference_tokens: links.next has `page_number=two`, not a number from 0 to \
             2147483647"
        );

        let message = PageCursor::from_link("/x?page_number=1")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "list_conference_tokens: links.next `/x?page_number=1` has a page_number above 0 but \
             no page_token"
        );
        for size in ["0", "5000"] {
            let link = format!("/x?page_token=A&page_size={size}");
            let message = PageCursor::from_link(&link).unwrap_err().to_string();
            assert_eq!(
                message,
                format!(
                    "list_conference_tokens: links.next has `page_size={size}`, not a number from \
                     1 to 1000"
                )
            );
        }
        // Parameters outside the cursor are ignored, whatever they hold.
        let cursor = PageCursor::from_link("/x?utm=%FF&page_token=A").unwrap();
        assert_eq!(cursor.page_token(), Some("A"));
        let message = PageCursor::from_link("/x?page_token=%FF%01")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "list_conference_tokens: links.next has a `page_token` that is not text once \
             decoded, so it cannot be sent back unchanged"
        );
    }
}
