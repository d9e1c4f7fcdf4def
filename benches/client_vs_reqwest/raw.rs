//! A minimal HTTP/1.1 client used only to measure the canned server alone.
//!
//! It writes one pre-built request per call on a kept-alive connection and reads the reply
//! by its `Content-Length`, with no URL handling, no header map and no decoding. Its rate is
//! what the server can answer with the client side reduced to almost nothing; if it is well
//! above both reqwest-based clients, the server is not what limits them. It understands only
//! this server's replies (a `Content-Length`, no chunking) and is no general client.

use std::net::SocketAddr;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::report::{self, Measured};
use crate::server;

/// One kept-alive connection that sends the `get_conference_token` request.
pub struct RawConnection {
    stream: TcpStream,
    request: Vec<u8>,
    buffer: Vec<u8>,
}

impl RawConnection {
    pub async fn connect(address: SocketAddr) -> Result<Self, String> {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|err| format!("raw connect: {err}"))?;
        stream
            .set_nodelay(true)
            .map_err(|err| format!("raw nodelay: {err}"))?;
        let request = format!(
            "GET /api/video/conference_tokens/{} HTTP/1.1\r\nhost: {address}\r\n\
             authorization: {}\r\naccept: application/json\r\n\r\n",
            server::TOKEN_ID,
            server::AUTHORIZATION_VALUE
        );
        Ok(Self {
            stream,
            request: request.into_bytes(),
            buffer: Vec::with_capacity(4096),
        })
    }

    /// Sends the request and reads the whole reply; fails on anything but a 200.
    pub async fn get(&mut self) -> Result<(), String> {
        self.stream
            .write_all(&self.request)
            .await
            .map_err(|err| format!("raw write: {err}"))?;

        self.buffer.clear();
        let mut chunk = [0u8; 4096];
        let mut expected = None;
        loop {
            if expected.is_none() {
                expected = reply_length(&self.buffer)?;
            }
            if expected.is_some_and(|length| self.buffer.len() >= length) {
                break;
            }
            let read = self
                .stream
                .read(&mut chunk)
                .await
                .map_err(|err| format!("raw read: {err}"))?;
            if read == 0 {
                return Err("raw read: the server closed the connection".to_owned());
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }

        if !self.buffer.starts_with(b"HTTP/1.1 200") {
            return Err("raw: the server did not answer 200".to_owned());
        }
        Ok(())
    }
}

/// The length of the whole reply (head and body) once the head has arrived.
fn reply_length(buffer: &[u8]) -> Result<Option<usize>, String> {
    let Some(head_end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| "raw: head is not UTF-8")?;
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .ok_or("raw: the reply has no Content-Length")?;
    Ok(Some(head_end + 4 + length))
}

/// `calls` requests spread over `callers` connections, measured.
pub async fn run(
    address: SocketAddr,
    callers: usize,
    calls: usize,
    deadline: Instant,
) -> Result<Measured, String> {
    let per_caller = calls / callers;
    let cpu = report::client_cpu_ns();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..callers {
        tasks.spawn(async move {
            let mut connection = RawConnection::connect(address).await?;
            let mut latencies = Vec::with_capacity(per_caller);
            for _ in 0..per_caller {
                if Instant::now() > deadline {
                    return Err("raw: the time limit passed".to_owned());
                }
                let call_started = Instant::now();
                connection.get().await?;
                latencies.push(call_started.elapsed().as_nanos() as u64);
            }
            Ok::<_, String>(latencies)
        });
    }

    let mut latencies = Vec::with_capacity(per_caller * callers);
    while let Some(joined) = tasks.join_next().await {
        latencies.extend(joined.map_err(|err| format!("raw task: {err}"))??);
    }
    Ok(Measured {
        wall: started.elapsed(),
        latencies,
        cpu_ns: report::client_cpu_ns() - cpu,
    })
}
