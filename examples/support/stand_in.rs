//! A local stand-in for SignalWire's conference-token endpoints, for the examples and tests.
//!
//! It speaks real HTTP/1.1 on 127.0.0.1 and behaves the way the API contract describes:
//! it checks HTTP Basic credentials and answers 401 with a SignalWire-shaped body otherwise,
//! serves a conference's tokens in pages linked by `links.next` (with a cursor that holds
//! `+`, `/` and `=`, as real cursors may), and gives a token a new secret on reset. It keeps
//! its state in memory and forgets it when dropped.
//!
//! It is not a full model of the service: there are no other endpoints, no rate limits, and
//! every conference exists with exactly the tokens it was seeded with.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// The project ID the stand-in accepts.
pub const PROJECT_ID: &str = "a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03";
/// The API token the stand-in accepts: it holds `:` and a non-ASCII letter, both legal in the
/// password of Basic authentication.
pub const API_TOKEN: &str = "PT:stand-in-tøken";
/// `Authorization` for [`PROJECT_ID`] and [`API_TOKEN`], worked out independently of the
/// client (Python's `base64.b64encode` over the UTF-8 bytes of `user:password`).
pub const EXPECTED_AUTHORIZATION: &str =
    "Basic YTVlMWExZjgtM2M0ZC00YjJlLTlmNjEtN2QyYzllOGIxYTAzOlBUOnN0YW5kLWluLXTDuGtlbg==";
/// The conference whose tokens the stand-in serves.
pub const CONFERENCE_ID: &str = "2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11";
/// The token used in the API documentation's example.
pub const FIRST_TOKEN_ID: &str = "c22d24f6-5a47-4597-9a23-c7d01e696b92";

/// One conference token as the stand-in stores it.
#[derive(Clone)]
struct StoredToken {
    id: Uuid,
    name: Option<String>,
    token: String,
    scopes: Vec<String>,
}

impl StoredToken {
    fn to_json(&self) -> Value {
        json!({"id": self.id, "name": self.name, "token": self.token, "scopes": self.scopes})
    }
}

struct State {
    tokens: BTreeMap<Uuid, StoredToken>,
    conferences: HashMap<Uuid, Vec<Uuid>>,
    resets: u64,
}

/// A running stand-in; it stops when dropped.
pub struct StandIn {
    address: SocketAddr,
    requests: Arc<AtomicU64>,
    server: JoinHandle<()>,
}

impl StandIn {
    /// Starts a stand-in on a free port of 127.0.0.1 holding `token_count` tokens in the
    /// conference [`CONFERENCE_ID`]; the first is the documentation's example token.
    pub async fn start(token_count: usize) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(Mutex::new(seed(token_count)));
        let requests = Arc::new(AtomicU64::new(0));

        let counter = Arc::clone(&requests);
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = Arc::clone(&state);
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        counter.fetch_add(1, Ordering::Relaxed);
                        handle(Arc::clone(&state), address, request)
                    });
                    // A client that goes away mid-request is no concern of the stand-in.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            address,
            requests,
            server,
        })
    }

    /// The base URL to give the client, such as `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many HTTP requests the stand-in has answered.
    #[allow(dead_code)] // Not every example that includes this file counts requests.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn seed(token_count: usize) -> State {
    let conference = Uuid::parse_str(CONFERENCE_ID).expect("constant is a UUID");
    let first = Uuid::parse_str(FIRST_TOKEN_ID).expect("constant is a UUID");

    let mut tokens = BTreeMap::new();
    let mut ids = Vec::with_capacity(token_count);
    for index in 0..token_count {
        let id = if index == 0 {
            first
        } else {
            id_for(index as u64)
        };
        let token = StoredToken {
            id,
            name: match index {
                0 => Some("My First Token".to_owned()),
                i if i % 4 == 3 => None,
                i => Some(format!("Guest {i}")),
            },
            token: if index == 0 {
                "vpt_62c65414de4d067d07415a7ced8183be".to_owned()
            } else {
                token_value(index as u64)
            },
            scopes: vec![
                "room.member.audio_mute".to_owned(),
                "room.self.video_mute".to_owned(),
            ],
        };
        ids.push(id);
        tokens.insert(id, token);
    }

    State {
        tokens,
        conferences: HashMap::from([(conference, ids)]),
        resets: 0,
    }
}

/// A fresh `vpt_` value, different for every `seed`.
fn token_value(seed: u64) -> String {
    format!("vpt_{:016x}{:016x}", mix(seed), mix(!seed))
}

/// A random-looking version 4 UUID, the same for the same `seed`.
fn id_for(seed: u64) -> Uuid {
    let bytes = (u128::from(mix(seed)) << 64 | u128::from(mix(seed ^ 0x5eed))).to_be_bytes();
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// SplitMix64's finaliser: spreads the bits of `x` over the whole word.
fn mix(x: u64) -> u64 {
    let mut x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

async fn handle(
    state: Arc<Mutex<State>>,
    address: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut state = state.lock().expect("stand-in state is never poisoned");

    let authorized = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .is_some_and(|value| value.as_bytes() == EXPECTED_AUTHORIZATION.as_bytes());
    if !authorized {
        return Ok(reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": "Unauthorized"}),
        ));
    }

    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let response = match (request.method(), segments.as_slice()) {
        (&Method::GET, ["api", "video", "conference_tokens", id]) => {
            with_uuid(id, |id| match state.tokens.get(&id) {
                Some(token) => reply(StatusCode::OK, token.to_json()),
                None => not_found(),
            })
        }
        (&Method::POST, ["api", "video", "conference_tokens", id, "reset"]) => {
            with_uuid(id, |id| {
                state.resets += 1;
                let fresh = token_value(1_000_000 + state.resets);
                match state.tokens.get_mut(&id) {
                    Some(token) => {
                        token.token = fresh;
                        reply(StatusCode::OK, token.to_json())
                    }
                    None => not_found(),
                }
            })
        }
        (&Method::GET, ["api", "video", "conferences", id, "conference_tokens"]) => {
            with_uuid(id, |id| list(&state, address, &path, id, &query))
        }
        _ => not_found(),
    };
    Ok(response)
}

fn list(
    state: &State,
    address: SocketAddr,
    path: &str,
    conference: Uuid,
    query: &str,
) -> Response<Full<Bytes>> {
    let Some(ids) = state.conferences.get(&conference) else {
        return not_found();
    };

    let parameters: HashMap<&str, String> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name, percent_decode(value)))
        .collect();
    let page_size = match parameters
        .get("page_size")
        .map(|size| size.parse::<usize>())
    {
        None => 50,
        Some(Ok(size @ 1..=1000)) => size,
        Some(_) => {
            return reply(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"type": "validation_error", "code": "invalid_parameter",
                       "message": "Page size must be between 1 and 1000", "attribute": "page_size",
                       "url": "https://developer.signalwire.com/rest/overview/error-codes"}),
            );
        }
    };
    let offset = match parameters.get("page_token") {
        None => 0,
        Some(token) => match decode_cursor(token) {
            Some(offset) => offset,
            None => {
                return reply(
                    StatusCode::BAD_REQUEST,
                    json!({"errors": [{"type": "validation_error", "code": "invalid_parameter",
                                       "message": "Page token is not valid", "attribute": "page_token",
                                       "url": "https://developer.signalwire.com/rest/overview/error-codes"}]}),
                );
            }
        },
    };

    let page: Vec<Value> = ids
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|id| state.tokens[id].to_json())
        .collect();
    let link = |page_number: usize, start: usize| {
        let mut link =
            format!("http://{address}{path}?page_number={page_number}&page_size={page_size}");
        if start > 0 {
            link.push_str("&page_token=");
            link.push_str(&percent_encode(&encode_cursor(start)));
        }
        link
    };
    let page_number = offset / page_size;
    let mut links = json!({"self": link(page_number, offset), "first": link(0, 0)});
    if offset + page_size < ids.len() {
        links["next"] = json!(link(page_number + 1, offset + page_size));
    }
    if offset > 0 {
        links["prev"] = json!(link(
            page_number.saturating_sub(1),
            offset.saturating_sub(page_size)
        ));
    }
    reply(StatusCode::OK, json!({"links": links, "data": page}))
}

/// Cursors look like the service's (`PA...`) and hold `+`, `/` and `=` on purpose.
fn encode_cursor(offset: usize) -> String {
    format!("PA+{offset}/x==")
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    cursor
        .strip_prefix("PA+")?
        .strip_suffix("/x==")?
        .parse()
        .ok()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = std::str::from_utf8(bytes.get(index + 1..index + 3).unwrap_or_default())
            .ok()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn with_uuid(
    raw: &str,
    found: impl FnOnce(Uuid) -> Response<Full<Bytes>>,
) -> Response<Full<Bytes>> {
    match Uuid::try_parse(raw) {
        Ok(id) => found(id),
        Err(_) => reply(
            StatusCode::BAD_REQUEST,
            json!({"errors": [{"type": "validation_error", "code": "invalid_parameter",
                               "message": "Id is not a valid UUID", "attribute": "id",
                               "url": "https://developer.signalwire.com/rest/overview/error-codes"}]}),
        ),
    }
}

fn not_found() -> Response<Full<Bytes>> {
    reply(StatusCode::NOT_FOUND, json!({"error": "Not Found"}))
}

fn reply(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("status and header are valid")
}
