//! Money flows between sectors and intermediaries: a Sankey-style chart drawn with plotters
//! polygons, from findings' view of the flows ([`crate::views::sector_flows`], which computes
//! them from the grant edges).
//!
//! Three columns: funders grouped by sector; the largest [`MAX_INTERMEDIARIES`] intermediaries
//! (organisations that both receive and give), each on its own; recipients grouped by
//! sector. A grant from an ordinary funder to a named intermediary ends in the middle
//! column; a grant from a named intermediary starts there; every other grant goes straight
//! from a funder sector to a recipient sector. Band widths are proportional to money in the
//! window. A middle node is as tall as the larger of what it received and what it gave.

use super::layout::{self, LABEL, MARGIN, SMALL, WIDTH};
use super::scene::{fit, text_width, Align, Rgb, Scene, TextStyle, MUTED, WHITE};
use super::{col, Kind, Spec};
use super::{sector_colour, sector_name, skip, Built, Section};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::graph::Intermediary;
use crate::model::OrgId;
use crate::views::{FlowNode as Node, MAX_INTERMEDIARIES};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Width of a node's bar.
const NODE_W: i32 = 36;
/// Width kept for the side columns' labels.
const LABEL_W: i32 = 380;
/// Height of the drawing under the column heads.
const HEIGHT: i32 = 860;
/// Gaps between the nodes of each column.
const GAPS: [i32; 3] = [24, 86, 24];
/// Left edge of each column's bars.
const XS: [i32; 3] = [
    MARGIN + LABEL_W,
    WIDTH / 2 - NODE_W / 2,
    WIDTH - MARGIN - LABEL_W - NODE_W,
];

fn column(n: &Node) -> usize {
    match n {
        Node::Funders { .. } => 0,
        Node::Direct | Node::Intermediary { .. } | Node::OtherIntermediaries => 1,
        Node::Recipients { .. } => 2,
    }
}

#[derive(Serialize)]
struct FlowRow {
    from: String,
    to: String,
    amount: f64,
}

/// A flow between two nodes, and its amount.
type Flow<'a> = (&'a (Node, Node), &'a f64);

/// The flows the chart draws (findings' view, [`crate::views::sector_flows`]), and the named
/// intermediaries (largest first).
fn build(f: &Findings) -> (BTreeMap<(Node, Node), f64>, Vec<&Intermediary>) {
    let v = &f.views.sector_flows;
    let flows = v
        .flows
        .iter()
        .map(|x| ((x.from.clone(), x.to.clone()), x.amount))
        .collect();
    let by_id: HashMap<&OrgId, &Intermediary> = f
        .regranting
        .intermediaries
        .iter()
        .map(|x| (&x.id, x))
        .collect();
    let inter = v
        .intermediaries
        .iter()
        .filter_map(|id| by_id.get(id).copied())
        .collect();
    (flows, inter)
}

/// The nodes: what flows into and out of each, and the three columns (each sorted).
struct Nodes {
    inflow: BTreeMap<Node, f64>,
    outflow: BTreeMap<Node, f64>,
    columns: [Vec<Node>; 3],
}

impl Nodes {
    fn of(flows: &BTreeMap<(Node, Node), f64>) -> Nodes {
        let mut inflow: BTreeMap<Node, f64> = BTreeMap::new();
        let mut outflow: BTreeMap<Node, f64> = BTreeMap::new();
        for ((a, b), v) in flows {
            *outflow.entry(a.clone()).or_default() += v;
            *inflow.entry(b.clone()).or_default() += v;
        }
        let mut columns: [Vec<Node>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for n in inflow.keys().chain(outflow.keys()) {
            let c = column(n);
            if !columns[c].contains(n) {
                columns[c].push(n.clone());
            }
        }
        for col in &mut columns {
            col.sort();
        }
        Nodes {
            inflow,
            outflow,
            columns,
        }
    }

    fn inflow(&self, n: &Node) -> f64 {
        self.inflow.get(n).copied().unwrap_or(0.0)
    }

    fn outflow(&self, n: &Node) -> f64 {
        self.outflow.get(n).copied().unwrap_or(0.0)
    }

    /// A node's height in money: the larger of what it received and what it gave.
    fn size(&self, n: &Node) -> f64 {
        self.inflow(n).max(self.outflow(n))
    }
}

/// Names of the nodes: the named intermediaries, and how many more there are.
struct Labels<'a> {
    inter: &'a [&'a Intermediary],
    others: usize,
}

impl Labels<'_> {
    fn label(&self, n: &Node) -> String {
        match n {
            Node::Funders { sector } => format!("{} funders", sector_name(*sector)),
            Node::Direct => "Direct to recipients".to_owned(),
            Node::Intermediary { rank, .. } => self
                .inter
                .get(*rank)
                .map_or(String::new(), |x| x.name.clone()),
            Node::OtherIntermediaries => format!("{} other intermediaries", self.others),
            Node::Recipients { sector } => sector_name(*sector).to_owned(),
        }
    }
}

fn colour(n: &Node) -> Rgb {
    match n {
        Node::Funders { sector } | Node::Recipients { sector } => sector_colour(*sector),
        Node::Direct | Node::OtherIntermediaries => Rgb(0xBB, 0xBB, 0xBB),
        Node::Intermediary { sector, .. } => sector_colour(*sector),
    }
}

/// Money passed on by intermediaries (awarded beyond what the original funders put in).
fn passed_on(f: &Findings) -> f64 {
    (f.totals.amount - f.totals.awarded_by_original_funders).max(0.0)
}

fn title(f: &Findings, nodes: &Nodes, labels: &Labels<'_>) -> String {
    let total_awarded = f.totals.amount;
    if labels.inter.is_empty() {
        let (s, v) = nodes.columns[0]
            .iter()
            .map(|n| (n, nodes.outflow(n)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(n, v)| (labels.label(n), v))
            .unwrap_or_default();
        format!(
            "{s} gave {} of the money; none passed through an intermediary",
            percent(v / total_awarded.max(1e-9))
        )
    } else {
        let n = f.regranting.intermediaries.len();
        format!(
            "{} of the {} awarded was money passed on by {} intermediar{}",
            money(passed_on(f)),
            money(total_awarded),
            n,
            if n == 1 { "y" } else { "ies" }
        )
    }
}

fn subtitle(f: &Findings) -> String {
    let passed_on = passed_on(f);
    format!(
        "Grants awarded in the window, from funders (left, by sector) through organisations that both receive and give grants (middle{}) to recipients (right, by sector). Band width is proportional to money. The funder column is the money put in by its original funders, {}, each pound counted once: an intermediary's own money (what it gave beyond what it received) enters there under its sector.{}",
        if f.regranting.intermediaries.len() > MAX_INTERMEDIARIES {
            format!(", the largest {MAX_INTERMEDIARIES}; the rest together")
        } else {
            String::new()
        },
        money(f.views.sector_flows.funder_column),
        if passed_on > 0.0 {
            format!(
                " A further {} was money passed on, so {} was awarded in all.",
                money(passed_on),
                money(f.totals.amount)
            )
        } else {
            String::new()
        }
    )
}

fn alt(inter: &[&Intermediary], rows: &[FlowRow]) -> String {
    let mut biggest: Vec<&FlowRow> = rows.iter().collect();
    biggest.sort_by(|a, b| b.amount.total_cmp(&a.amount));
    format!(
        "Flow chart of grants from funder sectors{} to recipient sectors. Largest flows: {}.",
        if inter.is_empty() {
            String::new()
        } else {
            format!(
                " through {} intermediaries ({})",
                inter.len(),
                inter
                    .iter()
                    .map(|x| x.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        biggest
            .iter()
            .take(5)
            .map(|r| format!("{} to {} {}", r.from, r.to, money(r.amount)))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// Where the nodes are: each node's top and bottom, and pixels per pound.
struct Geometry {
    top: i32,
    scale: f64,
    pos: HashMap<Node, (i32, i32)>,
}

impl Geometry {
    /// Stacks each column's nodes, centred in the drawing (the middle column 60 lower), all
    /// columns at the one scale that fits the fullest.
    fn place(nodes: &Nodes, top: i32) -> Geometry {
        let scale = (0..3)
            .map(|c| {
                let sum: f64 = nodes.columns[c].iter().map(|n| nodes.size(n)).sum();
                let free = HEIGHT - GAPS[c] * (nodes.columns[c].len() as i32 - 1).max(0);
                f64::from(free.max(100)) / sum.max(1e-9)
            })
            .fold(f64::INFINITY, f64::min);
        let mut g = Geometry {
            top,
            scale,
            pos: HashMap::new(),
        };
        for (c, col) in nodes.columns.iter().enumerate() {
            let used: i32 = col.iter().map(|n| g.px(nodes.size(n))).sum::<i32>()
                + GAPS[c] * (col.len() as i32 - 1).max(0);
            let mut yy = top + (HEIGHT - used).max(0) / 2 + if c == 1 { 60 } else { 0 };
            for n in col {
                let h = g.px(nodes.size(n));
                g.pos.insert(n.clone(), (yy, yy + h));
                yy += h + GAPS[c];
            }
        }
        g
    }

    /// Pixels for an amount (at least 3).
    fn px(&self, v: f64) -> i32 {
        ((v * self.scale).round() as i32).max(3)
    }

    /// Drawing order of a node: its top, then the node.
    fn order(&self, n: &Node) -> (i32, Node) {
        (self.pos.get(n).map_or(0, |p| p.0), n.clone())
    }

    /// The flows in drawing order: by source, then by target.
    fn ordered<'a>(&self, flows: &'a BTreeMap<(Node, Node), f64>) -> Vec<Flow<'a>> {
        let mut list: Vec<Flow<'a>> = flows.iter().collect();
        list.sort_by_key(|((a, b), _)| (self.order(a), self.order(b)));
        list
    }
}

/// The three column heads.
fn heads(scene: &mut Scene, top: i32, funders: &str, intermediaries: bool) {
    let middle = if intermediaries { "Intermediaries" } else { "" };
    let places = [
        (XS[0] + NODE_W, Align::Right),
        (XS[1] + NODE_W / 2, Align::Centre),
        (XS[2], Align::Left),
    ];
    for (head, (x, align)) in [funders, middle, "Recipients"].iter().zip(places) {
        scene.text(
            x,
            top - 60,
            head,
            TextStyle::new(SMALL).bold().colour(MUTED).align(align),
        );
    }
}

/// Bands: each node's outgoing flows stacked in the order of their targets, incoming in the
/// order of their sources, so bands do not cross at the nodes.
fn bands(scene: &mut Scene, list: &[Flow<'_>], g: &Geometry) {
    // Per target (in drawing order): its sources as (position, node, amount).
    type Sources = Vec<(i32, Node, f64)>;
    let mut in_lists: BTreeMap<(i32, Node), Sources> = BTreeMap::new();
    for ((a, b), v) in list {
        in_lists
            .entry(g.order(b))
            .or_default()
            .push((g.order(a).0, a.clone(), **v));
    }
    let mut in_start: HashMap<(Node, Node), i32> = HashMap::new();
    for ((_, b), sources) in &mut in_lists {
        sources.sort_by_key(|s| s.0);
        let mut acc = g.pos.get(b).map_or(0, |p| p.0);
        for (_, a, v) in sources.iter() {
            in_start.insert((a.clone(), b.clone()), acc);
            acc += g.px(*v);
        }
    }
    let mut out_used: HashMap<Node, i32> = HashMap::new();
    let mut drawn: Vec<(Vec<(i32, i32)>, Rgb)> = Vec::new();
    for ((a, b), v) in list {
        let (Some(pa), Some(pb)) = (g.pos.get(a), g.pos.get(b)) else {
            continue;
        };
        let h = g.px(**v);
        let used = out_used.entry(a.clone()).or_default();
        let a0 = pa.0 + *used;
        *used += h;
        let b0 = in_start
            .get(&(a.clone(), b.clone()))
            .copied()
            .unwrap_or(pb.0);
        let xa = XS[column(a)] + NODE_W;
        let xb = XS[column(b)];
        // A band takes its source's colour; out of the direct gap, its funders' (grey).
        drawn.push((ribbon(xa, a0, xb, b0, h), colour(a)));
    }
    for (points, c) in drawn {
        scene.translucent(points, c, 0.45);
    }
}

/// A middle node's label above it: its name (wrapped to two lines rather than cut; the box
/// grows upwards) and its figures, on a translucent white box.
fn middle_label(scene: &mut Scene, y0: i32, name: &str, figures: &str) {
    let lines = super::scene::label_lines(name, SMALL, true, 600);
    let extra = 36 * (lines.len() as i32 - 1);
    let cx = XS[1] + NODE_W / 2;
    let w = lines
        .iter()
        .map(|l| text_width(l, SMALL, true))
        .max()
        .unwrap_or(0)
        .max(text_width(figures, SMALL - 4.0, false));
    let (bx0, bx1) = (cx - w / 2 - 10, cx + w / 2 + 10);
    scene.translucent(
        vec![
            (bx0, y0 - 80 - extra),
            (bx1, y0 - 80 - extra),
            (bx1, y0 - 2),
            (bx0, y0 - 2),
        ],
        WHITE,
        0.8,
    );
    for (k, line) in lines.iter().enumerate() {
        scene.text(
            cx,
            y0 - 46 - extra + 36 * k as i32,
            line,
            TextStyle::new(SMALL).bold().align(Align::Centre),
        );
    }
    scene.text(
        cx,
        y0 - 12,
        figures,
        TextStyle::new(SMALL - 4.0)
            .colour(MUTED)
            .align(Align::Centre),
    );
}

/// The middle column's labels: an intermediary's received and given, other nodes' outflow.
fn middle_labels(
    scene: &mut Scene,
    mids: &[(i32, &Node)],
    nodes: &Nodes,
    g: &Geometry,
    labels: &Labels<'_>,
) {
    for (_, n) in mids {
        let Some((y0, _)) = g.pos.get(*n).copied() else {
            continue;
        };
        let figures = match n {
            Node::Intermediary { rank, .. } => labels.inter.get(*rank).map_or(String::new(), |x| {
                format!(
                    "received {} · gave {}",
                    money(x.received.pounds()),
                    money(x.given.pounds())
                )
            }),
            _ => money(nodes.outflow(n)),
        };
        middle_label(scene, y0, &labels.label(n), &figures);
    }
}

/// Label positions beside a side column: the nodes' middles, pushed apart to at least
/// `spacing` and kept above `limit`.
fn spread(mids: &[(i32, &Node)], spacing: i32, limit: i32) -> Vec<i32> {
    let mut ys: Vec<i32> = mids.iter().map(|(m, _)| *m).collect();
    for i in 1..ys.len() {
        ys[i] = ys[i].max(ys[i - 1] + spacing);
    }
    for i in (0..ys.len()).rev() {
        let cap = if i + 1 < ys.len() {
            ys[i + 1] - spacing
        } else {
            limit
        };
        ys[i] = ys[i].min(cap);
    }
    ys
}

/// A side column's labels (`c` 0, funders, on the left with their outflow; 2, recipients,
/// on the right with their inflow), pushed apart so they never overlap.
fn side_labels(
    scene: &mut Scene,
    c: usize,
    mids: &[(i32, &Node)],
    nodes: &Nodes,
    g: &Geometry,
    labels: &Labels<'_>,
) {
    let ys = spread(mids, 84, g.top + HEIGHT + 20);
    for ((node_mid, n), mid) in mids.iter().zip(ys) {
        if (mid - 14 - node_mid).abs() > 24 {
            // Pushed away from its node: a leader line back to it.
            let (from, to) = if c == 0 {
                (XS[0] - 2, XS[0] - 12)
            } else {
                (XS[2] + NODE_W + 2, XS[2] + NODE_W + 12)
            };
            scene.line(vec![(from, *node_mid), (to, mid - 14)], MUTED, 2);
        }
        let (x, align, v) = if c == 0 {
            (XS[0] - 16, Align::Right, nodes.outflow(n))
        } else {
            (XS[2] + NODE_W + 16, Align::Left, nodes.inflow(n))
        };
        scene.text(
            x,
            mid - 4,
            &fit(&labels.label(n), LABEL, false, LABEL_W - 30),
            TextStyle::new(LABEL).align(align),
        );
        scene.text(x, mid + 36, &money(v), layout::NOTE.align(align));
    }
}

/// Nodes, then labels, column by column.
fn columns(scene: &mut Scene, nodes: &Nodes, g: &Geometry, labels: &Labels<'_>) {
    for (c, col) in nodes.columns.iter().enumerate() {
        let mut mids: Vec<(i32, &Node)> = Vec::new();
        for n in col {
            let Some((y0, y1)) = g.pos.get(n).copied() else {
                continue;
            };
            scene.rect((XS[c], y0), (XS[c] + NODE_W, y1), colour(n));
            mids.push(((y0 + y1) / 2, n));
        }
        if c == 1 {
            middle_labels(scene, &mids, nodes, g, labels);
        } else {
            side_labels(scene, c, &mids, nodes, g, labels);
        }
    }
}

pub(super) fn flows(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "flows";
    let (flows, inter) = build(f);
    if flows.is_empty() {
        return Ok(skip(
            NAME,
            Section::Flows,
            "no money was awarded in the window",
        ));
    }
    let nodes = Nodes::of(&flows);
    let labels = Labels {
        inter: &inter,
        others: f.views.sector_flows.other_intermediaries,
    };
    let mut spec = Spec {
        name: NAME.into(),
        section: Section::Flows,
        label: "Money flows through intermediaries".into(),
        title: title(f, &nodes, &labels),
        subtitle: subtitle(f),
        // Written once the rows are known, below.
        alt: String::new(),
        columns: vec![
            col("from", "From", Kind::Text),
            col("to", "To", Kind::Text),
            col("amount", "Awarded", Kind::Money),
        ],
    };
    let (mut scene, y) = spec.begin();
    let g = Geometry::place(&nodes, y + 100);
    let funders = format!("Funders · {}", money(f.views.sector_flows.funder_column));
    heads(&mut scene, g.top, &funders, !inter.is_empty());
    let list = g.ordered(&flows);
    bands(&mut scene, &list, &g);
    columns(&mut scene, &nodes, &g, &labels);

    let rows: Vec<FlowRow> = list
        .iter()
        .map(|((a, b), v)| FlowRow {
            from: labels.label(a),
            to: labels.label(b),
            amount: **v,
        })
        .collect();
    spec.alt = alt(&inter, &rows);
    spec.finish(f, scene, g.top + HEIGHT + 90, &rows)
}

/// A band from (xa, a0..a0+h) to (xb, b0..b0+h), its edges eased with smoothstep.
fn ribbon(xa: i32, a0: i32, xb: i32, b0: i32, h: i32) -> Vec<(i32, i32)> {
    const STEPS: i32 = 32;
    let ease = |t: f64| t * t * (3.0 - 2.0 * t);
    let point = |i: i32, off: i32| {
        let t = f64::from(i) / f64::from(STEPS);
        let x = xa + (f64::from(xb - xa) * t).round() as i32;
        let y = f64::from(a0) + f64::from(b0 - a0) * ease(t);
        (x, y.round() as i32 + off)
    };
    let mut pts: Vec<(i32, i32)> = (0..=STEPS).map(|i| point(i, 0)).collect();
    pts.extend((0..=STEPS).rev().map(|i| point(i, h)));
    pts
}

#[cfg(test)]
mod tests {
    use super::ribbon;

    #[test]
    fn a_ribbon_joins_its_ends() {
        let r = ribbon(0, 10, 100, 50, 5);
        assert_eq!(r.first(), Some(&(0, 10)));
        assert!(r.contains(&(100, 50)) && r.contains(&(100, 55)));
        assert_eq!(r.last(), Some(&(0, 15)));
    }
}
