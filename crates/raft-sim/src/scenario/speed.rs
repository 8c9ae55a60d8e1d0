//! The page's playing speed, which tours and run documents both set: the range and its check.
use crate::scenario::ScenarioError;

/// The page's playing speed, as a power of ten: 0.01x to 100x. A run document's `view.speed_exp`
/// and a tour step's `speed_exp` must lie in this range.
pub const SPEED_MIN_EXP: f64 = -2.0;
pub const SPEED_MAX_EXP: f64 = 2.0;

/// A speed, if given, is a number in the page's range.
pub fn check_speed(field: &str, speed_exp: Option<f64>) -> Result<(), ScenarioError> {
    match speed_exp {
        Some(s) if !(SPEED_MIN_EXP..=SPEED_MAX_EXP).contains(&s) => Err(ScenarioError::new(
            field,
            format!("must be between {SPEED_MIN_EXP} (0.01x) and {SPEED_MAX_EXP} (100x), got {s}"),
        )),
        _ => Ok(()),
    }
}
