//! The transcript harness: [`script`] reads and writes the file format, [`interaction`] runs
//! the commands on the common cluster. The runner is `tests/transcripts.rs`.
pub mod interaction;
pub mod script;
