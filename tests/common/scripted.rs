//! A purpose-built HTTP/1.1 server for faults that httpmock cannot produce: answers in a
//! scripted order, hangs, trickled or cut-off bodies, and raw bytes. It records every request
//! head and counts connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete response with a `Content-Length`.
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// These bytes as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// These bytes as they are, and the connection stays open for the next request.
    RawKeepingConnection(Vec<u8>),
    /// The response head, then the body one byte at a time with a pause between bytes.
    Trickle {
        head: String,
        body: Vec<u8>,
        pause: Duration,
    },
    /// Never answer (the connection stays open until the client gives up).
    Hang,
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header to a [`Reply::Respond`].
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name, value.into()));
        }
        self
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET /path HTTP/1.1`.
    pub request_line: String,
    /// Header lines, names in lower case.
    pub headers: Vec<String>,
    /// When the head had been read.
    pub at: Instant,
}

impl Recorded {
    /// The value of a header, if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
    }
}

pub struct ScriptedServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server on 127.0.0.1 that answers the n-th request with `script[n]`, and any
    /// request past the end of the script with a 500.
    pub async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(Mutex::new(script.into_iter()));

        let (recorded, counted) = (Arc::clone(&requests), Arc::clone(&connections));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                let (recorded, script) = (Arc::clone(&recorded), Arc::clone(&script));
                tokio::spawn(serve(stream, recorded, script));
            }
        });
        ScriptedServer {
            base_url,
            requests,
            connections,
            task,
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many TCP connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<std::vec::IntoIter<Reply>>>,
) {
    loop {
        let Some(head) = read_head(&mut stream).await else {
            return;
        };
        let mut lines = head.lines();
        let request_line = lines.next().unwrap_or_default().to_owned();
        let headers = lines
            .filter_map(|line| line.split_once(": "))
            .map(|(name, value)| format!("{}: {value}", name.to_ascii_lowercase()))
            .collect();
        recorded.lock().unwrap().push(Recorded {
            request_line,
            headers,
            at: Instant::now(),
        });

        let reply = script
            .lock()
            .unwrap()
            .next()
            .unwrap_or(Reply::json(500, "{}"));
        match reply {
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let mut response = format!("HTTP/1.1 {status} Scripted\r\n");
                for (name, value) in headers {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                let mut bytes = response.into_bytes();
                bytes.extend_from_slice(&body);
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::RawKeepingConnection(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::Trickle { head, body, pause } => {
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for byte in body {
                    tokio::time::sleep(pause).await;
                    if stream.write_all(&[byte]).await.is_err() {
                        return;
                    }
                }
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
        }
    }
}

/// Reads up to the blank line that ends a request head; `None` when the client hung up.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}
