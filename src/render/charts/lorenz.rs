//! The Lorenz curve of money across recipients, with the Gini stated.
//!
//! Drawn from the recipients of findings (their window totals, smallest first); the top-10%
//! point is findings' `views.top_decile` and the Gini in the title findings' overall Gini. Reading: grants to individuals are one line per
//! funder in the recipients list (people are never listed), so when there are grants to
//! individuals the curve treats each funder's individuals as one recipient while the Gini
//! counts each person: the curve is then drawn from slightly fewer, larger recipients.

use super::layout::{self, MARGIN, SMALL, WIDTH};
use super::scene::{Align, Rgb, TextStyle, GRID, INK, MUTED};
use super::{col, Kind, Spec};
use super::{skip, Built, Section};
use crate::error::Error;
use crate::findings::Findings;
use crate::flags::percent;
use serde::Serialize;

/// Points drawn (and written to CSV) at most, whatever the number of recipients.
pub(crate) const MAX_POINTS: usize = 500;

#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
struct Point {
    recipients_share: f64,
    money_share: f64,
}

/// Cumulative shares of recipients and money, smallest first, sampled to at most
/// [`MAX_POINTS`] points (always including both ends).
fn curve(mut totals: Vec<f64>) -> Vec<Point> {
    totals.sort_by(f64::total_cmp);
    let n = totals.len();
    let sum: f64 = totals.iter().sum();
    if n == 0 || sum <= 0.0 {
        return Vec::new();
    }
    let step = n.div_ceil(MAX_POINTS).max(1);
    let mut out = vec![Point {
        recipients_share: 0.0,
        money_share: 0.0,
    }];
    let mut acc = 0.0;
    for (i, t) in totals.iter().enumerate() {
        acc += t;
        if (i + 1) % step == 0 || i + 1 == n {
            out.push(Point {
                recipients_share: (i + 1) as f64 / n as f64,
                money_share: acc / sum,
            });
        }
    }
    out
}

pub(super) fn lorenz(f: &Findings) -> Result<Built, Error> {
    const NAME: &str = "lorenz";
    let totals: Vec<f64> = f
        .recipients
        .iter()
        .map(|r| r.total)
        .filter(|t| *t > 0.0)
        .collect();
    // The top-10% point is findings' (`views.top_decile`); absent with fewer than two
    // recipients given money.
    let Some(crate::views::TopDecile {
        recipients: n,
        largest: k,
        share: top_share,
    }) = f.views.top_decile
    else {
        return Ok(skip(
            NAME,
            Section::Concentration,
            "fewer than two recipients received money: there is no distribution to draw",
        ));
    };
    let points = curve(totals);
    let gini = f.concentration.overall.gini;
    let gini_text = gini.map_or(String::new(), |g| format!(" (Gini {g:.2})"));
    let title = if k * 10 == n || n >= 20 {
        format!(
            "The largest 10% of recipients received {} of the money{gini_text}",
            percent(top_share)
        )
    } else {
        format!(
            "The largest {k} of {n} recipients received {} of the money{gini_text}",
            percent(top_share)
        )
    };
    let subtitle = "Lorenz curve: recipients lined up from smallest to largest. Equal shares would follow the diagonal; the further the curve sags below it, the more the money is concentrated. Gini: 0 = equal, 1 = one recipient has everything.";
    let alt = format!(
        "Lorenz curve of money across {n} recipients. The largest {k} received {} of the money{gini_text}; the smallest half received {}.",
        percent(top_share),
        percent(half(&points))
    );
    let spec = Spec {
        name: NAME.into(),
        section: Section::Concentration,
        label: "How evenly the money is spread (Lorenz curve)".into(),
        title,
        subtitle: subtitle.into(),
        alt,
        columns: vec![
            col(
                "recipients_share",
                "Share of recipients (smallest first)",
                Kind::Percent,
            ),
            col("money_share", "Share of the money", Kind::Percent),
        ],
    };
    let (mut scene, y) = spec.begin();
    let (x0, x1) = (MARGIN + 110, WIDTH - MARGIN - 40);
    let (top, bottom) = (y + 60, y + 60 + 860);
    let xp = |v: f64| x0 + (v.clamp(0.0, 1.0) * f64::from(x1 - x0)).round() as i32;
    let yp = |v: f64| bottom - (v.clamp(0.0, 1.0) * f64::from(bottom - top)).round() as i32;
    scene.text(
        MARGIN,
        top - 30,
        "Cumulative share of the money",
        layout::NOTE,
    );
    for i in 0..=5 {
        let t = f64::from(i) / 5.0;
        scene.line(vec![(xp(t), top), (xp(t), bottom)], GRID, 2);
        scene.line(vec![(x0, yp(t)), (x1, yp(t))], GRID, 2);
        scene.text(
            xp(t),
            bottom + 42,
            &percent(t),
            layout::NOTE.align(Align::Centre),
        );
        scene.text(
            x0 - 14,
            yp(t) + 11,
            &percent(t),
            layout::NOTE.align(Align::Right),
        );
    }
    // Area between the diagonal and the curve, then the curve.
    let mut area: Vec<(i32, i32)> = points
        .iter()
        .map(|p| (xp(p.recipients_share), yp(p.money_share)))
        .collect();
    area.push((xp(0.0), yp(0.0)));
    scene.polygon(area, Rgb(0xE8, 0xE8, 0xE8));
    scene.dashed((xp(0.0), yp(0.0)), (xp(1.0), yp(1.0)), MUTED, 3);
    scene.text(
        xp(0.52),
        yp(0.52) - 24,
        "equal shares",
        layout::NOTE.align(Align::Right),
    );
    scene.line(
        points
            .iter()
            .map(|p| (xp(p.recipients_share), yp(p.money_share)))
            .collect(),
        INK,
        5,
    );
    // The top-10% point.
    let bottom_share = (n - k) as f64 / n as f64;
    let (mx, my) = (xp(bottom_share), yp(1.0 - top_share));
    scene.dashed((mx, my), (mx, yp(1.0)), INK, 3);
    scene.rect((mx - 7, my - 7), (mx + 7, my + 7), INK);
    let label = format!("largest {k}: {} of the money", percent(top_share));
    scene.text(
        mx - 16,
        yp(1.0) + 48,
        &label,
        TextStyle::new(layout::LABEL).bold().align(Align::Right),
    );
    scene.line(vec![(x0, bottom), (x1, bottom)], MUTED, 2);
    scene.line(vec![(x0, top), (x0, bottom)], MUTED, 2);
    scene.text(
        (x0 + x1) / 2,
        bottom + 92,
        &format!(
            "Cumulative share of the {} recipients, smallest first",
            layout::thousands(n as f64)
        ),
        TextStyle::new(SMALL).align(Align::Centre),
    );
    spec.finish(f, scene, bottom + 100, &points)
}

/// Money share of the smallest half of recipients (from the sampled curve).
fn half(points: &[Point]) -> f64 {
    points
        .iter()
        .take_while(|p| p.recipients_share <= 0.5 + 1e-12)
        .last()
        .map_or(0.0, |p| p.money_share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_runs_from_nothing_to_everything() {
        // £20, £30, £50 → (1/3, 0.2), (2/3, 0.5), (1, 1).
        let c = curve(vec![50.0, 20.0, 30.0]);
        assert_eq!(c.len(), 4);
        assert!((c[1].money_share - 0.2).abs() < 1e-12);
        assert!((c[2].money_share - 0.5).abs() < 1e-12);
        assert_eq!(c[3].money_share, 1.0);
        assert!(curve(vec![]).is_empty());
        assert!(curve(vec![0.0]).is_empty());
    }

    #[test]
    fn the_curve_is_sampled_at_national_scale() {
        let c = curve((0..100_000).map(f64::from).collect());
        assert!(c.len() <= MAX_POINTS + 2);
        assert_eq!(c.last().map(|p| p.recipients_share), Some(1.0));
    }
}
