//! Raft settings for the live cluster: timers, replication options and the "Break Raft"
//! switches. Applying restarts the current scenario with them (the simulator validates them).
use raft_core::{Backtrack, MembershipMode, ReadMode, UnsafeRule};
use raft_sim::scenario::RaftSettings;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub settings: RaftSettings,
    pub on_apply: Callback<RaftSettings>,
}

pub(crate) fn rule_help(rule: UnsafeRule) -> &'static str {
    match rule {
        UnsafeRule::NoVoteRestriction => "grant votes without checking the candidate's log is up to date",
        UnsafeRule::CommitOldTerms => "count replicas to commit entries of earlier terms (Figure 8)",
        UnsafeRule::NoPersist => "keep currentTerm, votedFor and the log only in memory",
        UnsafeRule::ForgetVote => "ignore votedFor: vote for several candidates in one term",
        UnsafeRule::StaleReads => "a leader answers gets at once from its own state, confirming nothing",
        UnsafeRule::NoDedup => "keep no client sessions: a retried command is applied again (at-least-once)",
        UnsafeRule::UnsafeSingleServerChange => {
            "change the configuration before a new leader has committed an entry of its term (Ongaro's 2015 bug)"
        }
    }
}

#[function_component(SettingsPanel)]
pub fn settings_panel(props: &SettingsProps) -> Html {
    crate::test_hook::rendered("settings");
    let draft = use_state(|| props.settings.clone());
    {
        // A new scenario brings its own settings.
        let draft = draft.clone();
        use_effect_with(props.settings.clone(), move |s| draft.set(s.clone()));
    }
    let number = |f: fn(&mut RaftSettings, f64)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let mut next = (*draft).clone();
            // Unparsable text becomes NaN, which validation rejects with a message.
            f(&mut next, crate::number::parse_f64(&input.value()).unwrap_or(f64::NAN));
            draft.set(next);
        })
    };
    let toggle = |f: fn(&mut RaftSettings, bool)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let mut next = (*draft).clone();
            f(&mut next, input.checked());
            draft.set(next);
        })
    };
    let rule_toggle = |rule: UnsafeRule| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let mut next = (*draft).clone();
            next.unsafe_rules.retain(|r| *r != rule);
            if input.checked() {
                next.unsafe_rules.push(rule);
            }
            draft.set(next);
        })
    };
    let choice = |f: fn(&mut RaftSettings, &str)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let mut next = (*draft).clone();
            f(&mut next, &select.value());
            draft.set(next);
        })
    };
    let on_backtrack =
        choice(|s, v| s.backtrack = if v == "one-by-one" { Backtrack::OneByOne } else { Backtrack::ConflictTerm });
    let on_read_mode = choice(|s, v| s.read_mode = v.parse().unwrap_or(ReadMode::Log));
    let on_membership = choice(|s, v| {
        s.membership_mode = if v == "single_server" { MembershipMode::SingleServer } else { MembershipMode::Joint }
    });
    let on_apply = {
        let (draft, apply) = (draft.clone(), props.on_apply.clone());
        Callback::from(move |_| apply.emit((*draft).clone()))
    };
    let d = &*draft;
    html! {
        <details class="settings" data-testid="raft-settings">
            <summary>{ "Raft settings and Break Raft" }</summary>
            <div class="fields">
                <label>{ "Election timeout min (ms) " }
                    <input type="number" min="1" value={d.election_timeout_ms[0].to_string()} onchange={number(|s, v| s.election_timeout_ms[0] = v)} /></label>
                <label>{ "max (ms) " }
                    <input type="number" min="1" value={d.election_timeout_ms[1].to_string()} onchange={number(|s, v| s.election_timeout_ms[1] = v)} /></label>
                <label>{ "Heartbeat (ms) " }
                    <input type="number" min="0.1" value={d.heartbeat_ms.to_string()} onchange={number(|s, v| s.heartbeat_ms = v)} /></label>
                <label><input type="checkbox" checked={d.noop_on_election} onchange={toggle(|s, on| s.noop_on_election = on)} />{ " No-op entry on election" }</label>
                <label data-testid="pre-vote" title="Before raising its term, a candidate asks whether it could win (thesis §9.6)">
                    <input type="checkbox" checked={d.pre_vote} onchange={toggle(|s, on| s.pre_vote = on)} />{ " PreVote" }</label>
                <label data-testid="check-quorum" title="A leader that has not heard from a majority within an election timeout steps down (thesis §6.2)">
                    <input type="checkbox" checked={d.check_quorum} onchange={toggle(|s, on| s.check_quorum = on)} />{ " CheckQuorum" }</label>
                <label data-testid="leader-liveliness" title="Servers that heard from a leader within the minimum election timeout ignore vote requests (the paper's §6; on by default)">
                    <input type="checkbox" checked={d.leader_liveliness} onchange={toggle(|s, on| s.leader_liveliness = on)} />{ " Leader liveliness" }</label>
                <label>{ "Reads " }
                    <select data-testid="read-mode" onchange={on_read_mode}>
                        <option value="log" selected={d.read_mode == ReadMode::Log}>{ "through the log" }</option>
                        <option value="read_index" selected={d.read_mode == ReadMode::ReadIndex}>{ "ReadIndex (confirm with a heartbeat round)" }</option>
                        <option value="lease" selected={d.read_mode == ReadMode::Lease}>{ "lease (trust the clocks)" }</option>
                    </select></label>
                <label>{ "Membership changes " }
                    <select data-testid="membership-mode" onchange={on_membership}>
                        <option value="joint" selected={d.membership_mode == MembershipMode::Joint}>{ "joint consensus" }</option>
                        <option value="single_server" selected={d.membership_mode == MembershipMode::SingleServer}>{ "one server at a time" }</option>
                    </select></label>
                <label>{ "nextIndex backtracking " }
                    <select onchange={on_backtrack}>
                        <option value="conflict-term" selected={d.backtrack == Backtrack::ConflictTerm}>{ "skip the conflicting term" }</option>
                        <option value="one-by-one" selected={d.backtrack == Backtrack::OneByOne}>{ "one by one (Figure 2)" }</option>
                    </select></label>
            </div>
            <fieldset class="unsafe">
                <legend>{ "Break Raft (unsafe: for seeing what each rule protects)" }</legend>
                { for UnsafeRule::ALL.iter().map(|&rule| html! {
                    <label data-rule={rule.name()}>
                        <input type="checkbox" checked={d.unsafe_rules.contains(&rule)} onchange={rule_toggle(rule)} />
                        <code>{ format!(" {rule}") }</code>{ format!(": {}", rule_help(rule)) }
                    </label>
                }) }
            </fieldset>
            <button data-testid="apply-settings" onclick={on_apply}>{ "Apply and restart the scenario" }</button>
        </details>
    }
}
