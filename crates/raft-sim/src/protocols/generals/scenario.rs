//! A Two Generals' scenario: the attack time A1 proposes, how many messengers the protocol
//! exchanges (k), when the generals decide, the valley's latency and the chance a messenger
//! is captured (the fair-loss link, drawn from the seed's network stream), and which
//! messengers are captured for certain (`lose`, by number: a deterministic loss).
//!
//! ```json
//! {"protocol": "two-generals", "name": "two-generals-last-lost", "seed": 1,
//!  "attack_time": "09:00 on August 4", "messages": 3, "decide_at_ms": 200,
//!  "latency_ms": [10, 40], "loss": 0, "lose": [3]}
//! ```
//!
//! Every field is checked with a message naming it; nothing here panics.
use crate::protocols::reading::{self, err, number, range, whole, SeedWords};
use crate::scenario::format::{ms_to_us, ScenarioError};
use crate::scenario::protocol::TWO_GENERALS;
use serde_json::Value;

/// At most this many messengers.
pub const MAX_MESSAGES: u32 = 20;
pub const MAX_LATENCY_MS: f64 = 10_000.0;
/// The attack time's length limit.
pub const MAX_ATTACK_TIME_BYTES: usize = 40;

#[derive(Clone, Debug, PartialEq)]
pub struct GeneralsScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// What A1 proposes: "Attack at {attack_time}".
    pub attack_time: String,
    /// k: messenger 1 is the proposal, each later one acknowledges the one before.
    pub messages: u32,
    /// When both generals decide whether to attack (virtual time).
    pub decide_at_ms: f64,
    pub latency_ms: [f64; 2],
    /// The chance each messenger is captured (fair-loss link).
    pub loss: f64,
    /// Messengers captured for certain, by number (1 to k).
    pub lose: Vec<u32>,
}

const FIELDS: &[&str] = &[
    "protocol",
    "name",
    "description",
    "seed",
    "attack_time",
    "messages",
    "decide_at_ms",
    "latency_ms",
    "loss",
    "lose",
];

impl GeneralsScenario {
    /// Read and check a scenario (the caller has already seen `"protocol": "two-generals"`;
    /// it is checked again here).
    pub fn from_json(text: &str) -> Result<GeneralsScenario, ScenarioError> {
        let value = reading::parse(text)?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<GeneralsScenario, ScenarioError> {
        let reading::Header { map, name, description, seed } =
            reading::header(value, FIELDS, TWO_GENERALS, "Two Generals'", SeedWords::Range)?;
        let attack_time = match map.get("attack_time") {
            None => "09:00 on August 4".to_string(),
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= MAX_ATTACK_TIME_BYTES => s.clone(),
            Some(_) => {
                return err(
                    "attack_time",
                    format!("must be a non-empty string of at most {MAX_ATTACK_TIME_BYTES} bytes"),
                )
            }
        };
        let messages = whole(map.get("messages"), "messages", 1, MAX_MESSAGES as u64)?.ok_or_else(|| {
            ScenarioError::new(
                "messages",
                format!("must say how many messengers the protocol sends, 1 to {MAX_MESSAGES}"),
            )
        })? as u32;
        let latency_ms = range(map.get("latency_ms"), "latency_ms", 0.001, MAX_LATENCY_MS, [10.0, 40.0])?;
        // Every messenger that is not captured crosses within the highest latency, one after
        // the other: by this time all k have arrived.
        let all_across = messages as f64 * latency_ms[1];
        let decide_at_ms = number(map.get("decide_at_ms"), "decide_at_ms", 0.0, MAX_LATENCY_MS * 25.0)?
            .unwrap_or(all_across + latency_ms[1]);
        if ms_to_us(decide_at_ms) <= ms_to_us(all_across) {
            return err(
                "decide_at_ms",
                format!(
                    "the generals must decide after every messenger could have crossed: above messages × highest latency = {all_across} ms"
                ),
            );
        }
        let loss = number(map.get("loss"), "loss", 0.0, 1.0)?.unwrap_or(0.0);
        let mut lose: Vec<u32> = Vec::new();
        match map.get("lose") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, v) in list.iter().enumerate() {
                    let field = format!("lose[{i}]");
                    let n = whole(Some(v), &field, 1, messages as u64)?.unwrap_or(1) as u32;
                    if lose.contains(&n) {
                        return err(field, format!("messenger {n} is listed twice"));
                    }
                    lose.push(n);
                }
            }
            Some(_) => return err("lose", format!("must list the messengers captured for certain, 1 to {messages}")),
        }
        lose.sort_unstable();
        Ok(GeneralsScenario { name, description, seed, attack_time, messages, decide_at_ms, latency_ms, loss, lose })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_in_and_the_deadline_follows_k() {
        let s = GeneralsScenario::from_json(r#"{"protocol": "two-generals", "name": "t", "messages": 4}"#).unwrap();
        assert_eq!((s.decide_at_ms, s.loss, s.attack_time.as_str()), (200.0, 0.0, "09:00 on August 4"));
    }
}
