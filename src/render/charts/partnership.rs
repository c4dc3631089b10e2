//! Partnership charts: fundholder defaulting, paid and unpaid hours, attendance by quarter,
//! and the balance of power (one heatmap per partnership).

use super::layout::{self, Bar, Bars, Format, Group, RefLine, LABEL, MARGIN, SMALL, WIDTH};
use super::scene::{fit, text_width, Align, Rgb, Scene, TextStyle, GRID, INK, MUTED, WHITE};
use super::{col, sector_legend, Kind, Spec};
use super::{file_stems, sector_colour, sector_name, skip, Built, Section};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::measures::balance::{self, AxisSpec, Direction};
use crate::measures::partnership::{MemberBalance, PartnershipFigures, QuarterAttendance};
use crate::model::Sector;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Partnerships shown at most (in identifier order).
pub(crate) const MAX_PARTNERSHIPS: usize = 12;
/// Members shown at most in one balance-of-power heatmap (the fundholder, then by voice).
pub(crate) const MAX_MEMBERS: usize = 25;

const NO_PARTNERSHIPS: &str =
    "no partnerships in the data (partnerships.csv, meetings.csv and attendance.csv are needed)";

fn shown(f: &Findings) -> &[PartnershipFigures] {
    &f.partnerships[..f.partnerships.len().min(MAX_PARTNERSHIPS)]
}

fn more_note(f: &Findings) -> String {
    if f.partnerships.len() > MAX_PARTNERSHIPS {
        format!(
            " The first {MAX_PARTNERSHIPS} of {} partnerships, by identifier; all are in the CSV tables.",
            f.partnerships.len()
        )
    } else {
        String::new()
    }
}

/// Sector of an organisation as findings know it.
fn sectors(f: &Findings) -> HashMap<&str, Sector> {
    let mut m: HashMap<&str, Sector> = HashMap::new();
    for r in &f.recipients {
        m.insert(r.id.as_str(), r.sector);
    }
    for x in &f.funders {
        m.insert(x.id.as_str(), x.sector);
    }
    for p in &f.partnerships {
        for b in &p.balance {
            m.insert(b.id.as_str(), b.sector);
        }
    }
    m
}

#[derive(Serialize)]
struct DefaultRow<'a> {
    partnership: &'a str,
    partnership_name: &'a str,
    fundholder: &'a str,
    fundholder_name: &'a str,
    measure: &'static str,
    share: Option<f64>,
    fair_share: Option<f64>,
}

/// Fundholder defaulting: host, chair, decision-host and seat shares against the fair share.
pub(super) fn defaulting(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "fundholder_defaulting";
    let ps: Vec<&PartnershipFigures> = shown(f)
        .iter()
        .filter(|p| {
            p.host_share.is_some()
                || p.chair_share.is_some()
                || p.decision_host_share.is_some()
                || p.seat_share.is_some()
        })
        .collect();
    if ps.is_empty() {
        let why = if f.partnerships.is_empty() {
            NO_PARTNERSHIPS
        } else {
            "no partnership has meetings with a host or chair, or attendance, in the window"
        };
        return Ok(skip(NAME, Section::Partnerships, why));
    }
    let sector_of = sectors(f);
    type Share = fn(&PartnershipFigures) -> Option<f64>;
    let measures: [(&str, Share); 4] = [
        ("Meetings hosted", |p| p.host_share),
        ("Meetings chaired", |p| p.chair_share),
        ("Decision meetings hosted", |p| p.decision_host_share),
        ("Seats taken (attendances)", |p| p.seat_share),
    ];
    let lead = ps
        .iter()
        .filter_map(|p| p.host_share.map(|h| (p, h, "hosted", "meetings")))
        .chain(
            ps.iter()
                .filter_map(|p| p.seat_share.map(|h| (p, h, "took", "seats"))),
        )
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.id.cmp(&a.0.id)));
    let title = match lead {
        Some((p, share, verb, what)) => format!(
            "{} {verb} {} of the {} {what}{}",
            p.fundholder_name,
            percent(share),
            p.name,
            p.fair_share
                .map(|s| format!(" (a fair share would be {})", percent(s)))
                .unwrap_or_default()
        ),
        None => "How often each partnership defaults to its fundholder".into(),
    };
    let subtitle = format!(
        "Share of each partnership's meetings hosted and chaired by the fundholder (the partner holding the money), and of the seats its people took. The dashed line is a fair share: 1 ÷ members.{}",
        more_note(f)
    );
    let alt = format!(
        "Bar charts of fundholder defaulting per partnership. {}",
        ps.iter()
            .map(|p| format!(
                "{} (fundholder {}): hosted {}, chaired {}, decision meetings hosted {}, seats {}, fair share {}.",
                p.name,
                p.fundholder_name,
                opt_pct(p.host_share),
                opt_pct(p.chair_share),
                opt_pct(p.decision_host_share),
                opt_pct(p.seat_share),
                opt_pct(p.fair_share)
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Partnerships,
        label: "Defaulting to the fundholder".into(),
        title,
        subtitle,
        alt,
        columns: vec![
            col("partnership_name", "Partnership", Kind::Text),
            col("fundholder_name", "Fundholder", Kind::Text),
            col("measure", "Measure", Kind::Text),
            col("share", "Fundholder share", Kind::Percent),
            col("fair_share", "Fair share", Kind::Percent),
        ],
    };
    let mut rows = Vec::new();
    let mut groups = Vec::new();
    for p in &ps {
        let sector = sector_of
            .get(p.fundholder.as_str())
            .copied()
            .unwrap_or(Sector::Unknown);
        let bars: Vec<Bar> = measures
            .iter()
            .map(|(m, get)| {
                let v = get(p);
                rows.push(DefaultRow {
                    partnership: &p.id,
                    partnership_name: &p.name,
                    fundholder: &p.fundholder,
                    fundholder_name: &p.fundholder_name,
                    measure: m,
                    share: v,
                    fair_share: p.fair_share,
                });
                Bar {
                    label: (*m).to_owned(),
                    swatch: None,
                    segments: vec![(v.unwrap_or(0.0), sector_colour(sector))],
                    value: v.map_or("not recorded".into(), percent),
                }
            })
            .collect();
        groups.push(Group {
            heading: format!("{} · fundholder {}", p.name, p.fundholder_name),
            bars,
            lines: p
                .fair_share
                .map(|s| RefLine {
                    at: s,
                    label: format!("fair share {}", percent(s)),
                })
                .into_iter()
                .collect(),
            note: None,
        });
    }
    let axis = Bars::new(&[], 1.0, Format::Percent)
        .axis("Share held by the fundholder")
        .bar_height(44);
    spec.chart(f, &[], |s, y| layout::groups(s, y, &groups, &axis), &rows)
}

/// A column head whose words each fit `max` pixels (bold, at the heads' size): a longer word
/// is broken with a hyphen ("Indepen- dence"), so that wrapping never has to cut it.
fn hyphenated(text: &str, max: i32) -> String {
    let width = |s: &str| super::scene::text_width(s, SMALL - 2.0, true);
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let mut rest: Vec<char> = word.chars().collect();
        while width(&rest.iter().collect::<String>()) > max && rest.len() > 5 {
            // The longest head that fits with its hyphen, leaving at least 4 letters
            // ("Independ- ence").
            let mut k = rest.len() - 4;
            while k > 1 && width(&format!("{}-", rest[..k].iter().collect::<String>())) > max {
                k -= 1;
            }
            words.push(format!("{}-", rest[..k].iter().collect::<String>()));
            rest = rest[k..].to_vec();
        }
        words.push(rest.into_iter().collect());
    }
    words.join(" ")
}

fn opt_pct(v: Option<f64>) -> String {
    v.map_or("not recorded".into(), percent)
}

#[derive(Serialize, Default, Clone)]
struct HoursRow {
    partnership: String,
    sector: Option<Sector>,
    hours: f64,
    paid_hours: f64,
    unpaid_hours: f64,
    payment_unknown_hours: f64,
}

fn hours_text(h: f64) -> String {
    if (h - h.round()).abs() > 0.05 && h < 100.0 {
        format!("{h:.1} h")
    } else {
        format!("{} h", layout::thousands(h))
    }
}

/// Paid and unpaid hours by sector per partnership, from findings' view of them
/// ([`crate::views::partnership_hours`]).
/// The hours chart's title: the VCSE side's unpaid hours and their value over the partnerships shown.
fn hours_title(ps: &[PartnershipFigures]) -> String {
    let vcse_unpaid: Option<f64> = ps.iter().map(|p| p.vcse_unpaid_hours).sum();
    let value: Option<f64> = ps.iter().map(|p| p.unpaid_value).sum();
    let vcse_hours: f64 = ps.iter().map(|p| p.vcse_hours).sum();
    let n = ps.iter().filter(|p| p.vcse_hours > 0.0).count();
    match (vcse_unpaid, value) {
        (Some(u), Some(v)) if u > 0.0 => format!(
            "VCSE-side members gave {} unpaid, worth {}, across {} partnership{}",
            hours_text(u).replace(" h", " hours"),
            money(v),
            n,
            if n == 1 { "" } else { "s" }
        ),
        (Some(_), Some(_)) => format!(
            "All {} of VCSE-side time at partnership meetings was paid for",
            hours_text(vcse_hours).replace(" h", " hours")
        ),
        _ => format!(
            "{} of VCSE-side time at partnership meetings; payments were not recorded",
            hours_text(vcse_hours).replace(" h", " hours")
        ),
    }
}

fn hours_alt(ps: &[PartnershipFigures]) -> String {
    format!(
        "Bar charts of hours attended per partnership by sector, split into paid and unpaid. {}",
        ps.iter()
            .filter(|p| p.vcse_hours > 0.0)
            .map(|p| format!(
                "{}: VCSE-side {} attended, {} unpaid{}.",
                p.name,
                hours_text(p.vcse_hours),
                p.vcse_unpaid_hours.map_or("unknown".into(), hours_text),
                p.unpaid_value
                    .map(|v| format!(" (worth {})", money(v)))
                    .unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

pub(super) fn hours(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "participation_hours";
    let wanted: HashMap<&str, usize> = shown(f)
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut per: BTreeMap<(usize, Sector), HoursRow> = BTreeMap::new();
    for h in &f.views.partnership_hours {
        let Some(i) = wanted.get(h.partnership.as_str()) else {
            continue;
        };
        per.insert(
            (*i, h.sector),
            HoursRow {
                partnership: f.partnerships[*i].id.clone(),
                sector: Some(h.sector),
                hours: h.hours,
                paid_hours: h.paid_hours,
                unpaid_hours: h.unpaid_hours,
                payment_unknown_hours: h.payment_unknown_hours,
            },
        );
    }
    if per.is_empty() {
        let why = if f.partnerships.is_empty() {
            NO_PARTNERSHIPS
        } else {
            "no attended hours at partnership meetings in the window (attendance.csv is needed)"
        };
        return Ok(skip(NAME, Section::Partnerships, why));
    }
    let ps = shown(f);
    let title = hours_title(ps);
    let subtitle = format!(
        "Hours attended at each partnership's meetings in the window, by the attendee's sector: solid = paid or in salaried statutory time, pale = unpaid. Unpaid time is valued at £{:.2} an hour (an assumption; see the method).{}",
        f.parameters.hourly_rate,
        more_note(f)
    );
    let alt = hours_alt(ps);
    let spec = Spec {
        name: NAME.into(),
        section: Section::Partnerships,
        label: "Paid and unpaid time".into(),
        title,
        subtitle,
        alt,
        columns: vec![
            col("partnership", "Partnership", Kind::Text),
            col("sector", "Sector", Kind::Text),
            col("hours", "Hours", Kind::Hours),
            col("paid_hours", "Paid", Kind::Hours),
            col("unpaid_hours", "Unpaid", Kind::Hours),
            col("payment_unknown_hours", "Payment unknown", Kind::Hours),
        ],
    };
    let mut legend = sector_legend(per.keys().map(|(_, s)| *s));
    let g = Rgb(0x55, 0x55, 0x55);
    legend.push(("paid or salaried".into(), g));
    legend.push(("unpaid".into(), g.lighten(0.62)));
    if per.values().any(|r| r.payment_unknown_hours > 0.0) {
        legend.push(("payment unknown".into(), g.lighten(0.9)));
    }
    let max = per.values().map(|r| r.hours).fold(0.0, f64::max);
    let shown: std::collections::BTreeSet<usize> = per.keys().map(|(i, _)| *i).collect();
    let groups: Vec<Group> = shown
        .into_iter()
        .map(|i| {
            hours_group(
                &ps[i],
                per.range((i, Sector::Statutory)..=(i, Sector::Unknown)),
            )
        })
        .collect();
    let axis = Bars::new(&[], max, Format::Number)
        .axis("Hours attended")
        .bar_height(44);
    let rows: Vec<HoursRow> = per.into_values().collect();
    spec.chart(
        f,
        &legend,
        |s, y| layout::groups(s, y, &groups, &axis),
        &rows,
    )
}

/// One partnership's block of the hours chart: a bar per sector, paid then unpaid hours.
fn hours_group<'a>(
    p: &PartnershipFigures,
    sectors: impl Iterator<Item = (&'a (usize, Sector), &'a HoursRow)>,
) -> Group {
    let worth = match p.unpaid_value {
        Some(v) if p.vcse_hours > 0.0 => format!(" · VCSE-side unpaid time worth {}", money(v)),
        None if p.vcse_hours > 0.0 => " · payment not recorded".into(),
        _ => String::new(),
    };
    let bars = sectors
        .map(|((_, s), r)| {
            let c = sector_colour(*s);
            let value = if r.payment_unknown_hours > 0.0 && r.paid_hours + r.unpaid_hours == 0.0 {
                format!("{} · payment unknown", hours_text(r.hours))
            } else {
                format!(
                    "{} · {} unpaid",
                    hours_text(r.hours),
                    hours_text(r.unpaid_hours)
                )
            };
            Bar {
                label: sector_name(*s).to_owned(),
                swatch: None,
                segments: vec![
                    (r.paid_hours, c),
                    (r.unpaid_hours, c.lighten(0.62)),
                    (r.payment_unknown_hours, c.lighten(0.9)),
                ],
                value,
            }
        })
        .collect();
    Group {
        heading: format!("{}{worth}", p.name),
        bars,
        ..Group::default()
    }
}

#[derive(Serialize)]
struct QuarterRow<'a> {
    partnership: &'a str,
    #[serde(flatten)]
    quarter: &'a QuarterAttendance,
}

/// Attendance rate per side by quarter, one panel per partnership.
/// The attendance chart's title: the partnership with the widest gap between the statutory
/// and the VCSE side's attendance rates (on a tie, the first by id).
fn attendance_title(ps: &[&PartnershipFigures]) -> String {
    let gap = ps
        .iter()
        .filter_map(
            |p| match (p.attendance_rate.statutory, p.attendance_rate.vcse) {
                (Some(s), Some(v)) => Some((p, s, v)),
                _ => None,
            },
        )
        .max_by(|a, b| {
            (a.1 - a.2)
                .total_cmp(&(b.1 - b.2))
                .then(b.0.id.cmp(&a.0.id))
        });
    match gap {
        Some((p, s, v)) => format!(
            "{}: VCSE-side members attended {} of the meetings they were listed for, statutory members {}",
            p.name,
            percent(v),
            percent(s)
        ),
        None => "Attendance rate per side, by quarter".into(),
    }
}

pub(super) fn attendance(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "attendance_by_quarter";
    let ps: Vec<&PartnershipFigures> = shown(f)
        .iter()
        .filter(|p| !p.attendance_by_quarter.is_empty())
        .collect();
    if ps.is_empty() {
        let why = if f.partnerships.is_empty() {
            NO_PARTNERSHIPS
        } else {
            "no attendance rows at partnership meetings in the window (attendance.csv is needed)"
        };
        return Ok(skip(NAME, Section::Partnerships, why));
    }
    let title = attendance_title(&ps);
    let subtitle = format!(
        "Attended ÷ all attendance rows (attended, apologies, absent), per UK financial-year quarter. VCSE side: VCSE organisations, community members and unknown sector.{}",
        more_note(f)
    );
    let alt = format!(
        "Line charts of attendance rate per quarter for the statutory and VCSE sides. {}",
        ps.iter()
            .map(|p| format!(
                "{}: statutory {}, VCSE side {} over the window.",
                p.name,
                opt_pct(p.attendance_rate.statutory),
                opt_pct(p.attendance_rate.vcse)
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Partnerships,
        label: "Attendance by quarter".into(),
        title,
        subtitle,
        alt,
        columns: vec![
            col("partnership", "Partnership", Kind::Text),
            col("quarter", "Quarter", Kind::Text),
            col("attendance_rate_statutory", "Statutory rate", Kind::Percent),
            col("attendance_rate_vcse", "VCSE rate", Kind::Percent),
            col("attendance_rows_statutory", "Statutory rows", Kind::Number),
            col("attendance_rows_vcse", "VCSE rows", Kind::Number),
        ],
    };
    let (mut scene, mut y) = spec.begin();
    y = layout::legend(
        &mut scene,
        y,
        &[
            ("Statutory side".into(), sector_colour(Sector::Statutory)),
            ("VCSE side".into(), sector_colour(Sector::Vcse)),
        ],
    );
    let mut rows = Vec::new();
    let (x0, x1) = (MARGIN + 110, WIDTH - MARGIN - 30);
    for p in &ps {
        y = layout::subheading(&mut scene, y, &p.name);
        let (top, bottom) = (y + 30, y + 30 + 330);
        let q = &p.attendance_by_quarter;
        let slot = f64::from(x1 - x0) / q.len().max(1) as f64;
        let xq = |i: usize| x0 + (slot * (i as f64 + 0.5)).round() as i32;
        let yv = |v: f64| bottom - (v.clamp(0.0, 1.0) * f64::from(bottom - top)).round() as i32;
        for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
            scene.line(vec![(x0, yv(t)), (x1, yv(t))], GRID, 2);
            scene.text(
                x0 - 14,
                yv(t) + 11,
                &percent(t),
                layout::NOTE.align(Align::Right),
            );
        }
        for (side, get) in [
            (
                Sector::Statutory,
                (|r: &QuarterAttendance| r.attendance_rate.statutory)
                    as fn(&QuarterAttendance) -> Option<f64>,
            ),
            (Sector::Vcse, |r: &QuarterAttendance| r.attendance_rate.vcse),
        ] {
            let c = sector_colour(side);
            let points = q.iter().enumerate();
            layout::broken_line(
                &mut scene,
                points.map(|(i, r)| get(r).map(|v| (xq(i), yv(v)))),
                c,
            );
            // Statutory markers larger, so that equal rates show both.
            let m = if side == Sector::Statutory { 11 } else { 7 };
            for (i, r) in q.iter().enumerate() {
                if let Some(v) = get(r) {
                    let (x, yy) = (xq(i), yv(v));
                    scene.rect((x - m, yy - m), (x + m, yy + m), c);
                }
            }
        }
        scene.line(vec![(x0, bottom), (x1, bottom)], MUTED, 2);
        // Quarter labels: every k-th so that they never overlap.
        let widest = q
            .iter()
            .map(|r| text_width(&r.quarter, SMALL - 4.0, false))
            .max()
            .unwrap_or(100);
        let every = ((f64::from(widest + 20) / slot).ceil() as usize).max(1);
        for (i, r) in q.iter().enumerate() {
            if i % every == 0 {
                scene.text(
                    xq(i),
                    bottom + 38,
                    &r.quarter,
                    TextStyle::new(SMALL - 4.0)
                        .colour(MUTED)
                        .align(Align::Centre),
                );
            }
            rows.push(QuarterRow {
                partnership: &p.id,
                quarter: r,
            });
        }
        y = bottom + 50;
    }
    scene.text(
        (x0 + x1) / 2,
        y + 40,
        "UK financial-year quarter of the meeting",
        TextStyle::new(SMALL).align(Align::Centre),
    );
    spec.finish(f, scene, y + 50, &rows)
}

/// Band fills, 0 (light) to 5 (dark): greys, so they never read as a sector colour and
/// print well in black and white.
const BAND_FILL: [Rgb; 6] = [
    Rgb(0xF4, 0xF4, 0xF4),
    Rgb(0xD9, 0xD9, 0xD9),
    Rgb(0xBD, 0xBD, 0xBD),
    Rgb(0x96, 0x96, 0x96),
    Rgb(0x63, 0x63, 0x63),
    Rgb(0x25, 0x25, 0x25),
];

/// The axes as drawn, from the measure: every one darker = more power (burdens drawn as
/// 1 − value).
const DIMENSIONS: &[AxisSpec] = &balance::AXES;

/// Extra space between the power axes and the burdens drawn as their complements.
const GROUP_GAP: i32 = 30;
/// Line spacing of a wrapped member name in the heatmap.
const NAME_LINE: i32 = 42;

#[derive(Serialize)]
struct BalanceRow<'a> {
    partnership: &'a str,
    #[serde(flatten)]
    member: &'a MemberBalance,
    /// The bands drawn for the two burdens (1 − value, banded): rising with power.
    paid_time_band: Option<u8>,
    independence_band: Option<u8>,
}

/// The fundholder's power axes (not the burdens) in the top bands (4–5), and how many of
/// them are measured.
fn fundholder_top_bands(fh: Option<&MemberBalance>) -> (usize, usize) {
    fh.map_or((0, 0), |m| {
        let bands: Vec<u8> = DIMENSIONS
            .iter()
            .filter(|a| a.direction == Direction::Power)
            .filter_map(|a| a.power_band(m))
            .collect();
        (bands.iter().filter(|b| **b >= 4).count(), bands.len())
    })
}

/// One balance-of-power heatmap per partnership.
pub(super) fn balance(f: &Findings) -> Result<Vec<Built>, Error> {
    let ps: Vec<&PartnershipFigures> = shown(f)
        .iter()
        .filter(|p| {
            p.balance
                .iter()
                .any(|m| DIMENSIONS.iter().any(|a| a.power_band(m).is_some()))
        })
        .collect();
    if ps.is_empty() {
        let why = if f.partnerships.is_empty() {
            NO_PARTNERSHIPS
        } else {
            "no partnership has members with a measured dimension of power in the window"
        };
        return Ok(vec![skip("balance", Section::Partnerships, why)]);
    }
    // File names from the ids: distinct and bounded whatever the ids (`P_1` and `P 1`, a
    // 300-character id).
    let stems = file_stems(&ps.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
    ps.iter()
        .zip(&stems)
        .map(|(p, stem)| balance_of(f, p, stem))
        .collect()
}

fn balance_of(f: &Findings, p: &PartnershipFigures, stem: &str) -> Result<Built, Error> {
    let (members, all) = ranked_members(p);
    let spec = Spec {
        name: format!("balance_{stem}"),
        section: Section::Partnerships,
        label: format!("Balance of power: {}", p.name),
        title: balance_title(p),
        subtitle: balance_subtitle(all),
        alt: balance_alt(p, &members),
        columns: vec![
            col("name", "Member", Kind::Text),
            col("sector", "Sector", Kind::Text),
            col("funding_share_band", "Funding", Kind::Number),
            col("authority_band", "Authority", Kind::Number),
            col("voice_band", "Voice", Kind::Number),
            col("paid_time_band", "Paid time", Kind::Number),
            col(
                "independence_band",
                "Independence from the fundholder",
                Kind::Number,
            ),
        ],
    };
    let (mut scene, mut y) = spec.begin();
    let legend: Vec<(String, Rgb)> = (0..6)
        .map(|b| {
            let words = match b {
                0 => "band 0 (least power)".to_owned(),
                5 => "band 5 (most power)".to_owned(),
                _ => format!("band {b}"),
            };
            (words, BAND_FILL[b])
        })
        .collect();
    y = layout::legend(&mut scene, y, &legend);
    let grid = Grid::new();
    y = grid.heads(&mut scene, y);
    for m in &members {
        y = grid.member(&mut scene, y, m, m.id == p.fundholder);
    }
    y = balance_note(&mut scene, y);
    let rows: Vec<BalanceRow> = p
        .balance
        .iter()
        .map(|m| BalanceRow {
            partnership: &p.id,
            member: m,
            paid_time_band: balance::AXES[3].power_band(m),
            independence_band: balance::AXES[4].power_band(m),
        })
        .collect();
    spec.finish(f, scene, y + 12, &rows)
}

/// The members drawn: the fundholder first, then by voice (most first), then by id; at most
/// [`MAX_MEMBERS`]. With how many there are in all.
fn ranked_members(p: &PartnershipFigures) -> (Vec<&MemberBalance>, usize) {
    let mut members: Vec<&MemberBalance> = p.balance.iter().collect();
    members.sort_by(|a, b| {
        (b.id == p.fundholder)
            .cmp(&(a.id == p.fundholder))
            .then(
                b.voice
                    .value
                    .unwrap_or(0.0)
                    .total_cmp(&a.voice.value.unwrap_or(0.0)),
            )
            .then(a.id.cmp(&b.id))
    });
    let all = members.len();
    members.truncate(MAX_MEMBERS);
    (members, all)
}

fn balance_title(p: &PartnershipFigures) -> String {
    let fh = p.balance.iter().find(|m| m.id == p.fundholder);
    let (top, measured) = fundholder_top_bands(fh);
    if top > 0 {
        format!(
            "{}: the fundholder, {}, is in the top bands (4–5) on {top} of {measured} measured dimensions of power",
            p.name, p.fundholder_name
        )
    } else if measured > 0 {
        format!(
            "{}: the fundholder, {}, is not in the top bands on any of {measured} measured dimensions of power",
            p.name, p.fundholder_name
        )
    } else {
        format!(
            "{}: the balance of power among its members, {} the fundholder",
            p.name, p.fundholder_name
        )
    }
}

fn balance_subtitle(all: usize) -> String {
    format!(
        "Each member on three dimensions of power and two burdens, banded 0–5 (value × 5, rounded), shown side by side and never averaged into one score; darker is more power on every column. Funding: share of programme money; authority: meetings hosted or chaired; voice: share of seats taken. The burdens are drawn the other way up: paid time = 1 − the share of its hours unpaid; independence = 1 − the fundholder's grants ÷ its income. The title counts the three dimensions of power only.{}",
        if all > MAX_MEMBERS {
            format!(" The fundholder and the {} members with most seats, of {all}.", MAX_MEMBERS - 1)
        } else {
            String::new()
        }
    )
}

fn balance_alt(p: &PartnershipFigures, members: &[&MemberBalance]) -> String {
    format!(
        "Heatmap of the balance of power in {}: {} members by three dimensions of power and two burdens drawn as paid time and independence, bands 0 to 5, higher is more power. {}",
        p.name,
        members.len(),
        members
            .iter()
            .take(8)
            .map(|m| format!(
                "{}: {}.",
                m.name,
                DIMENSIONS
                    .iter()
                    .map(|a| format!(
                        "{} {}",
                        a.drawn.to_lowercase(),
                        a.power_band(m).map_or("n/a".into(), |b| format!("band {b}"))
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// The heatmap's grid: names on the left, a cell per dimension on the right.
struct Grid {
    /// Left edge of the first cell.
    x0: i32,
    /// Width of a cell.
    cell_w: i32,
    /// Least height of a row.
    cell_h: i32,
    /// Width of the names.
    name_w: i32,
}

impl Grid {
    fn new() -> Grid {
        let cell_w = 216;
        let x0 = WIDTH - MARGIN - cell_w * DIMENSIONS.len() as i32 - GROUP_GAP;
        Grid {
            x0,
            cell_w,
            cell_h: 70,
            name_w: x0 - MARGIN - 40 - 10,
        }
    }

    /// Left edge of column i: the burdens sit [`GROUP_GAP`] further right.
    fn cell_x(&self, i: usize) -> i32 {
        self.x0
            + self.cell_w * i as i32
            + if DIMENSIONS[i].direction == Direction::Burden {
                GROUP_GAP
            } else {
                0
            }
    }

    /// Column heads, wrapped to the cell; the y below them.
    fn heads(&self, scene: &mut Scene, y: i32) -> i32 {
        let cell_w = self.cell_w;
        let head_lines: Vec<Vec<String>> = DIMENSIONS
            .iter()
            .map(|a| {
                super::scene::wrap(
                    &hyphenated(a.drawn, cell_w - 8),
                    SMALL - 2.0,
                    true,
                    cell_w - 8,
                )
            })
            .collect();
        let head_h = head_lines.iter().map(Vec::len).max().unwrap_or(1) as i32 * 38;
        for (i, lines) in head_lines.iter().enumerate() {
            let cx = self.cell_x(i) + cell_w / 2;
            let start = y + head_h - 38 * lines.len() as i32;
            for (k, l) in lines.iter().enumerate() {
                scene.text(
                    cx,
                    start + 30 + 38 * k as i32,
                    l,
                    TextStyle::new(SMALL - 2.0).bold().align(Align::Centre),
                );
            }
        }
        y + head_h + 14
    }

    /// A member's row at `y` (its swatch, name and cells); the y below it.
    fn member(&self, scene: &mut Scene, y: i32, m: &MemberBalance, fundholder: bool) -> i32 {
        let label = if fundholder {
            format!("{} (fundholder)", m.name)
        } else {
            m.name.clone()
        };
        // Names are wrapped, never cut (a 60-character name takes three lines at most);
        // the row grows to hold them.
        let lines = super::scene::wrap(&label, LABEL - 2.0, fundholder, self.name_w - 16);
        let cell_h = self.cell_h.max(14 + NAME_LINE * lines.len() as i32);
        let c = sector_colour(m.sector);
        scene.rect_outlined(
            (MARGIN, y + cell_h / 2 - 13),
            (MARGIN + 26, y + cell_h / 2 + 13),
            c,
            layout::darker(c),
        );
        let first = y + cell_h / 2 + 13 - NAME_LINE * (lines.len() as i32 - 1) / 2;
        for (k, line) in lines.iter().enumerate() {
            scene.text(
                MARGIN + 40,
                first + NAME_LINE * k as i32,
                line,
                TextStyle::new(LABEL - 2.0).weight(fundholder),
            );
        }
        for (i, axis) in DIMENSIONS.iter().enumerate() {
            let x = self.cell_x(i);
            self.cell(
                scene,
                (x + 3, x + self.cell_w - 3),
                (y + 3, y + cell_h - 3),
                axis,
                m,
            );
        }
        y + cell_h
    }

    /// One cell: its band's fill with band · value drawn, or an outlined n/a.
    fn cell(
        &self,
        scene: &mut Scene,
        (cx0, cx1): (i32, i32),
        (cy0, cy1): (i32, i32),
        axis: &AxisSpec,
        m: &MemberBalance,
    ) {
        match axis.power_band(m) {
            Some(b) => {
                let fill = BAND_FILL[usize::from(b.min(5))];
                scene.rect((cx0, cy0), (cx1, cy1), fill);
                let ink = if fill.luminance() < 0.5 { WHITE } else { INK };
                let text = format!(
                    "{b} · {}",
                    axis.drawn_value(m).map_or(String::new(), percent)
                );
                scene.text(
                    (cx0 + cx1) / 2,
                    (cy0 + cy1) / 2 + 12,
                    &fit(&text, SMALL, false, self.cell_w - 16),
                    TextStyle::new(SMALL)
                        .weight(b >= 4)
                        .colour(ink)
                        .align(Align::Centre),
                );
            }
            None => {
                scene.rect_outlined((cx0, cy0), (cx1, cy1), WHITE, GRID);
                scene.text(
                    (cx0 + cx1) / 2,
                    (cy0 + cy1) / 2 + 12,
                    "n/a",
                    layout::NOTE.align(Align::Centre),
                );
            }
        }
    }
}

/// The note under the heatmap; the y below it.
fn balance_note(scene: &mut Scene, mut y: i32) -> i32 {
    let note = super::scene::wrap(
        "Cells show band · value drawn. n/a: not measurable (the fundholder's independence from itself; a statutory member's independence when its income is not known; paid time without payments.csv).",
        SMALL - 4.0,
        false,
        WIDTH - 2 * MARGIN,
    );
    for line in &note {
        y += 38;
        scene.text(
            MARGIN,
            y + 6,
            line,
            TextStyle::new(SMALL - 4.0).colour(MUTED),
        );
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_head_words_are_hyphenated_not_cut() {
        let width = |s: &str| super::super::scene::text_width(s, SMALL - 2.0, true);
        // "Independence" is wider than a 208-pixel head; every piece fits after the break,
        // at least four letters follow the hyphen, and taking the hyphens out gives the text
        // back.
        let text = "Independence from the fundholder";
        assert!(width("Independence") > 208);
        let h = hyphenated(text, 208);
        assert!(h.split_whitespace().all(|w| width(w) <= 208), "{h}");
        assert_eq!(h.replace("- ", ""), text);
        let tail = h.split_whitespace().nth(1).unwrap_or("");
        assert!(tail.len() >= 4, "{h}");
        // Short words are left alone.
        assert_eq!(hyphenated("Paid time", 208), "Paid time");
    }
}
