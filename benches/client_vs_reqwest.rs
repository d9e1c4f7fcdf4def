//! Measures what the crate's client costs against bare reqwest + serde doing the same calls.
//!
//! Everything runs in one process against one canned keep-alive HTTP/1.1 server on 127.0.0.1
//! (`client_vs_reqwest/server.rs`): sequential `get_conference_token` calls, the same with 64
//! concurrent callers sharing one client, listing 10,000 and 100,000 tokens in pages of 1,000
//! (each listing in a child process of this binary, so that its peak resident memory is its
//! own), the TCP connections the server saw, and, unless `--quick`, what the crate costs a
//! downstream build. Each measurement is repeated over several rounds that alternate which
//! side goes first, and the median is reported. A raw HTTP client measures the server alone.
//!
//! ```text
//! cargo bench --bench client_vs_reqwest -- --quick   # about a minute once built
//! cargo bench --bench client_vs_reqwest              # adds the build cost (minutes)
//! cargo bench --bench client_vs_reqwest -- --instructions   # callgrind counts, a few minutes
//! ```
//!
//! The table goes to stdout and the same figures to `target/bench-results.json`. Every loop
//! is bounded by a count and by a time limit, and the benchmark stops by itself.
//!
//! Times on a shared machine move by several percent from run to run. `--instructions` counts
//! instructions per call and per listed token under callgrind instead, which repeat exactly
//! (`client_vs_reqwest/instructions.rs`); it writes `target/bench-instructions.json`.

#[path = "client_vs_reqwest/build_cost.rs"]
mod build_cost;
#[path = "client_vs_reqwest/floor.rs"]
mod floor;
#[path = "client_vs_reqwest/instructions.rs"]
mod instructions;
#[path = "client_vs_reqwest/raw.rs"]
mod raw;
#[path = "client_vs_reqwest/report.rs"]
mod report;
#[path = "client_vs_reqwest/server.rs"]
mod server;

use std::future::Future;
use std::hint::black_box;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use signalwire_conference_tokens::{Client, Uuid};

use crate::floor::Floor;
use crate::report::{CallRun, Connections, ListRun, Machine, Measured, Results, Side};
use crate::server::Server;

/// Rounds of every measurement; the median is reported.
const ROUNDS: usize = 5;
/// Callers sharing one client in the concurrency scenario.
const CALLERS: usize = 64;
/// Tokens per page when listing.
const PAGE_SIZE: u32 = 1000;
/// The listing sizes whose peak memory is compared.
const LIST_SIZES: [u64; 2] = [10_000, 100_000];
/// Listings per side, size and round: a listing takes a fraction of a second, so a few more
/// samples cost little and steady the median.
const LIST_REPEATS: usize = 5;
/// No round of any scenario may take longer; the benchmark fails instead of hanging.
const ROUND_LIMIT: Duration = Duration::from_secs(120);

/// How many calls each round makes.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub quick: bool,
    pub sequential_calls: usize,
    pub concurrent_calls: usize,
    pub warmup_calls: usize,
}

impl Plan {
    fn new(quick: bool) -> Self {
        let (sequential_calls, concurrent_calls) = if quick {
            (8_000, 19_200)
        } else {
            (40_000, 96_000)
        };
        Self {
            quick,
            sequential_calls,
            concurrent_calls,
            warmup_calls: 640,
        }
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench` to every bench target; it means nothing here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    let outcome = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => bench(Plan::new(false)),
        ["--quick"] => bench(Plan::new(true)),
        ["--child", kind, total, base_url] => child(kind, total, base_url),
        ["--instructions"] => count_instructions(),
        ["--profile", scenario, side, count] => profile(scenario, side, count),
        _ => Err("usage: client_vs_reqwest [--quick | --instructions | \
                  --profile get|list ours|floor COUNT]"
            .to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn bench(plan: Plan) -> Result<(), String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let machine = Machine::detect();
    let server = Server::start().map_err(|err| format!("cannot start the server: {err}"))?;
    let runtime = client_runtime()?;
    eprintln!(
        "client_vs_reqwest: {} mode, {ROUNDS} rounds, server at {}",
        if plan.quick { "quick" } else { "full" },
        server.base_url()
    );

    let mut results = Results::new(plan, machine, ROUNDS, CALLERS);
    for round in 0..ROUNDS {
        eprintln!("round {}/{ROUNDS}", round + 1);
        let sides = if round % 2 == 0 {
            [Side::Ours, Side::Floor]
        } else {
            [Side::Floor, Side::Ours]
        };

        results
            .raw_sequential
            .push(runtime.block_on(raw_round(&server, 1, &plan))?);
        results
            .raw_concurrent
            .push(runtime.block_on(raw_round(&server, CALLERS, &plan))?);
        for side in sides {
            let run =
                runtime.block_on(get_round(&server, side, 1, plan.sequential_calls, &plan))?;
            results.sequential.push(side, run);
        }
        for side in sides {
            results
                .one_thread
                .push(side, one_thread_round(side, &plan)?);
        }
        for side in sides {
            let run = runtime.block_on(get_round(
                &server,
                side,
                CALLERS,
                plan.concurrent_calls,
                &plan,
            ))?;
            results.concurrent.push(side, run);
        }
        for (index, &total) in LIST_SIZES.iter().enumerate() {
            for _ in 0..LIST_REPEATS {
                for side in sides {
                    results.listings[index].push(side, list_round(&server, side, total)?);
                }
            }
        }
    }

    if !plan.quick {
        results.build = Some(build_cost::measure(repo, &server.base_url())?);
    }

    print!("{}", results.table());
    let path = repo.join("target/bench-results.json");
    let json = serde_json::to_string_pretty(&results.json()).expect("figures serialize");
    std::fs::write(&path, json + "\n")
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    eprintln!("figures written to {}", path.display());
    Ok(())
}

/// The runtime the clients run on: tokio's multi-threaded scheduler, one worker per core.
fn client_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))
}

fn our_client(base_url: &str) -> Result<Client, String> {
    Client::builder()
        .base_url(base_url)
        .project_id(server::PROJECT_ID)
        .api_token(server::API_TOKEN)
        .build()
        .map_err(|err| format!("cannot build the client: {err}"))
}

fn token_id() -> Uuid {
    server::TOKEN_ID.parse().expect("the constant is a UUID")
}

/// The server alone: the raw client's calls over `callers` connections.
async fn raw_round(server: &Server, callers: usize, plan: &Plan) -> Result<CallRun, String> {
    let calls = if callers == 1 {
        plan.sequential_calls
    } else {
        plan.concurrent_calls
    };
    let before = ConnectionCounts::read(server);
    let measured = raw::run(
        server.address(),
        callers,
        calls,
        Instant::now() + ROUND_LIMIT,
    )
    .await?;
    Ok(CallRun::new(measured, before.since(server), callers))
}

/// The server's connection counters at one moment.
struct ConnectionCounts {
    opened: u64,
    used: u64,
}

impl ConnectionCounts {
    fn read(server: &Server) -> Self {
        Self {
            opened: server.connections(),
            used: server.used_connections(),
        }
    }

    fn since(&self, server: &Server) -> Connections {
        Connections {
            opened: server.connections() - self.opened,
            used: server.used_connections() - self.used,
        }
    }
}

/// Sequential calls with the client and a server of its own on one current-thread runtime.
///
/// Nothing in such a run waits for another thread to be scheduled, so its time is the CPU
/// cost of client and server alone. With the server on its own thread, every call waits twice
/// for a thread to wake up, and on a virtual machine with idle CPUs that wait can outweigh
/// everything the client does.
fn one_thread_round(side: Side, plan: &Plan) -> Result<CallRun, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    runtime.block_on(async {
        let server = Server::start_here().map_err(|err| format!("cannot start a server: {err}"))?;
        get_round(&server, side, 1, plan.sequential_calls, plan).await
    })
}

/// `calls` calls of `get_conference_token` by `callers` tasks sharing one fresh client, after
/// a warm-up with the same client. The connections counted include the warm-up's.
async fn get_round(
    server: &Server,
    side: Side,
    callers: usize,
    calls: usize,
    plan: &Plan,
) -> Result<CallRun, String> {
    let connections = ConnectionCounts::read(server);
    let requests = server.requests();
    let id = token_id();

    let run = match side {
        Side::Ours => {
            let client = our_client(&server.base_url())?;
            let call = move || {
                let client = client.clone();
                async move {
                    let token = client.get_conference_token(&id).await;
                    black_box(token).map(drop).map_err(|err| err.to_string())
                }
            };
            drive(callers, plan.warmup_calls, call.clone()).await?;
            drive(callers, calls, call).await?
        }
        Side::Floor => {
            // Shared like the crate's client, whose clones share one `Arc`.
            let client = std::sync::Arc::new(Floor::new(&server.base_url())?);
            let call = move || {
                let client = client.clone();
                async move { black_box(client.get_conference_token(&id).await).map(drop) }
            };
            drive(callers, plan.warmup_calls, call.clone()).await?;
            drive(callers, calls, call).await?
        }
    };

    // Every call is one request: a retry or a stray request would skew the comparison.
    let answered = server.requests() - requests;
    let expected = (plan.warmup_calls / callers + calls / callers) * callers;
    if answered != expected as u64 {
        return Err(format!(
            "{side:?} with {callers} callers: the server answered {answered} requests for \
             {expected} calls"
        ));
    }
    Ok(CallRun::new(run, connections.since(server), callers))
}

/// Runs `calls` calls spread over `callers` tasks and measures them.
async fn drive<F, Fut>(callers: usize, calls: usize, call: F) -> Result<Measured, String>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let per_caller = calls / callers;
    let deadline = Instant::now() + ROUND_LIMIT;
    let cpu = report::client_cpu_ns();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..callers {
        let call = call.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(per_caller);
            for _ in 0..per_caller {
                if Instant::now() > deadline {
                    return Err("the round's time limit passed".to_owned());
                }
                let call_started = Instant::now();
                call().await?;
                latencies.push(call_started.elapsed().as_nanos() as u64);
            }
            Ok::<_, String>(latencies)
        });
    }

    let mut latencies = Vec::with_capacity(per_caller * callers);
    while let Some(joined) = tasks.join_next().await {
        latencies.extend(joined.map_err(|err| format!("caller task: {err}"))??);
    }
    Ok(Measured {
        wall: started.elapsed(),
        latencies,
        cpu_ns: report::client_cpu_ns() - cpu,
    })
}

/// Counts instructions per call and per listed token for both sides under callgrind, and
/// writes them to `target/bench-instructions.json`.
fn count_instructions() -> Result<(), String> {
    let figures = instructions::measure()?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-instructions.json");
    let json = serde_json::to_string_pretty(&figures).expect("figures serialize");
    std::fs::write(&path, json + "\n")
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    eprintln!("figures written to {}", path.display());
    Ok(())
}

/// One scenario by one side, with client and server on one thread, and nothing else: `get`
/// makes `count` sequential gets, `list` lists `count` tokens. These are the runs to count
/// instructions of under `valgrind --tool=callgrind`, whose counts do not move with the
/// machine's load the way times do.
fn profile(scenario: &str, side: &str, count: &str) -> Result<(), String> {
    let side = match side {
        "ours" => Side::Ours,
        "floor" => Side::Floor,
        _ => return Err(format!("unknown side {side:?}: ours or floor")),
    };
    let count: usize = count.parse().map_err(|_| format!("bad count {count:?}"))?;
    match scenario {
        "get" => {
            let plan = Plan {
                quick: true,
                sequential_calls: count,
                concurrent_calls: 0,
                warmup_calls: 64,
            };
            one_thread_round(side, &plan)?;
        }
        "list" => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|err| format!("cannot start the runtime: {err}"))?;
            runtime.block_on(async {
                let server =
                    Server::start_here().map_err(|err| format!("cannot start a server: {err}"))?;
                list_tokens(side, &server.base_url(), count as u64).await
            })?;
        }
        _ => return Err(format!("unknown scenario {scenario:?}: get or list")),
    }
    eprintln!("{side:?}: {scenario} {count}");
    Ok(())
}

/// Lists the `total` tokens of the server's conference of that size in pages of
/// [`PAGE_SIZE`], returning the time it took, the tokens and the pages.
async fn list_tokens(
    side: Side,
    base_url: &str,
    total: u64,
) -> Result<(Duration, u64, u64), String> {
    let conference = server::conference_id(total);
    match side {
        Side::Ours => {
            let client = our_client(base_url)?;
            let started = Instant::now();
            let mut stream = client.conference_tokens(&conference).page_size(PAGE_SIZE);
            let mut tokens = 0;
            while let Some(token) = stream.try_next().await.map_err(|err| err.to_string())? {
                black_box(token);
                tokens += 1;
            }
            Ok((started.elapsed(), tokens, stream.pages_fetched()))
        }
        Side::Floor => {
            let client = Floor::new(base_url)?;
            let started = Instant::now();
            let mut tokens = 0;
            let pages = client
                .list_all(&conference, PAGE_SIZE, |token| {
                    black_box(token);
                    tokens += 1;
                })
                .await?;
            Ok((started.elapsed(), tokens, pages))
        }
    }
}

/// One listing of `total` tokens in a child process of this binary.
fn list_round(server: &Server, side: Side, total: u64) -> Result<ListRun, String> {
    let connections = ConnectionCounts::read(server);
    let requests = server.requests();
    let kind = match side {
        Side::Ours => "list-ours",
        Side::Floor => "list-floor",
    };

    let exe = std::env::current_exe().map_err(|err| format!("cannot find this binary: {err}"))?;
    let mut child = Command::new(exe)
        .args(["--child", kind, &total.to_string(), &server.base_url()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start the {kind} child: {err}"))?;
    let deadline = Instant::now() + ROUND_LIMIT;
    loop {
        match child.try_wait().map_err(|err| err.to_string())? {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the {kind} child outlived the round's limit; stopped"
                ));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|err| format!("{kind}: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "the {kind} {total} child failed ({})",
            output.status
        ));
    }

    let line = String::from_utf8_lossy(&output.stdout);
    let mut run: ListRun = serde_json::from_str(line.trim())
        .map_err(|err| format!("{kind}: unreadable child report {line:?}: {err}"))?;
    run.connections = connections.since(server);
    if run.tokens != total || server.requests() - requests != run.pages {
        return Err(format!(
            "{kind}: listed {} tokens in {} pages, the server answered {} requests, for {total}",
            run.tokens,
            run.pages,
            server.requests() - requests
        ));
    }
    Ok(run)
}

/// The child side of [`list_round`]: lists every token and prints one JSON line with the
/// time it took and the process's peak resident memory.
fn child(kind: &str, total: &str, base_url: &str) -> Result<(), String> {
    let total: u64 = total.parse().map_err(|_| format!("bad total {total:?}"))?;
    let runtime = client_runtime()?;

    let side = match kind {
        "list-ours" => Side::Ours,
        "list-floor" => Side::Floor,
        _ => return Err(format!("unknown child {kind:?}")),
    };
    let cpu = report::client_cpu_ns();
    let (elapsed, tokens, pages) = runtime.block_on(list_tokens(side, base_url, total))?;

    let run = ListRun {
        elapsed_ns: elapsed.as_nanos() as u64,
        tokens,
        pages,
        peak_rss_bytes: report::peak_rss_bytes()?,
        cpu_ns: report::client_cpu_ns() - cpu,
        connections: Connections::default(),
    };
    println!(
        "{}",
        serde_json::to_string(&run).expect("figures serialize")
    );
    Ok(())
}
