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
use super::{col, Kind};
use super::{sector_colour, sector_name, skip, source, table, Built, Chart, Section};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::model::OrgId;
use crate::views::{FlowNode as Node, MAX_INTERMEDIARIES};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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

/// The flows the chart draws (findings' view, [`crate::views::sector_flows`]), and the named
/// intermediaries (largest first).
fn build(
    f: &Findings,
) -> (
    BTreeMap<(Node, Node), f64>,
    Vec<&crate::graph::Intermediary>,
) {
    let v = &f.views.sector_flows;
    let flows = v
        .flows
        .iter()
        .map(|x| ((x.from.clone(), x.to.clone()), x.amount))
        .collect();
    let by_id: HashMap<&OrgId, &crate::graph::Intermediary> = f
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

pub(super) fn flows(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "flows";
    let (flows, inter) = build(f);
    let others = f.views.sector_flows.other_intermediaries;
    if flows.is_empty() {
        return Ok(skip(
            NAME,
            Section::Flows,
            "no money was awarded in the window",
        ));
    }

    // Node sizes: in and out per node.
    let mut inflow: BTreeMap<Node, f64> = BTreeMap::new();
    let mut outflow: BTreeMap<Node, f64> = BTreeMap::new();
    for ((a, b), v) in &flows {
        *outflow.entry(a.clone()).or_default() += v;
        *inflow.entry(b.clone()).or_default() += v;
    }
    let size = |n: &Node| {
        inflow
            .get(n)
            .copied()
            .unwrap_or(0.0)
            .max(outflow.get(n).copied().unwrap_or(0.0))
    };
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

    let label = |n: &Node| match n {
        Node::Funders { sector } => format!("{} funders", sector_name(*sector)),
        Node::Direct => "Direct to recipients".to_owned(),
        Node::Intermediary { rank, .. } => {
            inter.get(*rank).map_or(String::new(), |x| x.name.clone())
        }
        Node::OtherIntermediaries => format!("{others} other intermediaries"),
        Node::Recipients { sector } => sector_name(*sector).to_owned(),
    };
    let colour = |n: &Node| match n {
        Node::Funders { sector } | Node::Recipients { sector } => sector_colour(*sector),
        Node::Direct | Node::OtherIntermediaries => Rgb(0xBB, 0xBB, 0xBB),
        Node::Intermediary { sector, .. } => sector_colour(*sector),
    };

    let total_awarded = f.totals.amount;
    let new_money = f.views.sector_flows.funder_column;
    let passed_on = (f.totals.amount - f.totals.awarded_by_original_funders).max(0.0);
    let title = if inter.is_empty() {
        let (s, v) = columns[0]
            .iter()
            .map(|n| (n, outflow.get(n).copied().unwrap_or(0.0)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(n, v)| (label(n), v))
            .unwrap_or_default();
        format!(
            "{s} gave {} of the money; none passed through an intermediary",
            percent(v / total_awarded.max(1e-9))
        )
    } else {
        format!(
            "{} of the {} awarded was money passed on by {} intermediar{}",
            money(passed_on),
            money(total_awarded),
            f.regranting.intermediaries.len(),
            if f.regranting.intermediaries.len() == 1 {
                "y"
            } else {
                "ies"
            }
        )
    };
    let subtitle = format!(
        "Grants awarded in the window, from funders (left, by sector) through organisations that both receive and give grants (middle{}) to recipients (right, by sector). Band width is proportional to money. The funder column is the money put in by its original funders, {}, each pound counted once: an intermediary's own money (what it gave beyond what it received) enters there under its sector.{}",
        if f.regranting.intermediaries.len() > MAX_INTERMEDIARIES {
            format!(", the largest {MAX_INTERMEDIARIES}; the rest together")
        } else {
            String::new()
        },
        money(new_money),
        if passed_on > 0.0 {
            format!(
                " A further {} was money passed on, so {} was awarded in all.",
                money(passed_on),
                money(total_awarded)
            )
        } else {
            String::new()
        }
    );
    let mut scene = Scene::new(WIDTH as u32, 0);
    let y = layout::header(&mut scene, &title, &subtitle);

    // Geometry.
    let node_w = 36;
    let label_w = 380;
    let xs = [
        MARGIN + label_w,
        WIDTH / 2 - node_w / 2,
        WIDTH - MARGIN - label_w - node_w,
    ];
    let top = y + 100;
    let height = 860;
    let gaps = [24, 86, 24];
    let scale = (0..3)
        .map(|c| {
            let sum: f64 = columns[c].iter().map(size).sum();
            let free = height - gaps[c] * (columns[c].len() as i32 - 1).max(0);
            f64::from(free.max(100)) / sum.max(1e-9)
        })
        .fold(f64::INFINITY, f64::min);
    let px = |v: f64| ((v * scale).round() as i32).max(3);
    let mut pos: HashMap<Node, (i32, i32)> = HashMap::new();
    for c in 0..3 {
        let used: i32 = columns[c].iter().map(|n| px(size(n))).sum::<i32>()
            + gaps[c] * (columns[c].len() as i32 - 1).max(0);
        let mut yy = top + (height - used).max(0) / 2 + if c == 1 { 60 } else { 0 };
        for n in &columns[c] {
            let h = px(size(n));
            pos.insert(n.clone(), (yy, yy + h));
            yy += h + gaps[c];
        }
    }
    let funders_head = format!("Funders · {}", money(new_money));
    for (c, head) in [
        funders_head.as_str(),
        if inter.is_empty() {
            ""
        } else {
            "Intermediaries"
        },
        "Recipients",
    ]
    .iter()
    .enumerate()
    {
        let x = match c {
            0 => xs[0] + node_w,
            1 => xs[1] + node_w / 2,
            _ => xs[2],
        };
        let align = match c {
            0 => Align::Right,
            1 => Align::Centre,
            _ => Align::Left,
        };
        scene.text(
            x,
            top - 60,
            head,
            TextStyle::new(SMALL).bold().colour(MUTED).align(align),
        );
    }

    // Bands: each node's outgoing flows stacked in the order of their targets, incoming in
    // the order of their sources, so bands do not cross at the nodes.
    let order = |n: &Node| (pos.get(n).map_or(0, |p| p.0), n.clone());
    let mut list: Vec<(&(Node, Node), &f64)> = flows.iter().collect();
    list.sort_by_key(|((a, b), _)| (order(a), order(b)));
    let mut out_used: HashMap<Node, i32> = HashMap::new();
    let mut bands: Vec<(Vec<(i32, i32)>, Rgb)> = Vec::new();
    // Per target (in drawing order): its sources as (position, node, amount).
    type Sources = Vec<(i32, Node, f64)>;
    let mut in_lists: BTreeMap<(i32, Node), Sources> = BTreeMap::new();
    for ((a, b), v) in &list {
        in_lists
            .entry(order(b))
            .or_default()
            .push((order(a).0, a.clone(), **v));
    }
    let mut in_start: HashMap<(Node, Node), i32> = HashMap::new();
    for ((_, b), sources) in &mut in_lists {
        sources.sort_by_key(|s| s.0);
        let mut acc = pos.get(b).map_or(0, |p| p.0);
        for (_, a, v) in sources.iter() {
            in_start.insert((a.clone(), b.clone()), acc);
            acc += px(*v);
        }
    }
    for ((a, b), v) in &list {
        let (Some(pa), Some(pb)) = (pos.get(a), pos.get(b)) else {
            continue;
        };
        let h = px(**v);
        let used = out_used.entry(a.clone()).or_default();
        let a0 = pa.0 + *used;
        *used += h;
        let b0 = in_start
            .get(&(a.clone(), b.clone()))
            .copied()
            .unwrap_or(pb.0);
        let xa = xs[column(a)] + node_w;
        let xb = xs[column(b)];
        // A band takes its source's colour; out of the direct gap, its funders' (grey).
        bands.push((ribbon(xa, a0, xb, b0, h), colour(a)));
    }
    for (points, c) in bands {
        scene.translucent(points, c, 0.45);
    }
    // Nodes, then labels: side labels pushed apart so they never overlap.
    for c in 0..3 {
        let mut mids: Vec<(i32, &Node)> = Vec::new();
        for n in &columns[c] {
            let Some((y0, y1)) = pos.get(n).copied() else {
                continue;
            };
            scene.rect((xs[c], y0), (xs[c] + node_w, y1), colour(n));
            mids.push(((y0 + y1) / 2, n));
        }
        if c == 1 {
            for (_, n) in &mids {
                let Some((y0, _)) = pos.get(*n).copied() else {
                    continue;
                };
                let (name, figures) = match n {
                    Node::Intermediary { rank, .. } => (
                        label(n),
                        inter.get(*rank).map_or(String::new(), |x| {
                            format!(
                                "received {} · gave {}",
                                money(x.received.pounds()),
                                money(x.given.pounds())
                            )
                        }),
                    ),
                    _ => (label(n), money(outflow.get(*n).copied().unwrap_or(0.0))),
                };
                // The name wraps to two lines rather than being cut; the box grows upwards.
                let lines = super::scene::label_lines(&name, SMALL, true, 600);
                let extra = 36 * (lines.len() as i32 - 1);
                let cx = xs[1] + node_w / 2;
                let w = lines
                    .iter()
                    .map(|l| text_width(l, SMALL, true))
                    .max()
                    .unwrap_or(0)
                    .max(text_width(&figures, SMALL - 4.0, false));
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
                    &figures,
                    TextStyle::new(SMALL - 4.0)
                        .colour(MUTED)
                        .align(Align::Centre),
                );
            }
            continue;
        }
        let mut ys: Vec<i32> = mids.iter().map(|(m, _)| *m).collect();
        let spacing = 84;
        for i in 1..ys.len() {
            ys[i] = ys[i].max(ys[i - 1] + spacing);
        }
        let limit = top + height + 20;
        for i in (0..ys.len()).rev() {
            let cap = if i + 1 < ys.len() {
                ys[i + 1] - spacing
            } else {
                limit
            };
            ys[i] = ys[i].min(cap);
        }
        for ((node_mid, n), mid) in mids.iter().zip(ys) {
            if (mid - 14 - node_mid).abs() > 24 {
                // Pushed away from its node: a leader line back to it.
                let (from, to) = if c == 0 {
                    (xs[0] - 2, xs[0] - 12)
                } else {
                    (xs[2] + node_w + 2, xs[2] + node_w + 12)
                };
                scene.line(vec![(from, *node_mid), (to, mid - 14)], MUTED, 2);
            }
            let (x, align, v) = if c == 0 {
                (
                    xs[0] - 16,
                    Align::Right,
                    outflow.get(*n).copied().unwrap_or(0.0),
                )
            } else {
                (
                    xs[2] + node_w + 16,
                    Align::Left,
                    inflow.get(*n).copied().unwrap_or(0.0),
                )
            };
            scene.text(
                x,
                mid - 4,
                &fit(&label(n), LABEL, false, label_w - 30),
                TextStyle::new(LABEL).align(align),
            );
            scene.text(x, mid + 36, &money(v), layout::NOTE.align(align));
        }
    }
    layout::footer(&mut scene, top + height + 90, &source(f));

    let rows: Vec<FlowRow> = list
        .iter()
        .map(|((a, b), v)| FlowRow {
            from: label(a),
            to: label(b),
            amount: **v,
        })
        .collect();
    let mut biggest: Vec<&FlowRow> = rows.iter().collect();
    biggest.sort_by(|a, b| b.amount.total_cmp(&a.amount));
    let alt = format!(
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
    );
    Ok(Built::Chart(Chart {
        label: "Money flows through intermediaries".into(),
        name: NAME.into(),
        section: Section::Flows,
        title,
        alt,
        scene,
        data: table(f, &rows)?,
        columns: vec![
            col("from", "From", Kind::Text),
            col("to", "To", Kind::Text),
            col("amount", "Awarded", Kind::Money),
        ],
    }))
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
