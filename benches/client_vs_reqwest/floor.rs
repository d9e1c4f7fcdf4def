//! The floor: the same calls made with bare reqwest and serde, as a careful user would write
//! them without this crate.
//!
//! It uses the crate's own reqwest build (same version and features) and the same client
//! settings (timeouts, no redirects, a user agent), sends the same headers (`Authorization`,
//! `Accept`) and decodes into structs with the same fields. What it leaves out is what the
//! crate adds on top: the generated request builder, the transport hook, bounded body reads,
//! error explanations and the paging guards. The difference in time is their cost.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde::Deserialize;
use uuid::Uuid;

use crate::server;

/// A conference token, with the fields of the crate's `ConferenceToken`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Decoded to cost what the crate's decoding costs; never read.
pub struct Token {
    pub id: Uuid,
    pub name: Option<String>,
    pub token: String,
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct Page {
    links: Links,
    data: Vec<Token>,
}

/// The same four links as the crate's `PageLinks`, so both sides decode the same fields.
#[derive(Deserialize)]
#[allow(dead_code)] // Decoded for parity with the crate; only `next` is followed.
struct Links {
    #[serde(rename = "self")]
    this: Option<String>,
    first: Option<String>,
    next: Option<String>,
    prev: Option<String>,
}

/// A bare reqwest client for the canned server.
pub struct Floor {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
}

impl Floor {
    pub fn new(base_url: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("bench-floor/0")
            .build()
            .map_err(|err| format!("floor client: {err}"))?;
        let mut authorization = HeaderValue::from_static(server::AUTHORIZATION_VALUE);
        authorization.set_sensitive(true);
        Ok(Self {
            http,
            base_url: base_url.to_owned(),
            authorization,
        })
    }

    pub async fn get_conference_token(&self, id: &Uuid) -> Result<Token, String> {
        let url = format!("{}/api/video/conference_tokens/{id}", self.base_url);
        let response = self
            .http
            .get(url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await
            .map_err(|err| format!("floor get: {err}"))?;
        decode(response).await
    }

    /// Walks every page of `conference`, handing each token to `each`, and returns how many
    /// pages it fetched. One page is held at a time.
    pub async fn list_all(
        &self,
        conference: &Uuid,
        page_size: u32,
        mut each: impl FnMut(Token),
    ) -> Result<u64, String> {
        let url = format!(
            "{}/api/video/conferences/{conference}/conference_tokens",
            self.base_url
        );
        let page_size = page_size.to_string();
        let mut cursor: Option<(String, String)> = None;
        let mut pages = 0;
        loop {
            let mut request = self
                .http
                .get(&url)
                .header(AUTHORIZATION, self.authorization.clone())
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .query(&[("page_size", page_size.as_str())]);
            if let Some((number, token)) = &cursor {
                request = request.query(&[("page_number", number), ("page_token", token)]);
            }
            let response = request
                .send()
                .await
                .map_err(|err| format!("floor list: {err}"))?;
            let page: Page = decode(response).await?;
            pages += 1;

            cursor = match page.links.next.as_deref() {
                None => None,
                Some(next) => Some(cursor_of(next)?),
            };
            page.data.into_iter().for_each(&mut each);
            if cursor.is_none() {
                return Ok(pages);
            }
        }
    }
}

async fn decode<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, String> {
    let status = response.status();
    if !status.is_success() {
        return Err(format!("floor: the server answered {status}"));
    }
    let body = response
        .bytes()
        .await
        .map_err(|err| format!("floor body: {err}"))?;
    serde_json::from_slice(&body).map_err(|err| format!("floor decode: {err}"))
}

/// `page_number` and the percent-decoded `page_token` of a `links.next` URL.
fn cursor_of(next: &str) -> Result<(String, String), String> {
    let query = next.split_once('?').map_or("", |(_, query)| query);
    let mut number = None;
    let mut token = None;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("page_number", value)) => number = Some(value.to_owned()),
            Some(("page_token", value)) => token = Some(percent_decode(value)),
            _ => {}
        }
    }
    match (number, token) {
        (Some(number), Some(token)) => Ok((number, token)),
        _ => Err(format!("floor: no cursor in links.next {next:?}")),
    }
}

fn percent_decode(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'%' {
            let pair = [bytes.next().unwrap_or(0), bytes.next().unwrap_or(0)];
            let hex = std::str::from_utf8(&pair).ok();
            match hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                Some(decoded) => out.push(decoded),
                None => out.extend_from_slice(&[b'%', pair[0], pair[1]]),
            }
        } else {
            out.push(byte);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
