//! Feeds arbitrary bytes, under an arbitrary status, to the code that turns a response the
//! client did not expect into an error message: the error-body parser for the three
//! documented shapes, the snippet of non-JSON bodies, and the decoder of success bodies.
//!
//! The first two bytes choose the status; the rest is the body. Beyond not panicking, every
//! message must stay short and must not contain the API token, even when the body quotes it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use signalwire_conference_tokens::fuzzing::describe_response;

const SECRET: &str = "PT-fuzz-secret";

fuzz_target!(|input: &[u8]| {
    let Some((status, body)) = input.split_first_chunk::<2>() else {
        return;
    };
    let status = 100 + u16::from_le_bytes(*status) % 500;

    if let Err(message) = describe_response(status, Some("application/json"), body, &[SECRET]) {
        assert!(!message.contains(SECRET), "the API token leaked: {message}");
        assert!(message.chars().count() < 4000, "{} characters", message.chars().count());
    }
});
