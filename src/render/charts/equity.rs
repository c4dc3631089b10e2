//! The equity lenses: who holds the VCSE seats (and whether seats follow money), funding by
//! `Led By` group, whether paying people changes who turns up, funders' funding practice,
//! and the unpaid time carried by community members.

use super::layout::{self, Band, Bar, Bars, Dot, Format, Group, Scatter, WIDTH};
use super::scene::Rgb;
use super::{col, funders_by_money, sector_legend, Kind, Spec};
use super::{sector_colour, skip, Built, Section, TOP_N};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent};
use crate::measures::equity::{Coverage, GroupFigures, SeatHolder, UsualSuspects};
use crate::model::Sector;
use serde::Serialize;

const NO_ATTENDANCE: &str =
    "no attendance at partnership meetings in the data (partnerships.csv, meetings.csv and attendance.csv are needed)";

/// "Five" for 5: counts that open a title.
fn number_word(n: usize) -> String {
    const WORDS: [&str; 11] = [
        "No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    ];
    WORDS
        .get(n)
        .map_or_else(|| layout::thousands(n as f64), |w| (*w).to_owned())
}

/// A count of people as the report may show it (disclosure control under `--public`).
fn people(f: &Findings, n: usize) -> String {
    let shown = if f.disclosure.public {
        match crate::disclosure::disclose(n as u64) {
            Some(x) => format!("about {x}"),
            None => crate::disclosure::MARKER.to_owned(),
        }
    } else {
        n.to_string()
    };
    format!("{shown} {}", if n == 1 { "person" } else { "people" })
}

#[derive(Serialize)]
struct SeatRow<'a> {
    #[serde(flatten)]
    org: &'a SeatHolder,
    top5: bool,
}

/// Usual suspects: seats (attended rows) against money received, one dot per organisation.
pub(super) fn usual_suspects(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "usual_suspects";
    let Some(us) = &f.equity.usual_suspects else {
        return Ok(skip(NAME, Section::Equity, NO_ATTENDANCE));
    };
    if us.vcse_attended_rows == 0 || us.organisations.iter().all(|o| o.attended_rows == 0) {
        return Ok(skip(
            NAME,
            Section::Equity,
            "no VCSE-side organisation attended a partnership meeting in the window",
        ));
    }
    if f.disclosure.public {
        return Ok(skip(
            NAME,
            Section::Equity,
            "under --public, seat counts of single organisations are disclosure-controlled, so the scatter of seats against money is not drawn (the shares are in findings.json)",
        ));
    }
    let rows = seat_rows(us);
    let spec = seats_spec(us, &rows);
    let legend = sector_legend(us.organisations.iter().map(|o| o.sector));
    // A dot per organisation, in identifier order, the named five last (on top).
    let mut order: Vec<&SeatRow> = rows.iter().collect();
    order.sort_by_key(|r| (r.top5, r.org.id.clone()));
    let dots: Vec<Dot> = order
        .iter()
        .map(|r| Dot {
            x: r.org.attended_rows as f64,
            y: r.org.received,
            fill: sector_colour(r.org.sector),
            label: r.top5.then(|| r.org.name.clone()),
        })
        .collect();
    let scatter = Scatter {
        dots: &dots,
        y_axis: "£ received in the window",
        x_axis: "Seats taken: partnership meetings attended (attended rows)",
    };
    spec.chart(f, &legend, |s, y| layout::scatter(s, y, &scatter), &rows)
}

/// The seat holders, most seats first (then most money, then identifier), the top five
/// marked.
fn seat_rows(us: &UsualSuspects) -> Vec<SeatRow<'_>> {
    let mut rows: Vec<SeatRow> = us
        .organisations
        .iter()
        .map(|o| SeatRow {
            org: o,
            top5: us.top5.contains(&o.id),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.org
            .attended_rows
            .cmp(&a.org.attended_rows)
            .then(b.org.received.total_cmp(&a.org.received))
            .then(a.org.id.cmp(&b.org.id))
    });
    rows
}

/// The usual-suspects chart's words and columns.
fn seats_spec(us: &UsualSuspects, rows: &[SeatRow]) -> Spec {
    let top = us.top5.len();
    let rho = match us.seat_funding_rank_correlation {
        Some(r) => format!(
            "Spearman's ρ between seats and money = {r:.2} across {} organisations (ties averaged; 1: more seats always go with more money).",
            us.correlation_orgs
        ),
        None => "Too few organisations (under 5) for a rank correlation of seats and money.".into(),
    };
    Spec {
        name: "usual_suspects".into(),
        section: Section::Equity,
        label: "Usual suspects: seats and money".into(),
        title: match us.top5_seat_share {
            Some(s) => format!(
                "{} organisation{} hold{} {} of VCSE-side seats",
                number_word(top),
                if top == 1 { "" } else { "s" },
                if top == 1 { "s" } else { "" },
                percent(s)
            ),
            None => "Who holds the VCSE-side seats at partnership meetings".into(),
        },
        subtitle: format!(
            "Each dot is a VCSE-side organisation: seats taken (meetings attended, all partnerships together) against grants received in the window. The {top} with most seats are named. {rho}"
        ),
        alt: format!(
            "Scatter chart of seats taken against money received for {} VCSE-side organisations. {} {}",
            us.organisations.len(),
            rows.iter()
                .filter(|r| r.top5)
                .map(|r| format!(
                    "{}: {} seats, {} received.",
                    r.org.name,
                    r.org.attended_rows,
                    money(r.org.received)
                ))
                .collect::<Vec<_>>()
                .join(" "),
            rho
        ),
        columns: vec![
            col("name", "Organisation", Kind::Text),
            col("sector", "Sector", Kind::Text),
            col("attended_rows", "Seats taken", Kind::Number),
            col("partnerships", "Partnerships", Kind::Number),
            col("received", "Received", Kind::Money),
        ],
    }
}

/// Under-funded groups: the representation ratio of each `Led By` tag.
pub(super) fn groups(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "led_by_groups";
    let g = &f.equity.groups;
    if g.is_empty() {
        return Ok(skip(
            NAME,
            Section::Equity,
            "no organisation carries a Led By tag (the optional Led By column of organisations.csv)",
        ));
    }
    let mut shown: Vec<&GroupFigures> = g
        .iter()
        .filter(|x| x.representation_ratio.is_some())
        .collect();
    let absent: Vec<&str> = g
        .iter()
        .filter(|x| x.representation_ratio.is_none())
        .map(|x| x.tag.as_str())
        .collect();
    if shown.is_empty() {
        return Ok(skip(
            NAME,
            Section::Equity,
            "no VCSE organisation carries a Led By tag, or VCSE organisations received no money in the window",
        ));
    }
    shown.sort_by(|a, b| {
        a.representation_ratio
            .unwrap_or(0.0)
            .total_cmp(&b.representation_ratio.unwrap_or(0.0))
            .then(a.tag.cmp(&b.tag))
    });
    let low = shown[0];
    let th = &f.parameters.under_funded;
    let absent_note = if absent.is_empty() {
        String::new()
    } else {
        format!(
            " Not shown, as no VCSE organisation carries the tag: {}.",
            absent.join(", ")
        )
    };
    let spec = Spec {
        name: NAME.into(),
        section: Section::Equity,
        label: "Funding by Led By group".into(),
        title: format!(
            "Organisations tagged “{}” are {} of VCSE organisations but received {} of VCSE funding",
            low.tag,
            low.org_share.map_or("–".into(), percent),
            low.funding_share.map_or("–".into(), percent)
        ),
        subtitle: format!(
            "Representation ratio = share of VCSE funding ÷ share of VCSE organisations, per Led By tag: 1 is an even share; at or below {} is flagged (UNDER-FUNDED-GROUP) for tags on at least {} organisations, at or below {} high; the green band is above an even share.{absent_note}",
            th.medium, f.parameters.under_funded_min_orgs, th.high
        ),
        alt: format!(
            "Bar chart of the representation ratio by Led By tag: {}.{}",
            shown
                .iter()
                .map(|x| format!(
                    "{} {:.2} ({} of funding, {} of organisations)",
                    x.tag,
                    x.representation_ratio.unwrap_or(0.0),
                    x.funding_share.map_or("–".into(), percent),
                    x.org_share.map_or("–".into(), percent)
                ))
                .collect::<Vec<_>>()
                .join("; "),
            absent_note
        ),
        columns: vec![
            col("tag", "Led By tag", Kind::Text),
            col("organisations", "Organisations", Kind::Number),
            col("org_share", "Share of organisations", Kind::Percent),
            col("received", "Received", Kind::Money),
            col("funding_share", "Share of funding", Kind::Percent),
            col("seat_share", "Share of seats", Kind::Percent),
            col("representation_ratio", "Ratio", Kind::Hours),
        ],
    };
    let c = sector_colour(Sector::Vcse);
    let bars: Vec<Bar> = shown
        .iter()
        .map(|x| {
            let r = x.representation_ratio.unwrap_or(0.0);
            Bar {
                label: x.tag.clone(),
                swatch: None,
                segments: vec![(r, c)],
                value: format!(
                    "{r:.2} · {} of money, {} of organisations",
                    x.funding_share.map_or("–".into(), percent),
                    x.org_share.map_or("–".into(), percent)
                ),
            }
        })
        .collect();
    let max = shown
        .iter()
        .filter_map(|x| x.representation_ratio)
        .fold(1.25, f64::max);
    let bands = [
        Band {
            from: 0.0,
            to: th.high,
            fill: Rgb(0xF6, 0xDF, 0xD8),
            label: "high".into(),
        },
        Band {
            from: th.high,
            to: th.medium,
            fill: Rgb(0xF8, 0xEE, 0xD0),
            label: "flag".into(),
        },
        // Above 1: more than an even share (a band, not a line, so that the figures at the
        // bars' ends stay readable).
        Band {
            from: 1.0,
            to: 1e9,
            fill: Rgb(0xE3, 0xF1, 0xEA),
            label: "above even".into(),
        },
    ];
    let bars = Bars::new(&bars, max, Format::Number)
        .axis("Representation ratio (share of funding ÷ share of organisations)")
        .bands(&bands)
        .bar_height(56);
    spec.chart(f, &[], |s, y| layout::hbars(s, y, &bars), g)
}

#[derive(Serialize)]
struct CoverageRow<'a> {
    partnership: &'a str,
    name: &'a str,
    #[serde(flatten)]
    coverage: &'a Coverage,
    note: Option<String>,
}

impl<'a> CoverageRow<'a> {
    fn of(partnership: &'a str, name: &'a str, coverage: &'a Coverage) -> Self {
        CoverageRow {
            partnership,
            name,
            coverage,
            note: coverage_note(coverage),
        }
    }
}

/// Why a coverage rate is missing, in words.
fn coverage_note(c: &Coverage) -> Option<String> {
    match (c.covered_rows, c.uncovered_rows) {
        (None, _) | (_, None) => Some("no payments recorded (payments.csv is needed)".into()),
        (Some(a), Some(b))
            if c.covered_attendance_rate.is_none() || c.uncovered_attendance_rate.is_none() =>
        {
            let few: Vec<&str> = [(a, "paid"), (b, "unpaid")]
                .iter()
                .filter(|(n, _)| *n < 10)
                .map(|(_, w)| *w)
                .collect();
            Some(format!(
                "fewer than 10 {} attendance rows, so no rate is given",
                few.join(" or ")
            ))
        }
        _ => None,
    }
}

/// Does paying people change who turns up? Paid and unpaid attendance rates.
pub(super) fn covered(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "paid_attendance";
    let Some(ca) = &f.equity.covered_attendance else {
        return Ok(skip(NAME, Section::Equity, NO_ATTENDANCE));
    };
    if ca.overall.covered_rows.is_none() {
        return Ok(skip(
            NAME,
            Section::Equity,
            "no payments to attendees recorded (payments.csv is needed to tell paid from unpaid attendance)",
        ));
    }
    let mut rows = vec![CoverageRow::of("all", "All partnerships", &ca.overall)];
    rows.extend(
        ca.by_partnership
            .iter()
            .take(super::partnership::MAX_PARTNERSHIPS)
            .map(|p| CoverageRow::of(&p.partnership, &p.name, &p.coverage)),
    );
    let o = &ca.overall;
    let spec = Spec {
        name: NAME.into(),
        section: Section::Equity,
        label: "Paying people and who turns up".into(),
        title: match (o.covered_attendance_rate, o.uncovered_attendance_rate) {
            (Some(a), Some(b)) => format!(
                "VCSE-side members attended {} of meetings when their time was paid for, {} when it was not",
                percent(a),
                percent(b)
            ),
            _ => "Attendance of VCSE-side members whose time was paid for, and of those whose time was not".into(),
        },
        subtitle: "Attended ÷ all attendance rows (attended, apologies, absent) of VCSE-side members, split by whether a payment covered the meeting. A rate needs at least 10 rows in both groups.".into(),
        alt: format!(
            "Bar charts of VCSE-side attendance rates when time was paid for and when it was not. {}",
            rows.iter()
                .map(|r| format!(
                    "{}: paid {}, unpaid {}{}.",
                    r.name,
                    r.coverage
                        .covered_attendance_rate
                        .map_or("no rate".into(), percent),
                    r.coverage
                        .uncovered_attendance_rate
                        .map_or("no rate".into(), percent),
                    r.note
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        columns: vec![
            col("name", "Partnership", Kind::Text),
            col("covered_attendance_rate", "Paid: attended", Kind::Percent),
            col(
                "uncovered_attendance_rate",
                "Unpaid: attended",
                Kind::Percent,
            ),
            col("covered_rows", "Paid rows", Kind::Number),
            col("uncovered_rows", "Unpaid rows", Kind::Number),
            col("note", "Note", Kind::Text),
        ],
    };
    let c = sector_colour(Sector::Vcse);
    let (paid, unpaid) = (c, c.lighten(0.62));
    let legend = [
        ("time paid for".into(), paid),
        ("not paid for".into(), unpaid),
    ];
    let bar = |label: &str, rate: Option<f64>, rows_n: Option<usize>, fill: Rgb| Bar {
        label: label.into(),
        swatch: None,
        segments: vec![(rate.unwrap_or(0.0), fill)],
        value: match rate {
            Some(r) => format!(
                "{}{}",
                percent(r),
                if f.disclosure.public {
                    String::new()
                } else {
                    rows_n.map_or(String::new(), |n| {
                        format!(" of {} rows", layout::thousands(n as f64))
                    })
                }
            ),
            None => "no rate (see note)".into(),
        },
    };
    let groups: Vec<Group> = rows
        .iter()
        .map(|r| {
            let cov = r.coverage;
            Group {
                heading: r.name.to_owned(),
                bars: vec![
                    bar(
                        "Paid for",
                        cov.covered_attendance_rate,
                        cov.covered_rows,
                        paid,
                    ),
                    bar(
                        "Not paid for",
                        cov.uncovered_attendance_rate,
                        cov.uncovered_rows,
                        unpaid,
                    ),
                ],
                lines: Vec::new(),
                note: r.note.as_ref().map(|n| format!("No rate: {n}.")),
            }
        })
        .collect();
    let axis = Bars::new(&[], 1.0, Format::Percent)
        .axis("Attendance rate")
        .bar_height(44);
    spec.chart(
        f,
        &legend,
        |s, y| layout::groups(s, y, &groups, &axis),
        &rows,
    )
}

#[derive(Serialize)]
struct PracticeRow<'a> {
    id: &'a str,
    name: &'a str,
    sector: Sector,
    total: f64,
    grants: usize,
    short_term_share: Option<f64>,
    middle_share: Option<f64>,
    long_term_share: Option<f64>,
    median_months: Option<f64>,
    lengths_assumed: usize,
    unrestricted_share: Option<f64>,
}

/// Funding practice: short-term, middle and long-term shares of each funder's money.
pub(super) fn practice(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "funding_practice";
    let mut funders = funders_by_money(f, |x| {
        x.concentration.total > 0.0
            && x.practice.short_term_share.is_some()
            && x.practice.long_term_share.is_some()
    });
    if funders.is_empty() {
        return Ok(skip(
            NAME,
            Section::Equity,
            "no funder awarded money in the window",
        ));
    }
    let all = funders.len();
    funders.truncate(TOP_N);
    let rows: Vec<PracticeRow> = funders
        .iter()
        .map(|x| {
            let p = &x.practice;
            let (s, l) = (
                p.short_term_share.unwrap_or(0.0),
                p.long_term_share.unwrap_or(0.0),
            );
            PracticeRow {
                id: x.id.as_str(),
                name: &x.name,
                sector: x.sector,
                total: x.concentration.total,
                grants: x.concentration.grants,
                short_term_share: p.short_term_share,
                middle_share: Some((1.0 - s - l).max(0.0)),
                long_term_share: p.long_term_share,
                median_months: p.median_months,
                lengths_assumed: p.lengths_assumed,
                unrestricted_share: p.unrestricted_share,
            }
        })
        .collect();
    let (short, middle, long) = (
        Rgb(0x3A, 0x3A, 0x3A),
        Rgb(0x9A, 0x9A, 0x9A),
        Rgb(0xDA, 0xDA, 0xDA),
    );
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.name.to_owned(),
            swatch: Some(sector_colour(r.sector)),
            segments: vec![
                (r.short_term_share.unwrap_or(0.0), short),
                (r.middle_share.unwrap_or(0.0), middle),
                (r.long_term_share.unwrap_or(0.0), long),
            ],
            value: r.median_months.map_or("median –".into(), |m| {
                format!("median {} mo", Format::Number.show(m))
            }),
        })
        .collect();
    let lead = rows
        .iter()
        .filter(|r| r.grants >= f.parameters.short_term_min_grants)
        .max_by(|a, b| {
            a.short_term_share
                .unwrap_or(0.0)
                .total_cmp(&b.short_term_share.unwrap_or(0.0))
                .then(b.id.cmp(a.id))
        });
    let assumed: usize = rows.iter().map(|r| r.lengths_assumed).sum();
    let spec = Spec {
        name: NAME.into(),
        section: Section::Equity,
        label: "How long funders fund for".into(),
        title: match lead {
            Some(r) => format!(
                "{} gave {} of its money in grants of a year or less",
                r.name,
                r.short_term_share.map_or("–".into(), percent)
            ),
            None => "How long each funder's grants run".into(),
        },
        subtitle: format!(
            "Share of each funder's money in short-term grants (12 months or less), 13–35 months and long-term grants (36 months or more); median grant length at the end. The square is the funder's sector.{}{}",
            if assumed > 0 {
                format!(
                    " {} grants had no end date or duration and are taken as 12 months (an assumption), so short-term shares built on them are soft.",
                    layout::thousands(assumed as f64)
                )
            } else {
                String::new()
            },
            if all > TOP_N {
                format!(" The {TOP_N} largest of {all} funders.")
            } else {
                String::new()
            }
        ),
        alt: format!(
            "Stacked bar chart of each funder's money by grant length: {}.",
            rows.iter()
                .map(|r| format!(
                    "{}: {} short-term, {} long-term, median {} months{}",
                    r.name,
                    r.short_term_share.map_or("–".into(), percent),
                    r.long_term_share.map_or("–".into(), percent),
                    r.median_months
                        .map_or("–".into(), |m| Format::Number.show(m)),
                    if r.lengths_assumed > 0 {
                        format!(" ({} lengths assumed)", r.lengths_assumed)
                    } else {
                        String::new()
                    }
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        columns: vec![
            col("name", "Funder", Kind::Text),
            col("total", "Awarded", Kind::Money),
            col("short_term_share", "12 months or less", Kind::Percent),
            col("long_term_share", "36 months or more", Kind::Percent),
            col("median_months", "Median months", Kind::Number),
            col("lengths_assumed", "Lengths assumed", Kind::Number),
            col("unrestricted_share", "Unrestricted", Kind::Percent),
        ],
    };
    let legend = [
        ("12 months or less".into(), short),
        ("13–35 months".into(), middle),
        ("36 months or more".into(), long),
    ];
    let bars = Bars::new(&bars, 1.0, Format::Percent)
        .axis("Share of the funder's money")
        .bar_height(50)
        .label_width(WIDTH * 30 / 100);
    spec.chart(f, &legend, |s, y| layout::hbars(s, y, &bars), &rows)
}

/// Community burden: unpaid hours of community members per partnership.
pub(super) fn burden(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "community_burden";
    let b: Vec<&crate::measures::equity::Burden> = f
        .equity
        .burden
        .iter()
        .take(super::partnership::MAX_PARTNERSHIPS)
        .collect();
    if b.iter().all(|x| x.unpaid_hours.unwrap_or(0.0) <= 0.0) {
        let why = if f.equity.burden.is_empty() {
            NO_ATTENDANCE
        } else if b.iter().all(|x| x.unpaid_hours.is_none()) {
            "no payments recorded (payments.csv is needed to tell unpaid time)"
        } else {
            "community members gave no unpaid time at partnership meetings in the window"
        };
        return Ok(skip(NAME, Section::Equity, why));
    }
    let c = sector_colour(Sector::Individual);
    let bars: Vec<Bar> = b
        .iter()
        .map(|x| Bar {
            label: x.name.clone(),
            swatch: None,
            segments: vec![(x.unpaid_hours.unwrap_or(0.0), c)],
            value: match x.unpaid_hours {
                None => "payment not recorded".into(),
                // Under --public a count of 0 is suppressed like any count under 8.
                Some(_) if x.people == 0 && !f.disclosure.public => {
                    "no community members attended".into()
                }
                Some(h) => format!(
                    "{} h by {}{}",
                    Format::Number.show((h * 10.0).round() / 10.0),
                    people(f, x.people),
                    x.burden_top_decile_share
                        .map(|s| format!(" · top 10% carry {}", percent(s)))
                        .unwrap_or_default()
                ),
            },
        })
        .collect();
    let lead = b
        .iter()
        .filter_map(|x| x.unpaid_hours.map(|h| (x, h)))
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(b.0.partnership.cmp(&a.0.partnership))
        });
    let spec = Spec {
        name: NAME.into(),
        section: Section::Equity,
        label: "Community members' unpaid time".into(),
        title: match lead {
            Some((x, h)) => format!(
                "Community members gave {} hours unpaid to {}{}",
                Format::Number.show(h.round()),
                x.name,
                x.burden_top_decile_share
                    .map(|s| format!("; the busiest tenth of them carried {}", percent(s)))
                    .unwrap_or_default()
            ),
            None => "Unpaid time of community members".into(),
        },
        subtitle: "Unpaid attended hours of individual community members (attending as themselves, not for an organisation) per partnership, and the share carried by the top 10% of them. No person is named.".into(),
        alt: format!(
            "Bar chart of unpaid hours of community members per partnership: {}.",
            b.iter()
                .map(|x| format!(
                    "{} {}",
                    x.name,
                    x.unpaid_hours
                        .map_or("payment not recorded".into(), |h| format!("{h:.1} hours"))
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        columns: vec![
            col("name", "Partnership", Kind::Text),
            col("people", "Community members", Kind::Number),
            col("unpaid_hours", "Unpaid hours", Kind::Hours),
            col("burden_top_decile_share", "Top 10% carry", Kind::Percent),
        ],
    };
    let max = b.iter().filter_map(|x| x.unpaid_hours).fold(0.0, f64::max);
    let bars = Bars::new(&bars, max, Format::Number)
        .axis("Unpaid hours of community members")
        .bar_height(50);
    spec.chart(f, &[], |s, y| layout::hbars(s, y, &bars), &b)
}
