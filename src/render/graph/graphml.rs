//! GraphML.

use super::{xml_escape, Num, EDGE_FIELDS};
use crate::graph::{round2, MoneyGraph};
use petgraph::visit::EdgeRef;
use std::fmt::Write as _;

/// GraphML for yEd and Gephi. Every attribute is declared with a typed `<key>`; node ids are
/// `n0, n1, ...` (GraphML ids are XML name tokens, which org ids need not be) and the
/// identifier is the `identifier` attribute. Edge `weight` is the attribute Gephi reads as
/// the edge weight.
pub fn to_graphml(g: &MoneyGraph) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, name) in [
        ("n_identifier", "identifier"),
        ("n_label", "label"),
        ("n_kind", "kind"),
        ("n_sector", "sector"),
        ("n_color", "color"),
    ] {
        let _ = writeln!(
            s,
            "  <key id=\"{id}\" for=\"node\" attr.name=\"{name}\" attr.type=\"string\"/>"
        );
    }
    s.push_str("  <key id=\"e_kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n");
    s.push_str("  <key id=\"e_weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (name, ty) in EDGE_FIELDS {
        let ty = ty.xml_type();
        let _ = writeln!(
            s,
            "  <key id=\"e_{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    s.push_str("  <graph id=\"fundflow\" edgedefault=\"directed\">\n");
    let _ = writeln!(s, "    <desc>{}</desc>", xml_escape(&g.description()));
    for (i, n) in g.nodes().enumerate() {
        let _ = writeln!(s, "    <node id=\"n{i}\">");
        let _ = writeln!(
            s,
            "      <data key=\"n_identifier\">{}</data>",
            xml_escape(&n.id)
        );
        let _ = writeln!(
            s,
            "      <data key=\"n_label\">{}</data>",
            xml_escape(&n.label)
        );
        let _ = writeln!(s, "      <data key=\"n_kind\">{}</data>", n.kind.as_str());
        if let Some(sector) = n.sector {
            let _ = writeln!(s, "      <data key=\"n_sector\">{}</data>", sector.as_str());
        }
        let _ = writeln!(s, "      <data key=\"n_color\">{}</data>", n.colour());
        s.push_str("    </node>\n");
    }
    for (i, e) in g.graph().edge_references().enumerate() {
        let w = e.weight();
        let _ = writeln!(
            s,
            "    <edge id=\"e{i}\" source=\"n{}\" target=\"n{}\">",
            e.source().index(),
            e.target().index()
        );
        let _ = writeln!(s, "      <data key=\"e_kind\">{}</data>", w.kind().as_str());
        let _ = writeln!(
            s,
            "      <data key=\"e_weight\">{}</data>",
            Num::Real(round2(w.weight()))
        );
        for (name, value) in g.export_figures(w).fields() {
            if let Some(v) = value {
                let _ = writeln!(s, "      <data key=\"e_{name}\">{v}</data>");
            }
        }
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
}
