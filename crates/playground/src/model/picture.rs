//! The teacher's kit's pictures: the stage, the log and the space-time diagram as standalone SVG
//! documents, drawn from the same view-models the page draws (model/stage.rs, model/log.rs,
//! model/diagram.rs) with the page's colours written into the file's own style sheet, so a
//! picture opened on its own, pasted in a slide or turned into a PNG looks like the page.
//! Plain functions from view-model to text (no web types); the browser only saves the text.
use super::diagram::{Arrow, DiagramView, Dot, Fate, LANE, LEFT, TOP};
use super::log::{short_command, LogData};
use super::stage::*;
use super::svg::{cat, document, Svg, N, S};
use crate::text::{t, tf};

/// The stage's drawing size (its own units, as on the page).
pub const STAGE_W: f64 = 400.0;
pub const STAGE_H: f64 = 420.0;

/// The page's stage styles (web/styles.css), with its colours written out.
pub const STAGE_STYLE: &str = ".server text{text-anchor:middle;font-size:13px}.name{font-weight:700;font-size:15px!important}\
.role{font-size:12px!important;font-weight:700}.votes{font-size:11px!important;fill:#5b6478}\
.body{fill:#f1f3f7;stroke:#6b7385;stroke-width:2}.candidate .body{fill:#fbe3b0;stroke:#a87200;stroke-width:3}\
.pre-candidate .body{fill:#fbf6c4;stroke:#8a7f00;stroke-dasharray:5 3}.leader .body{fill:#cde3f4;stroke:#0072b2;stroke-width:4}\
.crashed .body{fill:#d4d4d4;stroke:#444;stroke-dasharray:4 3}.paused .body{fill:#e8e8e8;stroke:#444;stroke-dasharray:2 2}\
.learner .body{stroke-dasharray:6 2}.joining .body{stroke:#8e44ad}.leaving .body{stroke:#c0392b;stroke-dasharray:6 2}\
.outside .body{fill:#f7f7f7;stroke:#b9bfcc;stroke-dasharray:3 3}\
.timer{fill:none;stroke:#9aa4b8;stroke-width:4}.leader .timer{stroke:#0072b2}\
.crown path{fill:#0072b2;stroke:#fff;stroke-width:1.5}.badge circle{fill:#444;stroke:#fff;stroke-width:1.5}\
.badge text{font-size:12px;font-weight:700;fill:#fff}.badge path{stroke:#fff;stroke-width:2.5}\
.candidate .badge circle{fill:#e69f00}.candidate .badge text,.pre-candidate .badge text{fill:#1d2330}\
.pre-candidate .badge circle{fill:#f0e442;stroke:#6b6400}.cross path{stroke:#222;stroke-width:3;opacity:.55}\
.membership{font-size:10px!important;font-weight:700;fill:#8e44ad}\
.message{stroke:#fff;stroke-width:1.5}.request-vote{fill:#e69f00}.pre-vote{fill:#f0e442}.timeout-now{fill:#cc79a7}\
.vote-granted,.append-ok{fill:#009e73}.vote-denied,.append-fail{fill:#d55e00}.heartbeat{fill:#56b4e9}\
.append{fill:#0072b2}.snapshot{fill:#3d3d3d}.snapshot-ack{fill:#8c8c8c}\
.vote-granted path,.vote-denied path{stroke:#1d2330;stroke-width:1.2}.dead path{stroke:#b3261e;stroke-width:2.5;fill:none}\
.cut{stroke:#b3261e;stroke-width:3;stroke-dasharray:7 5}.head{fill:#b3261e}\
.vote-line{stroke:#1f7a3f;stroke-width:2;stroke-dasharray:2 3;opacity:.7}.vote-head{fill:#1f7a3f}\
.config{font-size:11px;fill:#5b6478;text-anchor:middle}.joint{fill:#8e44ad;font-weight:700}.clock{font-size:13px;fill:#5b6478}";

/// The arrow head for one-way cuts (referenced by `url(#cut)`): once per document.
pub const STAGE_DEFS: &str = "<defs><marker id=\"cut\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" class=\"head\"/></marker>\
<marker id=\"vote\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">\
<path d=\"M0 0L10 5L0 10z\" class=\"vote-head\"/></marker></defs>";

/// `<g class="…" transform="translate(x,y)">`
fn group_at(s: &mut Svg, class: &str, x: f64, y: f64) {
    let at = cat(&[S("translate("), N(x), S(","), N(y), S(")")]);
    s.open("g", &[("class", S(class)), ("transform", S(&at))], false);
}

fn line(s: &mut Svg, class: &str, (x1, y1, x2, y2): (f64, f64, f64, f64), marker: Option<&str>) {
    let attrs = [
        ("class", S(class)),
        ("x1", N(x1)),
        ("y1", N(y1)),
        ("x2", N(x2)),
        ("y2", N(y2)),
        ("marker-end", S(marker.unwrap_or(""))),
    ];
    s.el("line", if marker.is_some() { &attrs } else { &attrs[..5] });
}

/// The stage's drawing (no caption or style): cuts, votes, servers, messages in flight and the
/// configuration, placed as the page places them. Also each frame of an animation. It uses
/// [`STAGE_DEFS`], which the document holds once.
pub fn stage_body(s: &mut Svg, d: &StageData) {
    let count = d.nodes.len();
    for c in &d.cuts {
        let marker = (!c.both_ways).then_some("url(#cut)");
        line(s, "cut", link(c.from, c.to, count, NODE_R + 8.0), marker);
    }
    for n in &d.nodes {
        for &voter in &n.votes_from {
            // Arrowed toward the candidate, as on the page: who voted for whom.
            line(s, "vote-line", link(voter, n.id, count, NODE_R + 6.0), Some("url(#vote)"));
        }
    }
    for (i, n) in d.nodes.iter().enumerate() {
        let (x, y) = position(i, count);
        group_at(s, &cat(&[S("server "), S(n.state), S(" "), S(n.membership)]), x, y);
        if n.state != "crashed" {
            let round = std::f64::consts::TAU * (NODE_R + 5.0);
            let dash = cat(&[N(round * n.timer_left), S(" "), N(round)]);
            s.el(
                "circle",
                &[
                    ("class", S("timer")),
                    ("r", N(NODE_R + 5.0)),
                    ("stroke-dasharray", S(&dash)),
                    ("transform", S("rotate(-90)")),
                ],
            );
        }
        s.el("circle", &[("class", S("body")), ("r", N(NODE_R))]);
        s.text(&[("class", S("name")), ("y", N(-4.0))], &cat(&[S("S"), N(n.id as f64)]));
        s.text(&[("y", N(13.0))], &tf("picture.term", &[("term", &cat(&[N(n.term as f64)]))]));
        if let Some((badge, letter, path, (mx, my))) = role_mark_parts(n.state) {
            group_at(s, role_mark_class(n.state, badge), mx, my);
            if badge {
                s.el("circle", &[("r", N(10.0))]);
            }
            if !letter.is_empty() {
                s.text(&[("y", N(4.0))], letter);
            }
            if !path.is_empty() {
                s.el("path", &[("d", S(path))]);
            }
            s.close("g");
        }
        if let Some(m) = membership_text(n.membership) {
            let y = -NODE_R - if n.state == "leader" { 24.0 } else { 9.0 };
            s.text(&[("class", S("membership")), ("y", N(y))], &m.to_ascii_uppercase());
        }
        let (role, detail) = role_caption(n);
        s.text(&[("class", S("role")), ("y", N(NODE_R + 20.0))], role);
        if let Some(d) = detail {
            s.text(&[("class", S("votes")), ("y", N(NODE_R + 32.0))], &d);
        }
        s.close("g");
    }
    for m in &d.messages {
        let (x, y, dead) = message_xy(m, count, false);
        group_at(s, &cat(&[S("message "), S(m.class), S(if dead { " dead" } else { "" })]), x, y);
        s.el("path", &[("d", S(if dead { "M-5 -5L5 5M5 -5L-5 5" } else { message_look(m.class).0 }))]);
        s.close("g");
    }
    let class = if d.joint { "config joint" } else { "config" };
    s.text(&[("class", S(class)), ("x", N(CENTER)), ("y", N(414.0))], &d.configuration);
}

/// The stage as a standalone SVG document under `caption`.
pub fn stage_svg(d: &StageData, caption: &str) -> String {
    document(STAGE_W, STAGE_H, STAGE_STYLE, caption, |s| {
        s.raw(STAGE_DEFS);
        stage_body(s, d)
    })
}

/// The log's cells: a header column, a column per index, the next / match column; row heights.
const LOG_HEAD_W: f64 = 56.0;
const LOG_CELL_W: f64 = 46.0;
const LOG_NM_W: f64 = 84.0;
const LOG_TOP: f64 = 22.0;
const LOG_ROW_H: f64 = 46.0;

const LOG_STYLE: &str = "text{font-size:12px}.ix{fill:#5b6478;text-anchor:middle}.row{font-weight:700;font-size:13px}\
.cell text{text-anchor:middle;font-family:monospace}.t{font-weight:700}.c{font-size:9px;fill:#5b6478}\
.empty{fill:none;stroke:#d9dce3;stroke-dasharray:1 2}.mark{stroke:#1d2330;stroke-width:3}\
.gone{fill:#b3261e;font-size:9px!important;text-decoration:line-through}.down{opacity:.5}\
.snap{fill:#e0f2f1;stroke:#0f8b8d}.snap+text{fill:#0b5e5f;font-size:10px;text-anchor:middle}.nm{fill:#5b6478}";

/// An HSL colour (hue in degrees, saturation and lightness 0..1) as #rrggbb: the log colours
/// each term by hue, and not every program that opens an SVG file reads `hsl()`.
pub fn hsl_hex(hue: f64, sat: f64, light: f64) -> String {
    let hue = hue.clamp(0.0, 359.9);
    let a = sat * light.min(1.0 - light);
    let mut out = String::from("#");
    for n in [0.0, 8.0, 4.0] {
        // hue < 360, so one turn brings k into 0..12 (no float remainder: its code is large).
        let k = n + hue / 30.0;
        let k = if k >= 12.0 { k - 12.0 } else { k };
        let v = light - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0);
        let byte = (v * 255.0).round().clamp(0.0, 255.0) as u8;
        for digit in [byte >> 4, byte & 15] {
            out.push(char::from_digit(digit as u32, 16).unwrap_or('0'));
        }
    }
    out
}

/// The log's size in the picture: (width, height).
pub fn log_size(d: &LogData) -> (f64, f64) {
    let (first, last) = log_columns(d);
    let columns = (last + 1).saturating_sub(first) as f64;
    (LOG_HEAD_W + columns * LOG_CELL_W + LOG_NM_W, LOG_TOP + d.rows.len() as f64 * LOG_ROW_H + 6.0)
}

/// The first and last index shown (as the page's table shows them).
fn log_columns(d: &LogData) -> (u64, u64) {
    let longest = d.rows.iter().map(|r| r.length).max().unwrap_or(0);
    (d.first, longest.max(d.first))
}

/// The log view's table as a drawing: a row per server, a cell per index with its term (the
/// colour of its term), its command, solid when committed, the commitIndex underlined, entries
/// removed on a conflict struck through, the snapshot as one block, the leader's next / match.
pub fn log_body(s: &mut Svg, d: &LogData) {
    let (first, last) = log_columns(d);
    let col_x = |i: u64| LOG_HEAD_W + (i - first) as f64 * LOG_CELL_W;
    let (width, _) = log_size(d);
    for i in first..=last {
        s.text(&[("class", S("ix")), ("x", N(col_x(i) + LOG_CELL_W / 2.0)), ("y", N(14.0))], &cat(&[N(i as f64)]));
    }
    s.text(&[("class", S("ix")), ("x", N(width - LOG_NM_W / 2.0)), ("y", N(14.0))], t("picture.next-match"));
    for (k, row) in d.rows.iter().enumerate() {
        let y = LOG_TOP + k as f64 * LOG_ROW_H;
        s.open("g", &[("class", S(if row.alive { "r" } else { "r down" }))], false);
        let star = if d.leader == Some(row.id) { " ★" } else { "" };
        s.text(&[("class", S("row")), ("x", N(6.0)), ("y", N(y + 27.0))], &cat(&[S("S"), N(row.id as f64), S(star)]));
        let (cy, ch) = (y + 3.0, LOG_ROW_H - 6.0);
        if row.snapshot.0 >= first {
            let w = (row.snapshot.0 - first + 1) as f64 * LOG_CELL_W - 4.0;
            s.el(
                "rect",
                &[
                    ("class", S("snap")),
                    ("x", N(col_x(first) + 2.0)),
                    ("y", N(cy)),
                    ("width", N(w)),
                    ("height", N(ch)),
                    ("rx", N(4.0)),
                ],
            );
            let (index, term) = (cat(&[N(row.snapshot.0 as f64)]), cat(&[N(row.snapshot.1 as f64)]));
            let label = tf("picture.snapshot", &[("index", &index), ("term", &term)]);
            s.text(&[("x", N(col_x(first) + 2.0 + w / 2.0)), ("y", N(cy + ch / 2.0 + 4.0))], &label);
        }
        for i in (first..=last).filter(|&i| i > row.snapshot.0) {
            let x = col_x(i) + 2.0;
            let w = LOG_CELL_W - 4.0;
            let entry = i.checked_sub(row.entries_from).and_then(|k| row.entries.get(k as usize));
            s.open("g", &[("class", S("cell"))], false);
            match entry {
                Some((term, command)) => {
                    let hue = ((term * 137) % 360) as f64;
                    let committed = i <= row.commit_index;
                    let dash = if committed { "none" } else { "4 3" };
                    s.el(
                        "rect",
                        &[
                            ("x", N(x)),
                            ("y", N(cy)),
                            ("width", N(w)),
                            ("height", N(ch)),
                            ("rx", N(4.0)),
                            ("fill", S(&hsl_hex(hue, 0.7, 0.93))),
                            ("stroke", S(&hsl_hex(hue, 0.45, 0.55))),
                            ("stroke-dasharray", S(dash)),
                        ],
                    );
                    s.text(&[("class", S("t")), ("x", N(x + w / 2.0)), ("y", N(cy + 22.0))], &cat(&[N(*term as f64)]));
                    let short = short_command(command);
                    let short: String =
                        if short.chars().count() > 7 { short.chars().take(6).chain(['…']).collect() } else { short };
                    s.text(&[("class", S("c")), ("x", N(x + w / 2.0)), ("y", N(cy + 33.0))], &short);
                    if i == row.commit_index {
                        line(s, "mark", (x + 2.0, cy + ch - 1.5, x + w - 2.0, cy + ch - 1.5), None);
                    }
                }
                None => {
                    s.el(
                        "rect",
                        &[
                            ("class", S("empty")),
                            ("x", N(x)),
                            ("y", N(cy)),
                            ("width", N(w)),
                            ("height", N(ch)),
                            ("rx", N(4.0)),
                        ],
                    );
                }
            }
            if let Some(&(_, t)) = row.overwritten.iter().find(|o| o.0 == i) {
                // Above the term, as the page writes it.
                s.text(
                    &[("class", S("gone")), ("x", N(x + w / 2.0)), ("y", N(cy + 10.0))],
                    &cat(&[S("t"), N(t as f64)]),
                );
            }
            s.close("g");
        }
        if let Some((n, m)) = row.next_match {
            let text = cat(&[N(n as f64), S(" / "), N(m as f64)]);
            s.text(
                &[
                    ("class", S("nm")),
                    ("x", N(width - LOG_NM_W / 2.0)),
                    ("y", N(y + 27.0)),
                    ("text-anchor", S("middle")),
                ],
                &text,
            );
        }
        s.close("g");
    }
}

/// The log as a standalone SVG document under `caption`.
pub fn log_svg(d: &LogData, caption: &str) -> String {
    let (w, h) = log_size(d);
    document(w, h, LOG_STYLE, caption, |s| log_body(s, d))
}

const DIAGRAM_STYLE: &str = ".bg{fill:#fcfcfa}.blank{fill:#eceef2}.tick line{stroke:#eceef2}\
.tick text{fill:#5b6478;text-anchor:middle;font-size:10px}.lane line{stroke:#9aa4b8;stroke-width:1.5}\
.lane text{font-weight:700;font-size:12px}.now{stroke:#2f5fd0;stroke-width:1.5;stroke-dasharray:3 3}\
.a{stroke:#7d879c;stroke-width:1.3}.hd{fill:#7d879c}.k-RequestVote,.k-PreVote{stroke:#e07b00}\
.k-RequestVoteReply,.k-PreVoteReply{stroke:#1f9d55}.k-AppendEntries{stroke:#2f5fd0}.k-AppendEntriesReply{stroke:#5cb85c}\
.k-InstallSnapshot,.k-InstallSnapshotReply{stroke:#0f8b8d}.lost{stroke-dasharray:4 3}.in-flight{stroke-dasharray:2 3}\
.x{fill:#b3261e;font-size:13px;font-weight:700;text-anchor:middle}.e circle{fill:#1d2330}\
.e .halo{fill:#fff;stroke:#9aa4b8}.e text{text-anchor:middle;font-size:11px}.leader .halo{stroke:#2f5fd0;stroke-width:2}\
.crash .halo{stroke:#b3261e;stroke-width:2}.timeout .halo,.election .halo{stroke:#b58900;stroke-width:2}\
.e .lamport{font-size:10px;font-weight:700;fill:#6b4fa0}.e .vector{font-size:9.5px;fill:#6b4fa0;font-family:monospace}\
.before circle{fill:#2f5fd0}.after circle{fill:#e07b00}.concurrent{opacity:.35}.selected circle{stroke:#f2c200;stroke-width:3}";

/// The diagram's arrow head (referenced by `url(#hd)`) and the window its marks are clipped to.
fn diagram_defs(s: &mut Svg, v: &DiagramView) {
    s.raw(
        "<defs><marker id=\"hd\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" \
markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" class=\"hd\"/></marker>",
    );
    s.open("clipPath", &[("id", S("win"))], false);
    s.el("rect", &[("x", N(LEFT - 8.0)), ("y", N(0.0)), ("width", N(v.width - LEFT + 8.0)), ("height", N(v.height))]);
    s.close("clipPath").raw("</defs>");
}

fn arrow(s: &mut Svg, a: &Arrow) {
    let class = cat(&[S("a k-"), S(a.kind), S(" "), S(a.fate_name()), S(" "), S(a.relation.class())]);
    let head = (a.fate == Fate::Delivered).then_some("url(#hd)");
    line(s, &class, (a.x1, a.y1, a.x2, a.y2), head);
    if matches!(a.fate, Fate::Lost(_)) {
        s.text(&[("class", S("x")), ("x", N(a.x2)), ("y", N(a.y2 + 4.0))], "✕");
    }
}

fn dot(s: &mut Svg, d: &Dot) {
    s.open("g", &[("class", S(&cat(&[S("e "), S(d.kind()), S(" "), S(d.relation.class())])))], false);
    if let Some(g) = d.glyph() {
        s.el("circle", &[("class", S("halo")), ("cx", N(d.x)), ("cy", N(d.y)), ("r", N(8.0))]);
        s.text(&[("x", N(d.x)), ("y", N(d.y + 4.0))], g);
    } else {
        s.el("circle", &[("cx", N(d.x)), ("cy", N(d.y)), ("r", N(3.5))]);
    }
    if d.show_clocks {
        s.text(&[("class", S("lamport")), ("x", N(d.x)), ("y", N(d.y - 11.0))], &cat(&[N(d.lamport as f64)]));
        s.text(&[("class", S("vector")), ("x", N(d.x)), ("y", N(d.y + 19.0))], &d.vector.to_string());
    }
    s.close("g");
}

/// The space-time diagram's window as a drawing: time ticks, a lane per server, the messages
/// and events of the window (as the page shows them, clocks included when they are on), and
/// the present.
pub fn diagram_body(s: &mut Svg, v: &DiagramView) {
    let bottom = v.height - 6.0;
    diagram_defs(s, v);
    s.el("rect", &[("class", S("bg")), ("width", N(v.width)), ("height", N(v.height))]);
    if let Some(bx) = v.blank_before_x {
        s.el(
            "rect",
            &[("class", S("blank")), ("x", N(LEFT)), ("width", N((bx - LEFT).max(0.0))), ("height", N(bottom - 12.0))],
        );
    }
    for (x, label) in &v.ticks {
        s.open("g", &[("class", S("tick"))], false);
        line(s, "", (*x, 8.0, *x, bottom - 12.0), None);
        s.text(&[("x", N(*x)), ("y", N(bottom))], label).close("g");
    }
    for n in 1..=v.lanes {
        let y = TOP + (n - 1) as f64 * LANE;
        s.open("g", &[("class", S("lane"))], false);
        line(s, "", (LEFT, y, v.width, y), None);
        s.text(&[("x", N(4.0)), ("y", N(y + 4.0))], &cat(&[S("S"), N(n as f64)])).close("g");
    }
    let shift = cat(&[S("translate("), N(v.shift), S(",0)")]);
    s.open("g", &[("clip-path", S("url(#win)"))], false).open("g", &[("transform", S(&shift))], false);
    for a in v.arrows() {
        arrow(s, a);
    }
    for d in v.dots() {
        dot(s, d);
    }
    s.close("g").close("g");
    if let Some(x) = v.now_x {
        line(s, "now", (x, 4.0, x, bottom - 12.0), None);
    }
}

/// The diagram's window as a standalone SVG document under `caption`.
pub fn diagram_svg(v: &DiagramView, caption: &str) -> String {
    document(v.width, v.height, DIAGRAM_STYLE, caption, |s| diagram_body(s, v))
}

#[cfg(test)]
mod tests;
