//! Request paths: how a parameter is written into one, and how one is shown in logs.
//!
//! Kept apart from the transport because the generated code calls [`PathSegment`] (put there
//! by `build/adjust.rs`) while the transport's spans and events use the other two.

use std::fmt::{self, Write as _};

/// A path parameter, percent-encoded while it is written into the request URL.
///
/// progenitor writes `encode_path(&value.to_string())` for every path parameter, which builds
/// two strings per parameter and call; `build/adjust.rs` puts this type in its place. It
/// encodes exactly the bytes that `progenitor_client::encode_path` encodes: controls,
/// everything outside ASCII, space, and ``"#<>?`{}/%``, as `%XX` in upper case.
pub(crate) struct PathSegment<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: fmt::Display + ?Sized> fmt::Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encoder(f), "{}", self.0)
    }
}

/// Percent-encodes what is written through it into the formatter it wraps.
struct Encoder<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for Encoder<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let bytes = text.as_bytes();
        // Ids are the usual parameter and never need encoding; a check without an early exit
        // compiles to a few vector instructions for a whole UUID.
        if !bytes.iter().fold(false, |any, &b| any | needs_encoding(b)) {
            return self.0.write_str(text);
        }

        let mut start = 0;
        // A character outside ASCII is encoded whole, so a run of bytes that stay as they are
        // begins and ends on character boundaries (an empty run may not: it is skipped).
        while let Some(offset) = bytes[start..].iter().position(|&b| needs_encoding(b)) {
            let at = start + offset;
            if at > start {
                self.0.write_str(&text[start..at])?;
            }
            let hex = b"0123456789ABCDEF";
            let byte = bytes[at];
            let encoded = [
                b'%',
                hex[usize::from(byte >> 4)],
                hex[usize::from(byte & 0xf)],
            ];
            self.0
                .write_str(std::str::from_utf8(&encoded).expect("ASCII"))?;
            start = at + 1;
        }
        match &text[start..] {
            "" => Ok(()),
            rest => self.0.write_str(rest),
        }
    }
}

/// Whether a path segment may not hold `byte` as it is (progenitor's `PATH_SET`): controls,
/// space, everything outside ASCII, and ``"#<>?`{}/%``.
fn needs_encoding(byte: u8) -> bool {
    matches!(
        byte,
        0x00..=0x20 | 0x7f..=0xff
            | b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The request path with every id replaced by `{id}`, for logs that must not identify tokens.
///
/// It is worked out only when written, so a span or event that nobody collects costs nothing.
pub(crate) struct PathTemplate<'a>(pub(crate) &'a str);

impl fmt::Display for PathTemplate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, segment) in self.0.split('/').enumerate() {
            if index > 0 {
                f.write_char('/')?;
            }
            if uuid::Uuid::try_parse(segment).is_ok() {
                f.write_str("{id}")?;
            } else {
                f.write_str(segment)?;
            }
        }
        Ok(())
    }
}

/// A transport error as logs show it: reqwest quotes the request's URL, and the ids in it
/// become `{id}` as in [`PathTemplate`].
pub(crate) struct ErrorWithoutIds<'a>(pub(crate) &'a reqwest::Error);

impl fmt::Display for ErrorWithoutIds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        match self.0.url() {
            Some(url) => {
                let path = PathTemplate(url.path()).to_string();
                f.write_str(&text.replace(url.path(), &path))
            }
            None => f.write_str(&text),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn segments_are_encoded_as_progenitor_encodes_them() {
        let id = uuid::Uuid::from_u128(0xc22d24f6_5a47_4597_9a23_c7d01e696b92);
        assert_eq!(
            PathSegment(&id).to_string(),
            "c22d24f6-5a47-4597-9a23-c7d01e696b92"
        );
        assert_eq!(PathSegment("a b/c%d").to_string(), "a%20b%2Fc%25d");
        assert_eq!(PathSegment("é?").to_string(), "%C3%A9%3F");
        assert_eq!(PathSegment("\u{7f}~").to_string(), "%7F~");
        for text in ["", "plain", "#<>`{}\"", "tab\there", "ünï©ødé/π", "%2F"] {
            assert_eq!(
                PathSegment(text).to_string(),
                progenitor_client::encode_path(text),
                "{text:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_text_is_encoded_as_progenitor_encodes_it(text in any::<String>()) {
            prop_assert_eq!(PathSegment(&text).to_string(), progenitor_client::encode_path(&text));
        }
    }

    #[test]
    fn path_templates_hide_ids() {
        assert_eq!(
            PathTemplate("/api/video/conference_tokens/c22d24f6-5a47-4597-9a23-c7d01e696b92/reset")
                .to_string(),
            "/api/video/conference_tokens/{id}/reset"
        );
        assert_eq!(
            PathTemplate("/proxy/api/video/conferences").to_string(),
            "/proxy/api/video/conferences"
        );
        assert_eq!(PathTemplate("/").to_string(), "/");
    }
}
