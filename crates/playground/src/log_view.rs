//! The log view: one row per server, one column per log index; each entry shows its term
//! (coloured by term) and command; committed entries are solid, the commitIndex is marked, and
//! for each follower the leader's nextIndex and matchIndex are shown; entries a follower removed
//! on a conflict stay struck through where they were (see model/log.rs).
use crate::model::log::short_command;
pub use crate::model::log::LogData;
use crate::text::{t, tf};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LogViewProps {
    pub data: LogData,
}

#[function_component(LogView)]
pub fn log_view(props: &LogViewProps) -> Html {
    crate::test_hook::rendered("log");
    let longest = props.data.rows.iter().map(|r| r.length).max().unwrap_or(0);
    let first = props.data.first;
    let indices: Vec<u64> = (first..=longest.max(first)).collect();
    html! {
        <div class="log-view" data-testid="log-view">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{ t("log_view.index") }</th>
                        { for indices.iter().map(|i| html! { <th scope="col">{ i }</th> }) }
                        <th scope="col" title={t("log_view.next-match-title")}>{ t("log_view.next-match") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.data.rows.iter().map(|row| html! {
                        <tr class={classes!((!row.alive).then_some("down"))} data-testid="log-row" data-id={row.id.to_string()}
                            data-commit={row.commit_index.to_string()} data-length={row.length.to_string()}>
                            <th scope="row">{ format!("S{}", row.id) }{ if props.data.leader == Some(row.id) { " ★" } else { "" } }</th>
                            if row.snapshot.0 >= first {
                                <td class="cell snapshot-block" data-testid="snapshot-block" colspan={(row.snapshot.0 - first + 1).to_string()}
                                    title={tf("log_view.snapshot-title", &[("index", &row.snapshot.0.to_string()), ("term", &row.snapshot.1.to_string())])}>
                                    { tf("log_view.snapshot", &[("index", &row.snapshot.0.to_string()), ("term", &row.snapshot.1.to_string())]) }
                                </td>
                            }
                            { for indices.iter().filter(|&&i| i > row.snapshot.0).map(|&i| {
                              // An entry removed here on a conflict stays visible, struck through.
                              let gone = row.overwritten.iter().find(|o| o.0 == i).map(|&(_, t)| html! {
                                  <s class="overwritten" data-testid="overwritten-entry" data-index={i.to_string()} data-term={t.to_string()}
                                     title={tf("log_view.overwritten", &[("term", &t.to_string()), ("node", &row.id.to_string())])}>
                                      { format!("t{t}") }
                                  </s>
                              });
                              match i.checked_sub(row.entries_from).and_then(|k| row.entries.get(k as usize)) {
                                Some((term, command)) => {
                                    let committed = i <= row.commit_index;
                                    let style = format!("--term-hue: {}", (term * 137) % 360);
                                    html! {
                                        <td class={classes!("cell", committed.then_some("committed"), (i == row.commit_index).then_some("commit-mark"))}
                                            style={style} title={tf(if committed { "log_view.entry-committed" } else { "log_view.entry" }, &[("index", &i.to_string()), ("term", &term.to_string()), ("command", command)])}>
                                            { gone.unwrap_or_default() }<span class="t">{ term }</span><span class="c">{ short_command(command) }</span>
                                        </td>
                                    }
                                }
                                None => html! { <td class="cell empty">{ gone.unwrap_or_default() }</td> },
                              }
                            }) }
                            <td class="nm">{ row.next_match.map_or(String::new(), |(n, m)| format!("{n} / {m}")) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
