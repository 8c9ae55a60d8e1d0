//! Histories from elsewhere: the operations of a Jepsen log or a Porcupine key-value log, as
//! the checker and the page see them, and the bounded, strict reading of their text.
//!
//! Both formats are a sequence of events, one a line: a client (Jepsen's "process") invokes an
//! operation, and later the same client's completion says `:ok` (it happened, with this result),
//! `:fail` (it did not happen) or `:info` (nobody knows: a timeout, a crash). An operation whose
//! completion is `:info`, or missing, may or may not have taken effect, at any time after its
//! invocation: as Porcupine and Knossos treat them. The history's clock is the position of its
//! events: an operation's `call` and `ret` are the indices of its invocation and completion
//! among the event lines.
//!
//! Reading never panics and never uses unbounded memory: the text, the line length and the
//! number of operations are capped, and any line that is not an event of the format is an
//! error naming its line and the field at fault (the process, the type, the function, the
//! value ...). The formats themselves are in [`super::jepsen`] and [`super::porcupine_kv`].
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The most bytes of history text read (the CLI reads files with the same cap).
pub const MAX_HISTORY_BYTES: usize = 1 << 20;
/// The longest line read. The vendored histories' longest is under 600 bytes.
pub const MAX_LINE_BYTES: usize = 64 << 10;
/// The most operations (invocations) one history may hold.
pub const MAX_OPERATIONS: usize = 50_000;

/// A file format for histories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Jepsen's log of a compare-and-set register (`INFO  jepsen.util - 3 :invoke :cas [1 4]`),
    /// as in Porcupine's `test_data/jepsen`.
    Jepsen,
    /// Porcupine's key-value log, one EDN map a line
    /// (`{:process 2, :type :ok, :f :get, :key "1", :value "x 2 0 y"}`), as in `test_data/kv`.
    PorcupineKv,
}

impl Format {
    /// The name the CLI and JSON use: "jepsen" or "porcupine-kv".
    pub fn name(self) -> &'static str {
        match self {
            Format::Jepsen => "jepsen",
            Format::PorcupineKv => "porcupine-kv",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "jepsen" => Some(Format::Jepsen),
            "porcupine-kv" => Some(Format::PorcupineKv),
            _ => None,
        }
    }

    /// The model a history in this format is checked against.
    pub fn model(self) -> ModelKind {
        match self {
            Format::Jepsen => ModelKind::Register,
            Format::PorcupineKv => ModelKind::KeyValue,
        }
    }
}

/// The object a history is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// A register with read, write and compare-and-set, initially nil.
    Register,
    /// A key-value store with get, put and append; an absent key reads as "".
    KeyValue,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Register => "register",
            ModelKind::KeyValue => "key-value",
        }
    }
}

/// What an operation asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "f")]
pub enum Input {
    Read,
    Write { value: i64 },
    Cas { from: i64, to: i64 },
    Get { key: String },
    Put { key: String, value: String },
    Append { key: String, value: String },
}

/// What it answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Output {
    /// It never returned (`:info`, or no completion): it may or may not have taken effect.
    Unknown,
    /// `:fail`: it did not take effect (a failed cas also says the value was not `from`).
    Fail,
    /// `:ok`, with nothing to return (write, cas, put, append).
    Ok,
    /// A register read's value (None: nil).
    Int(Option<i64>),
    /// A get's value.
    Text(String),
}

/// One operation of a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Operation {
    /// The client (Jepsen's process) that ran it.
    pub client: u64,
    /// The position of its invocation among the history's events (the history's clock).
    pub call: u64,
    /// The position of its completion; None when it never returned (`:info`, or no completion).
    pub ret: Option<u64>,
    pub input: Input,
    pub output: Output,
    /// The 1-based line of its invocation in the file.
    pub line: usize,
    /// The line of its completion (`:ok`, `:fail` or `:info`), if any.
    pub ret_line: Option<usize>,
}

impl Operation {
    /// The key it touches (key-value operations).
    pub fn key(&self) -> Option<&str> {
        match &self.input {
            Input::Get { key } | Input::Put { key, .. } | Input::Append { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The operation as Porcupine's visualiser words it: "read() -> 3", "write(3)",
    /// "cas(1, 4) -> ok", "get('3') -> 'x 0 1 y'", "append('3', 'y')"; an operation that did
    /// not answer ends in "-> unknown", one that failed in "-> fail".
    pub fn describe(&self) -> String {
        let status = match &self.output {
            Output::Unknown => " -> unknown",
            Output::Fail => " -> fail",
            _ => "",
        };
        match (&self.input, &self.output) {
            (Input::Read, Output::Int(v)) => format!("read() -> {}", v.map_or("nil".to_string(), |v| v.to_string())),
            (Input::Read, _) => format!("read(){status}"),
            (Input::Write { value }, _) => format!("write({value}){status}"),
            (Input::Cas { from, to }, Output::Ok) => format!("cas({from}, {to}) -> ok"),
            (Input::Cas { from, to }, _) => format!("cas({from}, {to}){status}"),
            (Input::Get { key }, Output::Text(v)) => format!("get('{key}') -> '{v}'"),
            (Input::Get { key }, _) => format!("get('{key}'){status}"),
            (Input::Put { key, value }, _) => format!("put('{key}', '{value}'){status}"),
            (Input::Append { key, value }, _) => format!("append('{key}', '{value}'){status}"),
        }
    }
}

/// A parsed history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct History {
    pub format: Format,
    pub model: ModelKind,
    /// In invocation order.
    pub ops: Vec<Operation>,
}

/// Why a history could not be read: the line (1-based; 0 for the file as a whole), the field
/// at fault and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub line: usize,
    pub field: &'static str,
    pub message: String,
}

impl ParseError {
    pub fn new(line: usize, field: &'static str, message: impl Into<String>) -> ParseError {
        ParseError { line, field, message: message.into() }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.field, self.message)
        } else {
            write!(f, "line {}, {}: {}", self.line, self.field, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// Which format `text` is in, from its first non-blank line: a `{` opens a Porcupine
/// key-value map; a Jepsen event (`PROCESS :invoke ...`, with or without the logger's
/// `INFO  jepsen.util - ` before it) is Jepsen's. None: neither.
pub fn detect(text: &str) -> Option<Format> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if first.starts_with('{') {
        return Some(Format::PorcupineKv);
    }
    let body = super::jepsen::event_body(first);
    let mut tokens = body.split_whitespace();
    let _process = tokens.next()?;
    matches!(tokens.next()?, ":invoke" | ":ok" | ":fail" | ":info").then_some(Format::Jepsen)
}

/// Read a history in `format` (None: [`detect`] it), within the caps above. Errors name the
/// line and the field.
pub fn parse(text: &str, format: Option<Format>) -> Result<History, ParseError> {
    if text.len() > MAX_HISTORY_BYTES {
        return Err(ParseError::new(
            0,
            "file",
            format!("{} bytes is more than the {} a history may hold", text.len(), MAX_HISTORY_BYTES),
        ));
    }
    if text.trim().is_empty() {
        return Err(ParseError::new(0, "file", "the file is empty: no operations"));
    }
    let format = match format.or_else(|| detect(text)) {
        Some(f) => f,
        None => {
            let line = text.lines().position(|l| !l.trim().is_empty()).map_or(1, |i| i + 1);
            return Err(ParseError::new(
                line,
                "format",
                "neither a Jepsen log (`INFO  jepsen.util - 0\t:invoke\t:read\tnil`) nor a Porcupine key-value log \
                 (`{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}`)",
            ));
        }
    };
    let ops = match format {
        Format::Jepsen => super::jepsen::parse(text)?,
        Format::PorcupineKv => super::porcupine_kv::parse(text)?,
    };
    if ops.is_empty() {
        return Err(ParseError::new(0, "file", "no operations: the file holds no invocation"));
    }
    Ok(History { format, model: format.model(), ops })
}

/// The lines of `text` with their 1-based numbers, blank ones skipped, each within
/// [`MAX_LINE_BYTES`].
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Result<(usize, &str), ParseError>> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let line = l.trim();
        if line.is_empty() {
            None
        } else if l.len() > MAX_LINE_BYTES {
            Some(Err(ParseError::new(
                i + 1,
                "line",
                format!("{} bytes is longer than the {MAX_LINE_BYTES} a line may hold", l.len()),
            )))
        } else {
            Some(Ok((i + 1, line)))
        }
    })
}

/// How a completion line ended an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Completion {
    Ok,
    Fail,
    Info,
}

/// Pairs invocations with their completions, client by client, for both formats.
pub(crate) struct Builder {
    ops: Vec<Operation>,
    /// The client's operation awaiting its completion.
    pending: BTreeMap<u64, usize>,
    clock: u64,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder { ops: Vec::new(), pending: BTreeMap::new(), clock: 0 }
    }

    /// A client invokes `input`: it must not have an operation pending already.
    pub(crate) fn invoke(&mut self, line: usize, client: u64, input: Input) -> Result<(), ParseError> {
        if let Some(&k) = self.pending.get(&client) {
            let op = &self.ops[k];
            return Err(ParseError::new(
                line,
                "process",
                format!(
                    "process {client} invokes again while its {} of line {} has not completed (each process runs one \
                     operation at a time)",
                    op.describe().split(['(', ' ']).next().unwrap_or("operation"),
                    op.line
                ),
            ));
        }
        if self.ops.len() >= MAX_OPERATIONS {
            return Err(ParseError::new(line, "file", format!("more than {MAX_OPERATIONS} operations")));
        }
        self.pending.insert(client, self.ops.len());
        self.ops.push(Operation {
            client,
            call: self.clock,
            ret: None,
            input,
            output: Output::Unknown,
            line,
            ret_line: None,
        });
        self.clock += 1;
        Ok(())
    }

    /// The client's pending operation (to check a completion against), or an error.
    pub(crate) fn pending(&self, line: usize, client: u64) -> Result<&Operation, ParseError> {
        match self.pending.get(&client) {
            Some(&k) => Ok(&self.ops[k]),
            None => Err(ParseError::new(
                line,
                "process",
                format!("process {client} completes an operation it never invoked (or completed already)"),
            )),
        }
    }

    /// The client's pending operation completes with `output` (an `:info` completion leaves
    /// it without a return: it may take effect at any later time, or never).
    pub(crate) fn complete(
        &mut self,
        line: usize,
        client: u64,
        how: Completion,
        output: Output,
    ) -> Result<(), ParseError> {
        self.pending(line, client)?;
        let Some(k) = self.pending.remove(&client) else { return Ok(()) };
        let op = &mut self.ops[k];
        op.ret_line = Some(line);
        op.output = output;
        if how != Completion::Info {
            op.ret = Some(self.clock);
        }
        self.clock += 1;
        Ok(())
    }

    /// The operations, those never completed left without a return.
    pub(crate) fn finish(self) -> Vec<Operation> {
        self.ops
    }
}
