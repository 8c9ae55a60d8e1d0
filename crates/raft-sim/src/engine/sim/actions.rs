//! Operator actions carried out on the run, from the scenario's timeline or the page: crashes
//! and restarts, pauses, the network's partitions and settings, faults, forced timeouts, client
//! requests, dropped and duplicated messages, timers, leadership transfers, membership changes.
use super::{EventKind, InFlight, MilestoneKind, NodeStatus, Payload, Simulation};
use crate::engine::kernel::Pending;
use crate::engine::network::{Endpoint, LossCause};
use crate::engine::observe::{Seen, Wants};
use crate::engine::rng::Probability;
use crate::engine::trace::What;
use crate::engine::workload::{HistoryOp, SCRIPT_CLIENT};
use crate::scenario::format::{ms_to_us, Action, ClientOpKind, CrashMode};
use raft_core::{ClientRequest, Micros, NodeId, Op, PersistentState, RaftNode, Role, TransferError};
use std::collections::BTreeSet;

impl Simulation {
    pub(super) fn apply(&mut self, action: &Action) {
        self.apply_action(action);
        // After it is carried out, so the observers read the run as the action left it.
        self.notify(&Seen::Action(action));
    }

    fn apply_action(&mut self, action: &Action) {
        match action {
            Action::Crash { node, mode } => self.crash(*node, *mode),
            Action::CrashLeader { mode } => {
                if let Some(leader) = self.leader() {
                    self.crash(leader, *mode);
                }
            }
            Action::Restart { node } => self.restart(*node),
            Action::Pause { node } => {
                if let Some(slot) = self.nodes.node_mut(*node).filter(|slot| slot.status == NodeStatus::Up) {
                    slot.status = NodeStatus::Paused;
                }
            }
            Action::Resume { node } => self.resume(*node),
            Action::Partition { groups } => self.kernel.network_mut().partition(groups),
            Action::Cut { from, to } => self.kernel.network_mut().cut(*from, *to),
            Action::Isolate { node } => self.kernel.network_mut().isolate(*node),
            Action::Heal => self.kernel.network_mut().heal(),
            Action::SetNetwork { latency_ms, loss, duplicate, reorder, timing } => {
                self.kernel.network_mut().update(|s| {
                    if let Some(l) = latency_ms {
                        s.latency_ms = *l;
                    }
                    if let Some(p) = loss {
                        s.loss = *p;
                    }
                    if let Some(p) = duplicate {
                        s.duplicate = *p;
                    }
                    if let Some(p) = reorder {
                        s.reorder = *p;
                    }
                    if let Some(t) = timing {
                        s.timing = t.clone();
                    }
                })
            }
            Action::SetFaults(faults) => {
                let now = self.kernel.now();
                let Some(slot) = self.nodes.node_mut(faults.node) else { return };
                slot.send_omission = Probability::from_f64(faults.send_omission);
                slot.receive_omission = Probability::from_f64(faults.receive_omission);
                slot.clock.set_drift(now, faults.drift);
                slot.faults = faults.clone();
                // The node's timers now convert to a different global time.
                slot.timer_at = None;
                slot.timer_token += 1;
                self.reschedule_timer(faults.node);
            }
            Action::Timeout { node } => {
                if self.node(*node).is_some_and(|slot| slot.status == NodeStatus::Up) {
                    self.with_node(*node, |raft, local, rng| raft.force_election_timeout(local, rng));
                }
            }
            Action::Client { node, op, key, value, retry_ms } => {
                self.script_seq += 1;
                let op = match op {
                    ClientOpKind::Put => Op::Put { key: key.clone(), value: value.clone().unwrap_or_default() },
                    ClientOpKind::Get => Op::Get { key: key.clone() },
                };
                let seq = self.script_seq;
                self.script_ops.push(self.history.len());
                self.history.push(HistoryOp::invoked(SCRIPT_CLIENT, seq, op.clone(), self.kernel.now()));
                let request = ClientRequest { seq, op };
                self.send(
                    Endpoint::Client(SCRIPT_CLIENT),
                    Endpoint::Node(*node),
                    Payload::Request { client: SCRIPT_CLIENT, request },
                );
                // (At most MAX_CLIENT_RETRY_MS: the µs fit in 32 bits.)
                if let Some(every) = retry_ms.map(|ms| ms_to_us(ms).min(u32::MAX as u64) as u32) {
                    let retry = EventKind::ScriptRetry { seq, tried: *node, every, attempt: 1 };
                    self.schedule(self.kernel.now() + every as Micros, retry);
                }
            }
            Action::DropMessage { message } => {
                if self.kernel.deliver_held(*message, Some(LossCause::Dropped)) {
                    return; // it was held: it dies now
                }
                let now = self.kernel.now();
                if let Some(m) = self.kernel.in_flight_mut().find(|m| m.id == *message && m.lost.is_none()) {
                    m.lost = Some(LossCause::Dropped);
                    m.dropped_us = Some(now);
                } else {
                    return;
                }
                self.notify(&Seen::Dropped(*message));
            }
            Action::DuplicateMessage { message } => {
                let Some(original) = self.in_flight().find(|m| m.id == *message).cloned() else { return };
                let id = self.kernel.new_message_id();
                // The copy takes half as long again as the original: it arrives second (a copy
                // of a held message is held too, after the others).
                let span = original.arrive_us.saturating_sub(original.sent_us);
                let copy =
                    InFlight { id, arrive_us: original.arrive_us.max(self.kernel.now()) + span / 2 + 1, ..original };
                let k = self.kernel.enqueue(copy);
                if self.observers.want(Wants::MESSAGES) {
                    self.observe_sent(Some((k, original.id)));
                }
            }
            Action::ManualDelivery { on } => self.kernel.set_manual(*on),
            Action::DeliverMessage { message } => {
                self.kernel.deliver_held(*message, None);
            }
            Action::AlignTimers | Action::SpreadTimers => {
                // Each server's own election timeout range (a scenario may give a server its
                // own, `servers[id].election_timeout_ms`), so no timer is set outside it...
                let range = |id: NodeId| {
                    let config = self.scenario.config_for(id);
                    (config.election_timeout_min, config.election_timeout_max.max(config.election_timeout_min))
                };
                let waiting: Vec<(NodeId, (u64, u64))> = self
                    .nodes
                    .iter()
                    .filter(|s| s.raft.as_ref().is_some_and(|r| r.role() != Role::Leader))
                    .map(|s| (s.id, range(s.id)))
                    .collect();
                // ...except that aligned timers fire together, at the latest of their minimums.
                let aligned = waiting.iter().map(|(_, (min, _))| *min).max().unwrap_or(0);
                let count = waiting.len().max(1) as u64;
                for (i, (id, (min, max))) in waiting.into_iter().enumerate() {
                    let fire_at = match action {
                        Action::AlignTimers => self.kernel.now() + aligned,
                        _ => self.kernel.now() + min + (max - min) * i as u64 / count,
                    };
                    let Some(slot) = self.nodes.node_mut(id) else { continue };
                    // Timers run on the node's own (possibly drifting) clock.
                    let (local_now, local_fire) = (slot.clock.local(self.kernel.now()), slot.clock.local(fire_at));
                    if let Some(raft) = slot.raft.as_mut() {
                        raft.set_election_timer(local_now, local_fire.saturating_sub(local_now));
                    }
                    slot.timer_at = None;
                    slot.timer_token += 1;
                    self.reschedule_timer(id);
                }
            }
            Action::TransferLeadership { node } => {
                // Refusals (no leader, or the target already leads) leave the run untouched, and
                // a paused leader hears nothing, operators included.
                let running = |sim: &Self, id: NodeId| sim.node(id).is_some_and(|slot| slot.status == NodeStatus::Up);
                if let Some(leader) = self.check_transfer(*node).ok().filter(|&l| running(self, l)) {
                    let target = *node;
                    self.with_node(leader, |raft, local, _| {
                        let _ = raft.transfer_leadership(local, target);
                    });
                }
            }
            Action::AddServer { .. } | Action::RemoveServer { .. } | Action::ChangeMembership { .. } => {
                match self.membership_request(action) {
                    Some(Ok((via, voters))) => {
                        let wanted = voters.clone();
                        self.with_node(via, |raft, local, _| {
                            // Checked just above: the request is accepted.
                            let _ = raft.change_membership(local, voters);
                        });
                        self.track_operator_change(action.kind(), via, wanted);
                    }
                    Some(Err(reason)) => {
                        let summary = format!("{} refused: {reason}", action.kind());
                        self.log(|| What::Refused { reason: summary.clone() });
                        self.refusals.push((self.kernel.now(), summary));
                    }
                    None => {}
                }
            }
            Action::MessageRule(rule) => self.add_rule(rule),
            Action::Targeted(targeted) => self.apply_targeted(targeted),
            Action::StopClients { clients } => self.stop_clients(clients),
            Action::StartClients { clients } => self.start_clients(clients),
            Action::ChangeClients { clients, interval_ms, keys, get_ratio, node } => {
                self.change_clients(clients, *interval_ms, *keys, *get_ratio, *node)
            }
        }
    }

    /// Whether the current leader could hand leadership to `target` now: the leader that
    /// would do it, or why not.
    pub fn check_transfer(&self, target: NodeId) -> Result<NodeId, TransferError> {
        if self.node(target).is_none() {
            return Err(TransferError::UnknownNode(target));
        }
        let leader = self.leader().ok_or(TransferError::NotLeader { leader_hint: None })?;
        if leader == target {
            return Err(TransferError::AlreadyLeader);
        }
        Ok(leader)
    }

    /// For a membership action: the server that takes the request (`via`, or the leader) and
    /// the voters wanted, or why the request is refused. `None` for other actions.
    pub(super) fn membership_request(&self, action: &Action) -> Option<Result<(NodeId, BTreeSet<NodeId>), String>> {
        let via = match action {
            Action::AddServer { via, .. } | Action::RemoveServer { via, .. } | Action::ChangeMembership { via, .. } => {
                *via
            }
            _ => return None,
        };
        let Some(via) = via.or_else(|| self.leader()) else {
            return Some(Err("there is no leader to ask".into()));
        };
        let Some(slot) = self.node(via) else { return Some(Err(format!("S{via} does not exist"))) };
        let Some(raft) = slot.raft.as_ref() else { return Some(Err(format!("S{via} is down"))) };
        if slot.status == NodeStatus::Paused {
            return Some(Err(format!("S{via} is paused")));
        }
        let mut voters = raft.configuration().voters.clone();
        match action {
            Action::AddServer { node, .. } => {
                voters.insert(*node);
            }
            Action::RemoveServer { node, .. } => {
                voters.remove(node);
            }
            Action::ChangeMembership { voters: wanted, .. } => {
                voters = raft_core::ordered::set_of(wanted.iter().copied())
            }
            _ => {}
        }
        Some(raft.check_membership_change(&voters).map(|()| (via, voters)).map_err(|e| format!("S{via}: {e}")))
    }

    fn crash(&mut self, id: NodeId, mode: CrashMode) {
        let Some(slot) = self.nodes.node_mut(id).filter(|slot| slot.raft.is_some()) else { return };
        slot.raft = None;
        slot.status = NodeStatus::Crashed(mode);
        // What a paused node had not yet received dies with it.
        for event in std::mem::take(&mut slot.deferred) {
            if let Some(m) = match event {
                Pending::Arrive(k) => self.kernel.take_message(k),
                Pending::Wake(_) => None,
            } {
                self.notify(&Seen::Lost { message: m.id, cause: LossCause::ReceiverDown });
            }
        }
        let Some(slot) = self.nodes.node_mut(id) else { return };
        slot.timer_token += 1;
        slot.timer_at = None;
        slot.crashes += 1;
        if mode == CrashMode::Amnesia {
            slot.disk = PersistentState::default();
        }
        self.notify(&Seen::Crash(id));
        self.milestone(MilestoneKind::Crash { node: id });
    }

    fn restart(&mut self, id: NodeId) {
        let config = self.scenario.config_for(id);
        let now = self.kernel.now();
        let Some(slot) = self.nodes.node_mut(id) else { return };
        if !matches!(slot.status, NodeStatus::Crashed(CrashMode::Recover | CrashMode::Amnesia)) {
            return; // running, or crash-stop: stopped for good
        }
        let local = slot.clock.local(now);
        let bootstrap: &[NodeId] = if self.initial_members.contains(&id) { &self.initial_members } else { &[] };
        slot.raft = Some(RaftNode::new(id, bootstrap, config, slot.disk.clone(), local, &mut slot.rng));
        slot.status = NodeStatus::Up;
        slot.last_role = (Role::Follower, u64::MAX);
        self.milestone(MilestoneKind::Restart { node: id });
        self.after_step(id, true);
    }

    fn resume(&mut self, id: NodeId) {
        let Some(slot) = self.nodes.node_mut(id).filter(|slot| slot.status == NodeStatus::Paused) else { return };
        slot.status = NodeStatus::Up;
        let deferred = std::mem::take(&mut slot.deferred);
        // Everything that piled up is handled now, in the order it arrived.
        for event in deferred {
            let now = self.kernel.now();
            self.kernel.schedule(now, event);
        }
        self.reschedule_timer(id);
    }
}
