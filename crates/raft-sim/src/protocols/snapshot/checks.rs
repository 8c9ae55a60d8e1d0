//! What a Chandy–Lamport run must keep, checked after every event:
//! - **MoneyConserved**: the bank itself loses nothing: the processes' balances plus the
//!   amounts of the transfers still on the channels equal the initial total, at every moment.
//! - **ConsistentCut** (the notes' Definition 1.2): the snapshot respects causality: no
//!   transfer counted in the snapshot (received before its receiver recorded its state, or
//!   recorded in a channel's state) was sent after its sender recorded its state. Such a
//!   receipt would be in the snapshot without the send that caused it.
//! - **SnapshotTotal**: once the snapshot is complete, the recorded states plus the recorded
//!   channel states add up to the initial total: the snapshot is a state the bank could have
//!   been in, with no money lost (a transfer in flight not recorded) or made (one counted twice).
//!
//! The checks read plain values, so a test can hand them a broken state.
use crate::protocols::said::Said;
use serde::Serialize;

/// What a broken check says, in English (`protocols::said`; the page words `proto.check.ID`).
pub const SAID: &[(&str, &str)] = &[
    ("cl.money", "balances {held} + in flight {in_flight} = {sum}, but the bank started with {total}"),
    (
        "cl.cut-receipt",
        "p{q}'s recorded state includes transfer {id} ({amount}) from p{p}, which p{p} sent after recording its own state: the receipt is in the snapshot, its send is not",
    ),
    (
        "cl.cut-twice",
        "transfer {id} ({amount}) is recorded in channel p{p}→p{q}, but p{p} sent it after recording its state: it is counted twice",
    ),
    (
        "cl.total-not-recorded",
        "recorded states {recorded} + channel states {channels} = {sum}, but the bank holds {total}: money in flight was not recorded",
    ),
    (
        "cl.total-twice",
        "recorded states {recorded} + channel states {channels} = {sum}, but the bank holds {total}: money is counted twice",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ClProperty {
    MoneyConserved,
    ConsistentCut,
    SnapshotTotal,
}

/// Every property, in the order the report lists them.
pub const CHECKED: [ClProperty; 3] = [ClProperty::MoneyConserved, ClProperty::ConsistentCut, ClProperty::SnapshotTotal];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClViolation {
    pub property: ClProperty,
    pub detail: Said,
    /// When it was first seen.
    pub at_ms: f64,
    pub event: u64,
}

/// One transfer as the cut sees it: where its send and its receipt fall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutSeen {
    pub id: u64,
    pub from: u32,
    pub to: u32,
    pub amount: u64,
    /// The sender had already recorded its state when it sent the transfer (the send is
    /// after the cut).
    pub sent_after_record: bool,
    /// The receiver got it before recording its state (its recorded balance includes it).
    pub received_before_record: bool,
    /// It is in the recorded state of its channel.
    pub in_channel_state: bool,
}

/// MoneyConserved: `balances` and the amounts `in_flight` against the initial `total`.
pub fn money(balances: &[u64], in_flight: u64, total: u64) -> Option<Said> {
    let held: u64 = balances.iter().sum();
    (held + in_flight != total).then(|| {
        let sum = (held + in_flight).to_string();
        let values = [
            ("held", held.to_string()),
            ("in_flight", in_flight.to_string()),
            ("sum", sum),
            ("total", total.to_string()),
        ];
        Said::new("cl.money", values)
    })
}

/// ConsistentCut for one transfer that was just received or recorded.
pub fn cut(t: &CutSeen) -> Option<Said> {
    if !t.sent_after_record {
        return None;
    }
    let values = [
        ("p", t.from.to_string()),
        ("q", t.to.to_string()),
        ("id", t.id.to_string()),
        ("amount", t.amount.to_string()),
    ];
    if t.received_before_record {
        return Some(Said::new("cl.cut-receipt", values));
    }
    t.in_channel_state.then(|| Said::new("cl.cut-twice", values))
}

/// SnapshotTotal, once the snapshot is complete: the recorded states and the amounts recorded
/// in the channels against the initial `total`.
pub fn snapshot_total(states: &[u64], channels: u64, total: u64) -> Option<Said> {
    let recorded: u64 = states.iter().sum();
    (recorded + channels != total).then(|| {
        let sum = recorded + channels;
        let id = if sum < total { "cl.total-not-recorded" } else { "cl.total-twice" };
        let values = [
            ("recorded", recorded.to_string()),
            ("channels", channels.to_string()),
            ("sum", sum.to_string()),
            ("total", total.to_string()),
        ];
        Said::new(id, values)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_is_broken_only_by_what_it_names() {
        assert_eq!(money(&[50, 70], 30, 150), None);
        assert!(money(&[50, 70], 20, 150).unwrap().english().contains("= 140, but the bank started with 150"));
        assert_eq!(snapshot_total(&[40, 60], 50, 150), None);
        assert!(snapshot_total(&[40, 60], 0, 150).unwrap().english().ends_with("money in flight was not recorded"));
        assert!(snapshot_total(&[90, 60], 50, 150).unwrap().english().ends_with("money is counted twice"));
        let t = CutSeen {
            id: 4,
            from: 1,
            to: 2,
            amount: 9,
            sent_after_record: false,
            received_before_record: true,
            in_channel_state: false,
        };
        assert_eq!(cut(&t), None, "sent and received inside the cut");
        assert_eq!(cut(&CutSeen { received_before_record: false, ..t }), None, "sent inside, received outside");
        let late = CutSeen { sent_after_record: true, ..t };
        assert!(cut(&late).unwrap().english().starts_with("p2's recorded state includes transfer 4 (9) from p1"));
        assert_eq!(cut(&CutSeen { received_before_record: false, ..late }), None, "both outside");
        let twice = CutSeen { received_before_record: false, in_channel_state: true, ..late };
        assert!(cut(&twice).unwrap().english().contains("recorded in channel p1→p2"));
    }
}
