//! The `kubesim` command: a thin layer over the library. See `kubesim --help`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use kubesim::engine::{format_duration, parse_duration};
use kubesim::scenario::{write_dir_atomically, RunOptions, Scenario, Simulation};

/// Exit codes (docs/scenario.md): 0 success, 1 an expectation failed, 2 bad input,
/// 3 the run itself failed (runaway guard, output not writable).
const EXIT_EXPECTATION_FAILED: u8 = 1;
const EXIT_BAD_INPUT: u8 = 2;
const EXIT_RUN_FAILED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "kubesim",
    version,
    about = "A deterministic discrete-event Kubernetes cluster simulator",
    long_about = "kubesim replays scenarios (a cluster, Kubernetes manifests and a timeline of kubectl \
commands and faults) in virtual time against faithful ports of the Kubernetes control plane. \
The same scenario and seed always produce byte-identical outputs.",
    after_help = "Examples:\n  kubesim run scenarios/quickstart.yaml\n  kubesim run scenarios/quickstart.yaml --seed 7 --out /tmp/qs\n  kubesim run scenarios/scheduling/preemption.yaml --explain --scheduler-config my-profile.yaml\n  kubesim validate scenarios/quickstart.yaml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write trace.csv, summary.json, kubectl.txt, pods.csv and perf.json.
    Run {
        /// The scenario file (YAML).
        scenario: PathBuf,
        /// Seed for every random stream (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder, replaced atomically when the run completes (default: out/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Simulate this long instead of the scenario's `until` (Go duration: 90s, 10m, 1h).
        #[arg(long, value_parser = parse_duration_arg)]
        until: Option<u64>,
        /// Stop with an error after this many events (default: the scenario's `maxEvents`).
        #[arg(long)]
        max_events: Option<u64>,
        /// A KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1) replacing the
        /// scenario's scheduler configuration: profiles, plugins, weights, pluginConfig.
        #[arg(long, value_name = "FILE")]
        scheduler_config: Option<PathBuf>,
        /// Also write scheduling.csv: every scheduling attempt, one row per node × plugin
        /// (filter verdict and reason, raw, normalized and weighted score, chosen node).
        #[arg(long)]
        explain: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Parse and validate a scenario and its manifests without running it; print warnings.
    Validate {
        /// The scenario file (YAML).
        scenario: PathBuf,
    },
}

fn parse_duration_arg(s: &str) -> Result<u64, String> {
    parse_duration(s)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { scenario } => validate(&scenario),
        Command::Run {
            scenario,
            seed,
            out,
            until,
            max_events,
            scheduler_config,
            explain,
            quiet,
        } => run(
            &scenario,
            RunOptions {
                seed,
                until,
                max_events,
                explain,
            },
            scheduler_config.as_deref(),
            out,
            quiet,
        ),
    }
}

fn load(path: &Path, quiet: bool) -> Result<Scenario, ExitCode> {
    match Scenario::load(path) {
        Ok(s) => {
            if !quiet {
                for w in &s.warnings {
                    eprintln!("warning: {w}");
                }
            }
            Ok(s)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

fn validate(path: &Path) -> ExitCode {
    let s = match load(path, false) {
        Ok(s) => s,
        Err(code) => return code,
    };
    println!(
        "{}: scenario {:?} is valid: {} nodes, {} timeline actions, {} expectations, until {}, {} warning(s)",
        path.display(),
        s.name,
        s.nodes.len(),
        s.actions.len(),
        s.expectations.len(),
        format_duration(s.until),
        s.warnings.len()
    );
    ExitCode::SUCCESS
}

fn run(
    path: &Path,
    opts: RunOptions,
    scheduler_config: Option<&Path>,
    out: Option<PathBuf>,
    quiet: bool,
) -> ExitCode {
    let mut scenario = match load(path, quiet) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(config) = scheduler_config {
        let before = scenario.warnings.len();
        if let Err(e) = scenario.set_scheduler_config_file(config) {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        if !quiet {
            for w in &scenario.warnings[before..] {
                eprintln!("warning: {w}");
            }
        }
    }
    let out = out.unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let mut sim = Simulation::new(scenario, &opts);
    let until = sim.cluster().until();

    let bar = ProgressBar::with_draw_target(Some(until.max(1)), ProgressDrawTarget::stderr());
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let result = sim.run(|t| {
        bar.set_position(t);
        bar.set_message(format!(
            "t={} / {}",
            format_duration(t),
            format_duration(until)
        ));
    });
    bar.finish_and_clear();
    let wall = started.elapsed();
    if let Err(e) = result {
        eprintln!("error: {}: {e}", path.display());
        eprintln!("error: no outputs written");
        return ExitCode::from(EXIT_RUN_FAILED);
    }
    let events = sim.cluster().events_processed();
    let events_per_s = if wall.as_secs_f64() > 0.0 {
        events as f64 / wall.as_secs_f64()
    } else {
        0.0
    };
    let perf = serde_json::json!({
        "note": "wall-clock figures: not deterministic, not part of the reproducible outputs",
        "wall_time_s": wall.as_secs_f64(),
        "events": events,
        "events_per_s": events_per_s.round(),
        "peak_rss_kib": peak_rss_kib(),
    });
    let written = write_dir_atomically(&out, |tmp| {
        sim.write_files(tmp)?;
        let mut text = serde_json::to_string_pretty(&perf).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(tmp.join("perf.json"), text)
    });
    if let Err(e) = written {
        eprintln!("error: cannot write outputs to {}: {e}", out.display());
        return ExitCode::from(EXIT_RUN_FAILED);
    }
    let results = sim.check_expectations();
    let failed: Vec<_> = results.iter().filter(|r| !r.passed).collect();
    if !quiet {
        println!(
            "kubesim: scenario {:?} seed {}: simulated {} in {:.2}s wall ({} events, {:.0} events/s)",
            sim.scenario().name,
            sim.seed(),
            format_duration(sim.now()),
            wall.as_secs_f64(),
            events,
            events_per_s
        );
        println!(
            "outputs: {}/ (trace.csv: {} rows, summary.json, kubectl.txt, pods.csv{}, perf.json)",
            out.display(),
            sim.cluster().trace().rows().len(),
            if sim.explains() {
                ", scheduling.csv"
            } else {
                ""
            }
        );
        if !results.is_empty() {
            println!(
                "expectations: {}/{} passed",
                results.len() - failed.len(),
                results.len()
            );
        }
    }
    for f in &failed {
        eprintln!(
            "expectation failed: {}: expected {}, got {}",
            f.description, f.expected, f.actual
        );
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_EXPECTATION_FAILED)
    }
}

/// Peak resident set size from /proc (Linux); None elsewhere.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}
