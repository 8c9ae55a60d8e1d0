//! The Raft simulation as a host of the engine's kernel ([`crate::engine::kernel`]): how a
//! server takes a message (running, paused, crashed), and what a server, a client or the
//! timeline does with each event the kernel hands over.
use super::{action_text, summarize, EventKind, EventType, InFlight, NodeStatus, Payload, Simulation};
use crate::engine::kernel::{Envelope, Host, Kernel, Pending, Reception};
use crate::engine::network::{Endpoint, LossCause};
use crate::engine::observe::Seen;
use crate::engine::trace::What;
use crate::scenario::format::TimedAction;
use raft_core::NodeId;

/// The Raft simulation as a host of the engine's kernel: what a server, client or operator
/// does with each event.
impl Host for Simulation {
    type Message = Payload;
    type Timer = EventKind;

    #[inline]
    fn kernel(&self) -> &Kernel<Payload, EventKind> {
        &self.kernel
    }
    #[inline]
    fn kernel_mut(&mut self) -> &mut Kernel<Payload, EventKind> {
        &mut self.kernel
    }

    #[inline]
    fn reception(&self, node: NodeId) -> Option<Reception> {
        let slot = self.nodes.node(node)?;
        Some(match (slot.status, &slot.raft) {
            (NodeStatus::Paused, _) => Reception::Paused,
            (_, None) => Reception::Down,
            (_, Some(_)) => Reception::Up(slot.receive_omission),
        })
    }

    fn defer(&mut self, node: NodeId, event: Pending<EventKind>) {
        if let Some(slot) = self.nodes.node_mut(node) {
            slot.deferred.push(event);
        }
    }

    #[inline]
    fn on_lost(&mut self, m: &InFlight, cause: LossCause) {
        self.log(|| What::Dropped { message: m.id, from: m.from, to: m.to, kind: m.payload.kind(), cause });
        self.notify(&Seen::Lost { message: m.id, cause });
    }

    #[inline(always)]
    fn on_message(&mut self, m: Envelope, payload: Payload) {
        self.log(|| What::Delivered {
            message: m.id,
            from: m.from,
            to: m.to,
            kind: payload.kind(),
            summary: summarize(&payload),
        });
        self.notify(&Seen::Arrived(m.id));
        match (m.to, payload) {
            (Endpoint::Node(n), Payload::Raft(message)) => {
                let Endpoint::Node(from) = m.from else { return };
                self.with_node(n, |raft, local, rng| raft.handle_message(local, from, message, rng));
            }
            (Endpoint::Node(n), Payload::Request { client, request }) => {
                self.with_node(n, |raft, local, _| raft.handle_client_request(local, client, request));
            }
            (Endpoint::Client(c), Payload::Reply { reply, .. }) => {
                let Endpoint::Node(from) = m.from else { return };
                self.client_reply(c, from, reply);
            }
            _ => {}
        }
    }

    #[inline]
    fn on_timer(&mut self, timer: EventKind) -> bool {
        match timer {
            EventKind::NodeTimer { node, token } => {
                let Some(slot) = self.nodes.node_mut(node) else { return false };
                if slot.status == NodeStatus::Paused {
                    // A paused node's timer waits for it to resume (a reset one is stale).
                    if token != slot.timer_token {
                        return false;
                    }
                    slot.timer_at = None;
                    slot.deferred.push(Pending::Wake(timer));
                    return false;
                }
                self.node_timer(node, token)
            }
            EventKind::Action(index) => {
                let Some(timed) = self.scenario.timeline.get(index) else {
                    return self.fire_trigger(index - self.scenario.timeline.len());
                };
                let timed: TimedAction = timed.clone();
                self.begin_event(EventType::TimelineAction, index as u64, 0);
                self.log(|| What::Action { index, summary: action_text(&timed.action) });
                self.apply(&timed.action);
                true
            }
            EventKind::Client { client, token, wake } => self.client_wake(client, token, wake),
            EventKind::ScriptRetry { seq, tried, every, attempt } => self.script_retry(seq, tried, every, attempt),
        }
    }

    #[inline]
    fn halted(&self) -> bool {
        self.stopped.is_some()
    }

    #[inline]
    fn event_done(&mut self) {
        self.notify(&Seen::EventDone);
        if self.kernel.events() >= self.next_budget_check {
            self.check_budget();
        }
    }
}
