//! `conference_tokens`: a small command-line tool over the library, for real spaces.
//!
//! ```text
//! cargo run --example conference_tokens -- get <TOKEN_ID>
//! cargo run --example conference_tokens -- reset <TOKEN_ID>
//! cargo run --example conference_tokens -- list <CONFERENCE_ID> [--page-size N] [--all]
//! ```
//!
//! Credentials come from the environment only (`SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID`,
//! `SIGNALWIRE_API_TOKEN`, and `SIGNALWIRE_BASE_URL` where set), never from flags, so that
//! they stay out of shell history and process listings. Results go to stdout as JSON, errors
//! to stderr. Exit status: 0 on success, 1 when the API or the network failed, 2 for bad usage
//! or configuration.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::TryStreamExt;
use signalwire_conference_tokens::{Client, ClientBuilder, Error, ErrorKind, Uuid};

const USAGE: &str = "\
usage: conference_tokens [--base-url URL] [--timeout SECONDS] <command>

commands:
  get <TOKEN_ID>                      print one conference token
  reset <TOKEN_ID>                    give the token a new secret and print it
  list <CONFERENCE_ID> [--page-size N] [--page-token TOKEN] [--all]
                                      print one page of the conference's tokens, or with
                                      --all an array of every token across all pages

options:
  --base-url URL       send requests to URL instead of https://$SIGNALWIRE_SPACE.signalwire.com
  --timeout SECONDS    give up on a request after SECONDS (default 30)
  -h, --help           print this help

environment:
  SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN (required),
  SIGNALWIRE_BASE_URL (optional; --base-url wins over it)

examples:
  conference_tokens get c22d24f6-5a47-4597-9a23-c7d01e696b92
  conference_tokens list 2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11 --page-size 100 --all
";

/// Exit status for a failure of the API or the network.
const EXIT_FAILURE: u8 = 1;
/// Exit status for bad usage or configuration.
const EXIT_USAGE: u8 = 2;

#[derive(Debug, PartialEq)]
enum Command {
    Get(Uuid),
    Reset(Uuid),
    List {
        conference_id: Uuid,
        page_size: Option<u32>,
        page_token: Option<String>,
        all: bool,
    },
    Help,
}

#[derive(Debug, PartialEq)]
struct Invocation {
    command: Command,
    base_url: Option<String>,
    timeout: Option<Duration>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let invocation = match parse(std::env::args().skip(1)) {
        Ok(invocation) => invocation,
        Err(problem) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if invocation.command == Command::Help {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }

    match run(invocation).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            match error.kind() {
                ErrorKind::Config | ErrorKind::InvalidArgument => ExitCode::from(EXIT_USAGE),
                _ => ExitCode::from(EXIT_FAILURE),
            }
        }
    }
}

fn parse(args: impl Iterator<Item = String>) -> Result<Invocation, String> {
    let mut positional = Vec::new();
    let mut base_url = None;
    let mut timeout = None;
    let mut page_size = None;
    let mut page_token = None;
    let mut all = false;

    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => {
                return Ok(Invocation {
                    command: Command::Help,
                    base_url: None,
                    timeout: None,
                });
            }
            "--base-url" => base_url = Some(value("--base-url")?),
            "--timeout" => {
                let raw = value("--timeout")?;
                let seconds: f64 = raw
                    .parse()
                    .ok()
                    .filter(|seconds: &f64| seconds.is_finite() && *seconds > 0.0)
                    .ok_or_else(|| {
                        format!("--timeout `{raw}` is not a positive number of seconds")
                    })?;
                timeout = Some(Duration::from_secs_f64(seconds));
            }
            "--page-size" => {
                let raw = value("--page-size")?;
                let size = raw
                    .parse()
                    .map_err(|_| format!("--page-size `{raw}` is not a whole number"))?;
                page_size = Some(size);
            }
            "--page-token" => page_token = Some(value("--page-token")?),
            "--all" => all = true,
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option `{other}`"));
            }
            _ => positional.push(arg),
        }
    }

    let id = |name: &str, raw: Option<&String>| -> Result<Uuid, String> {
        let raw = raw.ok_or_else(|| format!("missing {name}"))?;
        Uuid::try_parse(raw.trim()).map_err(|_| format!("{name} `{raw}` is not a UUID"))
    };
    let command = match positional.first().map(String::as_str) {
        None => return Err("no command given".to_owned()),
        Some("get") => Command::Get(id("TOKEN_ID", positional.get(1))?),
        Some("reset") => Command::Reset(id("TOKEN_ID", positional.get(1))?),
        Some("list") => Command::List {
            conference_id: id("CONFERENCE_ID", positional.get(1))?,
            page_size,
            page_token: page_token.clone(),
            all,
        },
        Some(other) => return Err(format!("unknown command `{other}`")),
    };
    if positional.len() > 2 {
        return Err(format!("unexpected argument `{}`", positional[2]));
    }
    let is_list = matches!(command, Command::List { .. });
    if !is_list && (page_size.is_some() || page_token.is_some() || all) {
        return Err("--page-size, --page-token and --all apply only to `list`".to_owned());
    }
    if all && page_token.is_some() {
        return Err("--all starts from the first page; leave out --page-token".to_owned());
    }
    Ok(Invocation {
        command,
        base_url,
        timeout,
    })
}

async fn run(invocation: Invocation) -> Result<(), Error> {
    let client = client(&invocation)?;
    let stdout = std::io::stdout();

    match invocation.command {
        Command::Get(id) => print_json(&client.get_conference_token(&id).await?),
        Command::Reset(id) => print_json(&client.reset_conference_token(&id).await?),
        Command::List {
            conference_id,
            page_size,
            page_token: _,
            all: true,
        } => {
            // Print each token as it arrives rather than collecting them: a large conference
            // then costs one page of memory, and a reader sees progress.
            let mut tokens = client.conference_tokens(&conference_id);
            if let Some(page_size) = page_size {
                tokens = tokens.page_size(page_size);
            }
            let mut out = stdout.lock();
            let mut first = true;
            let _ = write!(out, "[");
            while let Some(token) = tokens.try_next().await? {
                let json = serde_json::to_string(&token).expect("tokens serialize");
                let _ = write!(out, "{}{json}", if first { "" } else { "," });
                first = false;
            }
            let _ = writeln!(out, "]");
        }
        Command::List {
            conference_id,
            page_size,
            page_token,
            all: false,
        } => {
            let mut request = client.list_conference_tokens(&conference_id);
            if let Some(page_size) = page_size {
                request = request.page_size(page_size);
            }
            if let Some(page_token) = page_token {
                request = request.page_token(page_token);
            }
            print_json(&request.await?);
        }
        Command::Help => unreachable!("help is answered before running"),
    }
    Ok(())
}

fn client(invocation: &Invocation) -> Result<Client, Error> {
    let mut builder = ClientBuilder::from_env()?;
    if let Some(base_url) = &invocation.base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(timeout) = invocation.timeout {
        builder = builder.timeout(timeout);
    }
    builder.build()
}

fn print_json(value: &impl serde::Serialize) {
    let json = serde_json::to_string(value).expect("API types serialize to JSON");
    println!("{json}");
}
