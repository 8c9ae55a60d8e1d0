//! A small SVG writer for the teacher's kit (model/picture.rs, model/animation.rs): elements,
//! escaped text and numbers into one string. One writer with attribute lists, not a `format!`
//! per element: every formatting call site adds to the page's download.
use std::fmt::Write;

/// An attribute's value: text (escaped) or a number (at most one decimal).
#[derive(Clone, Copy)]
pub enum V<'a> {
    S(&'a str),
    N(f64),
}
pub use V::{N, S};

#[derive(Default)]
pub struct Svg(pub String);

impl Svg {
    /// `<tag a="v" …>`, or `<tag … />` when `empty`.
    pub fn open(&mut self, tag: &str, attrs: &[(&str, V<'_>)], empty: bool) -> &mut Svg {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attrs {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            match *value {
                S(s) => self.esc(s),
                N(n) => self.num(n),
            };
            self.0.push('"');
        }
        self.0.push_str(if empty { "/>" } else { ">" });
        self
    }

    /// An element with no content: `<tag … />`.
    pub fn el(&mut self, tag: &str, attrs: &[(&str, V<'_>)]) -> &mut Svg {
        self.open(tag, attrs, true)
    }

    pub fn close(&mut self, tag: &str) -> &mut Svg {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// `<text …>content</text>`.
    pub fn text(&mut self, attrs: &[(&str, V<'_>)], content: &str) -> &mut Svg {
        self.open("text", attrs, false).esc(content).close("text")
    }

    /// Text with `<`, `>`, `&` and `"` escaped (scenario names and commands come from users).
    pub fn esc(&mut self, s: &str) -> &mut Svg {
        for c in s.chars() {
            match c {
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '&' => self.0.push_str("&amp;"),
                '"' => self.0.push_str("&quot;"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// A number: whole ones without decimals, others with one (non-finite ones as 0).
    pub fn num(&mut self, n: f64) -> &mut Svg {
        let n = if n.is_finite() { (n * 10.0).round() / 10.0 } else { 0.0 };
        let _ = if n.fract() == 0.0 { write!(self.0, "{}", n as i64) } else { write!(self.0, "{n:.1}") };
        self
    }

    /// Markup written as is (the pictures' own constant style sheets and paths).
    pub fn raw(&mut self, s: &str) -> &mut Svg {
        self.0.push_str(s);
        self
    }
}

/// The height of the caption band above a picture.
pub const CAPTION_H: f64 = 28.0;

/// The style every picture starts with: generic font families (so it renders alike wherever
/// it is opened) and the caption line.
const BASE_STYLE: &str = "text{font-family:sans-serif;fill:#1d2330}.caption{font-size:14px;font-weight:700}";

/// The width of a document whose drawing is `width` wide: wider if the caption needs it (at
/// the caption's 14 px bold, a character takes at most about 8 px).
pub fn width_for(width: f64, caption: &str) -> f64 {
    width.max((caption.chars().count() as f64 * 8.0 + 16.0).round())
}

/// A standalone SVG document: `width` × `height` of drawing (written by `body`) under a caption
/// line, on white, with its style sheet inside (no page styles are needed to render it). It is
/// [`width_for`] wide.
pub fn document(width: f64, height: f64, style: &str, caption: &str, body: impl FnOnce(&mut Svg)) -> String {
    let width = width_for(width, caption);
    let mut svg = Svg::default();
    let total = height + CAPTION_H;
    svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").num(width).raw("\" height=\"").num(total);
    svg.raw("\" viewBox=\"0 0 ").num(width).raw(" ").num(total).raw("\">");
    svg.open("title", &[], false).esc(caption).close("title");
    svg.open("style", &[], false).raw(BASE_STYLE).raw(style).close("style");
    svg.el("rect", &[("width", N(width)), ("height", N(total)), ("fill", S("#fff"))]);
    svg.text(&[("class", S("caption")), ("x", N(8.0)), ("y", N(19.0))], caption);
    svg.open("g", &[("transform", S("translate(0,28)"))], false);
    body(&mut svg);
    svg.close("g").close("svg");
    svg.0
}

/// The line that names a moment of a run: the scenario's title, its seed and the virtual time.
pub fn caption(title: &str, seed: u64, now_us: u64) -> String {
    let time = cat(&[N(now_us as f64 / 1000.0)]);
    crate::text::tf("svg.caption", &[("title", title), ("seed", &seed.to_string()), ("time", &time)])
}

/// Words and numbers run together (numbers as [`Svg::num`] writes them).
pub fn cat(parts: &[V<'_>]) -> String {
    let mut s = Svg::default();
    for p in parts {
        match *p {
            S(t) => s.raw(t),
            N(n) => s.num(n),
        };
    }
    s.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_text_are_escaped_and_numbers_short() {
        let mut s = Svg::default();
        s.el("rect", &[("x", N(3.0)), ("y", N(2.25)), ("class", S("a\"b"))]);
        s.text(&[("x", N(-0.04))], "x < y & z");
        assert_eq!(s.0, "<rect x=\"3\" y=\"2.3\" class=\"a&quot;b\"/><text x=\"0\">x &lt; y &amp; z</text>");
        let mut t = Svg::default();
        t.num(f64::NAN).raw(",").num(12.0);
        assert_eq!(t.0, "0,12");
    }

    #[test]
    fn a_document_stands_alone_with_its_caption() {
        let doc = document(400.0, 50.0, ".x{fill:red}", "Stage · Election · seed 7 · t = 1.5 ms", |s| {
            s.el("circle", &[("r", N(4.0))]);
        });
        assert!(doc.starts_with(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"78\" viewBox=\"0 0 400 78\">"
        ));
        assert!(doc.contains("<style>text{font-family:sans-serif"));
        assert!(doc.contains(".x{fill:red}</style>"));
        assert!(doc.contains(">Stage · Election · seed 7 · t = 1.5 ms</text>"));
        assert!(doc.ends_with("<circle r=\"4\"/></g></svg>"));
        assert_eq!(width_for(100.0, "short"), 100.0);
        assert_eq!(width_for(100.0, &"x".repeat(20)), 176.0);
        assert_eq!(caption("A <b>", 42, 1_234_560), "A <b> · seed 42 · t = 1234.6 ms");
        assert_eq!(cat(&[S("term "), N(3.0), S(", "), N(0.25)]), "term 3, 0.3");
    }
}
