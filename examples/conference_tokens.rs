//! `conference_tokens`: a small command-line tool over the library, for real spaces.
//!
//! ```text
//! cargo run --example conference_tokens -- get <TOKEN_ID>
//! cargo run --example conference_tokens -- reset <TOKEN_ID>
//! cargo run --example conference_tokens -- list <CONFERENCE_ID> [--page-size N] [--all]
//! cargo run --example conference_tokens -- --output table list <CONFERENCE_ID> --all
//! ```
//!
//! Credentials come from the environment only (`SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID`,
//! `SIGNALWIRE_API_TOKEN`, and `SIGNALWIRE_BASE_URL` where set), never from flags, so that
//! they stay out of shell history and process listings. Results go to stdout, as JSON
//! (indented on a terminal, one line otherwise, for other programs) or as a table for people;
//! errors go to stderr, and so do log lines when `RUST_LOG` is set. Exit status: 0 on success,
//! 1 when the API, the network or stdout failed, 2 for bad usage or configuration.
//!
//! What it leaves out: it reads no configuration file, and the table measures text in
//! characters, so names in scripts whose characters are wider than one column misalign it.

/// A line on stderr. `eprintln!` panics when stderr is closed (`2>&-`, or a pipe whose reader
/// left); the line is dropped instead, and the exit status still tells what happened.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

#[path = "support/output.rs"]
mod output;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use futures_util::{Stream, TryStreamExt};
use signalwire_conference_tokens::{
    Client, ClientBuilder, ConferenceToken, Error, ErrorKind, PageCursor, Uuid,
};

use output::{Output, Progress, TokenWriter, write_json};

const USAGE: &str = "\
usage: conference_tokens [--base-url URL] [--timeout SECONDS] [--output FORMAT] <command>

commands:
  get <TOKEN_ID>                      print one conference token
  reset <TOKEN_ID>                    give the token a new secret and print it
  list <CONFERENCE_ID> [--page-size N] [--page-token TOKEN] [--all]
                                      print one page of the conference's tokens, or with
                                      --all every token across all pages as they arrive

options:
  --base-url URL       send requests to URL instead of https://$SIGNALWIRE_SPACE.signalwire.com
  --timeout SECONDS    give up on a request after SECONDS (default 30)
  --output FORMAT      json (default): indented on a terminal, one line when piped;
                       table: id, name, the first characters of the token, and scopes
  -h, --help           print this help

environment:
  SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN (required),
  SIGNALWIRE_BASE_URL (optional; --base-url wins over it),
  RUST_LOG (optional; what to log on stderr, such as `debug` or
    `signalwire_conference_tokens=trace`)

examples:
  conference_tokens get c22d24f6-5a47-4597-9a23-c7d01e696b92
  conference_tokens list 2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11 --page-size 100 --all
  conference_tokens --output table list 2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11 --all
  conference_tokens list 2bd9bd0b-4a6f-4d4c-9f63-0e4b0f1c5a11 --all | jq -r '.[].id'
";

/// Exit status for a failure of the API, the network, or stdout.
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
    output: Output,
}

/// Why a run failed.
#[derive(Debug)]
enum Failure {
    /// The library refused the settings or the call failed.
    Client(Error),
    /// stdout could not be written to.
    Stdout(io::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Client(error)
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::Stdout(error)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(problem) = install_logging() {
        say!("error: {problem}");
        return ExitCode::from(EXIT_USAGE);
    }
    let invocation = match parse(std::env::args().skip(1)) {
        Ok(invocation) => invocation,
        Err(problem) => {
            say!("error: {problem}\n\n{}", USAGE.trim_end());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if invocation.command == Command::Help {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }

    match run(invocation).await {
        Ok(()) => ExitCode::SUCCESS,
        // A reader such as `head` that has seen enough closes the pipe: nothing went wrong.
        Err(Failure::Stdout(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Failure::Stdout(error)) => {
            say!("error: cannot write to stdout: {error}");
            ExitCode::from(EXIT_FAILURE)
        }
        Err(Failure::Client(error)) => {
            say!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                say!("  caused by: {cause}");
                source = cause.source();
            }
            if error.setting() == Some("base_url") {
                // The library names its own setting; here the value came from the flag.
                say!("  (base_url is the value of --base-url)");
            }
            match error.kind() {
                ErrorKind::Config | ErrorKind::InvalidArgument => ExitCode::from(EXIT_USAGE),
                _ => ExitCode::from(EXIT_FAILURE),
            }
        }
    }
}

/// Sends log events to stderr when `RUST_LOG` is set; without it nothing is logged, so that
/// stderr holds only the tool's own messages.
fn install_logging() -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(filter) if !filter.trim().is_empty() => filter,
        Ok(_) | Err(std::env::VarError::NotPresent) => return Ok(()),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err("RUST_LOG is not valid UTF-8; set it to a filter such as `debug`".into());
        }
    };
    let filter = tracing_subscriber::EnvFilter::builder()
        .parse(&filter)
        .map_err(|problem| {
            format!(
                "RUST_LOG `{filter}` is not a valid log filter ({problem}); use a level such as \
                 `debug`, or targets with levels such as `signalwire_conference_tokens=trace`"
            )
        })?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
    Ok(())
}

fn parse(args: impl Iterator<Item = String>) -> Result<Invocation, String> {
    let mut positional = Vec::new();
    let mut base_url = None;
    let mut timeout = None;
    let mut output = Output::Json;
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
                    output,
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
                let limit = Duration::try_from_secs_f64(seconds)
                    .map_err(|_| format!("--timeout `{raw}` is too large"))?;
                timeout = Some(limit);
            }
            "--output" => {
                output = match value("--output")?.as_str() {
                    "json" => Output::Json,
                    "table" => Output::Table,
                    other => {
                        return Err(format!(
                            "--output `{other}` is not a format; use `json` or `table`"
                        ));
                    }
                }
            }
            "--page-size" => {
                let raw = value("--page-size")?;
                let size: u32 = raw
                    .parse()
                    .map_err(|_| format!("--page-size `{raw}` is not a whole number"))?;
                if !(1..=signalwire_conference_tokens::MAX_PAGE_SIZE).contains(&size) {
                    return Err(format!(
                        "--page-size {size} is outside 1..={}",
                        signalwire_conference_tokens::MAX_PAGE_SIZE
                    ));
                }
                page_size = Some(size);
            }
            "--page-token" => page_token = Some(value("--page-token")?),
            "--all" if inline.is_some() => {
                return Err("--all takes no value; give it alone".to_owned());
            }
            "--all" => all = true,
            "--space" | "--project-id" | "--api-token" | "--token" => {
                return Err(format!(
                    "unknown option `{flag}`; credentials and the space come from the \
                     environment only (SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID, \
                     SIGNALWIRE_API_TOKEN), so that they stay out of shell history"
                ));
            }
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
        output,
    })
}

async fn run(invocation: Invocation) -> Result<(), Failure> {
    let client = client(&invocation)?;
    tracing::debug!(base_url = %client.base_url(), "client ready");
    let stdout = io::stdout();
    let pretty = stdout.is_terminal();
    let mut out = stdout.lock();
    let mut tokens = TokenWriter::new(invocation.output, pretty);

    match invocation.command {
        Command::Get(id) => {
            let token = client.get_conference_token(&id).await?;
            write_one(&mut out, &mut tokens, &token, pretty)?;
        }
        Command::Reset(id) => {
            let token = client.reset_conference_token(&id).await?;
            write_one(&mut out, &mut tokens, &token, pretty)?;
        }
        Command::List {
            conference_id,
            page_size,
            page_token: _,
            all: true,
        } => {
            let mut stream = client.conference_tokens(&conference_id);
            if let Some(page_size) = page_size {
                stream = stream.page_size(page_size);
            }
            let progress = Progress::new(io::stderr().is_terminal());
            write_every_token(&mut out, &mut tokens, stream, progress).await?;
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
            let page = request.await?;
            match invocation.output {
                Output::Json => write_json(&mut out, &page, pretty)?,
                Output::Table => {
                    for token in &page.data {
                        tokens.push(&mut out, token)?;
                    }
                    tokens.finish(&mut out)?;
                    out.flush()?;
                    // The table has no room for the cursor; say how to go on where a person
                    // reads it, and keep stdout to the table. The page itself was fine, so a
                    // link that cannot be followed is only a note, as it is in the JSON.
                    match PageCursor::next_of(&page) {
                        Ok(Some(next)) => {
                            if let Some(token) = next.page_token() {
                                let token = output::printable(token);
                                say!("next page: --page-token {token}");
                            }
                        }
                        Ok(None) => {}
                        Err(error) => {
                            say!("note: no next page: {error}");
                        }
                    }
                }
            }
        }
        Command::Help => unreachable!("help is answered before running"),
    }
    out.flush()?;
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

/// Writes one token: as a JSON object, or as a table of one row.
fn write_one(
    out: &mut impl Write,
    tokens: &mut TokenWriter,
    token: &ConferenceToken,
    pretty: bool,
) -> io::Result<()> {
    match tokens.output {
        Output::Json => write_json(out, token, pretty),
        Output::Table => {
            tokens.push(out, token)?;
            tokens.finish(out)
        }
    }
}

/// Writes every token of `stream` as it arrives, one page of them in memory at a time, with a
/// progress line on stderr while the next page is on its way.
async fn write_every_token(
    out: &mut impl Write,
    tokens: &mut TokenWriter,
    mut stream: signalwire_conference_tokens::ConferenceTokens,
    mut progress: Progress,
) -> Result<(), Failure> {
    let mut count: u64 = 0;
    loop {
        // Nothing buffered means the next poll fetches a page: show what has arrived so far
        // before waiting for it.
        if stream.size_hint().0 == 0 {
            out.flush()?;
            if stream.pages_fetched() > 0 {
                tracing::debug!(
                    pages = stream.pages_fetched(),
                    tokens = count,
                    "page written"
                );
            }
            progress.show(stream.pages_fetched(), count);
        }
        let next = stream.try_next().await;
        progress.clear();
        match next? {
            Some(token) => {
                tokens.push(out, &token)?;
                count += 1;
            }
            None => break,
        }
    }
    tokens.finish(out)?;
    Ok(())
}
