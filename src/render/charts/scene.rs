//! A chart as a list of shapes in pixel coordinates, laid out once and drawn with plotters
//! onto either backend: the PNG and the SVG of a chart come from the same [`Scene`], so they
//! cannot disagree.
//!
//! Text is placed by its baseline. plotters' two backends place text differently (the bitmap
//! backend puts the baseline half a font size below the anchor; the SVG backend writes
//! `dy="0.76em"` at a font size of size ÷ 1.24), so [`Scene::svg`] scales the SVG font size
//! and rewrites the offset to match the bitmap. Widths are measured with the bundled font
//! ([`text_width`]), so labels can be fitted before drawing instead of overlapping.

use super::font;
use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::IntoDrawingArea;
use plotters::element::{PathElement, Polygon, Rectangle, Text};
use plotters::prelude::DrawingArea;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontStyle, RGBColor, ShapeStyle};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub(crate) u8, pub(crate) u8, pub(crate) u8);

impl Rgb {
    /// `#RRGGBB` → colour; grey for anything else (the palette is a set of constants, so
    /// this never happens in practice).
    pub(crate) fn hex(s: &str) -> Rgb {
        let h = s.trim_start_matches('#');
        let byte = |i: usize| {
            h.get(i..i + 2)
                .and_then(|x| u8::from_str_radix(x, 16).ok())
                .unwrap_or(0x99)
        };
        Rgb(byte(0), byte(2), byte(4))
    }

    /// This colour blended with white: `amount` 0 is the colour, 1 is white. Used instead of
    /// transparency so that the PNG and the SVG look the same.
    pub(crate) fn lighten(self, amount: f64) -> Rgb {
        let f = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * amount).round() as u8;
        Rgb(f(self.0), f(self.1), f(self.2))
    }

    /// Relative luminance (0 dark … 1 light), to choose black or white text on a fill.
    pub(crate) fn luminance(self) -> f64 {
        (0.2126 * f64::from(self.0) + 0.7152 * f64::from(self.1) + 0.0722 * f64::from(self.2))
            / 255.0
    }

    fn plotters(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// Text colour: near-black.
pub(crate) const INK: Rgb = Rgb(0x22, 0x22, 0x22);
/// Secondary text and axes.
pub(crate) const MUTED: Rgb = Rgb(0x55, 0x55, 0x55);
/// Grid lines.
pub(crate) const GRID: Rgb = Rgb(0xDD, 0xDD, 0xDD);
/// White.
pub(crate) const WHITE: Rgb = Rgb(0xFF, 0xFF, 0xFF);

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// x is the left end.
    Left,
    /// x is the middle.
    Centre,
    /// x is the right end.
    Right,
}

/// How a text is drawn: its size in pixels, weight, colour and alignment. Built from
/// [`TextStyle::new`] (regular ink, left-aligned) with the changes a text needs, so a call
/// reads `TextStyle::new(LABEL).bold().align(Align::Right)` rather than four positional
/// arguments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextStyle {
    /// Font size in pixels (raised to the print floor when drawn).
    pub(crate) size: f64,
    /// Bold or regular.
    pub(crate) bold: bool,
    /// Text colour.
    pub(crate) colour: Rgb,
    /// Which point of the text sits at the given x.
    pub(crate) align: Align,
}

impl TextStyle {
    /// Regular ink text of `size` pixels, left-aligned.
    pub(crate) const fn new(size: f64) -> Self {
        TextStyle {
            size,
            bold: false,
            colour: INK,
            align: Align::Left,
        }
    }

    /// The same, bold.
    pub(crate) const fn bold(self) -> Self {
        self.weight(true)
    }

    /// The same, bold when `bold`.
    pub(crate) const fn weight(self, bold: bool) -> Self {
        TextStyle { bold, ..self }
    }

    /// The same, in `colour`.
    pub(crate) const fn colour(self, colour: Rgb) -> Self {
        TextStyle { colour, ..self }
    }

    /// The same, aligned by `align`.
    pub(crate) const fn align(self, align: Align) -> Self {
        TextStyle { align, ..self }
    }
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// A filled rectangle, optionally outlined.
    Rect {
        /// Top-left corner.
        from: (i32, i32),
        /// Bottom-right corner.
        to: (i32, i32),
        /// Fill.
        fill: Rgb,
        /// Outline colour, if any.
        stroke: Option<Rgb>,
    },
    /// A line through points.
    Line {
        /// The points.
        points: Vec<(i32, i32)>,
        /// Colour.
        colour: Rgb,
        /// Width in pixels.
        width: u32,
    },
    /// A filled polygon.
    Polygon {
        /// The corners.
        points: Vec<(i32, i32)>,
        /// Fill.
        fill: Rgb,
        /// Opacity, 0–1 (flows in the flow chart overlap).
        opacity: f64,
    },
    /// One line of text.
    Text {
        /// x of the anchor.
        x: i32,
        /// y of the baseline.
        baseline: i32,
        /// The text.
        text: String,
        /// Font size in pixels.
        size: f64,
        /// Bold.
        bold: bool,
        /// Colour.
        colour: Rgb,
        /// Horizontal anchor.
        align: Align,
    },
}

/// A laid-out chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    /// Width in pixels.
    pub(crate) width: u32,
    /// Height in pixels.
    pub(crate) height: u32,
    /// Shapes, drawn in order.
    pub(crate) shapes: Vec<Shape>,
}

/// The smallest font size, in pixels, that prints at 8 pt when a chart `width` pixels wide
/// is printed 15 cm wide (the text width of an A4 page): a pixel is then 150 ÷ `width` mm
/// and 8 pt is 8 ÷ 72 inch = 2.822 mm, so the size is 2.822 × `width` ÷ 150 (33.9 px on the
/// 1800-pixel canvas).
pub(crate) fn min_text_px(width: u32) -> f64 {
    8.0 / 72.0 * 25.4 * f64::from(width) / 150.0
}

/// The floor every chart text is drawn and measured at: 34 px, at least
/// [`min_text_px`] of the 1800-pixel canvas every chart uses. A smaller size asked for is
/// raised to it by [`Scene::text`] and [`text_width`] alike, so text is measured at the
/// size it is drawn.
pub(crate) const MIN_TEXT: f64 = 34.0;

/// Width in pixels of `text` at `size` (raised to [`MIN_TEXT`]), in the bundled font.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> i32 {
    font::register();
    let size = size.max(MIN_TEXT);
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(font::family(), size, style)
        .box_size(text)
        .map(|(w, _)| w as i32)
        .unwrap_or_else(|_| (text.chars().count() as f64 * size * 0.6) as i32)
}

/// `text` shortened with an ellipsis to fit `max` pixels. Not for names: a name goes
/// through [`label_lines`], which wraps it to two lines first.
pub(crate) fn fit(text: &str, size: f64, bold: bool, max: i32) -> String {
    fit_with(text, max, &|s: &str| text_width(s, size, bold))
}

fn fit_with(text: &str, max: i32, measure: &dyn Fn(&str) -> i32) -> String {
    if measure(text) <= max {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let s: String = chars[..n].iter().collect::<String>().trim_end().to_owned() + "…";
        if measure(&s) <= max {
            return s;
        }
    }
    "…".into()
}

/// Splits `text` into lines of at most `max` pixels (words are not broken; a single word
/// longer than a line is shortened).
pub(crate) fn wrap(text: &str, size: f64, bold: bool, max: i32) -> Vec<String> {
    let measure = |s: &str| text_width(s, size, bold);
    wrap_with(text, max, &measure)
        .into_iter()
        .map(|l| fit_with(&l, max, &measure))
        .collect()
}

/// Greedy word wrap under any measure; lines are not shortened (a word longer than `max`
/// is a line of its own).
fn wrap_with(text: &str, max: i32, measure: &dyn Fn(&str) -> i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A name as at most two lines of at most `max` pixels: wrapped at spaces, and shortened
/// with an ellipsis only when two lines cannot hold it (then the second line is). With
/// `max` ≥ [`two_line_width`] of the name nothing is shortened.
pub(crate) fn label_lines(text: &str, size: f64, bold: bool, max: i32) -> Vec<String> {
    label_lines_with(text, max, &|s: &str| text_width(s, size, bold))
}

fn label_lines_with(text: &str, max: i32, measure: &dyn Fn(&str) -> i32) -> Vec<String> {
    let lines = wrap_with(text, max, measure);
    if lines.len() <= 2 && lines.iter().all(|l| measure(l) <= max) {
        return lines;
    }
    if lines.len() == 1 {
        return vec![fit_with(&lines[0], max, measure)];
    }
    let first = fit_with(&lines[0], max, measure);
    let rest = lines[1..].join(" ");
    vec![first, fit_with(&rest, max, measure)]
}

/// The narrowest width, in pixels, at which `text` fits on at most two lines broken at
/// spaces: the smallest, over the places it can be broken, of the wider of the two halves
/// (and the whole text's width when it is one word).
pub(crate) fn two_line_width(text: &str, size: f64, bold: bool) -> i32 {
    two_line_width_with(text, &|s: &str| text_width(s, size, bold))
}

fn two_line_width_with(text: &str, measure: &dyn Fn(&str) -> i32) -> i32 {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut best = measure(&words.join(" "));
    for k in 1..words.len() {
        let w = measure(&words[..k].join(" ")).max(measure(&words[k..].join(" ")));
        best = best.min(w);
    }
    best
}

impl Scene {
    /// An empty scene.
    pub(crate) fn new(width: u32, height: u32) -> Scene {
        Scene {
            width,
            height,
            shapes: Vec::new(),
        }
    }

    /// Adds a filled rectangle (corners in any order).
    pub(crate) fn rect(&mut self, a: (i32, i32), b: (i32, i32), fill: Rgb) {
        self.shapes.push(Shape::Rect {
            from: (a.0.min(b.0), a.1.min(b.1)),
            to: (a.0.max(b.0), a.1.max(b.1)),
            fill,
            stroke: None,
        });
    }

    /// Adds an outlined, filled rectangle.
    pub(crate) fn rect_outlined(&mut self, a: (i32, i32), b: (i32, i32), fill: Rgb, stroke: Rgb) {
        self.shapes.push(Shape::Rect {
            from: (a.0.min(b.0), a.1.min(b.1)),
            to: (a.0.max(b.0), a.1.max(b.1)),
            fill,
            stroke: Some(stroke),
        });
    }

    /// Adds a line.
    pub(crate) fn line(&mut self, points: Vec<(i32, i32)>, colour: Rgb, width: u32) {
        self.shapes.push(Shape::Line {
            points,
            colour,
            width,
        });
    }

    /// Adds a dashed straight line.
    pub(crate) fn dashed(&mut self, a: (i32, i32), b: (i32, i32), colour: Rgb, width: u32) {
        let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let len = dx.hypot(dy);
        let (dash, gap) = (18.0, 12.0);
        let mut t = 0.0;
        while t < len {
            let e = (t + dash).min(len);
            let p = |s: f64| {
                (
                    a.0 + (dx * s / len).round() as i32,
                    a.1 + (dy * s / len).round() as i32,
                )
            };
            self.line(vec![p(t), p(e)], colour, width);
            t = e + gap;
        }
    }

    /// Adds a filled polygon.
    pub(crate) fn polygon(&mut self, points: Vec<(i32, i32)>, fill: Rgb) {
        self.shapes.push(Shape::Polygon {
            points,
            fill,
            opacity: 1.0,
        });
    }

    /// Adds a see-through filled polygon.
    pub(crate) fn translucent(&mut self, points: Vec<(i32, i32)>, fill: Rgb, opacity: f64) {
        self.shapes.push(Shape::Polygon {
            points,
            fill,
            opacity,
        });
    }

    /// Adds a line of text at a baseline, drawn in `style`.
    pub(crate) fn text(&mut self, x: i32, baseline: i32, text: &str, style: TextStyle) {
        let TextStyle {
            size,
            bold,
            colour,
            align,
        } = style;
        if text.is_empty() {
            return;
        }
        // Raised to the print floor (see [`MIN_TEXT`]); `text_width` measures at the same size.
        let size = size.max(MIN_TEXT).max(min_text_px(self.width));
        self.shapes.push(Shape::Text {
            x,
            baseline,
            // Characters XML 1.0 forbids (C0 controls but tab, LF, CR) would make the SVG
            // unreadable, even escaped: every chart text goes through the one rule.
            text: crate::present::xml_text(text).into_owned(),
            size,
            bold,
            colour,
            align,
        });
    }

    /// The smallest font size of any text drawn, in pixels (`None` without text): the
    /// tests' check that no chart text falls below the minimum.
    #[cfg(test)]
    pub(crate) fn min_text_size(&self) -> Option<f64> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { size, .. } => Some(*size),
                _ => None,
            })
            .reduce(f64::min)
    }

    /// The scene as PNG bytes (8-bit RGB).
    pub fn png(&self) -> Result<Vec<u8>, String> {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut buf = vec![0xFFu8; w * h * 3];
        {
            let root =
                BitMapBackend::with_buffer(&mut buf, (self.width, self.height)).into_drawing_area();
            self.draw(&root, 1.0)?;
        }
        Ok(super::png::encode(self.width, self.height, &buf))
    }

    /// The scene as an SVG document.
    pub fn svg(&self) -> Result<String, String> {
        let mut s = String::new();
        {
            let root =
                SVGBackend::with_string(&mut s, (self.width, self.height)).into_drawing_area();
            self.draw(&root, SVG_FONT_SCALE)?;
        }
        // See the module doc: put the SVG baseline where the bitmap backend puts it, and name
        // fallbacks for viewers without DejaVu Sans.
        Ok(
            s.replace("dy=\"0.76em\"", &format!("dy=\"{SVG_BASELINE_EM}em\""))
                .replace(
                    &format!("font-family=\"{}\"", font::FAMILY),
                    "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\"",
                ),
        )
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        font_scale: f64,
    ) -> Result<(), String> {
        font::register();
        let err = |e: plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
        root.fill(&WHITE.plotters()).map_err(err)?;
        for shape in &self.shapes {
            match shape {
                Shape::Rect {
                    from,
                    to,
                    fill,
                    stroke,
                } => {
                    root.draw(&Rectangle::new([*from, *to], fill.plotters().filled()))
                        .map_err(err)?;
                    if let Some(s) = stroke {
                        root.draw(&Rectangle::new(
                            [*from, *to],
                            ShapeStyle::from(s.plotters()).stroke_width(2),
                        ))
                        .map_err(err)?;
                    }
                }
                Shape::Line {
                    points,
                    colour,
                    width,
                } => {
                    root.draw(&PathElement::new(
                        points.clone(),
                        colour.plotters().stroke_width(*width),
                    ))
                    .map_err(err)?;
                }
                Shape::Polygon {
                    points,
                    fill,
                    opacity,
                } => {
                    root.draw(&Polygon::new(
                        points.clone(),
                        fill.plotters().mix(*opacity).filled(),
                    ))
                    .map_err(err)?;
                }
                Shape::Text {
                    x,
                    baseline,
                    text,
                    size,
                    bold,
                    colour,
                    align,
                } => {
                    let weight = if *bold {
                        FontStyle::Bold
                    } else {
                        FontStyle::Normal
                    };
                    let h = match align {
                        Align::Left => HPos::Left,
                        Align::Centre => HPos::Center,
                        Align::Right => HPos::Right,
                    };
                    let ink = colour.plotters();
                    let style = plotters::style::TextStyle::from(FontDesc::new(
                        font::family(),
                        size * font_scale,
                        weight,
                    ))
                    .color(&ink)
                    .pos(Pos::new(h, VPos::Top));
                    let top = baseline - (size / 2.0).round() as i32;
                    root.draw(&Text::new(text.as_str(), (*x, top), style))
                        .map_err(err)?;
                }
            }
        }
        root.present().map_err(err)
    }
}

/// The SVG backend writes font-size = size ÷ 1.24, while ab_glyph scales DejaVu Sans so
/// that ascent + descent (1.164 em) = size: the SVG font is drawn larger by 1.24 ÷ 1.164.
const SVG_FONT_SCALE: f64 = 1.24 / 1.164;
/// The bitmap baseline is size ÷ 2 below the anchor; in SVG ems at the scaled font size
/// that is 0.5 × 1.164 = 0.582 em.
const SVG_BASELINE_EM: f64 = 0.582;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_lighten_towards_white() {
        assert_eq!(Rgb::hex("#0072B2"), Rgb(0, 0x72, 0xB2));
        assert_eq!(Rgb(0, 0, 0).lighten(1.0), WHITE);
        assert_eq!(Rgb(100, 100, 100).lighten(0.0), Rgb(100, 100, 100));
        assert_eq!(Rgb::hex("nonsense"), Rgb(0x99, 0x99, 0x99));
    }

    #[test]
    fn text_is_measured_fitted_and_wrapped() {
        let w = text_width("Northbridge", 40.0, false);
        assert!(w > 150 && w < 400, "{w}");
        assert!(text_width("Northbridge", 40.0, true) >= w);
        let short = fit("Northbridge Borough Council", 40.0, false, 300);
        assert!(short.ends_with('…') && text_width(&short, 40.0, false) <= 300);
        let lines = wrap("one two three four five six seven", 40.0, false, 300);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 40.0, false) <= 300));
    }

    /// A monospace measure for hand-worked widths: 10 px a character.
    fn mono(s: &str) -> i32 {
        10 * s.chars().count() as i32
    }

    #[test]
    fn wrapping_by_hand() {
        // "NHS Northbridge Integrated Care Board" is 37 characters = 370 px.
        let name = "NHS Northbridge Integrated Care Board";
        // Break points: "NHS" 30 | 330; "NHS Northbridge" 150 | "Integrated Care Board" 210;
        // "NHS Northbridge Integrated" 260 | "Care Board" 100; "… Care" 310 | "Board" 50.
        // Narrowest two-line width: min(370, 330, 210, 260, 310) = 210.
        assert_eq!(two_line_width_with(name, &mono), 210);
        // At 210 px greedy wrap: "NHS Northbridge" (150; adding " Integrated" = 260 > 210),
        // then "Integrated Care Board" (210 ≤ 210): two lines, nothing shortened.
        assert_eq!(
            label_lines_with(name, 210, &mono),
            vec!["NHS Northbridge", "Integrated Care Board"]
        );
        // At 370 px it is one line.
        assert_eq!(label_lines_with(name, 370, &mono), vec![name]);
        // At 200 px: three lines by greedy wrap ("NHS Northbridge" | "Integrated Care" 150 |
        // "Board"), so the second line takes the rest, "Integrated Care Board" (210 > 200),
        // shortened: "Integrated Care Boar…" is 21 chars = 210 > 200, "Integrated Care Boa…"
        // 200 ≤ 200.
        assert_eq!(
            label_lines_with(name, 200, &mono),
            vec!["NHS Northbridge", "Integrated Care Boa…"]
        );
        // One word: its own width (11 chars = 110); shortened only past it.
        assert_eq!(two_line_width_with("Northbridge", &mono), 110);
        assert_eq!(
            label_lines_with("Northbridge", 100, &mono),
            vec!["Northbrid…"]
        );
        // A 60-character name of 6 words of 9 letters (9 × 6 + 5 spaces = 59, plus one
        // letter): the middle break gives 29 | 30 characters → 300 px.
        let sixty = "Aaaaaaaaa Bbbbbbbbb Ccccccccc Ddddddddd Eeeeeeeee Fffffffffx";
        assert_eq!(sixty.chars().count(), 60);
        assert_eq!(two_line_width_with(sixty, &mono), 300);
        assert_eq!(label_lines_with(sixty, 300, &mono).concat().len(), 59);
    }

    #[test]
    fn text_is_raised_to_the_print_floor() {
        // 1800 px at 15 cm: 2.8222 mm × 1800 ÷ 150 = 33.87 px.
        assert!((min_text_px(1800) - 33.867).abs() < 0.001);
        assert!(MIN_TEXT >= min_text_px(1800));
        let mut s = Scene::new(1800, 100);
        s.text(10, 50, "small", TextStyle::new(20.0));
        s.text(10, 90, "big", TextStyle::new(40.0));
        assert_eq!(s.min_text_size(), Some(MIN_TEXT));
        assert_eq!(
            text_width("small", 20.0, false),
            text_width("small", MIN_TEXT, false)
        );
    }

    #[test]
    fn a_scene_draws_to_both_backends() {
        let mut s = Scene::new(200, 100);
        s.rect((10, 10), (60, 60), Rgb::hex("#009E73"));
        s.text(
            100,
            50,
            "£1.2m <&>",
            TextStyle::new(20.0).align(Align::Centre),
        );
        let svg = s.svg().expect("svg");
        assert!(svg.contains("&lt;&amp;&gt;") && svg.contains("DejaVu Sans"));
        let png = s.png().expect("png");
        assert_eq!(&png[1..4], b"PNG");
    }
}
