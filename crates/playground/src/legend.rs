//! The key to the stage's colours: which message is which, and what the marks mean.
use yew::prelude::*;

/// The key; PreVote and InstallSnapshot appear only when the settings use them.
pub fn legend(pre_vote: bool, snapshots: bool) -> Html {
    html! {
        <p class="legend">
            <span class="key request-vote"></span>{ "RequestVote " }
            if pre_vote { <span class="key pre-vote"></span>{ "PreVote " } }
            <span class="key timeout-now"></span>{ "TimeoutNow " }
            if snapshots { <span class="key snapshot"></span>{ "InstallSnapshot chunk " } }
            <span class="key vote-granted"></span>{ "vote granted " }
            <span class="key vote-denied"></span>{ "denied " }
            <span class="key heartbeat"></span>{ "heartbeat " }
            <span class="key append"></span>{ "AppendEntries with entries " }
            <span class="key append-ok"></span>{ "ack " }
            <span class="key append-fail"></span>{ "rejected " }
            <span class="key dead">{ "✕" }</span>{ "lost " }
            <span class="key vote-line"></span>{ "vote given" }
        </p>
    }
}
