//! The commands a transcript runs (in the spirit of etcd-io/raft's `rafttest` interaction
//! environment) and what each prints. Everything goes through the common [`Cluster`], so the
//! nodes are driven only through raft-core's public API (inputs in, `Ready` out), and the
//! simulator's invariant checker watches every step: a violation is printed where it happens.
//!
//! | command                                  | what it does                                          |
//! |------------------------------------------|-------------------------------------------------------|
//! | `add-nodes N [option...]`                | a cluster of S1..SN (options below), all followers    |
//! | `add-spare ID`                           | boot a server with no configuration (to be added)     |
//! | `load ID [term=T] [vote=V] [log=T,T,..]` | ID reboots from this disk (no-op entries of terms T)  |
//! | `campaign ID`                            | ID's election timeout fires now                       |
//! | `tick DURATION`                          | time passes (`50ms`, `1s`); due timers fire           |
//! | `tick-election ID`                       | time runs to ID's deadline (timers due before fire)   |
//! | `run DURATION`                           | time passes, every message delivered as it is sent    |
//! | `deliver-msgs [from=ID] [to=ID]`         | deliver the messages in flight now, one round         |
//! | `drop-msgs [from=ID] [to=ID]`            | the network loses them                                |
//! | `stabilize`                              | deliver until no message is in flight                 |
//! | `propose ID KEY=VALUE`                   | client 1 asks ID to put                               |
//! | `crash ID` / `restart ID`                | ID stops (disk kept) / boots from its disk            |
//! | `partition 1 2 \| 3`, `heal`             | only servers in one group talk / all talk again       |
//! | `change-membership ID voters=1,2,4`      | ask leader ID to change the voters                    |
//! | `status [ID...]`, `log ID`               | print node state / a log                              |
//!
//! `add-nodes` options: `pre-vote`, `check-quorum`, `no-liveliness` (leader liveliness off:
//! Figure 2's RequestVote rules alone), `noop` (a new leader appends a no-op),
//! `snapshot-threshold=N`, `chunk-bytes=N` (InstallSnapshot chunk size), `max-entries=N`,
//! `break=RULE` (an `UnsafeRule` name, repeatable), `election-timeout-max=DURATION`. Election
//! timeouts are 150ms (drawn from 150ms up to the maximum when one is given, from a seeded
//! generator: still deterministic) and heartbeats 50ms, so time is predictable.
//!
//! A command that cannot run (a bad argument, a server that is down) prints `error: ...` as
//! its output, so a mistake in a transcript shows in its diff.
//!
//! Each step prints its cause (`S1 timer fires`, or the message delivered, with
//! `Message::summary()`), then, indented, what changed at the server (term, role, vote, log,
//! commitIndex, snapshot) and the messages it sent.
use crate::common::{fixed_config, Cluster};
use raft_core::{Envelope, Index, NodeId, PersistentState, RaftLog, RaftNode, Role, Term};
use std::collections::BTreeSet;

/// One transcript's world: the cluster, once `add-nodes` made it.
#[derive(Default)]
pub struct Interaction {
    cluster: Option<Cluster>,
    seq: u64,
}

/// What a transcript sees of one server, to print what a step changed.
#[derive(Clone, PartialEq)]
struct View {
    role: Role,
    term: Term,
    vote: Option<NodeId>,
    leader: Option<NodeId>,
    commit: Index,
    applied: Index,
    entries: Vec<(Index, Term)>,
    snapshot: (Index, Term),
    config: String,
}

impl View {
    fn of(n: &RaftNode) -> View {
        View {
            role: n.role(),
            term: n.current_term(),
            vote: n.voted_for(),
            leader: n.leader_id(),
            commit: n.commit_index(),
            applied: n.last_applied(),
            entries: n.log().iter().map(|e| (e.index, e.term)).collect(),
            snapshot: (n.log().snapshot_index(), n.log().snapshot_term()),
            config: n.configuration().to_string(),
        }
    }

    /// What changed from `self` to `new`, in the order a reader follows it.
    /// `removed`: the entries its `Ready` said it deleted (`Ready::overwritten`).
    fn changes(&self, new: &View, removed: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        if new.term != self.term {
            out.push(format!("term {} → {}", self.term, new.term));
        }
        if new.role != self.role {
            out.push(format!("became {}", new.role));
        }
        // A vote is for one term: a new term with a vote is a new vote, even for the same server.
        if new.vote != self.vote || new.term != self.term {
            if let Some(v) = new.vote {
                out.push(format!("voted for S{v}"));
            }
        }
        if new.leader != self.leader && new.role != Role::Leader {
            if let Some(l) = new.leader {
                out.push(format!("follows S{l}"));
            }
        }
        if new.snapshot != self.snapshot {
            out.push(format!("snapshot through {}/{}", new.snapshot.0, new.snapshot.1));
        }
        if !removed.is_empty() {
            out.push(format!("log: removed {}", removed.join(" ")));
        }
        let added: Vec<String> =
            (new.entries.iter()).filter(|e| !self.entries.contains(e)).map(|e| format!("{}/{}", e.0, e.1)).collect();
        if !added.is_empty() {
            let what = if removed.is_empty() { "log: appended" } else { "appended" };
            out.push(format!("{what} {}", added.join(" ")));
        }
        if new.commit != self.commit {
            out.push(format!("commitIndex {} → {}", self.commit, new.commit));
        }
        if new.applied != self.applied {
            out.push(format!("applied through {}", new.applied));
        }
        if new.config != self.config {
            out.push(format!("now uses {}", new.config));
        }
        out
    }
}

/// A message as a transcript line: who to whom, kind, and the trace's summary of its fields,
/// plus the conflict hints of a rejection (in `fields()`, not in the one-line summary), which
/// the log repair transcripts follow.
fn line(env: &Envelope) -> String {
    let mut text = format!("S{}→S{} {} {}", env.from, env.to, env.message.kind(), env.message.summary());
    for field in env.message.fields().iter().filter(|f| f.name.starts_with("conflict")) {
        text += &format!(" {}={}", field.name, field.value);
    }
    text
}

/// `key=value` arguments and plain words of a command line.
struct Args<'a> {
    words: Vec<&'a str>,
}

impl<'a> Args<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.words.iter().find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    }
    fn has(&self, word: &str) -> bool {
        self.words.contains(&word)
    }
    fn node(&self, key: &str) -> Result<Option<NodeId>, String> {
        self.get(key).map(parse_id).transpose()
    }
    /// The first word, as a server id.
    fn id(&self) -> Result<NodeId, String> {
        parse_id(self.words.first().ok_or("expected a server id")?)
    }
}

fn parse_id(s: &str) -> Result<NodeId, String> {
    s.trim_start_matches('S').parse().map_err(|_| format!("`{s}` is not a server id"))
}

fn parse_list(s: &str) -> Result<Vec<u64>, String> {
    s.split(',').filter(|t| !t.is_empty()).map(|t| t.parse().map_err(|_| format!("`{t}` is not a number"))).collect()
}

/// `50ms`, `1s`, `250us` in microseconds.
fn parse_duration(s: &str) -> Result<u64, String> {
    let bad = || format!("`{s}` is not a duration like 50ms");
    let (digits, scale) = if let Some(d) = s.strip_suffix("ms") {
        (d, 1_000)
    } else if let Some(d) = s.strip_suffix("us") {
        (d, 1)
    } else if let Some(d) = s.strip_suffix('s') {
        (d, 1_000_000)
    } else {
        return Err(bad());
    };
    digits.parse::<u64>().map(|n| n * scale).map_err(|_| bad())
}

fn ms(us: u64) -> String {
    format!("{}ms", us / 1_000)
}

impl Interaction {
    fn cluster(&mut self) -> Result<&mut Cluster, String> {
        self.cluster.as_mut().ok_or_else(|| "no cluster yet: start with add-nodes".to_string())
    }

    fn up(&mut self, id: NodeId) -> Result<(), String> {
        match self.cluster()?.nodes.contains_key(&id) {
            true => Ok(()),
            false => Err(format!("S{id} is not running")),
        }
    }

    /// Run one command line; what it prints, or why it cannot run.
    pub fn run(&mut self, command: &str) -> Result<String, String> {
        let mut words = command.split_whitespace();
        let name = words.next().unwrap_or_default();
        let args = Args { words: words.collect() };
        let mut out = Vec::new();
        match name {
            "add-nodes" => self.add_nodes(&args)?,
            "add-spare" => {
                let id = args.id()?;
                self.cluster()?.add_spare(id);
            }
            "load" => {
                let id = args.id()?;
                let terms = parse_list(args.get("log").unwrap_or_default())?;
                let state = PersistentState {
                    current_term: args.get("term").map_or(Ok(0), |t| t.parse().map_err(|_| "bad term".to_string()))?,
                    voted_for: args.node("vote")?,
                    log: RaftLog::from_entries(crate::common::entries_with_terms(&terms)),
                    snapshot: None,
                };
                out.push(format!("S{id} boots from the disk given"));
                self.step(&mut out, |c| c.boot(id, state))?;
            }
            "campaign" => {
                let id = args.id()?;
                self.up(id)?;
                out.push(format!("S{id} election timeout fires"));
                self.step(&mut out, |c| c.start_campaign(id))?;
            }
            "tick" => {
                let dt = parse_duration(args.words.first().ok_or("expected a duration")?)?;
                let c = self.cluster()?;
                c.now += dt;
                out.push(format!("time is {}", ms(c.now)));
                for id in self.cluster()?.due() {
                    out.push(format!("S{id} timer fires"));
                    self.step(&mut out, |c| c.fire_timer(id))?;
                }
            }
            "tick-election" => {
                // Time runs to ID's deadline, firing every timer due before it in order; at the
                // deadline only ID's fires (a tie goes to ID). Nothing is delivered meanwhile, so
                // no deadline moves except by its own timer.
                let id = args.id()?;
                self.up(id)?;
                let target = self.cluster()?.node(id).next_deadline();
                loop {
                    let c = self.cluster()?;
                    let next = c.nodes.values().map(RaftNode::next_deadline).min().unwrap_or(target);
                    let due: Vec<NodeId> = match next < target {
                        true => c.nodes.iter().filter(|(_, n)| n.next_deadline() == next).map(|(&i, _)| i).collect(),
                        false => vec![id],
                    };
                    c.now = c.now.max(next.min(target));
                    let at = ms(c.now);
                    for fired in &due {
                        out.push(format!("S{fired} timer fires at {at}"));
                        self.step(&mut out, |c| c.fire_timer(*fired))?;
                    }
                    if next >= target {
                        break;
                    }
                }
            }
            "run" => {
                // A network without latency for DURATION: every message is delivered as soon as
                // it is sent, and each timer fires at its deadline.
                let end = self.cluster()?.now + parse_duration(args.words.first().ok_or("expected a duration")?)?;
                let mut budget = 100_000;
                loop {
                    budget -= 1;
                    if budget == 0 {
                        return Err("the run never went quiet".into());
                    }
                    let c = self.cluster()?;
                    if let Some(env) = c.queue.pop_front() {
                        self.deliver(&mut out, env)?;
                        continue;
                    }
                    let next = c.nodes.values().map(RaftNode::next_deadline).min().unwrap_or(end);
                    if next > end {
                        c.now = end;
                        break;
                    }
                    c.now = c.now.max(next);
                    let at = ms(c.now);
                    for id in c.due() {
                        out.push(format!("S{id} timer fires at {at}"));
                        self.step(&mut out, |c| c.fire_timer(id))?;
                    }
                }
            }
            "deliver-msgs" | "drop-msgs" => {
                let (from, to) = (args.node("from")?, args.node("to")?);
                let pick = move |e: &Envelope| from.is_none_or(|f| e.from == f) && to.is_none_or(|t| e.to == t);
                let c = self.cluster()?;
                let (now, later) = c.queue.drain(..).partition(pick);
                c.queue = later;
                let batch: Vec<Envelope> = now.into();
                if name == "drop-msgs" {
                    out.extend(batch.iter().map(|e| format!("{} (dropped)", line(e))));
                } else {
                    for env in batch {
                        self.deliver(&mut out, env)?;
                    }
                }
            }
            "stabilize" => {
                let mut budget = 10_000;
                while let Some(env) = self.cluster()?.queue.pop_front() {
                    budget -= 1;
                    if budget == 0 {
                        return Err("the network never went quiet".into());
                    }
                    self.deliver(&mut out, env)?;
                }
            }
            "propose" => {
                let id = args.id()?;
                self.up(id)?;
                let (key, value) = (args.words.get(1))
                    .and_then(|kv| kv.split_once('='))
                    .ok_or("expected KEY=VALUE after the server")?;
                self.seq += 1;
                let request = crate::common::put(self.seq, key, value);
                out.push(format!("client 1 asks S{id}: put {key}={value} (#{})", self.seq));
                self.step(&mut out, |c| c.request(id, 1, request))?;
            }
            "crash" => {
                let id = args.id()?;
                self.up(id)?;
                self.cluster()?.crash(id);
                out.push(format!("S{id} crashed"));
            }
            "restart" => {
                let id = args.id()?;
                if !self.cluster()?.crashed.contains_key(&id) {
                    return Err(format!("S{id} has not crashed"));
                }
                out.push(format!("S{id} restarts from its disk"));
                self.step(&mut out, |c| c.restart(id))?;
            }
            "partition" => {
                let mut groups = Vec::new();
                for group in args.words.split(|w| *w == "|") {
                    groups.push(group.iter().map(|w| parse_id(w)).collect::<Result<BTreeSet<_>, _>>()?);
                }
                let text: Vec<String> =
                    (groups.iter()).map(|g| g.iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(" ")).collect();
                self.cluster()?.partition = groups;
                out.push(format!("partitioned: {}", text.join(" | ")));
            }
            "heal" => {
                self.cluster()?.partition.clear();
                out.push("healed".into());
            }
            "change-membership" => {
                let id = args.id()?;
                self.up(id)?;
                let voters = parse_list(args.get("voters").ok_or("expected voters=1,2,3")?)?;
                let voters: BTreeSet<NodeId> = voters.into_iter().map(|v| v as NodeId).collect();
                let mut refused = None;
                self.step(&mut out, |c| {
                    let now = c.now;
                    refused = c.node_mut(id).change_membership(now, voters).err();
                    c.collect();
                })?;
                if let Some(r) = refused {
                    out.push(format!("refused: {r}"));
                }
            }
            "status" => {
                let c = self.cluster()?;
                let ids: Vec<NodeId> = match args.words.is_empty() {
                    true => {
                        c.nodes.keys().chain(c.crashed.keys()).copied().collect::<BTreeSet<_>>().into_iter().collect()
                    }
                    false => args.words.iter().map(|w| parse_id(w)).collect::<Result<_, _>>()?,
                };
                for id in ids {
                    status(c, id, &mut out);
                }
            }
            "log" => {
                let id = args.id()?;
                self.up(id)?;
                let n = self.cluster()?.node(id);
                if n.log().snapshot_index() > 0 {
                    out.push(format!("snapshot through {}/{}", n.log().snapshot_index(), n.log().snapshot_term()));
                }
                for e in n.log().iter() {
                    let mark = if e.index <= n.commit_index() { "committed" } else { "" };
                    out.push(format!("{}/{} {} {mark}", e.index, e.term, e.payload).trim_end().to_string());
                }
                if n.log().is_empty() {
                    out.push("empty".into());
                }
            }
            _ => return Err(format!("unknown command `{name}`")),
        }
        if out.is_empty() {
            out.push("ok".into());
        }
        Ok(out.join("\n"))
    }

    fn add_nodes(&mut self, args: &Args<'_>) -> Result<(), String> {
        if self.cluster.is_some() {
            return Err("add-nodes runs once, first".into());
        }
        let n: u32 = args.words.first().and_then(|w| w.parse().ok()).ok_or("expected a number of servers")?;
        let mut config = fixed_config();
        config.pre_vote = args.has("pre-vote");
        config.check_quorum = args.has("check-quorum");
        config.leader_liveliness = !args.has("no-liveliness");
        config.noop_on_election = args.has("noop");
        if let Some(t) = args.get("snapshot-threshold") {
            config.snapshot_threshold = t.parse().map_err(|_| format!("bad snapshot-threshold `{t}`"))?;
        }
        if let Some(b) = args.get("chunk-bytes") {
            config.snapshot_chunk_bytes = b.parse().map_err(|_| format!("bad chunk-bytes `{b}`"))?;
        }
        if let Some(max) = args.get("election-timeout-max") {
            config.election_timeout_max = parse_duration(max)?;
        }
        if let Some(m) = args.get("max-entries") {
            config.max_entries_per_message = m.parse().map_err(|_| format!("bad max-entries `{m}`"))?;
        }
        for rule in args.words.iter().filter_map(|w| w.strip_prefix("break=")) {
            config.unsafe_rules.set(rule.parse().map_err(|e| format!("{e}"))?, true);
        }
        let mut cluster = Cluster::new(n, config);
        // A transcript prints violations where they happen instead of stopping there: a
        // transcript of a broken rule shows the checker catching it.
        cluster.panic_on_violation = false;
        self.cluster = Some(cluster);
        Ok(())
    }

    /// Deliver one message and print it with what it caused.
    fn deliver(&mut self, out: &mut Vec<String>, env: Envelope) -> Result<(), String> {
        let c = self.cluster()?;
        let why = if !c.nodes.contains_key(&env.to) {
            Some(format!("S{} is down", env.to))
        } else if !c.link_up(env.from, env.to) {
            Some("partitioned".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            out.push(format!("{} (lost: {why})", line(&env)));
            c.dropped.push(env);
            return Ok(());
        }
        out.push(line(&env));
        self.step(out, |c| c.deliver(env))
    }

    /// Run `op` on the cluster and print, indented, what changed at each server, the messages
    /// sent (or lost on a cut link), client replies, notices and violations.
    fn step(&mut self, out: &mut Vec<String>, op: impl FnOnce(&mut Cluster)) -> Result<(), String> {
        let c = self.cluster()?;
        let before: Vec<(NodeId, View)> = c.nodes.iter().map(|(&id, n)| (id, View::of(n))).collect();
        let (queued, dropped, replies, notices) = (c.queue.len(), c.dropped.len(), c.replies.len(), c.notices.len());
        let (violations, overwritten) = (c.violations().len(), c.overwritten.len());
        op(c);
        for (&id, node) in &c.nodes {
            let now = View::of(node);
            let removed: Vec<String> =
                c.overwritten[overwritten..].iter().filter(|e| e.0 == id).map(|e| format!("{}/{}", e.1, e.2)).collect();
            let changes = match before.iter().find(|(b, _)| *b == id) {
                Some((_, was)) => was.changes(&now, &removed),
                None => vec![format!("boots: term {}, log {} entries, {}", now.term, now.entries.len(), now.config)],
            };
            if !changes.is_empty() {
                out.push(format!("  S{id}: {}", changes.join(", ")));
            }
        }
        out.extend(c.queue.iter().skip(queued).map(|e| format!("  {}", line(e))));
        out.extend(c.dropped.iter().skip(dropped).map(|e| format!("  {} (lost: partitioned)", line(e))));
        out.extend(c.replies.iter().skip(replies).map(|(n, client, r)| format!("  S{n} → client {client}: {r}")));
        out.extend(c.notices.iter().skip(notices).map(|(n, notice)| format!("  S{n}: {notice}")));
        for v in &c.violations()[violations..] {
            out.push(format!("  VIOLATION {}: {}", v.property, v.message));
        }
        Ok(())
    }
}

/// One server's state, and a leader's view of each follower.
fn status(c: &Cluster, id: NodeId, out: &mut Vec<String>) {
    let Some(n) = c.nodes.get(&id) else {
        out.push(format!("S{id} down"));
        return;
    };
    let vote = n.voted_for().map_or("-".to_string(), |v| format!("S{v}"));
    out.push(format!(
        "S{id} {} term={} vote={vote} commit={} applied={} last={}/{}",
        n.role(),
        n.current_term(),
        n.commit_index(),
        n.last_applied(),
        n.log().last_index(),
        n.log().last_term()
    ));
    if n.role() == Role::Leader {
        for (peer, p) in n.progress() {
            out.push(format!("  S{peer} match={} next={} {:?}", p.match_index, p.next_index, p.state));
        }
    }
}
