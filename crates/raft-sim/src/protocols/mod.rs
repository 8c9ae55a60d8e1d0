//! Protocols other than Raft, each a host on the engine's kernel ([`crate::engine::kernel`]):
//! its messages implement `Wire`, its simulation implements `Host`, and it brings its own
//! scenario format, checks and report. A scenario names its protocol with a top-level
//! `"protocol"` field ([`crate::scenario::protocol`]); without one it is a Raft scenario.
//!
//! What runs today: [`flood`], the lecture's flood-based consensus under fail-stop;
//! [`generals`], the notes' Two Generals' Problem on a fair-loss link;
//! [`primary_backup`], passive replication with an arbitration server (test-and-set failover);
//! [`snapshot`], the Chandy–Lamport snapshot of a running bank (markers, channel states);
//! [`chain`], chain replication with a configuration service, beside primary-backup's
//! normal case for the notes' latency/throughput comparison; and [`detector`], failure
//! detection by heartbeats and timeouts (perfect and eventually perfect detectors, and the
//! timeout's accuracy/completeness trade-off).
//!
//! Shared by all of them: [`reading`] (what every scenario reader starts with: the size limit,
//! the JSON, the header, plain values, each refusal naming its field), [`builtin`] (the built-in
//! catalogue), [`view`] (what the page draws), [`said`] (a broken check's detail as an id
//! and values: English for the command line, the page's catalogue for the page) and
//! [`summary`] (what `raftsim run` and `list` print). `playback::protocol_table` lists the protocols for the page and the command line.
pub mod builtin;
pub mod chain;
pub mod detector;
pub mod flood;
pub mod generals;
pub mod primary_backup;
pub mod reading;
pub mod said;
pub mod snapshot;
pub mod summary;
pub mod view;
