//! What the failure-model lab applies its models to. Plain data (no web types).
use raft_sim::scenario::NodeFaults;
use raft_sim::sim::NodeStatus;
use raft_sim::Simulation;

/// The first running server that is not the leader, with its faults now: the one the lab
/// gives omission or Byzantine faults to. None when no such server runs.
pub fn running_follower(sim: &Simulation) -> Option<NodeFaults> {
    sim.nodes()
        .iter()
        .find(|n| n.status == NodeStatus::Up && n.raft.as_ref().is_some_and(|r| r.role() != raft_core::Role::Leader))
        .map(|n| n.faults.clone())
}
