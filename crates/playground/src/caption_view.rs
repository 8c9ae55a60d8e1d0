//! The caption under the toolbar: the scenario's plain title, the Break Raft rules that are on,
//! the settings that are not the defaults, and what the scenario shows (its description,
//! fetched with the built-ins). Its props compare equal while the run plays, so it is drawn
//! again only when the scenario changes.
use crate::model::caption::CaptionView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CaptionProps {
    pub caption: CaptionView,
}

#[function_component(Caption)]
pub fn caption(props: &CaptionProps) -> Html {
    let c = &props.caption;
    html! {
        <div class="caption" data-testid="caption">
            <p class="caption-title">
                <strong data-testid="scenario-title">{ c.title.clone() }</strong>
                if let Some(id) = &c.id {
                    { " " }<code class="scenario-id" title="Its name in links and on the command line (raftsim run NAME)">{ id.clone() }</code>
                }
            </p>
            if !c.broken.is_empty() {
                <p class="caption-broken" data-testid="caption-broken">
                    <strong>{ "Break Raft is on: " }</strong>
                    { for c.broken.iter().enumerate().map(|(i, rule)| html! {
                        <>
                            if i > 0 { { ", " } }
                            <code>{ rule.name() }</code>{ format!(" ({})", crate::settings::rule_help(*rule)) }
                        </>
                    }) }
                    { ". With a rule switched off this is not Raft: what the rule protects can break." }
                </p>
            }
            if !c.changed.is_empty() {
                <p class="caption-settings" data-testid="caption-settings">
                    { format!("Not the default settings: {}.", c.changed.join("; ")) }
                </p>
            }
            if !c.description.is_empty() {
                <details class="description" open=true data-testid="scenario-description">
                    <summary>{ "What this scenario shows" }</summary>
                    <p>{ c.description.clone() }</p>
                </details>
            }
        </div>
    }
}
