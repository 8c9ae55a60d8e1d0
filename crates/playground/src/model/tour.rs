//! What the tour panel shows of the step being followed. Plain data (no web types).

#[derive(Clone, Debug, PartialEq)]
pub struct TourView {
    pub id: String,
    pub title: String,
    /// 0-based.
    pub step: usize,
    pub steps: Vec<String>,
    pub step_title: String,
    /// Its paragraphs and task split around glossary terms, and its settings line.
    pub text: std::rc::Rc<crate::model::glossary::StepText>,
    pub task: Option<TaskView>,
    /// The step played to its pause point.
    pub paused_at_end: bool,
    /// (held, checked) of the step's claims at that point.
    pub claims: Option<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskView {
    pub prompt: String,
    pub success: String,
    pub done: bool,
}
