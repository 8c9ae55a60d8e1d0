//! `raftsim`: the Raft Playground simulator on the command line.
use clap::{Parser, Subcommand};
use raft_core::UnsafeRule;
use raft_sim::bench::{run_bench, run_seek_bench, BenchConfig};
use raft_sim::budget::Budget;
use raft_sim::campaign::{CampaignConfig, CampaignOutcome};
use raft_sim::events::RunEvents;
use raft_sim::linearizability::Verdict;
use raft_sim::protocols::chain::{self, compare, scenario::ChainScenario};
use raft_sim::protocols::detector::{self, scenario::FdScenario};
use raft_sim::protocols::flood::{self, scenario::FloodScenario};
use raft_sim::protocols::generals::{self, scenario::GeneralsScenario};
use raft_sim::protocols::primary_backup::{self, scenario::PbScenario};
use raft_sim::protocols::snapshot::{self as chandy_lamport, scenario::ClScenario};
use raft_sim::scenario::protocol;
use raft_sim::share::RunDocument;
use raft_sim::{builtin, expect, Report, Scenario, Simulation};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Print a line; if stdout is gone (`raftsim list | head`), stop quietly instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// Exit code when an invariant is violated or the client history is not linearizable.
const EXIT_VIOLATION: u8 = 3;
/// Exit code for bad input.
const EXIT_BAD_INPUT: u8 = 2;
mod lincheck;

/// Exit code when the run stopped before its end because its budget (events or memory) ran
/// out and nothing was violated before that.
const EXIT_STOPPED: u8 = 4;
/// Exit code when a claim of the scenario's `expect` does not hold (and nothing was violated).
const EXIT_EXPECT: u8 = 5;
/// Exit code when a liveness property failed (and no safety property broke): `check` and
/// `shrink` on a liveness failure; `run` when its run has nothing else to report.
const EXIT_LIVENESS: u8 = 6;

#[derive(Parser)]
#[command(
    name = "raftsim",
    version,
    about = "Deterministic Raft cluster simulator (the Raft Playground's engine, headless)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (a built-in name or a JSON file) and report the outcome.
    Run {
        /// Built-in scenario name (see `raftsim list`) or path to a scenario JSON file (`-`:
        /// standard input). Files are read up to 1 MiB.
        scenario: String,
        /// Stop at this virtual time instead of the scenario's end.
        #[arg(long)]
        until_ms: Option<u64>,
        /// Print one JSON object instead of a summary.
        #[arg(long)]
        json: bool,
        /// Print every event.
        #[arg(long)]
        trace: bool,
        /// Print the run as JSON lines, one per election, leader, step-down, commit, crash,
        /// restart, network change, overwritten entries or violation, then one line per claim of
        /// `expect` and an `end` line (docs/scenario-format.md lists the fields).
        #[arg(long, conflicts_with_all = ["json", "trace"])]
        events: bool,
        /// Stop after this many events even if the scenario has not ended (absurd settings
        /// cannot hang the command); exit code 4.
        #[arg(long, default_value_t = raft_sim::budget::DEFAULT_MAX_EVENTS)]
        max_events: u64,
        /// Stop once the run holds about this many MiB (estimated by counting what it keeps:
        /// the same on every machine); exit code 4.
        #[arg(long, default_value_t = raft_sim::budget::DEFAULT_MAX_BYTES >> 20,
              value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
        memory_budget_mb: u64,
        /// Switch PreVote on (thesis §9.6), whatever the scenario says.
        #[arg(long)]
        pre_vote: bool,
        /// Switch CheckQuorum on (thesis §6.2), whatever the scenario says.
        #[arg(long)]
        check_quorum: bool,
    },
    /// Run randomized scenarios with invariants on; stop at the first violation.
    Check {
        /// Another protocol's scenario (a built-in name or a JSON file): run it with seed after
        /// seed instead of Raft's random scenarios, and stop at the first seed whose run breaks
        /// one of that protocol's checks.
        #[arg(long, value_name = "SCENARIO")]
        scenario: Option<String>,
        /// How many seeds (scenarios) to run.
        #[arg(long, default_value_t = 1000)]
        seeds: u64,
        /// First seed.
        #[arg(long, default_value_t = 0)]
        start: u64,
        /// Cluster size for every scenario (default: random, 3 to 7).
        #[arg(long)]
        nodes: Option<u32>,
        /// Break a safety rule in every scenario (repeatable): no-vote-restriction,
        /// commit-old-terms, no-persist, forget-vote, unsafe-single-server-change, stale-reads,
        /// no-dedup.
        #[arg(long = "unsafe", value_name = "RULE")]
        unsafe_rules: Vec<UnsafeRule>,
        /// Worker threads (results do not depend on it).
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Where to write the reproducing scenario of a violation.
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
        /// Also make random membership changes (joint and single-server, with spare servers
        /// outside the initial configuration). Implied by --unsafe unsafe-single-server-change.
        #[arg(long)]
        membership: bool,
        /// Aim at the lease window: lease reads, drifting clocks, the leader isolated, paused,
        /// replaced or crashed just after writes. With --unsafe stale-reads the clocks drift
        /// beyond the lease's bound (the rule itself stays off), so leases must go stale.
        #[arg(long)]
        lease_window: bool,
        /// Write and print the violation's scenario as found, without shrinking it.
        #[arg(long)]
        no_shrink: bool,
        /// Candidate runs the shrinker may make (a count, not a time, so results reproduce).
        #[arg(long, default_value_t = raft_sim::campaign::shrink::ShrinkConfig::default().max_attempts)]
        max_attempts: u64,
        /// Print one JSON object (seeds run, events, seconds, seeds and events per second, the
        /// lowest failing seed's property, time and message) instead of the summary; the
        /// failure's scenario is still written, not shrunk.
        #[arg(long)]
        json: bool,
    },
    /// Shrink a scenario whose run breaks a property to a smaller one that breaks the same
    /// property; print each accepted step (on stderr), the sizes before and after, and the
    /// shrunk run as a short story.
    Shrink {
        /// Scenario JSON file (`-`: standard input; up to 1 MiB) or built-in name.
        scenario: String,
        /// Candidate runs at most (a count, not a time, so results reproduce).
        #[arg(long, default_value_t = raft_sim::campaign::shrink::ShrinkConfig::default().max_attempts)]
        max_attempts: u64,
        /// Where to write the shrunk scenario (default: FILE with `-shrunk.json` in place of
        /// `.json`, in the current directory for a built-in or standard input).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Measure simulated events per second on a fixed workload.
    Bench {
        #[command(flatten)]
        config: BenchArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-create a run shared from the page: a share link (or its #run1.… fragment), or a run
    /// or scenario JSON file exported from the page. Prints where it stops and its trace hash.
    Replay {
        /// The link, the fragment, or a path to a JSON file (`-`: standard input; up to 1 MiB).
        run: String,
        /// Print one JSON object instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Judge histories from elsewhere for linearizability: Jepsen's logs of a compare-and-set
    /// register (as in Porcupine's test_data/jepsen) or Porcupine's key-value logs (get, put,
    /// append; as in test_data/kv). Exit 0: all linearizable; 3: one is not (the operations that
    /// cannot be ordered are printed); 4: undecided within the budget; 2: bad input.
    Lincheck {
        /// History files (`-`: standard input; each up to 1 MiB).
        #[arg(required = true)]
        files: Vec<String>,
        /// The format, jepsen or porcupine-kv (default: detected from the first line).
        #[arg(long)]
        format: Option<String>,
        /// Print one JSON object per file, each on its own line.
        #[arg(long)]
        json: bool,
        /// Search steps for the verdict (the explanation of a violation may take as many more).
        #[arg(long, default_value_t = raft_sim::lincheck::DEFAULT_LINCHECK_BUDGET)]
        budget: u64,
    },
    /// Time travel benchmark: play a scenario for some minutes as the page does, then time
    /// jumps to random points of the run.
    SeekBench {
        /// Built-in scenario name or scenario JSON file.
        #[arg(long, default_value = "steady-load")]
        scenario: String,
        /// Simulated minutes to play first (at most 60).
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// How many random jumps to time.
        #[arg(long, default_value_t = 50)]
        seeks: u32,
        #[arg(long)]
        json: bool,
    },
    /// List the guided tours, or check one (a shipped tour id or a tour JSON file): run every
    /// step headless, assert each claim its text makes and that each task can be done.
    Tour {
        /// A tour id or a tour JSON file; without it, list the tours.
        tour: Option<String>,
        /// Print each step's text too.
        #[arg(long)]
        text: bool,
    },
    /// Print the English text catalogues a translator starts from (a tour's, the glossary's,
    /// the built-in scenarios'), or check a language's folder of the page's catalogues against
    /// them (README, "Adding a language").
    Catalogue {
        #[command(subcommand)]
        what: CatalogueCommand,
    },
    /// List the built-in scenarios.
    List,
    /// The notes' primary-backup vs chain replication comparison: both run the same workload
    /// (requests at each rate, a share of them reads) on the same servers, network and service
    /// times; prints write and read latency, throughput and the busiest server's utilisation.
    CompareReplication(CompareArgs),
    /// Print `name hash` for every built-in scenario and a few generated ones (the scenarios
    /// whose traces must be identical in wasm).
    Hashes,
    /// Run a failure-detector scenario once per timeout (same seed, same faults) and print,
    /// per timeout, the false suspicions (count, time live processes spent wrongly suspected)
    /// and the detection time of the crashes (mean, max): accuracy against completeness.
    DetectorSweep {
        /// A failure-detector built-in (see `raftsim list`) or scenario file (`-`: stdin).
        scenario: String,
        /// The timeouts to try, in ms, comma-separated (at most 20), e.g. 50,100,200,400.
        #[arg(long)]
        timeouts: String,
        /// Print one JSON object (the rows) instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CatalogueCommand {
    /// A tour's catalogue (`text/LANG/tours/ID.json`): title, summary, N.title, N.text.K,
    /// N.description, N.task.prompt, N.task.success.
    Tour {
        /// A shipped tour's id (`raftsim tour` lists them).
        id: String,
    },
    /// The glossary's catalogue (`text/LANG/glossary.json`): TERM.term, TERM.forms (joined
    /// by " | "), TERM.definition, TERM.source.
    Glossary,
    /// The built-in scenarios' catalogue (`text/LANG/scenarios.json`): NAME.title,
    /// NAME.description, group.GROUP.
    Scenarios,
    /// Check a language's folder (crates/playground/text/LANG): one catalogue per shipped tour,
    /// the glossary's and the built-ins', each with exactly the English ids, none empty, the
    /// same {placeholders}; and ui.json against the English one beside it (../en/ui.json).
    /// Exit code 1 on any problem.
    Check {
        /// The language's folder.
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct BenchArgs {
    #[arg(long, default_value_t = BenchConfig::default().nodes)]
    nodes: u32,
    /// RPC latency range in ms, as MIN,MAX.
    #[arg(long, value_parser = parse_range, default_value = "1,5")]
    latency_ms: [f64; 2],
    /// Election timeout range in ms, as MIN,MAX.
    #[arg(long, value_parser = parse_range, default_value = "150,300")]
    election_timeout_ms: [f64; 2],
    #[arg(long, default_value_t = BenchConfig::default().heartbeat_ms)]
    heartbeat_ms: f64,
    /// Pause between a client's response and its next request, in ms.
    #[arg(long, default_value_t = BenchConfig::default().client_interval_ms)]
    client_interval_ms: f64,
    #[arg(long, default_value_t = BenchConfig::default().clients)]
    clients: u32,
    /// Simulated seconds.
    #[arg(long, default_value_t = BenchConfig::default().seconds)]
    seconds: f64,
    /// Turn invariant checking off (on by default).
    #[arg(long)]
    no_invariants: bool,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Servers in each layout: the chain's length; the primary and its backups.
    #[arg(long, default_value_t = compare::Spec::default().servers)]
    servers: u32,
    /// Requests a second to sweep, as R1,R2,...
    #[arg(long, value_delimiter = ',', default_values_t = compare::Spec::default().rates)]
    rates: Vec<f64>,
    /// The share of requests that are reads (the rest are writes).
    #[arg(long, default_value_t = compare::Spec::default().read_fraction)]
    read_fraction: f64,
    /// How long the clients send requests, in ms of virtual time.
    #[arg(long, default_value_t = compare::Spec::default().duration_ms)]
    duration_ms: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// One-way network delay range in ms, as MIN,MAX.
    #[arg(long, value_parser = parse_range, default_value = "5,15")]
    latency_ms: [f64; 2],
    /// Time the first server (head, primary) spends executing a client's write.
    #[arg(long, default_value_t = compare::Spec::default().service.execute_ms)]
    execute_ms: f64,
    /// Time another server spends applying a forwarded write.
    #[arg(long, default_value_t = compare::Spec::default().service.apply_ms)]
    apply_ms: f64,
    /// Time the tail (the primary) spends answering a read.
    #[arg(long, default_value_t = compare::Spec::default().service.read_ms)]
    read_ms: f64,
    /// One JSON object (the spec and every row) instead of the table.
    #[arg(long)]
    json: bool,
}

fn parse_range(s: &str) -> Result<[f64; 2], String> {
    let parts: Vec<&str> = s.split(',').collect();
    let [a, b] = parts.as_slice() else { return Err(format!("expected MIN,MAX, got '{s}'")) };
    let a: f64 = a.trim().parse().map_err(|_| format!("'{a}' is not a number"))?;
    let b: f64 = b.trim().parse().map_err(|_| format!("'{b}' is not a number"))?;
    Ok([a, b])
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            scenario,
            until_ms,
            json,
            trace,
            events,
            max_events,
            memory_budget_mb,
            pre_vote,
            check_quorum,
        } => {
            let budget = Budget { max_events, max_bytes: memory_budget_mb << 20 };
            let output = if events {
                Output::Events
            } else if json {
                Output::Json
            } else {
                Output::Summary
            };
            run(&scenario, until_ms, output, trace, budget, (pre_vote, check_quorum))
        }
        Command::Check {
            scenario: Some(name),
            seeds,
            start,
            nodes,
            unsafe_rules,
            membership,
            lease_window,
            out_dir,
            json,
            ..
        } => {
            let raft_only = [
                (nodes.is_some(), "--nodes"),
                (!unsafe_rules.is_empty(), "--unsafe"),
                (membership, "--membership"),
                (lease_window, "--lease-window"),
            ];
            if let Some((_, flag)) = raft_only.iter().find(|(on, _)| *on) {
                eprintln!("raftsim: {flag} is for Raft's campaigns, not with --scenario");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            check_protocol(&name, start, seeds, &out_dir, json)
        }
        Command::Check {
            scenario: None,
            seeds,
            start,
            nodes,
            unsafe_rules,
            threads,
            out_dir,
            membership,
            lease_window,
            no_shrink,
            max_attempts,
            json,
        } => {
            let shrink = (!no_shrink && !json).then_some(max_attempts);
            check(
                seeds,
                start,
                nodes,
                unsafe_rules,
                threads,
                &out_dir,
                CheckOptions { membership, lease_window, shrink, json },
            )
        }
        Command::Shrink { scenario, max_attempts, out } => shrink_command(&scenario, max_attempts, out),
        Command::Bench { config, json } => bench(config, json),
        Command::Replay { run, json } => replay(&run, json),
        Command::Lincheck { files, format, json, budget } => lincheck::command(&files, format.as_deref(), json, budget),
        Command::SeekBench { scenario, minutes, seeks, json } => seek_bench(&scenario, minutes, seeks, json),
        Command::Tour { tour, text } => tour_command(tour.as_deref(), text),
        Command::Catalogue { what } => catalogue_command(what),
        Command::List => {
            for b in builtin::catalog() {
                let s = &b.scenario;
                say!(
                    "{:<18} {} ({}, {} nodes, {} ms)\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    s.nodes,
                    s.duration_ms,
                    "",
                    s.description
                );
            }
            for b in flood::builtin::catalog() {
                let s = &b.scenario;
                say!(
                    "{:<18} {} ({}, {}, {} processes, rounds: {})\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    protocol::FLOOD_CONSENSUS,
                    s.processes(),
                    s.rounds,
                    "",
                    s.description
                );
            }
            for b in generals::builtin::catalog() {
                let s = &b.scenario;
                say!(
                    "{:<18} {} ({}, {}, {} messengers)\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    protocol::TWO_GENERALS,
                    s.messages,
                    "",
                    s.description
                );
            }
            for b in primary_backup::builtin::catalog() {
                let s = &b.scenario;
                let arbiter = if s.arbiter { "with the CFG" } else { "without an arbiter" };
                say!(
                    "{:<18} {} ({}, {}, {arbiter}, {} ms)\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    protocol::PRIMARY_BACKUP,
                    s.duration_ms,
                    "",
                    s.description
                );
            }
            for b in detector::builtin::catalog() {
                let s = &b.scenario;
                let kind = if s.adaptive { "adaptive timeout" } else { "fixed timeout" };
                say!(
                    "{:<18} {} ({}, {}, {} processes, {kind} {} ms, heartbeat {} ms)\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    protocol::FAILURE_DETECTOR,
                    s.processes,
                    s.timeout_ms,
                    s.heartbeat_ms,
                    "",
                    s.description
                );
            }
            for b in chandy_lamport::builtin::catalog() {
                let s = &b.scenario;
                let variant = match (s.fifo, s.record_channels) {
                    (true, true) => "FIFO channels",
                    (false, _) => "channels not FIFO",
                    (true, false) => "channel states not recorded",
                };
                say!(
                    "{:<18} {} ({}, {}, {} processes, {variant})\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    protocol::CHANDY_LAMPORT,
                    s.processes,
                    "",
                    s.description
                );
            }
            for b in chain::builtin::catalog() {
                let s = &b.scenario;
                let variant = if s.early_ack { ", the head answers early" } else { "" };
                say!(
                    "{:<18} {} ({}, {}, {} servers{variant}, {} ms)\n{:<18} {}\n",
                    s.name,
                    b.title,
                    b.group,
                    protocol::CHAIN_REPLICATION,
                    s.servers,
                    s.duration_ms,
                    "",
                    s.description
                );
            }
            ExitCode::SUCCESS
        }
        Command::CompareReplication(args) => compare_replication(args),
        Command::DetectorSweep { scenario, timeouts, json } => detector_sweep(&scenario, &timeouts, json),
        Command::Hashes => {
            for s in raft_sim::campaign::determinism_probes() {
                match raft_sim::run_scenario(&s, None) {
                    Ok(r) => say!("{} {}", s.name, r.trace_hash),
                    Err(e) => {
                        eprintln!("raftsim: built-in scenario {}: {e}", s.name);
                        return ExitCode::from(EXIT_BAD_INPUT);
                    }
                }
            }
            ExitCode::SUCCESS
        }
    }
}

/// A scenario of any protocol the command line runs.
enum Loaded {
    Raft(Box<Scenario>),
    Flood(FloodScenario),
    Generals(GeneralsScenario),
    PrimaryBackup(PbScenario),
    ChandyLamport(ClScenario),
    Chain(ChainScenario),
    Detector(FdScenario),
}

/// A built-in name, or a file to read (through the bounded reader; `-` is standard input) and
/// validate, for the commands that take only Raft scenarios: another protocol's scenario is
/// refused by name.
fn load(name_or_path: &str) -> Result<Scenario, String> {
    match load_any(name_or_path)? {
        Loaded::Raft(s) => Ok(*s),
        Loaded::Flood(s) => Err(format!(
            "{}: this is a '{}' scenario; this command takes only Raft scenarios so far (`raftsim run` runs it)",
            s.name,
            protocol::FLOOD_CONSENSUS
        )),
        Loaded::Generals(s) => Err(format!(
            "{}: this is a '{}' scenario; this command takes only Raft scenarios so far (`raftsim run` runs it)",
            s.name,
            protocol::TWO_GENERALS
        )),
        Loaded::PrimaryBackup(s) => Err(format!(
            "{}: this is a '{}' scenario; this command takes only Raft scenarios so far (`raftsim run` runs it)",
            s.name,
            protocol::PRIMARY_BACKUP
        )),
        Loaded::ChandyLamport(s) => Err(format!(
            "{}: this is a '{}' scenario; this command takes only Raft scenarios so far (`raftsim run` runs it)",
            s.name,
            protocol::CHANDY_LAMPORT
        )),
        Loaded::Chain(s) => Err(format!(
            "{}: this is a '{}' scenario; this command takes only Raft scenarios so far (`raftsim run` runs it)",
            s.name,
            protocol::CHAIN_REPLICATION
        )),
        Loaded::Detector(s) => Err(format!(
            "{}: this is a '{}' scenario; this command takes only Raft scenarios so far (`raftsim run` runs it)",
            s.name,
            protocol::FAILURE_DETECTOR
        )),
    }
}

/// A built-in name (of any protocol), or a file, read once and validated by the reader of the
/// protocol it names (`"protocol"`, Raft when absent).
fn load_any(name_or_path: &str) -> Result<Loaded, String> {
    if let Some(s) = builtin::by_name(name_or_path) {
        return Ok(Loaded::Raft(Box::new(s)));
    }
    if let Some(s) = flood::builtin::by_name(name_or_path) {
        return Ok(Loaded::Flood(s));
    }
    if let Some(s) = generals::builtin::by_name(name_or_path) {
        return Ok(Loaded::Generals(s));
    }
    if let Some(s) = primary_backup::builtin::by_name(name_or_path) {
        return Ok(Loaded::PrimaryBackup(s));
    }
    if let Some(s) = chandy_lamport::builtin::by_name(name_or_path) {
        return Ok(Loaded::ChandyLamport(s));
    }
    if let Some(s) = chain::builtin::by_name(name_or_path) {
        return Ok(Loaded::Chain(s));
    }
    if let Some(s) = detector::builtin::by_name(name_or_path) {
        return Ok(Loaded::Detector(s));
    }
    let text = read_input(name_or_path).map_err(|e| {
        if Path::new(name_or_path).exists() || name_or_path == "-" {
            e
        } else {
            format!("{name_or_path}: not a built-in scenario (`raftsim list`) and no such file")
        }
    })?;
    let label = if name_or_path == "-" { "standard input" } else { name_or_path };
    match protocol::protocol_of(&text).map_err(|e| format!("{label}: {e}"))? {
        protocol::FLOOD_CONSENSUS => {
            FloodScenario::from_json(&text).map(Loaded::Flood).map_err(|e| format!("{label}: {e}"))
        }
        protocol::TWO_GENERALS => {
            GeneralsScenario::from_json(&text).map(Loaded::Generals).map_err(|e| format!("{label}: {e}"))
        }
        protocol::PRIMARY_BACKUP => {
            PbScenario::from_json(&text).map(Loaded::PrimaryBackup).map_err(|e| format!("{label}: {e}"))
        }
        protocol::CHANDY_LAMPORT => {
            ClScenario::from_json(&text).map(Loaded::ChandyLamport).map_err(|e| format!("{label}: {e}"))
        }
        protocol::CHAIN_REPLICATION => {
            ChainScenario::from_json(&text).map(Loaded::Chain).map_err(|e| format!("{label}: {e}"))
        }
        protocol::FAILURE_DETECTOR => {
            FdScenario::from_json(&text).map(Loaded::Detector).map_err(|e| format!("{label}: {e}"))
        }
        _ => Scenario::from_json(&text).map(|s| Loaded::Raft(Box::new(s))).map_err(|e| format!("{label}: {e}")),
    }
}

/// `raftsim run` for a flood-consensus scenario: each process's decision and round, the
/// checks, the trace hash (or one JSON object); exit 3 when a check breaks.
fn run_flood(s: &FloodScenario, json: bool) -> ExitCode {
    let r = flood::run(s);
    if json {
        say!("{}", serde_json::to_value(&r).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        say!(
            "scenario {} ({}, seed {}): {} processes, f = {}, rounds: {}, {} failure detector; {} events, ended at {:.1} ms, trace hash {}",
            r.scenario,
            r.protocol,
            r.seed,
            r.processes.len(),
            r.f,
            r.rounds,
            r.detector,
            r.events,
            r.end_ms,
            r.trace_hash
        );
        for p in &r.processes {
            let outcome = match (&p.decision, p.decided_in_round, p.crashed_in_round) {
                (_, _, Some(round)) => format!("crashed in round {round}"),
                (Some(c), Some(round), None) => format!("decided {c} in round {round}"),
                _ => "undecided".to_string(),
            };
            let suspected: Vec<String> = p
                .suspected
                .iter()
                .map(|q| {
                    format!(
                        "P{} (since round {}{})",
                        q.process,
                        q.since_round,
                        if q.crashed { "" } else { ", falsely" }
                    )
                })
                .collect();
            let suspects =
                if suspected.is_empty() { String::new() } else { format!("; suspects {}", suspected.join(", ")) };
            say!("  P{} proposed {}: {outcome}; knows {{{}}}{suspects}", p.process, p.proposal, p.known.join(", "));
        }
        for property in &r.checked {
            match r.violations.iter().find(|v| v.property == *property) {
                Some(v) => say!("  {property:?}: VIOLATED at {:.1} ms (event {}): {}", v.at_ms, v.event, v.detail),
                None => say!("  {property:?}: holds"),
            }
        }
    }
    if r.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VIOLATION)
    }
}

/// `raftsim run` for a Two Generals' scenario: each general's messengers sent and received
/// and its decision, each messenger's fate, the check, the trace hash (or one JSON object);
/// exit 3 when Agreement breaks.
fn run_generals(s: &GeneralsScenario, json: bool) -> ExitCode {
    let r = generals::run(s);
    if json {
        say!("{}", serde_json::to_value(&r).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        say!(
            "scenario {} ({}, seed {}): {} messengers, attack at {}, loss {}, lost for certain: {:?}; {} events, ended at {:.1} ms, trace hash {}",
            r.scenario,
            r.protocol,
            r.seed,
            r.messages,
            r.attack_time,
            r.loss,
            r.lose,
            r.events,
            r.end_ms,
            r.trace_hash
        );
        let list = |v: &[u32]| v.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(", ");
        for g in &r.generals {
            let waits = g.last_expected.map_or("nothing (it proposed)".to_string(), |n| format!("#{n}"));
            let unsure = g.unconfirmed.map_or(String::new(), |n| format!("; cannot tell whether #{n} arrived"));
            say!(
                "  {}: sent [{}], received [{}]; waits for {waits}: {}{unsure}",
                g.general,
                list(&g.sent),
                list(&g.received),
                if g.attacks { "attacks" } else { "does not attack" }
            );
        }
        for m in &r.messengers {
            say!("  messenger #{} {} -> {}: {}", m.number, m.from, m.to, m.fate);
        }
        for property in &r.checked {
            match r.violations.iter().find(|v| v.property == *property) {
                Some(v) => say!("  {property:?}: VIOLATED at {:.1} ms (event {}): {}", v.at_ms, v.event, v.detail),
                None => say!("  {property:?}: holds"),
            }
        }
    }
    if r.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VIOLATION)
    }
}

/// `raftsim run` for a primary-backup scenario: who was the primary able to answer clients
/// over time, the CFG's test-and-set calls, each server's writes, each client write's
/// acknowledgement, the checks, the trace hash (or one JSON object); exit 3 when a check breaks.
fn run_primary_backup(s: &PbScenario, json: bool) -> ExitCode {
    let r = primary_backup::run(s);
    if json {
        say!("{}", serde_json::to_value(&r).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        say!(
            "scenario {} ({}, seed {}): S1 and S2, {}; {} events, ended at {:.1} ms, trace hash {}",
            r.scenario,
            r.protocol,
            r.seed,
            if r.arbiter { "arbitration server (CFG) with test-and-set" } else { "no arbitration server" },
            r.events,
            r.end_ms,
            r.trace_hash
        );
        for c in &r.primary_over_time {
            let who: Vec<String> = c.primaries.iter().map(|p| format!("S{p}")).collect();
            let who = if who.is_empty() { "none".to_string() } else { who.join(" and ") };
            say!("  from {:>7.1} ms primary answering clients: {who}", c.at_ms);
        }
        for c in &r.test_and_set {
            say!(
                "  {:>7.1} ms S{} test_and_set(f, 1): {}",
                c.at_ms,
                c.server,
                if c.won { "won (f was 0)" } else { "lost (f was 1)" }
            );
        }
        if r.arbiter {
            say!("  CFG f = {}", r.cfg_flag);
        }
        for v in &r.servers {
            let state = if v.crashed { format!("{:?}, crashed", v.role) } else { format!("{:?}", v.role) };
            let suspects = v.suspected.map_or(String::new(), |p| format!("; suspected S{p}"));
            say!("  S{} {state}: writes [{}]{suspects}", v.server, v.writes.join(", "));
        }
        for w in &r.writes {
            match (w.acknowledged_by, w.acknowledged_at_ms) {
                (Some(s), Some(at)) => say!("  write {} {}: acknowledged by S{s} at {at:.1} ms", w.id, w.value),
                _ => say!("  write {} {}: never acknowledged", w.id, w.value),
            }
        }
        for property in &r.checked {
            match r.violations.iter().find(|v| v.property == *property) {
                Some(v) => say!("  {property:?}: VIOLATED at {:.1} ms (event {}): {}", v.at_ms, v.event, v.detail),
                None => say!("  {property:?}: holds"),
            }
        }
    }
    if r.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VIOLATION)
    }
}

/// `raftsim run` for a Chandy–Lamport scenario: each process's balance and recorded state,
/// each channel's recorded state, the markers, the snapshot's total against the bank's, the
/// checks, the trace hash (or one JSON object); exit 3 when a check breaks.
fn run_chandy_lamport(s: &ClScenario, json: bool) -> ExitCode {
    let r = chandy_lamport::run(s);
    if json {
        say!("{}", serde_json::to_value(&r).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        let channels = match (r.fifo, r.record_channels) {
            (true, true) => "FIFO channels",
            (false, _) => "channels NOT FIFO",
            (true, false) => "FIFO channels, channel states NOT recorded",
        };
        say!(
            "scenario {} ({}, seed {}): {} processes, {channels}, bank total {}, {} transfers; {} events, ended at {:.1} ms, trace hash {}",
            r.scenario,
            r.protocol,
            r.seed,
            r.processes.len(),
            r.total,
            r.transfers,
            r.events,
            r.end_ms,
            r.trace_hash
        );
        let snap = &r.snapshot;
        match snap.initiated_at_ms {
            Some(at) => say!("  p{} initiates the snapshot at {at:.1} ms", snap.initiator),
            None => say!("  the snapshot was never initiated"),
        }
        for p in &r.processes {
            let recorded = match (p.recorded, p.recorded_at_ms) {
                (Some(v), Some(at)) => format!("recorded {v} at {at:.1} ms"),
                _ => "never recorded".to_string(),
            };
            say!("  p{}: balance {} ({recorded}); sent {}, received {}", p.process, p.balance, p.sent, p.received);
        }
        for c in &r.channels {
            let amounts: Vec<String> = c.recorded_amounts.iter().map(u64::to_string).collect();
            say!("  channel p{}→p{}: [{}] ({:?})", c.from, c.to, amounts.join(", "), c.recording);
        }
        for m in &r.markers {
            let arrived = m.arrived_at_ms.map_or("never arrived".to_string(), |t| format!("arrived {t:.1} ms"));
            let first = if m.first { ", its first: records" } else { "" };
            say!("  marker p{}→p{}: sent {:.1} ms, {arrived}{first}", m.from, m.to, m.sent_at_ms);
        }
        match snap.completed_at_ms {
            Some(at) => say!(
                "  snapshot complete at {at:.1} ms: states {} + channels {} = {} (bank {})",
                snap.states_total,
                snap.channels_total,
                snap.recorded_total,
                r.total
            ),
            None => say!("  snapshot not complete"),
        }
        let list = |ids: &[u64]| ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        if !snap.missed.is_empty() {
            say!("  in flight across the cut but in no channel state: transfers {}", list(&snap.missed));
        }
        if !snap.counted_without_send.is_empty() {
            say!("  counted in the snapshot but sent after the cut: transfers {}", list(&snap.counted_without_send));
        }
        for property in &r.checked {
            match r.violations.iter().find(|v| v.property == *property) {
                Some(v) => say!("  {property:?}: VIOLATED at {:.1} ms (event {}): {}", v.at_ms, v.event, v.detail),
                None => say!("  {property:?}: holds"),
            }
        }
    }
    if r.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VIOLATION)
    }
}

/// `raftsim check --scenario NAME`: another protocol's scenario with seed after seed; the
/// lowest failing seed's scenario is written to `out_dir`. Exit 3 on a failure.
fn check_protocol(name: &str, start: u64, seeds: u64, out_dir: &Path, json: bool) -> ExitCode {
    use raft_sim::playback::protocol_check;
    let text = match raft_sim::builtin::EMBEDDED_FILES.iter().find(|(n, _)| *n == format!("{name}.json")) {
        Some((_, t)) => Ok(t.to_string()),
        None => read_input(name),
    };
    let outcome =
        match text.and_then(|t| protocol_check::check_seeds(&t, start, seeds).map_err(|e| format!("{name}: {e}"))) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("raftsim: {e}");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
        };
    let written = outcome.failure.as_ref().map(|f| {
        let path = out_dir.join(format!("{}-seed-{}.json", outcome.scenario, f.seed));
        (std::fs::write(&path, &f.scenario).map(|_| path.clone()), path)
    });
    if json {
        let mut v = serde_json::to_value(&outcome).unwrap_or_default();
        if let Some(o) = v.get_mut("failure").and_then(|f| f.as_object_mut()) {
            o.remove("scenario");
        }
        say!("{v}");
    } else {
        say!(
            "{} ({}): {} seeds from {}, {} events",
            outcome.scenario,
            outcome.protocol,
            outcome.seeds_run,
            start,
            outcome.events
        );
        match &outcome.failure {
            None => say!("  every check held in every run"),
            Some(f) => {
                say!("  seed {}: {} broken at {:.1} ms (event {}): {}", f.seed, f.property, f.at_ms, f.event, f.detail)
            }
        }
    }
    match written {
        None => ExitCode::SUCCESS,
        Some((Ok(path), _)) => {
            if !json {
                say!("  wrote {} (raftsim run it to see the failure)", path.display());
            }
            ExitCode::from(EXIT_VIOLATION)
        }
        Some((Err(e), path)) => {
            eprintln!("raftsim: cannot write {}: {e}", path.display());
            ExitCode::from(EXIT_VIOLATION)
        }
    }
}

/// `raftsim run` for a chain-replication scenario: the CFG's chain over time, each server's
/// role, history and utilisation, the requests and their answers (up to 200), the latency and
/// throughput figures, the checks, the trace hash (or one JSON object); exit 3 when a check breaks.
fn run_chain(s: &ChainScenario, json: bool) -> ExitCode {
    let r = chain::run(s);
    if json {
        say!("{}", serde_json::to_value(&r).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        let layout = match r.layout {
            chain::scenario::Layout::Chain => "a chain",
            chain::scenario::Layout::PrimaryBackup => "primary-backup's layout",
        };
        let variant = if r.early_ack { "; the head answers writes on arrival (broken)" } else { "" };
        say!(
            "scenario {} ({}, seed {}): {} servers in {layout}{variant}; {} events, ended at {:.1} ms, trace hash {}",
            r.scenario,
            r.protocol,
            r.seed,
            r.servers,
            r.events,
            r.end_ms,
            r.trace_hash
        );
        if r.layout == chain::scenario::Layout::Chain {
            for c in &r.chain_over_time {
                let chain: Vec<String> = c.chain.iter().map(|p| format!("S{p}")).collect();
                say!("  from {:>7.1} ms the CFG's chain: {}", c.at_ms, chain.join(" -> "));
            }
        }
        for v in &r.server_reports {
            let state = if v.crashed { format!("{}, crashed", v.role) } else { v.role.to_string() };
            let more = if v.history_len > v.writes.len() { ", ..." } else { "" };
            let resent =
                if v.resent > 0 { format!("; resent {} to its new successor", v.resent) } else { String::new() };
            say!(
                "  S{} {state}: {} writes [{}{more}]; {} sent unacknowledged{resent}; busy {:.0}%",
                v.server,
                v.history_len,
                v.writes.join(", "),
                v.unacknowledged,
                v.utilisation * 100.0
            );
        }
        for q in &r.requests {
            let what = match &q.write {
                Some(v) => format!("write {v}"),
                None => "read".to_string(),
            };
            match (q.answered_by, q.answered_ms, q.read_len) {
                (Some(s), Some(at), Some(n)) => {
                    say!(
                        "  request {} {what} at {:.1} ms: S{s} answered at {at:.1} ms, seeing {n} writes",
                        q.id,
                        q.sent_ms
                    )
                }
                (Some(s), Some(at), None) => {
                    say!("  request {} {what} at {:.1} ms: acknowledged by S{s} at {at:.1} ms", q.id, q.sent_ms)
                }
                _ => say!("  request {} {what} at {:.1} ms: never answered", q.id, q.sent_ms),
            }
        }
        let st = &r.stats;
        say!(
            "  {} requests, {} answered; throughput {:.1}/s; busiest S{} at {:.0}%",
            st.sent,
            st.answered,
            st.throughput_per_s,
            st.busiest_server,
            st.busiest_utilisation * 100.0
        );
        for (kind, l) in [("writes", &st.writes), ("reads", &st.reads)] {
            say!(
                "  {kind}: {} answered, latency mean {:.1} ms, p50 {:.1}, p99 {:.1}, max {:.1}",
                l.count,
                l.mean_ms,
                l.p50_ms,
                l.p99_ms,
                l.max_ms
            );
        }
        for property in &r.checked {
            match r.violations.iter().find(|v| v.property == *property) {
                Some(v) => say!("  {property:?}: VIOLATED at {:.1} ms (event {}): {}", v.at_ms, v.event, v.detail),
                None => say!("  {property:?}: holds"),
            }
        }
    }
    if r.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VIOLATION)
    }
}

/// `raftsim compare-replication`: primary-backup and the chain side by side at each rate.
fn compare_replication(a: CompareArgs) -> ExitCode {
    let service = chain::scenario::Service { execute_ms: a.execute_ms, apply_ms: a.apply_ms, read_ms: a.read_ms };
    let spec = compare::Spec {
        servers: a.servers,
        rates: a.rates,
        read_fraction: a.read_fraction,
        duration_ms: a.duration_ms,
        seed: a.seed,
        latency_ms: a.latency_ms,
        service,
    };
    if let Err(e) = compare::validate(&spec) {
        eprintln!("raftsim: {e}");
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let rows = compare::compare(&spec);
    if a.json {
        let out = serde_json::json!({
            "servers": spec.servers, "read_fraction": spec.read_fraction, "duration_ms": spec.duration_ms,
            "seed": spec.seed, "latency_ms": spec.latency_ms, "service_ms": spec.service, "rows": rows,
        });
        say!("{out}");
    } else {
        say!(
            "{} servers each; {:.0}% reads; {} ms of requests; one-way delay {}-{} ms; execute {} ms, apply {} ms, read {} ms (seed {})",
            spec.servers,
            spec.read_fraction * 100.0,
            spec.duration_ms,
            spec.latency_ms[0],
            spec.latency_ms[1],
            service.execute_ms,
            service.apply_ms,
            service.read_ms,
            spec.seed
        );
        say!(
            "{:>7}  {:<14} {:>8} {:>8} {:>8} {:>8}  {:>8} {:>8} {:>8}  {:>10}  {:>8}",
            "rate/s",
            "layout",
            "w.mean",
            "w.p50",
            "w.p99",
            "w.max",
            "r.mean",
            "r.p99",
            "r.max",
            "answered/s",
            "busiest"
        );
        for row in &rows {
            let st = &row.stats;
            let layout = match row.layout {
                chain::scenario::Layout::Chain => "chain",
                chain::scenario::Layout::PrimaryBackup => "primary-backup",
            };
            say!(
                "{:>7}  {:<14} {:>8.1} {:>8.1} {:>8.1} {:>8.1}  {:>8.1} {:>8.1} {:>8.1}  {:>10.1}  S{} {:>3.0}%{}",
                row.rate_per_s,
                layout,
                st.writes.mean_ms,
                st.writes.p50_ms,
                st.writes.p99_ms,
                st.writes.max_ms,
                st.reads.mean_ms,
                st.reads.p99_ms,
                st.reads.max_ms,
                st.throughput_per_s,
                st.busiest_server,
                st.busiest_utilisation * 100.0,
                if row.violations > 0 { "  (a check broke)" } else { "" }
            );
        }
        say!("latencies in ms (w: writes, r: reads); answered/s: requests answered while the clients send");
    }
    if rows.iter().any(|r| r.violations > 0) {
        ExitCode::from(EXIT_VIOLATION)
    } else {
        ExitCode::SUCCESS
    }
}

/// `raftsim run` for a failure-detector scenario: the faults' effect in numbers (false
/// suspicions with their causes, wrongly-suspected time, detection times), every suspicion,
/// each process's end state, the checks, the trace hash (or one JSON object); exit 3 when a
/// check breaks.
fn run_detector(s: &FdScenario, json: bool) -> ExitCode {
    let r = detector::run(s);
    if json {
        say!("{}", serde_json::to_value(&r).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        say!(
            "scenario {} ({}, seed {}): {} processes, heartbeat every {} ms, {} timeout {} ms; {} events, ended at {:.1} ms, trace hash {}",
            r.scenario,
            r.protocol,
            r.seed,
            r.processes.len(),
            r.heartbeat_ms,
            if r.adaptive { "adaptive" } else { "fixed" },
            r.timeout_ms,
            r.events,
            r.end_ms,
            r.trace_hash
        );
        let m = &r.metrics;
        let causes: Vec<String> = m.false_by_cause.iter().map(|(c, n)| format!("{c:?} {n}")).collect();
        let causes = if causes.is_empty() { String::new() } else { format!(" ({})", causes.join(", ")) };
        say!(
            "  accuracy: {} false suspicions{causes}, live processes wrongly suspected for {:.1} ms in all",
            m.false_suspicions,
            m.wrongly_suspected_ms
        );
        match (m.detection_mean_ms, m.detection_max_ms) {
            (Some(mean), Some(max)) => say!(
                "  completeness: {} of {} crash detections, detection time mean {mean:.1} ms, max {max:.1} ms",
                m.detected,
                m.detected + m.undetected
            ),
            _ if m.undetected > 0 => say!("  completeness: none of {} crash detections made", m.undetected),
            _ => say!("  completeness: no process crashed"),
        }
        for x in &r.suspicions {
            let to = x.to_ms.map_or("the end".to_string(), |t| format!("{t:.1} ms"));
            let what = match x.cause {
                Some(c) if x.false_suspicion => format!("false suspicion, cause {c:?}"),
                _ if x.false_suspicion => "false suspicion".to_string(),
                _ => "crashed".to_string(),
            };
            say!("  {:>7.1} ms P{} suspects P{} until {to} ({what})", x.from_ms, x.monitor, x.process);
        }
        if r.unlisted > 0 {
            say!("  ... and {} more suspicions (not listed)", r.unlisted);
        }
        for d in &r.detections {
            match d.detection_ms {
                Some(t) => say!(
                    "  P{} crashed at {:.1} ms: P{} suspects it after {t:.1} ms",
                    d.process,
                    d.crashed_at_ms,
                    d.monitor
                ),
                None => {
                    say!("  P{} crashed at {:.1} ms: P{} does not suspect it", d.process, d.crashed_at_ms, d.monitor)
                }
            }
        }
        for p in &r.processes {
            let mut state = Vec::new();
            if let Some(t) = p.crashed_at_ms {
                state.push(format!("crashed at {t:.1} ms"));
            }
            if p.paused_ms > 0.0 {
                state.push(format!("paused {:.1} ms", p.paused_ms));
            }
            if p.drift != 0.0 {
                state.push(format!("clock drift {:+}", p.drift));
            }
            let suspects: Vec<String> = p.suspects.iter().map(|q| format!("P{q}")).collect();
            state.push(format!("{} heartbeats sent, suspects [{}]", p.heartbeats_sent, suspects.join(", ")));
            if r.adaptive {
                let t: Vec<String> = p.timeouts_ms.iter().map(|(q, t)| format!("P{q} {t}")).collect();
                state.push(format!("timeouts [{}] ms", t.join(", ")));
            }
            say!("  P{}: {}", p.process, state.join("; "));
        }
        for property in &r.checked {
            match r.violations.iter().find(|v| v.property == *property) {
                Some(v) => say!("  {property:?}: VIOLATED at {:.1} ms (event {}): {}", v.at_ms, v.event, v.detail),
                None => say!("  {property:?}: holds"),
            }
        }
    }
    if r.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_VIOLATION)
    }
}

/// `--timeouts 50,100,200` (milliseconds), or why not.
fn parse_timeouts(text: &str) -> Result<Vec<f64>, raft_sim::scenario::format::ScenarioError> {
    let bad = |problem: String| raft_sim::scenario::format::ScenarioError::new("--timeouts", problem);
    let list: Vec<&str> = text.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
    if list.is_empty() || list.len() > detector::sweep::MAX_TIMEOUTS {
        return Err(bad(format!("must list 1 to {} timeouts in ms, e.g. 50,100,200", detector::sweep::MAX_TIMEOUTS)));
    }
    list.iter()
        .map(|t| match t.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
            _ => Err(bad(format!("'{t}' is not a timeout in ms (e.g. 50,100,200)"))),
        })
        .collect()
}

/// `raftsim detector-sweep`: the accuracy/completeness trade-off as a table (or JSON rows).
fn detector_sweep(name: &str, timeouts: &str, json: bool) -> ExitCode {
    let s = match load_any(name) {
        Ok(Loaded::Detector(s)) => s,
        Ok(_) => {
            eprintln!("raftsim: {name}: detector-sweep takes a '{}' scenario", protocol::FAILURE_DETECTOR);
            return ExitCode::from(EXIT_BAD_INPUT);
        }
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let rows = parse_timeouts(timeouts).and_then(|t| detector::sweep::sweep(&s, &t, "--timeouts"));
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if json {
        say!("{}", serde_json::json!({"scenario": s.name, "seed": s.seed, "adaptive": s.adaptive, "rows": rows}));
        return ExitCode::SUCCESS;
    }
    say!(
        "scenario {} (seed {}, {} processes, heartbeat every {} ms, {} timeout)",
        s.name,
        s.seed,
        s.processes,
        s.heartbeat_ms,
        if s.adaptive { "adaptive" } else { "fixed" }
    );
    say!("  timeout ms | false suspicions | wrongly suspected ms | detected | detection mean ms | detection max ms");
    let opt = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.1}"));
    for r in &rows {
        say!(
            "  {:>10} | {:>16} | {:>20.1} | {:>8} | {:>17} | {:>16}",
            r.timeout_ms,
            r.false_suspicions,
            r.wrongly_suspected_ms,
            format!("{}/{}", r.detected, r.detected + r.undetected),
            opt(r.detection_mean_ms),
            opt(r.detection_max_ms)
        );
    }
    ExitCode::SUCCESS
}

/// `raftsim run SCENARIO --until-ms MS` for a protocol other than Raft: the run at that moment
/// as the page's stage draws it (each node's badge and facts, the messages in flight, the
/// checks so far), or the same picture as JSON. Exit 3 if a check broke by then.
fn picture_at(name: &str, ms: u64, json: bool) -> ExitCode {
    use raft_sim::playback::protocol_run;
    let run = match protocol_run::open_builtin(name) {
        Some(run) => Ok(run),
        None => read_input(name).and_then(|text| protocol_run::open(&text).map_err(|e| format!("{name}: {e}"))),
    };
    let mut run = match run {
        Ok(run) => run,
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    run.seek_time(ms.saturating_mul(1000));
    let p = run.picture();
    if json {
        say!("{}", serde_json::to_value(&p).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()})));
    } else {
        say!(
            "{} ({}) at {:.1} ms of {:.1} ms, event {} of {}",
            p.scenario,
            p.protocol,
            p.now_us as f64 / 1000.0,
            p.end_us as f64 / 1000.0,
            p.events,
            run.total_events()
        );
        let name_of = |e: raft_sim::network::Endpoint| {
            p.nodes.iter().find(|n| n.at == e).map_or_else(|| format!("{e:?}"), |n| n.name.clone())
        };
        for n in &p.nodes {
            let badge = n.badge.map(|b| format!(" [{b}]")).unwrap_or_default();
            let status = match n.status {
                raft_sim::protocols::view::Status::Up => "",
                raft_sim::protocols::view::Status::Paused => " (paused)",
                raft_sim::protocols::view::Status::Crashed => " (crashed)",
            };
            let facts: Vec<String> = n.facts.iter().map(|f| format!("{}={}", f.label, f.value)).collect();
            say!("  {}{badge}{status}: {}", n.name, facts.join("  "));
        }
        for m in &p.messages {
            let fate = if m.lost { ", will be lost" } else { "" };
            say!(
                "  in flight: {} {}→{} {} (sent {:.1} ms, arrives {:.1} ms{fate})",
                m.kind,
                name_of(m.from),
                name_of(m.to),
                m.label,
                m.sent_us as f64 / 1000.0,
                m.arrive_us as f64 / 1000.0
            );
        }
        for f in &p.facts {
            say!("  {}: {}", f.label, f.value);
        }
        for c in &p.checks {
            match &c.broken {
                Some(b) => say!(
                    "  {}: VIOLATED at {:.1} ms (event {}): {}",
                    c.property,
                    b.at_us as f64 / 1000.0,
                    b.event,
                    b.detail
                ),
                None => say!("  {}: holds so far", c.property),
            }
        }
    }
    if p.checks.iter().any(|c| c.broken.is_some()) {
        ExitCode::from(EXIT_VIOLATION)
    } else {
        ExitCode::SUCCESS
    }
}

/// Every file the command line reads (scenarios, runs, tours; `-` is standard input) goes
/// through raft-sim's bounded reader: at most the cap plus one byte is read, whatever the source.
fn read_input(path: &str) -> Result<String, String> {
    raft_sim::input::read_path(path, raft_sim::input::MAX_INPUT_BYTES)
}

/// What `raftsim run` prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Summary,
    Json,
    Events,
}

fn run(
    name: &str,
    until_ms: Option<u64>,
    output: Output,
    trace: bool,
    budget: Budget,
    force: (bool, bool),
) -> ExitCode {
    let other = match load_any(name) {
        Ok(Loaded::Raft(s)) => Ok(*s),
        Ok(other) => Err(other),
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let mut scenario = match other {
        Ok(s) => s,
        Err(other) => {
            let (scenario_name, kind) = match &other {
                Loaded::Flood(s) => (s.name.as_str(), protocol::FLOOD_CONSENSUS),
                Loaded::Generals(s) => (s.name.as_str(), protocol::TWO_GENERALS),
                Loaded::PrimaryBackup(s) => (s.name.as_str(), protocol::PRIMARY_BACKUP),
                Loaded::ChandyLamport(s) => (s.name.as_str(), protocol::CHANDY_LAMPORT),
                Loaded::Detector(s) => (s.name.as_str(), protocol::FAILURE_DETECTOR),
                Loaded::Chain(s) => (s.name.as_str(), protocol::CHAIN_REPLICATION),
                Loaded::Raft(s) => (s.name.as_str(), protocol::RAFT),
            };
            // The rest of `run`'s options read a Raft run: say so rather than ignore them.
            let raft_only = [
                (output == Output::Events, "--events"),
                (trace, "--trace"),
                (force.0, "--pre-vote"),
                (force.1, "--check-quorum"),
            ];
            if let Some((_, flag)) = raft_only.iter().find(|(on, _)| *on) {
                eprintln!("raftsim: {flag} is for Raft scenarios; {scenario_name} is a '{kind}' scenario");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            if let Some(ms) = until_ms {
                return picture_at(name, ms, output == Output::Json);
            }
            return match other {
                Loaded::Generals(s) => run_generals(&s, output == Output::Json),
                Loaded::Flood(s) => run_flood(&s, output == Output::Json),
                Loaded::PrimaryBackup(s) => run_primary_backup(&s, output == Output::Json),
                Loaded::Detector(s) => run_detector(&s, output == Output::Json),
                Loaded::ChandyLamport(s) => run_chandy_lamport(&s, output == Output::Json),
                Loaded::Chain(s) => run_chain(&s, output == Output::Json),
                Loaded::Raft(_) => ExitCode::from(EXIT_BAD_INPUT),
            };
        }
    };
    scenario.raft.pre_vote |= force.0;
    scenario.raft.check_quorum |= force.1;
    let mut sim = match Simulation::new(&scenario) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("raftsim: {name}: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    sim.set_record_trace(trace);
    sim.set_budget(budget);
    let until = until_ms.map_or(sim.end(), |ms| ms.saturating_mul(1000));
    let outcomes = if output == Output::Events {
        let mut watch = RunEvents::new(&sim);
        let mut lines = Vec::new();
        let outcomes = expect::run_checking(&mut sim, until, |sim| {
            watch.poll(sim, &mut lines);
            for line in lines.drain(..) {
                say!("{line}");
            }
        });
        for o in &outcomes {
            let mut line = serde_json::json!({"at_ms": o.at_ms, "kind": "expect", "index": o.index, "holds": o.holds, "reached": o.reached, "claim": o.claim});
            if !o.holds {
                line["seen"] = serde_json::json!(o.seen);
            }
            say!("{line}");
        }
        outcomes
    } else {
        expect::run_checking(&mut sim, until, |_| {})
    };
    if let Some(message) = sim.stop_message() {
        eprintln!(
            "raftsim: {name}: {message} (the run was to reach {:.1} ms; raise --max-events or --memory-budget-mb to go on)",
            until.min(sim.end()) as f64 / 1000.0
        );
    }
    if trace {
        for event in sim.trace() {
            say!("{event}");
        }
    }
    let report = Report::of(&sim);
    match output {
        Output::Json => {
            let mut value =
                serde_json::to_value(&report).unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}));
            if !outcomes.is_empty() {
                value["expect"] = serde_json::to_value(&outcomes).unwrap_or_default();
            }
            // Actions the run skipped (a role nobody held) or the cluster refused, with why.
            if !sim.refusals().is_empty() {
                let refused: Vec<_> = sim
                    .refusals()
                    .iter()
                    .map(|(at, reason)| serde_json::json!({"at_ms": *at as f64 / 1000.0, "reason": reason}))
                    .collect();
                value["refusals"] = serde_json::Value::Array(refused);
            }
            say!("{value}");
        }
        Output::Events => {
            let end = serde_json::json!({
                "at_ms": report.end_ms,
                "event": report.events,
                "kind": "end",
                "trace_hash": report.trace_hash,
                "stopped": report.stopped.map(|s| s.name()),
                "violations": report.violations_total,
                "linearizability": report.linearizability.verdict,
                "liveness_failed": report.liveness.iter().filter(|l| l.failed()).map(|l| l.property.as_str()).collect::<Vec<_>>(),
                "expect_failed": outcomes.iter().filter(|o| o.failed()).count(),
            });
            say!("{end}");
        }
        Output::Summary => {
            print_summary(&report);
            // Actions the run skipped (a role nobody held) or the cluster refused, with why.
            for (at, reason) in sim.refusals() {
                say!("  at {:.1} ms: {reason}", *at as f64 / 1000.0);
            }
            print_expectations(&outcomes);
        }
    }
    exit_code(&report, &outcomes)
}

/// 3 for a violation (found even if the run then stopped early), else 5 for a claim of
/// `expect` that does not hold, else 4 for a run its budget stopped, else 6 for a failed
/// liveness property, else 0.
fn exit_code(report: &Report, outcomes: &[expect::ExpectOutcome]) -> ExitCode {
    if !report.violations.is_empty() || report.linearizability.is_violation() {
        ExitCode::from(EXIT_VIOLATION)
    } else if outcomes.iter().any(expect::ExpectOutcome::failed) {
        ExitCode::from(EXIT_EXPECT)
    } else if report.stopped.is_some() {
        ExitCode::from(EXIT_STOPPED)
    } else if report.liveness.iter().any(|l| l.failed()) {
        ExitCode::from(EXIT_LIVENESS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The scenario's claims: how many held, and each that did not with what was seen.
fn print_expectations(outcomes: &[expect::ExpectOutcome]) {
    if outcomes.is_empty() {
        return;
    }
    let held = outcomes.iter().filter(|o| o.holds).count();
    say!("expect: {held} of {} claims hold", outcomes.len());
    for o in outcomes.iter().filter(|o| !o.holds) {
        let claim = serde_json::to_string(&o.claim.check).unwrap_or_default();
        let word = if o.reached { "EXPECT FAILED" } else { "EXPECT NOT CHECKED" };
        say!("{word} expect[{}] at {:.3} ms: {claim}\n  seen: {}", o.index, o.at_ms, o.seen);
    }
}

fn print_summary(r: &Report) {
    say!(
        "scenario {} (seed {}): {} events, ended at {:.1} ms, trace hash {}",
        r.name,
        r.seed,
        r.events,
        r.end_ms,
        r.trace_hash
    );
    if r.pre_vote || r.check_quorum || !r.leader_liveliness {
        let on = |b: bool| if b { "on" } else { "off" };
        say!(
            "  PreVote {}, CheckQuorum {}, leader liveliness {}",
            on(r.pre_vote),
            on(r.check_quorum),
            on(r.leader_liveliness)
        );
    }
    for n in &r.nodes {
        // Long logs: the last entries tell the story; `--json` has them all.
        const SHOWN: usize = 8;
        let skipped = n.log.len().saturating_sub(SHOWN);
        let mut log: Vec<String> = n.log[skipped..].iter().map(|e| format!("{}:{}", e.term, e.command)).collect();
        if skipped > 0 {
            log.insert(0, format!("…{skipped} more"));
        }
        if n.snapshot_index > 0 {
            log.insert(0, format!("snapshot through {} (t{})", n.snapshot_index, n.snapshot_term));
        }
        say!(
            "  S{} {:<9} {:<7} term {:<3} commit {:<3} log [{}]",
            n.id,
            n.role,
            n.status,
            n.term,
            n.commit_index,
            log.join(", ")
        );
        if let Some(target) = n.transfer_to {
            say!("     handing leadership to S{target}");
        }
    }
    if let Some(message) = &r.stopped_message {
        say!("STOPPED ({}): {message}", r.stopped.map_or("", |s| s.name()));
    }
    if r.violations.is_empty() {
        say!("no invariant violated");
    }
    for v in &r.violations {
        say!("VIOLATION {} {}: {}", v.property, violation_span(v), v.message);
    }
    if r.violations_total > r.violations.len() as u64 {
        say!("… and {} more distinct violations (not listed)", r.violations_total - r.violations.len() as u64);
    }
    let lin = &r.linearizability;
    match lin.verdict {
        Verdict::Ok => say!("client history {}", lin.message),
        Verdict::Unknown => say!("client history: linearizability {}", lin.message),
        Verdict::Violation => {
            say!("VIOLATION Linearizability: {}", lin.message);
            for op in &lin.ops {
                let what = match &op.value {
                    Some(v) => format!("put {}={v}", op.key),
                    None => format!("get {}", op.key),
                };
                let by = op.answered_by.map_or(String::new(), |n| format!(" by S{n}"));
                let answered = match op.completed_ms {
                    Some(t) => format!(
                        "{t:.3} ms{by} -> {}",
                        op.result.as_deref().map_or("(absent)".into(), |v| format!("\"{v}\""))
                    ),
                    None => "open".into(),
                };
                let mark = if Some(op.history_index) == lin.culprit { "  <-" } else { "" };
                say!(
                    "  client {} #{} {what}: invoked {:.3} ms, answered {answered}{mark}",
                    op.client,
                    op.seq,
                    op.invoked_ms
                );
            }
        }
    }
    // Liveness apart from safety: a property not judged is said so, never counted as held.
    let said: Vec<String> = r
        .liveness
        .iter()
        .filter(|l| !l.failed())
        .map(|l| match l.status {
            "holding" => format!("{} holds ({}×)", l.property, l.judged),
            "off" => format!("{} off", l.property),
            _ => format!("{} not judged", l.property),
        })
        .collect();
    if !said.is_empty() {
        say!("liveness: {}", said.join("; "));
    }
    for l in r.liveness.iter().filter(|l| l.failed()) {
        say!(
            "LIVENESS {} failed at {:.3} ms (event {}): {}",
            l.property,
            l.failed_ms.unwrap_or(0.0),
            l.failed_event.unwrap_or(0),
            l.message.as_deref().unwrap_or("")
        );
    }
}

/// When a violation began and, if it lasted, when it ended.
fn violation_span(v: &raft_sim::ViolationReport) -> String {
    let began = format!("{:.3} ms (event {})", v.began_ms, v.began_event);
    let again = if v.detections > 1 { format!(", found after {} events", v.detections) } else { String::new() };
    match (v.lasting, v.ended_ms, v.ended_event) {
        (true, Some(ms), Some(e)) => format!("from {began} until {ms:.3} ms (event {e}){again}"),
        (true, _, _) => format!("from {began}, still at the end{again}"),
        (false, Some(ms), Some(e)) if v.detections > 1 => {
            format!("at {began}, again until {ms:.3} ms (event {e}){again}")
        }
        _ => format!("at {began}"),
    }
}

/// What kind of campaign `raftsim check` runs, and whether it shrinks what it finds.
struct CheckOptions {
    membership: bool,
    lease_window: bool,
    /// The shrinker's attempt budget; `None`: `--no-shrink`.
    shrink: Option<u64>,
    /// One JSON object instead of the summary (`--json`).
    json: bool,
}

fn check(
    seeds: u64,
    start: u64,
    nodes: Option<u32>,
    unsafe_rules: Vec<UnsafeRule>,
    threads: usize,
    out_dir: &Path,
    CheckOptions { membership, lease_window, shrink, json }: CheckOptions,
) -> ExitCode {
    if let Some(n) = nodes {
        if !(1..=raft_sim::scenario::MAX_NODES).contains(&n) {
            eprintln!("raftsim: --nodes must be between 1 and {}", raft_sim::scenario::MAX_NODES);
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    }
    let config = CampaignConfig {
        first_seed: start,
        seeds,
        nodes,
        unsafe_rules: unsafe_rules.clone(),
        threads: threads.clamp(1, 64),
        membership,
        lease_window,
    };
    let started = Instant::now();
    let outcome: CampaignOutcome = raft_sim::campaign::run(&config);
    let secs = started.elapsed().as_secs_f64();
    if json {
        return check_json(&outcome, secs, out_dir);
    }
    let mut rules = if unsafe_rules.is_empty() {
        "safe rules; PreVote, CheckQuorum, leader liveliness and leadership transfers drawn per seed".to_string()
    } else {
        unsafe_rules.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
    };
    if lease_window {
        let others: Vec<&str> =
            unsafe_rules.iter().filter(|&&r| r != UnsafeRule::StaleReads).map(|r| r.name()).collect();
        rules = if unsafe_rules.contains(&UnsafeRule::StaleReads) {
            "lease window: lease reads with clocks drifting beyond the bound".to_string()
        } else {
            "lease window: lease reads, clocks within the drift bound".to_string()
        };
        if !others.is_empty() {
            rules = format!("{rules}; {}", others.join(", "));
        }
    } else if config.membership || unsafe_rules.contains(&UnsafeRule::UnsafeSingleServerChange) {
        rules.push_str(", membership changes");
    }
    let liveness = outcome.failure.as_ref().is_some_and(|f| f.violation.property.is_liveness());
    say!(
        "check ({rules}): {} seeds run, {} events, {} violations found, {} liveness failures found, {:.1} s ({:.0} events/s)",
        outcome.seeds_run,
        outcome.events,
        (outcome.failure.is_some() && !liveness) as u32,
        liveness as u32,
        secs,
        outcome.events as f64 / secs.max(1e-9)
    );
    say!(
        "liveness judged on {} of {} seeds passed (the others were never stable for a whole bound)",
        outcome.liveness_judged,
        outcome.seeds_run - outcome.failure.is_some() as u64
    );
    if outcome.linearizability_unknown > 0 {
        say!(
            "{} seeds: linearizability unknown (the checker's step budget ran out); not counted as violations",
            outcome.linearizability_unknown
        );
    }
    if let Some(scenario) = &outcome.runaway {
        let path = out_dir.join(format!("raftsim-runaway-{}.json", scenario.seed));
        say!(
            "seed {}: exceeded the budget of {} events before its end (a message storm or livelock)",
            scenario.seed,
            raft_sim::campaign::EVENT_BUDGET
        );
        write_scenario(&path, scenario);
        if outcome.failure.is_none() {
            return ExitCode::FAILURE;
        }
    }
    match outcome.failure {
        None => ExitCode::SUCCESS,
        Some(failure) => {
            let path = out_dir.join(format!("raftsim-failure-{}.json", failure.scenario.seed));
            let kind = if liveness { "LIVENESS " } else { "" };
            say!(
                "seed {}: {kind}{} — {}",
                failure.scenario.seed,
                failure.violation.property,
                failure.violation.message
            );
            write_scenario(&path, &failure.scenario);
            if let Some(max_attempts) = shrink {
                let shrunk_path = out_dir.join(format!("raftsim-failure-{}-shrunk.json", failure.scenario.seed));
                if let Err(e) = shrink_and_tell(&failure.scenario, max_attempts, &shrunk_path) {
                    // The campaign's scenario reproduces (checked when found); a shrink that
                    // cannot start is reported, and the raw scenario stands.
                    eprintln!("raftsim: shrinking seed {}: {e}", failure.scenario.seed);
                }
            }
            ExitCode::from(if liveness { EXIT_LIVENESS } else { EXIT_VIOLATION })
        }
    }
}

/// `raftsim check --json`: the campaign's outcome as one JSON object; the exit code as without.
fn check_json(outcome: &CampaignOutcome, secs: f64, out_dir: &Path) -> ExitCode {
    let failure = outcome.failure.as_ref().map(|f| {
        serde_json::json!({
            "seed": f.scenario.seed,
            "property": f.violation.property.to_string(),
            "time_us": f.violation.time_us,
            "event": f.violation.event,
            "message": f.violation.message,
        })
    });
    let value = serde_json::json!({
        "seeds_run": outcome.seeds_run,
        "events": outcome.events,
        "seconds": secs,
        "seeds_per_second": outcome.seeds_run as f64 / secs.max(1e-9),
        "events_per_second": outcome.events as f64 / secs.max(1e-9),
        "failure": failure,
        "runaway_seed": outcome.runaway.as_ref().map(|s| s.seed),
        "linearizability_unknown": outcome.linearizability_unknown,
        "liveness_judged": outcome.liveness_judged,
    });
    say!("{value}");
    let written =
        outcome.failure.as_ref().map(|f| ("failure", &f.scenario)).or(outcome.runaway.as_ref().map(|s| ("runaway", s)));
    if let Some((kind, scenario)) = written {
        let path = out_dir.join(format!("raftsim-{kind}-{}.json", scenario.seed));
        if let Err(e) = std::fs::write(&path, scenario.to_json()) {
            eprintln!("raftsim: cannot write {}: {e}", path.display());
        }
    }
    match (&outcome.failure, &outcome.runaway) {
        (Some(f), _) if f.violation.property.is_liveness() => ExitCode::from(EXIT_LIVENESS),
        (Some(_), _) => ExitCode::from(EXIT_VIOLATION),
        (None, Some(_)) => ExitCode::FAILURE,
        (None, None) => ExitCode::SUCCESS,
    }
}

/// `raftsim shrink FILE`: exit 3 with the shrunk scenario written (it breaks the property),
/// 2 for bad input, 1 when the scenario's run breaks nothing (nothing to shrink).
fn shrink_command(name: &str, max_attempts: u64, out: Option<PathBuf>) -> ExitCode {
    let scenario = match load(name) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let out = out.unwrap_or_else(|| {
        let file =
            Path::new(name).file_name().and_then(|f| f.to_str()).filter(|_| name != "-" && Path::new(name).exists());
        let stem = file.map_or(scenario.name.as_str(), |f| f.strip_suffix(".json").unwrap_or(f));
        let dir = if file.is_some() { Path::new(name).parent().unwrap_or(Path::new(".")) } else { Path::new(".") };
        dir.join(format!("{stem}-shrunk.json"))
    });
    match shrink_and_tell(&scenario, max_attempts, &out) {
        Ok(true) => ExitCode::from(EXIT_LIVENESS),
        Ok(false) => ExitCode::from(EXIT_VIOLATION),
        Err(e @ raft_sim::campaign::shrink::ShrinkError::Invalid(_)) => {
            eprintln!("raftsim: {name}: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(e) => {
            eprintln!("raftsim: {name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Shrink, with a progress line per accepted step on stderr; print the sizes before and after
/// and the shrunk run as a story; write the shrunk scenario to `out`. Ok(true): the property
/// shrunk was a liveness property.
fn shrink_and_tell(
    scenario: &Scenario,
    max_attempts: u64,
    out: &Path,
) -> Result<bool, raft_sim::campaign::shrink::ShrinkError> {
    use raft_sim::campaign::shrink::{shrink, ShrinkConfig};
    let started = Instant::now();
    let config = ShrinkConfig { max_attempts, ..ShrinkConfig::default() };
    let outcome = shrink(scenario, &config, &mut |step| {
        eprintln!("shrink: attempt {:>4}  {:<8} {}  -> {}", step.attempt, step.pass, step.what, step.size);
    })?;
    let secs = started.elapsed().as_secs_f64();
    say!(
        "shrunk ({}): {} steps kept of {} attempts{}, {:.1} s",
        outcome.violation.property,
        outcome.steps.len(),
        outcome.attempts,
        if outcome.exhausted { " (attempt budget used up)" } else { "" },
        secs
    );
    say!("  before: {}", outcome.before);
    say!("  after:  {}", outcome.after);
    let mut shrunk = outcome.scenario.clone();
    if !shrunk.description.contains("Shrunk") {
        let note = format!(" Shrunk from {} to {}.", outcome.before, outcome.after);
        if shrunk.description.len() + note.len() <= 4000 {
            shrunk.description.push_str(&note);
        }
    }
    match std::fs::write(out, shrunk.to_json()) {
        Ok(()) => say!("shrunk scenario written; reproduce with: raftsim run {}", out.display()),
        Err(e) => eprintln!("raftsim: cannot write {}: {e}", out.display()),
    }
    for line in raft_sim::story::story(&shrunk, &outcome.violation) {
        say!("{line}");
    }
    Ok(outcome.violation.property.is_liveness())
}

fn write_scenario(path: &Path, scenario: &Scenario) {
    match std::fs::write(path, scenario.to_json()) {
        Ok(()) => say!("reproduce with: raftsim run {}", path.display()),
        Err(e) => eprintln!("raftsim: cannot write {}: {e}", path.display()),
    }
}

fn bench(args: BenchArgs, json: bool) -> ExitCode {
    let config = BenchConfig {
        nodes: args.nodes,
        latency_ms: args.latency_ms,
        election_timeout_ms: args.election_timeout_ms,
        heartbeat_ms: args.heartbeat_ms,
        client_interval_ms: args.client_interval_ms,
        clients: args.clients,
        seconds: args.seconds,
        invariants: !args.no_invariants,
    };
    let started = Instant::now();
    let result = match run_bench(&config, &mut || started.elapsed().as_secs_f64()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("raftsim: bench: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if json {
        say!("{}", serde_json::to_string(&result).unwrap_or_default());
    } else {
        say!("{}", result.summary());
    }
    if result.violations > 0 {
        ExitCode::from(EXIT_VIOLATION)
    } else {
        ExitCode::SUCCESS
    }
}

/// A link or fragment if it looks like one, otherwise a file.
fn load_run(run: &str) -> Result<RunDocument, String> {
    if run.contains("run1.") && !Path::new(run).exists() {
        return RunDocument::from_link(run).map_err(|e| format!("link: {e}"));
    }
    let text = read_input(run).map_err(|e| {
        if Path::new(run).exists() || run == "-" {
            e
        } else {
            format!("{run}: not a run link (#run1.…) and no such file")
        }
    })?;
    let label = if run == "-" { "standard input" } else { run };
    RunDocument::from_json(&text).map_err(|e| format!("{label}: {e}"))
}

fn replay(run: &str, json: bool) -> ExitCode {
    let session = match load_run(run).and_then(|doc| doc.replay().map_err(|e| format!("replay: {e}"))) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let report = Report::of(session.sim());
    if json {
        say!("{}", serde_json::to_string(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
    } else {
        say!("{} actions replayed; stopped at event {}", session.interventions().len(), session.position().events);
        print_summary(&report);
    }
    if let Some(message) = &report.stopped_message {
        eprintln!("raftsim: replay: {message}");
    }
    exit_code(&report, &[])
}

fn seek_bench(name: &str, minutes: f64, seeks: u32, json: bool) -> ExitCode {
    let scenario = match load(name) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if !minutes.is_finite() || !(0.0..=60.0).contains(&minutes) {
        eprintln!("raftsim: --minutes must be between 0 and 60");
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let started = Instant::now();
    match run_seek_bench(&scenario, minutes, seeks.min(10_000), &mut || started.elapsed().as_secs_f64()) {
        Ok(r) => {
            if json {
                say!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else {
                say!("{}", r.summary());
            }
            if r.exact {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("raftsim: seek-bench: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// `raftsim tour [ID_OR_FILE]`: list the tours, or verify one step by step.
fn tour_command(tour: Option<&str>, text: bool) -> ExitCode {
    use raft_sim::tour::{self, Tour};
    let Some(name) = tour else {
        for t in tour::list() {
            say!("{:<28} {} steps  {}", t.id, t.steps.len(), t.title);
            say!("{:<28} {}\n", "", t.summary);
        }
        return ExitCode::SUCCESS;
    };
    let loaded = match tour::by_id(name) {
        Some(t) => Ok(t),
        None if name == "-" || Path::new(name).exists() => {
            read_input(name).and_then(|t| Tour::from_json(&t).map_err(|e| format!("{name}: {e}")))
        }
        None => Err(format!("no tour '{name}' and no such file (`raftsim tour` lists the tours)")),
    };
    let t = match loaded {
        Ok(t) => t,
        Err(e) => {
            eprintln!("raftsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    // Both kinds of step: Raft's, and those that run another protocol's built-in.
    let failures = raft_sim::playback::course_tour::verify(&t);
    say!("{}: {}", t.id, t.title);
    for (i, step) in t.steps.iter().enumerate() {
        let mine: Vec<_> = failures.iter().filter(|f| f.step == i + 1).collect();
        let checks = step.claims.len() + step.shows.len() + usize::from(step.task.is_some());
        let verdict = if mine.is_empty() { format!("ok ({checks} checks)") } else { "FAILED".to_string() };
        say!("  step {:>2}  {:<48} {verdict}", i + 1, step.title);
        if text {
            // The line the page shows at the top of the step: what its cluster changes from
            // the defaults at the step's pause (or start).
            if let Some((protocol, builtin)) = t.course_step(i) {
                say!("            This step runs the '{protocol}' built-in {builtin}.");
            } else if let Ok(scenario) = t.scenario_at(i) {
                let settings = raft_sim::scenario::settings::line_at(&scenario, step.pause_ms.unwrap_or(step.start_ms));
                if !settings.is_empty() {
                    say!("            This step's cluster: {settings}.");
                }
            }
            for p in &step.text {
                say!("            {p}");
            }
            if let Some(task) = &step.task {
                say!("            Now you try: {}", task.prompt);
            }
        }
        for f in mine {
            say!("            {}", f.what);
        }
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        say!("{} claim(s) of this tour do not hold", failures.len());
        ExitCode::FAILURE
    }
}

/// A catalogue as the page's files hold it: a JSON object sorted by id, indented by one space,
/// with real characters (not \u escapes).
fn catalogue_json(texts: &raft_sim::tour_text::Texts) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let lines: Vec<String> = texts.iter().map(|(id, text)| format!(" {}: {}", quote(id), quote(text))).collect();
    if lines.is_empty() {
        "{}".into()
    } else {
        format!("{{\n{}\n}}", lines.join(",\n"))
    }
}

/// `raftsim catalogue ...`: print an English catalogue, or check a language's folder.
fn catalogue_command(what: CatalogueCommand) -> ExitCode {
    use raft_sim::tour_text;
    let texts = match what {
        CatalogueCommand::Tour { id } => match raft_sim::tour::by_id(&id) {
            Some(t) => tour_text::tour_texts(&t),
            None => {
                eprintln!("raftsim: no tour '{id}' (`raftsim tour` lists the tours)");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
        },
        CatalogueCommand::Glossary => match raft_sim::glossary::shipped() {
            Some(g) => tour_text::glossary_texts(&g),
            None => {
                eprintln!("raftsim: the shipped glossary does not parse");
                return ExitCode::from(EXIT_BAD_INPUT);
            }
        },
        CatalogueCommand::Scenarios => every_builtin_text(),
        CatalogueCommand::Check { dir } => return catalogue_check(&dir),
    };
    say!("{}", catalogue_json(&texts));
    ExitCode::SUCCESS
}

/// Every built-in's English words (Raft's and the other protocols'), by id.
fn every_builtin_text() -> raft_sim::tour_text::Texts {
    let mut texts = raft_sim::tour_text::builtin_texts(raft_sim::builtin::catalog());
    texts.extend(flood::builtin::texts());
    texts.extend(generals::builtin::texts());
    texts.extend(detector::builtin::texts());
    texts.extend(primary_backup::builtin::texts());
    texts.extend(chandy_lamport::builtin::texts());
    texts.extend(chain::builtin::texts());
    texts
}

/// Check the language folder `dir` against the English (see `CatalogueCommand::Check`).
fn catalogue_check(dir: &Path) -> ExitCode {
    use raft_sim::tour_text::{self, Texts};
    if !dir.is_dir() {
        eprintln!("raftsim: {} is not a folder", dir.display());
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let read = |path: &Path| -> Result<Texts, String> {
        let text = read_input(&path.display().to_string())?;
        serde_json::from_str::<Texts>(&text)
            .map_err(|e| format!("{}: not a catalogue (an object of strings): {e}", path.display()))
    };
    let mut expected: Vec<(PathBuf, Texts)> = Vec::new();
    for t in raft_sim::tour::list() {
        expected.push((dir.join("tours").join(format!("{}.json", t.id)), tour_text::tour_texts(&t)));
    }
    if let Some(g) = raft_sim::glossary::shipped() {
        expected.push((dir.join("glossary.json"), tour_text::glossary_texts(&g)));
    }
    expected.push((dir.join("scenarios.json"), every_builtin_text()));
    // The page's own words: against the English folder beside this one, when there is one.
    let english_ui = dir.parent().map(|p| p.join("en").join("ui.json")).filter(|p| p.is_file());
    if let Some(en) = english_ui.filter(|en| en.parent() != Some(dir)) {
        match read(&en) {
            Ok(texts) => expected.push((dir.join("ui.json"), texts)),
            Err(e) => say!("{e}"),
        }
    }
    let mut problems = 0;
    for (path, english) in &expected {
        let found = match read(path) {
            Ok(found) => tour_text::problems(english, &found),
            Err(e) => vec![e],
        };
        for p in &found {
            say!("{}: {p}", path.display());
        }
        problems += found.len();
    }
    // A catalogue for a tour that is not shipped is never read: a misnamed file.
    if let Ok(entries) = std::fs::read_dir(dir.join("tours")) {
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for path in names.iter().filter(|p| !expected.iter().any(|(e, _)| e == *p)) {
            say!("{}: no shipped tour has this id", path.display());
            problems += 1;
        }
    }
    if problems == 0 {
        say!("{}: {} catalogues, every id translated", dir.display(), expected.len());
        ExitCode::SUCCESS
    } else {
        say!("{problems} problem(s)");
        ExitCode::FAILURE
    }
}
