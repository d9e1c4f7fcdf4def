//! How the `conference_tokens` tool writes tokens: JSON that streams, a table for people, and
//! a progress line for long listings.
//!
//! It is a file of its own so that `tests/cli.rs` can include it and run its unit tests: the
//! tests of an example's own file run only when the example is built as a test, and then cargo
//! no longer builds the binary that `tests/cli.rs` runs.

// Not every item is used by each file that includes this one.
#![allow(dead_code)]

use std::io::{self, Write};
use std::time::{Duration, Instant};

use serde::Serialize;
use signalwire_conference_tokens::ConferenceToken;

/// How results are written to stdout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Output {
    /// JSON: indented, or all on one line.
    Json,
    /// A table for people, with token values masked.
    Table,
}

/// How long `list --all` runs before it shows its progress on stderr: shorter listings finish
/// before anyone would look.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

pub fn write_json(out: &mut impl Write, value: &impl Serialize, pretty: bool) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, value)?;
    } else {
        serde_json::to_writer(&mut *out, value)?;
    }
    writeln!(out)
}

/// Writes a sequence of tokens without holding them: a JSON array whose text is the same as
/// if the whole array had been serialized at once, or table rows under one header.
///
/// Table columns have fixed widths so that rows written before later pages arrive still line
/// up: a long name is cut, and the scopes, the only column without a limit, come last.
pub struct TokenWriter {
    pub output: Output,
    pretty: bool,
    written: usize,
}

/// Table columns: the width of a UUID, of a name before it is cut, and of a masked token.
const ID_WIDTH: usize = 36;
const NAME_WIDTH: usize = 24;
const TOKEN_WIDTH: usize = 9;
/// How many characters of a token value the table shows.
const TOKEN_SHOWN: usize = 8;

impl TokenWriter {
    pub fn new(output: Output, pretty: bool) -> Self {
        Self {
            output,
            pretty,
            written: 0,
        }
    }

    pub fn push(&mut self, out: &mut impl Write, token: &ConferenceToken) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        match (self.output, self.pretty) {
            (Output::Json, false) => {
                out.write_all(if first { b"[" } else { b"," })?;
                serde_json::to_writer(&mut *out, token)?;
            }
            (Output::Json, true) => {
                out.write_all(if first { b"[\n" } else { b",\n" })?;
                let json = serde_json::to_string_pretty(token)?;
                let mut lines = json.lines().peekable();
                while let Some(line) = lines.next() {
                    write!(out, "  {line}")?;
                    if lines.peek().is_some() {
                        out.write_all(b"\n")?;
                    }
                }
            }
            (Output::Table, _) => {
                if first {
                    write_row(out, "ID", "NAME", "TOKEN", "SCOPES")?;
                }
                let scopes = if token.scopes.is_empty() {
                    "<none>".to_owned()
                } else {
                    token.scopes.join(",")
                };
                write_row(
                    out,
                    &token.id.to_string(),
                    &cut(token.name.as_deref().unwrap_or("<none>"), NAME_WIDTH),
                    &mask(token.token.expose_secret()),
                    &printable(&scopes),
                )?;
            }
        }
        Ok(())
    }

    /// Closes the array, or writes the header of a table that got no rows.
    pub fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        match (self.output, self.pretty, self.written) {
            (Output::Json, _, 0) => out.write_all(b"[]\n"),
            (Output::Json, false, _) => out.write_all(b"]\n"),
            (Output::Json, true, _) => out.write_all(b"\n]\n"),
            (Output::Table, _, 0) => write_row(out, "ID", "NAME", "TOKEN", "SCOPES"),
            (Output::Table, _, _) => Ok(()),
        }
    }
}

fn write_row(
    out: &mut impl Write,
    id: &str,
    name: &str,
    token: &str,
    scopes: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "{id:<ID_WIDTH$}  {name:<NAME_WIDTH$}  {token:<TOKEN_WIDTH$}  {scopes}"
    )
}

/// The first characters of a secret and `…`: enough to tell tokens apart, too few to use one.
/// A short value shows at most half of itself.
fn mask(value: &str) -> String {
    let shown = TOKEN_SHOWN.min(value.chars().count() / 2);
    let mut masked = printable(&value.chars().take(shown).collect::<String>());
    masked.push('…');
    masked
}

/// `text` made printable and cut to `width` characters, ending in `…` when cut.
fn cut(text: &str, width: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= width {
        return text;
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// Control characters from the service would break the table's lines or drive the terminal,
/// and bidirectional overrides would reorder what it shows; all of them are shown escaped.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            let reorders = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || reorders {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A line on stderr that tells how far a long listing has come, redrawn in place.
pub struct Progress {
    enabled: bool,
    started: Instant,
    shown: bool,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            started: Instant::now(),
            shown: false,
        }
    }

    pub fn show(&mut self, pages: u64, tokens: u64) {
        if !self.enabled || pages == 0 || self.started.elapsed() < PROGRESS_AFTER {
            return;
        }
        // Carriage return and "erase line", so the line is replaced rather than repeated.
        let _ = write!(io::stderr(), "\r\x1b[2K{}", progress_text(pages, tokens));
        self.shown = true;
    }

    /// Removes the line, so that what comes next on the terminal starts on a clean line.
    pub fn clear(&mut self) {
        if self.shown {
            let _ = write!(io::stderr(), "\r\x1b[2K");
            self.shown = false;
        }
    }
}

/// Such as `fetched 3 pages, 2,500 tokens`.
fn progress_text(pages: u64, tokens: u64) -> String {
    let plural = |n: u64, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{} {word}s", thousands(n))
        }
    };
    format!(
        "fetched {}, {}",
        plural(pages, "page"),
        plural(tokens, "token")
    )
}

/// `n` with commas between groups of three digits.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(n: u32, name: Option<&str>, scopes: &[&str]) -> ConferenceToken {
        ConferenceToken {
            id: format!("00000000-0000-4000-8000-{n:012}").parse().unwrap(),
            name: name.map(str::to_owned),
            token: format!("vpt_{n:032x}").into(),
            scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
        }
    }

    fn written(output: Output, pretty: bool, tokens: &[ConferenceToken]) -> String {
        let mut out = Vec::new();
        let mut writer = TokenWriter::new(output, pretty);
        for token in tokens {
            writer.push(&mut out, token).unwrap();
        }
        writer.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn streamed_json_is_the_text_of_the_whole_array() {
        let tokens = [
            token(1, Some("One"), &["a"]),
            token(2, None, &[]),
            token(3, Some("Three"), &["a", "b"]),
        ];
        for count in 0..=tokens.len() {
            let tokens = &tokens[..count];

            let compact = written(Output::Json, false, tokens);
            let pretty = written(Output::Json, true, tokens);

            assert_eq!(compact, serde_json::to_string(tokens).unwrap() + "\n");
            assert_eq!(pretty, serde_json::to_string_pretty(tokens).unwrap() + "\n");
        }
    }

    #[test]
    fn single_values_are_indented_only_when_pretty() {
        let mut compact = Vec::new();
        let mut pretty = Vec::new();
        let value = token(7, Some("Seven"), &["a"]);

        write_json(&mut compact, &value, false).unwrap();
        write_json(&mut pretty, &value, true).unwrap();

        assert_eq!(
            String::from_utf8(compact).unwrap(),
            r#"{"id":"00000000-0000-4000-8000-000000000007","name":"Seven","scopes":["a"],"token":"vpt_00000000000000000000000000000007"}
"#
        );
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            r#"{
  "id": "00000000-0000-4000-8000-000000000007",
  "name": "Seven",
  "scopes": [
    "a"
  ],
  "token": "vpt_00000000000000000000000000000007"
}
"#
        );
    }

    #[test]
    fn tables_mask_tokens_and_cut_long_names() {
        let tokens = [
            token(
                1,
                Some("A name longer than twenty-four"),
                &["room.a", "room.b"],
            ),
            token(2, None, &[]),
            token(3, Some("tab\there"), &["x"]),
        ];

        let table = written(Output::Table, false, &tokens);
        let empty = written(Output::Table, true, &[]);

        assert_eq!(
            table,
            "ID                                    NAME                      TOKEN      SCOPES\n\
             00000000-0000-4000-8000-000000000001  A name longer than twen…  vpt_0000…  room.a,room.b\n\
             00000000-0000-4000-8000-000000000002  <none>                    vpt_0000…  <none>\n\
             00000000-0000-4000-8000-000000000003  tab\\there                 vpt_0000…  x\n"
        );
        assert_eq!(
            empty,
            "ID                                    NAME                      TOKEN      SCOPES\n"
        );
    }

    #[test]
    fn masks_never_show_more_than_half_of_a_value() {
        assert_eq!(mask("vpt_62c65414de4d067d07415a7ced8183be"), "vpt_62c6…");
        assert_eq!(mask("12345678"), "1234…");
        assert_eq!(mask("x"), "…");
        assert_eq!(mask("\u{1b}[2Jvpt_1234567"), "\\u{1b}[2Jvpt…");
        assert_eq!(printable("a\u{202e}b\tc"), "a\\u{202e}b\\tc");
        assert_eq!(mask(""), "…");
    }

    #[test]
    fn progress_counts_with_separators_and_singulars() {
        assert_eq!(progress_text(3, 2500), "fetched 3 pages, 2,500 tokens");
        assert_eq!(progress_text(1, 1), "fetched 1 page, 1 token");
        assert_eq!(progress_text(1200, 0), "fetched 1,200 pages, 0 tokens");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(0), "0");
    }
}
