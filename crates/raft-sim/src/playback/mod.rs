//! Playback: sessions you can travel in (recording the run for the space-time diagram), run
//! documents and share links (a scenario plus the operator's actions, replayed as a session),
//! reports of a run's outcome, and the benchmark.
pub mod bench;
pub mod course_tour;
pub mod events;
pub mod narrate;
pub mod protocol_check;
pub mod protocol_run;
pub mod protocol_table;
pub mod report;
pub mod session;
pub mod share;
pub mod spacetime;
pub mod story;
