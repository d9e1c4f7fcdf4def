//! The client that progenitor generates from `openapi/conference-tokens.yaml`.
//!
//! `build.rs` writes the code into `OUT_DIR` on every build where the document changed; this
//! module only includes it. To read what was generated, open
//! `target/debug/build/signalwire-conference-tokens-*/out/client.rs`, or run `cargo doc` and
//! look at this module. The hand-written [`Client`](crate::Client) wraps it and is what users
//! call: the generated client knows nothing of authentication, paging, or errors that explain
//! themselves.

#![allow(missing_docs, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));
