//! What depending on the crate costs a downstream build, against bare reqwest and serde.
//!
//! Two tiny programs are written under `target/bench-build/`: one builds this crate's client
//! and calls `get_conference_token` once, the other makes the same call with reqwest and
//! serde. Each gets its own `CARGO_TARGET_DIR`, which is deleted before each timed
//! `cargo build --release` (two per program, in the order floor, ours, ours, floor), and the
//! crate's `Cargo.lock` so that both resolve to the versions the crate is tested with. The
//! crate is copied (sources, build script, document) so that touching the copy's OpenAPI
//! document times a regeneration without touching the working tree. Both programs are then
//! run once against the canned server to prove they work.
//!
//! Left out: incremental debug builds and `cargo check`, which users also feel but which
//! depend far more on their editor set-up than on this crate.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::server;

/// No single cargo command of this module may take longer.
const COMMAND_LIMIT: Duration = Duration::from_secs(40 * 60);

/// One timed build, or the mean of several.
#[derive(Clone, Debug)]
pub struct Build {
    /// Wall time of the `cargo build` (the mean, when there were several).
    pub seconds: f64,
    /// The time of each build the mean was taken over.
    pub runs: Vec<f64>,
    /// Distinct packages compiled.
    pub packages: usize,
    /// rustc runs for libraries, binaries and proc macros (a package built for both host and
    /// target counts twice); build scripts are not counted.
    pub crate_compilations: usize,
}

/// Everything this module measures.
#[derive(Clone, Debug)]
pub struct BuildCost {
    pub ours: Build,
    pub floor: Build,
    /// A rebuild of the program that uses the crate after touching the crate's document.
    pub rebuild_after_touch: Build,
}

const OURS_MAIN: &str = r#"//! Builds the crate's client and fetches one token (build-cost probe).
use signalwire_conference_tokens::{Client, Uuid};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).ok_or("usage: bench-build-ours BASE_URL")?;
    let client = Client::builder()
        .base_url(base_url)
        .project_id("@PROJECT_ID@")
        .api_token("@API_TOKEN@")
        .build()?;
    let id: Uuid = "@TOKEN_ID@".parse()?;
    let token = client.get_conference_token(&id).await?;
    println!("{}", token.id);
    Ok(())
}
"#;

const FLOOR_MAIN: &str = r#"//! Fetches one token with reqwest and serde (build-cost probe).
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
struct ConferenceToken {
    id: uuid::Uuid,
    name: Option<String>,
    token: String,
    scopes: Vec<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).ok_or("usage: bench-build-floor BASE_URL")?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut authorization = HeaderValue::from_static("@AUTHORIZATION@");
    authorization.set_sensitive(true);
    let token: ConferenceToken = http
        .get(format!("{base_url}/api/video/conference_tokens/@TOKEN_ID@"))
        .header(AUTHORIZATION, authorization)
        .header(ACCEPT, "application/json")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{}", token.id);
    Ok(())
}
"#;

impl Build {
    fn mean(builds: &[Build]) -> Build {
        let runs: Vec<f64> = builds.iter().map(|build| build.seconds).collect();
        Build {
            seconds: runs.iter().sum::<f64>() / runs.len().max(1) as f64,
            runs,
            packages: builds.first().map_or(0, |build| build.packages),
            crate_compilations: builds.first().map_or(0, |build| build.crate_compilations),
        }
    }
}

/// Measures both clean builds (twice each) and the rebuild; `repo` is the crate's root.
pub fn measure(repo: &Path, base_url: &str) -> Result<BuildCost, String> {
    let root = repo.join("target/bench-build");
    let crate_copy = root.join("crate");
    copy_crate(repo, &crate_copy)?;

    let manifest = read(&repo.join("Cargo.toml"))?;
    let reqwest_line = manifest
        .lines()
        .find(|line| line.starts_with("reqwest ="))
        .ok_or("Cargo.toml: no `reqwest = ` line to give the floor the same features")?;
    // The crate turns TLS on through its default `rustls` feature, not on this line; the floor
    // needs the same TLS stack to be a fair comparison.
    let reqwest_line = reqwest_line.replacen("features = [", "features = [\"rustls\", ", 1);
    if !reqwest_line.contains("\"rustls\"") {
        return Err(
            "Cargo.toml: the `reqwest = ` line has no feature list to add rustls to".into(),
        );
    }
    let lock = read(&repo.join("Cargo.lock"))?;

    let ours = Probe::write(
        &root,
        "ours",
        "signalwire-conference-tokens = { path = \"../crate\" }\n",
        OURS_MAIN,
        &lock,
    )?;
    let floor = Probe::write(
        &root,
        "floor",
        &format!(
            "{reqwest_line}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
             serde_json = \"1\"\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n"
        ),
        FLOOR_MAIN,
        &lock,
    )?;

    // Download anything missing first, so that the timed builds can run offline.
    for probe in [&floor, &ours] {
        probe.cargo(&["fetch"])?;
    }

    // Floor, ours, ours, floor: a machine that gets busier or quieter during the four builds
    // then weighs on both sides alike.
    let mut floor_builds = Vec::new();
    let mut ours_builds = Vec::new();
    for is_ours in [false, true, true, false] {
        let (probe, builds) = match is_ours {
            true => (&ours, &mut ours_builds),
            false => (&floor, &mut floor_builds),
        };
        eprintln!("build cost: clean release build of {}", probe.name);
        builds.push(probe.clean_build()?);
    }
    let floor_build = Build::mean(&floor_builds);
    let ours_build = Build::mean(&ours_builds);
    for probe in [&floor, &ours] {
        probe.run(base_url)?;
    }

    eprintln!("build cost: rebuild after touching the OpenAPI document");
    let document = crate_copy.join("openapi/conference-tokens.yaml");
    std::fs::File::options()
        .append(true)
        .open(&document)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|err| format!("cannot touch {}: {err}", document.display()))?;
    let rebuild = ours.build()?;

    Ok(BuildCost {
        ours: ours_build,
        floor: floor_build,
        rebuild_after_touch: rebuild,
    })
}

/// A tiny downstream program with its own target directory.
struct Probe {
    name: String,
    dir: PathBuf,
    target_dir: PathBuf,
}

impl Probe {
    fn write(
        root: &Path,
        short: &str,
        dependencies: &str,
        main: &str,
        lock: &str,
    ) -> Result<Self, String> {
        let name = format!("bench-build-{short}");
        let dir = root.join(short);
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n{dependencies}\
             tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\n\
             # Its own workspace, not a member of the crate's.\n[workspace]\n"
        );
        let main = main
            .replace("@PROJECT_ID@", server::PROJECT_ID)
            .replace("@API_TOKEN@", server::API_TOKEN)
            .replace("@AUTHORIZATION@", server::AUTHORIZATION_VALUE)
            .replace("@TOKEN_ID@", server::TOKEN_ID);

        write(&dir.join("Cargo.toml"), &manifest)?;
        write(&dir.join("src/main.rs"), &main)?;
        write(&dir.join("Cargo.lock"), lock)?;
        Ok(Self {
            name,
            target_dir: root.join(format!("{short}-target")),
            dir,
        })
    }

    fn clean_build(&self) -> Result<Build, String> {
        match std::fs::remove_dir_all(&self.target_dir) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(format!("cannot clean {}: {err}", self.target_dir.display())),
        }
        self.build()
    }

    fn build(&self) -> Result<Build, String> {
        let started = Instant::now();
        let stdout = self.cargo(&["build", "--release", "--offline", "--message-format=json"])?;
        let seconds = started.elapsed().as_secs_f64();

        let mut packages = HashSet::new();
        let mut crate_compilations = 0;
        for line in stdout.lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if message["reason"] != "compiler-artifact" || message["fresh"] == true {
                continue;
            }
            let is_build_script = message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|kind| kind == "custom-build"));
            if !is_build_script {
                crate_compilations += 1;
            }
            if let Some(id) = message["package_id"].as_str() {
                packages.insert(id.to_owned());
            }
        }
        Ok(Build {
            seconds,
            runs: vec![seconds],
            packages: packages.len(),
            crate_compilations,
        })
    }

    /// Runs the built program against the canned server; it must print the token's ID.
    fn run(&self, base_url: &str) -> Result<(), String> {
        let program = self.target_dir.join("release").join(&self.name);
        let output = Command::new(&program)
            .arg(base_url)
            .output()
            .map_err(|err| format!("cannot run {}: {err}", program.display()))?;
        let printed = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || printed.trim() != server::TOKEN_ID {
            return Err(format!(
                "{} failed ({}): {}{}",
                self.name,
                output.status,
                printed.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(())
    }

    /// Runs cargo in the probe's directory and returns its stdout.
    fn cargo(&self, args: &[&str]) -> Result<String, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null());
        // `cargo bench` describes this package to the bench through the environment; none of
        // that may leak into the probe's build.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let describes_package = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_CRATE_"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
                || matches!(
                    name.as_ref(),
                    "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR" | "OUT_DIR"
                );
            if describes_package {
                command.env_remove(name.as_ref());
            }
        }

        let what = format!("cargo {} in {}", args.join(" "), self.dir.display());
        let (status, stdout, stderr) =
            run_bounded(command, COMMAND_LIMIT).map_err(|err| format!("{what}: {err}"))?;
        if !status.success() {
            let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!("{what} failed ({status}):\n{}", tail.join("\n")));
        }
        Ok(stdout)
    }
}

/// Runs `command` with its output captured, killing it if it outlives `limit`.
fn run_bounded(
    mut command: Command,
    limit: Duration,
) -> Result<(std::process::ExitStatus, String, String), String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start: {err}"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr is piped")));

    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait().map_err(|err| err.to_string())? {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("took longer than {} s; stopped", limit.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

/// Copies what building the crate needs: manifest, lock, build script and its module,
/// sources, document.
fn copy_crate(repo: &Path, to: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(to) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(format!("cannot remove {}: {err}", to.display())),
    }
    for file in ["Cargo.lock", "build.rs", "README.md"] {
        copy_tree(&repo.join(file), &to.join(file))?;
    }
    let manifest = read(&repo.join("Cargo.toml"))?;
    write(&to.join("Cargo.toml"), &dependency_manifest(&manifest))?;
    // What `include` in Cargo.toml publishes, less the examples, docs and licences.
    for dir in ["src", "openapi", "build"] {
        copy_tree(&repo.join(dir), &to.join(dir))?;
    }
    Ok(())
}

/// The crate's manifest as a dependency sees it: without the workspace, whose members are not
/// copied, and without the tables of targets and dev-dependencies that only the crate's own
/// tests and benchmarks use (cargo would look for their files).
fn dependency_manifest(manifest: &str) -> String {
    const LEFT_OUT: [&str; 6] = [
        "[workspace]",
        "[dev-dependencies]",
        "[[bench]]",
        "[[test]]",
        "[[example]]",
        "[[bin]]",
    ];
    let mut kept = String::new();
    let mut keeping = true;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keeping = !LEFT_OUT.contains(&line.trim());
        }
        if keeping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let error = |err: std::io::Error| format!("cannot copy {}: {err}", from.display());
    if from.is_dir() {
        std::fs::create_dir_all(to).map_err(error)?;
        for entry in std::fs::read_dir(from).map_err(error)? {
            let entry = entry.map_err(error)?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(error)?;
        }
        std::fs::copy(from, to).map(drop).map_err(error)
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|err| format!("cannot write {}: {err}", path.display()))
}
