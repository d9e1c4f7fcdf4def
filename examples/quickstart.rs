//! Quickstart: the client against a local stand-in of the API, with no credentials and no
//! network.
//!
//! Run it with `cargo run --example quickstart`. It starts the stand-in on 127.0.0.1, shows
//! what a wrong API token gets you, then fetches a token, lists the conference's tokens across
//! several pages, resets the token and fetches it again. Against a real space, the same calls
//! work with `Client::from_env()`; see the `conference_tokens` example.

#[path = "support/stand_in.rs"]
mod stand_in;

use std::process::ExitCode;

use futures_util::TryStreamExt;
use signalwire_conference_tokens::{Client, ConferenceToken, Uuid};

/// Tokens in the stand-in's conference, and tokens per page when listing them: several pages,
/// the last one short.
const TOKENS: usize = 8;
const PAGE_SIZE: u32 = 3;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("quickstart failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let stand_in = stand_in::StandIn::start(TOKENS).await?;
    println!(
        "Started a local stand-in of the SignalWire API at {}",
        stand_in.base_url()
    );
    println!();

    step("A wrong API token is refused before anything else happens");
    let intruder = Client::builder()
        .base_url(stand_in.base_url())
        .project_id(stand_in::PROJECT_ID)
        .api_token("PT-wrong-token")
        .build()?;
    let token_id: Uuid = stand_in::FIRST_TOKEN_ID.parse()?;
    match intruder.get_conference_token(&token_id).await {
        Err(error) if error.is_unauthorized() => println!("  error, as expected: {error}"),
        other => return Err(format!("expected a 401, got {other:?}").into()),
    }

    let client = Client::builder()
        .base_url(stand_in.base_url())
        .project_id(stand_in::PROJECT_ID)
        .api_token(stand_in::API_TOKEN)
        .build()?;

    step("Get one conference token");
    let token = client.get_conference_token(&token_id).await?;
    show(&token);

    step(&format!(
        "List every token of the conference, {PAGE_SIZE} per page"
    ));
    let conference_id: Uuid = stand_in::CONFERENCE_ID.parse()?;
    let mut tokens = client
        .conference_tokens(&conference_id)
        .page_size(PAGE_SIZE);
    let mut count = 0;
    while let Some(token) = tokens.try_next().await? {
        count += 1;
        show(&token);
    }
    println!("  {count} tokens on {} pages", tokens.pages_fetched());

    step("Reset the token: the old secret stops working, a new one is returned");
    let reset = client.reset_conference_token(&token_id).await?;
    println!("  before: {}", fingerprint(&token));
    println!("  after:  {}", fingerprint(&reset));
    if reset.token == token.token {
        return Err("the reset returned the old secret".into());
    }

    step("Get the token again: the service now holds the new secret");
    let again = client.get_conference_token(&token_id).await?;
    show(&again);
    if again.token != reset.token {
        return Err("the token fetched after the reset does not hold the new secret".into());
    }

    step("Ask for a token that does not exist");
    let missing = Uuid::from_u128(0xdead_beef);
    match client.get_conference_token(&missing).await {
        Err(error) if error.is_not_found() => println!("  error, as expected: {error}"),
        other => return Err(format!("expected a 404, got {other:?}").into()),
    }

    println!();
    println!(
        "Done: {} requests answered by the stand-in. Next: set SIGNALWIRE_SPACE, \
         SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN and try \
         `cargo run --example conference_tokens -- get <TOKEN_ID>`.",
        stand_in.requests()
    );
    Ok(())
}

fn step(title: &str) {
    println!("==> {title}");
}

fn show(token: &ConferenceToken) {
    let name = token.name.as_deref().unwrap_or("(no name)");
    println!(
        "  {}  {name:<16} {}  scopes: {}",
        token.id,
        fingerprint(token),
        token.scopes.join(", ")
    );
}

/// The first characters of the secret, enough to see that a reset changed it.
fn fingerprint(token: &ConferenceToken) -> String {
    let secret = token.token.expose_secret();
    let shown: String = secret.chars().take(8).collect();
    format!("token {shown}…")
}
