//! Trends: the headline figures per UK financial year as small multiples, with the flag
//! thresholds drawn in. A year without a figure is a gap (its reason is in the CSV), never a
//! zero; a partial year is shaded and labelled.

use super::concentration::{HIGH, MODERATE};
use super::layout::{self, Format, MARGIN, SMALL, WIDTH};
use super::scene::{text_width, Align, Rgb, Scene, TextStyle, GRID, INK, MUTED, WHITE};
use super::{col, Kind, Spec};
use super::{sector_colour, sector_name, skip, Built, Section};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::model::Sector;
use crate::trends::TrendYear;
use serde::Serialize;

/// Partnership panels shown at most.
const MAX_PANELS: usize = 6;
/// Line spacing of a wrapped panel title.
const TITLE_LINE: i32 = 42;
/// Columns of panels.
const COLUMNS: i32 = 2;
/// Height of a panel's plot area.
const PLOT_H: i32 = 360;
/// Fill behind a partial year.
const PARTIAL: Rgb = Rgb(0xBB, 0xBB, 0xBB);

#[derive(Serialize)]
struct TrendRow {
    year: String,
    complete: bool,
    partnership: Option<String>,
    figure: &'static str,
    value: Option<f64>,
    note: Option<String>,
}

/// One line in a panel.
struct Series {
    colour: Rgb,
    values: Vec<Option<f64>>,
}

/// One small multiple.
struct Panel {
    title: String,
    format: Format,
    max: f64,
    /// Stacked columns: (label, colour, value per year).
    stack: Vec<(String, Rgb, Vec<f64>)>,
    lines: Vec<Series>,
    /// Threshold lines: (value, label).
    thresholds: Vec<(f64, String)>,
    /// Shaded bands: (from, to, fill, label).
    bands: Vec<(f64, f64, Rgb, String)>,
}

/// The trend chart.
pub(super) fn trends(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "trends";
    let years = &f.trends;
    if years.len() < 2 {
        return Ok(skip(
            NAME,
            Section::Trends,
            if years.is_empty() {
                "no dated grants or meetings, so no financial years to compare"
            } else {
                "the data covers a single financial year, so there is no trend to draw"
            },
        ));
    }
    let mut rows: Vec<TrendRow> = Vec::new();
    let mut put = |y: &TrendYear, p: Option<&str>, figure: &'static str, v: Option<f64>| {
        let note = if v.is_some() {
            None
        } else {
            match p {
                Some(id) => y
                    .partnerships
                    .iter()
                    .find(|x| x.id == id)
                    .and_then(|x| x.note.clone())
                    .or_else(|| Some("not measured in this year".into())),
                None => Some(if y.notes.is_empty() {
                    "not measured in this year".into()
                } else {
                    y.notes.join("; ")
                }),
            }
        };
        rows.push(TrendRow {
            year: y.label.clone(),
            complete: y.complete,
            partnership: p.map(str::to_owned),
            figure,
            value: v,
            note,
        });
    };
    for y in years {
        put(y, None, "amount", Some(y.amount));
        for s in Sector::ALL {
            let v = y.amount_by_sector.get(&s).copied();
            let figure = match s {
                Sector::Statutory => "amount_statutory",
                Sector::Vcse => "amount_vcse",
                Sector::Private => "amount_private",
                Sector::Individual => "amount_individual",
                Sector::Unknown => "amount_unknown",
            };
            put(y, None, figure, v);
        }
        put(y, None, "vcse_share", y.vcse_share);
        put(y, None, "hhi", y.hhi);
        put(y, None, "gini", y.gini);
        put(y, None, "ending_12m_share", y.ending_12m_share);
        for p in &y.partnerships {
            put(y, Some(&p.id), "host_share", p.host_share);
            put(y, Some(&p.id), "chair_share", p.chair_share);
            put(
                y,
                Some(&p.id),
                "vcse_attendance_rate",
                p.attendance_rate.vcse,
            );
            put(
                y,
                Some(&p.id),
                "statutory_attendance_rate",
                p.attendance_rate.statutory,
            );
            put(y, Some(&p.id), "vcse_unpaid_share", p.vcse_unpaid_share);
        }
    }

    let n = years.len();
    let pr = &f.parameters;
    let mut panels: Vec<Panel> = Vec::new();
    let stack: Vec<(String, Rgb, Vec<f64>)> = Sector::ALL
        .iter()
        .filter(|s| {
            years
                .iter()
                .any(|y| y.amount_by_sector.get(s).copied().unwrap_or(0.0) > 0.0)
        })
        .map(|s| {
            (
                sector_name(*s).to_owned(),
                sector_colour(*s),
                years
                    .iter()
                    .map(|y| y.amount_by_sector.get(s).copied().unwrap_or(0.0))
                    .collect(),
            )
        })
        .collect();
    panels.push(Panel {
        title: "Money awarded, by recipient sector".into(),
        format: Format::Money,
        max: years.iter().map(|y| y.amount).fold(0.0, f64::max),
        stack,
        lines: vec![],
        thresholds: vec![],
        bands: vec![],
    });
    panels.push(Panel {
        title: "VCSE side's share of the money".into(),
        format: Format::Percent,
        max: 1.0,
        stack: vec![],
        lines: vec![Series {
            colour: sector_colour(Sector::Vcse),
            values: years.iter().map(|y| y.vcse_share).collect(),
        }],
        thresholds: vec![],
        bands: vec![],
    });
    let hhi_max = years.iter().filter_map(|y| y.hhi).fold(2400.0, f64::max);
    panels.push(Panel {
        title: "Concentration across recipients (HHI)".into(),
        format: Format::Number,
        max: hhi_max,
        stack: vec![],
        lines: vec![Series {
            colour: INK,
            values: years.iter().map(|y| y.hhi).collect(),
        }],
        thresholds: vec![],
        bands: vec![
            (MODERATE, HIGH, Rgb(0xF8, 0xEE, 0xD0), "moderate".into()),
            (HIGH, 1e12, Rgb(0xF6, 0xDF, 0xD8), "high".into()),
        ],
    });
    panels.push(Panel {
        title: "VCSE-side funding ending within 12 months".into(),
        format: Format::Percent,
        max: 1.0,
        stack: vec![],
        lines: vec![Series {
            colour: sector_colour(Sector::Vcse),
            values: years.iter().map(|y| y.ending_12m_share).collect(),
        }],
        thresholds: vec![],
        bands: vec![],
    });
    // Partnerships, in the order of the latest year that lists them.
    let mut ids: Vec<(String, String)> = Vec::new();
    for y in years {
        for p in &y.partnerships {
            if !ids.iter().any(|(i, _)| i == &p.id) {
                ids.push((p.id.clone(), p.name.clone()));
            }
        }
    }
    let more = ids.len().saturating_sub(MAX_PANELS);
    for (id, name) in ids.iter().take(MAX_PANELS) {
        let get = |g: fn(&crate::trends::PartnershipYear) -> Option<f64>| -> Vec<Option<f64>> {
            years
                .iter()
                .map(|y| y.partnerships.iter().find(|p| &p.id == id).and_then(g))
                .collect()
        };
        panels.push(Panel {
            title: name.clone(),
            format: Format::Percent,
            max: 1.0,
            stack: vec![],
            lines: vec![
                Series {
                    colour: INK,
                    values: get(|p| p.host_share),
                },
                Series {
                    colour: sector_colour(Sector::Vcse),
                    values: get(|p| p.attendance_rate.vcse),
                },
            ],
            thresholds: vec![
                (
                    pr.default_host.medium,
                    format!("host {}", percent(pr.default_host.medium)),
                ),
                (
                    pr.default_host.high,
                    format!("host {}", percent(pr.default_host.high)),
                ),
            ],
            bands: vec![],
        });
    }

    // Words: the title quotes complete years only.
    let (first, last) = (&years[0], &years[n - 1]);
    let title = match share_ends(years) {
        Some((a, b)) => {
            let (va, vb) = (a.vcse_share.unwrap_or(0.0), b.vcse_share.unwrap_or(0.0));
            format!(
                "The VCSE side's share of the money {} from {} in {} to {} in {}",
                if (vb - va).abs() < 0.005 {
                    "stayed level,"
                } else if vb > va {
                    "rose"
                } else {
                    "fell"
                },
                percent(va),
                a.label,
                percent(vb),
                b.label
            )
        }
        None => format!(
            "Headline figures per financial year, {} to {}",
            first.label, last.label
        ),
    };
    let partial: Vec<&str> = years
        .iter()
        .filter(|y| !y.complete)
        .map(|y| y.label.as_str())
        .collect();
    let subtitle = format!(
        "Each UK financial year (1 April – 31 March): money by award date, shares and concentration of that year's awards, funding running on its 31 March. Dashed lines: the DEFAULT-HOST flag thresholds ({} and {}). A gap is a year with too little data (reasons in the CSV).{}{}",
        percent(pr.default_host.medium),
        percent(pr.default_host.high),
        if partial.is_empty() {
            String::new()
        } else {
            format!(
                " Shaded: {} (partial: the data ends before the year does).",
                partial.join(", ")
            )
        },
        if more > 0 {
            format!(" The first {MAX_PANELS} partnerships; all are in the CSV.")
        } else {
            String::new()
        }
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Trends,
        label: "Headline figures per financial year".into(),
        title,
        subtitle,
        alt: format!(
            "Small-multiple line charts of headline figures per financial year. {}",
            years
                .iter()
                .map(|t| format!(
                    "{}{}: {} awarded, VCSE share {}, HHI {}, ending within 12 months {}.",
                    t.label,
                    if t.complete { "" } else { " (partial)" },
                    money(t.amount),
                    t.vcse_share.map_or("not measured".into(), percent),
                    t.hhi.map_or("not measured".into(), layout::thousands),
                    t.ending_12m_share.map_or("not measured".into(), percent)
                ))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        columns: vec![
            col("year", "Year", Kind::Text),
            col("partnership", "Partnership", Kind::Text),
            col("figure", "Figure", Kind::Text),
            col("value", "Value", Kind::Hours),
            col("note", "Why missing", Kind::Text),
        ],
    };
    let (mut scene, mut y) = spec.begin();
    let mut legend: Vec<(String, Rgb)> = panels[0]
        .stack
        .iter()
        .map(|(l, c, _)| (l.clone(), *c))
        .collect();
    if ids.is_empty() {
        y = layout::legend(&mut scene, y, &legend);
    } else {
        legend.push(("host share (partnerships)".into(), INK));
        legend.push((
            "VCSE attendance (partnerships)".into(),
            sector_colour(Sector::Vcse).lighten(0.0),
        ));
        y = layout::legend(&mut scene, y, &legend);
    }
    let gap = 60;
    let panel_w = (WIDTH - 2 * MARGIN - gap * (COLUMNS - 1)) / COLUMNS;
    // Panel titles wrap to two lines rather than cut a long partnership name; every panel
    // then leaves room for two, so the plots stay aligned.
    let titles: Vec<Vec<String>> = panels
        .iter()
        .map(|p| super::scene::label_lines(&p.title, SMALL + 2.0, true, panel_w))
        .collect();
    let extra = TITLE_LINE * (titles.iter().map(Vec::len).max().unwrap_or(1) as i32 - 1);
    let panel_h = 56 + extra + PLOT_H + 70;
    for (i, (p, title)) in panels.iter().zip(&titles).enumerate() {
        let (c, r) = (i as i32 % COLUMNS, i as i32 / COLUMNS);
        let px = MARGIN + c * (panel_w + gap);
        let py = y + r * (panel_h + 24);
        draw_panel(&mut scene, (px, py, panel_w), title, extra, p, years);
    }
    let rows_of_panels = panels.len().div_ceil(COLUMNS as usize) as i32;
    y += rows_of_panels * (panel_h + 24);
    spec.finish(f, scene, y, &rows)
}

/// The first and last years the title may quote a VCSE share from: complete years (the
/// data runs past their 31 March, [`TrendYear::complete`]) with a share (a year with fewer
/// than [`crate::trends::MIN_GRANTS`] grants has none). `None` unless there are two such
/// years, so a title never quotes a part year, or a year of too few grants.
fn share_ends(years: &[TrendYear]) -> Option<(&TrendYear, &TrendYear)> {
    let mut quotable = years
        .iter()
        .filter(|y| y.complete && y.vcse_share.is_some());
    let first = quotable.next()?;
    let last = quotable.next_back()?;
    Some((first, last))
}

/// One small chart at (x, y) and `w` wide, under its title's lines; `extra` is the room
/// every panel leaves for a second title line.
fn draw_panel(
    scene: &mut Scene,
    (px, py, w): (i32, i32, i32),
    title: &[String],
    extra: i32,
    p: &Panel,
    years: &[TrendYear],
) {
    for (k, line) in title.iter().enumerate() {
        scene.text(
            px,
            py + 40 + TITLE_LINE * k as i32,
            line,
            TextStyle::new(SMALL + 2.0).bold(),
        );
    }
    let py = py + extra;
    let ticks: Vec<f64> = if p.format == Format::Percent {
        vec![0.0, 0.25, 0.5, 0.75, 1.0]
    } else {
        layout::ticks(p.max)
    };
    let tmax = ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let label_w = ticks
        .iter()
        .map(|t| text_width(&p.format.show(*t), SMALL - 4.0, false))
        .max()
        .unwrap_or(60);
    let x0 = px + label_w + 16;
    // Room at the right for the threshold and band labels, outside the plot.
    let x1 = px + w
        - if p.thresholds.is_empty() && p.bands.is_empty() {
            0
        } else {
            120
        };
    let top = py + 66;
    let bottom = top + PLOT_H - 10;
    let n = years.len().max(1);
    let slot = f64::from(x1 - x0) / n as f64;
    let xc = |i: usize| x0 + (slot * (i as f64 + 0.5)).round() as i32;
    let yv =
        |v: f64| bottom - ((v / tmax).clamp(0.0, 1.0) * f64::from(bottom - top)).round() as i32;
    for (from, to, fill, label) in &p.bands {
        if *from >= tmax {
            continue;
        }
        let (a, b) = (yv(*from), yv(to.min(tmax)));
        scene.rect((x0, b), (x1, a), *fill);
        scene.text(
            x1 + 8,
            ((a + b) / 2 + 9).min(a - 4),
            label,
            TextStyle::new(SMALL - 8.0).colour(MUTED),
        );
    }
    // A partial year: a see-through grey over its slot, so bands still show through.
    for (i, y) in years.iter().enumerate() {
        if !y.complete {
            let a = x0 + (slot * i as f64).round() as i32;
            let b = x0 + (slot * (i + 1) as f64).round() as i32;
            scene.translucent(
                vec![(a, top), (b, top), (b, bottom), (a, bottom)],
                PARTIAL,
                0.55,
            );
        }
    }
    for t in &ticks {
        scene.line(vec![(x0, yv(*t)), (x1, yv(*t))], GRID, 2);
        scene.text(
            x0 - 10,
            yv(*t) + 10,
            &p.format.show(*t),
            TextStyle::new(SMALL - 4.0)
                .colour(MUTED)
                .align(Align::Right),
        );
    }
    for (v, label) in &p.thresholds {
        scene.dashed((x0, yv(*v)), (x1, yv(*v)), MUTED, 2);
        scene.text(
            x1 + 8,
            yv(*v) + 8,
            label,
            TextStyle::new(SMALL - 8.0).colour(MUTED),
        );
    }
    // Stacked columns.
    let bw = ((slot * 0.5).round() as i32).clamp(8, 160);
    for i in 0..years.len() {
        let mut acc = 0.0;
        for (_, c, vals) in &p.stack {
            let v = vals[i];
            if v > 0.0 {
                let (a, b) = (yv(acc), yv(acc + v));
                if a > b {
                    scene.rect((xc(i) - bw / 2, b), (xc(i) + bw / 2, a), *c);
                }
                acc += v;
            }
        }
        if !p.stack.is_empty() && acc > 0.0 {
            scene.text(
                xc(i),
                yv(acc) - 10,
                &money(acc),
                TextStyle::new(SMALL - 6.0).align(Align::Centre),
            );
        }
    }
    // Lines: broken at a missing year; markers hollow in a partial year.
    for s in &p.lines {
        let mut run: Vec<(i32, i32)> = Vec::new();
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => run.push((xc(i), yv(*v))),
                None => {
                    if run.len() > 1 {
                        scene.line(std::mem::take(&mut run), s.colour, 5);
                    }
                    run.clear();
                }
            }
        }
        if run.len() > 1 {
            scene.line(run, s.colour, 5);
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let (x, yy) = (xc(i), yv(*v));
                scene.rect((x - 10, yy - 10), (x + 10, yy + 10), s.colour);
                if !years[i].complete {
                    scene.rect((x - 5, yy - 5), (x + 5, yy + 5), WHITE);
                }
            }
        }
    }
    // "no data" where every line of the panel misses a year.
    if !p.lines.is_empty() {
        for i in 0..years.len() {
            if p.lines.iter().all(|s| s.values[i].is_none()) {
                scene.text(
                    xc(i),
                    (top + bottom) / 2,
                    "too little data",
                    TextStyle::new(SMALL - 8.0)
                        .colour(MUTED)
                        .align(Align::Centre),
                );
            }
        }
    }
    scene.line(vec![(x0, bottom), (x1, bottom)], MUTED, 2);
    let widest = years
        .iter()
        .map(|y| text_width(&y.label, SMALL - 6.0, false))
        .max()
        .unwrap_or(80);
    let every = ((f64::from(widest + 12) / slot).ceil() as usize).max(1);
    for (i, y) in years.iter().enumerate() {
        if i % every == 0 || i + 1 == years.len() && (i % every) * 2 >= every {
            scene.text(
                xc(i),
                bottom + 34,
                &y.label,
                TextStyle::new(SMALL - 6.0)
                    .colour(MUTED)
                    .align(Align::Centre),
            );
        }
        if !y.complete {
            scene.text(
                xc(i),
                bottom + 62,
                "partial",
                TextStyle::new(SMALL - 8.0)
                    .colour(MUTED)
                    .align(Align::Centre),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::share_ends;
    use crate::measures::Window;
    use crate::trends::{fy_label, TrendYear};
    use std::collections::BTreeMap;

    fn year(fy: i32, complete: bool, grants: usize, vcse_share: Option<f64>) -> TrendYear {
        let as_of = chrono::NaiveDate::from_ymd_opt(fy + 1, 3, 31).expect("a date");
        TrendYear {
            fy,
            label: fy_label(fy),
            window: Window::default(),
            as_of,
            complete,
            grants,
            amount: 0.0,
            amount_by_sector: BTreeMap::new(),
            hhi: None,
            gini: None,
            vcse_share,
            active_grants: 0,
            active_annual: 0.0,
            ending_12m_annual: 0.0,
            ending_12m_share: None,
            meetings: 0,
            notes: Vec::new(),
            partnerships: Vec::new(),
        }
    }

    #[test]
    fn the_title_quotes_complete_years_with_a_share_only() {
        // As the Trafford file: 2021-22 and 2022-23 complete; 2023-24 complete but 4 grants
        // (no share); 2024-25 a part year of 5 grants with a share of 100%.
        let years = [
            year(2021, true, 50, Some(0.93)),
            year(2022, true, 95, Some(0.90)),
            year(2023, true, 4, None),
            year(2024, false, 5, Some(1.0)),
        ];
        let (a, b) = share_ends(&years).expect("two complete years");
        assert_eq!((a.label.as_str(), b.label.as_str()), ("2021-22", "2022-23"));
        // A part year first is skipped too (data starting mid-year is marked complete by
        // the measure, but the rule holds whatever is marked).
        let years = [
            year(2021, false, 9, Some(0.5)),
            year(2022, true, 9, Some(0.6)),
            year(2023, true, 9, Some(0.7)),
        ];
        let (a, b) = share_ends(&years).expect("two complete years");
        assert_eq!((a.fy, b.fy), (2022, 2023));
        // One quotable year: no comparison in the title.
        let years = [
            year(2022, true, 9, Some(0.6)),
            year(2023, false, 9, Some(0.7)),
        ];
        assert!(share_ends(&years).is_none());
    }
}
