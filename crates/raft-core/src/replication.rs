//! The AppendEntries RPC (§5.3): replication, log repair, heartbeats and commitment.
use crate::config::Backtrack;
use crate::message::{AppendEntries, AppendEntriesReply, Message};
use crate::node::{RaftNode, Role};
use crate::progress::{Progress, ProgressState};
use crate::types::{Entry, Index, Micros, NodeId};
use crate::Entropy;

impl RaftNode {
    /// Leaders: send each follower the entries from its nextIndex on (none: a heartbeat).
    /// `now` is when the heartbeat round it starts began (reads.rs).
    pub(crate) fn broadcast_append_entries(&mut self, now: Micros) {
        self.start_round(now);
        for peer in self.peers() {
            self.send_append_entries(peer);
        }
    }

    pub(crate) fn send_append_entries(&mut self, peer: NodeId) {
        let next = self.progress_of(peer).map_or(self.log.last_index() + 1, |p| p.next_index);
        let next = next.clamp(1, self.log.last_index() + 1);
        if next <= self.log.snapshot_index() {
            // The entries this follower needs are compacted: send the snapshot instead.
            self.send_snapshot_chunk(peer);
            return;
        }
        let prev_log_index = next - 1;
        let prev_log_term = self.log.term_at(prev_log_index).unwrap_or(0);
        let entries: Vec<Entry> = self.log.slice_from(next, self.config.max_entries_per_message).cloned().collect();
        if !entries.is_empty() {
            if let Some(p) = self.progress_mut(peer).filter(|p| p.state == ProgressState::Replicate) {
                // Pipelining: a follower known to match gets each entry once; a lost message
                // shows up as a rejected heartbeat and sends it back to probing.
                p.next_index = next + entries.len() as Index;
            }
        }
        let request = AppendEntries {
            term: self.current_term,
            leader_id: self.id,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
            round: self.reads.round,
        };
        self.send(peer, Message::AppendEntries(request));
    }

    /// AppendEntries receiver implementation (Figure 2):
    /// 1. Reply false if term < currentTerm.
    /// 2. Reply false if log doesn't contain an entry at prevLogIndex whose term matches
    ///    prevLogTerm.
    /// 3. If an existing entry conflicts with a new one (same index but different terms),
    ///    delete the existing entry and all that follow it.
    /// 4. Append any new entries not already in the log.
    /// 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new
    ///    entry).
    pub(crate) fn handle_append_entries(
        &mut self,
        now: Micros,
        from: NodeId,
        mut request: AppendEntries,
        rng: &mut dyn Entropy,
    ) {
        // Rule 1.
        if request.term < self.current_term {
            self.reply_append_entries(from, false, request.prev_log_index, None, None);
            return;
        }
        if self.role == Role::Leader {
            // Two leaders in one term cannot happen with the safe rules (Election Safety); under
            // a break rule it can, and this leader refuses to follow its rival.
            self.reply_append_entries(from, false, request.prev_log_index, None, None);
            return;
        }
        // Candidates: AppendEntries from the new leader of this term makes us its follower.
        self.become_follower(now, request.term, Some(request.leader_id), rng);
        self.reset_election_timer(now, rng);

        // Rule 2 (on a compacted log, checked at the snapshot's last entry).
        self.skip_compacted(&mut request);
        match self.log.term_at(request.prev_log_index) {
            None => {
                let conflict_index = self.log.last_index() + 1;
                self.reply_append_entries(from, false, request.prev_log_index, None, Some(conflict_index));
                return;
            }
            Some(term) if term != request.prev_log_term => {
                let first = self.log.first_index_of_term_at(request.prev_log_index);
                self.reply_append_entries(from, false, request.prev_log_index, Some(term), Some(first));
                return;
            }
            Some(_) => {}
        }

        // Rules 3 and 4. An entry we already hold (same index and term) is left alone, so a
        // delayed, shorter AppendEntries never truncates entries a newer one appended.
        let last_new = request.prev_log_index + request.entries.len() as Index;
        let mut changed_from: Option<Index> = None;
        for entry in request.entries {
            match self.log.term_at(entry.index) {
                Some(term) if term == entry.term => continue,
                Some(_) => {
                    // Rule 3: the host hears what is deleted (`Ready::overwritten`).
                    self.ready.overwritten.extend(self.log.slice_from(entry.index, usize::MAX).cloned());
                    self.log.truncate_from(entry.index);
                    self.log_changed_from(entry.index);
                }
                None => {}
            }
            let index = entry.index;
            self.log.append(entry);
            self.log_changed_from(index);
            changed_from.get_or_insert(index);
        }
        if let Some(from) = changed_from {
            // A configuration takes effect as soon as it is in the log; one truncated away
            // gives way to the previous one.
            self.configuration_changed_from(from);
        }

        // Rule 5. A reordered request can carry an old "last new entry"; commitIndex never
        // moves backwards.
        if request.leader_commit > self.commit_index {
            self.commit_index = self.commit_index.max(request.leader_commit.min(last_new));
            self.apply_committed();
        }
        self.reply_append_entries(from, true, last_new, None, None);
    }

    fn reply_append_entries(
        &mut self,
        to: NodeId,
        success: bool,
        match_or_rejected_index: Index,
        conflict_term: Option<u64>,
        conflict_index: Option<Index>,
    ) {
        let reply = AppendEntriesReply {
            term: self.current_term,
            success,
            match_or_rejected_index,
            conflict_term,
            conflict_index,
            round: self.reads.echo_round,
        };
        self.send(to, Message::AppendEntriesReply(reply));
    }

    /// Leaders: on success update nextIndex and matchIndex for the follower; on a log
    /// inconsistency decrement nextIndex (or skip the conflicting term) and retry.
    pub(crate) fn handle_append_entries_reply(&mut self, _now: Micros, from: NodeId, reply: AppendEntriesReply) {
        if self.role != Role::Leader || reply.term != self.current_term {
            return;
        }
        let Some(&Progress { next_index: next, match_index: matched, .. }) = self.progress_of(from) else {
            return;
        };
        if reply.success {
            self.record_match(from, reply.match_or_rejected_index, matched, next);
            if let Some(p) = self.progress_mut(from) {
                p.state = ProgressState::Replicate;
            }
            self.commit_and_send_rest(from);
            return;
        }
        // A rejection only counts if it answers the probe we would send now; duplicated or
        // reordered ones would move nextIndex twice.
        if reply.match_or_rejected_index + 1 != next {
            return;
        }
        let backtracked = match (self.config.backtrack, reply.conflict_term, reply.conflict_index) {
            (Backtrack::ConflictTerm, Some(term), Some(first)) => match self.log.last_index_of_term(term) {
                Some(last_of_term) => last_of_term + 1,
                None => first,
            },
            (Backtrack::ConflictTerm, None, Some(follower_next)) => follower_next,
            _ => next - 1,
        };
        let backtracked = backtracked.min(next - 1).max(matched + 1).max(1);
        if backtracked >= next {
            // The follower rejected an index it had acknowledged (only a break rule allows
            // that). Resending the same probe at once would loop at network speed; the next
            // heartbeat probes again.
            return;
        }
        if let Some(p) = self.progress_mut(from) {
            p.state = ProgressState::Probe;
            p.next_index = backtracked;
        }
        self.send_append_entries(from);
    }

    /// Leaders: `from` holds our log through `index` (clamped to our log). matchIndex and
    /// nextIndex only move forward. Returns the match recorded.
    pub(crate) fn record_match(&mut self, from: NodeId, index: Index, matched: Index, next: Index) -> Index {
        let new_match = index.min(self.log.last_index());
        if let Some(p) = self.progress_mut(from) {
            if new_match > matched {
                p.match_index = new_match;
            }
            if new_match + 1 > next {
                p.next_index = new_match + 1;
            }
        }
        new_match
    }

    /// Leaders, after a follower's progress: commit what a quorum now holds, and send the
    /// follower whatever comes after what it has.
    pub(crate) fn commit_and_send_rest(&mut self, from: NodeId) {
        self.advance_commit_index();
        if self.progress_of(from).is_some_and(|p| p.next_index <= self.log.last_index()) {
            self.send_append_entries(from);
        }
    }

    /// Leaders: if there exists an N > commitIndex such that a majority of matchIndex[i] ≥ N,
    /// and log[N].term == currentTerm, set commitIndex = N. (Entries of earlier terms commit
    /// through it, by the Log Matching Property; `commit-old-terms` drops the term check.)
    pub(crate) fn advance_commit_index(&mut self) {
        let Some(leader) = self.leader.as_ref() else { return };
        // Every matchIndex is clamped to this leader's log (`record_match`), whose last index
        // never falls while it leads: with everything committed there is no N to look for.
        // (Most acknowledgements are of heartbeats, and arrive here with nothing to commit.)
        if self.log.last_index() <= self.commit_index {
            return;
        }
        // The highest index stored on a quorum of the configuration in force (both majorities
        // in joint consensus). A leader outside C_new does not count itself there.
        let (me, last) = (self.id, self.log.last_index());
        let n = self.configuration.committed_index(&|p| {
            if p == me {
                last
            } else {
                leader.progress.get(&p).map_or(0, |p| p.match_index)
            }
        });
        if n <= self.commit_index {
            return;
        }
        let term_ok = self.log.term_at(n) == Some(self.current_term) || self.config.unsafe_rules.commit_old_terms;
        if term_ok {
            self.commit_index = n;
            self.apply_committed();
        }
    }
}
