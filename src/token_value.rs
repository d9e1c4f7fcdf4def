//! The secret value of a conference token, kept out of logs and error messages.
//!
//! The document names this schema `TokenValue`; `build.rs` tells the generator to use this
//! hand-written type for it, so every generated type that carries a token value
//! ([`ConferenceToken`](crate::ConferenceToken) among them) prints `[redacted]` in its `Debug`
//! output instead of the secret.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The secret string a participant presents to join a conference, such as `vpt_62c6…`.
///
/// `Debug` shows `TokenValue([redacted])`; there is no `Display`. Read the value with
/// [`expose_secret`](Self::expose_secret) where you hand it on, and nowhere else.
/// Serializing a `TokenValue` writes the real value: serialization is how a program passes the
/// token to its participants, so it is an explicit act, not an accident of logging.
///
/// ```
/// use signalwire_conference_tokens::TokenValue;
///
/// let value = TokenValue::new("vpt_62c65414de4d067d07415a7ced8183be");
/// assert_eq!(format!("{value:?}"), "TokenValue([redacted])");
/// assert_eq!(value.expose_secret(), "vpt_62c65414de4d067d07415a7ced8183be");
/// ```
#[derive(Clone)]
pub struct TokenValue(SecretString);

impl TokenValue {
    /// Wraps a token value, for tests and for values that come from elsewhere.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for TokenValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenValue([redacted])")
    }
}

impl PartialEq for TokenValue {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for TokenValue {}

impl From<String> for TokenValue {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for TokenValue {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl Serialize for TokenValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl<'de> Deserialize<'de> for TokenValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SecretString::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value_and_serde_round_trips_it() {
        let value: TokenValue = serde_json::from_str("\"vpt_secret\"").unwrap();

        assert_eq!(format!("{value:?}"), "TokenValue([redacted])");
        assert_eq!(format!("{value:#?}"), "TokenValue([redacted])");
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"vpt_secret\"");
        assert_eq!(value, TokenValue::new("vpt_secret"));
    }
}
