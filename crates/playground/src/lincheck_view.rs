//! A history file brought to the page, judged by raft_sim::lincheck: the verdict, a lane per
//! client with a bar per operation (one that never returned runs on to the end, open), the
//! operations that cannot be ordered highlighted, and a partial linearization drawn as
//! Porcupine's visualiser draws it (its linearization points joined in order), scrubbed step by
//! step with the model's state after each. Choosing a bar shows the longest linearization
//! through it; the others fade. model/lincheck.rs lays it out; this draws it.
use crate::model::lincheck::LincheckView as View;
use crate::store::lincheck::HistoryAction;
use crate::store::Action;
use crate::text::{t, tf};
use crate::toolbar::send_some;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LincheckProps {
    /// None while the history is being checked.
    pub view: Option<View>,
    /// How many operations the file holds (shown while it is checked).
    pub operations: usize,
    /// What linearizability means, in the page's words.
    pub explanation: String,
    pub on: Callback<Action>,
    /// A history file picked to open instead.
    pub on_import: Callback<web_sys::File>,
}

fn act(on: &Callback<Action>, action: HistoryAction) -> Callback<MouseEvent> {
    on.reform(move |_: MouseEvent| Action::History(action.clone()))
}

#[function_component(LincheckView)]
pub fn lincheck_view(props: &LincheckProps) -> Html {
    crate::test_hook::rendered("lincheck");
    let on = &props.on;
    let on_import = send_some(&props.on_import, |e: Event| {
        let input = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
        let file = input.files()?.get(0)?;
        input.set_value("");
        Some(file)
    });
    html! {
        <section class="lincheck" aria-label={t("lincheck_view.title")} data-testid="lincheck">
            <div class="lincheck-head">
                <h2>{ t("lincheck_view.title") }</h2>
                <button class="secondary" data-testid="lincheck-close" title={t("lincheck_view.close-title")}
                        onclick={act(on, HistoryAction::Close)}>{ t("lincheck_view.close") }</button>
            </div>
            <label class="import">{ t("lincheck_view.open-another") }
                <input type="file" accept=".log,.txt,.edn,text/plain" data-testid="lincheck-import" onchange={on_import} />
            </label>
            <p class="hint explain" data-testid="lincheck-explain">
                <strong>{ t("lincheck_view.explain-term") }</strong>{ " " }{ props.explanation.clone() }{ " " }{ t("lincheck_view.explain-picture") }
            </p>
            { match &props.view {
                None => html! {
                    <p class="verdict checking" role="status" data-testid="lincheck-checking">
                        { tf("lincheck_view.checking", &[("operations", &props.operations.to_string())]) }
                    </p>
                },
                Some(view) => body(view, on),
            } }
        </section>
    }
}

fn body(v: &View, on: &Callback<Action>) -> Html {
    let on_partition = send_some(on, |e: Event| {
        let value = e.target_dyn_into::<web_sys::HtmlSelectElement>()?.value();
        Some(Action::History(HistoryAction::Partition(value.parse().ok()?)))
    });
    let on_scrub = send_some(on, |e: InputEvent| {
        let value = e.target_dyn_into::<web_sys::HtmlInputElement>()?.value();
        Some(Action::History(HistoryAction::Scrub(value.parse().ok()?)))
    });
    let total = v.steps.len();
    let current = v.step.checked_sub(1).and_then(|i| v.steps.get(i));
    html! {
        <>
            <div class={classes!("verdict", v.verdict)} role="status" data-testid="lincheck-verdict" data-verdict={v.verdict}
                 data-operations={v.operations.to_string()} data-partitions={v.partitions.len().to_string()}>
                <p>{ match v.verdict { "ok" => "✓ ", "violation" => "✗ ", _ => "? " } }{ v.summary.clone() }</p>
                if !v.unorderable.is_empty() {
                    <p>{ if v.unorderable.len() == 1 { t("lincheck_view.unorderable.one").to_string() } else {
                        tf("lincheck_view.unorderable.many", &[("count", &v.unorderable.len().to_string())])
                    } }</p>
                    <ul data-testid="lincheck-unorderable">{ for v.unorderable.iter().map(|o| html! { <li>{ o.clone() }</li> }) }</ul>
                }
            </div>
            if v.partitions.len() > 1 {
                <label class="lincheck-partition">{ t("lincheck_view.partition") }{ " " }
                    <select data-testid="lincheck-partition" onchange={on_partition}>
                        { for v.partitions.iter().enumerate().map(|(i, p)| html! {
                            <option value={i.to_string()} selected={i == v.partition}>
                                { if p.ok { "✓ " } else { "✗ " } }{ p.label.clone() }
                            </option>
                        }) }
                    </select>
                </label>
            }
            <p class="hint" data-testid="lincheck-note">{ v.note.clone() }</p>
            { picture(v, on) }
            <div class="scrub" role="group" aria-label={t("lincheck_view.scrub")}>
                <button class="secondary" data-testid="lincheck-prev" aria-label={t("lincheck_view.prev")} disabled={v.step == 0}
                        onclick={act(on, HistoryAction::Scrub(v.step.saturating_sub(1)))}>{ "◀" }</button>
                <input type="range" min="0" max={total.to_string()} value={v.step.to_string()} data-testid="lincheck-scrub"
                       aria-label={t("lincheck_view.scrub")} disabled={total == 0} oninput={on_scrub} />
                <button class="secondary" data-testid="lincheck-next" aria-label={t("lincheck_view.next")} disabled={v.step >= total}
                        onclick={act(on, HistoryAction::Scrub(v.step + 1))}>{ "▶" }</button>
                <span data-testid="lincheck-step">{ tf("lincheck_view.step", &[("step", &v.step.to_string()), ("total", &total.to_string())]) }</span>
            </div>
            <p class="lincheck-state" data-testid="lincheck-state" data-step={v.step.to_string()}>
                { match current {
                    Some(s) => tf("lincheck_view.state-after", &[("op", &s.text), ("state", v.state_now())]),
                    None => tf("lincheck_view.state-initial", &[("state", v.state_now())]),
                } }
            </p>
            if total > 0 {
                <ol class="lin-steps" data-testid="lincheck-steps" aria-label={t("lincheck_view.steps")}>
                    { for v.steps.iter().enumerate().map(|(i, s)| html! {
                        <li class={classes!((i < v.step).then_some("placed"), (i + 1 == v.step).then_some("current"))}>
                            <button class="link-button" onclick={act(on, HistoryAction::Scrub(i + 1))}>{ s.text.clone() }</button>
                            { " → " }<code>{ s.state.clone() }</code>
                        </li>
                    }) }
                </ol>
            }
        </>
    }
}

fn picture(v: &View, on: &Callback<Action>) -> Html {
    let path: String = v
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}{:.1} {:.1}", if i == 0 { "M" } else { " L" }, p.x, p.y))
        .collect();
    html! {
        <div class="history-scroll">
            <svg viewBox={format!("0 0 {:.0} {:.0}", v.width, v.height)} width={format!("{:.0}", v.width)} role="img"
                 aria-label={tf("lincheck_view.picture", &[("operations", &v.bars.len().to_string()), ("clients", &v.lanes.len().to_string())])}>
                { for v.lanes.iter().enumerate().map(|(i, name)| html! {
                    <text class="lane-label" x="4" y={format!("{:.1}", crate::model::lincheck::LANE * i as f64 + 17.0)}>{ name.clone() }</text>
                }) }
                { for v.bars.iter().map(|b| {
                    let class = classes!(
                        "op",
                        b.open.then_some("open"),
                        b.unorderable.then_some("unorderable"),
                        b.placed.then_some("placed"),
                        b.current.then_some("current"),
                        b.dimmed.then_some("dimmed"),
                        b.selected.then_some("selected"),
                        b.refused.then_some("refused"),
                    );
                    let op = b.op;
                    // Focusable, Enter or Space chooses it: the keyboard's way to a bar.
                    let on_key = send_some(on, move |e: KeyboardEvent| {
                        (e.key() == "Enter" || e.key() == " ").then(|| {
                            e.prevent_default();
                            Action::History(HistoryAction::Select(Some(op)))
                        })
                    });
                    html! {
                        <g class={class} data-testid="lincheck-op" data-op={op.to_string()} data-unorderable={b.unorderable.to_string()}
                           data-step={b.step.map(|s| s.to_string())} data-dimmed={b.dimmed.to_string()} data-line={b.line.to_string()}
                           tabindex="0" role="button" aria-pressed={b.selected.to_string()}
                           onclick={act(on, HistoryAction::Select(Some(op)))} onkeydown={on_key}>
                            <title>{ b.title.clone() }</title>
                            <rect x={format!("{:.1}", b.x0)} y={format!("{:.1}", b.y)} width={format!("{:.1}", b.x1 - b.x0)}
                                  height={format!("{:.0}", crate::model::lincheck::BAR)} rx="3" />
                            if let Some(label) = crate::model::lincheck::fitted(&b.label, b.x1 - b.x0) {
                                <text x={format!("{:.1}", b.x0 + 3.0)} y={format!("{:.1}", b.y + 13.0)}>{ label }</text>
                            }
                        </g>
                    }
                }) }
                if !path.is_empty() {
                    <path class="lin-line" d={path} />
                }
                { for v.points.iter().map(|p| html! {
                    <line class={classes!("lin-point", p.current.then_some("current"))} data-testid="lincheck-point"
                          x1={format!("{:.1}", p.x)} x2={format!("{:.1}", p.x)}
                          y1={format!("{:.1}", p.y - 11.0)} y2={format!("{:.1}", p.y + 11.0)} />
                }) }
            </svg>
        </div>
    }
}
