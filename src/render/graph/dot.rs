//! Graphviz DOT.

use crate::graph::{colour, EdgeKind, MoneyGraph, NodeKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A double-quoted DOT string. Inside quotes DOT only unescapes `\"`; backslashes are then
/// read as label escapes (`\n`, `\N`, ...), so a literal backslash is written `\\`. Newlines
/// become `\n` line breaks; other control characters, which Graphviz may reject, become U+FFFD.
fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz DOT for Graphviz, Gephi and yEd (after conversion). Every id and label is quoted
/// and escaped; nodes carry `kind` and `sector` attributes and an Okabe–Ito `fillcolor`;
/// edges carry `kind`, every figure of `Edge::figures`, and a `penwidth` scaled to the
/// edge's weight among edges of its kind. Graphviz's own `weight` attribute is left alone: it
/// is a layout hint that `dot` requires to be an integer.
pub fn to_dot(g: &MoneyGraph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "// fundflow money and participation graph");
    let _ = writeln!(s, "// as of {}; window: {}", g.as_of, g.window_text());
    if g.public {
        let _ = writeln!(s, "// disclosure control: {}", crate::disclosure::RULE);
    }
    s.push_str("digraph \"fundflow\" {\n");
    s.push_str("  graph [rankdir=\"LR\", fontname=\"Helvetica\"];\n");
    s.push_str("  node [style=\"filled\", fontname=\"Helvetica\", penwidth=\"0.5\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", arrowsize=\"0.6\"];\n");
    for n in g.nodes() {
        let shape = match n.kind {
            NodeKind::Organisation => "box",
            NodeKind::Individuals => "ellipse",
            NodeKind::Partnership => "hexagon",
        };
        // White text on the dark blue, black elsewhere, for contrast.
        let font = if n.colour() == colour::STATUTORY {
            "#FFFFFF"
        } else {
            "#000000"
        };
        let _ = write!(
            s,
            "  {} [label={}, kind={}",
            dot_quote(&n.id),
            dot_quote(&n.label),
            dot_quote(n.kind.as_str())
        );
        if let Some(sector) = n.sector {
            let _ = write!(s, ", sector={}", dot_quote(sector.as_str()));
        }
        let _ = writeln!(
            s,
            ", shape=\"{shape}\", fillcolor=\"{}\", fontcolor=\"{font}\"];",
            n.colour()
        );
    }
    let mut heaviest: BTreeMap<EdgeKind, f64> = BTreeMap::new();
    for (_, _, e) in g.edges() {
        let w = heaviest.entry(e.kind()).or_insert(0.0);
        *w = w.max(e.weight());
    }
    for (from, to, e) in g.edges() {
        let (color, style) = match e.kind() {
            EdgeKind::Grant => ("#000000", "solid"),
            EdgeKind::Payment => ("#D55E00", "dashed"),
            EdgeKind::Attendance => ("#56B4E9", "solid"),
            EdgeKind::Fundholder => ("#0072B2", "bold"),
        };
        let max = heaviest.get(&e.kind()).copied().unwrap_or(0.0);
        let pen = if max > 0.0 {
            1.0 + 4.0 * (e.weight().max(0.0) / max).sqrt()
        } else {
            1.0
        };
        let _ = write!(
            s,
            "  {} -> {} [kind={}",
            dot_quote(&from.id),
            dot_quote(&to.id),
            dot_quote(e.kind().as_str())
        );
        for (name, value) in g.export_figures(e).fields() {
            if let Some(v) = value {
                let _ = write!(s, ", {name}=\"{v}\"");
            }
        }
        let _ = writeln!(
            s,
            ", color=\"{color}\", style=\"{style}\", penwidth=\"{pen:.2}\"];"
        );
    }
    s.push_str("}\n");
    s
}
