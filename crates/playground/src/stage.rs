//! The stage: servers in a ring and the messages between them, drawn as SVG from a plain
//! snapshot of the simulation. No protocol logic: it draws what it is given.
use raft_core::{Configuration, Message};
use raft_sim::network::{Endpoint, LossCause};
use raft_sim::sim::{NodeSlot, NodeStatus, Payload, Simulation};
use yew::prelude::*;

/// At most this many messages in flight are drawn.
const MAX_DRAWN_MESSAGES: usize = 2_000;

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
                    Some(new) => format!("joint: old {} + new {}", set_text(&c.voters), set_text(new)),
                    None => format!("voters {}", set_text(&c.voters)),
                };
                if !c.learners.is_empty() {
                    text.push_str(&format!(", learners {}", set_text(&c.learners)));
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
                let progress = (now.saturating_sub(m.sent_us) as f64 / span).clamp(0.0, 1.0);
                let class = match msg {
                    Message::RequestVote(_) => "request-vote",
                    Message::RequestVoteReply(r) if r.vote_granted => "vote-granted",
                    Message::RequestVoteReply(_) => "vote-denied",
                    Message::AppendEntries(a) if a.entries.is_empty() => "heartbeat",
                    Message::AppendEntries(_) => "append",
                    Message::AppendEntriesReply(r) if r.success => "append-ok",
                    Message::AppendEntriesReply(_) => "append-fail",
                    Message::PreVote(_) => "pre-vote",
                    Message::PreVoteReply(r) if r.vote_granted => "vote-granted",
                    Message::PreVoteReply(_) => "vote-denied",
                    Message::TimeoutNow(_) => "timeout-now",
                    Message::InstallSnapshot(_) => "snapshot",
                    Message::InstallSnapshotReply(_) => "snapshot-ack",
                };
                let at = |t: u64| (t.saturating_sub(m.sent_us) as f64 / span).clamp(0.0, 1.0);
                let dies_at = match (m.lost, m.dropped_us) {
                    (_, Some(t)) => Some(at(t)),
                    // Spread the deaths of lost messages along the link, deterministically.
                    (Some(LossCause::Lost), _) => Some(0.3 + (m.id % 5) as f64 * 0.1),
                    (Some(_), _) => Some(0.5),
                    (None, _) if !sim.network().connected(m.from, m.to) => Some(0.5),
                    (None, _) if sim.node(to).is_some_and(|n| n.raft.is_none()) => Some(0.9),
                    (None, _) => None,
                };
                Some(MessageView { id: m.id, from, to, kind: msg.kind(), class, progress, dies_at })
            })
            .collect();
        // A slow network with fast heartbeats can hold hundreds of thousands of messages; the
        // stage draws the oldest few thousand (the picture is a blur past that anyway), so a
        // frame's cost stays bounded.
        if messages.len() > MAX_DRAWN_MESSAGES {
            messages.select_nth_unstable_by_key(MAX_DRAWN_MESSAGES, |m| m.id);
            messages.truncate(MAX_DRAWN_MESSAGES);
        }
        messages.sort_by_key(|m| m.id);
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

const CENTER: f64 = 200.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 30.0;

fn position(index: usize, count: usize) -> (f64, f64) {
    if count == 1 {
        return (CENTER, CENTER);
    }
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * index as f64 / count as f64;
    (CENTER + RING * angle.cos(), CENTER + RING * angle.sin())
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub data: StageData,
    pub selected: Option<u32>,
    pub on_select: Callback<u32>,
    #[prop_or_default]
    pub selected_message: Option<u64>,
    #[prop_or_default]
    pub on_select_message: Option<Callback<u64>>,
    /// Servers a tour step points at.
    #[prop_or_default]
    pub highlight_nodes: Vec<u32>,
    /// Message kinds a tour step points at; the others are drawn faint.
    #[prop_or_default]
    pub highlight_messages: Vec<String>,
}

#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let count = props.data.nodes.len();
    let pos = |id: u32| position((id as usize).saturating_sub(1), count);
    html! {
        <svg class="stage" viewBox="0 0 400 420" role="img" aria-label="The cluster: servers in a ring, messages in flight" data-testid="stage">
            <defs>
                <marker id="cut-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="cut-arrow" />
                </marker>
                <marker id="vote-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="vote-arrow" />
                </marker>
            </defs>
            <text class={classes!("config-caption", props.data.joint.then_some("joint"))} x="200" y="414" data-testid="configuration"
                  data-joint={props.data.joint.to_string()}>{ &props.data.configuration }</text>
            { for props.data.cuts.iter().map(|c| {
                let ((x1, y1), (x2, y2)) = (pos(c.from), pos(c.to));
                // Stop short of the circles so a one-way arrow head stays visible.
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let k = (NODE_R + 8.0) / len;
                let (ax, ay, bx, by) = (x1 + dx * k, y1 + dy * k, x2 - dx * k, y2 - dy * k);
                html! {
                    <line class={classes!("cut", (!c.both_ways).then_some("one-way"))} data-testid="cut"
                          x1={format!("{ax:.1}")} y1={format!("{ay:.1}")} x2={format!("{bx:.1}")} y2={format!("{by:.1}")}
                          marker-end={(!c.both_ways).then_some("url(#cut-arrow)")}>
                        <title>{ if c.both_ways { format!("S{} and S{} cannot talk", c.from, c.to) } else { format!("S{} → S{} is cut", c.from, c.to) } }</title>
                    </line>
                }
            }) }
            { for props.data.nodes.iter().flat_map(|n| n.votes_from.iter().map(move |&v| (v, n.id))).map(|(voter, candidate)| {
                let ((x1, y1), (x2, y2)) = (pos(voter), pos(candidate));
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = (dx * dx + dy * dy).sqrt().max(1.0);
                let k = (NODE_R + 6.0) / len;
                let (ax, ay, bx, by) = (x1 + dx * k, y1 + dy * k, x2 - dx * k, y2 - dy * k);
                html! {
                    <line class="vote-line" data-testid="vote-line" x1={format!("{ax:.1}")} y1={format!("{ay:.1}")}
                          x2={format!("{bx:.1}")} y2={format!("{by:.1}")} marker-end="url(#vote-arrow)">
                        <title>{ format!("S{voter} voted for S{candidate} in this term") }</title>
                    </line>
                }
            }) }
            { for props.data.nodes.iter().enumerate().map(|(i, n)| {
                let (x, y) = position(i, count);
                let id = n.id;
                let onclick = props.on_select.reform(move |_: MouseEvent| id);
                let circumference = std::f64::consts::TAU * (NODE_R + 5.0);
                let dash = format!("{:.1} {:.1}", circumference * n.timer_left, circumference);
                let selected = props.selected == Some(n.id);
                let spot = props.highlight_nodes.contains(&n.id);
                html! {
                    <g class={classes!("server", n.state, selected.then_some("selected"), spot.then_some("spot"), n.membership)} transform={format!("translate({x:.1},{y:.1})")}
                       onclick={onclick} data-testid="stage-node" data-id={n.id.to_string()} data-state={n.state} data-term={n.term.to_string()}
                       data-membership={n.membership}>
                        <title>{ format!("S{}: {} in term {}, log {} entries, commit {}", n.id, n.state, n.term, n.last_index, n.commit_index) }</title>
                        if n.state != "crashed" {
                            <circle class="timer" r={format!("{}", NODE_R + 5.0)} stroke-dasharray={dash} transform="rotate(-90)" />
                        }
                        <circle class="body" r={NODE_R.to_string()} />
                        <text class="name" y="-4">{ format!("S{}", n.id) }</text>
                        <text class="term" y="13">{ format!("term {}", n.term) }</text>
                        if n.membership != "voter" {
                            <text class="membership" y={format!("{}", -NODE_R - 10.0)}>{ match n.membership {
                                "outside" => "not in the cluster",
                                other => other,
                            } }</text>
                        }
                        if n.state == "candidate" {
                            <text class="votes" y={format!("{}", NODE_R + 18.0)}>{ format!("{} vote{}", n.votes, if n.votes == 1 { "" } else { "s" }) }</text>
                        } else if let (Some(v), "follower") = (n.voted_for, n.state) {
                            <text class="votes" y={format!("{}", NODE_R + 18.0)}>{ format!("voted S{v}") }</text>
                        }
                    </g>
                }
            }) }
            // Messages last: drawn over the servers, so a message just sent can still be clicked.
            { for props.data.messages.iter().map(|m| {
                // From rim to rim, so messages never cover a server (both stay clickable).
                let ((cx1, cy1), (cx2, cy2)) = (pos(m.from), pos(m.to));
                let (dx, dy) = (cx2 - cx1, cy2 - cy1);
                let k = NODE_R / (dx * dx + dy * dy).sqrt().max(1.0);
                let (x1, y1, x2, y2) = (cx1 + dx * k, cy1 + dy * k, cx2 - dx * k, cy2 - dy * k);
                let dead = m.dies_at.filter(|&d| m.progress >= d);
                let p = dead.unwrap_or(m.progress);
                let (x, y) = (x1 + (x2 - x1) * p, y1 + (y2 - y1) * p);
                let id = m.id;
                let onclick = props.on_select_message.as_ref().map(|cb| cb.reform(move |e: MouseEvent| {
                    e.stop_propagation();
                    id
                }));
                let selected = props.selected_message == Some(m.id);
                let faint = !props.highlight_messages.is_empty() && !props.highlight_messages.iter().any(|k| k == m.kind);
                let title = format!("{} S{} → S{}{} (click to inspect)", m.kind, m.from, m.to, if dead.is_some() { ", lost" } else { "" });
                if dead.is_some() {
                    html! {
                        <g class={classes!("message", "dead", selected.then_some("picked"), faint.then_some("faint"))} transform={format!("translate({x:.1},{y:.1})")}
                           data-testid="message" data-id={m.id.to_string()} data-dead="true" onclick={onclick}>
                            <title>{ title }</title>
                            <path d="M -5 -5 L 5 5 M 5 -5 L -5 5" />
                        </g>
                    }
                } else {
                    html! {
                        <circle class={classes!("message", m.class, selected.then_some("picked"), faint.then_some("faint"))} cx={format!("{x:.1}")} cy={format!("{y:.1}")}
                                r={if selected { "8" } else { "6" }} data-testid="message" data-id={m.id.to_string()} data-dead="false" onclick={onclick}>
                            <title>{ title }</title>
                        </circle>
                    }
                }
            }) }
        </svg>
    }
}
