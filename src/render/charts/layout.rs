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
pub(crate) const WIDTH: i32 = 1800;
/// Outer margin.
pub(crate) const MARGIN: i32 = 60;
/// Title font size.
pub(crate) const TITLE: f64 = 52.0;
/// Subtitle and legend font size.
pub(crate) const SUBTITLE: f64 = 36.0;
/// Label font size.
pub(crate) const LABEL: f64 = 38.0;
/// Small print (source line, tick labels): the 8-pt floor at 15 cm.
pub(crate) const SMALL: f64 = 34.0;

/// Small muted print: tick labels, notes, the source line.
pub(crate) const NOTE: TextStyle = TextStyle::new(SMALL).colour(MUTED);

/// Draws the title (bold, wrapped) and subtitle (wrapped); returns the y below them.
pub(crate) fn header(scene: &mut Scene, title: &str, subtitle: &str) -> i32 {
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
pub(crate) fn legend(scene: &mut Scene, y: i32, items: &[(String, Rgb)]) -> i32 {
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
pub(crate) fn darker(c: Rgb) -> Rgb {
    let f = |x: u8| (f64::from(x) * 0.75).round() as u8;
    Rgb(f(c.0), f(c.1), f(c.2))
}

/// Draws the source line at `y` and sets the scene height below it.
pub(crate) fn footer(scene: &mut Scene, y: i32, source: &str) {
    let y = y + 30;
    let lines = wrap(source, SMALL, false, WIDTH - 2 * MARGIN);
    for (i, line) in lines.iter().enumerate() {
        scene.text(MARGIN, y + 40 * (i as i32 + 1), line, NOTE);
    }
    scene.height = (y + 40 * lines.len() as i32 + MARGIN / 2).max(400) as u32;
}

/// Round tick values from 0 to at least `max` (about five of them, steps of 1, 2 or 5 × 10ⁿ).
pub(crate) fn ticks(max: f64) -> Vec<f64> {
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
pub(crate) enum Format {
    /// £1.2m / £35k.
    Money,
    /// 0.25 → 25%.
    Percent,
    /// A plain number with thousands separators.
    Number,
}

impl Format {
    /// A value in this format.
    pub(crate) fn show(self, v: f64) -> String {
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
pub(crate) use crate::flags::thousands;

/// One bar: a label, stacked segments (value, fill, outline) and the text at its end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// Category label (left of the bar).
    pub(crate) label: String,
    /// A small colour swatch before the label (e.g. the organisation's sector).
    pub(crate) swatch: Option<Rgb>,
    /// Stacked segments, left to right.
    pub(crate) segments: Vec<(f64, Rgb)>,
    /// Text after the bar's end.
    pub(crate) value: String,
}

/// A vertical reference line across the bars (a threshold or a fair share).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefLine {
    /// Where, in data units.
    pub(crate) at: f64,
    /// Label above the bars.
    pub(crate) label: String,
}

/// A shaded band behind the bars (e.g. HHI's "highly concentrated" range).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Band {
    /// From, in data units.
    pub(crate) from: f64,
    /// To, in data units.
    pub(crate) to: f64,
    /// Fill.
    pub(crate) fill: Rgb,
    /// Label at the top of the band.
    pub(crate) label: String,
}

/// Options of a horizontal bar block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bars<'a> {
    /// The bars, top to bottom.
    pub(crate) bars: &'a [Bar],
    /// Axis maximum; a longer bar is cut at the axis end with a break mark.
    pub(crate) max: f64,
    /// Tick format.
    pub(crate) format: Option<Format>,
    /// Axis title under the ticks.
    pub(crate) axis: &'a str,
    /// Reference lines.
    pub(crate) lines: &'a [RefLine],
    /// Shaded bands.
    pub(crate) bands: &'a [Band],
    /// Bar thickness.
    pub(crate) bar_height: i32,
    /// Width reserved for labels (0: as wide as the longest, up to 38% of the canvas). Either
    /// way the column widens, up to half the canvas, until every label fits on two lines.
    pub(crate) label_width: i32,
    /// Draw the x axis ticks (false inside small multiples except the last).
    pub(crate) axis_ticks: bool,
}

impl<'a> Bars<'a> {
    /// `bars` on an axis from 0 to `max`, ticks written in `format` and drawn; no axis title,
    /// lines or bands, the default bar height and label column (the builder methods set them).
    pub(crate) fn new(bars: &'a [Bar], max: f64, format: Format) -> Self {
        Bars {
            bars,
            max,
            format: Some(format),
            axis_ticks: true,
            ..Bars::default()
        }
    }

    /// With the axis title `axis` under the ticks.
    pub(crate) fn axis(self, axis: &'a str) -> Self {
        Bars { axis, ..self }
    }

    /// With shaded bands.
    pub(crate) fn bands(self, bands: &'a [Band]) -> Self {
        Bars { bands, ..self }
    }

    /// With bars `bar_height` thick.
    pub(crate) fn bar_height(self, bar_height: i32) -> Self {
        Bars { bar_height, ..self }
    }

    /// With a label column `label_width` wide (see [`Bars::label_width`]).
    pub(crate) fn label_width(self, label_width: i32) -> Self {
        Bars {
            label_width,
            ..self
        }
    }
}

/// Where a block of bars is: the value axis from `x0` (0) to `x1` (`max`), the rows from
/// `top` to `bottom`, each `row` high with a bar `bar_h` thick in its middle.
struct BarGrid {
    x0: i32,
    x1: i32,
    max: f64,
    top: i32,
    bottom: i32,
    row: i32,
    bar_h: i32,
}

impl BarGrid {
    /// The x of value `v` (clamped to the axis).
    fn x(&self, v: f64) -> i32 {
        self.x0 + ((v / self.max).clamp(0.0, 1.0) * f64::from(self.x1 - self.x0)).round() as i32
    }

    /// The top of bar `i`.
    fn bar_top(&self, i: usize) -> i32 {
        self.top + self.row * i as i32 + (self.row - self.bar_h) / 2
    }
}

/// Draws horizontal bars from `y`; returns the y below them (and their axis).
pub(crate) fn hbars(scene: &mut Scene, y: i32, o: &Bars) -> i32 {
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
    let tick_values = ticks(o.max);
    let top = y + if o.lines.is_empty() && o.bands.iter().all(|b| b.label.is_empty()) {
        0
    } else {
        50
    };
    let g = BarGrid {
        x0,
        x1: (WIDTH - MARGIN - value_w).max(x0 + 200),
        max: tick_values.last().copied().unwrap_or(1.0).max(1e-12),
        top,
        bottom: top + row * o.bars.len() as i32,
        row,
        bar_h,
    };
    bar_bands(scene, &g, o.bands);
    for t in &tick_values {
        scene.line(vec![(g.x(*t), g.top), (g.x(*t), g.bottom)], GRID, 2);
    }
    for (i, (bar, lines)) in o.bars.iter().zip(&labels).enumerate() {
        bar_row(scene, &g, g.bar_top(i), bar, lines);
    }
    scene.line(vec![(g.x0, g.top), (g.x0, g.bottom)], MUTED, 2);
    for l in o.lines {
        let x = g.x(l.at);
        scene.dashed((x, g.top - 6), (x, g.bottom), INK, 4);
        let w = text_width(&l.label, SMALL, true);
        let x = (x - w / 2).clamp(MARGIN, WIDTH - MARGIN - w);
        scene.text(x, g.top - 14, &l.label, TextStyle::new(SMALL).bold());
    }
    let y = if o.axis_ticks {
        bar_axis(scene, &g, &tick_values, o)
    } else {
        g.bottom
    };
    y + 16
}

/// The shaded bands behind a block of bars, each labelled above its left end.
fn bar_bands(scene: &mut Scene, g: &BarGrid, bands: &[Band]) {
    for b in bands {
        scene.rect((g.x(b.from), g.top), (g.x(b.to), g.bottom), b.fill);
        if b.label.is_empty() {
            continue;
        }
        let room = (g.x(b.to) - g.x(b.from) - 14).max(40);
        scene.text(
            g.x(b.from) + 10,
            g.top - 14,
            &fit(&b.label, SMALL, false, room),
            NOTE,
        );
    }
}

/// One bar with its top at `by`: its swatch, its label `lines`, its segments (a bar longer
/// than the axis cut with a break mark) and its value.
fn bar_row(scene: &mut Scene, g: &BarGrid, by: i32, bar: &Bar, lines: &[String]) {
    let bar_h = g.bar_h;
    if let Some(c) = bar.swatch {
        scene.rect_outlined(
            (MARGIN, by + bar_h / 2 - 13),
            (MARGIN + 26, by + bar_h / 2 + 13),
            c,
            darker(c),
        );
    }
    let first = by + bar_h / 2 + 13 - LABEL_LINE * (lines.len() as i32 - 1) / 2;
    for (k, line) in lines.iter().enumerate() {
        scene.text(
            g.x0 - 24,
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
        let (a, b) = (g.x(acc), g.x(acc + v));
        if b > a {
            scene.rect((a, by), (b, by + bar_h), *c);
            if c.luminance() > 0.85 {
                scene.rect_outlined((a, by), (b, by + bar_h), *c, darker(*c));
            }
            if a > g.x0 {
                scene.line(vec![(a, by), (a, by + bar_h)], WHITE, 3);
            }
        }
        acc += v;
    }
    if acc > g.max {
        // Longer than the axis (an "others" bar): cut, with a break mark, so that the
        // named bars stay readable.
        let xb = g.x1 - 40;
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
        g.x(acc) + 14,
        by + bar_h / 2 + 13,
        &bar.value,
        TextStyle::new(LABEL),
    );
}

/// The tick labels under a block of bars (each clear of the one before) and its axis
/// title; returns the y below them.
fn bar_axis(scene: &mut Scene, g: &BarGrid, tick_values: &[f64], o: &Bars) -> i32 {
    let format = o.format.unwrap_or(Format::Number);
    let mut y = g.bottom;
    let mut last_right = i32::MIN;
    for t in tick_values {
        let s = format.show(*t);
        let w = text_width(&s, SMALL, false);
        let x = g.x(*t);
        if x - w / 2 > last_right + 16 {
            scene.text(x, y + 40, &s, NOTE.align(Align::Centre));
            last_right = x + w / 2;
        }
    }
    y += 40;
    if !o.axis.is_empty() {
        scene.text(
            (g.x0 + g.x1) / 2,
            y + 48,
            o.axis,
            TextStyle::new(SMALL).align(Align::Centre),
        );
        y += 48;
    }
    y
}

/// One block of a [`groups`] chart: a sub-heading, its bars and reference lines, and a
/// note under them.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Group {
    /// The sub-heading (a partnership's name).
    pub(crate) heading: String,
    /// The bars, top to bottom.
    pub(crate) bars: Vec<Bar>,
    /// Reference lines across this block's bars.
    pub(crate) lines: Vec<RefLine>,
    /// A note under the bars (muted, wrapped), if any.
    pub(crate) note: Option<String>,
}

/// Small multiples of bar blocks from `y`, each under its sub-heading, all on one axis;
/// returns the y below them. `o` gives what the blocks share: the axis maximum, format and
/// title, the bar height and the label column (0: the widest label of any block, so that
/// the blocks line up); its `bars` and `lines` are each group's. The tick labels and the
/// axis title are drawn under the last block only.
pub(crate) fn groups(scene: &mut Scene, y: i32, groups: &[Group], o: &Bars) -> i32 {
    let label_width = if o.label_width > 0 {
        o.label_width
    } else {
        groups
            .iter()
            .flat_map(|g| &g.bars)
            .map(|b| text_width(&b.label, LABEL, false))
            .max()
            .unwrap_or(0)
    };
    let mut y = y;
    for (i, g) in groups.iter().enumerate() {
        let last = i + 1 == groups.len();
        y = subheading(scene, y, &g.heading);
        y = hbars(
            scene,
            y,
            &Bars {
                bars: &g.bars,
                lines: &g.lines,
                axis: if last { o.axis } else { "" },
                axis_ticks: last,
                label_width,
                ..o.clone()
            },
        );
        if let Some(note) = &g.note {
            for line in wrap(note, SMALL, false, WIDTH - 2 * MARGIN) {
                scene.text(MARGIN, y + 20, &line, NOTE);
                y += 40;
            }
        }
    }
    y
}

/// Distance between the baselines of a two-line label.
pub(crate) const LABEL_LINE: i32 = 44;

/// The width of a bar-label column: `asked` (0: the longest label, up to 38% of the
/// canvas), widened up to half the canvas until every label fits on two lines
/// ([`two_line_width`]). Other charts with a column of names use it too.
pub(crate) fn bar_label_width<'a>(
    labels: impl Iterator<Item = &'a str> + Clone,
    asked: i32,
) -> i32 {
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
pub(crate) fn y_grid(
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
pub(crate) fn subheading(scene: &mut Scene, y: i32, text: &str) -> i32 {
    let mut y = y;
    for line in label_lines(text, LABEL + 2.0, true, WIDTH - 2 * MARGIN) {
        y += 56;
        scene.text(MARGIN, y, &line, TextStyle::new(LABEL + 2.0).bold());
    }
    y + 16
}

/// One line of a [`Panel`]: a value per slot, `None` where the slot has none (a gap).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    /// Line and marker colour.
    pub(crate) colour: Rgb,
    /// A value per slot.
    pub(crate) values: Vec<Option<f64>>,
}

/// One layer of a [`Panel`]'s stacked columns: a value per slot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layer {
    /// For the legend.
    pub(crate) label: String,
    /// Fill.
    pub(crate) colour: Rgb,
    /// A value per slot.
    pub(crate) values: Vec<f64>,
}

/// One small multiple over the slots of its [`Panels`]: stacked columns (a total above
/// each), lines broken at a missing value, threshold lines and shaded bands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Panel {
    /// Heading (wrapped to two lines rather than cut).
    pub(crate) title: String,
    /// Tick format; percent panels run 0–100% in quarters.
    pub(crate) format: Format,
    /// The largest value to show.
    pub(crate) max: f64,
    /// Stacked columns, bottom first.
    pub(crate) stack: Vec<Layer>,
    /// Lines.
    pub(crate) lines: Vec<Series>,
    /// Dashed threshold lines, labelled at the right.
    pub(crate) thresholds: Vec<RefLine>,
    /// Shaded bands, labelled at the right.
    pub(crate) bands: Vec<Band>,
}

/// A slot (a year) on the x axis of every panel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slot {
    /// Tick label.
    pub(crate) label: String,
    /// A part period: shaded, its markers hollow, "partial" under its label.
    pub(crate) partial: bool,
}

/// Small multiples: panels side by side, [`PANEL_COLUMNS`] to a row, over the same slots.
#[derive(Debug, Clone, Default)]
pub(crate) struct Panels<'a> {
    /// The panels, left to right and top to bottom.
    pub(crate) panels: &'a [Panel],
    /// The x axis every panel shares.
    pub(crate) slots: &'a [Slot],
}

/// Columns of small multiples.
pub(crate) const PANEL_COLUMNS: i32 = 2;
/// Line spacing of a wrapped panel title.
const PANEL_TITLE_LINE: i32 = 42;
/// Height of a panel's plot area.
const PLOT_H: i32 = 360;
/// Fill behind a partial slot.
const PARTIAL: Rgb = Rgb(0xBB, 0xBB, 0xBB);

/// Draws small multiples from `y`; returns the y below them.
pub(crate) fn panels(scene: &mut Scene, y: i32, o: &Panels) -> i32 {
    let gap = 60;
    let panel_w = (WIDTH - 2 * MARGIN - gap * (PANEL_COLUMNS - 1)) / PANEL_COLUMNS;
    // Panel titles wrap to two lines rather than cut a long partnership name; every panel
    // then leaves room for two, so the plots stay aligned.
    let titles: Vec<Vec<String>> = o
        .panels
        .iter()
        .map(|p| label_lines(&p.title, SMALL + 2.0, true, panel_w))
        .collect();
    let extra = PANEL_TITLE_LINE * (titles.iter().map(Vec::len).max().unwrap_or(1) as i32 - 1);
    let panel_h = 56 + extra + PLOT_H + 70;
    for (i, (p, title)) in o.panels.iter().zip(&titles).enumerate() {
        let (c, r) = (i as i32 % PANEL_COLUMNS, i as i32 / PANEL_COLUMNS);
        let px = MARGIN + c * (panel_w + gap);
        let py = y + r * (panel_h + 24);
        for (k, line) in title.iter().enumerate() {
            scene.text(
                px,
                py + 40 + PANEL_TITLE_LINE * k as i32,
                line,
                TextStyle::new(SMALL + 2.0).bold(),
            );
        }
        panel(scene, (px, py + extra, panel_w), p, o.slots);
    }
    let rows_of_panels = o.panels.len().div_ceil(PANEL_COLUMNS as usize) as i32;
    y + rows_of_panels * (panel_h + 24)
}

/// One panel's plot at (x, y), `w` wide, below the room for its title.
fn panel(scene: &mut Scene, (px, py, w): (i32, i32, i32), p: &Panel, slots: &[Slot]) {
    let ticks: Vec<f64> = if p.format == Format::Percent {
        vec![0.0, 0.25, 0.5, 0.75, 1.0]
    } else {
        ticks(p.max)
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
    let slot = f64::from(x1 - x0) / slots.len().max(1) as f64;
    let plot = Plot {
        x0,
        top,
        bottom,
        slot,
        tmax,
    };
    let side = TextStyle::new(SMALL - 8.0).colour(MUTED);
    for b in &p.bands {
        if b.from >= tmax {
            continue;
        }
        let (a, c) = (plot.y(b.from), plot.y(b.to.min(tmax)));
        scene.rect((x0, c), (x1, a), b.fill);
        scene.text(x1 + 8, ((a + c) / 2 + 9).min(a - 4), &b.label, side);
    }
    // A partial slot: a see-through grey over it, so bands still show through.
    for (i, s) in slots.iter().enumerate() {
        if s.partial {
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
        scene.line(vec![(x0, plot.y(*t)), (x1, plot.y(*t))], GRID, 2);
        scene.text(
            x0 - 10,
            plot.y(*t) + 10,
            &p.format.show(*t),
            TextStyle::new(SMALL - 4.0)
                .colour(MUTED)
                .align(Align::Right),
        );
    }
    for l in &p.thresholds {
        scene.dashed((x0, plot.y(l.at)), (x1, plot.y(l.at)), MUTED, 2);
        scene.text(x1 + 8, plot.y(l.at) + 8, &l.label, side);
    }
    stacked_columns(scene, &plot, p);
    lines(scene, &plot, p, slots);
    scene.line(vec![(x0, bottom), (x1, bottom)], MUTED, 2);
    slot_labels(scene, &plot, slots);
}

/// Where a panel's plot is: its left, top and bottom edges, the width of a slot and the top of the value axis.
struct Plot {
    x0: i32,
    top: i32,
    bottom: i32,
    slot: f64,
    tmax: f64,
}

impl Plot {
    /// The centre of slot `i`.
    fn x(&self, i: usize) -> i32 {
        self.x0 + (self.slot * (i as f64 + 0.5)).round() as i32
    }

    /// The height of value `v`.
    fn y(&self, v: f64) -> i32 {
        self.bottom
            - ((v / self.tmax).clamp(0.0, 1.0) * f64::from(self.bottom - self.top)).round() as i32
    }
}

/// A panel's stacked columns, with each column's total above it.
fn stacked_columns(scene: &mut Scene, plot: &Plot, p: &Panel) {
    let bw = ((plot.slot * 0.5).round() as i32).clamp(8, 160);
    let n = p.stack.first().map_or(0, |l| l.values.len());
    for i in 0..n {
        let mut acc = 0.0;
        for layer in &p.stack {
            let v = layer.values[i];
            if v > 0.0 {
                let (a, b) = (plot.y(acc), plot.y(acc + v));
                if a > b {
                    scene.rect(
                        (plot.x(i) - bw / 2, b),
                        (plot.x(i) + bw / 2, a),
                        layer.colour,
                    );
                }
                acc += v;
            }
        }
        if acc > 0.0 {
            scene.text(
                plot.x(i),
                plot.y(acc) - 10,
                &p.format.show(acc),
                TextStyle::new(SMALL - 6.0).align(Align::Centre),
            );
        }
    }
}

/// A panel's lines: broken at a missing value, markers hollow in a partial slot, and "too
/// little data" where every line misses a slot.
fn lines(scene: &mut Scene, plot: &Plot, p: &Panel, slots: &[Slot]) {
    for s in &p.lines {
        let points = s.values.iter().enumerate();
        broken_line(
            scene,
            points.map(|(i, v)| v.map(|v| (plot.x(i), plot.y(v)))),
            s.colour,
        );
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let (x, yy) = (plot.x(i), plot.y(*v));
                scene.rect((x - 10, yy - 10), (x + 10, yy + 10), s.colour);
                if slots[i].partial {
                    scene.rect((x - 5, yy - 5), (x + 5, yy + 5), WHITE);
                }
            }
        }
    }
    if !p.lines.is_empty() {
        for i in 0..slots.len() {
            if p.lines.iter().all(|s| s.values[i].is_none()) {
                scene.text(
                    plot.x(i),
                    (plot.top + plot.bottom) / 2,
                    "too little data",
                    TextStyle::new(SMALL - 8.0)
                        .colour(MUTED)
                        .align(Align::Centre),
                );
            }
        }
    }
}

/// A line 5 px wide through `points`, broken where a point is missing (`None`); a lone
/// point between gaps draws no line (its marker shows it).
pub(crate) fn broken_line(
    scene: &mut Scene,
    points: impl IntoIterator<Item = Option<(i32, i32)>>,
    colour: Rgb,
) {
    let mut run: Vec<(i32, i32)> = Vec::new();
    for p in points {
        match p {
            Some(p) => run.push(p),
            None => {
                if run.len() > 1 {
                    scene.line(std::mem::take(&mut run), colour, 5);
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        scene.line(run, colour, 5);
    }
}

/// The slot labels under a plot (every k-th, so they never overlap, and the last when
/// there is room), and "partial" under a partial slot.
fn slot_labels(scene: &mut Scene, plot: &Plot, slots: &[Slot]) {
    let widest = slots
        .iter()
        .map(|s| text_width(&s.label, SMALL - 6.0, false))
        .max()
        .unwrap_or(80);
    let every = ((f64::from(widest + 12) / plot.slot).ceil() as usize).max(1);
    for (i, s) in slots.iter().enumerate() {
        if i % every == 0 || i + 1 == slots.len() && (i % every) * 2 >= every {
            scene.text(
                plot.x(i),
                plot.bottom + 34,
                &s.label,
                TextStyle::new(SMALL - 6.0)
                    .colour(MUTED)
                    .align(Align::Centre),
            );
        }
        if s.partial {
            scene.text(
                plot.x(i),
                plot.bottom + 62,
                "partial",
                TextStyle::new(SMALL - 8.0)
                    .colour(MUTED)
                    .align(Align::Centre),
            );
        }
    }
}

/// One dot of a [`Scatter`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dot {
    /// Across: a count, from 0.
    pub(crate) x: f64,
    /// Up: money (0 and below sit on their own row under a log axis).
    pub(crate) y: f64,
    /// Fill.
    pub(crate) fill: Rgb,
    /// A name: the dot is larger and labelled beside it.
    pub(crate) label: Option<String>,
}

/// A scatter of dots: counts across from 0, money up, on a log axis when the money spans
/// more than two orders of magnitude.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scatter<'a> {
    /// The dots, in drawing order (the named last, so that they are on top).
    pub(crate) dots: &'a [Dot],
    /// Title of the money axis (", log scale" is added when it is one).
    pub(crate) y_axis: &'a str,
    /// Title of the count axis.
    pub(crate) x_axis: &'a str,
}

/// Height of a scatter's plot area.
const SCATTER_H: i32 = 820;

/// Draws a scatter from `y`; returns the y below it (and its axis title).
pub(crate) fn scatter(scene: &mut Scene, y: i32, o: &Scatter) -> i32 {
    let ys = MoneyAxis::of(o.dots.iter().map(|d| d.y));
    let x_max = o.dots.iter().map(|d| d.x).fold(0.0, f64::max);
    let x_ticks = ticks(x_max);
    let smax = x_ticks.last().copied().unwrap_or(1.0).max(1.0);
    let x0 = MARGIN
        + ys.ticks
            .iter()
            .map(|t| text_width(&Format::Money.show(*t), SMALL, false))
            .max()
            .unwrap_or(80)
        + 30;
    let x1 = WIDTH - MARGIN - 40;
    let top = y + 50;
    let bottom = top + SCATTER_H;
    let zero_row = bottom + 60;
    let x_of = |v: f64| x0 + ((v / smax).clamp(0.0, 1.0) * f64::from(x1 - x0)).round() as i32;
    let y_of = |v: f64| ys.y(v, (top, bottom), zero_row);
    let log_note = if ys.log { " (log scale)" } else { "" };
    scene.text(MARGIN, top - 24, &format!("{}{log_note}", o.y_axis), NOTE);
    y_grid(scene, &ys.ticks, Format::Money, (x0, x1), y_of);
    let zero_drawn = ys.log && ys.has_zero;
    if zero_drawn {
        scene.dashed((x0, zero_row), (x1, zero_row), GRID, 2);
        scene.text(x0 - 14, zero_row + 11, "£0", NOTE.align(Align::Right));
    }
    let axis_y = if zero_drawn { zero_row + 30 } else { bottom };
    for t in &x_ticks {
        scene.line(vec![(x_of(*t), top), (x_of(*t), axis_y)], GRID, 2);
        scene.text(
            x_of(*t),
            axis_y + 40,
            &Format::Number.show(*t),
            NOTE.align(Align::Centre),
        );
    }
    scene.line(vec![(x0, axis_y), (x1, axis_y)], MUTED, 2);
    scene.line(vec![(x0, top), (x0, axis_y)], MUTED, 2);
    for d in o.dots {
        let (x, yy) = (x_of(d.x), y_of(d.y));
        let r = if d.label.is_some() { 14 } else { 11 };
        scene.rect((x - r - 2, yy - r - 2), (x + r + 2, yy + r + 2), WHITE);
        scene.rect_outlined((x - r, yy - r), (x + r, yy + r), d.fill, darker(d.fill));
    }
    // Names from the top down, nudged apart vertically (a sort that keeps the dots' order
    // among equal heights).
    let mut named: Vec<(&str, i32, i32)> = o
        .dots
        .iter()
        .filter_map(|d| Some((d.label.as_deref()?, x_of(d.x), y_of(d.y))))
        .collect();
    named.sort_by_key(|(_, _, y)| *y);
    dot_labels(scene, &named, x1, axis_y);
    let y = axis_y + 40;
    scene.text(
        (x0 + x1) / 2,
        y + 48,
        o.x_axis,
        TextStyle::new(SMALL).align(Align::Centre),
    );
    y + 60
}

/// Names beside their dots, top down: left of the dot when near the right edge `x1`, each
/// below the one before and above `axis_y`.
fn dot_labels(scene: &mut Scene, named: &[(&str, i32, i32)], x1: i32, axis_y: i32) {
    let mut last = i32::MIN;
    for (name, x, yy) in named {
        // A name wraps to two lines of up to 520 px, or as wide as two lines need (up to
        // 900 px), before anything is shortened.
        let max = two_line_width(name, SMALL, true).clamp(520, 900);
        let lines = label_lines(name, SMALL, true, max);
        let w = lines
            .iter()
            .map(|l| text_width(l, SMALL, true))
            .max()
            .unwrap_or(0);
        let n = lines.len() as i32;
        let baseline = (yy + 11).max(last + 40).min(axis_y - 8 - 40 * (n - 1));
        last = baseline + 40 * (n - 1);
        let (tx, align) = if x + 24 + w > x1 {
            (x - 24, Align::Right)
        } else {
            (x + 24, Align::Left)
        };
        for (k, line) in lines.iter().enumerate() {
            scene.text(
                tx,
                baseline + 40 * k as i32,
                line,
                TextStyle::new(SMALL).bold().align(align),
            );
        }
    }
}

/// A money axis: linear from its ticks' first, or log (powers of ten) when the positive
/// values span more than two orders of magnitude; a log axis has no zero, so £0 gets a row
/// of its own.
struct MoneyAxis {
    log: bool,
    has_zero: bool,
    ticks: Vec<f64>,
}

impl MoneyAxis {
    fn of(values: impl Iterator<Item = f64> + Clone) -> MoneyAxis {
        let positive: Vec<f64> = values.clone().filter(|v| *v > 0.0).collect();
        let (lo, hi) = positive
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
        let log = !positive.is_empty() && hi / lo > 100.0;
        let ticks = if log {
            let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
            (a..=b).map(|e| 10f64.powi(e)).collect()
        } else {
            ticks(hi)
        };
        MoneyAxis {
            log,
            has_zero: values.into_iter().any(|v| v <= 0.0),
            ticks,
        }
    }

    /// The height of `v` on a plot from `top` to `bottom`; `zero_row` for £0 on a log axis.
    fn y(&self, v: f64, (top, bottom): (i32, i32), zero_row: i32) -> i32 {
        if self.log && v <= 0.0 {
            return zero_row;
        }
        let (lo, hi) = (
            self.ticks.first().copied().unwrap_or(0.0),
            self.ticks.last().copied().unwrap_or(1.0).max(1e-9),
        );
        let t = if self.log {
            (v.log10() - lo.log10()) / (hi.log10() - lo.log10())
        } else {
            (v - lo) / (hi - lo)
        };
        bottom - (t.clamp(0.0, 1.0) * f64::from(bottom - top)).round() as i32
    }
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
