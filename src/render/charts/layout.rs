//! Shared layout: the frame every chart has (a title that states the finding, a subtitle,
//! a legend, a source line) and the horizontal bar chart most charts are made of.
//!
//! Sizes are pixels on an 1800-pixel-wide canvas: at the 300 dpi the PNG declares, that is
//! 15 cm, the text width of an A4 page; labels are 36–40 px (about 9 pt there) so they stay
//! readable when a chart is shrunk to half size on screen, and no text is smaller than 34 px
//! (8 pt there: [`super::scene::min_text_px`]). Names are never cut short when they fit on two
//! lines: bar labels wrap and the label column widens to [`super::scene::two_line_width`].

use super::scene::{
    fit, label_lines, text_width, two_line_width, wrap, Align, Rgb, Scene, TextStyle, GRID, INK,
    MUTED, WHITE,
};

/// Canvas width.
pub const WIDTH: i32 = 1800;
/// Outer margin.
pub const MARGIN: i32 = 60;
/// Title font size.
pub const TITLE: f64 = 52.0;
/// Subtitle and legend font size.
pub const SUBTITLE: f64 = 36.0;
/// Label font size.
pub const LABEL: f64 = 38.0;
/// Small print (source line, tick labels): the 8-pt floor at 15 cm.
pub const SMALL: f64 = 34.0;

/// Small muted print: tick labels, notes, the source line.
pub const NOTE: TextStyle = TextStyle::new(SMALL).colour(MUTED);

/// Draws the title (bold, wrapped) and subtitle (wrapped); returns the y below them.
pub fn header(scene: &mut Scene, title: &str, subtitle: &str) -> i32 {
    let mut y = MARGIN;
    let max = WIDTH - 2 * MARGIN;
    for line in wrap(title, TITLE, true, max) {
        y += 60;
        scene.text(MARGIN, y, &line, TextStyle::new(TITLE).bold());
    }
    y += 12;
    for line in wrap(subtitle, SUBTITLE, false, max) {
        y += 46;
        scene.text(MARGIN, y, &line, TextStyle::new(SUBTITLE).colour(MUTED));
    }
    y + 36
}

/// Draws a legend of colour swatches from `y`, wrapping across the width; returns the y below.
pub fn legend(scene: &mut Scene, y: i32, items: &[(String, Rgb)]) -> i32 {
    if items.is_empty() {
        return y;
    }
    let (sw, gap) = (36, 44);
    let mut x = MARGIN;
    let mut row = y;
    for (label, colour) in items {
        let label = fit(label, SUBTITLE, false, WIDTH - 2 * MARGIN - sw - 14);
        let w = sw + 14 + text_width(&label, SUBTITLE, false);
        if x > MARGIN && x + w > WIDTH - MARGIN {
            x = MARGIN;
            row += 56;
        }
        scene.rect_outlined((x, row), (x + sw, row + sw), *colour, darker(*colour));
        scene.text(x + sw + 14, row + 30, &label, TextStyle::new(SUBTITLE));
        x += w + gap;
    }
    row + sw + 36
}

/// A slightly darker outline for a fill (white fills get a grey outline).
pub fn darker(c: Rgb) -> Rgb {
    let f = |x: u8| (f64::from(x) * 0.75).round() as u8;
    Rgb(f(c.0), f(c.1), f(c.2))
}

/// Draws the source line at `y` and sets the scene height below it.
pub fn footer(scene: &mut Scene, y: i32, source: &str) {
    let y = y + 30;
    let lines = wrap(source, SMALL, false, WIDTH - 2 * MARGIN);
    for (i, line) in lines.iter().enumerate() {
        scene.text(MARGIN, y + 40 * (i as i32 + 1), line, NOTE);
    }
    scene.height = (y + 40 * lines.len() as i32 + MARGIN / 2).max(400) as u32;
}

/// Round tick values from 0 to at least `max` (about five of them, steps of 1, 2 or 5 × 10ⁿ).
pub fn ticks(max: f64) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0, 1.0];
    }
    let rough = max / 5.0;
    let mag = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil() as usize;
    // Rounded relative to the magnitude, so 3 × 0.2 is 0.6, not 0.6000000000000001.
    (0..=n)
        .map(|i| {
            let k = (i as f64 * step / mag * 1e6).round() / 1e6;
            if mag < 1.0 {
                k / (1.0 / mag).round()
            } else {
                k * mag
            }
        })
        .collect()
}

/// How values on an axis are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// £1.2m / £35k.
    Money,
    /// 0.25 → 25%.
    Percent,
    /// A plain number with thousands separators.
    Number,
}

impl Format {
    /// A value in this format.
    pub fn show(self, v: f64) -> String {
        match self {
            Format::Money if v == 0.0 => "£0".into(),
            Format::Money => crate::flags::money(v),
            Format::Percent => crate::flags::percent(v),
            Format::Number if (v - v.round()).abs() > 1e-9 => {
                let s = format!("{v:.2}");
                s.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
            Format::Number => thousands(v),
        }
    }
}

/// 12345.6 → "12,346" (one definition for charts, report and compare: [`crate::flags::thousands`]).
pub use crate::flags::thousands;

/// One bar: a label, stacked segments (value, fill, outline) and the text at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Category label (left of the bar).
    pub label: String,
    /// A small colour swatch before the label (e.g. the organisation's sector).
    pub swatch: Option<Rgb>,
    /// Stacked segments, left to right.
    pub segments: Vec<(f64, Rgb)>,
    /// Text after the bar's end.
    pub value: String,
}

/// A vertical reference line across the bars (a threshold or a fair share).
#[derive(Debug, Clone, PartialEq)]
pub struct RefLine {
    /// Where, in data units.
    pub at: f64,
    /// Label above the bars.
    pub label: String,
}

/// A shaded band behind the bars (e.g. HHI's "highly concentrated" range).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// From, in data units.
    pub from: f64,
    /// To, in data units.
    pub to: f64,
    /// Fill.
    pub fill: Rgb,
    /// Label at the top of the band.
    pub label: String,
}

/// Options of a horizontal bar block.
#[derive(Debug, Clone, Default)]
pub struct Bars<'a> {
    /// The bars, top to bottom.
    pub bars: &'a [Bar],
    /// Axis maximum; a longer bar is cut at the axis end with a break mark.
    pub max: f64,
    /// Tick format.
    pub format: Option<Format>,
    /// Axis title under the ticks.
    pub axis: &'a str,
    /// Reference lines.
    pub lines: &'a [RefLine],
    /// Shaded bands.
    pub bands: &'a [Band],
    /// Bar thickness.
    pub bar_height: i32,
    /// Width reserved for labels (0: as wide as the longest, up to 38% of the canvas). Either
    /// way the column widens, up to half the canvas, until every label fits on two lines.
    pub label_width: i32,
    /// Draw the x axis ticks (false inside small multiples except the last).
    pub axis_ticks: bool,
}

/// Draws horizontal bars from `y`; returns the y below them (and their axis).
pub fn hbars(scene: &mut Scene, y: i32, o: &Bars) -> i32 {
    let bar_h = if o.bar_height > 0 { o.bar_height } else { 50 };
    let swatch_w = if o.bars.iter().any(|b| b.swatch.is_some()) {
        40
    } else {
        0
    };
    let label_w = bar_label_width(o.bars.iter().map(|b| b.label.as_str()), o.label_width);
    let labels: Vec<Vec<String>> = o
        .bars
        .iter()
        .map(|b| label_lines(&b.label, LABEL, false, label_w))
        .collect();
    // Two lines of a label are LABEL_LINE apart; a row holding them is at least 96 px.
    let row = if labels.iter().any(|l| l.len() > 1) {
        (bar_h + 22).max(LABEL_LINE + 52)
    } else {
        bar_h + 22
    };
    let value_w = o
        .bars
        .iter()
        .map(|b| text_width(&b.value, LABEL, false))
        .max()
        .unwrap_or(0)
        + 24;
    let x0 = MARGIN + swatch_w + label_w + 24;
    let x1 = (WIDTH - MARGIN - value_w).max(x0 + 200);
    let format = o.format.unwrap_or(Format::Number);
    let tick_values = ticks(o.max);
    let max = tick_values.last().copied().unwrap_or(1.0).max(1e-12);
    let x_of = |v: f64| x0 + ((v / max).clamp(0.0, 1.0) * f64::from(x1 - x0)).round() as i32;

    let top = y + if o.lines.is_empty() && o.bands.iter().all(|b| b.label.is_empty()) {
        0
    } else {
        50
    };
    let bottom = top + row * o.bars.len() as i32;
    for b in o.bands {
        scene.rect((x_of(b.from), top), (x_of(b.to), bottom), b.fill);
        if b.label.is_empty() {
            continue;
        }
        scene.text(
            x_of(b.from) + 10,
            top - 14,
            &fit(
                &b.label,
                SMALL,
                false,
                (x_of(b.to) - x_of(b.from) - 14).max(40),
            ),
            NOTE,
        );
    }
    for t in &tick_values {
        scene.line(vec![(x_of(*t), top), (x_of(*t), bottom)], GRID, 2);
    }
    for (i, bar) in o.bars.iter().enumerate() {
        let by = top + row * i as i32 + (row - bar_h) / 2;
        if let Some(c) = bar.swatch {
            scene.rect_outlined(
                (MARGIN, by + bar_h / 2 - 13),
                (MARGIN + 26, by + bar_h / 2 + 13),
                c,
                darker(c),
            );
        }
        let lines = &labels[i];
        let first = by + bar_h / 2 + 13 - LABEL_LINE * (lines.len() as i32 - 1) / 2;
        for (k, line) in lines.iter().enumerate() {
            scene.text(
                x0 - 24,
                first + LABEL_LINE * k as i32,
                line,
                TextStyle::new(LABEL).align(Align::Right),
            );
        }
        let mut acc = 0.0;
        for (v, c) in &bar.segments {
            if *v <= 0.0 {
                continue;
            }
            let (a, b) = (x_of(acc), x_of(acc + v));
            if b > a {
                scene.rect((a, by), (b, by + bar_h), *c);
                if c.luminance() > 0.85 {
                    scene.rect_outlined((a, by), (b, by + bar_h), *c, darker(*c));
                }
                if a > x0 {
                    scene.line(vec![(a, by), (a, by + bar_h)], WHITE, 3);
                }
            }
            acc += v;
        }
        if acc > max {
            // Longer than the axis (an "others" bar): cut, with a break mark, so that the
            // named bars stay readable.
            let xb = x1 - 40;
            for dx in [0, 16] {
                scene.polygon(
                    vec![
                        (xb + dx, by + bar_h),
                        (xb + dx + 8, by + bar_h),
                        (xb + dx + 18, by),
                        (xb + dx + 10, by),
                    ],
                    WHITE,
                );
            }
        }
        scene.text(
            x_of(acc) + 14,
            by + bar_h / 2 + 13,
            &bar.value,
            TextStyle::new(LABEL),
        );
    }
    scene.line(vec![(x0, top), (x0, bottom)], MUTED, 2);
    for l in o.lines {
        scene.dashed((x_of(l.at), top - 6), (x_of(l.at), bottom), INK, 4);
        let w = text_width(&l.label, SMALL, true);
        let x = (x_of(l.at) - w / 2).clamp(MARGIN, WIDTH - MARGIN - w);
        scene.text(x, top - 14, &l.label, TextStyle::new(SMALL).bold());
    }
    let mut y = bottom;
    if o.axis_ticks {
        let mut last_right = i32::MIN;
        for t in &tick_values {
            let s = format.show(*t);
            let w = text_width(&s, SMALL, false);
            let x = x_of(*t);
            if x - w / 2 > last_right + 16 {
                scene.text(x, y + 40, &s, NOTE.align(Align::Centre));
                last_right = x + w / 2;
            }
        }
        y += 40;
        if !o.axis.is_empty() {
            scene.text(
                (x0 + x1) / 2,
                y + 48,
                o.axis,
                TextStyle::new(SMALL).align(Align::Centre),
            );
            y += 48;
        }
    }
    y + 16
}

/// Distance between the baselines of a two-line label.
pub const LABEL_LINE: i32 = 44;

/// The width of a bar-label column: `asked` (0: the longest label, up to 38% of the
/// canvas), widened up to half the canvas until every label fits on two lines
/// ([`two_line_width`]). Other charts with a column of names use it too.
pub fn bar_label_width<'a>(labels: impl Iterator<Item = &'a str> + Clone, asked: i32) -> i32 {
    let longest = labels
        .clone()
        .map(|l| text_width(l, LABEL, false))
        .max()
        .unwrap_or(0);
    let two_lines = labels
        .map(|l| text_width(l, LABEL, false).min(two_line_width(l, LABEL, false)))
        .max()
        .unwrap_or(0);
    let base = if asked > 0 {
        asked
    } else {
        longest.min(WIDTH * 38 / 100)
    };
    base.max(two_lines.min(WIDTH / 2))
}

/// Horizontal grid lines at `ticks` from `x0` to `x1`, each labelled in `format` to the
/// left of `x0`; `y_of` maps a value to its row.
pub fn y_grid(
    scene: &mut Scene,
    ticks: &[f64],
    format: Format,
    (x0, x1): (i32, i32),
    y_of: impl Fn(f64) -> i32,
) {
    for t in ticks {
        scene.line(vec![(x0, y_of(*t)), (x1, y_of(*t))], GRID, 2);
        scene.text(
            x0 - 14,
            y_of(*t) + 11,
            &format.show(*t),
            NOTE.align(Align::Right),
        );
    }
}

/// A sub-heading inside a chart (one per partnership in small multiples).
pub fn subheading(scene: &mut Scene, y: i32, text: &str) -> i32 {
    let mut y = y;
    for line in label_lines(text, LABEL + 2.0, true, WIDTH - 2 * MARGIN) {
        y += 56;
        scene.text(MARGIN, y, &line, TextStyle::new(LABEL + 2.0).bold());
    }
    y + 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(6_549_327.75).last().copied(), Some(8_000_000.0));
        assert_eq!(ticks(1.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(ticks(f64::NAN), vec![0.0, 1.0]);
        assert!(ticks(7.0).len() <= 7);
    }

    #[test]
    fn numbers_read_like_a_board_paper() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(Format::Money.show(0.0), "£0");
        assert_eq!(Format::Money.show(35_400.0), "£35k");
        assert_eq!(Format::Percent.show(0.9), "90%");
        assert_eq!(Format::Number.show(1.5), "1.5");
        assert_eq!(Format::Number.show(0.25), "0.25");
        assert_eq!(Format::Number.show(2000.0), "2,000");
    }
}
