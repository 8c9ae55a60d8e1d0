//! Raft settings for the live cluster: timers, replication options and the "Break Raft"
//! switches. Applying restarts the current scenario with them (the simulator validates them).
use crate::text::{t, tf};
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
        UnsafeRule::NoVoteRestriction => t("settings.rule-no-vote-restriction"),
        UnsafeRule::CommitOldTerms => t("settings.rule-commit-old-terms"),
        UnsafeRule::NoPersist => t("settings.rule-no-persist"),
        UnsafeRule::ForgetVote => t("settings.rule-forget-vote"),
        UnsafeRule::StaleReads => t("settings.rule-stale-reads"),
        UnsafeRule::NoDedup => t("settings.rule-no-dedup"),
        UnsafeRule::UnsafeSingleServerChange => t("settings.rule-unsafe-single-server-change"),
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
            <summary>{ t("settings.title") }</summary>
            <div class="fields">
                <label>{ t("settings.election-timeout-min") }{ " " }
                    <input type="number" min="1" value={d.election_timeout_ms[0].to_string()} onchange={number(|s, v| s.election_timeout_ms[0] = v)} /></label>
                <label>{ t("settings.election-timeout-max") }{ " " }
                    <input type="number" min="1" value={d.election_timeout_ms[1].to_string()} onchange={number(|s, v| s.election_timeout_ms[1] = v)} /></label>
                <label>{ t("settings.heartbeat") }{ " " }
                    <input type="number" min="0.1" value={d.heartbeat_ms.to_string()} onchange={number(|s, v| s.heartbeat_ms = v)} /></label>
                <label><input type="checkbox" checked={d.noop_on_election} onchange={toggle(|s, on| s.noop_on_election = on)} />{ " " }{ t("settings.noop") }</label>
                <label data-testid="pre-vote" title={t("settings.pre-vote-help")}>
                    <input type="checkbox" checked={d.pre_vote} onchange={toggle(|s, on| s.pre_vote = on)} />{ " " }{ t("settings.pre-vote") }</label>
                <label data-testid="check-quorum" title={t("settings.check-quorum-help")}>
                    <input type="checkbox" checked={d.check_quorum} onchange={toggle(|s, on| s.check_quorum = on)} />{ " " }{ t("settings.check-quorum") }</label>
                <label data-testid="leader-liveliness" title={t("settings.leader-liveliness-help")}>
                    <input type="checkbox" checked={d.leader_liveliness} onchange={toggle(|s, on| s.leader_liveliness = on)} />{ " " }{ t("settings.leader-liveliness") }</label>
                <label>{ t("settings.reads") }{ " " }
                    <select data-testid="read-mode" onchange={on_read_mode}>
                        <option value="log" selected={d.read_mode == ReadMode::Log}>{ t("settings.reads-log") }</option>
                        <option value="read_index" selected={d.read_mode == ReadMode::ReadIndex}>{ t("settings.reads-read-index") }</option>
                        <option value="lease" selected={d.read_mode == ReadMode::Lease}>{ t("settings.reads-lease") }</option>
                    </select></label>
                <label>{ t("settings.membership") }{ " " }
                    <select data-testid="membership-mode" onchange={on_membership}>
                        <option value="joint" selected={d.membership_mode == MembershipMode::Joint}>{ t("settings.membership-joint") }</option>
                        <option value="single_server" selected={d.membership_mode == MembershipMode::SingleServer}>{ t("settings.membership-single") }</option>
                    </select></label>
                <label>{ t("settings.backtrack") }{ " " }
                    <select onchange={on_backtrack}>
                        <option value="conflict-term" selected={d.backtrack == Backtrack::ConflictTerm}>{ t("settings.backtrack-conflict-term") }</option>
                        <option value="one-by-one" selected={d.backtrack == Backtrack::OneByOne}>{ t("settings.backtrack-one-by-one") }</option>
                    </select></label>
            </div>
            <fieldset class="unsafe">
                <legend>{ t("settings.break-raft") }</legend>
                { for UnsafeRule::ALL.iter().map(|&rule| html! {
                    <label data-rule={rule.name()}>
                        <input type="checkbox" checked={d.unsafe_rules.contains(&rule)} onchange={rule_toggle(rule)} />
                        <code>{ format!(" {rule}") }</code>{ tf("settings.rule", &[("help", rule_help(rule))]) }
                    </label>
                }) }
            </fieldset>
            <button data-testid="apply-settings" onclick={on_apply}>{ t("settings.apply") }</button>
        </details>
    }
}
