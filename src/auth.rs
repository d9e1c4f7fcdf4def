//! HTTP Basic authentication: the project ID as user name, the API token as password.
//!
//! The generated client knows nothing of authentication (progenitor ignores the document's
//! `securitySchemes`), so the transport adds the header built here to every request. The
//! checks below run once, when the client is built, so that a mistyped credential fails with
//! a message that names the setting instead of as a 401 from the server.

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::error::Error;

/// The project ID and API token, and the `Authorization` header made from them.
#[derive(Clone)]
pub(crate) struct Credentials {
    project_id: Uuid,
    api_token: SecretString,
    header: HeaderValue,
    /// The API token as a server may echo it back, where that differs from the token: see
    /// [`echoed_forms`].
    echoed_tokens: Vec<SecretString>,
}

impl Credentials {
    /// Checks both credentials and builds the header.
    ///
    /// `project_setting` and `token_setting` name where the values came from (a builder method
    /// or an environment variable), so that an error points at the right place.
    pub(crate) fn new(
        project_id: &str,
        project_setting: &str,
        api_token: &SecretString,
        token_setting: &str,
    ) -> Result<Self, Error> {
        let project_id = parse_project_id(project_id, project_setting)?;
        check_api_token(api_token.expose_secret(), token_setting)?;

        let user = project_id.hyphenated().to_string();
        let header = basic_authorization(&user, api_token.expose_secret());
        Ok(Self {
            project_id,
            api_token: api_token.clone(),
            header,
            echoed_tokens: echoed_forms(api_token.expose_secret()),
        })
    }

    /// The value of the `Authorization` header, marked sensitive so that `reqwest` and `hyper`
    /// never print it.
    pub(crate) fn authorization(&self) -> &HeaderValue {
        &self.header
    }

    pub(crate) fn project_id(&self) -> Uuid {
        self.project_id
    }

    /// The strings that must never appear in an error message or a log line: the API token,
    /// the Basic credentials that encode it (a server may echo the request's headers), and the
    /// token's escaped and percent-encoded forms.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        let basic = self
            .header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Basic "));
        let echoed = self.echoed_tokens.iter().map(ExposeSecret::expose_secret);
        [self.api_token.expose_secret(), basic.unwrap_or_default()]
            .into_iter()
            .chain(echoed)
            .collect()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("project_id", &self.project_id)
            .field("api_token", &"[redacted]")
            .finish()
    }
}

/// The project ID is the Basic user name, so it cannot contain `:`; SignalWire issues UUIDs,
/// and requiring one catches the common slip of pasting the space name or the API token here.
/// The value is not echoed back: a swapped token would otherwise end up in the message.
fn parse_project_id(value: &str, setting: &str) -> Result<Uuid, Error> {
    check_no_stray_characters(value, setting)?;
    if value.contains(':') && Uuid::try_parse(value).is_err() {
        return Err(Error::config(
            setting,
            "contains `:`, which HTTP Basic authentication cannot carry in a user name; \
             the project ID is a UUID",
        ));
    }
    Uuid::try_parse(value).map_err(|_| {
        Error::config(
            setting,
            "is not a UUID; copy the Project ID (like `a1b2c3d4-e5f6-...`) from the API page \
             of your SignalWire space",
        )
    })
}

/// Any character is allowed in the password part of Basic authentication (RFC 7617), `:`
/// included; only values that would be silently mangled on the way are refused.
fn check_api_token(value: &str, setting: &str) -> Result<(), Error> {
    check_no_stray_characters(value, setting)
}

fn check_no_stray_characters(value: &str, setting: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::config(setting, "is empty"));
    }
    if value.trim() != value {
        return Err(Error::config(
            setting,
            "starts or ends with white space, which would be sent as part of the credential; \
             remove it (often a newline copied along with the value)",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::config(
            setting,
            "contains a control character such as a newline or tab; remove it",
        ));
    }
    Ok(())
}

/// The forms in which a server may quote the API token back when the token holds more than
/// letters, digits and `-._~`. As JSON, as the common encoders write strings: `"` and `\`
/// escaped, everything outside ASCII as it is or as `\uXXXX` (Python's default) in either
/// case, optionally `/` as `\/` (PHP) and `<`, `>`, `&` as `\u003c`... (Go). And
/// percent-encoded (a URL in a `Location` or a page link), in either case.
fn echoed_forms(token: &str) -> Vec<SecretString> {
    let mut forms = Vec::new();
    for escapes in 0..12 {
        let non_ascii = [None, Some(false), Some(true)][escapes % 3];
        forms.push(json_string(
            token,
            non_ascii,
            escapes / 3 % 2 == 1,
            escapes / 6 == 1,
        ));
    }
    for upper in [false, true] {
        let mut percent = String::new();
        for byte in token.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                percent.push(char::from(byte));
            } else {
                percent.push_str(&hex_escape("%", u32::from(byte), 2, upper));
            }
        }
        forms.push(percent);
    }
    forms.sort();
    forms.dedup();
    forms.retain(|form| form != token);
    forms.into_iter().map(SecretString::from).collect()
}

/// `text` as the inside of a JSON string. `non_ascii`: `None` keeps such characters as they
/// are, `Some(upper)` writes them as `\u` escapes in that case of hex digit.
fn json_string(
    text: &str,
    non_ascii: Option<bool>,
    escape_slash: bool,
    escape_html: bool,
) -> String {
    let mut json = String::new();
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '/' if escape_slash => json.push_str("\\/"),
            '<' | '>' | '&' if escape_html => {
                json.push_str(&hex_escape("\\u", u32::from(c), 4, false))
            }
            ' '..='~' => json.push(c),
            _ => match non_ascii {
                None if !c.is_control() => json.push(c),
                upper => {
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        json.push_str(&hex_escape("\\u", u32::from(*unit), 4, upper == Some(true)));
                    }
                }
            },
        }
    }
    json
}

fn hex_escape(prefix: &str, value: u32, digits: usize, upper: bool) -> String {
    if upper {
        format!("{prefix}{value:0digits$X}")
    } else {
        format!("{prefix}{value:0digits$x}")
    }
}

/// `Basic base64(user ":" password)`, with the password's UTF-8 bytes as they are (RFC 7617
/// leaves the charset to the server; UTF-8 is what SignalWire and every browser send).
fn basic_authorization(user: &str, password: &str) -> HeaderValue {
    let mut credentials = Vec::with_capacity(user.len() + 1 + password.len());
    credentials.extend_from_slice(user.as_bytes());
    credentials.push(b':');
    credentials.extend_from_slice(password.as_bytes());

    let mut header = HeaderValue::try_from(format!("Basic {}", base64_encode(&credentials)))
        .expect("base64 output is always a valid header value");
    header.set_sensitive(true);
    header
}

/// Standard base64 with padding (RFC 4648, section 4). Written here rather than taken from a
/// crate because this header is its only use.
fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    let mut output = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let group = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if index <= chunk.len() {
                output.push(ALPHABET[(group >> shift & 0x3f) as usize] as char);
            } else {
                output.push('=');
            }
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_forms_cover_escaped_and_percent_encoded_tokens() {
        let forms = echoed_forms("PT:sëcret-ü\"/<");
        let forms: Vec<&str> = forms.iter().map(ExposeSecret::expose_secret).collect();

        for expected in [
            "PT%3As%C3%ABcret-%C3%BC%22%2F%3C",
            "PT%3as%c3%abcret-%c3%bc%22%2f%3c",
            "PT:sëcret-ü\\\"/<",
            "PT:s\\u00EBcret-\\u00FC\\\"/<",
            "PT:s\\u00ebcret-\\u00fc\\\"/<",
            "PT:sëcret-ü\\\"\\/<",
            "PT:sëcret-ü\\\"/\\u003c",
            "PT:s\\u00ebcret-\\u00fc\\\"\\/\\u003c",
        ] {
            assert!(
                forms.contains(&expected),
                "{expected} missing from {forms:?}"
            );
        }
        assert_eq!(forms.len(), 14);
        assert!(echoed_forms("PTabc123-_.~").is_empty());
    }

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in vectors {
            assert_eq!(base64_encode(input.as_bytes()), expected, "input {input:?}");
        }
    }

    #[test]
    fn header_encodes_colons_and_non_ascii_in_the_password() {
        let header = basic_authorization("user", "p:ä");

        // "user:p:ä" is 75 73 65 72 3a 70 3a c3 a4.
        assert_eq!(header.to_str().unwrap(), "Basic dXNlcjpwOsOk");
        assert!(header.is_sensitive());
    }

    #[test]
    fn debug_shows_the_project_but_not_the_token() {
        let token = SecretString::from("PT-very-secret");
        let credentials = Credentials::new(
            "c22d24f6-5a47-4597-9a23-c7d01e696b92",
            "project_id",
            &token,
            "api_token",
        )
        .unwrap();

        let debug = format!("{credentials:?}");
        assert_eq!(
            debug,
            "Credentials { project_id: c22d24f6-5a47-4597-9a23-c7d01e696b92, \
             api_token: \"[redacted]\" }"
        );
    }

    #[test]
    fn bad_project_ids_name_the_setting_and_never_echo_the_value() {
        let token = SecretString::from("PT-token");
        let cases = [
            ("", "is empty"),
            (
                " c22d24f6-5a47-4597-9a23-c7d01e696b92",
                "starts or ends with white space",
            ),
            (
                "c22d24f6-5a47-4597-9a23-c7d01e696b92\n",
                "starts or ends with white space",
            ),
            ("c22d:24f6", "contains `:`"),
            ("PT-secret-pasted-here", "is not a UUID"),
        ];
        for (value, expected) in cases {
            let err =
                Credentials::new(value, "SIGNALWIRE_PROJECT_ID", &token, "api_token").unwrap_err();
            let message = err.to_string();
            assert!(message.contains("SIGNALWIRE_PROJECT_ID"), "{message}");
            assert!(message.contains(expected), "{value:?}: {message}");
            if !value.trim().is_empty() {
                assert!(!message.contains(value.trim()), "{message}");
            }
        }
    }

    #[test]
    fn bad_api_tokens_are_refused_without_echoing_them() {
        let project = "c22d24f6-5a47-4597-9a23-c7d01e696b92";
        let cases = [
            ("", "is empty"),
            ("PT-secret ", "starts or ends with white space"),
            ("PT-sec\nret", "contains a control character"),
        ];
        for (value, expected) in cases {
            let token = SecretString::from(value);
            let err = Credentials::new(project, "project_id", &token, "api_token").unwrap_err();
            let message = err.to_string();
            assert!(message.contains("api_token"), "{message}");
            assert!(message.contains(expected), "{value:?}: {message}");
            assert!(!message.contains("PT-sec"), "{message}");
        }
    }
}
