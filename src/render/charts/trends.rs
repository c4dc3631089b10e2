//! Trends: the headline figures per UK financial year as small multiples, with the flag
//! thresholds drawn in. A year without a figure is a gap (its reason is in the CSV), never a
//! zero; a partial year is shaded and labelled.

use super::concentration::{HIGH, MODERATE};
use super::layout::{self, Band, Format, Layer, Panel, Panels, RefLine, Series, Slot};
use super::scene::{Rgb, INK};
use super::{col, Kind, Spec};
use super::{sector_colour, sector_name, skip, Built, Section};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::model::Sector;
use crate::trends::{PartnershipYear, TrendYear};
use serde::Serialize;

/// Partnership panels shown at most.
const MAX_PANELS: usize = 6;

#[derive(Serialize)]
struct TrendRow {
    year: String,
    complete: bool,
    partnership: Option<String>,
    figure: &'static str,
    value: Option<f64>,
    note: Option<String>,
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
    let ids = partnerships(years);
    let mut panels = area_panels(years);
    panels.extend(partnership_panels(f, &ids));
    let spec = Spec {
        name: NAME.into(),
        section: Section::Trends,
        label: "Headline figures per financial year".into(),
        title: title(years),
        subtitle: subtitle(f, ids.len().saturating_sub(MAX_PANELS)),
        alt: alt(years),
        columns: vec![
            col("year", "Year", Kind::Text),
            col("partnership", "Partnership", Kind::Text),
            col("figure", "Figure", Kind::Text),
            col("value", "Value", Kind::Hours),
            col("note", "Why missing", Kind::Text),
        ],
    };
    let (mut scene, y) = spec.begin();
    let mut legend: Vec<(String, Rgb)> = panels[0]
        .stack
        .iter()
        .map(|l| (l.label.clone(), l.colour))
        .collect();
    if !ids.is_empty() {
        legend.push(("host share (partnerships)".into(), INK));
        legend.push((
            "VCSE attendance (partnerships)".into(),
            sector_colour(Sector::Vcse).lighten(0.0),
        ));
    }
    let y = layout::legend(&mut scene, y, &legend);
    let slots: Vec<Slot> = years
        .iter()
        .map(|y| Slot {
            label: y.label.clone(),
            partial: !y.complete,
        })
        .collect();
    let y = layout::panels(
        &mut scene,
        y,
        &Panels {
            panels: &panels,
            slots: &slots,
        },
    );
    spec.finish(f, scene, y, &rows(years))
}

/// The chart's data: every figure of every year, with the reason for a missing one.
fn rows(years: &[TrendYear]) -> Vec<TrendRow> {
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
            let id = Some(p.id.as_str());
            put(y, id, "host_share", p.host_share);
            put(y, id, "chair_share", p.chair_share);
            put(y, id, "vcse_attendance_rate", p.attendance_rate.vcse);
            put(
                y,
                id,
                "statutory_attendance_rate",
                p.attendance_rate.statutory,
            );
            put(y, id, "vcse_unpaid_share", p.vcse_unpaid_share);
        }
    }
    rows
}

/// A panel of one line, without thresholds or bands.
fn line_panel(
    title: &str,
    format: Format,
    max: f64,
    colour: Rgb,
    values: Vec<Option<f64>>,
) -> Panel {
    Panel {
        title: title.into(),
        format,
        max,
        stack: vec![],
        lines: vec![Series { colour, values }],
        thresholds: vec![],
        bands: vec![],
    }
}

/// The area's panels: money by recipient sector, the VCSE share, HHI, funding ending.
fn area_panels(years: &[TrendYear]) -> Vec<Panel> {
    let stack: Vec<Layer> = Sector::ALL
        .iter()
        .filter(|s| {
            years
                .iter()
                .any(|y| y.amount_by_sector.get(s).copied().unwrap_or(0.0) > 0.0)
        })
        .map(|s| Layer {
            label: sector_name(*s).to_owned(),
            colour: sector_colour(*s),
            values: years
                .iter()
                .map(|y| y.amount_by_sector.get(s).copied().unwrap_or(0.0))
                .collect(),
        })
        .collect();
    let vcse = sector_colour(Sector::Vcse);
    let hhi_max = years.iter().filter_map(|y| y.hhi).fold(2400.0, f64::max);
    let mut hhi = line_panel(
        "Concentration across recipients (HHI)",
        Format::Number,
        hhi_max,
        INK,
        years.iter().map(|y| y.hhi).collect(),
    );
    hhi.bands = vec![
        band(MODERATE, HIGH, Rgb(0xF8, 0xEE, 0xD0), "moderate"),
        band(HIGH, 1e12, Rgb(0xF6, 0xDF, 0xD8), "high"),
    ];
    vec![
        Panel {
            title: "Money awarded, by recipient sector".into(),
            format: Format::Money,
            max: years.iter().map(|y| y.amount).fold(0.0, f64::max),
            stack,
            lines: vec![],
            thresholds: vec![],
            bands: vec![],
        },
        line_panel(
            "VCSE side's share of the money",
            Format::Percent,
            1.0,
            vcse,
            years.iter().map(|y| y.vcse_share).collect(),
        ),
        hhi,
        line_panel(
            "VCSE-side funding ending within 12 months",
            Format::Percent,
            1.0,
            vcse,
            years.iter().map(|y| y.ending_12m_share).collect(),
        ),
    ]
}

fn band(from: f64, to: f64, fill: Rgb, label: &str) -> Band {
    Band {
        from,
        to,
        fill,
        label: label.into(),
    }
}

/// Partnerships' ids and names, in the order of the first year that lists them.
fn partnerships(years: &[TrendYear]) -> Vec<(String, String)> {
    let mut ids: Vec<(String, String)> = Vec::new();
    for y in years {
        for p in &y.partnerships {
            if !ids.iter().any(|(i, _)| i == &p.id) {
                ids.push((p.id.clone(), p.name.clone()));
            }
        }
    }
    ids
}

/// A panel per partnership (the first [`MAX_PANELS`]): host share and VCSE attendance,
/// with the DEFAULT-HOST thresholds.
fn partnership_panels(f: &Findings, ids: &[(String, String)]) -> Vec<Panel> {
    let (years, pr) = (&f.trends, &f.parameters);
    let host = |t: f64| RefLine {
        at: t,
        label: format!("host {}", percent(t)),
    };
    ids.iter()
        .take(MAX_PANELS)
        .map(|(id, name)| {
            let get = |g: fn(&PartnershipYear) -> Option<f64>| -> Vec<Option<f64>> {
                years
                    .iter()
                    .map(|y| y.partnerships.iter().find(|p| &p.id == id).and_then(g))
                    .collect()
            };
            let mut p = line_panel(name, Format::Percent, 1.0, INK, get(|p| p.host_share));
            p.lines.push(Series {
                colour: sector_colour(Sector::Vcse),
                values: get(|p| p.attendance_rate.vcse),
            });
            p.thresholds = vec![host(pr.default_host.medium), host(pr.default_host.high)];
            p
        })
        .collect()
}

/// The title: the VCSE share's change between complete years, when there are two.
fn title(years: &[TrendYear]) -> String {
    match share_ends(years) {
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
            years.first().map_or("", |y| y.label.as_str()),
            years.last().map_or("", |y| y.label.as_str())
        ),
    }
}

/// The subtitle: what each panel measures, the partial years, and `more` partnerships left out.
fn subtitle(f: &Findings, more: usize) -> String {
    let pr = &f.parameters;
    let partial: Vec<&str> = f
        .trends
        .iter()
        .filter(|y| !y.complete)
        .map(|y| y.label.as_str())
        .collect();
    format!(
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
    )
}

/// The alt text: each year's headline figures.
fn alt(years: &[TrendYear]) -> String {
    format!(
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
    )
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
