//! 明白 (mingbai): a resident legal-help service.
//!
//! The engine (everything but `http`) knows nothing about HTTP: a message goes
//! through [`text`] (normalize, segment), [`search`] (the knowledge index built from
//! [`corpus`]), [`triage`] (the rhai rules) and [`dialog`] (compose the reply, store the
//! turn in [`store`]). [`service::Service`] ties them together for the CLI and the web.

pub mod api;
pub mod cases;
pub mod channels;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod dialog;
pub mod directory;
pub mod files;
pub mod http;
pub mod quality;
pub mod search;
pub mod service;
pub mod store;
pub mod text;
pub mod triage;
pub mod vocab;
