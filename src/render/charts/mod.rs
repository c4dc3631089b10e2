//! Board-ready charts (PNG and SVG), every one drawn from [`Findings`] alone: a chart never
//! recomputes a measure from the dataset, so a bar in a chart is a number in findings.json.
//!
//! Each chart is laid out once as a `Scene` and drawn with plotters onto both backends,
//! with the bundled DejaVu Sans font, so output is byte-identical on any machine. Each has a
//! title that states the finding, a subtitle saying what is measured and how, axis labels
//! with units, £ written as £1.2m / £35k, and the Okabe–Ito sector colours of
//! `crate::graph::colour` (the one palette definition, shared with the graph exports).
//! Beside each chart, its data as CSV so an analyst can redraw it.
//!
//! Bounded cost at national scale: bar charts show the top `TOP_N` and one "others" bar,
//! the Lorenz curve is sampled at no more than `lorenz::MAX_POINTS` points, the flow chart
//! names at most `views::MAX_INTERMEDIARIES` intermediaries, and partnership charts show at
//! most `partnership::MAX_PARTNERSHIPS` partnerships and `partnership::MAX_MEMBERS`
//! members each; the lens charts show at most `TOP_N` funders and 12 partnerships, the
//! trend chart at most 6 partnership panels. A chart with nothing to show is skipped with a
//! reason (for the report), never drawn as an empty frame.

pub(crate) mod compare;
mod concentration;
mod equity;
mod flows;
pub(crate) mod font;
mod funding;
mod layout;
mod lorenz;
mod partnership;
pub(crate) mod payments;
pub(crate) mod png;
pub(crate) mod scene;
mod trends;

use crate::error::Error;
use crate::findings::{Findings, FunderRow};
use crate::model::Sector;
use crate::table::Table;
use scene::{Rgb, Scene};

/// Bars shown before the rest are summed into one "others" bar.
pub(crate) const TOP_N: usize = 15;

/// The report section a chart belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Section {
    /// Where the money goes.
    Money,
    /// How concentrated it is.
    Concentration,
    /// Money flows through intermediaries.
    Flows,
    /// Funding ending soon.
    Cliff,
    /// Partnerships: defaulting, participation, balance of power.
    Partnerships,
    /// The equity lenses: usual suspects, Led By groups, paid attendance, funding
    /// practice, community burden.
    Equity,
    /// Headline figures per financial year.
    Trends,
}

/// One chart: its scene, the words around it, and its data.
pub struct Chart {
    /// File stem under `charts/` (ASCII letters, digits, `_` and `-`).
    pub name: String,
    /// The report section.
    pub(crate) section: Section,
    /// A short name for the chart (a heading in the report).
    pub(crate) label: String,
    /// The title: the finding, in words.
    pub title: String,
    /// Alt text: what the chart shows, with its main figures.
    pub(crate) alt: String,
    /// The laid-out chart.
    pub scene: Scene,
    /// The chart's data (written as `NAME.csv`).
    pub(crate) data: Table,
    /// The columns of `data` the report shows, in order.
    pub(crate) columns: Vec<Column>,
}

/// A column of a chart's data as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    /// Key in the flattened data row.
    pub(crate) key: &'static str,
    /// Heading in the report.
    pub(crate) heading: &'static str,
    /// How values are written.
    pub(crate) kind: Kind,
}

/// How a column's values are written in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// As is.
    Text,
    /// £1.2m / £35k.
    Money,
    /// 46%.
    Percent,
    /// 1,234.
    Number,
    /// 12.5.
    Hours,
}

/// What a chart says around its drawing, as one value: its name and section, the words
/// (label, title, subtitle, alt text) and the columns of its data the report shows. The
/// drawing goes between [`Spec::begin`] (the title and subtitle) and [`Spec::finish`] (the
/// source line, and the chart with its data rows).
pub(crate) struct Spec {
    /// File stem under `charts/`.
    pub(crate) name: String,
    /// The report section.
    pub(crate) section: Section,
    /// A short name for the chart (a heading in the report).
    pub(crate) label: String,
    /// The title: the finding, in words.
    pub(crate) title: String,
    /// What is measured and how.
    pub(crate) subtitle: String,
    /// Alt text: what the chart shows, with its main figures.
    pub(crate) alt: String,
    /// The columns of the data the report shows, in order.
    pub(crate) columns: Vec<Column>,
}

impl Spec {
    /// A canvas with the title and subtitle drawn; the y below them.
    pub(crate) fn begin(&self) -> (Scene, i32) {
        let mut scene = Scene::new(layout::WIDTH as u32, 0);
        let y = layout::header(&mut scene, &self.title, &self.subtitle);
        (scene, y)
    }

    /// The whole chart: title and subtitle, the `legend` (none when empty), the drawing
    /// `body` draws from the y it is given (returning the y below it), the source line, and
    /// `rows` as its data.
    pub(crate) fn chart<T: serde::Serialize>(
        self,
        f: &Findings,
        legend: &[(String, Rgb)],
        body: impl FnOnce(&mut Scene, i32) -> i32,
        rows: &[T],
    ) -> Result<Built, Error> {
        let (mut scene, y) = self.begin();
        let y = layout::legend(&mut scene, y, legend);
        let y = body(&mut scene, y);
        self.finish(f, scene, y, rows)
    }

    /// The source line at `y` under the drawing, and the chart with `rows` as its data.
    pub(crate) fn finish<T: serde::Serialize>(
        self,
        f: &Findings,
        scene: Scene,
        y: i32,
        rows: &[T],
    ) -> Result<Built, Error> {
        let data = table(f, rows)?;
        Ok(Built::Chart(self.into_chart(scene, y, &source(f), data)))
    }

    /// The `source` line at `y` under the drawing, and the chart with `data`.
    pub(crate) fn into_chart(self, mut scene: Scene, y: i32, source: &str, data: Table) -> Chart {
        layout::footer(&mut scene, y, source);
        Chart {
            name: self.name,
            section: self.section,
            label: self.label,
            title: self.title,
            alt: self.alt,
            scene,
            data,
            columns: self.columns,
        }
    }
}

/// A report column.
pub(crate) const fn col(key: &'static str, heading: &'static str, kind: Kind) -> Column {
    Column { key, heading, kind }
}

/// A chart that was not drawn, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedChart {
    /// Which chart.
    pub name: String,
    /// The report section.
    pub(crate) section: Section,
    /// Why, in words.
    pub reason: String,
}

/// Every chart the findings allow, and the ones skipped.
pub struct Charts {
    /// Drawn charts, in report order.
    pub charts: Vec<Chart>,
    /// Skipped charts, in report order.
    pub skipped: Vec<SkippedChart>,
}

/// Which chart files `analyse` writes (`--charts`). The report always has its charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartFiles {
    /// No files under `charts/`.
    None,
    /// PNG only (and the CSV data).
    Png,
    /// SVG only (and the CSV data).
    Svg,
    /// PNG and SVG (and the CSV data).
    #[default]
    All,
}

impl ChartFiles {
    /// Writes PNG files.
    pub(crate) fn png(self) -> bool {
        matches!(self, ChartFiles::Png | ChartFiles::All)
    }

    /// Writes SVG files.
    pub(crate) fn svg(self) -> bool {
        matches!(self, ChartFiles::Svg | ChartFiles::All)
    }
}

/// Outcome of one chart builder.
pub(crate) enum Built {
    /// Drawn.
    Chart(Chart),
    /// Nothing to show.
    Skipped(SkippedChart),
}

pub(crate) fn skip(name: &str, section: Section, reason: impl Into<String>) -> Built {
    Built::Skipped(SkippedChart {
        name: name.to_owned(),
        section,
        reason: reason.into(),
    })
}

/// Lays out every chart the findings allow (nothing is drawn to pixels yet).
pub fn charts(f: &Findings) -> Result<Charts, Error> {
    let mut built: Vec<Built> = vec![
        funding::by_sector(f)?,
        funding::by_funder(f)?,
        funding::top_recipients(f)?,
        lorenz::lorenz(f)?,
        concentration::funder_hhi(f)?,
        flows::flows(f)?,
        funding::cliff(f)?,
        partnership::defaulting(f)?,
        partnership::hours(f)?,
        partnership::attendance(f)?,
        payments::payments(f)?,
    ];
    built.extend(partnership::balance(f)?);
    built.extend([
        equity::practice(f)?,
        equity::groups(f)?,
        equity::usual_suspects(f)?,
        equity::covered(f)?,
        equity::burden(f)?,
        trends::trends(f)?,
    ]);
    let mut out = Charts {
        charts: Vec::new(),
        skipped: Vec::new(),
    };
    for b in built {
        match b {
            Built::Chart(c) => out.charts.push(c),
            Built::Skipped(s) => out.skipped.push(s),
        }
    }
    Ok(out)
}

/// A legend of the sectors in `sectors`, each once, in sector order.
pub(crate) fn sector_legend(sectors: impl IntoIterator<Item = Sector>) -> Vec<(String, Rgb)> {
    let set: std::collections::BTreeSet<Sector> = sectors.into_iter().collect();
    set.into_iter()
        .map(|s| (sector_name(s).to_owned(), sector_colour(s)))
        .collect()
}

/// The funders that `keep` keeps, most money first (then by identifier).
pub(crate) fn funders_by_money(f: &Findings, keep: impl Fn(&FunderRow) -> bool) -> Vec<&FunderRow> {
    let mut funders: Vec<&FunderRow> = f.funders.iter().filter(|x| keep(x)).collect();
    funders.sort_by(|a, b| {
        b.concentration
            .total
            .total_cmp(&a.concentration.total)
            .then(a.id.cmp(&b.id))
    });
    funders
}

/// The fill colour of a sector, from the one Okabe–Ito palette definition.
pub(crate) fn sector_colour(s: Sector) -> Rgb {
    Rgb::hex(crate::present::sector_colour(s))
}

// Sector names are words, kept in `present`; their chart paths keep working.
pub(crate) use crate::present::{sector_name, sector_phrase};

/// The source line under every chart.
pub(crate) fn source(f: &Findings) -> String {
    let window = match (f.window.from, f.window.to) {
        (Some(a), Some(b)) => format!("grants awarded {a} to {b}"),
        (Some(a), None) => format!("grants awarded from {a}"),
        (None, Some(b)) => format!("grants awarded up to {b}"),
        (None, None) => "all grants in the data".to_owned(),
    };
    let public = if f.disclosure.public {
        " Counts of people under 8 suppressed."
    } else {
        ""
    };
    format!(
        "Source: fundflow analysis of 360Giving data ({window}); as of {}.{public}",
        f.as_of
    )
}

/// A file stem from an identifier: letters, digits, `-` and `_` kept, anything else `_`.
pub(crate) fn file_stem(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// At most this many bytes of an identifier go into a chart's file name (with `balance_`,
/// `-`, the hash and `.png` the name stays near 110 bytes, well under the 255 allowed).
pub(crate) const STEM_BYTES: usize = 80;

/// Distinct, bounded file stems for `ids`, in their order. Each is the id's [`file_stem`];
/// when that is longer than [`STEM_BYTES`], or another id has the same stem (`P_1` and
/// `P 1`), it is cut to [`STEM_BYTES`] and followed by `-` and 16 hex digits of a hash of the
/// whole id (FNV-1a, 64 bits: the same on every machine and run). An id that is its own stem
/// keeps it plain, so ids that were already safe keep their file names. Should two stems
/// still meet (an id crafted to look like another's hashed stem), the later gets `-2`, `-3`….
pub(crate) fn file_stems(ids: &[&str]) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let plain: Vec<String> = ids.iter().map(|id| file_stem(id)).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in &plain {
        *count.entry(s.as_str()).or_default() += 1;
    }
    let mut seen: HashSet<String> = HashSet::new();
    ids.iter()
        .zip(&plain)
        .map(|(id, stem)| {
            let clash = count.get(stem.as_str()).is_some_and(|n| *n > 1) && stem != id;
            let mut name = if stem.len() > STEM_BYTES || clash {
                // file_stem's output is ASCII: any byte is a character boundary.
                format!("{}-{:016x}", &stem[..stem.len().min(STEM_BYTES)], fnv1a(id))
            } else {
                stem.clone()
            };
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{name}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The 64-bit FNV-1a hash of `s` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

pub(crate) fn table<T: serde::Serialize>(f: &Findings, rows: &[T]) -> Result<Table, Error> {
    Table::from_rows(f.disclosure.public, "chart", rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("P1"), "P1");
        assert_eq!(file_stem("../a b/é"), "___a_b__");
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite: "" → the offset basis, "a" → af63dc4c8601ec8c.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn file_stems_are_distinct_and_bounded() {
        let long = "x".repeat(300);
        let ids = ["P_1", "P 1", "P.1", "P2", long.as_str()];
        let stems = file_stems(&ids);
        // P_1 is its own stem and keeps it; P 1 and P.1 share it and get hashes.
        assert_eq!(stems[0], "P_1");
        assert_eq!(stems[1], format!("P_1-{:016x}", fnv1a("P 1")));
        assert_eq!(stems[2], format!("P_1-{:016x}", fnv1a("P.1")));
        assert_eq!(stems[3], "P2");
        // 80 bytes of the id, "-", 16 hex digits: 97.
        assert_eq!(stems[4].len(), STEM_BYTES + 17);
        assert!(stems[4].starts_with(&"x".repeat(80)));
        // Deterministic, and distinct even for an id made to look like a hashed stem.
        assert_eq!(file_stems(&ids), stems);
        let crafted = stems[1].clone();
        let again = file_stems(&["P_1", "P 1", crafted.as_str()]);
        assert_eq!(again[1], crafted);
        assert_eq!(again[2], format!("{crafted}-2"));
    }

    proptest::proptest! {
        /// Whatever the ids (unique, as partnerships.csv requires): distinct names, each
        /// within STEM_BYTES + 17 bytes plus a counter that only a crafted id needs, and the
        /// same names on every call.
        #[test]
        fn file_stems_never_collide(ids in proptest::collection::btree_set("[ _.a-zA-Z0-9é/-]{0,120}", 0..12)) {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let stems = file_stems(&ids);
            let distinct: std::collections::BTreeSet<&String> = stems.iter().collect();
            proptest::prop_assert_eq!(distinct.len(), ids.len());
            for s in &stems {
                proptest::prop_assert!(s.len() <= STEM_BYTES + 17 + 3, "{}", s);
                proptest::prop_assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            }
            proptest::prop_assert_eq!(file_stems(&ids), stems);
        }
    }

    /// Random small grant files: every chart lays out inside its canvas and draws as SVG,
    /// whatever the data (one grant, zero amounts, one funder, many recipients).
    mod random {
        use super::super::*;
        use crate::findings::{analyse, AnalyseOptions};
        use crate::load::{load_inputs, Inputs, LoadOptions};
        use proptest::prelude::*;

        fn findings(grants: &[(u8, u8, u16, u16)]) -> Option<Findings> {
            let mut text = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n");
            for (i, (f, r, pounds, day)) in grants.iter().enumerate() {
                let date = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)?
                    .checked_add_days(chrono::Days::new(u64::from(*day)))?;
                text.push_str(&format!(
                    "G{i},{pounds},{date},GB-LAE-F{},Funder {f} with a long name,GB-CHC-{r},Recipient {r}\n",
                    f % 20
                ));
            }
            let inputs = Inputs::grants_csv(text);
            let d = load_inputs(&inputs, &LoadOptions::default()).ok()?;
            Some(analyse(&d, &AnalyseOptions::default()))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]
            #[test]
            fn charts_stay_inside_their_canvas(
                grants in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u16..5_000, 0u16..1_500), 1..40),
            ) {
                let f = findings(&grants).ok_or_else(|| TestCaseError::fail("the grants did not load"))?;
                let all = charts(&f).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(!all.charts.is_empty() || f.totals.amount == 0.0);
                for c in &all.charts {
                    let (w, h) = (c.scene.width as i32, c.scene.height as i32);
                    prop_assert!(w >= 1600 && h >= 400, "{}: {w}×{h}", c.name);
                    for s in &c.scene.shapes {
                        let points: Vec<(i32, i32)> = match s {
                            scene::Shape::Rect { from, to, .. } => vec![*from, *to],
                            scene::Shape::Line { points, .. } | scene::Shape::Polygon { points, .. } => points.clone(),
                            scene::Shape::Text { x, baseline, .. } => vec![(*x, *baseline)],
                        };
                        for (x, y) in points {
                            prop_assert!((0..=w).contains(&x) && (0..=h).contains(&y), "{}: ({x}, {y}) outside {w}×{h}", c.name);
                        }
                    }
                    prop_assert!(c.scene.svg().is_ok());
                }
            }
        }
    }

    #[test]
    fn sector_colours_come_from_the_graph_palette() {
        assert_eq!(sector_colour(Sector::Statutory), Rgb(0x00, 0x72, 0xB2));
        assert_eq!(sector_colour(Sector::Vcse), Rgb(0x00, 0xA6, 0x7A));
    }

    #[test]
    fn sector_colours_differ_in_greyscale() {
        // Relative luminance (0.2126 R + 0.7152 G + 0.0722 B) / 255, by hand:
        // individual #882255: (28.9 + 24.3 + 6.1) / 255 = 0.233;
        // statutory #0072B2: (0 + 81.5 + 12.9) / 255 = 0.370;
        // VCSE #00A67A: (0 + 118.7 + 8.8) / 255 = 0.500;
        // private #E69F00: (48.9 + 113.7 + 0) / 255 = 0.638;
        // unknown #C4C4C4: 196 / 255 = 0.769.
        // Every pair at least 0.12 apart, so a black-and-white print keeps them apart.
        let all = [
            Sector::Individual,
            Sector::Statutory,
            Sector::Vcse,
            Sector::Private,
            Sector::Unknown,
        ];
        let l: Vec<f64> = all.iter().map(|s| sector_colour(*s).luminance()).collect();
        for (want, got) in [0.233, 0.370, 0.500, 0.638, 0.769].iter().zip(&l) {
            assert!((want - got).abs() < 0.001, "{want} vs {got}");
        }
        for i in 0..l.len() {
            for j in i + 1..l.len() {
                assert!((l[i] - l[j]).abs() >= 0.12, "{:?} {:?}", all[i], all[j]);
            }
        }
    }
}
