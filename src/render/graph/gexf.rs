//! GEXF 1.3.

use super::{xml_escape, Num, EDGE_FIELDS};
use crate::graph::{round2, MoneyGraph};
use std::fmt::Write as _;

/// `(r, g, b)` of a `#RRGGBB` colour.
pub(crate) fn rgb(hex: &str) -> (u8, u8, u8) {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (byte(1), byte(3), byte(5))
}

/// GEXF 1.3 for Gephi: node attributes `kind` and `sector` declared and given per node, a
/// `viz:color` per sector (Okabe–Ito), and edges with Gephi's own `weight` and `kind` (so
/// Gephi keeps a grant and an attendance edge between the same pair apart) plus every figure
/// of `Edge::figures` as a declared edge attribute.
pub fn to_gexf(g: &MoneyGraph) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" \
         version=\"1.3\">\n",
    );
    s.push_str("  <meta>\n    <creator>fundflow</creator>\n");
    let _ = writeln!(
        s,
        "    <description>{}</description>",
        xml_escape(&g.description())
    );
    s.push_str("  </meta>\n");
    s.push_str("  <graph mode=\"static\" defaultedgetype=\"directed\">\n");
    s.push_str("    <attributes class=\"node\">\n");
    s.push_str("      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n");
    s.push_str("      <attribute id=\"sector\" title=\"sector\" type=\"string\"/>\n");
    s.push_str("    </attributes>\n");
    s.push_str("    <attributes class=\"edge\">\n");
    for (name, ty) in EDGE_FIELDS {
        let ty = ty.xml_type();
        let _ = writeln!(
            s,
            "      <attribute id=\"{name}\" title=\"{name}\" type=\"{ty}\"/>"
        );
    }
    s.push_str("    </attributes>\n");
    let _ = writeln!(s, "    <nodes count=\"{}\">", g.node_count());
    for n in g.nodes() {
        let _ = writeln!(
            s,
            "      <node id=\"{}\" label=\"{}\">",
            xml_escape(&n.id),
            xml_escape(&n.label)
        );
        s.push_str("        <attvalues>\n");
        let _ = writeln!(
            s,
            "          <attvalue for=\"kind\" value=\"{}\"/>",
            n.kind.as_str()
        );
        if let Some(sector) = n.sector {
            let _ = writeln!(
                s,
                "          <attvalue for=\"sector\" value=\"{}\"/>",
                sector.as_str()
            );
        }
        s.push_str("        </attvalues>\n");
        let (r, gr, b) = rgb(n.colour());
        let _ = writeln!(s, "        <viz:color r=\"{r}\" g=\"{gr}\" b=\"{b}\"/>");
        s.push_str("      </node>\n");
    }
    s.push_str("    </nodes>\n");
    let _ = writeln!(s, "    <edges count=\"{}\">", g.edge_count());
    for (i, (from, to, e)) in g.edges().enumerate() {
        let _ = writeln!(
            s,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" kind=\"{}\" weight=\"{}\">",
            xml_escape(&from.id),
            xml_escape(&to.id),
            e.kind().as_str(),
            Num::Real(round2(e.weight()))
        );
        let fields = g.export_figures(e).fields();
        if fields.iter().any(|(_, v)| v.is_some()) {
            s.push_str("        <attvalues>\n");
            for (name, value) in fields {
                if let Some(v) = value {
                    let _ = writeln!(s, "          <attvalue for=\"{name}\" value=\"{v}\"/>");
                }
            }
            s.push_str("        </attvalues>\n");
        }
        s.push_str("      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}
