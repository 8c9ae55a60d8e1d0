//! What a protocol brings to run on the engine: its messages ([`Wire`]) and a host
//! ([`Host`]) that owns the protocol's state and the [`Kernel`] it runs on.
//!
//! The engine calls the host through these traits with static dispatch: every host gets its
//! own copy of the event loop (`run::step_until::<H>`), so the calls are inlined and a
//! protocol pays nothing for the engine being generic.
use super::{Envelope, InFlight, Kernel, Pending};
use crate::engine::hash::StableHash;
use crate::engine::network::LossCause;
use crate::engine::rng::Probability;
use raft_core::NodeId;

/// A protocol's message, as the engine needs to see it.
pub trait Wire {
    /// The number the trace hash folds in for the message when it arrives or dies: its kind,
    /// and anything about it cheap to fold that a trace should tell apart.
    fn code(&self) -> u64;
    /// Every field of the message, folded into the trace hash when it is delivered, so two
    /// runs that deliver different contents on the same schedule hash differently.
    fn digest(&self, h: &mut StableHash);
    /// What the message carries beyond its envelope, for the run's memory estimate:
    /// (entries, bytes). Nothing, unless the protocol says otherwise.
    fn carried(&self) -> (u64, u64) {
        (0, 0)
    }
}

/// How a node takes a message addressed to it (asked only for messages that survived the
/// network).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reception {
    /// Running: it gets the message, unless its receive omission (this probability) drops it.
    Up(Probability),
    /// Paused: the engine hands the event back ([`Host::defer`]) to be replayed on resume.
    Paused,
    /// Crashed: the message dies (`LossCause::ReceiverDown`).
    Down,
}

/// A simulated system: a protocol's nodes (and whatever drives them) on one [`Kernel`]. The
/// engine's loop ([`super::run::step_until`]) pops events in order, applies the network's
/// faults and the receiver's state to each message, counts and hashes the event, and calls
/// the host; the host answers by sending ([`Kernel::send`]) and scheduling wake-ups
/// ([`Kernel::schedule`]) on its kernel.
pub trait Host {
    type Message: Wire + Clone;
    /// The host's own wake-ups (timers and the like), queued beside the messages.
    type Timer;

    fn kernel(&self) -> &Kernel<Self::Message, Self::Timer>;
    fn kernel_mut(&mut self) -> &mut Kernel<Self::Message, Self::Timer>;

    /// How `node` takes a message now; `None` if there is no such node (the event is dropped
    /// uncounted).
    fn reception(&self, node: NodeId) -> Option<Reception>;
    /// Hold an event for a paused node: the host schedules it again when the node resumes.
    fn defer(&mut self, node: NodeId, event: Pending<Self::Timer>);
    /// A message reached its receiver. The event is already counted and hashed (schedule and
    /// contents); what the receiver does is the host's.
    fn on_message(&mut self, envelope: Envelope, payload: Self::Message);
    /// A message died on the way or at the door (already counted and hashed).
    fn on_lost(&mut self, message: &InFlight<Self::Message>, cause: LossCause) {
        let _ = (message, cause);
    }
    /// A wake-up fired. Returns false if it turned out to be stale: then it is neither
    /// counted nor hashed, and the loop moves on to the next event. A wake-up that counts
    /// calls [`Kernel::begin_event`] itself, with its own event code.
    fn on_timer(&mut self, timer: Self::Timer) -> bool;
    /// Whether the run has stopped (a budget ran out): no more events are processed.
    fn halted(&self) -> bool {
        false
    }
    /// A counted event is complete (for observers, budgets).
    fn event_done(&mut self) {}
}
