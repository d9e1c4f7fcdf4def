//! The `conference_tokens` example as a user runs it: the built binary against a local
//! stand-in, with credentials in the environment, checking stdout, stderr and exit status.

#[path = "../examples/support/stand_in.rs"]
mod stand_in;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

/// The example binary, which `cargo test` builds next to the test binaries.
fn binary() -> PathBuf {
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

/// Runs the tool with only the given environment (plus nothing inherited).
async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary());
    command.args(args).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// Environment variables as (name, value) pairs.
type Environment = Vec<(&'static str, &'static str)>;

fn credentials() -> Environment {
    vec![
        ("SIGNALWIRE_PROJECT_ID", stand_in::PROJECT_ID),
        ("SIGNALWIRE_API_TOKEN", stand_in::API_TOKEN),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_the_token_as_json() {
    let server = stand_in::StandIn::start(3).await.unwrap();
    let upper_case_id = stand_in::FIRST_TOKEN_ID.to_uppercase();

    let output = run(
        &["--base-url", &server.base_url(), "get", &upper_case_id],
        &credentials(),
    )
    .await;

    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
    let token: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        token,
        serde_json::json!({
            "id": stand_in::FIRST_TOKEN_ID,
            "name": "My First Token",
            "token": "vpt_62c65414de4d067d07415a7ced8183be",
            "scopes": ["room.member.audio_mute", "room.self.video_mute"]
        })
    );
    assert_eq!(text(&output.stderr), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_base_url_may_come_from_the_environment() {
    let server = stand_in::StandIn::start(1).await.unwrap();
    let base_url = server.base_url();
    let mut env = credentials();
    env.push(("SIGNALWIRE_BASE_URL", &base_url));

    let output = run(&["reset", stand_in::FIRST_TOKEN_ID], &env).await;

    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
    let token: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(token["id"], stand_in::FIRST_TOKEN_ID);
    let value = token["token"].as_str().unwrap();
    assert!(value.starts_with("vpt_") && value.len() == 36, "{value}");
    assert_ne!(value, "vpt_62c65414de4d067d07415a7ced8183be");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_prints_one_page_or_with_all_every_token() {
    let server = stand_in::StandIn::start(7).await.unwrap();
    let base_url = server.base_url();

    let page = run(
        &[
            "list",
            stand_in::CONFERENCE_ID,
            "--page-size",
            "3",
            "--base-url",
            &base_url,
        ],
        &credentials(),
    )
    .await;
    let all = run(
        &[
            "--timeout",
            "5",
            "list",
            stand_in::CONFERENCE_ID,
            "--page-size=3",
            "--all",
            "--base-url",
            &base_url,
        ],
        &credentials(),
    )
    .await;

    assert_eq!(
        page.status.code(),
        Some(0),
        "stderr: {}",
        text(&page.stderr)
    );
    let page: Value = serde_json::from_slice(&page.stdout).unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    assert!(
        page["links"]["next"]
            .as_str()
            .unwrap()
            .contains("page_token=PA%2B3%2Fx%3D%3D")
    );

    assert_eq!(all.status.code(), Some(0), "stderr: {}", text(&all.stderr));
    let tokens: Vec<Value> = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(tokens.len(), 7);
    assert_eq!(tokens[0]["id"], stand_in::FIRST_TOKEN_ID);
    assert_eq!(tokens[3]["name"], Value::Null);
    // 3 + 3 + 1 tokens: three pages.
    assert_eq!(
        server.requests(),
        4,
        "one single-page listing and three pages"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_failures_exit_with_1_and_explain_on_stderr() {
    let server = stand_in::StandIn::start(1).await.unwrap();
    let env = [
        ("SIGNALWIRE_PROJECT_ID", stand_in::PROJECT_ID),
        ("SIGNALWIRE_API_TOKEN", "PT-wrong"),
    ];

    let unauthorized = run(
        &[
            "--base-url",
            &server.base_url(),
            "get",
            stand_in::FIRST_TOKEN_ID,
        ],
        &env,
    )
    .await;
    let missing = run(
        &[
            "--base-url",
            &server.base_url(),
            "get",
            "00000000-0000-4000-8000-000000000000",
        ],
        &credentials(),
    )
    .await;

    assert_eq!(unauthorized.status.code(), Some(1));
    assert_eq!(text(&unauthorized.stdout), "");
    assert_eq!(
        text(&unauthorized.stderr),
        "error: get_conference_token: the service answered 401 Unauthorized; check the space, \
         the project ID and the API token, and that the token has the Video scope\n"
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr)
            .starts_with("error: get_conference_token: the service answered 404 Not Found")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_exits_with_1() {
    // Bind then drop, so the port is very likely closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base_url = format!("http://127.0.0.1:{port}");

    let output = run(
        &["--base-url", &base_url, "get", stand_in::FIRST_TOKEN_ID],
        &credentials(),
    )
    .await;

    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let expected = format!(
        "error: get_conference_token: could not connect to 127.0.0.1:{port}; check the space or \
         base URL and the network (after 4 attempts)\n  caused by: "
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_usage_and_configuration_exit_with_2() {
    let cases: Vec<(Vec<&str>, Environment, &str)> = vec![
        (vec![], credentials(), "error: no command given\n"),
        (vec!["get"], credentials(), "error: missing TOKEN_ID\n"),
        (
            vec!["get", "not-a-uuid"],
            credentials(),
            "error: TOKEN_ID `not-a-uuid` is not a UUID\n",
        ),
        (
            vec!["frobnicate", "x"],
            credentials(),
            "error: unknown command `frobnicate`\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID, "--all"],
            credentials(),
            "error: --page-size, --page-token and --all apply only to `list`\n",
        ),
        (
            vec!["--timeout", "soon", "get", stand_in::FIRST_TOKEN_ID],
            credentials(),
            "error: --timeout `soon` is not a positive number of seconds\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID, "--api-token", "x"],
            credentials(),
            "error: unknown option `--api-token`\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID],
            credentials(),
            "error: invalid configuration: space is not set; give the space name, such as \
             `example` for example.signalwire.com (or set SIGNALWIRE_SPACE)\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID],
            vec![
                ("SIGNALWIRE_SPACE", "a.b"),
                ("SIGNALWIRE_PROJECT_ID", stand_in::PROJECT_ID),
                ("SIGNALWIRE_API_TOKEN", "x"),
            ],
            "error: invalid configuration: SIGNALWIRE_SPACE `a.b` is not one DNS label; give \
             only the first part of the host, such as `example` for example.signalwire.com, or \
             use the base URL setting for another host\n",
        ),
        (
            vec![
                "--base-url",
                "http://example.com",
                "get",
                stand_in::FIRST_TOKEN_ID,
            ],
            credentials(),
            "error: invalid configuration: base_url `http://example.com` uses plain http, which \
             SignalWire refuses and which would expose the credentials; use https (plain http is \
             allowed only on a loopback host)\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID],
            vec![
                ("SIGNALWIRE_SPACE", "example"),
                ("SIGNALWIRE_PROJECT_ID", "proj:ect"),
                ("SIGNALWIRE_API_TOKEN", "x"),
            ],
            "error: invalid configuration: SIGNALWIRE_PROJECT_ID contains `:`, which HTTP Basic \
             authentication cannot carry in a user name; the project ID is a UUID\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID],
            vec![
                ("SIGNALWIRE_SPACE", "example"),
                ("SIGNALWIRE_PROJECT_ID", stand_in::PROJECT_ID),
                ("SIGNALWIRE_API_TOKEN", "PT-secret\n"),
            ],
            "error: invalid configuration: SIGNALWIRE_API_TOKEN starts or ends with white space, \
             which would be sent as part of the credential; remove it (often a newline copied \
             along with the value)\n",
        ),
    ];
    for (args, env, expected) in cases {
        let output = run(&args, &env).await;

        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&output.stdout), "", "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("PT-secret"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_goes_to_stdout_with_status_0() {
    let output = run(&["--help"], &[]).await;

    assert_eq!(output.status.code(), Some(0));
    let help = text(&output.stdout);
    assert!(
        help.starts_with(
            "usage: conference_tokens [--base-url URL] [--timeout SECONDS] <command>\n"
        ),
        "{help}"
    );
    assert!(help.contains(
        "conference_tokens list 2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11 --page-size 100 --all"
    ));
}
