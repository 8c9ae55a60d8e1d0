//! The RequestVote RPC (§5.2, §5.4.1): how candidates ask and how servers answer.
use crate::message::{Message, RequestVote, RequestVoteReply};
use crate::node::{RaftNode, Role};
use crate::types::{Micros, NodeId};
use crate::Entropy;

impl RaftNode {
    pub(crate) fn broadcast_request_vote(&mut self) {
        let request = RequestVote {
            term: self.current_term,
            candidate_id: self.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            leadership_transfer: self.disruption.transfer_campaign,
        };
        // Only voters are asked: learners' votes would not count.
        let me = self.id;
        let peers: Vec<NodeId> = self.configuration.all_voters().into_iter().filter(|&p| p != me).collect();
        for peer in peers {
            self.send(peer, Message::RequestVote(request.clone()));
        }
    }

    /// RequestVote receiver implementation (Figure 2):
    /// 1. Reply false if term < currentTerm.
    /// 2. If votedFor is null or candidateId, and the candidate's log is at least as up-to-date
    ///    as the receiver's log, grant vote.
    pub(crate) fn handle_request_vote(
        &mut self,
        now: Micros,
        from: NodeId,
        request: RequestVote,
        rng: &mut dyn Entropy,
    ) {
        let rules = self.config.unsafe_rules;
        let term_ok = request.term >= self.current_term; // rule 1 (higher terms were adopted already)
        let vote_free = rules.forget_vote || self.voted_for.is_none() || self.voted_for == Some(request.candidate_id);
        let log_ok = rules.no_vote_restriction || self.log.is_up_to_date(request.last_log_index, request.last_log_term);
        // A leader of this term has voted for itself; only `forget-vote` lets it vote again, and
        // even then it keeps leading: the break rule concerns the vote alone.
        let grant = term_ok && vote_free && log_ok && (self.role != Role::Leader || rules.forget_vote);
        if grant {
            self.voted_for = Some(request.candidate_id);
            self.hard_state_changed();
            // Followers reset their election timer when they grant a vote.
            if self.role != Role::Leader {
                self.reset_election_timer(now, rng);
            }
            self.abandon_pre_vote();
        }
        let reply = RequestVoteReply { term: self.current_term, vote_granted: grant };
        self.send(from, Message::RequestVoteReply(reply));
    }

    /// Candidates: if votes received from a majority of servers, become leader.
    pub(crate) fn handle_request_vote_reply(&mut self, now: Micros, from: NodeId, reply: RequestVoteReply) {
        if self.role != Role::Candidate || reply.term != self.current_term {
            return; // a stale reply from an earlier election
        }
        if reply.vote_granted {
            self.votes_granted.insert(from);
            if self.is_quorum(&self.votes_granted) {
                self.become_leader(now);
            }
        } else {
            self.votes_denied.insert(from);
        }
    }
}
