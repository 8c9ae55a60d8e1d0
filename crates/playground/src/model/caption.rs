//! The run's caption: which scenario this is (a built-in's plain title), which Break Raft rules
//! are on, and every setting that differs from the simulator's defaults, in words. A student
//! who opens a link, or a teacher who projects the page, sees at once that "commit-old-terms"
//! is on or that elections are forced on a 10-second timer, without opening the settings.
use raft_core::UnsafeRule;
use raft_sim::scenario::settings::changes;
use raft_sim::Scenario;

#[derive(Clone, Debug, PartialEq)]
pub struct CaptionView {
    /// The built-in's title, or the scenario's name for any other run.
    pub title: String,
    /// The built-in's id when the title is shown instead (for links and `raftsim run`).
    pub id: Option<String>,
    pub description: String,
    /// The Break Raft rules that are on.
    pub broken: Vec<UnsafeRule>,
    /// Settings that differ from the defaults, each in a few words (the page's language).
    pub changed: Vec<String>,
}

impl CaptionView {
    /// The caption of `scenario`; `title` is its built-in title if it is an unchanged built-in.
    pub fn of(scenario: &Scenario, title: Option<&str>) -> CaptionView {
        CaptionView {
            title: title.map_or_else(|| scenario.name.clone(), str::to_string),
            id: title.map(|_| scenario.name.clone()),
            description: scenario.description.clone(),
            broken: UnsafeRule::ALL.into_iter().filter(|r| scenario.raft.unsafe_rules.contains(r)).collect(),
            changed: changes(scenario).iter().map(crate::model::sim_text::setting_text).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::builtin;

    #[test]
    fn a_plain_cluster_has_nothing_to_say_and_its_name_as_title() {
        let c = CaptionView::of(&builtin::cluster(3, false), None);
        assert_eq!(c.title, "cluster-3");
        assert_eq!(c.id, None);
        assert!(c.broken.is_empty() && c.changed.is_empty(), "{c:?}");
    }

    #[test]
    fn figure_8_unsafe_names_its_broken_rule_and_its_settings() {
        let s = builtin::by_name("figure-8-unsafe").expect("a built-in");
        let c = CaptionView::of(&s, builtin::title("figure-8-unsafe"));
        assert_eq!(c.title, "Figure 8 without present-term commitment: a committed entry is lost");
        assert_eq!(c.id.as_deref(), Some("figure-8-unsafe"));
        assert_eq!(c.broken, vec![UnsafeRule::CommitOldTerms]);
        for want in [
            "election timeout 10000-12000 ms",
            "nextIndex backtracks one by one (Figure 2)",
            "no no-op entry on election",
            "leader liveliness off",
            "message delay 5 ms",
        ] {
            assert!(c.changed.iter().any(|x| x == want), "{want} in {:?}", c.changed);
        }
        assert!(builtin::by_name("figure-8").is_some_and(|s| CaptionView::of(&s, None).broken.is_empty()));
    }
}
