//! A typed async client for the conference-token endpoints of SignalWire's Video REST API.
#![warn(missing_docs)]

mod auth;
mod client;
mod config;
mod error;
pub mod generated;
mod paging;
mod token_value;
mod transport;

pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, env,
};
pub use error::{Error, ErrorKind, ServerMessage};
pub use generated::types::{ConferenceToken, ConferenceTokenPage, ErrorBody, ErrorItem, PageLinks};
pub use paging::{ConferenceTokens, DEFAULT_MAX_PAGES, ListConferenceTokens, MAX_PAGE_SIZE, PageCursor};
pub use reqwest::StatusCode;
pub use token_value::TokenValue;
pub use uuid::Uuid;
