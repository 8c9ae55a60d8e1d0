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
}
