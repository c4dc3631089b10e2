//! Funder concentration: each funder's HHI against the 1000 and 1800 bands.

use super::layout::{self, Band, Bar, Bars, Format};
use super::scene::Rgb;
use super::{col, funders_by_money, Kind, Spec};
use super::{sector_colour, sector_name, skip, Built, Section, TOP_N};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::money;
use crate::model::Sector;
use serde::Serialize;

/// "Moderately concentrated" above this HHI (US 2023 Merger Guidelines).
pub(crate) const MODERATE: f64 = 1000.0;
/// "Highly concentrated" above this HHI.
pub(crate) const HIGH: f64 = 1800.0;

#[derive(Serialize)]
struct Row {
    id: String,
    name: String,
    sector: Sector,
    total: f64,
    recipients: usize,
    hhi: Option<f64>,
    gini: Option<f64>,
    top5_share: Option<f64>,
}

pub(super) fn funder_hhi(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "funder_hhi";
    let mut funders = funders_by_money(f, |x| x.concentration.hhi.is_some());
    if funders.is_empty() {
        return Ok(skip(
            NAME,
            Section::Concentration,
            "no funder has an HHI (no money awarded in the window)",
        ));
    }
    let all = funders.len();
    let high = funders
        .iter()
        .filter(|x| x.concentration.hhi.is_some_and(|h| h > HIGH))
        .count();
    funders.truncate(TOP_N);
    let rows: Vec<Row> = funders
        .iter()
        .map(|x| Row {
            id: x.id.to_string(),
            name: x.name.clone(),
            sector: x.sector,
            total: x.concentration.total,
            recipients: x.concentration.recipients,
            hhi: x.concentration.hhi,
            gini: x.concentration.gini,
            top5_share: x.concentration.top5_share,
        })
        .collect();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            swatch: None,
            segments: vec![(r.hhi.unwrap_or(0.0), sector_colour(r.sector))],
            value: format!(
                "{} · {} recipient{}",
                layout::thousands(r.hhi.unwrap_or(0.0)),
                layout::thousands(r.recipients as f64),
                if r.recipients == 1 { "" } else { "s" }
            ),
        })
        .collect();
    let title = format!("{high} of {all} funders are above the 1,800 ‘highly concentrated’ line");
    let subtitle = "HHI = Σ (100 × each recipient's share of the funder's money)², 0–10,000. A funder making n equal grants scores 10,000 ÷ n, so small funders score high by construction: context, not a flag. Bands from the US 2023 Merger Guidelines.";
    let alt = format!(
        "Bar chart of each funder's HHI against the 1,000 and 1,800 bands; {high} of {all} funders are above 1,800. {}.",
        rows.iter()
            .take(6)
            .map(|r| format!(
                "{} HHI {} over {} recipients ({})",
                r.name,
                layout::thousands(r.hhi.unwrap_or(0.0)),
                r.recipients,
                money(r.total)
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Concentration,
        label: "Each funder's concentration (HHI)".into(),
        title,
        subtitle: subtitle.into(),
        alt,
        columns: vec![
            col("name", "Funder", Kind::Text),
            col("total", "Awarded", Kind::Money),
            col("recipients", "Recipients", Kind::Number),
            col("hhi", "HHI", Kind::Number),
            col("gini", "Gini", Kind::Hours),
            col("top5_share", "Top 5 share", Kind::Percent),
        ],
    };
    let sectors: std::collections::BTreeSet<Sector> = rows.iter().map(|r| r.sector).collect();
    let (moderate, highly) = (Rgb(0xF6, 0xF1, 0xE1), Rgb(0xF9, 0xE6, 0xD8));
    let mut legend: Vec<(String, Rgb)> = sectors
        .into_iter()
        .map(|s| (format!("{} funder", sector_name(s)), sector_colour(s)))
        .collect();
    legend.push(("moderately concentrated (1,000–1,800)".into(), moderate));
    legend.push(("highly concentrated (above 1,800)".into(), highly));
    let bands = [
        Band {
            from: MODERATE,
            to: HIGH,
            fill: moderate,
            label: String::new(),
        },
        Band {
            from: HIGH,
            to: 10_000.0,
            fill: highly,
            label: String::new(),
        },
    ];
    // Wide enough to show both bands, no wider than the largest HHI needs.
    let max = rows.iter().filter_map(|r| r.hhi).fold(2_000.0, f64::max);
    let bars = Bars::new(&bars, max, Format::Number)
        .axis("HHI of the funder's recipients (0–10,000)")
        .bands(&bands);
    spec.chart(f, &legend, |s, y| layout::hbars(s, y, &bars), &rows)
}
