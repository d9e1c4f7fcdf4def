//! The `conference_tokens` example as a user runs it: the built binary against a local
//! stand-in, with credentials in the environment, checking stdout, stderr and exit status.

mod common;
#[path = "../examples/support/stand_in.rs"]
mod stand_in;

// The tool's formatting, included here so that its unit tests run with the others.
#[path = "../examples/support/output.rs"]
mod output;

use std::process::{Command, Output, Stdio};

use common::{cli_binary, output_with_stdout_closed};
use serde_json::Value;

/// Runs the tool with only the given environment (plus nothing inherited).
async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(cli_binary());
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
            vec!["list", stand_in::CONFERENCE_ID, "--page-size", "0"],
            credentials(),
            "error: --page-size 0 is outside 1..=1000\n",
        ),
        (
            vec!["--api-token=PT-secret", "get", stand_in::FIRST_TOKEN_ID],
            credentials(),
            "error: unknown option `--api-token`; credentials and the space come from the \
             environment only",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID, "--api-token", "x"],
            credentials(),
            "error: unknown option `--api-token`; credentials and the space come from the \
             environment only (SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN), \
             so that they stay out of shell history\n",
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
             allowed only on a loopback host)\n  (base_url is the value of --base-url)\n",
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
            "usage: conference_tokens [--base-url URL] [--timeout SECONDS] [--output FORMAT] \
             <command>\n"
        ),
        "{help}"
    );
    assert!(help.contains(
        "conference_tokens list 2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11 --page-size 100 --all"
    ));
}

/// The header of `--output table`.
const TABLE_HEADER: &str =
    "ID                                    NAME                      TOKEN      SCOPES\n";

/// The stand-in's seven tokens in the order it lists them, as compact JSON.
const SEVEN_TOKENS: [&str; 7] = [
    r#"{"id":"c22d24f6-5a47-4597-9a23-c7d01e696b92","name":"My First Token","scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_62c65414de4d067d07415a7ced8183be"}"#,
    r#"{"id":"910a2dec-8902-4cc1-be3f-90b209674eec","name":"Guest 1","scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_910a2dec89025cc1f3203e9039f4a821"}"#,
    r#"{"id":"975835de-1c97-46ce-bac7-a8ccf709f1cb","name":"Guest 2","scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_975835de1c9756cef75f04cbb5a1a1dd"}"#,
    r#"{"id":"1d0b14e4-db01-4fed-98dc-0b8671525512","name":null,"scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_1d0b14e4db018fedc164bb7b2b9b3e3a"}"#,
    r#"{"id":"6e73e372-e233-4aca-a084-6cdcacba8663","name":"Guest 4","scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_6e73e372e2338aca16b1cba95fc60262"}"#,
    r#"{"id":"63033b0c-a389-435a-84fa-19b3842cd472","name":"Guest 5","scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_63033b0ca389c35ae8f938e3d92c0f81"}"#,
    r#"{"id":"bd64a5d9-adef-4000-a5f4-bbe388ddf804","name":"Guest 6","scopes":["room.member.audio_mute","room.self.video_mute"],"token":"vpt_bd64a5d9adefe0006c1e186443822970"}"#,
];

/// The stand-in's seven tokens as table rows, in the same order.
const SEVEN_ROWS: [&str; 7] = [
    "c22d24f6-5a47-4597-9a23-c7d01e696b92  My First Token            vpt_62c6…  room.member.audio_mute,room.self.video_mute\n",
    "910a2dec-8902-4cc1-be3f-90b209674eec  Guest 1                   vpt_910a…  room.member.audio_mute,room.self.video_mute\n",
    "975835de-1c97-46ce-bac7-a8ccf709f1cb  Guest 2                   vpt_9758…  room.member.audio_mute,room.self.video_mute\n",
    "1d0b14e4-db01-4fed-98dc-0b8671525512  <none>                    vpt_1d0b…  room.member.audio_mute,room.self.video_mute\n",
    "6e73e372-e233-4aca-a084-6cdcacba8663  Guest 4                   vpt_6e73…  room.member.audio_mute,room.self.video_mute\n",
    "63033b0c-a389-435a-84fa-19b3842cd472  Guest 5                   vpt_6303…  room.member.audio_mute,room.self.video_mute\n",
    "bd64a5d9-adef-4000-a5f4-bbe388ddf804  Guest 6                   vpt_bd64…  room.member.audio_mute,room.self.video_mute\n",
];

fn table(rows: &[&str]) -> String {
    format!("{TABLE_HEADER}{}", rows.concat())
}

fn assert_success(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_compact_when_stdout_is_not_a_terminal() {
    let server = stand_in::StandIn::start(7).await.unwrap();
    let base_url = server.base_url();
    let list = |extra: &'static [&'static str]| {
        let mut args = vec!["--base-url", &base_url, "list", stand_in::CONFERENCE_ID];
        args.extend_from_slice(extra);
        args
    };

    let get = run(
        &["--base-url", &base_url, "get", stand_in::FIRST_TOKEN_ID],
        &credentials(),
    )
    .await;
    let page = run(&list(&["--page-size", "2"]), &credentials()).await;
    let all = run(&list(&["--page-size", "3", "--all"]), &credentials()).await;

    assert_success(&get);
    assert_eq!(text(&get.stdout), format!("{}\n", SEVEN_TOKENS[0]));
    assert_success(&page);
    let path = format!(
        "{base_url}/api/video/conferences/{}/conference_tokens",
        stand_in::CONFERENCE_ID
    );
    assert_eq!(
        text(&page.stdout),
        format!(
            r#"{{"data":[{},{}],"links":{{"first":"{path}?page_number=0&page_size=2","next":"{path}?page_number=1&page_size=2&page_token=PA%2B2%2Fx%3D%3D","self":"{path}?page_number=0&page_size=2"}}}}"#,
            SEVEN_TOKENS[0], SEVEN_TOKENS[1]
        ) + "\n"
    );
    assert_success(&all);
    assert_eq!(text(&all.stdout), format!("[{}]\n", SEVEN_TOKENS.join(",")));
    assert_eq!(text(&all.stderr), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_streams_every_page_under_one_header() {
    let server = stand_in::StandIn::start(7).await.unwrap();

    let output = run(
        &[
            "--output",
            "table",
            "--base-url",
            &server.base_url(),
            "list",
            stand_in::CONFERENCE_ID,
            "--page-size=3",
            "--all",
        ],
        &credentials(),
    )
    .await;

    assert_success(&output);
    assert_eq!(text(&output.stdout), table(&SEVEN_ROWS));
    assert_eq!(text(&output.stderr), "");
    assert_eq!(server.requests(), 3, "pages of 3, 3 and 1 tokens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_of_one_page_says_on_stderr_how_to_go_on() {
    let server = stand_in::StandIn::start(7).await.unwrap();
    let base_url = server.base_url();
    let page = |token: Option<&'static str>| {
        let mut args = vec![
            "--output",
            "table",
            "--base-url",
            &base_url,
            "list",
            stand_in::CONFERENCE_ID,
            "--page-size",
            "3",
        ];
        if let Some(token) = token {
            args.extend(["--page-token", token]);
        }
        args
    };

    let first = run(&page(None), &credentials()).await;
    let second = run(&page(Some("PA+3/x==")), &credentials()).await;
    let last = run(&page(Some("PA+6/x==")), &credentials()).await;

    assert_success(&first);
    assert_eq!(text(&first.stdout), table(&SEVEN_ROWS[..3]));
    assert_eq!(text(&first.stderr), "next page: --page-token PA+3/x==\n");
    assert_success(&second);
    assert_eq!(text(&second.stdout), table(&SEVEN_ROWS[3..6]));
    assert_eq!(text(&second.stderr), "next page: --page-token PA+6/x==\n");
    assert_success(&last);
    assert_eq!(text(&last.stdout), table(&SEVEN_ROWS[6..]));
    assert_eq!(text(&last.stderr), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_as_a_table_masks_the_token_value() {
    let server = stand_in::StandIn::start(1).await.unwrap();

    let output = run(
        &[
            "--base-url",
            &server.base_url(),
            "get",
            stand_in::FIRST_TOKEN_ID,
            "--output=table",
        ],
        &credentials(),
    )
    .await;

    assert_success(&output);
    assert_eq!(text(&output.stdout), table(&SEVEN_ROWS[..1]));
    assert!(!text(&output.stdout).contains("vpt_62c65414"));
    assert_eq!(text(&output.stderr), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_output_options_exit_with_2_and_the_usage() {
    let help = text(&run(&["--help"], &[]).await.stdout);
    let cases = [
        (
            vec!["--output", "yaml", "get", stand_in::FIRST_TOKEN_ID],
            "error: --output `yaml` is not a format; use `json` or `table`\n",
        ),
        (
            vec!["get", stand_in::FIRST_TOKEN_ID, "--output"],
            "error: --output needs a value\n",
        ),
    ];
    for (args, expected) in cases {
        let output = run(&args, &credentials()).await;

        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&output.stdout), "", "{args:?}");
        assert_eq!(
            text(&output.stderr),
            format!("{expected}\n{help}"),
            "{args:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_sends_the_tools_events_to_stderr() {
    let server = stand_in::StandIn::start(7).await.unwrap();
    let base_url = server.base_url();
    let mut env = credentials();
    env.push(("RUST_LOG", "conference_tokens=debug"));
    let args = [
        "--base-url",
        &base_url,
        "list",
        stand_in::CONFERENCE_ID,
        "--page-size",
        "3",
        "--all",
    ];

    let output = run(&args, &env).await;

    assert_success(&output);
    assert_eq!(
        text(&output.stdout),
        format!("[{}]\n", SEVEN_TOKENS.join(","))
    );
    // Each line is a timestamp, then the event; the timestamp differs from run to run.
    let stderr = text(&output.stderr);
    let events: Vec<&str> = stderr
        .lines()
        .map(|line| {
            let (time, event) = line.split_once(' ').unwrap();
            assert!(time.ends_with('Z') && time.len() == 27, "{line}");
            event
        })
        .collect();
    assert_eq!(
        events,
        [
            format!("DEBUG conference_tokens: client ready base_url={base_url}").as_str(),
            "DEBUG conference_tokens: page written pages=1 tokens=3",
            "DEBUG conference_tokens: page written pages=2 tokens=6",
            "DEBUG conference_tokens: page written pages=3 tokens=7",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_at_trace_shows_no_credential_and_no_token_value() {
    let server = stand_in::StandIn::start(7).await.unwrap();
    let base_url = server.base_url();
    let mut env = credentials();
    env.push(("RUST_LOG", "trace"));
    let args = [
        "--base-url",
        &base_url,
        "list",
        stand_in::CONFERENCE_ID,
        "--page-size",
        "3",
        "--all",
    ];

    let output = run(&args, &env).await;

    assert_success(&output);
    assert_eq!(
        text(&output.stdout),
        format!("[{}]\n", SEVEN_TOKENS.join(","))
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("DEBUG conference_tokens: page written pages=3 tokens=7"),
        "{stderr}"
    );
    let basic = stand_in::EXPECTED_AUTHORIZATION.trim_start_matches("Basic ");
    for secret in [stand_in::API_TOKEN, "stand-in-t", basic, "vpt_"] {
        assert!(!stderr.contains(secret), "{secret:?} in {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_rust_log_exits_with_2_before_any_request() {
    let server = stand_in::StandIn::start(1).await.unwrap();
    let mut env = credentials();
    env.push(("RUST_LOG", "foo=bar=baz"));

    let output = run(
        &[
            "--base-url",
            &server.base_url(),
            "get",
            stand_in::FIRST_TOKEN_ID,
        ],
        &env,
    )
    .await;

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stdout), "");
    assert_eq!(
        text(&output.stderr),
        "error: RUST_LOG `foo=bar=baz` is not a valid log filter (error parsing level filter: \
         expected one of \"off\", \"error\", \"warn\", \"info\", \"debug\", \"trace\", or a number \
         0-5); use a level such as `debug`, or targets with levels such as \
         `signalwire_conference_tokens=trace`\n"
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_stops_early_ends_the_listing_quietly() {
    let server = stand_in::StandIn::start(7).await.unwrap();
    let mut command = Command::new(cli_binary());
    command
        .args([
            "--base-url",
            &server.base_url(),
            "list",
            stand_in::CONFERENCE_ID,
        ])
        .args(["--page-size", "1", "--all"])
        .env_clear()
        .envs(credentials())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());

    let output = output_with_stdout_closed(command).await;

    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
    assert_eq!(text(&output.stderr), "");
    assert_eq!(
        server.requests(),
        1,
        "stops after the first page it cannot write"
    );
}
