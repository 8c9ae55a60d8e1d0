//! The model's state along a linearization, in words, for the page's scrubber (Porcupine's
//! visualiser shows the same beside each step). A replay, not a check: the operations are
//! applied in the order given, as the search's models apply them once it has accepted them, so
//! a linearization the search found reads as the states it went through.
use super::history::{History, Input, ModelKind, Output};

/// The state before the first operation of `lin` (indices into `history.ops`, one partition)
/// and after each of them: a register's value ("nil", "3"), or the partition's key's value in
/// quotes ("'x 0 1 y'"; an absent key reads as ""). Indices out of range are skipped.
pub fn states(history: &History, lin: &[usize]) -> Vec<String> {
    let mut out = Vec::with_capacity(lin.len() + 1);
    match history.model {
        ModelKind::Register => {
            let mut value: Option<i64> = None;
            let show = |v: Option<i64>| v.map_or_else(|| "nil".to_string(), |v| v.to_string());
            out.push(show(value));
            for op in lin.iter().filter_map(|&i| history.ops.get(i)) {
                match (&op.input, &op.output) {
                    (Input::Write { value: v }, Output::Ok | Output::Unknown) => value = Some(*v),
                    (Input::Cas { to, .. }, Output::Ok | Output::Unknown) => value = Some(*to),
                    _ => {}
                }
                out.push(show(value));
            }
        }
        ModelKind::KeyValue => {
            // The value grows by appends taken from the history's text (each operation once),
            // so it stays within the text's size; each description is cut to its tail, so the
            // descriptions of a long run of appends stay small too.
            let mut value = String::new();
            out.push(quoted_tail(&value));
            for op in lin.iter().filter_map(|&i| history.ops.get(i)) {
                match (&op.input, &op.output) {
                    (Input::Put { value: v, .. }, Output::Ok | Output::Unknown) => value = v.clone(),
                    (Input::Append { value: v, .. }, Output::Ok | Output::Unknown) => value.push_str(v),
                    _ => {}
                }
                out.push(quoted_tail(&value));
            }
        }
    }
    out
}

/// The longest state description, in characters: a longer value shows its end after "…".
pub const MAX_STATE_CHARS: usize = 120;

fn quoted_tail(value: &str) -> String {
    let count = value.chars().count();
    if count <= MAX_STATE_CHARS {
        return format!("'{value}'");
    }
    let tail: String = value.chars().skip(count - (MAX_STATE_CHARS - 1)).collect();
    format!("'…{tail}'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::linearizability::history::parse;

    #[test]
    fn a_register_reads_nil_then_each_write_and_cas() {
        let text = "0\t:invoke\t:write\t1\n0\t:ok\t:write\t1\n1\t:invoke\t:cas\t[1 4]\n1\t:ok\t:cas\t[1 4]\n\
                    2\t:invoke\t:read\tnil\n2\t:ok\t:read\t4\n";
        let h = parse(text, None).expect("parses");
        assert_eq!(states(&h, &[0, 1, 2]), ["nil", "1", "4", "4"]);
        assert_eq!(states(&h, &[]), ["nil"]);
        assert_eq!(states(&h, &[7]), ["nil"], "an index out of range is skipped");
    }

    #[test]
    fn a_key_value_partition_puts_and_appends() {
        let text = "{:process 0, :type :invoke, :f :put, :key \"a\", :value \"x\"}\n\
                    {:process 0, :type :ok, :f :put, :key \"a\", :value \"x\"}\n\
                    {:process 1, :type :invoke, :f :append, :key \"a\", :value \"y\"}\n\
                    {:process 1, :type :ok, :f :append, :key \"a\", :value \"y\"}\n";
        let h = parse(text, None).expect("parses");
        assert_eq!(states(&h, &[0, 1]), ["''", "'x'", "'xy'"]);
    }

    #[test]
    fn a_long_value_shows_its_end() {
        let long = "y".repeat(300) + "end";
        let text = format!(
            "{{:process 0, :type :invoke, :f :put, :key \"a\", :value \"{long}\"}}\n\
             {{:process 0, :type :ok, :f :put, :key \"a\", :value \"{long}\"}}\n"
        );
        let h = parse(&text, None).expect("parses");
        let after = &states(&h, &[0])[1];
        assert!(after.starts_with("'…") && after.ends_with("end'"), "{after}");
        assert_eq!(after.chars().count(), MAX_STATE_CHARS + 2);
    }
}
