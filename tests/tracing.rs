//! What the client tells `tracing`: a span per call with the operation, method and a path
//! without ids, the status and attempts, and never a secret, at any level.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::scripted::{Reply, ScriptedServer};
use common::*;
use futures_util::TryStreamExt;
use signalwire_conference_tokens::{Client, RetryPolicy};

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn every_level_is_free_of_secrets_and_names_the_operation() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let token =
        format!(r#"{{"id":"{TOKEN_ID}","name":"n","token":"{EXAMPLE_TOKEN_VALUE}","scopes":[]}}"#);
    let page = format!(r#"{{"links":{{}},"data":[{token}]}}"#);
    let server = ScriptedServer::start(vec![
        Reply::json(503, "{}").with_header("retry-after", "0"),
        Reply::json(200, &token),
        Reply::json(401, &format!(r#"{{"error":"{API_TOKEN}"}}"#)),
        Reply::json(200, &token),
        Reply::json(200, &page),
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .project_id(PROJECT_ID)
        .api_token(API_TOKEN)
        .retry(RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();

    client.get_conference_token(&token_id()).await.unwrap();
    let error = client.get_conference_token(&token_id()).await.unwrap_err();
    tracing::error!(%error, ?error, "what a user's own logging would print");
    client.reset_conference_token(&token_id()).await.unwrap();
    let tokens: Vec<_> = client
        .conference_tokens(&conference_id())
        .try_collect()
        .await
        .unwrap();
    tracing::info!(?tokens, "a user logging the tokens");

    let output = captured.text();
    for secret in [
        API_TOKEN,
        EXAMPLE_TOKEN_VALUE,
        AUTHORIZATION,
        &AUTHORIZATION[6..],
    ] {
        assert!(
            !output.contains(secret),
            "{secret:?} leaked into:\n{output}"
        );
    }
    let library_lines = output
        .lines()
        .filter(|line| line.contains("signalwire_request"));
    for line in library_lines {
        assert!(
            !line.contains(TOKEN_ID),
            "ids appear only as {{id}}: {line}"
        );
    }
    for expected in [
        "signalwire_request{operation=\"get_conference_token\" method=GET \
         path=/api/video/conference_tokens/{id}",
        "signalwire_request{operation=\"reset_conference_token\" method=POST \
         path=/api/video/conference_tokens/{id}/reset",
        "retrying after a transient status attempt=1 status=503",
        "response attempt=2 status=200",
        "conference token page page=1 tokens=1 more=false",
    ] {
        assert!(
            output.contains(expected),
            "missing {expected:?} in:\n{output}"
        );
    }
}
