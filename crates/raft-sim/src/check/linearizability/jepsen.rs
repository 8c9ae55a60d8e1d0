//! Jepsen's log of a compare-and-set register, as in Porcupine's `test_data/jepsen`:
//!
//! ```text
//! INFO  jepsen.util - 3 :invoke :cas [1 4]
//! INFO  jepsen.util - 3 :fail :cas [1 4]
//! INFO  jepsen.util - 0 :invoke :read nil
//! INFO  jepsen.util - 0 :ok :read 2
//! INFO  jepsen.util - 4 :info :write :timed-out
//! ```
//!
//! (Tabs separate the fields in the files.) Each line is a process (an integer; `:nemesis` lines are skipped), a type (`:invoke`, `:ok`,
//! `:fail`, `:info`), a function (`:read`, `:write`, `:cas`) and a value; the logger's prefix
//! (`INFO  jepsen.util - `) is optional. What the completions mean, agreeing with Porcupine's
//! `parseJepsenLog` and `etcdModel`:
//! - `:ok :read nil|N`: the read saw nil or N.
//! - `:ok :write N`, `:ok :cas [from to]`: it happened.
//! - `:fail :cas [from to]`: the compare failed: the value was not `from`, nothing changed.
//! - `:fail :read ...` (Porcupine's `:timed-out`): the read's answer is unknown; it constrains
//!   nothing.
//! - `:info ...`, or no completion at all: the operation may or may not have taken effect, at
//!   any time after its invocation (Porcupine completes it at the end of the history with an
//!   unknown output, which is the same).
//! - `:fail :write` (not in Porcupine's data; Porcupine would take it as unknown): Jepsen's
//!   meaning, it did not happen.
use super::history::{lines, Builder, Completion, Input, Operation, Output, ParseError};

/// The event part of a line: after the logger's ` - ` if there is one.
pub(crate) fn event_body(line: &str) -> &str {
    match line.find(" - ") {
        Some(i) => line[i + 3..].trim_start(),
        None => line,
    }
}

/// Read a Jepsen register log (see the module's docs).
pub fn parse(text: &str) -> Result<Vec<Operation>, ParseError> {
    let mut b = Builder::new();
    for item in lines(text) {
        let (n, line) = item?;
        let body = event_body(line);
        let (process, rest) = token(body);
        if process.starts_with(':') {
            continue; // the nemesis: faults, not operations
        }
        let client: u64 = process.parse().map_err(|_| {
            ParseError::new(
                n,
                "process",
                format!("expected a process number, found '{}' (a Jepsen log line is `INFO  jepsen.util - PROCESS TYPE F VALUE`)", clip(process)),
            )
        })?;
        let (kind, rest) = token(rest);
        let (f, rest) = token(rest);
        let value = rest.trim();
        let completion = match kind {
            ":invoke" => None,
            ":ok" => Some(Completion::Ok),
            ":fail" => Some(Completion::Fail),
            ":info" => Some(Completion::Info),
            other => {
                return Err(ParseError::new(
                    n,
                    "type",
                    format!("expected :invoke, :ok, :fail or :info, found '{}'", clip(other)),
                ))
            }
        };
        if !matches!(f, ":read" | ":write" | ":cas") {
            return Err(ParseError::new(
                n,
                "f",
                format!("expected :read, :write or :cas (a register), found '{}'", clip(f)),
            ));
        }
        match completion {
            None => {
                let input = match f {
                    ":read" => {
                        if value != "nil" {
                            return Err(ParseError::new(
                                n,
                                "value",
                                format!("a read is invoked with nil, found '{}'", clip(value)),
                            ));
                        }
                        Input::Read
                    }
                    ":write" => Input::Write { value: int(n, value)? },
                    _ => {
                        let (from, to) = pair(n, value)?;
                        Input::Cas { from, to }
                    }
                };
                b.invoke(n, client, input)?;
            }
            Some(how) => {
                let pending = b.pending(n, client)?;
                let same = matches!(
                    (&pending.input, f),
                    (Input::Read, ":read") | (Input::Write { .. }, ":write") | (Input::Cas { .. }, ":cas")
                );
                if !same {
                    return Err(ParseError::new(
                        n,
                        "f",
                        format!(
                            "process {client} completes {f} but invoked {} on line {}",
                            pending.describe(),
                            pending.line
                        ),
                    ));
                }
                let output = match (how, &pending.input) {
                    (Completion::Info, _) => Output::Unknown,
                    (Completion::Ok, Input::Read) => {
                        Output::Int(if value == "nil" { None } else { Some(int(n, value)?) })
                    }
                    (Completion::Ok, Input::Write { value: written }) => {
                        let v = int(n, value)?;
                        if v != *written {
                            return Err(ParseError::new(
                                n,
                                "value",
                                format!("the write of {written} completes as a write of {v}"),
                            ));
                        }
                        Output::Ok
                    }
                    (Completion::Ok | Completion::Fail, Input::Cas { from, to }) => {
                        if how == Completion::Fail && !value.starts_with('[') {
                            // A failure without the compared values: nothing is known of what
                            // it saw, and it did not happen.
                            Output::Fail
                        } else {
                            let (f2, t2) = pair(n, value)?;
                            if (f2, t2) != (*from, *to) {
                                return Err(ParseError::new(
                                    n,
                                    "value",
                                    format!("the cas [{from} {to}] completes as [{f2} {t2}]"),
                                ));
                            }
                            if how == Completion::Ok {
                                Output::Ok
                            } else {
                                Output::Fail
                            }
                        }
                    }
                    (_, _) => Output::Fail,
                };
                b.complete(n, client, how, output)?;
            }
        }
    }
    Ok(b.finish())
}

/// The first whitespace-separated token of `s`, and the rest.
fn token(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    s.split_at(end)
}

/// At most 40 characters of a token, for messages.
fn clip(s: &str) -> String {
    if s.is_empty() {
        return "nothing".to_string();
    }
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out.escape_debug().to_string()
}

fn int(line: usize, s: &str) -> Result<i64, ParseError> {
    s.parse().map_err(|_| ParseError::new(line, "value", format!("expected an integer, found '{}'", clip(s))))
}

/// `[from to]`.
fn pair(line: usize, s: &str) -> Result<(i64, i64), ParseError> {
    let inner = s.strip_prefix('[').and_then(|s| s.strip_suffix(']'));
    let parts: Vec<&str> = inner.map(|i| i.split_whitespace().collect()).unwrap_or_default();
    match parts.as_slice() {
        [a, b] => Ok((int(line, a)?, int(line, b)?)),
        _ => Err(ParseError::new(line, "value", format!("expected [FROM TO], found '{}'", clip(s)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ParseError {
        parse(text).expect_err("should not parse")
    }

    #[test]
    fn reads_porcupines_lines() {
        let text = "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n\
                    INFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]\n\
                    INFO  jepsen.util - 2\t:invoke\t:write\t3\n\
                    INFO  jepsen.util - 0\t:ok\t:read\tnil\n\
                    INFO  jepsen.util - 1\t:fail\t:cas\t[1 4]\n\
                    INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n\
                    INFO  jepsen.util - 3\t:invoke\t:read\tnil\n\
                    INFO  jepsen.util - 3\t:fail\t:read\t:timed-out\n\
                    INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n\
                    4 :invoke :cas [2 3]\n";
        let ops = parse(text).unwrap();
        assert_eq!(ops.len(), 5);
        assert_eq!((ops[0].call, ops[0].ret, &ops[0].output), (0, Some(3), &Output::Int(None)));
        assert_eq!((ops[1].input.clone(), ops[1].output.clone()), (Input::Cas { from: 1, to: 4 }, Output::Fail));
        assert_eq!((ops[2].ret, ops[2].ret_line, &ops[2].output), (None, Some(6), &Output::Unknown));
        assert_eq!(ops[3].output, Output::Fail);
        assert_eq!((ops[4].line, ops[4].ret, &ops[4].output), (10, None, &Output::Unknown), "never completed");
        assert_eq!(ops[1].describe(), "cas(1, 4) -> fail");
        assert_eq!(ops[0].describe(), "read() -> nil");
        assert_eq!(ops[2].describe(), "write(3) -> unknown");
    }

    #[test]
    fn malformed_lines_name_their_line_and_field() {
        let e = err("0 :invoke :read nil\nhello world\n");
        assert_eq!((e.line, e.field), (2, "process"), "{e}");
        let e = err("0 :invoke :read nil\n0 :done :read nil\n");
        assert_eq!((e.line, e.field), (2, "type"), "{e}");
        let e = err("0 :invoke :increment 1\n");
        assert_eq!((e.line, e.field), (1, "f"), "{e}");
        let e = err("0 :invoke :write x\n");
        assert_eq!((e.line, e.field), (1, "value"), "{e}");
        let e = err("0 :invoke :cas [1]\n");
        assert_eq!((e.line, e.field), (1, "value"), "{e}");
        let e = err("0 :invoke :write 99999999999999999999999\n");
        assert_eq!((e.line, e.field), (1, "value"), "{e}");
        // A completion nobody invoked.
        let e = err("0 :invoke :read nil\n\n1 :ok :read 3\n");
        assert_eq!((e.line, e.field), (3, "process"), "{e}");
        // Two invocations by one process.
        let e = err("0 :invoke :read nil\n0 :invoke :write 1\n");
        assert_eq!((e.line, e.field), (2, "process"), "{e}");
        assert!(e.message.contains("line 1"), "{e}");
        // A completion of another function.
        let e = err("0 :invoke :read nil\n0 :ok :write 1\n");
        assert_eq!((e.line, e.field), (2, "f"), "{e}");
        let e = err("0 :invoke :cas [1 2]\n0 :ok :cas [1 3]\n");
        assert_eq!((e.line, e.field), (2, "value"), "{e}");
        let e = err("0 :invoke :read nil\n0 :ok :read\n");
        assert_eq!((e.line, e.field), (2, "value"), "{e}");
        let long = format!("0 :invoke :write {}\n", "1".repeat(super::super::history::MAX_LINE_BYTES));
        assert_eq!(err(&long).field, "line");
    }
}
