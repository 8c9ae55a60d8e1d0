//! Clients: the workload's clients (issue, time out and try the next server, follow redirects)
//! and the operator's scripted requests, with their answers recorded in the history.
use super::{EventKind, EventType, Payload, Simulation, MAX_SCRIPT_REDIRECTS};
use crate::engine::network::Endpoint;
use crate::engine::observe::Seen;
use crate::engine::rng::Probability;
use crate::engine::trace::What;
use crate::engine::workload::{ClientWake, HistoryOp, Outstanding, SCRIPT_CLIENT};
use crate::scenario::format::MAX_CLIENT_RETRIES;
use raft_core::{ClientId, ClientReply, ClientRequest, Micros, NodeId, Op};

impl Simulation {
    pub(super) fn arm_client(&mut self, client: ClientId, at: Micros, wake: ClientWake) {
        let state = &mut self.clients[(client - 1) as usize];
        state.token += 1;
        let token = state.token;
        self.schedule(at, EventKind::Client { client, token, wake });
    }

    pub(super) fn client_wake(&mut self, client: ClientId, token: u64, wake: ClientWake) -> bool {
        let nodes = self.scenario.nodes as u64;
        let state = &self.clients[(client - 1) as usize];
        if state.token != token {
            return false;
        }
        match wake {
            ClientWake::Issue => {
                let (keys, get_ratio) = self.scenario.workload.as_ref().map_or((1, 0.0), |w| (w.keys, w.get_ratio));
                let state = &self.clients[(client - 1) as usize];
                let (keys, get_ratio) = (state.keys.unwrap_or(keys), state.get_ratio.unwrap_or(get_ratio));
                let key = format!("k{}", self.client_rng.below(keys as u64));
                let state = &mut self.clients[(client - 1) as usize];
                let seq = state.next_seq;
                state.next_seq += 1;
                let is_get = self.client_rng.chance(Probability::from_f64(get_ratio));
                let op = if is_get { Op::Get { key } } else { Op::Put { key, value: format!("{client}.{seq}") } };
                self.history.push(HistoryOp::invoked(client, seq, op.clone(), self.kernel.now()));
                let history = self.history.len() - 1;
                self.clients[(client - 1) as usize].outstanding = Some(Outstanding { seq, op, history });
            }
            ClientWake::Timeout => {
                let state = &mut self.clients[(client - 1) as usize];
                let Some(out) = &state.outstanding else { return false };
                state.target = (state.target % nodes as NodeId) + 1;
                let (seq, history) = (out.seq, out.history);
                if let Some(op) = self.history.get_mut(history) {
                    op.retries += 1;
                }
                self.begin_event(EventType::ClientTimeout, client, seq);
                self.log(|| What::ClientTimeout { client, seq });
                self.client_send(client);
                return true;
            }
            ClientWake::Resend => {}
        }
        let Some(out) = &self.clients[(client - 1) as usize].outstanding else { return false };
        self.begin_event(EventType::ClientSend, client, out.seq);
        self.client_send(client);
        true
    }

    /// The operator's request `seq` went unanswered for its `retry_ms` since it was sent to
    /// `tried`: send it again, with the same sequence number (the state machine's session
    /// applies it at most once), to the leader last heard of if that was not `tried`, else to
    /// the next server. Retry number `attempt`, of at most [`MAX_CLIENT_RETRIES`]; one past
    /// that, still unanswered, the client gives up.
    pub(super) fn script_retry(&mut self, seq: u64, tried: NodeId, every: u32, attempt: u8) -> bool {
        let at = self.script_ops.iter().rev().copied().find(|&i| self.history.get(i).is_some_and(|h| h.seq == seq));
        let Some(op) = at.and_then(|i| self.history.get_mut(i)).filter(|h| h.completed_us.is_none()) else {
            return false;
        };
        if self.script_leader == Some(tried) {
            self.script_leader = None; // it did not answer
        }
        if u32::from(attempt) > MAX_CLIENT_RETRIES {
            // The last retry went unanswered too: the client stops waiting, and says so.
            op.gave_up = true;
            self.begin_event(EventType::ScriptRetry, seq, 0);
            self.log(|| What::ClientTimeout { client: SCRIPT_CLIENT, seq });
            return true;
        }
        let members = &self.members;
        let after = members.iter().position(|&n| n == tried).map_or(0, |i| i + 1);
        let next = members.get(after).or(members.first()).copied().unwrap_or(tried);
        let to = self.script_leader.unwrap_or(next);
        op.retries = attempt.into();
        op.retried_to = Some(to);
        let request = ClientRequest { seq, op: op.op.clone() };
        self.begin_event(EventType::ScriptRetry, seq, to as u64);
        self.log(|| What::ClientTimeout { client: SCRIPT_CLIENT, seq });
        self.log(|| What::ClientIssued { client: SCRIPT_CLIENT, seq, node: to, summary: request.op.to_string() });
        self.send(
            Endpoint::Client(SCRIPT_CLIENT),
            Endpoint::Node(to),
            Payload::Request { client: SCRIPT_CLIENT, request },
        );
        // One more wake-up after the last retry: it finds the request answered, or gives up.
        if u32::from(attempt) <= MAX_CLIENT_RETRIES {
            let retry = EventKind::ScriptRetry { seq, tried: to, every, attempt: attempt + 1 };
            self.schedule(self.kernel.now() + Micros::from(every), retry);
        }
        true
    }

    fn client_send(&mut self, client: ClientId) {
        let state = &self.clients[(client - 1) as usize];
        let Some(out) = &state.outstanding else { return };
        let (target, request) = (state.target, ClientRequest { seq: out.seq, op: out.op.clone() });
        self.log(|| What::ClientIssued { client, seq: request.seq, node: target, summary: request.op.to_string() });
        self.send(Endpoint::Client(client), Endpoint::Node(target), Payload::Request { client, request });
        let at = self.kernel.now() + self.workload_timeout;
        self.arm_client(client, at, ClientWake::Timeout);
    }

    pub(super) fn client_reply(&mut self, client: ClientId, from: NodeId, reply: ClientReply) {
        if client == SCRIPT_CLIENT {
            let seq = reply.seq();
            let now = self.kernel.now();
            let open =
                self.history.iter().position(|h| h.client == SCRIPT_CLIENT && h.seq == seq && h.completed_us.is_none());
            let mut follow = None;
            let mut answered = None;
            // Where the operator's retries go: the server that answered, or the one named.
            self.script_leader = match &reply {
                ClientReply::Ok { .. } => Some(from),
                ClientReply::NotLeader { leader_hint, .. } => *leader_hint,
            };
            if let Some(op) = open.and_then(|i| self.history.get_mut(i)) {
                match reply {
                    ClientReply::Ok { value, .. } => {
                        op.completed_us = Some(now);
                        op.value = value;
                        op.answered_by = Some(from);
                        answered = Some(now.saturating_sub(op.invoked_us));
                    }
                    ClientReply::NotLeader { leader_hint, .. } => {
                        op.redirects += 1;
                        // Follow the hint, as a client library would, a few times at most.
                        if let Some(leader) = leader_hint.filter(|&l| l != from && op.redirects <= MAX_SCRIPT_REDIRECTS)
                        {
                            follow = Some((leader, ClientRequest { seq, op: op.op.clone() }));
                        }
                    }
                }
            }
            if let Some(latency) = answered {
                self.notify(&Seen::Answered { latency });
            }
            if let Some((leader, request)) = follow {
                self.send(
                    Endpoint::Client(SCRIPT_CLIENT),
                    Endpoint::Node(leader),
                    Payload::Request { client: SCRIPT_CLIENT, request },
                );
            }
            return;
        }
        let nodes = self.scenario.nodes as NodeId;
        let Some(state) = self.clients.get_mut((client as usize).wrapping_sub(1)) else { return };
        let Some(out) = &state.outstanding else { return };
        if out.seq != reply.seq() {
            return; // an answer to an earlier attempt
        }
        let history = out.history;
        match reply {
            ClientReply::Ok { value, .. } => {
                state.outstanding = None;
                state.target = from;
                let now = self.kernel.now();
                let mut answered = None;
                if let Some(op) = self.history.get_mut(history) {
                    op.completed_us = Some(now);
                    op.value = value;
                    op.answered_by = Some(from);
                    answered = Some(now.saturating_sub(op.invoked_us));
                }
                let (stopped, interval) = (state.stopped, state.interval.unwrap_or(self.workload_interval));
                if let Some(latency) = answered {
                    self.notify(&Seen::Answered { latency });
                }
                if !stopped {
                    let at = self.kernel.now() + interval;
                    self.arm_client(client, at, ClientWake::Issue);
                }
            }
            ClientReply::NotLeader { leader_hint, .. } => {
                state.target = match leader_hint {
                    Some(leader) if leader != from => leader,
                    _ => from % nodes + 1,
                };
                if let Some(op) = self.history.get_mut(history) {
                    op.redirects += 1;
                }
                // A short pause so that a cluster without a leader is not flooded.
                if !state.stopped {
                    let at = self.kernel.now() + 2_000;
                    self.arm_client(client, at, ClientWake::Resend);
                }
            }
        }
    }
}

/// The workload actions (`stop_clients`, `start_clients`, `change_clients`).
impl Simulation {
    /// The workload clients an action names (None: all of them), those that exist.
    fn named_clients(&self, clients: &Option<Vec<u32>>) -> Vec<ClientId> {
        let count = self.clients.len() as ClientId;
        match clients {
            None => (1..=count).collect(),
            Some(list) => list.iter().map(|&c| ClientId::from(c)).filter(|c| (1..=count).contains(c)).collect(),
        }
    }

    /// Stop clients: their pending timers are forgotten and they send nothing more.
    pub(super) fn stop_clients(&mut self, clients: &Option<Vec<u32>>) {
        for c in self.named_clients(clients) {
            let state = &mut self.clients[(c - 1) as usize];
            state.stopped = true;
            state.token += 1;
        }
    }

    /// Start stopped clients again, now: the request they left open is sent again (as a
    /// client library retries, with its sequence number), else they issue a new one.
    pub(super) fn start_clients(&mut self, clients: &Option<Vec<u32>>) {
        let now = self.kernel.now();
        for c in self.named_clients(clients) {
            let state = &mut self.clients[(c - 1) as usize];
            if !state.stopped {
                continue;
            }
            state.stopped = false;
            let wake = if state.outstanding.is_some() { ClientWake::Resend } else { ClientWake::Issue };
            self.arm_client(c, now, wake);
        }
    }

    /// Change clients' settings from now on; `node` is where their next request goes.
    pub(super) fn change_clients(
        &mut self,
        clients: &Option<Vec<u32>>,
        interval_ms: Option<f64>,
        keys: Option<u32>,
        get_ratio: Option<f64>,
        node: Option<NodeId>,
    ) {
        for c in self.named_clients(clients) {
            let state = &mut self.clients[(c - 1) as usize];
            if let Some(ms) = interval_ms {
                state.interval = Some(crate::scenario::format::ms_to_us(ms).max(1));
            }
            if keys.is_some() {
                state.keys = keys;
            }
            if get_ratio.is_some() {
                state.get_ratio = get_ratio;
            }
            if let Some(n) = node {
                state.target = n;
            }
        }
    }
}
