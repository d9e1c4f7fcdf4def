//! The canned HTTP/1.1 server that every scenario of the benchmark talks to.
//!
//! It listens on 127.0.0.1 only, keeps connections alive, and answers from bytes prepared
//! once at start-up, so that its share of each request is as small as hyper allows. It runs
//! on its own thread with a single-threaded runtime, apart from the clients being measured,
//! and counts the TCP connections it accepts, those that carried at least one request, and
//! the requests it answers.
//!
//! Listings are made from a template of [`TEMPLATE_TOKENS`] tokens serialized once: every
//! page repeats (a prefix of) the same tokens with fresh links, so that the server's memory
//! does not grow with the size of the listing. The conference ID carries the listing's size
//! (see [`conference_id`]), so one server serves listings of any size without state.
//!
//! It is not a model of the service: it checks the `Authorization` header byte for byte and
//! knows two paths; see `examples/support/stand_in.rs` for a behavioural stand-in.

use std::cell::Cell;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::sync::oneshot;
use uuid::Uuid;

/// The project ID both clients authenticate as.
pub const PROJECT_ID: &str = "5b0d2c1e-7f3a-4c8b-9e6d-1a2b3c4d5e6f";
/// The API token both clients authenticate with.
pub const API_TOKEN: &str = "PT-bench-0123456789abcdef";
/// `Basic base64(PROJECT_ID ":" API_TOKEN)`, computed outside Rust (Python's
/// `base64.b64encode`), so the floor does not borrow the crate's encoder.
pub const AUTHORIZATION_VALUE: &str =
    "Basic NWIwZDJjMWUtN2YzYS00YzhiLTllNmQtMWEyYjNjNGQ1ZTZmOlBULWJlbmNoLTAxMjM0NTY3ODlhYmNkZWY=";
/// The token that `get_conference_token` fetches.
pub const TOKEN_ID: &str = "c22d24f6-5a47-4597-9a23-c7d01e696b92";
/// The name of the server's thread, so that CPU accounting can leave it out.
pub const SERVER_THREAD: &str = "canned-server";
/// How many tokens the page template holds, and so the largest page served.
pub const TEMPLATE_TOKENS: usize = 1000;

const TOKEN_PATH: &str = "/api/video/conference_tokens/";
const CONFERENCE_PATH: &str = "/api/video/conferences/";
const LIST_SUFFIX: &str = "/conference_tokens";

/// The conference whose listing holds `total` tokens: the last group of the UUID spells the
/// number in decimal digits (which are hex digits too), so the server reads the size back.
pub fn conference_id(total: u64) -> Uuid {
    assert!(
        total < 1_000_000_000_000,
        "the UUID's last group has 12 digits"
    );
    Uuid::parse_str(&format!("1157a6f0-0000-4000-8000-{total:012}"))
        .expect("twelve decimal digits make a valid UUID group")
}

/// A running server; dropping it stops it.
pub struct Server {
    address: SocketAddr,
    counters: Counters,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds a free port of 127.0.0.1 and starts serving on a thread of its own.
    pub fn start() -> std::io::Result<Self> {
        let (mut server, serving) = Self::bind()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name(SERVER_THREAD.to_owned())
            .spawn(move || runtime.block_on(serving))?;
        server.thread = Some(thread);
        Ok(server)
    }

    /// Binds a free port of 127.0.0.1 and serves as a task of the current tokio runtime, so
    /// that on a current-thread runtime client and server share one thread and no call waits
    /// for another thread to wake up.
    pub fn start_here() -> std::io::Result<Self> {
        let (server, serving) = Self::bind()?;
        tokio::spawn(serving);
        Ok(server)
    }

    fn bind() -> std::io::Result<(Self, impl Future<Output = ()> + Send + 'static)> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let counters = Counters::default();
        let (stop, stopped) = oneshot::channel();
        let serving = serve(listener, Arc::new(Canned::new()), counters.clone(), stopped);
        let server = Self {
            address,
            counters,
            stop: Some(stop),
            thread: None,
        };
        Ok((server, serving))
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address to open raw connections to.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// TCP connections accepted since start.
    pub fn connections(&self) -> u64 {
        self.counters.connections.load(Ordering::Relaxed)
    }

    /// TCP connections that carried at least one request since start. The others were opened
    /// by a client's pool in anticipation and never used.
    pub fn used_connections(&self) -> u64 {
        self.counters.used_connections.load(Ordering::Relaxed)
    }

    /// Requests answered since start.
    pub fn requests(&self) -> u64 {
        self.counters.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Clone, Default)]
struct Counters {
    connections: Arc<AtomicU64>,
    used_connections: Arc<AtomicU64>,
    requests: Arc<AtomicU64>,
}

async fn serve(
    listener: std::net::TcpListener,
    canned: Arc<Canned>,
    counters: Counters,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("inside a runtime");
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        counters.connections.fetch_add(1, Ordering::Relaxed);
        // Responses go out in one write; Nagle would only add delay to the client's timings.
        let _ = stream.set_nodelay(true);

        let canned = Arc::clone(&canned);
        let counters = counters.clone();
        let used = Cell::new(false);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                if !used.replace(true) {
                    counters.used_connections.fetch_add(1, Ordering::Relaxed);
                }
                counters.requests.fetch_add(1, Ordering::Relaxed);
                std::future::ready(Ok::<_, Infallible>(canned.answer(&request)))
            });
            // A client closing its idle connections at the end of a run is expected.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Every response body, prepared once.
struct Canned {
    token: Bytes,
    unauthorized: Bytes,
    not_found: Bytes,
    /// `TEMPLATE_TOKENS` serialized tokens separated by commas.
    template: Vec<u8>,
    /// `ends[i]` is where token `i` ends in `template`.
    ends: Vec<usize>,
}

impl Canned {
    fn new() -> Self {
        let token = json!({
            "id": TOKEN_ID,
            "name": "My First Token",
            "token": "vpt_62c65414de4d067d07415a7ced8183be",
            "scopes": ["room.member.audio_mute", "room.self.video_mute"],
        });

        let mut template = Vec::new();
        let mut ends = Vec::with_capacity(TEMPLATE_TOKENS);
        for index in 0..TEMPLATE_TOKENS as u64 {
            if index > 0 {
                template.push(b',');
            }
            let name = (index % 4 != 3).then(|| format!("Guest {index}"));
            let token = json!({
                "id": Uuid::from_u64_pair(0x0b1d_0000_0000_4000, 0x8000_0000_0000_0000 | index),
                "name": name,
                "token": format!("vpt_{:032x}", u128::from(index) * 0x9e37_79b9_7f4a_7c15),
                "scopes": ["room.member.audio_mute", "room.self.video_mute"],
            });
            serde_json::to_writer(&mut template, &token).expect("writing to a Vec cannot fail");
            ends.push(template.len());
        }

        Self {
            token: Bytes::from(token.to_string()),
            unauthorized: Bytes::from_static(br#"{"error":"Unauthorized"}"#),
            not_found: Bytes::from_static(br#"{"error":"Not Found"}"#),
            template,
            ends,
        }
    }

    fn answer(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        let authorized = request
            .headers()
            .get(AUTHORIZATION)
            .is_some_and(|value| value.as_bytes() == AUTHORIZATION_VALUE.as_bytes());
        if !authorized {
            return reply(StatusCode::UNAUTHORIZED, self.unauthorized.clone());
        }

        let path = request.uri().path();
        if path.starts_with(TOKEN_PATH) {
            return reply(StatusCode::OK, self.token.clone());
        }
        let conference = path
            .strip_prefix(CONFERENCE_PATH)
            .and_then(|rest| rest.strip_suffix(LIST_SUFFIX));
        match conference {
            Some(conference) => self.page(conference, request.uri().query().unwrap_or("")),
            None => reply(StatusCode::NOT_FOUND, self.not_found.clone()),
        }
    }

    /// One page of the listing of `conference`, starting where `page_token` says.
    fn page(&self, conference: &str, query: &str) -> Response<Full<Bytes>> {
        let Some(total) = conference
            .rsplit('-')
            .next()
            .and_then(|digits| digits.parse::<usize>().ok())
        else {
            return reply(StatusCode::NOT_FOUND, self.not_found.clone());
        };

        let mut page_size = 50;
        let mut offset = 0;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("page_size", value)) => page_size = value.parse().unwrap_or(0),
                Some(("page_token", value)) => {
                    offset = value
                        .strip_prefix("PA")
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(usize::MAX)
                }
                _ => {}
            }
        }
        if !(1..=TEMPLATE_TOKENS).contains(&page_size) || offset > total {
            let body = r#"{"error":"bad page_size or page_token"}"#;
            return reply(
                StatusCode::UNPROCESSABLE_ENTITY,
                Bytes::from_static(body.as_bytes()),
            );
        }

        let count = page_size.min(total - offset);
        let page_number = offset / page_size;
        let link = |number: usize, start: usize| {
            format!(
                "{CONFERENCE_PATH}{conference}{LIST_SUFFIX}?page_number={number}\
                 &page_size={page_size}&page_token=PA{start}"
            )
        };
        let mut links = format!(
            r#"{{"self":"{}","first":"{}""#,
            link(page_number, offset),
            link(0, 0)
        );
        if offset + count < total {
            links.push_str(&format!(
                r#","next":"{}""#,
                link(page_number + 1, offset + count)
            ));
        }
        links.push('}');

        let tokens = match count {
            0 => &[][..],
            count => &self.template[..self.ends[count - 1]],
        };
        let mut body = Vec::with_capacity(tokens.len() + links.len() + 32);
        body.extend_from_slice(br#"{"links":"#);
        body.extend_from_slice(links.as_bytes());
        body.extend_from_slice(br#","data":["#);
        body.extend_from_slice(tokens);
        body.extend_from_slice(b"]}");
        reply(StatusCode::OK, Bytes::from(body))
    }
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
