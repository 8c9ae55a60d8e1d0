//! The data the page fetches instead of compiling in: the built-in scenarios (their index and
//! one file each, `scenarios/` beside the page, copied there by trunk from
//! `crates/raft-sim/scenarios`). The tours are fetched the same way (live.rs). A file that
//! cannot be fetched comes back as the reason, for the store to say; nothing here panics.
use crate::browser;
use raft_sim::builtin::{self, IndexEntry, MAX_INDEX_BYTES};
use raft_sim::input::MAX_INPUT_BYTES;

/// The index (or why it could not be had) and the text of each file it names.
pub async fn fetch_builtins() -> (Result<Vec<IndexEntry>, String>, Vec<(String, Result<String, String>)>) {
    let index = match browser::fetch_text(&format!("scenarios/{}", builtin::INDEX_FILE), MAX_INDEX_BYTES).await {
        Ok(text) => builtin::parse_index(&text).map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    let mut files = Vec::new();
    if let Ok(entries) = &index {
        // Every request starts at once; the answers are read in order.
        let started: Vec<_> = entries
            .iter()
            .map(|e| {
                let url = format!("scenarios/{}", e.file_name());
                (e.file_name(), browser::start_fetch(&url), url)
            })
            .collect();
        for (name, fetch, url) in started {
            files.push((name, browser::read_fetched(fetch, &url, MAX_INPUT_BYTES).await));
        }
    }
    (index, files)
}
