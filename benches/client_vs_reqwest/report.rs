//! The benchmark's figures: what one run measured, the medians over the rounds, the table on
//! stdout and the JSON in `target/bench-results.json`.
//!
//! Every ratio is ours divided by the floor's, in time (per call or per listing) or memory:
//! 1.0 is parity and higher is worse. Medians are taken per side over the rounds, and the
//! ratio is the ratio of the two medians.

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::Plan;
use crate::build_cost::BuildCost;

/// Most a ratio of times may reach to count as parity.
const TIME_TARGET: f64 = 1.05;
/// Most the peak memory of a listing may grow from 10,000 to 100,000 tokens.
const RSS_GROWTH_TARGET: u64 = 2 * 1024 * 1024;
/// Most a clean downstream build may take, relative to bare reqwest + serde.
const BUILD_TARGET: f64 = 1.5;

/// Which client made a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// This crate's client.
    Ours,
    /// Bare reqwest + serde.
    Floor,
}

/// What a driver measured for one run of calls.
#[derive(Clone, Debug)]
pub struct Measured {
    pub wall: Duration,
    /// Each call's latency in nanoseconds.
    pub latencies: Vec<u64>,
    /// CPU time of the client's threads during the run, in nanoseconds.
    pub cpu_ns: u64,
}

/// What the server saw of one run's TCP connections.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Connections {
    /// Connections accepted.
    pub opened: u64,
    /// Connections that carried at least one request.
    pub used: u64,
}

/// One run of many calls.
#[derive(Clone, Debug)]
pub struct CallRun {
    per_call_ns: f64,
    cpu_per_call_ns: f64,
    p50_ns: u64,
    p99_ns: u64,
    connections: Connections,
    callers: usize,
}

impl CallRun {
    pub fn new(measured: Measured, connections: Connections, callers: usize) -> Self {
        let mut latencies = measured.latencies;
        latencies.sort_unstable();
        let at = |quantile: f64| {
            let index = ((latencies.len() as f64 * quantile).ceil() as usize).saturating_sub(1);
            latencies.get(index).copied().unwrap_or(0)
        };
        let calls = latencies.len().max(1) as f64;
        Self {
            per_call_ns: measured.wall.as_nanos() as f64 / calls,
            cpu_per_call_ns: measured.cpu_ns as f64 / calls,
            p50_ns: at(0.50),
            p99_ns: at(0.99),
            connections,
            callers,
        }
    }
}

/// One listing, as the child process reports it (and the parent completes).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ListRun {
    pub elapsed_ns: u64,
    pub tokens: u64,
    pub pages: u64,
    pub peak_rss_bytes: u64,
    /// CPU time of the child's threads during the listing.
    pub cpu_ns: u64,
    /// Filled in by the parent, which runs the server.
    #[serde(default)]
    pub connections: Connections,
}

/// Runs of both sides of one scenario.
#[derive(Debug)]
pub struct Pair<T> {
    ours: Vec<T>,
    floor: Vec<T>,
}

impl<T> Default for Pair<T> {
    fn default() -> Self {
        Self {
            ours: Vec::new(),
            floor: Vec::new(),
        }
    }
}

impl<T> Pair<T> {
    pub fn push(&mut self, side: Side, run: T) {
        match side {
            Side::Ours => self.ours.push(run),
            Side::Floor => self.floor.push(run),
        }
    }

    fn summarize<S>(&self, summary: impl Fn(&[T]) -> S) -> [S; 2] {
        [summary(&self.ours), summary(&self.floor)]
    }
}

/// Medians of one side of a call scenario; connections are the worst round's.
#[derive(Clone, Copy, Debug)]
struct CallSummary {
    per_call_ns: f64,
    cpu_per_call_ns: f64,
    p50_ns: f64,
    p99_ns: f64,
    calls_per_second: f64,
    opened: u64,
    used: u64,
    callers: usize,
}

impl CallSummary {
    fn of(runs: &[CallRun]) -> Self {
        let per_call_ns = median(runs.iter().map(|run| run.per_call_ns));
        Self {
            per_call_ns,
            cpu_per_call_ns: median(runs.iter().map(|run| run.cpu_per_call_ns)),
            p50_ns: median(runs.iter().map(|run| run.p50_ns as f64)),
            p99_ns: median(runs.iter().map(|run| run.p99_ns as f64)),
            calls_per_second: 1e9 / per_call_ns,
            opened: runs
                .iter()
                .map(|run| run.connections.opened)
                .max()
                .unwrap_or(0),
            used: runs
                .iter()
                .map(|run| run.connections.used)
                .max()
                .unwrap_or(0),
            callers: runs.first().map_or(1, |run| run.callers),
        }
    }

    fn json(&self) -> Value {
        json!({
            "time_per_call_us": self.per_call_ns / 1e3,
            "cpu_per_call_us": self.cpu_per_call_ns / 1e3,
            "p50_us": self.p50_ns / 1e3,
            "p99_us": self.p99_ns / 1e3,
            "calls_per_second": self.calls_per_second,
            "connections_opened": self.opened,
            "connections_used": self.used,
            "callers": self.callers,
        })
    }
}

/// Medians of one side of a listing scenario; connections are the worst round's.
#[derive(Clone, Copy, Debug)]
struct ListSummary {
    seconds: f64,
    cpu_seconds: f64,
    peak_rss_bytes: u64,
    opened: u64,
    used: u64,
    pages: u64,
}

impl ListSummary {
    fn of(runs: &[ListRun]) -> Self {
        Self {
            seconds: median(runs.iter().map(|run| run.elapsed_ns as f64)) / 1e9,
            cpu_seconds: median(runs.iter().map(|run| run.cpu_ns as f64)) / 1e9,
            peak_rss_bytes: median(runs.iter().map(|run| run.peak_rss_bytes as f64)) as u64,
            opened: runs
                .iter()
                .map(|run| run.connections.opened)
                .max()
                .unwrap_or(0),
            used: runs
                .iter()
                .map(|run| run.connections.used)
                .max()
                .unwrap_or(0),
            pages: runs.first().map_or(0, |run| run.pages),
        }
    }

    fn json(&self) -> Value {
        json!({
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "peak_rss_bytes": self.peak_rss_bytes,
            "connections_opened": self.opened,
            "connections_used": self.used,
            "pages": self.pages,
        })
    }
}

/// The machine the figures come from.
#[derive(Clone, Debug)]
pub struct Machine {
    nproc: usize,
    cpu_model: String,
    rustc: String,
}

impl Machine {
    pub fn detect() -> Self {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, model)| model.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let rustc = std::process::Command::new(rustc)
            .arg("-V")
            .output()
            .ok()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .filter(|version| !version.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Self {
            nproc: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model,
            rustc,
        }
    }
}

/// Everything measured in one run of the benchmark.
#[derive(Debug)]
pub struct Results {
    plan: Plan,
    machine: Machine,
    rounds: usize,
    callers: usize,
    pub raw_sequential: Vec<CallRun>,
    pub raw_concurrent: Vec<CallRun>,
    pub sequential: Pair<CallRun>,
    /// Sequential calls with client and server on one thread.
    pub one_thread: Pair<CallRun>,
    pub concurrent: Pair<CallRun>,
    /// One pair per listing size: 10,000 then 100,000 tokens.
    pub listings: [Pair<ListRun>; 2],
    pub build: Option<BuildCost>,
}

/// The medians, computed once for both the table and the JSON. Index 0 is ours, 1 the floor.
struct Figures {
    raw_sequential: CallSummary,
    raw_concurrent: CallSummary,
    sequential: [CallSummary; 2],
    one_thread: [CallSummary; 2],
    concurrent: [CallSummary; 2],
    /// `[size][side]`: 10,000 then 100,000 tokens.
    listings: [[ListSummary; 2]; 2],
}

impl Figures {
    fn of(results: &Results) -> Self {
        Self {
            raw_sequential: CallSummary::of(&results.raw_sequential),
            raw_concurrent: CallSummary::of(&results.raw_concurrent),
            sequential: results.sequential.summarize(CallSummary::of),
            one_thread: results.one_thread.summarize(CallSummary::of),
            concurrent: results.concurrent.summarize(CallSummary::of),
            listings: [
                results.listings[0].summarize(ListSummary::of),
                results.listings[1].summarize(ListSummary::of),
            ],
        }
    }

    /// How much the peak memory of `side` grew from the small listing to the large one.
    fn rss_growth(&self, side: usize) -> i64 {
        self.listings[1][side].peak_rss_bytes as i64 - self.listings[0][side].peak_rss_bytes as i64
    }

    /// The most connections per caller any run of `side` opened (`used` = false) or used.
    fn connections_per_caller(&self, side: usize, used: bool) -> f64 {
        let pick = |opened: u64, in_use: u64| if used { in_use } else { opened } as f64;
        let calls = [self.sequential[side], self.concurrent[side]]
            .map(|summary| pick(summary.opened, summary.used) / summary.callers as f64);
        let lists = self
            .listings
            .map(|size| pick(size[side].opened, size[side].used));
        calls.into_iter().chain(lists).fold(0.0, f64::max)
    }
}

/// Rows of the printed table: figure, ours, floor, ratio, target.
#[derive(Default)]
struct Table {
    rows: Vec<[String; 5]>,
}

impl Table {
    fn row(&mut self, figure: &str, ours: String, floor: String, ratio: Option<f64>) -> &mut Self {
        let ratio = ratio.map_or_else(String::new, |ratio| format!("{ratio:.3}"));
        self.rows
            .push([figure.to_owned(), ours, floor, ratio, String::new()]);
        self
    }

    /// Sets the target column of the last row.
    fn target(&mut self, met: bool, target: &str) {
        let verdict = if met { "met" } else { "MISSED" };
        if let Some(row) = self.rows.last_mut() {
            row[4] = format!("{target} {verdict}");
        }
    }

    fn render(&self, out: &mut String) {
        let header = ["figure", "ours", "floor", "ours/floor", "target"].map(str::to_owned);
        let widths: [usize; 5] = std::array::from_fn(|column| {
            let cells = self.rows.iter().chain([&header]);
            cells
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        });
        let dashes = widths.map(|width| "-".repeat(width));
        for cells in [&header, &dashes].into_iter().chain(&self.rows) {
            let _ = write!(out, "| {:<w$} ", cells[0], w = widths[0]);
            for (cell, width) in cells.iter().zip(widths).skip(1) {
                let _ = write!(out, "| {cell:>width$} ");
            }
            out.push_str("|\n");
        }
    }
}

impl Results {
    pub fn new(plan: Plan, machine: Machine, rounds: usize, callers: usize) -> Self {
        Self {
            plan,
            machine,
            rounds,
            callers,
            raw_sequential: Vec::new(),
            raw_concurrent: Vec::new(),
            sequential: Pair::default(),
            one_thread: Pair::default(),
            concurrent: Pair::default(),
            listings: [Pair::default(), Pair::default()],
            build: None,
        }
    }

    /// The table printed on stdout, with the machine and the server's own rate above it.
    pub fn table(&self) -> String {
        let figures = Figures::of(self);
        let mut table = Table::default();

        let scenarios = [
            ("get, sequential", figures.sequential),
            ("get, 64 concurrent callers", figures.concurrent),
        ];
        for (label, [ours, floor]) in scenarios {
            let ratio = ours.per_call_ns / floor.per_call_ns;
            table
                .row(
                    &format!("{label}: time per call"),
                    micros(ours.per_call_ns),
                    micros(floor.per_call_ns),
                    Some(ratio),
                )
                .target(ratio <= TIME_TARGET, "<= 1.05");
            let ratio = ours.p50_ns / floor.p50_ns;
            table
                .row(
                    &format!("{label}: p50 latency"),
                    micros(ours.p50_ns),
                    micros(floor.p50_ns),
                    Some(ratio),
                )
                .target(ratio <= TIME_TARGET, "<= 1.05");
            table.row(
                &format!("{label}: p99 latency"),
                micros(ours.p99_ns),
                micros(floor.p99_ns),
                Some(ours.p99_ns / floor.p99_ns),
            );
            table.row(
                &format!("{label}: calls/s"),
                count(ours.calls_per_second),
                count(floor.calls_per_second),
                None,
            );
            table.row(
                &format!("{label}: client CPU per call"),
                micros(ours.cpu_per_call_ns),
                micros(floor.cpu_per_call_ns),
                Some(ours.cpu_per_call_ns / floor.cpu_per_call_ns),
            );
            table
                .row(
                    &format!("{label}: TCP connections opened (used)"),
                    connections(ours.opened, ours.used),
                    connections(floor.opened, floor.used),
                    None,
                )
                .target(
                    ours.opened <= ours.callers as u64,
                    &format!("<= {}", ours.callers),
                );
        }

        // Free of thread wake-ups, so it shows the CPU cost even where they dominate the above.
        let [ours, floor] = figures.one_thread;
        let label = "get, client + server on one thread";
        table.row(
            &format!("{label}: time per call"),
            micros(ours.per_call_ns),
            micros(floor.per_call_ns),
            Some(ours.per_call_ns / floor.per_call_ns),
        );
        table.row(
            &format!("{label}: p50 latency"),
            micros(ours.p50_ns),
            micros(floor.p50_ns),
            Some(ours.p50_ns / floor.p50_ns),
        );

        for (index, label) in ["list 10,000", "list 100,000"].into_iter().enumerate() {
            let [ours, floor] = figures.listings[index];
            let ratio = ours.seconds / floor.seconds;
            table.row(
                &format!("{label}: wall time ({} pages)", ours.pages),
                seconds(ours.seconds),
                seconds(floor.seconds),
                Some(ratio),
            );
            if index == 1 {
                table.target(ratio <= TIME_TARGET, "<= 1.05");
            }
            table.row(
                &format!("{label}: client CPU"),
                seconds(ours.cpu_seconds),
                seconds(floor.cpu_seconds),
                Some(ours.cpu_seconds / floor.cpu_seconds),
            );
            table.row(
                &format!("{label}: peak RSS"),
                mebibytes(ours.peak_rss_bytes as f64),
                mebibytes(floor.peak_rss_bytes as f64),
                Some(ours.peak_rss_bytes as f64 / floor.peak_rss_bytes as f64),
            );
            table
                .row(
                    &format!("{label}: TCP connections opened (used)"),
                    connections(ours.opened, ours.used),
                    connections(floor.opened, floor.used),
                    None,
                )
                .target(ours.opened <= 1, "<= 1");
        }
        let growth = [figures.rss_growth(0), figures.rss_growth(1)];
        table
            .row(
                "list: peak RSS growth 10k -> 100k",
                mebibytes(growth[0] as f64),
                mebibytes(growth[1] as f64),
                None,
            )
            .target(growth[0] <= RSS_GROWTH_TARGET as i64, "<= 2 MiB");
        let opened = [0, 1].map(|side| figures.connections_per_caller(side, false));
        let used = [0, 1].map(|side| figures.connections_per_caller(side, true));
        table
            .row(
                "connections per caller, worst run: opened (used)",
                format!("{:.2} ({:.2})", opened[0], used[0]),
                format!("{:.2} ({:.2})", opened[1], used[1]),
                None,
            )
            .target(opened[0] <= 1.0, "<= 1");

        match &self.build {
            Some(build) => {
                let ratio = build.ours.seconds / build.floor.seconds;
                table
                    .row(
                        "build: clean --release of a tiny program (mean of 2)",
                        seconds(build.ours.seconds),
                        seconds(build.floor.seconds),
                        Some(ratio),
                    )
                    .target(ratio <= BUILD_TARGET, "<= 1.5");
                table.row(
                    "build: packages compiled",
                    build.ours.packages.to_string(),
                    build.floor.packages.to_string(),
                    Some(build.ours.packages as f64 / build.floor.packages as f64),
                );
                table.row(
                    "build: crate compilations (rustc runs)",
                    build.ours.crate_compilations.to_string(),
                    build.floor.crate_compilations.to_string(),
                    Some(
                        build.ours.crate_compilations as f64
                            / build.floor.crate_compilations as f64,
                    ),
                );
                table.row(
                    "build: rebuild after touching the document",
                    seconds(build.rebuild_after_touch.seconds),
                    "-".to_owned(),
                    None,
                );
            }
            None => {
                table.row(
                    "build cost",
                    "skipped (--quick)".to_owned(),
                    String::new(),
                    None,
                );
            }
        }

        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nmachine: {} CPUs, {}, {}\n{} mode, {} rounds (medians), {} sequential and {} \
             concurrent calls per round",
            self.machine.nproc,
            self.machine.cpu_model,
            self.machine.rustc,
            if self.plan.quick { "quick" } else { "full" },
            self.rounds,
            self.plan.sequential_calls,
            self.plan.concurrent_calls,
        );
        let _ = writeln!(
            out,
            "server alone (raw HTTP/1.1 client): {} req/s on 1 connection, {} req/s on {}\n",
            count(figures.raw_sequential.calls_per_second),
            count(figures.raw_concurrent.calls_per_second),
            self.callers,
        );
        table.render(&mut out);
        out
    }

    /// The figures for `target/bench-results.json`: the keys named in the benchmark's brief
    /// at the top level, every median under `detail`.
    pub fn json(&self) -> Value {
        let figures = Figures::of(self);
        let [seq, one, conc] = [figures.sequential, figures.one_thread, figures.concurrent];
        let [small, large] = figures.listings;
        let build = self.build.as_ref();
        let ratio = |ours: f64, floor: f64| json!(ours / floor);

        let entries = [
            (
                "mode",
                json!(if self.plan.quick { "quick" } else { "full" }),
            ),
            ("rounds", json!(self.rounds)),
            (
                "sequential_calls_per_round",
                json!(self.plan.sequential_calls),
            ),
            (
                "concurrent_calls_per_round",
                json!(self.plan.concurrent_calls),
            ),
            ("concurrent_callers", json!(self.callers)),
            (
                "machine",
                json!({
                    "nproc": self.machine.nproc,
                    "cpu_model": self.machine.cpu_model,
                    "rustc": self.machine.rustc,
                }),
            ),
            ("get_ratio", ratio(seq[0].per_call_ns, seq[1].per_call_ns)),
            ("get_p50_ratio", ratio(seq[0].p50_ns, seq[1].p50_ns)),
            (
                "get_cpu_ratio",
                ratio(seq[0].cpu_per_call_ns, seq[1].cpu_per_call_ns),
            ),
            ("get_ours_p50_us", json!(seq[0].p50_ns / 1e3)),
            ("get_floor_p50_us", json!(seq[1].p50_ns / 1e3)),
            ("get_ours_calls_per_second", json!(seq[0].calls_per_second)),
            ("get_floor_calls_per_second", json!(seq[1].calls_per_second)),
            (
                "concurrent_ratio",
                ratio(conc[0].per_call_ns, conc[1].per_call_ns),
            ),
            (
                "concurrent_p50_ratio",
                ratio(conc[0].p50_ns, conc[1].p50_ns),
            ),
            (
                "concurrent_cpu_ratio",
                ratio(conc[0].cpu_per_call_ns, conc[1].cpu_per_call_ns),
            ),
            ("concurrent_ours_p50_us", json!(conc[0].p50_ns / 1e3)),
            ("concurrent_floor_p50_us", json!(conc[1].p50_ns / 1e3)),
            (
                "concurrent_ours_calls_per_second",
                json!(conc[0].calls_per_second),
            ),
            (
                "concurrent_floor_calls_per_second",
                json!(conc[1].calls_per_second),
            ),
            ("list_ratio", ratio(large[0].seconds, large[1].seconds)),
            ("list_ratio_10k", ratio(small[0].seconds, small[1].seconds)),
            (
                "list_cpu_ratio",
                ratio(large[0].cpu_seconds, large[1].cpu_seconds),
            ),
            ("list_peak_rss_10k_bytes", json!(small[0].peak_rss_bytes)),
            ("list_peak_rss_100k_bytes", json!(large[0].peak_rss_bytes)),
            ("list_peak_rss_growth_bytes", json!(figures.rss_growth(0))),
            (
                "list_floor_peak_rss_10k_bytes",
                json!(small[1].peak_rss_bytes),
            ),
            (
                "list_floor_peak_rss_100k_bytes",
                json!(large[1].peak_rss_bytes),
            ),
            (
                "connections_per_caller",
                json!(figures.connections_per_caller(0, false)),
            ),
            (
                "used_connections_per_caller",
                json!(figures.connections_per_caller(0, true)),
            ),
            (
                "connections_per_caller_floor",
                json!(figures.connections_per_caller(1, false)),
            ),
            (
                "server_alone_calls_per_second",
                json!(figures.raw_sequential.calls_per_second),
            ),
            (
                "server_alone_concurrent_calls_per_second",
                json!(figures.raw_concurrent.calls_per_second),
            ),
            (
                "build_ratio",
                json!(build.map(|b| b.ours.seconds / b.floor.seconds)),
            ),
            ("build_ours_seconds", json!(build.map(|b| b.ours.seconds))),
            ("build_floor_seconds", json!(build.map(|b| b.floor.seconds))),
            (
                "build_ours_runs_seconds",
                json!(build.map(|b| &b.ours.runs)),
            ),
            (
                "build_floor_runs_seconds",
                json!(build.map(|b| &b.floor.runs)),
            ),
            (
                "rebuild_after_touch_seconds",
                json!(build.map(|b| b.rebuild_after_touch.seconds)),
            ),
            ("build_ours_packages", json!(build.map(|b| b.ours.packages))),
            (
                "build_floor_packages",
                json!(build.map(|b| b.floor.packages)),
            ),
            (
                "build_ours_crate_compilations",
                json!(build.map(|b| b.ours.crate_compilations)),
            ),
            (
                "build_floor_crate_compilations",
                json!(build.map(|b| b.floor.crate_compilations)),
            ),
            (
                "detail",
                json!({
                    "get": {"ours": seq[0].json(), "floor": seq[1].json()},
                "get_one_thread": {"ours": one[0].json(), "floor": one[1].json()},
                    "concurrent": {"ours": conc[0].json(), "floor": conc[1].json()},
                    "list_10k": {"ours": small[0].json(), "floor": small[1].json()},
                    "list_100k": {"ours": large[0].json(), "floor": large[1].json()},
                    "server_alone": {
                        "sequential": figures.raw_sequential.json(),
                        "concurrent": figures.raw_concurrent.json(),
                    },
                }),
            ),
        ];
        Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        )
    }
}

/// The process's peak resident set size, from `VmHWM` in `/proc/self/status`.
pub fn peak_rss_bytes() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|err| format!("cannot read /proc/self/status: {err}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .ok_or_else(|| "no VmHWM line in /proc/self/status".to_owned())
}

/// CPU time, in nanoseconds, that this process's threads have run, leaving out the canned
/// server's thread: the first field of each `/proc/self/task/*/schedstat`. Unlike wall time,
/// it does not count time spent waiting for a CPU that other work on the machine holds.
/// Threads that have exited are not counted; the measured runtimes keep theirs alive.
pub fn client_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    let mut total = 0;
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.trim() == crate::server::SERVER_THREAD {
            continue;
        }
        let schedstat = std::fs::read_to_string(path.join("schedstat")).unwrap_or_default();
        let run_ns = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        total += run_ns.unwrap_or(0);
    }
    total
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

fn micros(nanos: f64) -> String {
    format!("{:.1} µs", nanos / 1e3)
}

fn seconds(value: f64) -> String {
    format!("{value:.3} s")
}

fn mebibytes(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / (1024.0 * 1024.0))
}

fn count(value: f64) -> String {
    format!("{value:.0}")
}

fn connections(opened: u64, used: u64) -> String {
    format!("{opened} ({used})")
}
