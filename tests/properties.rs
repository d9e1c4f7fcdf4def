//! Property tests over the two places where the service's bytes meet the client's logic: the
//! decoding of response bodies and the cursor taken out of `links.next`.

use proptest::prelude::*;
use signalwire_conference_tokens::{PageCursor, fuzzing};

const SECRET: &str = "PT-property-secret";

/// Percent-encodes everything outside RFC 3986's unreserved set, as a server building a link
/// would.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// JSON values up to a few levels deep, with keys the client knows mixed in.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from(
            "c22d24f6-5a47-4597-9a23-c7d01e696b92"
        )),
        Just(serde_json::Value::from(SECRET)),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let key = prop_oneof![
            Just("id".to_owned()),
            Just("name".to_owned()),
            Just("token".to_owned()),
            Just("scopes".to_owned()),
            Just("errors".to_owned()),
            Just("error".to_owned()),
            Just("message".to_owned()),
            Just("code".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key, inner, 0..5)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_percent_encoded_cursor_survives_the_link(cursor in "\\PC{1,40}", number in 0u32..1000) {
        let link = format!("https://example.signalwire.com/api/x?page_number={number}&page_token={}", encode(&cursor));

        let parsed = PageCursor::from_link(&link).unwrap();

        prop_assert_eq!(parsed.page_token(), Some(cursor.as_str()));
        prop_assert_eq!(parsed.page_number(), Some(number));
    }

    #[test]
    fn literal_plus_slash_and_equals_stay_as_they_are(cursor in "P[A-Za-z0-9+/=]{0,40}") {
        let link = format!("/api/x?page_token={cursor}&page_size=50");

        let parsed = PageCursor::from_link(&link).unwrap();

        prop_assert_eq!(parsed.page_token(), Some(cursor.as_str()));
        prop_assert_eq!(parsed.page_size(), Some(50));
    }

    #[test]
    fn a_body_that_quotes_the_api_token_never_leaks_it(
        status in 200u16..600,
        before in ".{0,40}",
        after in ".{0,40}",
    ) {
        let body = format!("{before}{SECRET}{after}");

        let outcome = fuzzing::describe_response(status, Some("text/html"), body.as_bytes(), &[SECRET]);

        if let Err(message) = outcome {
            prop_assert!(!message.contains(SECRET), "{}", message);
        }
    }

    #[test]
    fn arbitrary_links_never_panic(link in ".{0,80}") {
        let _ = PageCursor::from_link(&link);
    }

    #[test]
    fn any_json_body_decodes_or_explains_without_the_secret(
        status in prop::sample::select(vec![200u16, 400, 401, 403, 404, 422, 429, 500, 502, 503]),
        value in json_value(),
    ) {
        let body = value.to_string();

        let outcome = fuzzing::describe_response(status, Some("application/json"), body.as_bytes(), &[SECRET]);

        match outcome {
            Ok(id) => {
                prop_assert_eq!(status, 200);
                prop_assert_eq!(id, "c22d24f6-5a47-4597-9a23-c7d01e696b92");
            }
            Err(message) => {
                prop_assert!(message.starts_with("get_conference_token: "), "{}", message);
                prop_assert!(message.contains(&status.to_string()), "{}", message);
                prop_assert!(!message.contains(SECRET), "{}", message);
            }
        }
    }

    #[test]
    fn long_server_messages_are_shortened(length in 300usize..4_000, count in 1usize..12) {
        let item = serde_json::json!({"code": "c", "message": "m".repeat(length)});
        let body = serde_json::json!({"errors": vec![item; count]}).to_string();

        let message = fuzzing::describe_response(400, None, body.as_bytes(), &[]).unwrap_err();

        prop_assert!(message.chars().count() < 1200, "{} characters", message.chars().count());
    }

    #[test]
    fn any_bytes_decode_or_explain_without_panicking(
        status in 200u16..600,
        body in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let outcome = fuzzing::describe_response(status, None, &body, &[SECRET]);

        if let Err(message) = outcome {
            prop_assert!(message.len() < 2000, "messages stay short: {}", message.len());
        }
    }
}
