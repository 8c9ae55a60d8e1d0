//! A guided tour being followed: which step, and the state of its pause and task.
use crate::model::tour::{TaskView, TourView};
use raft_sim::tour::{self, Baseline, Tour};

pub struct TourRun {
    pub tour: Tour,
    pub step: usize,
    /// The step's text split around its glossary terms, and its settings line (made when the
    /// step opens, or when the glossary arrives).
    pub text: std::rc::Rc<crate::model::glossary::StepText>,
    /// Where the step pauses (virtual µs), if it does.
    pub pause_us: Option<u64>,
    pub reached_pause: bool,
    /// The state the task is measured against, taken when the step reaches its pause.
    pub baseline: Option<Baseline>,
    pub done: bool,
    /// Of the step's claims about its pause point, how many held when it was reached here
    /// (the same claims the tour tests check natively).
    pub claims: Option<(usize, usize)>,
}

impl TourRun {
    pub fn highlight(&self) -> Option<&tour::Highlight> {
        self.tour.steps.get(self.step).map(|s| &s.highlight)
    }

    pub fn spotlights(&self, panel: &str) -> bool {
        self.highlight().is_some_and(|h| h.panels.iter().any(|p| p == panel))
    }

    pub fn view(&self) -> Option<TourView> {
        let step = self.tour.steps.get(self.step)?;
        Some(TourView {
            id: self.tour.id.clone(),
            title: self.tour.title.clone(),
            step: self.step,
            steps: self.tour.steps.iter().map(|s| s.title.clone()).collect(),
            step_title: step.title.clone(),
            text: self.text.clone(),
            task: step.task.as_ref().map(|t| TaskView {
                prompt: t.prompt.clone(),
                success: t.success.clone(),
                done: self.done,
            }),
            paused_at_end: self.reached_pause,
            claims: self.claims,
        })
    }

    pub fn fragment(&self) -> String {
        format!("tour/{}/{}", self.tour.id, self.step + 1)
    }

    /// The same, for a step that runs another protocol's built-in: its `shows` claims about
    /// the pause are counted when the run reaches it (there is no task on such a step).
    pub fn check_course(&mut self, run: &dyn raft_sim::playback::protocol_run::ProtocolRun) {
        if self.reached_pause || self.pause_us.is_some_and(|p| run.now_us() < p) {
            return;
        }
        self.reached_pause = true;
        if let Some(step) = self.tour.steps.get(self.step) {
            let at_pause: Vec<_> =
                step.shows.iter().filter(|c| c.at_ms.is_none_or(|at| Some(at) == step.pause_ms)).collect();
            let held = at_pause.iter().filter(|c| raft_sim::playback::course_tour::evaluate(c, run).is_ok()).count();
            self.claims = Some((held, at_pause.len()));
        }
    }

    /// After anything that moves time: note the pause point once passed (the task is measured
    /// from there), and whether the task's goal has been reached.
    pub fn check(&mut self, sim: &raft_sim::Simulation) {
        if !self.reached_pause && self.pause_us.is_none_or(|p| sim.now() >= p) {
            self.reached_pause = true;
            self.baseline = Some(Baseline::of(sim));
            if let Some(step) = self.tour.steps.get(self.step) {
                let at_pause: Vec<_> =
                    step.claims.iter().filter(|c| c.at_ms.is_none_or(|at| Some(at) == step.pause_ms)).collect();
                let held = at_pause.iter().filter(|c| c.check.evaluate(sim).is_ok()).count();
                self.claims = Some((held, at_pause.len()));
            }
        }
        if let (Some(baseline), false) = (self.baseline, self.done) {
            if let Some(task) = self.tour.steps.get(self.step).and_then(|s| s.task.as_ref()) {
                self.done = task.goal.reached(sim, baseline);
            }
        }
    }
}

/// `tour/ID/N` (N counts from 1) → (id, 0-based step).
pub fn parse_tour_fragment(fragment: &str) -> Option<(&str, usize)> {
    let rest = fragment.strip_prefix("tour/")?;
    let (id, n) = rest.split_once('/').unwrap_or((rest, "1"));
    let n: usize = n.parse().ok()?;
    Some((id, n.checked_sub(1)?))
}
