//! Project automation for the `signalwire-conference-tokens` workspace.
//!
//! The checks live in this library rather than in `main.rs` so that the integration tests in
//! `xtask/tests/` can call them directly on fixture documents; the binary only parses the
//! command line and prints what the library found.

pub mod spec_check;
