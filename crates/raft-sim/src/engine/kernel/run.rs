//! The event loop: pop the next event, apply the network's and the receiver's faults to a
//! message, count and hash the event, hand it to the host.
use super::{Envelope, Host, InFlight, Kernel, Pending, Reception, Scheduled, Wire};
use crate::engine::network::{Endpoint, LossCause};
use raft_core::Micros;

/// The code the trace hash folds in for a message that died: lost, partitioned, receiver
/// down, omitted, dropped by hand. Pinned by every golden trace hash.
pub const CODE_DROPPED: u64 = 9;
/// The code for a message that reached its receiver. Pinned likewise.
pub const CODE_DELIVERED: u64 = 10;

/// Process the next event due no later than `limit`; false when there is none (or the host
/// has halted). Stale events (a timer that was reset, a message for a node that does not
/// exist, events held for a paused node) are skipped without being counted.
pub fn step_until<H: Host>(host: &mut H, limit: Micros) -> bool {
    loop {
        if host.halted() {
            return false;
        }
        let Some(event) = host.kernel_mut().pop_due(limit) else { return false };
        if dispatch(host, event) {
            host.event_done();
            return true;
        }
    }
}

/// Handle one event; false if it turned out to be stale (not counted, not hashed).
#[inline(always)]
fn dispatch<H: Host>(host: &mut H, event: Scheduled<H::Timer>) -> bool {
    match event.kind {
        Pending::Arrive(k) => {
            // Only a message still on its way has a receiver to ask: one that died on the
            // way dies at its time whatever the receiver is doing.
            let receiver = match host.kernel().message(k) {
                Some(InFlight { lost: None, to: Endpoint::Node(n), .. }) => Some(*n),
                _ => None,
            };
            let mut reception = None;
            if let Some(n) = receiver {
                match host.reception(n) {
                    None => return false,
                    Some(Reception::Paused) => {
                        // A paused node holds everything addressed to it until it resumes.
                        host.defer(n, event.kind);
                        return false;
                    }
                    Some(r) => reception = Some(r),
                }
            }
            let Some(m) = host.kernel_mut().take_message(k) else { return false };
            arrive(host, m, reception);
            true
        }
        Pending::Wake(timer) => host.on_timer(timer),
    }
}

/// A message's end: it dies (lost on the way, partitioned, receiver down, receive omission)
/// or is delivered. Either way the event is counted and hashed before the host hears of it.
#[inline(always)]
fn arrive<H: Host>(host: &mut H, m: InFlight<H::Message>, reception: Option<Reception>) {
    let kernel: &mut Kernel<H::Message, H::Timer> = host.kernel_mut();
    let code = m.payload.code();
    let mut cause = m.lost;
    if cause.is_none() {
        match reception {
            Some(Reception::Down) => cause = Some(LossCause::ReceiverDown),
            Some(Reception::Up(_)) if !kernel.network.connected(m.from, m.to) => cause = Some(LossCause::Partitioned),
            Some(Reception::Up(p)) => {
                if kernel.omission(p) {
                    cause = Some(LossCause::ReceiveOmission);
                }
            }
            // To a client (outside partitions and faults); a paused node never gets here.
            Some(Reception::Paused) | None => {}
        }
    }
    if let Some(cause) = cause {
        kernel.begin_event(CODE_DROPPED, m.id, code);
        host.on_lost(&m, cause);
        return;
    }
    kernel.begin_event(CODE_DELIVERED, m.id, code);
    kernel.hash.message(&m.payload);
    let InFlight { id, from, to, sent_us, arrive_us, payload, .. } = m;
    host.on_message(Envelope { id, from, to, sent_us, arrive_us }, payload);
}
