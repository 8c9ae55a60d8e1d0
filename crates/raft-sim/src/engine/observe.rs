//! Observers: what watches a run without steering it. The engine calls every observer after
//! each thing that happens (a server's step, a crash, a client's answer, a finished event), as
//! FoundationDB's simulator and TigerBeetle's VOPR check after every event; the invariant
//! checker and the availability tracker (both in `check`) are observers. The engine knows this
//! trait only, so it never names the checks, and a run with none attached costs nothing extra.
use super::network::LossCause;
use super::sim::{InFlight, Simulation};
use crate::scenario::format::Action;
use raft_core::{Applied, Index, Micros, NodeId, RaftLog, Role, Snapshot, Term};
use std::any::Any;

/// What one server looks like right after one of its steps.
pub struct NodeObservation<'a> {
    pub node: NodeId,
    pub role: Role,
    pub term: Term,
    pub log: &'a RaftLog,
    pub commit_index: Index,
    /// Lowest log index the event changed, as reported by the node.
    pub log_changed_from: Option<Index>,
    pub applied: &'a [Applied],
    /// The node (re)booted in this event: volatile state starts over.
    pub restarted: bool,
}

/// What an observer is shown.
pub enum Seen<'a> {
    /// A server took a step (booted, restarted, handled an event). `snapshot` is its snapshot
    /// when the step took or installed one.
    Step { node: &'a NodeObservation<'a>, snapshot: Option<&'a Snapshot> },
    /// A server crashed.
    Crash(NodeId),
    /// A client got its answer `latency` after asking.
    Answered { latency: Micros },
    /// An event (or an operator's action) is complete: the whole run can be read.
    EventDone,
    /// A message was put in the network (by a server, a client, or the operator's "deliver it
    /// twice"). `copy_of`: the message it duplicates, for a copy the network or the operator
    /// made.
    Sent { message: &'a InFlight, copy_of: Option<u64> },
    /// Message `0` reached its receiver (before the receiver's step).
    Arrived(u64),
    /// A message died: on the way, at the door, or held for a paused server that crashed.
    Lost { message: u64, cause: LossCause },
    /// The operator dropped message `0` while in flight: it dies when due ([`Seen::Lost`]).
    Dropped(u64),
    /// An action (of the timeline, a trigger or the operator) was just carried out.
    Action(&'a Action),
}

impl Seen<'_> {
    /// Which kind of happening this is, to match against what observers want.
    pub const fn kind(&self) -> Wants {
        match self {
            Seen::Step { .. } => Wants::STEPS,
            Seen::Crash(_) => Wants::CRASHES,
            Seen::Answered { .. } => Wants::ANSWERS,
            Seen::EventDone => Wants::EVENTS,
            Seen::Sent { .. } | Seen::Arrived(_) | Seen::Lost { .. } | Seen::Dropped(_) => Wants::MESSAGES,
            Seen::Action(_) => Wants::ACTIONS,
        }
    }
}

/// The kinds of happening an observer is called for. The engine calls nobody for a kind no
/// observer wants, so a run pays only for what is watched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wants(u8);

impl Wants {
    pub const STEPS: Wants = Wants(1);
    pub const CRASHES: Wants = Wants(2);
    pub const ANSWERS: Wants = Wants(4);
    pub const EVENTS: Wants = Wants(8);
    pub const MESSAGES: Wants = Wants(16);
    pub const ACTIONS: Wants = Wants(32);

    pub const fn and(self, other: Wants) -> Wants {
        Wants(self.0 | other.0)
    }
    pub const fn includes(self, kind: Wants) -> bool {
        self.0 & kind.0 != 0
    }
}

/// Something the engine calls after every event. `sim` is the run as it stands (without its
/// observers, which are out being called).
pub trait Observer: ObserverCopy + Send + Sync + 'static {
    /// The kinds of happening to be called for (asked once, when it is attached).
    fn wants(&self) -> Wants;
    /// Look at what happened; returns how many problems were newly found (each marks a
    /// `Violation` milestone and stops `run_until_violation`).
    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64;
    /// What it keeps, for the run's memory estimate (see budget.rs).
    fn retained(&self) -> Retained {
        Retained::default()
    }
}

/// What every observer can do because it is `Clone` and `'static`, written once for all of
/// them (a blanket impl) rather than in each observer.
pub trait ObserverCopy {
    /// A copy, for checkpoints (`Simulation` is `Clone`).
    fn clone_box(&self) -> Box<dyn Observer>;
    /// For reading an observer's results back by its type ([`Simulation::observer`]).
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Observer + Clone> ObserverCopy for T {
    fn clone_box(&self) -> Box<dyn Observer> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl Clone for Box<dyn Observer> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// The observers of a run, each with what it wants, and what any of them wants.
#[derive(Clone, Default)]
pub struct Observers {
    list: Vec<(Wants, Box<dyn Observer>)>,
    wanted: Wants,
}

impl Observers {
    pub fn new(list: Vec<Box<dyn Observer>>) -> Observers {
        let mut observers = Observers::default();
        for observer in list {
            observers.add(observer);
        }
        observers
    }
    pub fn add(&mut self, observer: Box<dyn Observer>) {
        let wants = observer.wants();
        self.wanted = self.wanted.and(wants);
        self.list.push((wants, observer));
    }
    /// Detach the observers of type `T`.
    pub fn remove<T: Observer>(&mut self) {
        self.list.retain(|(_, o)| !o.as_any().is::<T>());
        self.wanted = self.list.iter().fold(Wants::default(), |all, (w, _)| all.and(*w));
    }
    /// Whether any observer wants to see `kind`.
    #[inline]
    pub fn want(&self, kind: Wants) -> bool {
        self.wanted.includes(kind)
    }
    pub fn get<T: Observer>(&self) -> Option<&T> {
        self.list.iter().find_map(|(_, o)| o.as_any().downcast_ref())
    }
    pub fn get_mut<T: Observer>(&mut self) -> Option<&mut T> {
        self.list.iter_mut().find_map(|(_, o)| o.as_any_mut().downcast_mut())
    }
    /// Show `seen` to every observer that wants it; the problems they found.
    pub fn show(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        let kind = seen.kind();
        let mut found = 0;
        for (wants, observer) in &mut self.list {
            if wants.includes(kind) {
                found += observer.observe(sim, seen);
            }
        }
        found
    }
    pub fn retained(&self) -> Retained {
        self.list.iter().map(|(_, o)| o.retained()).fold(Retained::default(), |a, b| Retained {
            indexes: a.indexes + b.indexes,
            shadow_entries: a.shadow_entries + b.shadow_entries,
            records: a.records + b.records,
        })
    }
}

/// An observer's records, counted in the run's memory estimate at the sizes budget.rs gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retained {
    /// Records per log index.
    pub indexes: u64,
    /// Copies of log entries.
    pub shadow_entries: u64,
    /// Other records.
    pub records: u64,
}
