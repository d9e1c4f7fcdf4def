//! Instructions per call, counted by callgrind: the figure to compare between two versions of
//! the crate on a machine whose timings move by several percent from run to run.
//!
//! Each count is a run of this binary's `--profile` mode under `valgrind --tool=callgrind`,
//! with client and server on one thread. Two runs of different lengths are subtracted, which
//! cancels start-up and the warm-up, so what is left is the cost of the extra calls (or
//! tokens) alone. The server's share is in both sides' counts, so the ratio understates the
//! client's own difference slightly; it is the same server work for both.

use std::process::Command;

use serde_json::{Value, json};

use crate::report::Side;

/// `(scenario, short run, long run, unit)`: the runs' lengths in calls or tokens.
const SCENARIOS: [(&str, u64, u64, &str); 2] = [
    ("get", 1_000, 2_000, "call"),
    ("list", 10_000, 20_000, "token"),
];

/// Counts both sides in every scenario, prints a table and returns the figures as JSON.
pub fn measure() -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|err| format!("cannot find this binary: {err}"))?;
    let mut table = String::from(
        "| scenario | ours (instructions) | floor (instructions) | ours/floor |\n\
         | --- | ---: | ---: | ---: |\n",
    );
    let mut figures = serde_json::Map::new();
    for (scenario, short, long, unit) in SCENARIOS {
        let mut per_unit = [0.0; 2];
        for (index, side) in [Side::Ours, Side::Floor].into_iter().enumerate() {
            let counted = |count| count_instructions(&exe, scenario, side, count);
            let extra = counted(long)?.saturating_sub(counted(short)?);
            per_unit[index] = extra as f64 / (long - short) as f64;
        }
        let [ours, floor] = per_unit;
        table.push_str(&format!(
            "| {scenario}: per {unit} | {ours:.0} | {floor:.0} | {:.3} |\n",
            ours / floor
        ));
        figures.insert(
            format!("{scenario}_instructions_per_{unit}"),
            json!({ "ours": ours, "floor": floor, "ratio": ours / floor }),
        );
    }
    print!("{table}");
    Ok(Value::Object(figures))
}

/// The instructions one `--profile` run executes, as callgrind counts them.
fn count_instructions(
    exe: &std::path::Path,
    scenario: &str,
    side: Side,
    count: u64,
) -> Result<u64, String> {
    let side = match side {
        Side::Ours => "ours",
        Side::Floor => "floor",
    };
    eprintln!("callgrind: {scenario} {side} {count}");
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["--profile", scenario, side, &count.to_string()])
        .output()
        .map_err(|err| format!("cannot run valgrind ({err}); install it to count instructions"))?;
    let report = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("valgrind failed ({}):\n{report}", output.status));
    }

    // "==123== Collected : 93904123" or, in older releases, "==123== I   refs:      93,904,123".
    report
        .lines()
        .find_map(|line| {
            let (_, figure) = line
                .split_once("Collected :")
                .or_else(|| line.split_once("I   refs:"))?;
            figure.trim().replace(',', "").parse().ok()
        })
        .ok_or_else(|| format!("no instruction count in valgrind's report:\n{report}"))
}
