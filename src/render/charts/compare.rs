//! `fundflow compare`: the share figures on both sides as dots joined by an arrow, base →
//! to, area-wide figures first and then each partnership's.

use super::layout::{self, Format, MARGIN, SMALL, WIDTH};
use super::scene::{fit, wrap, Align, Rgb, Scene, TextStyle, GRID, INK, MUTED, WHITE};
use super::{col, Chart, Kind, Section, Spec};
use crate::compare::{Comparison, FigureChange, Unit};
use crate::error::Error;
use crate::flags::percent;
use crate::table::Table;

/// Partnerships shown at most.
const MAX_PARTNERSHIPS: usize = super::partnership::MAX_PARTNERSHIPS;

/// The change chart of a comparison, or why there is none.
pub(crate) fn changes(c: &Comparison) -> Result<Result<Chart, String>, Error> {
    let (shares, partnerships) = shown_shares(c);
    if shares.is_empty() {
        return Ok(Err(
            "neither side has a share figure to compare (no money awarded and no partnership meetings)"
                .into(),
        ));
    }
    let more = if partnerships > MAX_PARTNERSHIPS {
        format!(
            " The first {MAX_PARTNERSHIPS} of {partnerships} partnerships; all are in compare.csv."
        )
    } else {
        String::new()
    };
    let spec = Spec {
        name: "compare_shares".into(),
        section: Section::Trends,
        label: "Change in each share figure".into(),
        title: changes_title(c, &shares),
        subtitle: format!(
            "Each share figure in {} (hollow dot) and {} (filled dot, at the arrow's head). Changes are in percentage points; whether a rise is good depends on the figure. A single dot: measured on one side only.{more}",
            c.base.label,
            c.to.label,
        ),
        alt: format!(
            "Dot-and-arrow chart of share figures, {} to {}. {}",
            c.base.label,
            c.to.label,
            shares
                .iter()
                .map(|f| format!("{}.", f.words.trim_end_matches('.')))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        columns: vec![
            col("label", "Figure", Kind::Text),
            col("base", "Base", Kind::Percent),
            col("to", "To", Kind::Percent),
            col("words", "Change", Kind::Text),
        ],
    };
    let (mut scene, y) = spec.begin();
    let legend = [(c.base.label.clone(), GREY), (c.to.label.clone(), INK)];
    let y = layout::legend(&mut scene, y, &legend);
    let y = share_rows(&mut scene, y, &shares);
    let source = format!(
        "Source: fundflow compare of {} (as of {}) and {} (as of {}).",
        c.base.label, c.base.as_of, c.to.label, c.to.as_of
    );
    let data = Table::from_rows(false, "chart", &shares)?;
    Ok(Ok(spec.into_chart(scene, y, &source, data)))
}

/// The base side's dots and legend swatch.
const GREY: Rgb = Rgb(0xAA, 0xAA, 0xAA);
/// Width of the figures' label column.
const LABEL_W: i32 = 720;
/// Width of the values' column at the right.
const VALUE_W: i32 = 250;

/// The share figures measured on either side: the area-wide ones and those of the first
/// [`MAX_PARTNERSHIPS`] partnerships; and how many partnerships have any.
fn shown_shares(c: &Comparison) -> (Vec<&FigureChange>, usize) {
    let mut partnerships: Vec<&str> = Vec::new();
    let shares = c
        .figures
        .iter()
        .filter(|f| f.unit == Unit::Share && (f.base.is_some() || f.to.is_some()))
        .filter(|f| match &f.partnership {
            None => true,
            Some(p) => {
                if !partnerships.contains(&p.as_str()) {
                    partnerships.push(p);
                }
                partnerships
                    .iter()
                    .position(|x| x == p)
                    .is_some_and(|i| i < MAX_PARTNERSHIPS)
            }
        })
        .collect();
    (shares, partnerships.len())
}

/// The title: the figure that moved most (by at least half a point), in words.
fn changes_title(c: &Comparison, shares: &[&FigureChange]) -> String {
    let moved = shares
        .iter()
        .filter_map(|f| f.change.map(|d| (f, d)))
        .max_by(|a, b| {
            a.1.abs()
                .total_cmp(&b.1.abs())
                .then(b.0.label.cmp(&a.0.label))
        });
    match moved {
        Some((f, d)) if d.abs() >= 0.005 => f.words.trim_end_matches('.').to_owned(),
        _ => format!(
            "No share figure moved between {} and {}",
            c.base.label, c.to.label
        ),
    }
}

/// The x axis of the share rows: 0–100% between the label and value columns.
#[derive(Clone, Copy)]
struct ShareAxis {
    x0: i32,
    x1: i32,
}

impl ShareAxis {
    const TICKS: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

    fn x(self, v: f64) -> i32 {
        self.x0 + (v.clamp(0.0, 1.0) * f64::from(self.x1 - self.x0)).round() as i32
    }

    /// The vertical grid lines from `from` to `to`.
    fn grid(self, scene: &mut Scene, from: i32, to: i32) {
        for t in Self::TICKS {
            scene.line(vec![(self.x(t), from), (self.x(t), to)], GRID, 2);
        }
    }
}

/// A row per share figure from `y`, under a sub-heading per group (area-wide, then each
/// partnership), with the grid and the percent axis; returns the y for the source line.
fn share_rows(scene: &mut Scene, y: i32, shares: &[&FigureChange]) -> i32 {
    let x0 = MARGIN + LABEL_W + 30;
    let axis = ShareAxis {
        x0,
        x1: WIDTH - MARGIN - VALUE_W,
    };
    let mut group: Option<Option<&str>> = None;
    let mut rows_top = y;
    let mut grid_from = y;
    for f in shares {
        let g = f.partnership.as_deref();
        if group != Some(g) {
            if group.is_some() {
                axis.grid(scene, grid_from, rows_top);
            }
            group = Some(g);
            let heading = match g {
                None => "Area-wide".to_owned(),
                Some(id) => f
                    .label
                    .split_once(": ")
                    .map_or(id.to_owned(), |(n, _)| n.to_owned()),
            };
            rows_top = layout::subheading(scene, rows_top, &heading) + 8;
            grid_from = rows_top;
        }
        rows_top += share_row(scene, axis, rows_top, f);
    }
    axis.grid(scene, grid_from, rows_top);
    let mut last_right = i32::MIN;
    for t in ShareAxis::TICKS {
        let s = Format::Percent.show(t);
        if axis.x(t) > last_right {
            scene.text(
                axis.x(t),
                rows_top + 40,
                &s,
                TextStyle::new(SMALL).colour(MUTED).align(Align::Centre),
            );
            last_right = axis.x(t) + 40;
        }
    }
    scene.text(
        (axis.x0 + axis.x1) / 2,
        rows_top + 88,
        "Share (0–100%)",
        TextStyle::new(SMALL).align(Align::Centre),
    );
    rows_top + 96
}

/// One figure's row with its top at `top`: its label, its dots joined by an arrow, and
/// its values; returns the row's height.
fn share_row(scene: &mut Scene, axis: ShareAxis, top: i32, f: &FigureChange) -> i32 {
    let label = match f.partnership {
        Some(_) => f
            .label
            .split_once(": ")
            .map_or(f.label.clone(), |(_, r)| r.to_owned()),
        None => f.label.clone(),
    };
    let mut lines = wrap(&upper_first(&label), SMALL, false, LABEL_W);
    lines.truncate(2);
    let row_h = if lines.len() == 2 { 110 } else { 84 };
    let mid = top + row_h / 2;
    let first = if lines.len() == 2 { mid - 8 } else { mid + 11 };
    for (k, l) in lines.iter().enumerate() {
        scene.text(
            axis.x0 - 30,
            first + 38 * k as i32,
            l,
            TextStyle::new(SMALL).align(Align::Right),
        );
    }
    match (f.base, f.to) {
        (Some(a), Some(b)) => {
            let (xa, xb) = (axis.x(a), axis.x(b));
            if (xb - xa).abs() > 26 {
                let dir = if xb > xa { 1 } else { -1 };
                scene.line(vec![(xa, mid), (xb - dir * 16, mid)], INK, 5);
                scene.polygon(
                    vec![
                        (xb, mid),
                        (xb - dir * 26, mid - 13),
                        (xb - dir * 26, mid + 13),
                    ],
                    INK,
                );
            }
            dot(scene, xa, mid, GREY, true);
            dot(scene, xb, mid, INK, false);
        }
        (Some(a), None) => dot(scene, axis.x(a), mid, GREY, true),
        (None, Some(b)) => dot(scene, axis.x(b), mid, INK, false),
        (None, None) => {}
    }
    let value = match (f.base, f.to) {
        (Some(a), Some(b)) => format!("{} → {}", percent(a), percent(b)),
        (Some(a), None) => format!("{} → –", percent(a)),
        (None, Some(b)) => format!("– → {}", percent(b)),
        (None, None) => "–".into(),
    };
    scene.text(
        axis.x1 + 30,
        mid + 11,
        &fit(&value, SMALL, false, VALUE_W - 30),
        TextStyle::new(SMALL),
    );
    row_h
}

fn dot(scene: &mut Scene, x: i32, y: i32, c: Rgb, hollow: bool) {
    scene.rect((x - 13, y - 13), (x + 13, y + 13), c);
    if hollow {
        scene.rect((x - 7, y - 7), (x + 7, y + 7), WHITE);
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
