//! Helpers shared by the integration tests: credentials, the documented example token, and a
//! client pointed at a local server.

#![allow(dead_code)] // Each test file uses a different part of this module.

pub mod scripted;

use serde_json::{Value, json};
use signalwire_conference_tokens::{Client, Uuid};

pub const PROJECT_ID: &str = "a5e1a1f8-3c4d-4b2e-9f61-7d2c9e8b1a03";
/// Holds `:` and non-ASCII characters, both legal in a Basic password.
pub const API_TOKEN: &str = "PT:sëcret-ü";
/// `Basic ` + base64 of `PROJECT_ID:API_TOKEN` in UTF-8, computed outside Rust
/// (`python3 -c 'import base64; print(base64.b64encode("...".encode()))'`).
pub const AUTHORIZATION: &str =
    "Basic YTVlMWExZjgtM2M0ZC00YjJlLTlmNjEtN2QyYzllOGIxYTAzOlBUOnPDq2NyZXQtw7w=";

pub const TOKEN_ID: &str = "c22d24f6-5a47-4597-9a23-c7d01e696b92";
pub const CONFERENCE_ID: &str = "2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11";
pub const TOKEN_PATH: &str = "/api/video/conference_tokens/c22d24f6-5a47-4597-9a23-c7d01e696b92";
pub const RESET_PATH: &str =
    "/api/video/conference_tokens/c22d24f6-5a47-4597-9a23-c7d01e696b92/reset";
pub const LIST_PATH: &str =
    "/api/video/conferences/2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11/conference_tokens";
pub const EXAMPLE_TOKEN_VALUE: &str = "vpt_62c65414de4d067d07415a7ced8183be";

pub fn token_id() -> Uuid {
    TOKEN_ID.parse().unwrap()
}

pub fn conference_id() -> Uuid {
    CONFERENCE_ID.parse().unwrap()
}

/// The example token from SignalWire's documentation.
pub fn example_token() -> Value {
    json!({
        "id": TOKEN_ID,
        "name": "My First Token",
        "token": EXAMPLE_TOKEN_VALUE,
        "scopes": ["room.member.audio_mute"]
    })
}

/// A token with a distinct id and value, for pages.
pub fn numbered_token(n: u32) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": format!("Token {n}"),
        "token": format!("vpt_{n:032}"),
        "scopes": ["room.member.audio_mute"]
    })
}

/// A client for `base_url` with the test credentials.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .build()
        .unwrap()
}

/// A client that sends every request once, for tests about a single response.
pub fn client_without_retries(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .max_retries(0)
        .build()
        .unwrap()
}

/// The `conference_tokens` example binary, which `cargo test` builds next to the test binaries.
pub fn cli_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join("conference_tokens");
    assert!(
        path.exists(),
        "{} is missing; run `cargo test` (which builds the examples) or `cargo build --example \
         conference_tokens` first",
        path.display()
    );
    path
}

/// Runs `command` (with piped stdout and stderr) with its stdout closed before it writes,
/// like `| head -c 0`: the reader is gone before the first line.
pub async fn output_with_stdout_closed(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}
