//! The pictures drawn from real runs: well-formed, standalone, and showing what the page shows.
use super::*;
use crate::model::diagram::DiagramState;
use raft_sim::builtin;
use raft_sim::scenario::{Action, CrashMode};
use raft_sim::session::Session;

/// A 3-server cluster with client load (so the logs hold entries), run to `ms`.
fn run(ms: u64) -> Session {
    let mut s = builtin::cluster(3, true);
    s.duration_ms = 600_000.0;
    let mut session = Session::new(&s).unwrap();
    session.advance(ms * 1000, u64::MAX, false);
    session
}

/// Every element closed in order (the file parses as XML), and no stray `<` or `&` in text.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find('<') {
        let text = &rest[..at];
        assert!(
            !text.contains('>'),
            "a stray > before {}",
            &rest[at..at.min(rest.len()).saturating_add(40).min(rest.len())]
        );
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(["&lt;", "&gt;", "&amp;", "&quot;"].iter().any(|e| entity.starts_with(e)), "a bare & in {text}");
        }
        let end = rest[at..].find('>').expect("every tag ends") + at;
        let tag = &rest[at + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "closing {name}");
        } else if !tag.ends_with('/') {
            open.push(tag.split([' ', '>']).next().unwrap());
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[test]
fn colours_are_written_as_hex() {
    assert_eq!(hsl_hex(0.0, 1.0, 0.5), "#ff0000");
    assert_eq!(hsl_hex(120.0, 1.0, 0.25), "#008000");
    assert_eq!(hsl_hex(240.0, 1.0, 0.5), "#0000ff");
    assert_eq!(hsl_hex(0.0, 0.0, 1.0), "#ffffff");
}

#[test]
fn the_stage_picture_shows_each_server_its_role_and_the_messages() {
    let mut session = run(2_000);
    let leader = session.sim().leader().expect("a leader within 2 s");
    let other = if leader == 1 { 2 } else { 1 };
    session.act(Action::Crash { node: other, mode: CrashMode::Recover }).unwrap();
    let data = StageData::of(session.sim());
    let svg = stage_svg(&data, "Stage · a <cluster> & more · seed 1 · t = 2000 ms");
    assert_well_formed(&svg);
    assert!(svg.contains(">Stage · a &lt;cluster&gt; &amp; more · seed 1 · t = 2000 ms</text>"));
    for n in &data.nodes {
        assert!(svg.contains(&format!("<text class=\"name\" y=\"-4\">S{}</text>", n.id)));
        assert!(svg.contains(&format!("<g class=\"server {} voter\"", n.state)));
    }
    assert!(svg.contains("<g class=\"crown\""), "the leader's crown");
    assert!(svg.contains("<g class=\"cross\""), "the crashed server's cross");
    assert!(svg.contains(">leader</text>") && svg.contains(">crashed</text>"));
    assert_eq!(svg.matches("<g class=\"message ").count(), data.messages.len());
    // Each vote line points at the candidate it was given to, as on the page.
    let votes: usize = data.nodes.iter().map(|n| n.votes_from.len()).sum();
    assert!(votes > 0, "the leader's voters are drawn");
    assert_eq!(svg.matches("class=\"vote-line\"").count(), votes);
    assert_eq!(svg.matches("marker-end=\"url(#vote)\"").count(), votes);
    assert!(svg.contains("<marker id=\"vote\""));
    assert!(svg.contains(&format!(">{}</text>", data.configuration)));
    // Standalone: its own styles, no page classes left without a rule.
    assert!(svg.contains(".leader .body{fill:#cde3f4"));
    assert!(!svg.contains("var(--"));
}

#[test]
fn the_log_picture_has_a_cell_per_entry_in_the_colour_of_its_term() {
    let session = run(3_000);
    let data = LogData::of(session.sim());
    let svg = log_svg(&data, "Log");
    assert_well_formed(&svg);
    let cells: usize = data.rows.iter().map(|r| r.entries.len()).sum();
    assert!(cells > 0);
    assert_eq!(svg.matches("<g class=\"cell\"><rect x=").count(), cells);
    let (first_term, _) = &data.rows[0].entries[0];
    let hue = ((first_term * 137) % 360) as f64;
    assert!(svg.contains(&format!("fill=\"{}\"", hsl_hex(hue, 0.7, 0.93))));
    let leader = data.leader.expect("a leader");
    assert!(svg.contains(&format!(">S{leader} ★</text>")));
    // The commitIndex is underlined once per server that has one in the window.
    let marked = data.rows.iter().filter(|r| r.commit_index >= data.first && r.commit_index <= r.length).count();
    assert_eq!(svg.matches("<line class=\"mark\"").count(), marked);
    let (w, h) = log_size(&data);
    assert!(svg.contains(&format!("width=\"{}\"", w)));
    assert_eq!(h, LOG_TOP + 3.0 * LOG_ROW_H + 6.0);
}

#[test]
fn the_diagram_picture_draws_the_window_the_page_shows() {
    let session = run(1_500);
    let view = DiagramView::of(session.spacetime().unwrap(), &DiagramState::default(), session.sim().now());
    let svg = diagram_svg(&view, "Space-time diagram");
    assert_well_formed(&svg);
    for n in 1..=3 {
        assert!(svg.contains(&format!(">S{n}</text>")));
    }
    assert_eq!(svg.matches("<line class=\"a k-").count(), view.arrows().count());
    assert!(view.arrows().count() > 0);
    assert_eq!(svg.matches("<g class=\"e ").count(), view.dots().count());
    assert!(svg.contains("clip-path=\"url(#win)\""));
    assert_eq!(svg.matches("<g class=\"tick\">").count(), view.ticks.len());
}
