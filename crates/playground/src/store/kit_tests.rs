//! Native tests of the teacher's kit in the store: the pictures and the animation it asks the
//! browser to save, the moment it leaves the run at, and the presentation mode's switch.
use super::{Action, Effect, Picture, Store};
use raft_sim::session::Target;

fn store_at(ms: u64) -> Store {
    let mut s = Store::new("https://example.org/".into(), "", || 0.0);
    s.play_hook(Some(ms * 1000));
    s
}

fn moment(s: &Store) -> (u64, u64, String) {
    let sim = s.session.as_ref().unwrap().sim();
    (sim.now(), sim.events(), sim.trace_hash_hex())
}

/// The one file the last action asked the browser to save: (name, text).
fn saved(s: &mut Store) -> (String, String) {
    match s.take_effects().as_slice() {
        [Effect::Download { name, text }] => (name.clone(), text.clone()),
        other => panic!("expected one download, got {other:?}"),
    }
}

#[test]
fn each_picture_is_saved_as_svg_named_and_captioned_by_its_moment() {
    let mut s = store_at(3_000);
    let seed = s.scenario.seed;
    for picture in Picture::ALL {
        s.apply(Action::ExportPicture { picture, png: false });
        let (name, svg) = saved(&mut s);
        assert_eq!(name, format!("raft-{}-seed{seed}-3000ms-{}.svg", s.scenario.name, picture.id()));
        let caption = format!("{} · {} · seed {seed} · t = 3000 ms", picture.title(), s.title());
        assert!(svg.contains(&format!(">{caption}</text>")), "{picture:?}: {}", &svg[..300]);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        for server in ["S1", "S2", "S3"] {
            assert!(svg.contains(&format!(">{server}")), "{picture:?} names {server}");
        }
        assert!(s.kit_note.as_deref().is_some_and(|n| n.starts_with(&format!("Saved {name} ("))));
    }
}

#[test]
fn a_png_is_the_svg_at_its_size_with_the_caption() {
    let mut s = store_at(1_000);
    s.apply(Action::ExportPicture { picture: Picture::Stage, png: true });
    match s.take_effects().as_slice() {
        [Effect::SavePng { name, svg, width, height }] => {
            assert!(name.ends_with("-stage.png"), "{name}");
            assert_eq!((*width, *height), (400.0, 448.0));
            assert!(svg.contains("width=\"400\" height=\"448\""));
        }
        other => panic!("expected a PNG, got {other:?}"),
    }
    assert!(s.kit_note.as_deref().is_some_and(|n| n.ends_with("(800 × 896 pixels).")), "{:?}", s.kit_note);
}

#[test]
fn the_animation_samples_the_last_seconds_and_leaves_the_run_where_it_was() {
    let mut s = store_at(4_000);
    // Stop between two events, where a time-based seek would not come back to.
    s.apply(Action::Step);
    s.apply(Action::Step);
    let before = moment(&s);
    let frontier = s.session.as_ref().unwrap().frontier();
    s.apply(Action::KitSeconds("2".into()));
    s.apply(Action::Animate);
    assert_eq!(moment(&s), before, "the same moment after");
    assert_eq!(s.session.as_ref().unwrap().frontier(), frontier, "nothing past the frontier was run");
    let (name, svg) = saved(&mut s);
    assert!(name.ends_with("ms-animation.svg"), "{name}");
    // 2 s at 150 frames at most: one frame per 13.4 ms, the last one the moment itself.
    let times: Vec<f64> =
        svg.split("data-t=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap()).collect();
    assert_eq!(times.len(), 150);
    let now_ms = before.0 as f64 / 1000.0;
    assert_eq!(times[0], ((now_ms - 2000.0) * 10.0).round() / 10.0);
    assert_eq!(*times.last().unwrap(), (now_ms * 10.0).round() / 10.0);
    assert!(times.windows(2).all(|w| w[1] > w[0]));
    assert_eq!(svg.matches("<set attributeName=\"visibility\"").count(), 150);
    assert!(svg.contains("begin=\"loop.begin+14.9s\""));
    let note = s.kit_note.clone().unwrap();
    assert!(
        note.starts_with(&format!("Saved {name}: 150 frames, one per 13.4 ms of virtual time, 15 s long")),
        "{note}"
    );
}

#[test]
fn the_same_run_animates_to_the_same_file() {
    let (mut a, mut b) = (store_at(2_500), store_at(2_500));
    a.apply(Action::KitSeconds("1".into()));
    a.apply(Action::Animate);
    b.apply(Action::KitSeconds("1".into()));
    b.apply(Action::Animate);
    assert_eq!(saved(&mut a).1, saved(&mut b).1);
}

#[test]
fn a_bad_span_is_named_and_five_seconds_are_animated() {
    let mut s = store_at(6_000);
    s.apply(Action::KitSeconds("lots".into()));
    s.apply(Action::Animate);
    let (_, svg) = saved(&mut s);
    assert!(svg.contains("t = 1000 to 6000 ms"), "{}", &svg[..400]);
    let note = s.kit_note.unwrap();
    assert!(
        note.contains("seconds to animate: 'lots' is not a number from 0.1 to 60; animating the last 5 s"),
        "{note}"
    );
}

#[test]
fn the_animation_stops_at_its_size_limit_and_says_so() {
    let mut s = store_at(3_000);
    let before = moment(&s);
    s.animate_within("2", 20_000);
    assert_eq!(moment(&s), before);
    let (_, svg) = saved(&mut s);
    let frames = svg.matches("<set ").count();
    assert!(frames > 0 && frames < 150, "{frames} frames");
    let note = s.kit_note.unwrap();
    assert!(note.contains(&format!("after {frames} of 150 frames: the file reached its limit")), "{note}");
}

#[test]
fn early_in_a_run_the_animation_starts_at_zero() {
    let mut s = store_at(0);
    s.session.as_mut().unwrap().seek(Target::Event(3));
    s.apply(Action::KitSeconds("5".into()));
    s.apply(Action::Animate);
    let (_, svg) = saved(&mut s);
    assert!(svg.contains("data-t=\"0\""));
}

#[test]
fn escape_leaves_the_presentation_then_closes_the_help() {
    let mut s = store_at(0);
    s.apply(Action::TogglePresent);
    s.apply(Action::ToggleHelp);
    assert!(s.present && s.help);
    s.apply(Action::Escape);
    assert!(!s.present && s.help);
    s.apply(Action::Escape);
    assert!(!s.help);
}

#[test]
fn a_narrow_picture_is_widened_to_its_caption_and_the_png_follows() {
    // At the start the logs are empty: the log's drawing is narrower than its caption.
    let mut s = store_at(0);
    s.apply(Action::ExportPicture { picture: Picture::Log, png: true });
    match s.take_effects().as_slice() {
        [Effect::SavePng { svg, width, .. }] => {
            let caption = format!("Log · {} · seed {} · t = 0 ms", s.title(), s.scenario.seed);
            assert_eq!(*width, caption.chars().count() as f64 * 8.0 + 16.0);
            assert!(svg.contains(&format!("width=\"{width}\"")), "{}", &svg[..120]);
        }
        other => panic!("expected a PNG, got {other:?}"),
    }
}
