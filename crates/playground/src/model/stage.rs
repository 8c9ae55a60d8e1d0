//! What the stage draws: each server's state, the messages in flight and the cut links, taken
//! from a snapshot of the simulation. Plain data, made by plain functions (no web types): the
//! component in stage.rs draws it, and the tests below check it natively.
use crate::text::{t, tf};
use raft_core::{Configuration, Message, Tone};
use raft_sim::network::{Endpoint, LossCause};
use raft_sim::sim::{NodeSlot, NodeStatus, Payload, Simulation};

/// At most this many messages in flight are drawn.
const MAX_DRAWN_MESSAGES: usize = 2_000;
/// Where the oldest message held for manual delivery on a link is parked: in the half nearer
/// its receiver, so the messages held each way on one link stand apart (the halfway point
/// put both directions on one spot).
pub const HELD_AT: f64 = 0.7;
/// How far apart held messages queued on one link stand (the later ones behind, toward the
/// sender, down to [`HELD_LAST`]).
pub const HELD_STEP: f64 = 0.07;
/// The furthest back a queued held message stands: still in the receiver's half.
const HELD_LAST: f64 = 0.55;

/// The stage's geometry, in its own units (a 400 × 420 drawing): the ring's centre and radius,
/// and a server's radius. The page (stage.rs) and the exported pictures (model/picture.rs)
/// place everything with the functions below, so a picture is what the page shows.
pub const CENTER: f64 = 200.0;
pub const RING: f64 = 140.0;
pub const NODE_R: f64 = 30.0;

/// Where the server at `index` (from 0) of `count` stands: the first at the top, clockwise.
pub fn position(index: usize, count: usize) -> (f64, f64) {
    if count == 1 {
        return (CENTER, CENTER);
    }
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * index as f64 / count as f64;
    let (cos, sin) = cos_sin(angle);
    (CENTER + RING * cos, CENTER + RING * sin)
}

/// The cosine and sine of `angle` (radians): the quarter turns taken off, then the Taylor
/// series on what is left (at most π/4, where the terms after the last kept one are below
/// 1e-16). Within a few 1e-16 of `f64::cos` and `f64::sin`, which would bring the wasm the
/// general libm routines and their range reduction (about 3 KB gzipped) for this one use.
pub fn cos_sin(angle: f64) -> (f64, f64) {
    use std::f64::consts::FRAC_PI_2;
    let quarters = (angle / FRAC_PI_2 + 0.5).floor();
    let r = angle - quarters * FRAC_PI_2;
    let (mut sin, mut cos, mut sin_term, mut cos_term) = (r, 1.0, r, 1.0);
    for k in 1..=9 {
        let k = f64::from(k);
        cos_term *= -r * r / ((2.0 * k - 1.0) * (2.0 * k));
        sin_term *= -r * r / ((2.0 * k) * (2.0 * k + 1.0));
        cos += cos_term;
        sin += sin_term;
    }
    match (quarters as i64).rem_euclid(4) {
        0 => (cos, sin),
        1 => (-sin, cos),
        2 => (-cos, -sin),
        _ => (sin, -cos),
    }
}

/// Where server `id` stands among `count`.
pub fn node_xy(id: u32, count: usize) -> (f64, f64) {
    position((id as usize).saturating_sub(1), count)
}

/// The line from server `a` to server `b` among `count`, cut `gap` short at both ends (so a
/// message or an arrow head never covers a server): (x1, y1, x2, y2).
pub fn link(a: u32, b: u32, count: usize, gap: f64) -> (f64, f64, f64, f64) {
    let ((x1, y1), (x2, y2)) = (node_xy(a, count), node_xy(b, count));
    let (dx, dy) = (x2 - x1, y2 - y1);
    let k = gap / (dx * dx + dy * dy).sqrt().max(1.0);
    (x1 + dx * k, y1 + dy * k, x2 - dx * k, y2 - dy * k)
}

/// Where message `m` is drawn among `count` servers, and whether it is drawn dead (past the
/// point where it is lost): from rim to rim, so a message never covers a server.
pub fn message_xy(m: &MessageView, count: usize, reduced_motion: bool) -> (f64, f64, bool) {
    let (x1, y1, x2, y2) = link(m.from, m.to, count, NODE_R);
    let dead = m.dies_at.filter(|&d| m.progress >= d);
    // A held message stands still where the model parks it (halfway).
    let p = dead.unwrap_or_else(|| if m.held { m.progress } else { drawn_progress(m.progress, reduced_motion) });
    (x1 + (x2 - x1) * p, y1 + (y2 - y1) * p, dead.is_some())
}

/// The mark beside a server that names its role by shape: (a badge circle, its letter, a
/// path), and where it sits relative to the server's centre. A crown above the leader, a
/// letter badge for a (pre-)candidate, two bars for a paused server, a cross over a crashed one.
pub fn role_mark_parts(state: &str) -> Option<(bool, &'static str, &'static str, (f64, f64))> {
    let corner = (NODE_R * 0.8, -NODE_R * 0.8);
    Some(match state {
        "leader" => (false, "", "M-11 5 L-11 -6 L-5.5 -1 L0 -9 L5.5 -1 L11 -6 L11 5 Z", (0.0, -NODE_R - 11.0)),
        "candidate" => (true, "C", "", corner),
        "pre-candidate" => (true, "P", "", corner),
        "paused" => (true, "", "M-4 -5 V5 M4 -5 V5", corner),
        "crashed" => (false, "", "M-18 -18 L18 18 M18 -18 L-18 18", (0.0, 0.0)),
        _ => return None,
    })
}

/// The mark's class: a badge, the leader's crown, or the crashed server's cross.
pub fn role_mark_class(state: &str, badge: bool) -> &'static str {
    if badge {
        "badge"
    } else if state == "leader" {
        "crown"
    } else {
        "cross"
    }
}

/// How a server's place in the configuration is written above it (a voter's is not).
pub fn membership_text(membership: &str) -> Option<&'static str> {
    Some(match membership {
        "voter" => return None,
        "joining" => t("stage.joining"),
        "leaving" => t("stage.leaving"),
        "learner" => t("stage.learner"),
        _ => t("stage.outside"),
    })
}

/// A server's state (a class: follower, pre-candidate, candidate, leader, crashed, paused) in
/// words.
pub fn state_text(state: &str) -> &'static str {
    match state {
        "leader" => t("stage.role-leader"),
        "candidate" => t("stage.role-candidate"),
        "pre-candidate" => t("stage.role-pre-candidate"),
        "crashed" => t("stage.role-crashed"),
        "paused" => t("stage.role-paused"),
        _ => t("stage.role-follower"),
    }
}

/// What the stage shows of one server.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: u32,
    /// follower, pre-candidate, candidate, leader, crashed or paused.
    pub state: &'static str,
    pub term: u64,
    pub voted_for: Option<u32>,
    pub votes: usize,
    /// Peers that granted this candidate (or leader) its vote in the current term.
    pub votes_from: Vec<u32>,
    pub commit_index: u64,
    pub last_index: u64,
    /// Fraction of the election timeout (or heartbeat interval) still to run, 0..1.
    pub timer_left: f64,
    /// Its place in the cluster's configuration as the leader sees it: voter, joining
    /// (C_new only), leaving (C_old only), learner or outside.
    pub membership: &'static str,
}

/// One message in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: u64,
    pub from: u32,
    pub to: u32,
    pub kind: &'static str,
    /// Style class: request-vote, vote-granted, vote-denied, append, heartbeat, append-ok, append-fail.
    pub class: &'static str,
    /// 0 at the sender, 1 at the receiver.
    pub progress: f64,
    /// Where it dies, if it will not arrive: lost by the link, dropped by hand, cut off by a
    /// partition, or sent to a crashed server.
    pub dies_at: Option<f64>,
    /// Waiting for the student to deliver it (manual delivery): parked halfway.
    pub held: bool,
}

/// A severed link between two servers: both ways, or only from → to.
#[derive(Clone, Debug, PartialEq)]
pub struct CutView {
    pub from: u32,
    pub to: u32,
    pub both_ways: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageData {
    /// The configuration in force at the leader (or, without one, at the server with the
    /// highest term), in words, and whether it is joint.
    pub configuration: String,
    pub joint: bool,
    pub nodes: Vec<NodeView>,
    pub cuts: Vec<CutView>,
    pub messages: Vec<MessageView>,
    pub now_ms: f64,
}

/// How a server is shown: crashed, paused, or its role.
pub fn node_state(slot: &NodeSlot) -> &'static str {
    match (slot.status, slot.raft.as_ref().map(|r| r.role())) {
        (NodeStatus::Crashed(_), _) | (_, None) => "crashed",
        (NodeStatus::Paused, _) => "paused",
        (_, Some(raft_core::Role::Leader)) => "leader",
        (_, Some(raft_core::Role::Candidate)) => "candidate",
        (_, Some(raft_core::Role::PreCandidate)) => "pre-candidate",
        _ => "follower",
    }
}

/// How the stage names a server's place in `config` (the configuration in force); with no
/// server running there is none, and every server is drawn as a voter.
fn membership_of(config: Option<&Configuration>, id: u32) -> &'static str {
    config.map_or("voter", |c| c.membership(id).name())
}

fn set_text(ids: &std::collections::BTreeSet<u32>) -> String {
    format!("{{{}}}", ids.iter().map(|i| format!("S{i}")).collect::<Vec<_>>().join(", "))
}

impl StageData {
    pub fn of(sim: &Simulation) -> StageData {
        let now = sim.now();
        let config = sim.configuration_in_force();
        let (configuration, joint) = match config {
            Some(c) => {
                let mut text = match &c.new_voters {
                    Some(new) => tf("stage.config-joint", &[("old", &set_text(&c.voters)), ("new", &set_text(new))]),
                    None => tf("stage.config", &[("voters", &set_text(&c.voters))]),
                };
                if !c.learners.is_empty() {
                    text.push_str(&tf("stage.config-learners", &[("learners", &set_text(&c.learners))]));
                }
                (text, c.is_joint())
            }
            None => (String::new(), false),
        };
        let nodes =
            sim.nodes()
                .iter()
                .map(|slot| {
                    let raft = slot.raft.as_ref();
                    let state = node_state(slot);
                    let timer_left =
                        sim.timer_span(slot.id)
                            .map(|(start, end)| {
                                if end <= start {
                                    0.0
                                } else {
                                    (end.saturating_sub(now)) as f64 / (end - start) as f64
                                }
                            })
                            .unwrap_or(0.0)
                            .clamp(0.0, 1.0);
                    NodeView {
                        id: slot.id,
                        state,
                        term: raft.map_or(slot.disk.current_term, |r| r.current_term()),
                        voted_for: raft.map_or(slot.disk.voted_for, |r| r.voted_for()),
                        votes: raft.map_or(0, |r| r.votes_granted().len()),
                        votes_from: raft
                            .filter(|r| r.role() != raft_core::Role::Follower)
                            .map(|r| r.votes_granted().iter().copied().filter(|&v| v != slot.id).collect())
                            .unwrap_or_default(),
                        commit_index: raft.map_or(0, |r| r.commit_index()),
                        last_index: raft.map_or(slot.disk.log.last_index(), |r| r.log().last_index()),
                        timer_left,
                        membership: membership_of(config, slot.id),
                    }
                })
                .collect();
        let mut messages: Vec<MessageView> = sim
            .in_flight()
            .filter_map(|m| {
                let (Endpoint::Node(from), Endpoint::Node(to), Payload::Raft(msg)) = (m.from, m.to, &m.payload) else {
                    return None;
                };
                let span = m.arrive_us.saturating_sub(m.sent_us).max(1) as f64;
                let progress =
                    if m.held { HELD_AT } else { (now.saturating_sub(m.sent_us) as f64 / span).clamp(0.0, 1.0) };
                let class = message_class(msg);
                let at = |t: u64| (t.saturating_sub(m.sent_us) as f64 / span).clamp(0.0, 1.0);
                let dies_at = match (m.lost, m.dropped_us) {
                    (_, Some(t)) => Some(at(t)),
                    // Spread the deaths of lost messages along the link, deterministically.
                    (Some(LossCause::Lost), _) => Some(0.3 + (m.id % 5) as f64 * 0.1),
                    (Some(_), _) => Some(0.5),
                    // A held message waits; what happens to it is decided when it is delivered.
                    (None, _) if m.held => None,
                    (None, _) if !sim.network().connected(m.from, m.to) => Some(0.5),
                    (None, _) if sim.node(to).is_some_and(|n| n.raft.is_none()) => Some(0.9),
                    (None, _) => None,
                };
                Some(MessageView { id: m.id, from, to, kind: msg.kind(), class, progress, dies_at, held: m.held })
            })
            .collect();
        // A slow network with fast heartbeats can hold hundreds of thousands of messages; the
        // stage draws the oldest few thousand (the picture is a blur past that anyway), so a
        // frame's cost stays bounded.
        if messages.len() > MAX_DRAWN_MESSAGES {
            messages.select_nth_unstable_by_key(MAX_DRAWN_MESSAGES, |m| m.id);
            messages.truncate(MAX_DRAWN_MESSAGES);
        }
        raft_sim::order::sort_by_key_stable(&mut messages, |m| m.id);
        // Held messages on one link queue up behind the halfway mark, oldest in front, so
        // each can be seen and clicked.
        let mut queued: Vec<(u32, u32, u32)> = Vec::new();
        for m in messages.iter_mut().filter(|m| m.held) {
            let k = match queued.iter_mut().find(|q| (q.0, q.1) == (m.from, m.to)) {
                Some(q) => {
                    q.2 += 1;
                    q.2
                }
                None => {
                    queued.push((m.from, m.to, 0));
                    0
                }
            };
            m.progress = (HELD_AT - f64::from(k) * HELD_STEP).max(HELD_LAST);
        }
        let network = sim.network();
        let ids: Vec<u32> = sim.nodes().iter().map(|n| n.id).collect();
        let mut cuts = Vec::new();
        for &a in &ids {
            for &b in ids.iter().filter(|&&b| b > a) {
                let ab = network.connected(Endpoint::Node(a), Endpoint::Node(b));
                let ba = network.connected(Endpoint::Node(b), Endpoint::Node(a));
                match (ab, ba) {
                    (true, true) => {}
                    (false, false) => cuts.push(CutView { from: a, to: b, both_ways: true }),
                    (false, true) => cuts.push(CutView { from: a, to: b, both_ways: false }),
                    (true, false) => cuts.push(CutView { from: b, to: a, both_ways: false }),
                }
            }
        }
        StageData { configuration, joint, nodes, cuts, messages, now_ms: now as f64 / 1000.0 }
    }
}

/// The style class of a message in flight, from raft-core's description of it: its tone
/// (request, heartbeat, granted, denied) and, for the colour, which RPC it belongs to. Vote
/// and pre-vote replies share their colours: granted is granted.
fn message_class(msg: &Message) -> &'static str {
    match (msg.tone(), msg.kind()) {
        (Tone::Heartbeat, _) => "heartbeat",
        (Tone::Granted, "AppendEntriesReply") => "append-ok",
        (Tone::Denied, "AppendEntriesReply") => "append-fail",
        (Tone::Granted, _) => "vote-granted",
        (Tone::Denied, _) => "vote-denied",
        (_, "RequestVote") => "request-vote",
        (_, "PreVote") => "pre-vote",
        (_, "AppendEntries") => "append",
        (_, "TimeoutNow") => "timeout-now",
        (_, "InstallSnapshot") => "snapshot",
        _ => "snapshot-ack",
    }
}

/// How a message kind is drawn, so it reads without colour: the shape says what it is for
/// (a request is a diamond, AppendEntries with entries a square, a heartbeat a circle, a reply
/// a triangle pointing up when granted and down when refused), the label names it on hover and
/// focus. Paths are centred on the message's position, in the stage's units.
pub fn message_look(class: &str) -> (&'static str, &'static str) {
    const DIAMOND: &str = "M0 -7.5 L7.5 0 L0 7.5 L-7.5 0 Z";
    const SQUARE: &str = "M-6 -6 H6 V6 H-6 Z";
    const CIRCLE: &str = "M-5.5 0 A5.5 5.5 0 1 0 5.5 0 A5.5 5.5 0 1 0 -5.5 0 Z";
    const UP: &str = "M0 -7.5 L7 5.5 L-7 5.5 Z";
    const DOWN: &str = "M0 7.5 L7 -5.5 L-7 -5.5 Z";
    match class {
        "request-vote" => (DIAMOND, "RequestVote"),
        "pre-vote" => (DIAMOND, "PreVote"),
        "timeout-now" => (DIAMOND, "TimeoutNow"),
        "append" => (SQUARE, "AppendEntries"),
        "snapshot" => (SQUARE, "InstallSnapshot"),
        "heartbeat" => (CIRCLE, t("stage.heartbeat")),
        "vote-granted" => (UP, t("stage.vote-granted")),
        "append-ok" => (UP, t("stage.append-ok")),
        "snapshot-ack" => (UP, t("stage.snapshot-ack")),
        "vote-denied" => (DOWN, t("stage.vote-denied")),
        "append-fail" => (DOWN, t("stage.append-fail")),
        _ => (CIRCLE, t("stage.message-any")),
    }
}

/// What the line under a server says: its role in words (colour is not the only sign), and
/// for a candidate its votes, for a follower whom it voted for.
pub fn role_caption(n: &NodeView) -> (&'static str, Option<String>) {
    let detail = match n.state {
        "candidate" | "pre-candidate" => Some(tf(
            if n.votes == 1 { "stage.votes.one" } else { "stage.votes.many" },
            &[("votes", &n.votes.to_string())],
        )),
        "follower" => n.voted_for.map(|v| tf("stage.voted-for", &[("node", &v.to_string())])),
        _ => None,
    };
    (state_text(n.state), detail)
}

/// Where a message is drawn along its link, 0 at the sender and 1 at the receiver. With
/// reduced motion it does not glide: it stands at one of three places (just sent, halfway,
/// about to arrive), so the picture changes in a few steps instead of moving every frame.
pub fn drawn_progress(progress: f64, reduced_motion: bool) -> f64 {
    let p = progress.clamp(0.0, 1.0);
    if reduced_motion {
        ((p * 3.0).floor().min(2.0) + 0.5) / 3.0
    } else {
        p
    }
}

#[cfg(test)]
mod look_tests {
    use super::*;

    #[test]
    fn cos_sin_agrees_with_std_around_the_circle() {
        for step in -400..=800 {
            let angle = f64::from(step) * 0.01;
            let (cos, sin) = cos_sin(angle);
            assert!((cos - angle.cos()).abs() < 1e-15 && (sin - angle.sin()).abs() < 1e-15, "at {angle}: {cos}, {sin}");
        }
        for count in 2..=9 {
            for index in 0..count {
                let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * index as f64 / count as f64;
                let ((x, y), (cx, cy)) =
                    (position(index, count), (CENTER + RING * angle.cos(), CENTER + RING * angle.sin()));
                assert!((x - cx).abs() < 1e-12 && (y - cy).abs() < 1e-12, "server {index} of {count}");
            }
        }
    }

    #[test]
    fn replies_point_up_when_granted_and_down_when_refused() {
        assert_eq!(message_look("vote-granted").0, message_look("append-ok").0);
        assert_eq!(message_look("vote-denied").0, message_look("append-fail").0);
        assert_ne!(message_look("vote-granted").0, message_look("vote-denied").0);
        // Requests, entries and heartbeats each have their own shape.
        let shapes = ["request-vote", "append", "heartbeat", "vote-granted", "vote-denied"].map(|c| message_look(c).0);
        for (i, a) in shapes.iter().enumerate() {
            assert!(shapes[i + 1..].iter().all(|b| b != a), "{a} is used twice");
        }
        assert_eq!(message_look("request-vote").1, "RequestVote");
    }

    #[test]
    fn reduced_motion_puts_a_message_at_one_of_three_places() {
        let places: std::collections::BTreeSet<u64> =
            (0..=100).map(|i| (drawn_progress(i as f64 / 100.0, true) * 600.0).round() as u64).collect();
        assert_eq!(places.into_iter().collect::<Vec<_>>(), vec![100, 300, 500]);
        assert_eq!(drawn_progress(0.42, false), 0.42);
        assert_eq!(drawn_progress(7.0, false), 1.0);
    }

    #[test]
    fn the_caption_names_the_role_and_the_votes() {
        let node = NodeView {
            id: 1,
            state: "candidate",
            term: 2,
            voted_for: Some(1),
            votes: 1,
            votes_from: vec![],
            commit_index: 0,
            last_index: 0,
            timer_left: 0.5,
            membership: "voter",
        };
        assert_eq!(role_caption(&node), ("candidate", Some("1 vote".into())));
        let follower = NodeView { state: "follower", voted_for: Some(3), ..node.clone() };
        assert_eq!(role_caption(&follower), ("follower", Some("voted S3".into())));
        let crashed = NodeView { state: "crashed", ..node };
        assert_eq!(role_caption(&crashed), ("crashed", None));
    }
}
