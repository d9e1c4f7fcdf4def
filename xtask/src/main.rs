//! `cargo xtask`: the workspace's automation, run through the alias in `.cargo/config.toml`.
//!
//! One subcommand so far, `spec-check`, which validates `openapi/conference-tokens.yaml`
//! (see `xtask/README.md`). Arguments are parsed by hand: there are four, and a command-line
//! parser crate would cost more build time than it saves.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use xtask::spec_check::{self, Options, Severity, Tally};

const USAGE: &str = "\
usage: cargo xtask spec-check [--spec PATH] [--format human|json] [--against GIT_REV]
                              [--allow-breaking]

  --spec PATH        the OpenAPI document (default: openapi/conference-tokens.yaml in the
                     workspace)
  --format FORMAT    `human` (default): one finding a line and a summary;
                     `json`: an array of findings
  --against GIT_REV  compare with the document at this revision (default: the latest tag,
                     else the version before the last change of the document)
  --allow-breaking   report breaking changes as warnings instead of errors";

/// Why the command failed; printed by the runtime as `Error: ...`.
struct Failure(String);

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

fn main() -> Result<ExitCode, Failure> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("spec-check") => spec_check_command(args.collect()),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(Failure(format!("unknown command `{other}`\n{USAGE}"))),
        None => Err(Failure(format!("no command given\n{USAGE}"))),
    }
}

fn spec_check_command(args: Vec<String>) -> Result<ExitCode, Failure> {
    let mut options = Options {
        spec: spec_check::workspace_root().join(spec_check::DEFAULT_SPEC),
        against: None,
        allow_breaking: false,
    };
    let mut format = Format::Human;

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| Failure(format!("`{name}` needs a value\n{USAGE}")))
        };
        match arg.as_str() {
            "--spec" => options.spec = PathBuf::from(value("--spec")?),
            "--against" => options.against = Some(value("--against")?),
            "--allow-breaking" => options.allow_breaking = true,
            "--format" => {
                format = match value("--format")?.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    other => {
                        return Err(Failure(format!(
                            "unknown format `{other}`; use `human` or `json`"
                        )));
                    }
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(Failure(format!("unknown argument `{other}`\n{USAGE}"))),
        }
    }

    let report = spec_check::run(&options).map_err(Failure)?;
    let tally = Tally::of(&report.findings);
    match format {
        Format::Human => {
            for finding in &report.findings {
                println!("{}", finding.to_human(&report.display_path));
            }
            println!("{}", tally.summary(&report.display_path));
        }
        Format::Json => {
            let array: Vec<_> = report.findings.iter().map(|f| f.to_json()).collect();
            let text =
                serde_json::to_string_pretty(&array).map_err(|err| Failure(err.to_string()))?;
            println!("{text}");
            // Keep stdout pure JSON; the summary goes to stderr.
            eprintln!("{}", tally.summary(&report.display_path));
        }
    }

    if report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        Err(Failure(format!(
            "spec-check found {} {}; see the findings above",
            tally.errors,
            if tally.errors == 1 { "error" } else { "errors" }
        )))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
