//! `fundflow compare`: the share figures on both sides as dots joined by an arrow, base →
//! to, area-wide figures first and then each partnership's.

use super::layout::{self, Format, MARGIN, SMALL, WIDTH};
use super::scene::{fit, wrap, Align, Rgb, Scene, TextStyle, GRID, INK, MUTED, WHITE};
use super::{col, Chart, Kind, Section};
use crate::compare::{Comparison, FigureChange, Unit};
use crate::error::Error;
use crate::flags::percent;
use crate::table::Table;

/// Partnerships shown at most.
const MAX_PARTNERSHIPS: usize = super::partnership::MAX_PARTNERSHIPS;

/// The change chart of a comparison, or why there is none.
pub(crate) fn changes(c: &Comparison) -> Result<Result<Chart, String>, Error> {
    const NAME: &str = "compare_shares";
    let mut partnerships: Vec<&str> = Vec::new();
    let shares: Vec<&FigureChange> = c
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
    if shares.is_empty() {
        return Ok(Err(
            "neither side has a share figure to compare (no money awarded and no partnership meetings)"
                .into(),
        ));
    }
    let moved = shares
        .iter()
        .filter_map(|f| f.change.map(|d| (f, d)))
        .max_by(|a, b| {
            a.1.abs()
                .total_cmp(&b.1.abs())
                .then(b.0.label.cmp(&a.0.label))
        });
    let title = match moved {
        Some((f, d)) if d.abs() >= 0.005 => f.words.trim_end_matches('.').to_owned(),
        _ => format!(
            "No share figure moved between {} and {}",
            c.base.label, c.to.label
        ),
    };
    let subtitle = format!(
        "Each share figure in {} (hollow dot) and {} (filled dot, at the arrow's head). Changes are in percentage points; whether a rise is good depends on the figure. A single dot: measured on one side only.{}",
        c.base.label,
        c.to.label,
        if partnerships.len() > MAX_PARTNERSHIPS {
            format!(" The first {MAX_PARTNERSHIPS} of {} partnerships; all are in compare.csv.", partnerships.len())
        } else {
            String::new()
        }
    );
    let mut scene = Scene::new(WIDTH as u32, 0);
    let mut y = layout::header(&mut scene, &title, &subtitle);
    let legend = [
        (c.base.label.clone(), Rgb(0xAA, 0xAA, 0xAA)),
        (c.to.label.clone(), INK),
    ];
    y = layout::legend(&mut scene, y, &legend);
    let size = SMALL;
    let label_w = 720;
    let x0 = MARGIN + label_w + 30;
    let value_w = 250;
    let x1 = WIDTH - MARGIN - value_w;
    let x_of = |v: f64| x0 + (v.clamp(0.0, 1.0) * f64::from(x1 - x0)).round() as i32;
    let mut group: Option<Option<&str>> = None;
    let mut rows_top = y;
    let mut grid_from = y;
    let draw_grid = |scene: &mut Scene, from: i32, to: i32| {
        for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
            scene.line(vec![(x_of(t), from), (x_of(t), to)], GRID, 2);
        }
    };
    for f in &shares {
        let g = f.partnership.as_deref();
        if group != Some(g) {
            if group.is_some() {
                draw_grid(&mut scene, grid_from, rows_top);
            }
            group = Some(g);
            let heading = match g {
                None => "Area-wide".to_owned(),
                Some(id) => f
                    .label
                    .split_once(": ")
                    .map_or(id.to_owned(), |(n, _)| n.to_owned()),
            };
            rows_top = layout::subheading(&mut scene, rows_top, &heading) + 8;
            grid_from = rows_top;
        }
        let label = match g {
            Some(_) => f
                .label
                .split_once(": ")
                .map_or(f.label.clone(), |(_, r)| r.to_owned()),
            None => f.label.clone(),
        };
        let mut lines = wrap(&upper_first(&label), size, false, label_w);
        lines.truncate(2);
        let row_h = if lines.len() == 2 { 110 } else { 84 };
        let mid = rows_top + row_h / 2;
        let first = if lines.len() == 2 { mid - 8 } else { mid + 11 };
        for (k, l) in lines.iter().enumerate() {
            scene.text(
                x0 - 30,
                first + 38 * k as i32,
                l,
                TextStyle::new(size).align(Align::Right),
            );
        }
        let grey = Rgb(0xAA, 0xAA, 0xAA);
        match (f.base, f.to) {
            (Some(a), Some(b)) => {
                let (xa, xb) = (x_of(a), x_of(b));
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
                dot(&mut scene, xa, mid, grey, true);
                dot(&mut scene, xb, mid, INK, false);
            }
            (Some(a), None) => dot(&mut scene, x_of(a), mid, grey, true),
            (None, Some(b)) => dot(&mut scene, x_of(b), mid, INK, false),
            (None, None) => {}
        }
        let value = match (f.base, f.to) {
            (Some(a), Some(b)) => format!("{} → {}", percent(a), percent(b)),
            (Some(a), None) => format!("{} → –", percent(a)),
            (None, Some(b)) => format!("– → {}", percent(b)),
            (None, None) => "–".into(),
        };
        scene.text(
            x1 + 30,
            mid + 11,
            &fit(&value, size, false, value_w - 30),
            TextStyle::new(size),
        );
        rows_top += row_h;
    }
    draw_grid(&mut scene, grid_from, rows_top);
    let mut last_right = i32::MIN;
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let s = Format::Percent.show(t);
        if x_of(t) > last_right {
            scene.text(
                x_of(t),
                rows_top + 40,
                &s,
                TextStyle::new(size).colour(MUTED).align(Align::Centre),
            );
            last_right = x_of(t) + 40;
        }
    }
    scene.text(
        (x0 + x1) / 2,
        rows_top + 88,
        "Share (0–100%)",
        TextStyle::new(size).align(Align::Centre),
    );
    layout::footer(
        &mut scene,
        rows_top + 96,
        &format!(
            "Source: fundflow compare of {} (as of {}) and {} (as of {}).",
            c.base.label, c.base.as_of, c.to.label, c.to.as_of
        ),
    );
    let alt = format!(
        "Dot-and-arrow chart of share figures, {} to {}. {}",
        c.base.label,
        c.to.label,
        shares
            .iter()
            .map(|f| format!("{}.", f.words.trim_end_matches('.')))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let data = Table::from_rows(false, "chart", &shares)?;
    Ok(Ok(Chart {
        name: NAME.into(),
        section: Section::Trends,
        label: "Change in each share figure".into(),
        title,
        alt,
        scene,
        data,
        columns: vec![
            col("label", "Figure", Kind::Text),
            col("base", "Base", Kind::Percent),
            col("to", "To", Kind::Percent),
            col("words", "Change", Kind::Text),
        ],
    }))
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
