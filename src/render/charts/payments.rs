//! Paid participation in pounds (issue 18, item 3): per partnership, money paid by type
//! beside the value of the VCSE-side hours given unpaid, and the payments not tied to one
//! partnership. Drawn from findings.json's `payments` and each partnership's
//! `unpaid_value` only.

use super::layout::{self, Bar, Bars, Format, Group, LABEL};
use super::partnership::MAX_PARTNERSHIPS;
use super::scene::text_width;
use super::scene::Rgb;
use super::{col, skip, Built, Kind, Section, Spec};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::money;
use crate::measures::payments::Paid;
use serde::Serialize;

const NAME: &str = "participation_payments";

/// The sector palette's five colours, one per payment type and light grey for unpaid time:
/// distinct in greyscale too (relative luminance 0.37, 0.64, 0.50, 0.23 and 0.77).
const TYPES: [(&str, &str); 4] = [
    ("involvement", crate::graph::colour::STATUTORY),
    ("backfill", crate::graph::colour::PRIVATE),
    ("honorarium", crate::graph::colour::VCSE),
    ("expenses", crate::graph::colour::INDIVIDUAL),
];
const UNPAID: Rgb = Rgb(0xC4, 0xC4, 0xC4);

#[derive(Serialize)]
struct Row<'a> {
    partnership: &'a str,
    name: &'a str,
    paid: Option<f64>,
    involvement: Option<f64>,
    backfill: Option<f64>,
    honorarium: Option<f64>,
    expenses: Option<f64>,
    unpaid_value: Option<f64>,
}

impl<'a> Row<'a> {
    fn of(partnership: &'a str, name: &'a str, p: &Paid, unpaid_value: Option<f64>) -> Self {
        Row {
            partnership,
            name,
            paid: p.paid,
            involvement: p.involvement,
            backfill: p.backfill,
            honorarium: p.honorarium,
            expenses: p.expenses,
            unpaid_value,
        }
    }
}

fn by_type(p: &Paid) -> [f64; 4] {
    [p.involvement, p.backfill, p.honorarium, p.expenses].map(|x| x.unwrap_or(0.0))
}

/// Money paid by type per partnership beside the value of unpaid VCSE-side time.
pub(super) fn payments(f: &Findings) -> Result<Built, Error> {
    let Some(total) = f.payments.overall.paid else {
        return Ok(skip(
            NAME,
            Section::Partnerships,
            "no payments.csv: money paid for participation is unknown",
        ));
    };
    if f.partnerships.is_empty() {
        return Ok(skip(
            NAME,
            Section::Partnerships,
            "no partnerships in the data (partnerships.csv is needed)",
        ));
    }
    let shown: Vec<_> = f
        .payments
        .by_partnership
        .iter()
        .take(MAX_PARTNERSHIPS)
        .collect();
    let unpaid_of = |id: &str| {
        f.partnerships
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.unpaid_value)
    };
    let unpaid_total = f.views.unpaid_time.unpaid_value;
    let title = match unpaid_total {
        Some(u) => format!(
            "{} was paid for participation; VCSE-side time given unpaid was worth {}",
            money(total),
            money(u)
        ),
        None => format!("{} was paid for participation", money(total)),
    };
    let mut subtitle = format!(
        "Money paid in the window by type (payments naming a meeting count for its partnership; standing payments for a period are not tied to one), beside the unpaid VCSE-side hours valued at £{:.2} an hour (an assumption; see the method). Expenses are money paid but buy no time.",
        f.parameters.hourly_rate
    );
    if let Some(s) = f.payments.per_meeting_sentence() {
        subtitle.push(' ');
        subtitle.push_str(&s);
    }
    let mut groups: Vec<(String, &Paid, Option<f64>)> = shown
        .iter()
        .map(|p| (p.name.clone(), &p.paid, unpaid_of(&p.partnership)))
        .collect();
    if f.payments.not_tied.paid.is_some_and(|x| x > 0.0) {
        groups.push((
            "Not tied to one partnership".into(),
            &f.payments.not_tied,
            None,
        ));
    }
    let alt = format!(
        "Bar charts of money paid for participation per partnership, by type, beside the value of unpaid VCSE-side time. {} {}",
        groups
            .iter()
            .map(|(name, p, u)| {
                let [i, b, h, e] = by_type(p);
                format!(
                    "{name}: paid {} (involvement {}, backfill {}, honorarium {}, expenses {}){}.",
                    money(p.paid.unwrap_or(0.0)),
                    money(i),
                    money(b),
                    money(h),
                    money(e),
                    u.map(|u| format!("; unpaid time worth {}", money(u)))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(" "),
        f.payments.per_meeting_sentence().unwrap_or_default()
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Partnerships,
        label: "Money paid for participation".into(),
        title,
        subtitle,
        alt: alt.trim_end().to_owned(),
        columns: vec![
            col("name", "Partnership", Kind::Text),
            col("paid", "Paid", Kind::Money),
            col("involvement", "Involvement", Kind::Money),
            col("backfill", "Backfill", Kind::Money),
            col("honorarium", "Honoraria", Kind::Money),
            col("expenses", "Expenses", Kind::Money),
            col("unpaid_value", "Unpaid time, valued", Kind::Money),
        ],
    };
    let mut legend: Vec<(String, Rgb)> = TYPES
        .iter()
        .map(|(t, c)| ((*t).to_owned(), Rgb::hex(c)))
        .collect();
    legend.push(("unpaid time, valued".into(), UNPAID));
    let max = groups
        .iter()
        .map(|(_, p, u)| p.paid.unwrap_or(0.0).max(u.unwrap_or(0.0)))
        .fold(0.0, f64::max)
        .max(1.0);
    let blocks: Vec<Group> = groups
        .iter()
        .enumerate()
        .map(|(gi, (name, paid, unpaid))| Group {
            heading: name.clone(),
            bars: paid_bars(paid, (gi < shown.len()).then_some(*unpaid)),
            ..Group::default()
        })
        .collect();
    // Every block's labels as wide as "Unpaid time", though the last may lack that bar.
    let axis = Bars::new(&[], max, Format::Money)
        .axis("Pounds")
        .bar_height(40)
        .label_width(text_width("Unpaid time", LABEL, false));

    let mut rows: Vec<Row> = shown
        .iter()
        .map(|p| Row::of(&p.partnership, &p.name, &p.paid, unpaid_of(&p.partnership)))
        .collect();
    rows.push(Row::of(
        "",
        "Not tied to one partnership",
        &f.payments.not_tied,
        None,
    ));
    spec.chart(
        f,
        &legend,
        |s, y| layout::groups(s, y, &blocks, &axis),
        &rows,
    )
}

/// A block's bars: money paid, stacked by type, and (for a partnership, `unpaid` is
/// `Some`) the value of the unpaid time beside it.
fn paid_bars(paid: &Paid, unpaid: Option<Option<f64>>) -> Vec<Bar> {
    let mut bars = vec![Bar {
        label: "Paid".into(),
        swatch: None,
        segments: by_type(paid)
            .iter()
            .zip(TYPES)
            .map(|(v, (_, c))| (*v, Rgb::hex(c)))
            .collect(),
        value: money(paid.paid.unwrap_or(0.0)),
    }];
    if let Some(unpaid) = unpaid {
        bars.push(Bar {
            label: "Unpaid time".into(),
            swatch: None,
            segments: vec![(unpaid.unwrap_or(0.0), UNPAID)],
            value: unpaid.map_or("not known".into(), money),
        });
    }
    bars
}
