//! The caption under the toolbar: the scenario's plain title, the Break Raft rules that are on,
//! the settings that are not the defaults, and what the scenario shows (its description,
//! fetched with the built-ins). Its props compare equal while the run plays, so it is drawn
//! again only when the scenario changes.
use crate::model::caption::CaptionView;
use crate::text::{t, tf};
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
                    { " " }<code class="scenario-id" title={t("caption_view.id-title")}>{ id.clone() }</code>
                }
            </p>
            if !c.broken.is_empty() {
                <p class="caption-broken" data-testid="caption-broken">
                    <strong>{ t("caption_view.broken") }</strong>
                    { for c.broken.iter().enumerate().map(|(i, rule)| html! {
                        <>
                            if i > 0 { { t("caption_view.rule-separator") } }
                            <code>{ rule.name() }</code>{ tf("caption_view.rule-help", &[("help", crate::settings::rule_help(*rule))]) }
                        </>
                    }) }
                    { t("caption_view.broken-after") }
                </p>
            }
            if !c.changed.is_empty() {
                <p class="caption-settings" data-testid="caption-settings">
                    { tf("caption_view.settings", &[("settings", &c.changed.join(t("caption_view.settings-separator")))]) }
                </p>
            }
            if !c.description.is_empty() {
                <details class="description" open=true data-testid="scenario-description">
                    <summary>{ t("caption_view.description") }</summary>
                    <p>{ c.description.clone() }</p>
                </details>
            }
        </div>
    }
}
