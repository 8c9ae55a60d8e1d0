//! Decimal text typed in a field, read as a number. In the page the browser's own `Number()`
//! reads it: Rust's float parser brings its tables (`POWER_OF_FIVE_128`, 10 KB) and code into
//! the wasm for a handful of input fields. Natively (the view-models' tests) Rust's parser
//! does. Either way surrounding blanks are allowed and anything else unreadable is None.

/// The number `text` spells, or None (empty or unreadable text; "NaN" is unreadable too).
pub fn parse_f64(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    // JavaScript's unary + on a string: Number(text), which never throws for a string.
    let value = wasm_bindgen::JsValue::from_str(text).unchecked_into_f64();
    #[cfg(not(target_arch = "wasm32"))]
    let value = text.parse::<f64>().unwrap_or(f64::NAN);
    (!value.is_nan()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::parse_f64;

    #[test]
    fn reads_what_a_number_field_holds() {
        assert_eq!(parse_f64("0.25"), Some(0.25));
        assert_eq!(parse_f64(" -3 "), Some(-3.0));
        assert_eq!(parse_f64("1e3"), Some(1000.0));
        assert_eq!(parse_f64(""), None);
        assert_eq!(parse_f64("0.x"), None);
        assert_eq!(parse_f64("NaN"), None);
    }

    /// Calls that bring large library code or tables into the wasm for little use: Rust's float
    /// parser (its code and a 10 KB table; read numbers with `parse_f64`), libm's trigonometry
    /// (own series in `model/stage.rs`) and `pow` (`store::exp10`). Each came back once unnoticed.
    const HEAVY: [&str; 12] = [
        ".parse::<f64>()",
        ".parse::<f32>()",
        ".sin()",
        ".cos()",
        ".tan()",
        ".sin_cos()",
        ".powf(",
        ".exp()",
        ".ln()",
        ".log10()",
        ".atan2(",
        ".hypot(",
    ];

    #[test]
    fn the_page_code_calls_nothing_that_drags_libm_or_the_float_parser_into_the_wasm() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut found = Vec::new();
        let mut stack: Vec<std::path::PathBuf> =
            ["playground/src", "raft-sim/src", "raft-core/src"].iter().map(|d| format!("{root}/{d}").into()).collect();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source folder") {
                let path = entry.expect("an entry").path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
                if path.is_dir() {
                    if name != "tests" && name != "bin" {
                        stack.push(path);
                    }
                    continue;
                }
                if !name.ends_with(".rs") || name.contains("test") || name == "number.rs" {
                    continue;
                }
                let src = std::fs::read_to_string(&path).expect("a source file");
                // The code before its unit tests (which run natively only).
                let code = src.split("#[cfg(test)]\nmod ").next().unwrap_or_default();
                for (n, line) in code.lines().enumerate() {
                    let line = line.split("//").next().unwrap_or_default();
                    for call in HEAVY.iter().filter(|c| line.contains(**c)) {
                        found.push(format!("{}:{}: {call}", path.display(), n + 1));
                    }
                }
            }
        }
        assert!(found.is_empty(), "calls that grow the page's wasm (see HEAVY): {found:#?}");
    }
}
