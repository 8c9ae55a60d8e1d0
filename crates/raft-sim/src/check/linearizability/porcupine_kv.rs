//! Porcupine's key-value log, as in its `test_data/kv`: one EDN map a line,
//!
//! ```text
//! {:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}
//! {:process 1, :type :invoke, :f :get, :key "9", :value nil}
//! {:process 9, :type :ok, :f :append, :key "0", :value "x 9 0 y"}
//! {:process 1, :type :ok, :f :get, :key "9", :value "x 5 0 y"}
//! ```
//!
//! Fields: `:process` (an integer; a keyword such as `:nemesis` marks a line to skip), `:type`
//! (`:invoke`, `:ok`, `:fail`, `:info`), `:f` (`:get`, `:put`, `:append`), `:key` (a string) and
//! `:value` (a string, or nil for a get's invocation); other fields (`:time`, `:index`) are
//! ignored. As in Porcupine's `parseKvLog` and `kvModel`: a get's `:ok` carries the value read
//! ("" for an absent key; nil is read as ""), put and append return nothing. A `:fail` did not
//! happen; an `:info`, or no completion, may or may not have (for a get: it constrains nothing,
//! where Porcupine would make an unanswered get read "" at the end of the history; its data has
//! none).
use super::history::{lines, Builder, Completion, Input, Operation, Output, ParseError};

/// A value of the EDN subset the format uses.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Edn {
    Nil,
    Int(i64),
    Keyword(String),
    Str(String),
}

impl Edn {
    fn shown(&self) -> String {
        match self {
            Edn::Nil => "nil".to_string(),
            Edn::Int(i) => i.to_string(),
            Edn::Keyword(k) => format!(":{k}"),
            Edn::Str(s) => format!("{:?}", s.chars().take(40).collect::<String>()),
        }
    }
}

/// The fields of one line.
#[derive(Default)]
struct Fields {
    process: Option<Edn>,
    kind: Option<Edn>,
    f: Option<Edn>,
    key: Option<Edn>,
    value: Option<Edn>,
}

/// Read a Porcupine key-value log (see the module's docs).
pub fn parse(text: &str) -> Result<Vec<Operation>, ParseError> {
    let mut b = Builder::new();
    for item in lines(text) {
        let (n, line) = item?;
        let fields = map(n, line)?;
        let client = match fields.process {
            Some(Edn::Int(p)) if p >= 0 => p as u64,
            Some(Edn::Keyword(_)) => continue, // the nemesis: faults, not operations
            Some(other) => {
                return Err(ParseError::new(
                    n,
                    "process",
                    format!("expected a process number, found {}", other.shown()),
                ))
            }
            None => return Err(ParseError::new(n, "process", "missing :process")),
        };
        let kind = keyword(n, "type", fields.kind, &["invoke", "ok", "fail", "info"])?;
        let f = keyword(n, "f", fields.f, &["get", "put", "append"])?;
        let key = match fields.key {
            Some(Edn::Str(k)) => k,
            Some(other) => {
                return Err(ParseError::new(n, "key", format!("expected a string, found {}", other.shown())))
            }
            None => return Err(ParseError::new(n, "key", "missing :key")),
        };
        if kind == "invoke" {
            let value = || match &fields.value {
                Some(Edn::Str(v)) => Ok(v.clone()),
                Some(other) => Err(ParseError::new(n, "value", format!("expected a string, found {}", other.shown()))),
                None => Err(ParseError::new(n, "value", "missing :value")),
            };
            let input = match f {
                "get" => Input::Get { key },
                "put" => Input::Put { key, value: value()? },
                _ => Input::Append { key, value: value()? },
            };
            b.invoke(n, client, input)?;
            continue;
        }
        let pending = b.pending(n, client)?;
        let (same, invoked_key) = match &pending.input {
            Input::Get { key } => (f == "get", key),
            Input::Put { key, .. } => (f == "put", key),
            Input::Append { key, .. } => (f == "append", key),
            _ => (false, &key),
        };
        if !same {
            return Err(ParseError::new(
                n,
                "f",
                format!("process {client} completes :{f} but invoked {} on line {}", pending.describe(), pending.line),
            ));
        }
        if *invoked_key != key {
            return Err(ParseError::new(
                n,
                "key",
                format!(
                    "process {client} completes on key {key:?} but invoked on {invoked_key:?} on line {}",
                    pending.line
                ),
            ));
        }
        let (how, output) = match kind {
            "ok" if f == "get" => match fields.value {
                Some(Edn::Str(v)) => (Completion::Ok, Output::Text(v)),
                Some(Edn::Nil) => (Completion::Ok, Output::Text(String::new())),
                Some(other) => {
                    return Err(ParseError::new(n, "value", format!("a get returns a string, found {}", other.shown())))
                }
                None => return Err(ParseError::new(n, "value", "missing :value: what the get read")),
            },
            "ok" => (Completion::Ok, Output::Ok),
            "fail" => (Completion::Fail, Output::Fail),
            _ => (Completion::Info, Output::Unknown),
        };
        b.complete(n, client, how, output)?;
    }
    Ok(b.finish())
}

/// A keyword field that must be one of `allowed` (given without the colon).
fn keyword(
    line: usize,
    field: &'static str,
    value: Option<Edn>,
    allowed: &[&'static str],
) -> Result<&'static str, ParseError> {
    let expected = allowed.iter().map(|a| format!(":{a}")).collect::<Vec<_>>().join(", ");
    match value {
        Some(Edn::Keyword(k)) => match allowed.iter().find(|a| **a == k) {
            Some(a) => Ok(a),
            None => Err(ParseError::new(line, field, format!("expected one of {expected}, found :{k}"))),
        },
        Some(other) => {
            Err(ParseError::new(line, field, format!("expected one of {expected}, found {}", other.shown())))
        }
        None => Err(ParseError::new(line, field, format!("missing :{field}"))),
    }
}

/// One line: `{:name value, ...}`.
fn map(n: usize, line: &str) -> Result<Fields, ParseError> {
    let mut p = Reader { s: line.as_bytes(), at: 0, line: n };
    let mut fields = Fields::default();
    if !p.eat(b'{') {
        return Err(ParseError::new(
            n,
            "line",
            "expected a map: `{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}`",
        ));
    }
    loop {
        p.skip();
        if p.eat(b'}') {
            break;
        }
        if p.peek().is_none() {
            return Err(ParseError::new(n, "line", "the map is not closed with }"));
        }
        let name = match p.value("line")? {
            Edn::Keyword(k) => k,
            other => {
                return Err(ParseError::new(
                    n,
                    "line",
                    format!("expected a field name such as :process, found {}", other.shown()),
                ))
            }
        };
        p.skip();
        let slot = match name.as_str() {
            "process" => Some((&mut fields.process, "process")),
            "type" => Some((&mut fields.kind, "type")),
            "f" => Some((&mut fields.f, "f")),
            "key" => Some((&mut fields.key, "key")),
            "value" => Some((&mut fields.value, "value")),
            _ => None,
        };
        match slot {
            Some((slot, field)) => {
                let v = p.value(field)?;
                if slot.replace(v).is_some() {
                    return Err(ParseError::new(n, field, format!(":{field} appears twice")));
                }
            }
            None => {
                p.value("line")?; // another field (:time, :index ...): read and ignored
            }
        }
    }
    p.skip();
    if p.peek().is_some() {
        return Err(ParseError::new(n, "line", "something follows the map's closing }"));
    }
    Ok(fields)
}

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
    line: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let yes = self.peek() == Some(b);
        if yes {
            self.at += 1;
        }
        yes
    }

    /// Whitespace and commas (EDN's commas are whitespace).
    fn skip(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace() || b == b',') {
            self.at += 1;
        }
    }

    fn symbol(&mut self) -> &str {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b"-_?!.*+/<>=".contains(&b)) {
            self.at += 1;
        }
        std::str::from_utf8(&self.s[start..self.at]).unwrap_or("")
    }

    fn value(&mut self, field: &'static str) -> Result<Edn, ParseError> {
        let line = self.line;
        match self.peek() {
            Some(b':') => {
                self.at += 1;
                let k = self.symbol();
                if k.is_empty() {
                    return Err(ParseError::new(line, field, "a lone ':'"));
                }
                Ok(Edn::Keyword(k.to_string()))
            }
            Some(b'"') => {
                self.at += 1;
                let mut out: Vec<u8> = Vec::new();
                loop {
                    match self.peek() {
                        None => return Err(ParseError::new(line, field, "the string is not closed")),
                        Some(b'"') => {
                            self.at += 1;
                            break;
                        }
                        Some(b'\\') => {
                            self.at += 1;
                            let c = match self.peek() {
                                Some(b'n') => b'\n',
                                Some(b't') => b'\t',
                                Some(b'r') => b'\r',
                                Some(c @ (b'"' | b'\\')) => c,
                                _ => return Err(ParseError::new(line, field, "an unknown escape in the string")),
                            };
                            out.push(c);
                            self.at += 1;
                        }
                        Some(c) => {
                            out.push(c);
                            self.at += 1;
                        }
                    }
                }
                // The input was a &str and escapes are ASCII, so this is UTF-8.
                Ok(Edn::Str(String::from_utf8(out).unwrap_or_default()))
            }
            Some(b) if b == b'-' || b.is_ascii_digit() => {
                let t = self.symbol();
                t.parse().map(Edn::Int).map_err(|_| ParseError::new(line, field, format!("'{t}' is not an integer")))
            }
            _ => {
                let t = self.symbol().to_string();
                match t.as_str() {
                    "nil" => Ok(Edn::Nil),
                    "" => {
                        Err(ParseError::new(line, field, "expected a value (a string, an integer, a keyword or nil)"))
                    }
                    other => Err(ParseError::new(line, field, format!("'{}' is not a value of this format", other))),
                }
            }
        }
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
        let text = r#"{:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}
{:process 1, :type :invoke, :f :get, :key "0", :value nil}
{:process 9, :type :ok, :f :append, :key "0", :value "x 9 0 y"}
{:process 1, :type :ok, :f :get, :key "0", :value "x \"9\" 0 y"}
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 2, :type :invoke, :f :put, :key "1", :value "a", :time 12}
{:process 2, :type :info, :f :put, :key "1", :value "a"}
"#;
        let ops = parse(text).unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!((ops[0].call, ops[0].ret), (0, Some(2)));
        assert_eq!(ops[1].output, Output::Text("x \"9\" 0 y".into()));
        assert_eq!(ops[1].describe(), "get('0') -> 'x \"9\" 0 y'");
        assert_eq!(ops[0].describe(), "append('0', 'x 9 0 y')");
        assert_eq!((ops[2].ret, &ops[2].output), (None, &Output::Unknown));
        assert_eq!(ops[2].describe(), "put('1', 'a') -> unknown");
    }

    #[test]
    fn malformed_lines_name_their_line_and_field() {
        let ok = r#"{:process 1, :type :invoke, :f :get, :key "0", :value nil}"#;
        let cases: &[(&str, &str)] = &[
            ("garbage", "line"),
            (r#"{:process 1, :type :invoke, :f :get, :key "0", :value nil"#, "line"),
            (r#"{:process 1, :type :invoke, :f :get, :key "0", :value nil} extra"#, "line"),
            (r#"{:process "one", :type :invoke, :f :get, :key "0"}"#, "process"),
            (r#"{:type :invoke, :f :get, :key "0"}"#, "process"),
            (r#"{:process 2, :type :begin, :f :get, :key "0"}"#, "type"),
            (r#"{:process 2, :type :invoke, :f :cas, :key "0"}"#, "f"),
            (r#"{:process 2, :type :invoke, :f :get, :key 0}"#, "key"),
            (r#"{:process 2, :type :invoke, :f :put, :key "0", :value nil}"#, "value"),
            (r#"{:process 2, :type :invoke, :f :put, :key "0", :value "unclosed}"#, "value"),
            (r#"{:process 2, :process 3, :type :invoke, :f :get, :key "0"}"#, "process"),
            (r#"{:process 2, :type :ok, :f :get, :key "0", :value "x"}"#, "process"),
            (r#"{:process 1, :type :invoke, :f :get, :key "0", :value nil}"#, "process"),
            (r#"{:process 1, :type :ok, :f :put, :key "0", :value "x"}"#, "f"),
            (r#"{:process 1, :type :ok, :f :get, :key "1", :value "x"}"#, "key"),
            (r#"{:process 1, :type :ok, :f :get, :key "0", :value 3}"#, "value"),
            (r#"{:process 1, :type :ok, :f :get, :key "0", :value 99999999999999999999}"#, "value"),
            ("{:process 1, :type :ok, :f :get, :key \"0\", :value \"\0\u{7f}\"} \u{0}", "line"),
        ];
        for (bad, field) in cases {
            let text = format!("{ok}\n\n{bad}\n");
            let e = err(&text);
            assert_eq!((e.line, e.field), (3, *field), "{bad}: {e}");
        }
    }
}
