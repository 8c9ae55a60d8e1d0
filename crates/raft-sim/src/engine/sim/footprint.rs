//! The run's budget: how much it may do and keep, the memory it holds (estimated by counting
//! what grows with it, see budget.rs), and stopping it when either runs out.
use super::Simulation;
use crate::engine::budget::{self, Budget, Footprint, Stopped};
use crate::engine::observe::Retained;

impl Simulation {
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Change what the run may use. Checked after the next event.
    pub fn set_budget(&mut self, budget: Budget) {
        self.budget = budget;
        self.next_budget_check = self.kernel.events().saturating_add(1).min(budget.max_events.max(1));
    }

    /// Why the run stopped before its end, if its budget ran out.
    pub fn stopped(&self) -> Option<Stopped> {
        self.stopped.map(|(s, _)| s)
    }

    /// Where and why the run stopped early, in words.
    pub fn stop_message(&self) -> Option<String> {
        let (stopped, footprint) = self.stopped?;
        Some(budget::explain(stopped, &self.budget, &footprint, self.kernel.now(), self.kernel.events()))
    }

    /// The memory the run holds, estimated by counting what grows with it (see budget.rs).
    pub fn footprint(&self) -> Footprint {
        use budget::*;
        let history_ops = self.history.len() as u64;
        let mut log_entries = 0u64;
        let mut kv_items = 0u64;
        for slot in self.nodes.iter() {
            let disk = &slot.disk.log;
            log_entries += disk.last_index() - disk.snapshot_index();
            if let Some(raft) = &slot.raft {
                let log = raft.log();
                log_entries += log.last_index() - log.snapshot_index();
                kv_items += (raft.kv().data().len() + raft.kv().sessions().len()) as u64;
            }
        }
        let messages = self.kernel.in_flight_count() as u64;
        let (in_flight_entries, in_flight_bytes) = self.kernel.in_flight_carried();
        let trace_events = self.trace.len() as u64;
        let records =
            (self.milestones.len() + self.interventions.len() + self.refusals.len() + self.script_ops.len()) as u64;
        let Retained { indexes: checker_indexes, shadow_entries, records: checker_records } = self.retained();
        let bytes = history_ops * HISTORY_OP_BYTES
            + log_entries * ENTRY_BYTES
            + messages * MESSAGE_BYTES
            + in_flight_bytes
            + (self.kernel.queued() as u64).saturating_sub(messages) * QUEUED_BYTES
            + trace_events * TRACE_EVENT_BYTES
            + (records + checker_records) * RECORD_BYTES
            + checker_indexes * CHECKER_INDEX_BYTES
            + shadow_entries * SHADOW_ENTRY_BYTES
            + kv_items * KV_ITEM_BYTES;
        Footprint { history_ops, log_entries, messages, message_entries: in_flight_entries, trace_events, bytes }
    }

    /// What the observers keep.
    fn retained(&self) -> Retained {
        self.observers.retained()
    }

    /// What a copy of the simulation (a time-travel checkpoint) holds of its own, estimated:
    /// logs, the history and the checker's tables are stored in shared chunks, of which a copy
    /// only ends up owning the last, partly filled one of each (the original copies it on its
    /// next append); the key-value stores, messages in flight, the queue and the run's records
    /// are copied whole.
    pub fn copy_bytes(&self) -> u64 {
        use budget::*;
        // Half a chunk (of 256) of each server's log and disk log, the history and the checker.
        let chunked = 2 * self.nodes.len() as u64 + 2;
        let kv_items: u64 = self
            .nodes
            .iter()
            .filter_map(|slot| slot.raft.as_ref())
            .map(|raft| (raft.kv().data().len() + raft.kv().sessions().len()) as u64)
            .sum();
        let messages = self.kernel.in_flight_count() as u64;
        let records =
            (self.milestones.len() + self.interventions.len() + self.refusals.len() + self.script_ops.len()) as u64;
        let checker_records = self.retained().records;
        chunked * 128 * ENTRY_BYTES
            + kv_items * KV_ITEM_BYTES
            + messages * MESSAGE_BYTES
            + self.kernel.in_flight_carried().1
            + (self.kernel.queued() as u64).saturating_sub(messages) * QUEUED_BYTES
            + self.trace.len() as u64 * TRACE_EVENT_BYTES
            + (records + checker_records) * RECORD_BYTES
    }

    /// Stop the run if it has used its budget; otherwise say when to look again.
    pub(super) fn check_budget(&mut self) {
        let footprint = self.footprint();
        let events = self.kernel.events();
        if events >= self.budget.max_events {
            self.stopped = Some((Stopped::MaxEvents, footprint));
        } else if footprint.bytes > self.budget.max_bytes {
            self.stopped = Some((Stopped::MemoryBudget, footprint));
        }
        self.next_budget_check = (events / budget::CHECK_EVERY + 1)
            .saturating_mul(budget::CHECK_EVERY)
            .min(self.budget.max_events.max(events + 1));
    }
}
