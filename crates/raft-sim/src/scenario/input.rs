//! One bounded reader for every document the simulator is given: scenario, run and tour files,
//! standard input, pipes and device files on the command line, and, on the page, imported files
//! and fetched tours (which arrive in chunks).
//!
//! Nothing here trusts a size it is told (a file's length, a pipe's, a `Content-Length`): it
//! keeps at most `cap + 1` bytes of what actually arrives and stops there, so `/dev/zero` or a
//! 50 MB pipe costs one megabyte of memory and is refused with a message naming the cap.

/// The largest document (scenario, run or tour) read from anywhere: 1 MiB.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// The text of a document as it arrives, never more than the cap plus one byte (the byte that
/// proves the input is too large).
#[derive(Debug)]
pub struct CappedText {
    bytes: Vec<u8>,
    cap: usize,
}

impl CappedText {
    pub fn new(cap: usize) -> CappedText {
        CappedText { bytes: Vec::new(), cap }
    }

    /// Take the next chunk. False once more than `cap` bytes have arrived: stop reading then.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        let room = (self.cap + 1).saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        !self.over()
    }

    /// Whether more than the cap has arrived.
    pub fn over(&self) -> bool {
        self.bytes.len() > self.cap
    }

    /// The text, or why it cannot be used (without the source's name: the caller adds it).
    pub fn finish(self) -> Result<String, String> {
        if self.over() {
            return Err(too_large(self.cap));
        }
        String::from_utf8(self.bytes).map_err(|e| {
            format!("is not UTF-8 text (byte {} is not valid); a document is JSON text", e.utf8_error().valid_up_to())
        })
    }
}

/// The message for input past the cap.
pub fn too_large(cap: usize) -> String {
    format!("is larger than the limit of {cap} bytes ({}); reading stopped there", human_bytes(cap))
}

fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Read from any reader, at most `cap + 1` bytes (via `Read::take`, whatever the source
/// claims about its size).
pub fn read_capped(reader: impl std::io::Read, cap: usize) -> Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader.take(cap as u64 + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot be read: {e}"))?;
    let mut text = CappedText::new(cap);
    text.push(&bytes);
    text.finish()
}

/// Read the document at `path` (`-` is standard input), capped at `cap`. The error names the
/// path and says what is wrong: missing, a directory, unreadable, too large, not text.
pub fn read_path(path: &str, cap: usize) -> Result<String, String> {
    let name = if path == "-" { "standard input" } else { path };
    let result = if path == "-" {
        read_capped(std::io::stdin().lock(), cap)
    } else {
        // Only to give a directory a clear message; sizes come from what is read, never from here.
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err("is a directory, not a file".to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("no such file".to_string()),
            _ => std::fs::File::open(path)
                .map_err(|e| format!("cannot be opened: {e}"))
                .and_then(|file| read_capped(file, cap)),
        }
    };
    result.map_err(|problem| format!("{name}: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_kept_up_to_the_cap_and_one_byte_more() {
        let mut t = CappedText::new(4);
        assert!(t.push(b"ab"));
        assert!(t.push(b"cd"));
        assert!(!t.push(b"efgh"));
        assert_eq!(t.bytes.len(), 5);
        assert!(!t.push(&[0; 1000]));
        assert_eq!(t.bytes.len(), 5, "nothing more is kept");
        assert!(t.finish().unwrap_err().contains("limit of 4 bytes"));
        let mut t = CappedText::new(4);
        assert!(t.push(b"abcd"));
        assert_eq!(t.finish().unwrap(), "abcd");
    }

    #[test]
    fn an_endless_reader_is_cut_at_the_cap() {
        let e = read_capped(std::io::repeat(b'x'), 1 << 20).unwrap_err();
        assert!(e.contains("1048576 bytes (1 MiB)"), "{e}");
        assert_eq!(read_capped(&b"{}"[..], 2).unwrap(), "{}");
        assert!(read_capped(&[0xff, 0xfe][..], 10).unwrap_err().contains("UTF-8"));
    }
}
