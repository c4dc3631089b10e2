//! Where the money goes: by recipient sector, by funder, the largest recipients and their
//! funders, and the funding cliff.

use super::layout::{self, Bar, Bars, Format, MARGIN, SMALL, WIDTH};
use super::scene::{fit, text_width, Align, Rgb, TextStyle, MUTED};
use super::{col, Kind, Spec};
use super::{
    funders_by_money, sector_colour, sector_legend, sector_name, sector_phrase, skip, Built,
};
use super::{Section, TOP_N};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::model::Sector;
use crate::views::FunderAmount;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Grey for "others" bars (lighter than the unknown sector's grey, so they differ).
const OTHERS: Rgb = Rgb(0xCC, 0xCC, 0xCC);

/// Funders in stacked bars, in order of money: hues apart and relative luminance (as
/// [`Rgb::luminance`]) 0.09, 0.22, 0.36, 0.48, 0.61, 0.75, so each is a distinct grey when
/// printed in black and white (every pair, and [`OTHER_FUNDERS`], at least 0.12 apart).
const FUNDER_PALETTE: [Rgb; 6] = [
    Rgb(0x14, 0x12, 0x4A), // navy
    Rgb(0xA0, 0x1A, 0x30), // crimson
    Rgb(0x12, 0x70, 0x60), // teal
    Rgb(0xE2, 0x68, 0x0A), // orange
    Rgb(0x5B, 0xA8, 0xE0), // sky blue
    Rgb(0xE6, 0xC2, 0x38), // yellow
];

/// "Other funders" in stacked bars: a light grey (luminance 0.89).
const OTHER_FUNDERS: Rgb = Rgb(0xE2, 0xE2, 0xE2);

fn share(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

/// A share in words; a small but non-zero share is "<1%", not "0%".
fn pct(part: f64, whole: f64) -> String {
    pct_of(share(part, whole))
}

/// [`pct`] of a share already computed.
fn pct_of(share: Option<f64>) -> String {
    match share {
        Some(s) if s > 0.0 && s < 0.005 => "<1%".into(),
        Some(s) => percent(s),
        None => "–".into(),
    }
}

#[derive(Serialize)]
struct SectorRow {
    sector: Sector,
    amount: f64,
    share: Option<f64>,
    grants: crate::disclosure::Count,
    recipients: crate::disclosure::Count,
}

/// Funding by recipient sector.
pub(super) fn by_sector(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "funding_by_sector";
    let total = f.totals.amount;
    if total <= 0.0 {
        return Ok(skip(
            NAME,
            Section::Money,
            "no money was awarded in the window",
        ));
    }
    let mut rows: Vec<&crate::findings::SectorTotal> = f.totals.by_sector.iter().collect();
    rows.sort_by(|a, b| b.amount.total_cmp(&a.amount).then(a.sector.cmp(&b.sector)));
    let bars: Vec<Bar> = rows
        .iter()
        .map(|s| Bar {
            label: sector_phrase(s.sector).to_owned(),
            swatch: None,
            segments: vec![(s.amount, sector_colour(s.sector))],
            value: format!("{} ({})", money(s.amount), pct(s.amount, total)),
        })
        .collect();
    let top = rows[0];
    let title = format!(
        "{} received {} of the {} awarded",
        sector_phrase(top.sector),
        pct(top.amount, total),
        money(total)
    );
    let subtitle = format!(
        "Money awarded in the window by the sector of the recipient ({} grants to {} recipients). All awards: money passed on by intermediaries is counted at each step.",
        layout::thousands(f.totals.grants as f64),
        layout::thousands(f.totals.recipients as f64)
    );
    let alt = format!(
        "Bar chart of money awarded by recipient sector: {}.",
        rows.iter()
            .map(|s| format!(
                "{} {} ({})",
                sector_name(s.sector),
                money(s.amount),
                pct(s.amount, total)
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Money,
        label: "Funding by recipient sector".into(),
        title,
        subtitle,
        alt,
        columns: vec![
            col("sector", "Recipient sector", Kind::Text),
            col("amount", "Awarded", Kind::Money),
            col("share", "Share", Kind::Percent),
            col("grants", "Grants", Kind::Number),
            col("recipients", "Recipients", Kind::Number),
        ],
    };
    let bars = Bars::new(&bars, top.amount, Format::Money)
        .axis("£ awarded")
        .bar_height(64);
    let data = rows
        .iter()
        .map(|s| SectorRow {
            sector: s.sector,
            amount: s.amount,
            share: share(s.amount, total),
            grants: s.grants,
            recipients: s.recipients,
        })
        .collect::<Vec<_>>();
    spec.chart(f, &[], |s, y| layout::hbars(s, y, &bars), &data)
}

#[derive(Serialize)]
struct FunderBarRow {
    id: String,
    name: String,
    sector: Option<Sector>,
    total: f64,
    share: Option<f64>,
    grants: usize,
    recipients: usize,
}

/// Funding by funder: the largest [`TOP_N`], then the rest as one bar.
pub(super) fn by_funder(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "funding_by_funder";
    let total: f64 = f.funders.iter().map(|x| x.concentration.total).sum();
    if total <= 0.0 {
        return Ok(skip(
            NAME,
            Section::Money,
            "no money was awarded in the window",
        ));
    }
    let funders = funders_by_money(f, |_| true);
    let shown = &funders[..funders.len().min(TOP_N)];
    let rest = &funders[shown.len()..];
    let mut rows: Vec<FunderBarRow> = shown
        .iter()
        .map(|x| FunderBarRow {
            id: x.id.to_string(),
            name: x.name.clone(),
            sector: Some(x.sector),
            total: x.concentration.total,
            share: share(x.concentration.total, total),
            grants: x.concentration.grants,
            recipients: x.concentration.recipients,
        })
        .collect();
    if !rest.is_empty() {
        let t: f64 = rest.iter().map(|x| x.concentration.total).sum();
        rows.push(FunderBarRow {
            id: "others".into(),
            name: format!("{} other funders", rest.len()),
            sector: None,
            total: t,
            share: share(t, total),
            grants: rest.iter().map(|x| x.concentration.grants).sum(),
            recipients: 0,
        });
    }
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            swatch: None,
            segments: vec![(r.total, r.sector.map_or(OTHERS, sector_colour))],
            value: format!("{} ({})", money(r.total), pct(r.total, total)),
        })
        .collect();
    let top = &rows[0];
    let title = format!(
        "{} gave {} of the money ({} of {})",
        top.name,
        pct(top.total, total),
        money(top.total),
        money(total)
    );
    let subtitle = format!(
        "Money awarded in the window by each of the {} funders{}; colour shows the funder's sector.",
        f.funders.len(),
        if rest.is_empty() {
            String::new()
        } else {
            format!(" (the largest {TOP_N}, then the rest together)")
        }
    );
    let alt = format!(
        "Bar chart of money awarded by funder, largest first: {}.",
        rows.iter()
            .take(6)
            .map(|r| format!("{} {}", r.name, money(r.total)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Money,
        label: "Funding by funder".into(),
        title,
        subtitle,
        alt,
        columns: vec![
            col("name", "Funder", Kind::Text),
            col("sector", "Sector", Kind::Text),
            col("total", "Awarded", Kind::Money),
            col("share", "Share", Kind::Percent),
            col("grants", "Grants", Kind::Number),
            col("recipients", "Recipients", Kind::Number),
        ],
    };
    let legend = sector_legend(shown.iter().map(|x| x.sector));
    // The axis fits the named funders; a larger "others" bar is cut with a break mark.
    let max = rows
        .iter()
        .filter(|r| r.sector.is_some())
        .map(|r| r.total)
        .fold(0.0, f64::max);
    let bars = Bars::new(&bars, max, Format::Money).axis("£ awarded");
    spec.chart(f, &legend, |s, y| layout::hbars(s, y, &bars), &rows)
}

#[derive(Serialize)]
struct RecipientFunderRow {
    recipient: String,
    recipient_name: String,
    recipient_sector: Sector,
    funder: String,
    funder_name: String,
    amount: f64,
}

/// The largest recipients, each bar stacked by funder (findings' view of them,
/// [`crate::views::top_recipients`]).
pub(super) fn top_recipients(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "top_recipients";
    let total = f.totals.amount;
    let figures: HashMap<&str, &crate::measures::dependency::RecipientFigures> =
        f.recipients.iter().map(|r| (r.id.as_str(), r)).collect();
    let shown: Vec<(
        &crate::measures::dependency::RecipientFigures,
        &[FunderAmount],
    )> = f
        .views
        .top_recipients
        .iter()
        .filter_map(|v| Some((*figures.get(v.recipient.as_str())?, v.funders.as_slice())))
        .collect();
    if shown.is_empty() || total <= 0.0 {
        return Ok(skip(
            NAME,
            Section::Money,
            "no recipient received money in the window",
        ));
    }
    let recipients: Vec<&crate::measures::dependency::RecipientFigures> =
        shown.iter().map(|(r, _)| *r).collect();
    // funder → amount, per shown recipient.
    let by_recipient: Vec<BTreeMap<&str, f64>> = shown
        .iter()
        .map(|(_, funders)| {
            funders
                .iter()
                .map(|x| (x.funder.as_str(), x.amount))
                .collect()
        })
        .collect();
    let funder_of: HashMap<&str, &crate::findings::FunderRow> =
        f.funders.iter().map(|x| (x.id.as_str(), x)).collect();
    let (colour_of, legend) = funder_colours(&by_recipient, &funder_of);
    let mut data = Vec::new();
    let bars: Vec<Bar> = recipients
        .iter()
        .zip(&by_recipient)
        .map(|(r, m)| {
            let mut segs: Vec<(f64, Rgb)> = Vec::new();
            let mut other = 0.0;
            let mut parts: Vec<(&str, f64)> = m.iter().map(|(k, v)| (*k, *v)).collect();
            parts.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            for (fid, v) in &parts {
                data.push(RecipientFunderRow {
                    recipient: r.id.clone(),
                    recipient_name: r.name.clone(),
                    recipient_sector: r.sector,
                    funder: (*fid).to_owned(),
                    funder_name: funder_of
                        .get(fid)
                        .map_or((*fid).to_owned(), |x| x.name.clone()),
                    amount: *v,
                });
                match colour_of.get(fid) {
                    Some(c) => segs.push((*v, *c)),
                    None => other += v,
                }
            }
            if other > 0.0 {
                segs.push((other, OTHER_FUNDERS));
            }
            Bar {
                label: r.name.clone(),
                swatch: Some(sector_colour(r.sector)),
                segments: segs,
                value: format!(
                    "{} · {} funder{}",
                    money(r.total),
                    r.funders,
                    if r.funders == 1 { "" } else { "s" }
                ),
            }
        })
        .collect();
    let top = recipients[0];
    let title = format!(
        "The {} largest recipients received {} of the money; {} received most ({})",
        recipients.len(),
        pct_of(f.views.top_recipients_share),
        top.name,
        money(top.total)
    );
    let subtitle = "Money awarded in the window to the largest recipients, split by funder (the six funders giving most to them in colours of their own, the rest grey). The square before each name is the recipient's sector.";
    let alt = format!(
        "Stacked bar chart of the {} largest recipients by funder: {}.",
        recipients.len(),
        recipients
            .iter()
            .take(5)
            .map(|r| format!("{} {} from {} funders", r.name, money(r.total), r.funders))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Money,
        label: "The largest recipients and their funders".into(),
        title,
        subtitle: subtitle.into(),
        alt,
        columns: vec![
            col("recipient_name", "Recipient", Kind::Text),
            col("recipient_sector", "Sector", Kind::Text),
            col("funder_name", "Funder", Kind::Text),
            col("amount", "Awarded", Kind::Money),
        ],
    };
    let max = recipients.iter().map(|r| r.total).fold(0.0, f64::max);
    let bars = Bars::new(&bars, max, Format::Money).axis("£ awarded");
    spec.chart(f, &legend, |s, y| layout::hbars(s, y, &bars), &data)
}

/// The colours of the funders in the stacked bars, and their legend: a categorical palette,
/// distinct in greyscale as well as in hue, for the funders giving most to the recipients
/// (`by_recipient`: funder → amount, per recipient); the rest are "other funders".
fn funder_colours<'a>(
    by_recipient: &[BTreeMap<&'a str, f64>],
    funder_of: &HashMap<&str, &crate::findings::FunderRow>,
) -> (HashMap<&'a str, Rgb>, Vec<(String, Rgb)>) {
    let mut weight: BTreeMap<&str, f64> = BTreeMap::new();
    for m in by_recipient {
        for (k, v) in m {
            *weight.entry(k).or_default() += v;
        }
    }
    let mut ranked: Vec<(&str, f64)> = weight.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let mut colour_of: HashMap<&str, Rgb> = HashMap::new();
    let mut legend: Vec<(String, Rgb)> = Vec::new();
    for ((id, _), c) in ranked.iter().zip(FUNDER_PALETTE) {
        colour_of.insert(id, c);
        let name = funder_of
            .get(id)
            .map_or((*id).to_owned(), |x| x.name.clone());
        legend.push((name, c));
    }
    let has_other = ranked.iter().any(|(id, _)| !colour_of.contains_key(id));
    if has_other {
        legend.push(("Other funders".into(), OTHER_FUNDERS));
    }
    (colour_of, legend)
}

/// The funding cliff: annual value of VCSE-side grants ending per quarter.
pub(super) fn cliff(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "funding_cliff";
    let q = &f.cliff.by_quarter;
    let max = q.iter().map(|x| x.annual_value_ending).fold(0.0, f64::max);
    if q.is_empty() || max <= 0.0 {
        return Ok(skip(
            NAME,
            Section::Cliff,
            "no active grant to a VCSE-side organisation ends in the next eight quarters",
        ));
    }
    // The title uses FUNDING-CLIFF's horizon (as_of + 365 days), the same figure as
    // `cliff.ending_12m_annual` and the trends; the bars stay in calendar quarters, darker for
    // the quarters that start within it.
    let horizon = f
        .as_of
        .checked_add_days(chrono::Days::new(
            crate::measures::dependency::CLIFF_HORIZON_DAYS,
        ))
        .unwrap_or(f.as_of);
    let ending = f.cliff.overall.ending_12m_annual;
    let title = if ending > 0.0 {
        format!(
            "{} a year of VCSE-side funding ends within 12 months, by {}",
            money(ending),
            horizon.format("%-d %B %Y")
        )
    } else {
        format!(
            "No VCSE-side funding ends within 12 months; {} a year ends in the quarters after",
            money(q.iter().map(|x| x.annual_value_ending).sum())
        )
    };
    let subtitle = format!(
        "Annual value of grants active at {} to VCSE-side organisations (VCSE and unknown sector), by the UK financial-year quarter in which they end.",
        f.as_of
    );
    let alt = format!(
        "Column chart of the annual value of VCSE-side grants ending in each of the next eight quarters: {}.",
        q.iter()
            .map(|x| format!("{} {}", x.quarter, money(x.annual_value_ending)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Cliff,
        label: "Funding ending by quarter".into(),
        title,
        subtitle,
        alt,
        columns: vec![
            col("quarter", "Quarter", Kind::Text),
            col("from", "From", Kind::Text),
            col("to", "To", Kind::Text),
            col("annual_value_ending", "Annual value ending", Kind::Money),
            col("grants", "Grants", Kind::Number),
        ],
    };
    let (mut scene, y) = spec.begin();
    let ticks = layout::ticks(max);
    let tmax = ticks.last().copied().unwrap_or(max).max(1e-9);
    let x0 = MARGIN
        + ticks
            .iter()
            .map(|t| text_width(&Format::Money.show(*t), SMALL, false))
            .max()
            .unwrap_or(80)
        + 24;
    let x1 = WIDTH - MARGIN;
    let (top, h) = (y + 60, 640);
    let bottom = top + h;
    let y_of = |v: f64| bottom - ((v / tmax).clamp(0.0, 1.0) * f64::from(h)).round() as i32;
    scene.text(MARGIN, top - 30, "£ a year", layout::NOTE);
    layout::y_grid(&mut scene, &ticks, Format::Money, (x0, x1), y_of);
    let slot = (x1 - x0) / q.len() as i32;
    let colour = sector_colour(Sector::Vcse);
    for (i, x) in q.iter().enumerate() {
        let left = x0 + slot * i as i32 + slot / 6;
        let right = x0 + slot * (i as i32 + 1) - slot / 6;
        let fill = if x.from <= horizon {
            colour
        } else {
            colour.lighten(0.45)
        };
        if x.annual_value_ending > 0.0 {
            scene.rect((left, y_of(x.annual_value_ending)), (right, bottom), fill);
            scene.text(
                (left + right) / 2,
                y_of(x.annual_value_ending) - 14,
                &money(x.annual_value_ending),
                TextStyle::new(layout::LABEL).align(Align::Centre),
            );
        }
        let (fy, qn) = x.quarter.split_once(' ').unwrap_or((&x.quarter, ""));
        let c = (left + right) / 2;
        scene.text(
            c,
            bottom + 44,
            fy,
            TextStyle::new(SMALL).align(Align::Centre),
        );
        scene.text(
            c,
            bottom + 82,
            qn,
            TextStyle::new(SMALL).align(Align::Centre),
        );
        let n = format!("{} grant{}", x.grants, if x.grants == 1 { "" } else { "s" });
        scene.text(
            c,
            bottom + 120,
            &fit(&n, SMALL, false, slot - 8),
            layout::NOTE.align(Align::Centre),
        );
    }
    scene.line(vec![(x0, bottom), (x1, bottom)], MUTED, 2);
    let note = "UK financial-year quarter in which the grants end (darker: quarters starting within 12 months)";
    scene.text(
        (x0 + x1) / 2,
        bottom + 172,
        note,
        TextStyle::new(SMALL).align(Align::Centre),
    );
    spec.finish(f, scene, bottom + 180, q)
}

#[cfg(test)]
mod tests {
    use super::{Rgb, FUNDER_PALETTE, OTHER_FUNDERS};

    /// Hue in degrees (0–360) of a colour with some chroma.
    fn hue(c: Rgb) -> f64 {
        let (r, g, b) = (
            f64::from(c.0) / 255.0,
            f64::from(c.1) / 255.0,
            f64::from(c.2) / 255.0,
        );
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let d = max - min;
        let h = if max == r {
            ((g - b) / d).rem_euclid(6.0)
        } else if max == g {
            (b - r) / d + 2.0
        } else {
            (r - g) / d + 4.0
        };
        h * 60.0
    }

    #[test]
    fn funder_colours_differ_in_greyscale_and_in_hue() {
        // Luminance by hand, 0.2126 R + 0.7152 G + 0.0722 B over 255: navy (20, 18, 74)
        // → (4.25 + 12.87 + 5.34) / 255 = 0.088; the yellow (230, 194, 56) → 0.752; the grey
        // 226 → 0.886.
        assert!((FUNDER_PALETTE[0].luminance() - 0.088).abs() < 0.001);
        assert!((FUNDER_PALETTE[5].luminance() - 0.752).abs() < 0.001);
        assert!((OTHER_FUNDERS.luminance() - 0.886).abs() < 0.001);
        let all: Vec<Rgb> = FUNDER_PALETTE
            .iter()
            .copied()
            .chain([OTHER_FUNDERS])
            .collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                let step = (a.luminance() - b.luminance()).abs();
                assert!(step >= 0.12, "{a:?} {b:?}: {step}");
            }
        }
        // The colours (the grey aside) are at least 20° of hue apart, on the circle.
        for (i, a) in FUNDER_PALETTE.iter().enumerate() {
            for b in &FUNDER_PALETTE[i + 1..] {
                let d = (hue(*a) - hue(*b)).abs();
                let d = d.min(360.0 - d);
                assert!(d >= 20.0, "{a:?} {b:?}: {d}°");
            }
        }
    }
}
