//! The local stand-in of the API on its own, for trying the `conference_tokens` tool (or code
//! of your own) without a SignalWire space: it serves until stopped with Ctrl-C.
//!
//! Run it with `cargo run --example stand_in`; it prints the environment to set in another
//! shell. It holds one conference of 8 tokens, the first being the documentation's example.

#[path = "support/stand_in.rs"]
mod stand_in;

use stand_in::{API_TOKEN, CONFERENCE_ID, FIRST_TOKEN_ID, PROJECT_ID, StandIn};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let stand_in = StandIn::start(8).await?;
    let base_url = stand_in.base_url();
    println!("A local stand-in of the SignalWire API is serving at {base_url} (Ctrl-C stops it).");
    println!("In another shell:");
    println!();
    println!("  export SIGNALWIRE_BASE_URL={base_url} SIGNALWIRE_PROJECT_ID={PROJECT_ID}");
    println!("  export SIGNALWIRE_API_TOKEN='{API_TOKEN}'");
    println!("  cargo run --example conference_tokens -- get {FIRST_TOKEN_ID}");
    println!("  cargo run --example conference_tokens -- --output table list {CONFERENCE_ID}");

    // Serves until the process is stopped.
    std::future::pending::<()>().await;
    Ok(())
}
