//! The transcript file format, read and written back: the datadriven format of etcd-io/raft's
//! `testdata/*.txt` (and of the `datadriven` crate), kept to what the transcripts use.
//!
//! ```text
//! # Comment lines and blank lines between blocks are kept as they are.
//! campaign 1          <- a command
//! ----                <- separator
//! S1 timer fires ...  <- the expected output: every line up to the next blank line
//! ```
//!
//! An output never holds a blank line (the interaction prints `ok` for nothing), so a blank
//! line always ends a block.

/// One command and the output it is expected to print.
#[derive(Clone, Debug)]
pub struct Block {
    /// 1-based line of the command in its file.
    pub line: usize,
    pub command: String,
    pub expected: String,
}

/// A file: its blocks, with the comment and blank lines around them kept for rewriting.
#[derive(Clone, Debug)]
pub enum Item {
    Text(String),
    Block(Block),
}

/// Read a transcript. A command without a `----` line after it is an error naming its line.
pub fn parse(text: &str) -> Result<Vec<Item>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() || line.starts_with('#') {
            items.push(Item::Text(line.to_string()));
            i += 1;
            continue;
        }
        if lines.get(i + 1) != Some(&"----") {
            return Err(format!("line {}: `{line}` must be followed by a `----` line", i + 1));
        }
        let mut end = i + 2;
        while end < lines.len() && !lines[end].trim().is_empty() {
            end += 1;
        }
        let expected = lines[i + 2..end].join("\n");
        items.push(Item::Block(Block { line: i + 1, command: line.to_string(), expected }));
        i = end;
    }
    Ok(items)
}

/// Write a transcript back with each block's output replaced by `outputs` (in block order).
pub fn render(items: &[Item], outputs: &[String]) -> String {
    let mut out = String::new();
    let mut outputs = outputs.iter();
    for item in items {
        match item {
            Item::Text(t) => out.push_str(t),
            Item::Block(b) => {
                out.push_str(&b.command);
                out.push_str("\n----\n");
                out.push_str(outputs.next().map_or(&b.expected, |o| o));
            }
        }
        out.push('\n');
    }
    out
}

/// A line diff of `expected` against `actual` (longest common subsequence): `-` lines only
/// expected, `+` lines only printed, and up to two unchanged lines of context around each
/// change (`...` where unchanged lines are left out).
pub fn diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut lines) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            lines.push(format!("  {}", a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            lines.push(format!("+ {}", b[j]));
            j += 1;
        } else {
            lines.push(format!("- {}", a[i]));
            i += 1;
        }
    }
    const CONTEXT: usize = 2;
    let changed: Vec<usize> = (0..lines.len()).filter(|&k| !lines[k].starts_with("  ")).collect();
    let near = |k: usize| changed.iter().any(|&c| k.abs_diff(c) <= CONTEXT);
    let mut out = String::new();
    let mut skipped = false;
    for (k, line) in lines.iter().enumerate() {
        if near(k) {
            out += line;
            out.push('\n');
            skipped = false;
        } else if !skipped {
            out += "...\n";
            skipped = true;
        }
    }
    out
}
