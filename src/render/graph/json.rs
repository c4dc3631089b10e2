//! JSON.

use crate::graph::{round2, EdgeFigures, EdgeKind, MoneyGraph, NodeKind};
use crate::measures::Window;
use crate::model::Sector;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Serialize)]
struct JsonGraph<'a> {
    as_of: NaiveDate,
    window: Window,
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosure: Option<&'static str>,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    label: &'a str,
    kind: NodeKind,
    sector: Option<Sector>,
    color: &'static str,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    source: &'a str,
    target: &'a str,
    kind: EdgeKind,
    weight: f64,
    #[serde(flatten)]
    figures: EdgeFigures,
}

/// JSON: `{"as_of", "window": {"from", "to"}, "nodes": [{id, label, kind, sector, color}],
/// "edges": [{source, target, kind, weight, ...figures}]}`, pretty-printed, with a final
/// newline. Figures that do not apply to an edge's kind are left out.
pub fn to_json(g: &MoneyGraph) -> String {
    let doc = JsonGraph {
        as_of: g.as_of,
        window: g.window,
        disclosure: g.public.then_some(crate::disclosure::RULE),
        nodes: g
            .nodes()
            .map(|n| JsonNode {
                id: &n.id,
                label: &n.label,
                kind: n.kind,
                sector: n.sector,
                color: n.colour(),
            })
            .collect(),
        edges: g
            .edges()
            .map(|(from, to, e)| JsonEdge {
                source: &from.id,
                target: &to.id,
                kind: e.kind(),
                weight: round2(e.weight()),
                figures: g.export_figures(e),
            })
            .collect(),
    };
    // Serialising plain structs of strings and finite numbers cannot fail; should it ever,
    // the output is still valid JSON that says so rather than a panic.
    let mut s = serde_json::to_string_pretty(&doc)
        .unwrap_or_else(|e| format!("{{\"error\": {}}}", serde_json::Value::from(e.to_string())));
    s.push('\n');
    s
}
