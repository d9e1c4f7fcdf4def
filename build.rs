//! Generates the HTTP client from `openapi/conference-tokens.yaml` into `OUT_DIR`.
//!
//! The OpenAPI document is the single source of truth for paths, parameters and types: this
//! script reads it, hands it to progenitor and writes formatted Rust that `src/generated.rs`
//! includes. Editing the document regenerates the client on the next build.
//!
//! progenitor reports some documents it cannot digest by panicking deep inside its code.
//! A build that fails that way would print a backtrace that says nothing about the document,
//! so the generation below catches those panics and reports them, with the document's path,
//! as an ordinary build error. `cargo xtask spec-check` reuses [`generate_client`] through a
//! `#[path]` module so that it proves exactly what the build will do.

#[path = "build/adjust.rs"]
mod adjust;

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

/// The document, relative to the package root.
const SPEC_PATH: &str = "openapi/conference-tokens.yaml";

#[allow(dead_code)] // Unused when the xtask includes this file as a module.
fn main() {
    println!("cargo:rerun-if-changed={SPEC_PATH}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/adjust.rs");

    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let with_mocks = std::env::var_os("CARGO_FEATURE_MOCK").is_some();

    let result = std::fs::read_to_string(SPEC_PATH)
        .map_err(|err| format!("cannot read the document: {err}"))
        .and_then(|text| generate_client(&text, with_mocks));
    let generated = match result {
        Ok(generated) => generated,
        Err(problem) => {
            // Cargo shows a failed build script's stderr; `exit` avoids a second, useless
            // panic backtrace pointing at this file.
            eprintln!("error: {SPEC_PATH}: {problem}");
            eprintln!("help: run `cargo xtask spec-check` for a full report on the document");
            std::process::exit(1);
        }
    };

    let out_dir = Path::new(&out_dir);
    write(&out_dir.join("client.rs"), &generated.client);
    if let Some(mocks) = &generated.mocks {
        write(&out_dir.join("mocks.rs"), mocks);
    }
}

#[allow(dead_code)] // Unused when the xtask includes this file as a module.
fn write(path: &Path, contents: &str) {
    if let Err(err) = std::fs::write(path, contents) {
        eprintln!("error: cannot write {}: {err}", path.display());
        std::process::exit(1);
    }
}

/// Rust source generated from the document.
pub struct GeneratedCode {
    /// The client and its types.
    pub client: String,
    /// Typed httpmock helpers, when they were asked for.
    pub mocks: Option<String>,
}

/// Parses the YAML `text` as OpenAPI 3.0 and generates the client (and, with `with_mocks`,
/// the httpmock helpers), returning a one-line description of the problem on failure.
pub fn generate_client(text: &str, with_mocks: bool) -> Result<GeneratedCode, String> {
    let spec: openapiv3::OpenAPI = serde_yaml_ng::from_str(text)
        .map_err(|err| format!("not an OpenAPI 3.0 document: {err}"))?;

    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote_tokens("crate::transport::Transport")?)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq")
        // The conference token's secret is a hand-written type whose `Debug` redacts it.
        .with_replacement("TokenValue", "crate::TokenValue", std::iter::empty());

    let client = catch_generator_panic(|| {
        let mut generator = progenitor::Generator::new(&settings);
        generator.generate_tokens(&spec)
    })?;
    let client = format_tokens(client, adjust::adjust_client)?;

    let mocks = if with_mocks {
        Some(
            catch_generator_panic(|| {
                let mut generator = progenitor::Generator::new(&settings);
                generator.httpmock(&spec, "crate::generated")
            })
            .and_then(|mocks| format_tokens(mocks, |_| ())),
        )
    } else {
        None
    };

    Ok(GeneratedCode {
        client,
        mocks: mocks.transpose()?,
    })
}

fn quote_tokens(path: &str) -> Result<proc_macro2::TokenStream, String> {
    path.parse()
        .map_err(|err| format!("bad inner type path `{path}`: {err}"))
}

/// Parses generated tokens, applies `adjust` to the syntax tree and formats it as Rust
/// source, or explains why the tokens are not valid Rust.
fn format_tokens(
    tokens: proc_macro2::TokenStream,
    adjust: impl FnOnce(&mut syn::File),
) -> Result<String, String> {
    let mut file = syn::parse2::<syn::File>(tokens)
        .map_err(|err| format!("the generator produced invalid Rust: {err}"))?;
    adjust(&mut file);
    Ok(prettyplease::unparse(&file))
}

/// Runs the generator, turning both its errors and its panics into messages.
fn catch_generator_panic<T>(
    generate: impl FnOnce() -> Result<T, progenitor::Error>,
) -> Result<T, String> {
    // The default hook would print "thread main panicked at progenitor-impl/..." before we can
    // explain; silence it for the duration of the call.
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(generate));
    panic::set_hook(previous_hook);

    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(format!("the generator refused the document: {err}")),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            Err(format!(
                "the generator panicked on the document ({detail}); it accepts at most one \
                 success schema and one error schema per operation, no `$ref` path items and \
                 no cookie parameters"
            ))
        }
    }
}
