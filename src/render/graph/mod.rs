//! Exporters, one file per format, and what they share: the edge figures in one declared
//! order, number printing, XML escaping and the description line.

mod dot;
mod gexf;
mod graphml;
mod json;

pub use dot::to_dot;
#[cfg(test)]
pub(crate) use gexf::rgb;
pub use gexf::to_gexf;
pub use graphml::to_graphml;
pub use json::to_json;

use crate::graph::{Edge, EdgeFigures, MoneyGraph};
use chrono::NaiveDate;

/// A number as exported: an integer count or a real figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(u64),
    Real(f64),
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Num::Int(n) => write!(f, "{n}"),
            // Rust prints the shortest text that reads back as the same f64, never in
            // exponent form: deterministic and readable by every tool here. Adding +0.0
            // turns a rounded -0.0 into 0.
            Num::Real(x) => write!(f, "{}", x + 0.0),
        }
    }
}

/// Whether an attribute is a count or a real figure (for typed declarations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumType {
    Int,
    Real,
}

impl NumType {
    /// The attribute type GraphML and GEXF both declare it as.
    pub(crate) fn xml_type(self) -> &'static str {
        match self {
            NumType::Int => "long",
            NumType::Real => "double",
        }
    }
}

/// Edge figures in export order, with their types; [`EdgeFigures::fields`] follows it.
pub(crate) const EDGE_FIELDS: [(&str, NumType); 10] = [
    ("amount", NumType::Real),
    ("grants", NumType::Int),
    ("active_annual", NumType::Real),
    ("active_grants", NumType::Int),
    ("payments", NumType::Int),
    ("rows", NumType::Int),
    ("attended", NumType::Int),
    ("hours", NumType::Real),
    ("paid_hours", NumType::Real),
    ("unpaid_hours", NumType::Real),
];

impl EdgeFigures {
    /// (name, value) in [`EDGE_FIELDS`] order.
    pub(crate) fn fields(&self) -> [(&'static str, Option<Num>); 10] {
        let i = |v: Option<u64>| v.map(Num::Int);
        let r = |v: Option<f64>| v.map(Num::Real);
        [
            ("amount", r(self.amount)),
            ("grants", i(self.grants)),
            ("active_annual", r(self.active_annual)),
            ("active_grants", i(self.active_grants)),
            ("payments", i(self.payments)),
            ("rows", i(self.rows)),
            ("attended", i(self.attended)),
            ("hours", r(self.hours)),
            ("paid_hours", r(self.paid_hours)),
            ("unpaid_hours", r(self.unpaid_hours)),
        ]
    }
}

/// Text safe inside an XML 1.0 attribute or element: the five special characters escaped,
/// tab/newline/CR as character references (so attribute values keep them), and characters
/// XML 1.0 forbids even as references (other C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
fn xml_escape(s: &str) -> String {
    crate::present::escape_markup(s, "&apos;", |c, out| match c {
        '\t' => out.push_str("&#9;"),
        '\n' => out.push_str("&#10;"),
        '\r' => out.push_str("&#13;"),
        // The characters XML 1.0 allows: one rule with the SVG charts' (present.rs).
        c if crate::present::xml_allows(c) => out.push(c),
        _ => out.push('\u{FFFD}'),
    })
}

impl MoneyGraph {
    /// One line saying what the graph is, for the formats' description fields.
    fn description(&self) -> String {
        let mut d = format!(
            "fundflow money and participation graph; as of {}; window: {}",
            self.as_of,
            self.window_text()
        );
        if self.public {
            d.push_str("; disclosure control: ");
            d.push_str(crate::disclosure::RULE);
        }
        d
    }

    /// An edge's figures as exported: [`Edge::figures`](crate::graph::Edge::figures), with counts of attendance rows
    /// disclosure-controlled when [`MoneyGraph::public`] is set (a suppressed count is left
    /// out, as a figure that does not apply is).
    pub(crate) fn export_figures(&self, e: &Edge) -> EdgeFigures {
        let mut f = e.figures();
        if self.public {
            f.rows = f.rows.and_then(crate::disclosure::disclose);
            f.attended = f.attended.and_then(crate::disclosure::disclose);
        }
        f
    }

    fn window_text(&self) -> String {
        let d = |x: Option<NaiveDate>| x.map_or_else(|| "…".to_owned(), |d| d.to_string());
        match (self.window.from, self.window.to) {
            (None, None) => "all dates".to_owned(),
            (f, t) => format!("{} to {}", d(f), d(t)),
        }
    }
}
