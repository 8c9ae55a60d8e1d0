//! "Find a bug": the hunt's panel. It shows the campaign the button runs (the page's Break
//! Raft rules, the panel's fields, and the same campaign as a `raftsim check` command), the
//! progress while workers run it, and what was found; the store (store/hunt.rs) coordinates
//! the workers, and the view-model (model/hunt.rs) words it all.
use crate::model::hunt::{percent, HuntView};
use crate::store::hunt::HuntAction;
use crate::store::Action;
use crate::text::{t, tf};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HuntPanelProps {
    pub view: HuntView,
    /// The link Share made, shown under a found counterexample.
    pub share_link: Option<String>,
    pub on: Callback<Action>,
}

#[function_component(HuntPanel)]
pub fn hunt_panel(props: &HuntPanelProps) -> Html {
    let (v, on) = (&props.view, &props.on);
    let on_nodes = on.reform(|e: Event| {
        let value = e.target_dyn_into::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        Action::Hunt(HuntAction::SetNodes(value.parse().ok()))
    });
    let on_membership = on.reform(|e: Event| {
        let on = e.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked());
        Action::Hunt(HuntAction::SetMembership(on))
    });
    let on_lease = on.reform(|e: Event| {
        let on = e.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked());
        Action::Hunt(HuntAction::SetLeaseWindow(on))
    });
    let on_seeds = on.reform(|e: InputEvent| {
        let text = e.target_dyn_into::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
        Action::Hunt(HuntAction::SetSeeds(text))
    });
    let start = on.reform(|_: MouseEvent| Action::Hunt(HuntAction::Start));
    let stop = on.reform(|_: MouseEvent| Action::Hunt(HuntAction::Stop));
    let share = on.reform(|_: MouseEvent| Action::Share);
    let outcome = v.outcome.as_ref();
    html! {
        <section class="hunt" aria-label={t("hunt.title")} data-testid="hunt-panel" data-phase={v.phase}
                 data-seeds={v.done.to_string()} data-events={v.events.to_string()} data-workers={v.workers.to_string()}
                 data-elapsed-ms={v.elapsed_ms.to_string()}
                 data-seed={outcome.and_then(|o| o.seed).map(|s| s.to_string())}
                 data-property={outcome.and_then(|o| o.property)}>
            <h3>{ t("hunt.title") }</h3>
            <p class="hint">{ t("hunt.intro") }</p>
            <p data-testid="hunt-rules">{ tf("hunt.rules", &[("rules", &v.rules)]) }</p>
            <div class="hunt-fields">
                <label>{ t("hunt.servers") }
                    <select data-testid="hunt-nodes" disabled={v.active} onchange={on_nodes}>
                        <option value="" selected={v.nodes.is_none()}>{ t("hunt.servers-random") }</option>
                        { for (1..=raft_sim::scenario::MAX_NODES).map(|n| html! {
                            <option value={n.to_string()} selected={v.nodes == Some(n)}>{ n.to_string() }</option>
                        }) }
                    </select>
                </label>
                <label><input type="checkbox" data-testid="hunt-membership" disabled={v.active}
                              checked={v.membership} onchange={on_membership} />{ t("hunt.membership") }</label>
                <label><input type="checkbox" data-testid="hunt-lease-window" disabled={v.active}
                              checked={v.lease_window} onchange={on_lease} />{ t("hunt.lease-window") }</label>
                <label>{ t("hunt.seeds") }
                    <input type="text" inputmode="numeric" size="8" data-testid="hunt-seeds" disabled={v.active}
                           value={v.seeds.clone()} oninput={on_seeds} />
                </label>
            </div>
            <p class="hint">{ t("hunt.settings-note") }</p>
            if let Some(e) = &v.field_error {
                <p class="error" role="alert" data-testid="hunt-field-error">{ e.clone() }</p>
            }
            <p class="hint">{ t("hunt.command") }</p>
            <code class="hunt-command" data-testid="hunt-command">{ v.command.clone() }</code>
            <div class="actions">
                if v.active {
                    <button class="secondary" data-testid="hunt-stop" onclick={stop}>{ t("hunt.stop") }</button>
                } else {
                    <button data-testid="hunt-start" onclick={start}>{ t("hunt.start") }</button>
                }
            </div>
            if let Some(progress) = &v.progress {
                <progress max="100" value={format!("{:.1}", percent(v.done, v.budget))} aria-label={t("hunt.progress-label")}
                          data-testid="hunt-bar"></progress>
                <p role="status" data-testid="hunt-progress">{ progress.clone() }</p>
            }
            if let Some(o) = outcome {
                <p class={classes!(o.error.then_some("error"))} data-testid="hunt-outcome">{ o.text.clone() }</p>
                if let Some((raw, shrunk)) = &o.sizes {
                    <dl class="hunt-sizes">
                        <dt>{ t("hunt.before") }</dt><dd data-testid="hunt-raw">{ raw.clone() }</dd>
                        <dt>{ t("hunt.after") }</dt><dd data-testid="hunt-shrunk">{ shrunk.clone() }</dd>
                    </dl>
                }
                if o.shareable {
                    <div class="actions">
                        <button class="secondary" data-testid="hunt-share" onclick={share}>{ t("hunt.share") }</button>
                    </div>
                    if let Some(link) = &props.share_link {
                        <input class="link" readonly=true data-testid="hunt-link" value={link.clone()} aria-label={t("share_panel.link")} />
                    }
                }
            }
        </section>
    }
}
