//! `fundflow synth`: a reproducible generator of realistic datasets of any size, for tests,
//! demonstrations and the benchmark (`scripts/bench.sh`).
//!
//! Everything is invented: organisations, names, people and amounts. Identifier *prefixes*
//! (`GB-LAE`, `GB-NHS`, `GB-GOR`, `GB-EDU`, `GB-CHC`, `GB-SC`, `GB-COH`, `360G-`) are real
//! org-id schemes so that sector inference runs as on real files; the codes after them are
//! not real.
//!
//! # What it makes, from N grants
//! | file | rows |
//! |---|---|
//! | grants.csv | N |
//! | organisations.csv | max(50, N / 20) organisations, every one listed |
//! | partnerships.csv | max(1, N / 500) |
//! | meetings.csv | about N / 19 (as many as the attendance rows need) |
//! | attendance.csv | N |
//! | payments.csv | N / 5 |
//!
//! `local` is 5,000 grants, `region` 100,000 and `national` 1,000,000 (50,000 organisations,
//! 2,000 partnerships, 1,000,000 attendance rows, 200,000 payments).
//!
//! The shape follows the built-in example and the published 360Giving files: funders' sizes
//! are Zipf-distributed (a handful of national funders make most grants); amounts are
//! log-normal around each funder's typical grant with a Pareto tail; recipients of every
//! sector (statutory, VCSE, private, individuals via `Recipient Ind:Identifier`, and
//! unregistered groups whose sector stays unknown), drawn by a heavy-tailed popularity so
//! that many are multi-funded; local funders mostly fund in their own area; community
//! foundations regrant money they receive under the same programme title; planned dates and
//! durations, some missing. Partnerships have a fundholder that received programme money and
//! passed some of it on to members, a meeting schedule with hosts and chairs leaning to the
//! fundholder, attendance by statutory, VCSE and community members with apologies and
//! absences, and payments (involvement, expenses, honoraria and backfill) in some
//! partnerships.
//!
//! # Reproducibility
//! The same seed and scale give byte-identical files on every platform. Random numbers come
//! from PCG64 (`rand_pcg::Pcg64`, documented by its authors as portable), one stream per
//! stage seeded from the seed, so adding rows to one file does not shift another. Integer
//! draws use `rand`'s portable uniform sampling; the log-normal and Pareto draws use the
//! pure-Rust `libm` (a port of musl's), not the platform's maths library, whose `ln`/`exp`
//! are not guaranteed to round identically everywhere. Amounts are rounded to whole pounds.
//! A test (`tests/cli/synth.rs`, `the_stream_is_pinned`) fingerprints a small dataset, so a
//! change to the stream, on any platform or after a dependency update, fails loudly; the
//! versions of `rand`, `rand_pcg` and `libm` are held by Cargo.lock.
//!
//! # Memory and speed
//! Rows are streamed to buffered writers as they are made: only the organisations (50,000 at
//! national scale), the partnership plans and one partnership's meetings at a time are held.
//! The national preset writes about 300 MB in about four seconds.

use crate::error::Error;
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 20_261_123;

/// The smallest scale: below this a dataset cannot hold a partnership with its programme
/// money, a regranting community foundation and ordinary grants.
pub(crate) const MIN_GRANTS: u64 = 100;

/// The largest scale accepted (ten times the national preset).
pub(crate) const MAX_GRANTS: u64 = 10_000_000;

/// How big a dataset to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Number of grants; every other count follows from it.
    pub(crate) grants: u64,
}

impl Scale {
    /// `local` (5,000 grants), `region` (100,000), `national` (1,000,000), or a number of
    /// grants (`_` and `,` allowed as separators).
    pub fn parse(raw: &str) -> Result<Scale, String> {
        let grants = match raw.trim().to_ascii_lowercase().as_str() {
            "local" => 5_000,
            "region" => 100_000,
            "national" => 1_000_000,
            other => {
                let digits: String = other.chars().filter(|c| !matches!(c, '_' | ',')).collect();
                digits.parse::<u64>().map_err(|_| {
                    format!(
                        "`{raw}` is not a scale: use local, region, national or a number of grants"
                    )
                })?
            }
        };
        if !(MIN_GRANTS..=MAX_GRANTS).contains(&grants) {
            return Err(format!(
                "--scale {grants}: use between {MIN_GRANTS} and {MAX_GRANTS} grants"
            ));
        }
        Ok(Scale { grants })
    }

    /// The row counts this scale asks for.
    pub(crate) fn plan(self) -> Plan {
        let n = self.grants;
        let organisations = (n / 20).max(50);
        Plan {
            grants: n,
            organisations,
            funders: (organisations / 25).max(5),
            areas: (organisations / 500).max(4),
            partnerships: (n / 500).max(1),
            attendance: n,
            payments: n / 5,
        }
    }
}

/// Row counts of a synthetic dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Plan {
    /// grants.csv rows.
    pub(crate) grants: u64,
    /// organisations.csv rows (funders included; individuals are not organisations).
    pub(crate) organisations: u64,
    /// How many of the organisations give grants.
    pub(crate) funders: u64,
    /// Areas (`Area`, `Beneficiary Location:Name`).
    pub(crate) areas: u64,
    /// partnerships.csv rows.
    pub(crate) partnerships: u64,
    /// attendance.csv rows.
    pub(crate) attendance: u64,
    /// payments.csv rows.
    pub(crate) payments: u64,
}

/// What was written: rows per file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The seed.
    pub seed: u64,
    /// The number of grants asked for.
    pub(crate) scale: u64,
    /// grants.csv rows.
    pub grants: u64,
    /// organisations.csv rows.
    pub organisations: u64,
    /// partnerships.csv rows.
    pub partnerships: u64,
    /// meetings.csv rows.
    pub meetings: u64,
    /// attendance.csv rows.
    pub attendance: u64,
    /// payments.csv rows.
    pub payments: u64,
}

/// Writes a synthetic dataset into `out`, atomically: into a staging folder beside it, put
/// in place at the end ([`crate::output`]). An existing `out` is replaced only when it is
/// empty or was written by `synth` and holds nothing else (its manifest says so).
pub fn generate(scale: Scale, seed: u64, out: &Path) -> Result<Summary, Error> {
    generate_as(scale, seed, DatasetFormat::Csv, out)
}

/// The files `synth` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatasetFormat {
    /// `grants.csv`, `organisations.csv`, ...
    #[default]
    Csv,
    /// `grants.parquet`, `organisations.parquet`, ...: every column a string column holding
    /// exactly the CSV's cells (an empty cell is null), so both analyse alike.
    Parquet,
}

/// [`generate`], writing the dataset as `format`.
pub fn generate_as(
    scale: Scale,
    seed: u64,
    format: DatasetFormat,
    out: &Path,
) -> Result<Summary, Error> {
    let mut summary = None;
    crate::output::write_folder(out, "synth", &[], |dir| {
        summary = Some(write_dataset(scale, seed, format, dir)?);
        Ok(())
    })?;
    summary.ok_or_else(|| Error::Internal("synth wrote no summary".into()))
}

/// The data period: four UK financial years, 2021-22 to 2024-25.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 4, 1).unwrap_or_default()
}
const PERIOD_DAYS: u64 = 1461; // 2021-04-01 ..= 2025-03-31

fn write_dataset(
    scale: Scale,
    seed: u64,
    format: DatasetFormat,
    dir: &Path,
) -> Result<Summary, Error> {
    let plan = scale.plan();
    let world = World::new(&plan, seed);
    let partnerships = plan_partnerships(&world, &plan, seed);

    let mut summary = Summary {
        seed,
        scale: scale.grants,
        grants: 0,
        organisations: 0,
        partnerships: 0,
        meetings: 0,
        attendance: 0,
        payments: 0,
    };
    summary.grants = write_grants(&world, &partnerships, &plan, seed, dir)?;
    summary.organisations = write_organisations(&world, dir)?;
    summary.partnerships = write_partnerships(&world, &partnerships, dir)?;
    let (meetings, attendance, payments) =
        write_partnership_work(&world, &partnerships, &plan, seed, dir)?;
    summary.meetings = meetings;
    summary.attendance = attendance;
    summary.payments = payments;

    let ext = match format {
        DatasetFormat::Csv => "csv",
        DatasetFormat::Parquet => {
            for stem in FILES {
                csv_to_parquet(dir, stem)?;
            }
            "parquet"
        }
    };
    let rows: serde_json::Map<String, serde_json::Value> = FILES
        .iter()
        .zip([
            summary.grants,
            summary.organisations,
            summary.partnerships,
            summary.meetings,
            summary.attendance,
            summary.payments,
        ])
        .map(|(stem, n)| (format!("{stem}.{ext}"), n.into()))
        .collect();
    let manifest = serde_json::json!({
        "generator": "fundflow synth",
        "fundflow_version": env!("CARGO_PKG_VERSION"),
        "seed": seed,
        "scale": scale.grants,
        "rows": rows,
    });
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("synth.json: {e}")))?;
    let path = dir.join("synth.json");
    std::fs::write(&path, format!("{text}\n")).map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })?;
    Ok(summary)
}

/// The files of a dataset, in the manifest's order.
const FILES: [&str; 6] = [
    "grants",
    "organisations",
    "partnerships",
    "meetings",
    "attendance",
    "payments",
];

/// Rewrites `dir/stem.csv` as `dir/stem.parquet`, every column read as text (so each cell
/// is the CSV's, an empty one null), and removes the CSV.
fn csv_to_parquet(dir: &Path, stem: &str) -> Result<(), Error> {
    use polars::prelude::{CsvReadOptions, ParquetCompression, ParquetWriter, SerReader};
    let csv = dir.join(format!("{stem}.csv"));
    let out = dir.join(format!("{stem}.parquet"));
    let failed = |path: &Path, e: polars::prelude::PolarsError| Error::Output {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(csv.clone()))
        .and_then(|r| r.finish())
        .map_err(|e| failed(&csv, e))?;
    let file = File::create(&out).map_err(|source| Error::Output {
        path: out.display().to_string(),
        source,
    })?;
    ParquetWriter::new(BufWriter::new(file))
        .with_compression(ParquetCompression::Snappy)
        .finish(&mut df)
        .map_err(|e| failed(&out, e))?;
    std::fs::remove_file(&csv).map_err(|source| Error::Output {
        path: csv.display().to_string(),
        source,
    })
}

// ----------------------------------------------------------------------------- randomness

/// The outcome of the first cut above `u` in `cuts` (cumulative probabilities, rising), or
/// `rest` when `u` is at or above them all: for `u` uniform in [0, 1), outcome k has
/// probability cut k − cut k−1.
fn bucket<T: Copy>(u: f64, cuts: &[(f64, T)], rest: T) -> T {
    cuts.iter()
        .find(|(cut, _)| u < *cut)
        .map_or(rest, |(_, t)| *t)
}

/// A seeded stream with the draws the generator needs.
struct Draw(Pcg64);

impl Draw {
    /// Stream `stage` of `seed`: independent streams per file, so that changing how one file
    /// is drawn leaves the others as they were.
    fn new(seed: u64, stage: u64) -> Draw {
        // The golden-ratio increment spreads nearby (seed, stage) pairs apart before
        // rand_core's own seed expansion.
        Draw(Pcg64::seed_from_u64(
            seed ^ stage.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ))
    }

    /// Uniform in `0..n` (`n` ≥ 1).
    fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n.max(1))
    }

    /// Uniform index into a slice of length `n` (`n` ≥ 1).
    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `[lo, hi]`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// One of several outcomes by cumulative probability: see [`bucket`].
    fn bucket<T: Copy>(&mut self, cuts: &[(f64, T)], rest: T) -> T {
        bucket(self.unit(), cuts, rest)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// Standard normal (Box–Muller, with `libm` for portability).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]: ln never sees 0
        let u2 = self.unit();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
    }

    /// Log-normal with the given median and log-scale spread.
    fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * libm::exp(sigma * self.normal())
    }

    /// Pareto with minimum 1 and tail index `alpha` (inverse CDF).
    fn pareto(&mut self, alpha: f64) -> f64 {
        libm::pow(1.0 - self.unit(), -1.0 / alpha)
    }
}

/// Cumulative weights for drawing items in proportion to their weight (O(log n) a draw).
struct Weighted {
    cumulative: Vec<f64>,
    items: Vec<u32>,
}

impl Weighted {
    fn new(pairs: impl IntoIterator<Item = (u32, f64)>) -> Weighted {
        let mut total = 0.0;
        let mut cumulative = Vec::new();
        let mut items = Vec::new();
        for (item, w) in pairs {
            total += w;
            cumulative.push(total);
            items.push(item);
        }
        Weighted { cumulative, items }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn draw(&self, d: &mut Draw) -> Option<u32> {
        let total = *self.cumulative.last()?;
        let x = d.unit() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.items.get(i.min(self.items.len() - 1)).copied()
    }
}

// ----------------------------------------------------------------------------- the world

const TOWN_HEADS: [&str; 25] = [
    "Ash", "Bram", "Cal", "Dun", "Elm", "Fair", "Glen", "Hal", "Ivy", "Kings", "Lang", "Mar",
    "Nor", "Oak", "Pen", "Quen", "Red", "Sal", "Thorn", "Ulls", "Wex", "Wych", "Yar", "Brack",
    "Stan",
];
const TOWN_TAILS: [&str; 16] = [
    "bridge", "field", "ford", "ham", "ley", "minster", "mouth", "stead", "ton", "wick", "worth",
    "by", "cott", "dale", "hurst", "moor",
];
const PURPOSES: [&str; 24] = [
    "Advice",
    "Carers",
    "Youth",
    "Food Bank",
    "Mental Health",
    "Women's Aid",
    "Refugee Welcome",
    "Disability Forum",
    "Recovery",
    "Homeless Action",
    "Sports",
    "Arts",
    "Age Well",
    "Family",
    "Veterans",
    "Dementia",
    "Community Transport",
    "Music",
    "Allotment",
    "Heritage",
    "Environment",
    "Debt Advice",
    "Literacy",
    "Wellbeing",
];
const CHARITY_WORDS: [&str; 6] = [
    "Trust",
    "Centre",
    "Association",
    "Network",
    "Project",
    "Foundation",
];
const GROUP_WORDS: [&str; 6] = [
    "Group",
    "Club",
    "Circle",
    "Collective",
    "Society",
    "Friends",
];
const SERVICES: [&str; 6] = [
    "Care Services",
    "Consulting",
    "Events",
    "Training",
    "Catering",
    "Facilities",
];
const LED_BY: [&str; 5] = [
    "black-and-minoritised",
    "disabled-led",
    "women-led",
    "lived-experience",
    "lgbtq-led",
];
const THEMES: [&str; 10] = [
    "Health and Wellbeing",
    "Community Safety",
    "Mental Health Alliance",
    "Children and Families",
    "Ageing Well",
    "Homelessness",
    "Food Justice",
    "Climate Action",
    "Employment and Skills",
    "Arts and Culture",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lottery,
    Government,
    Council,
    Icb,
    NhsTrust,
    School,
    Trust,
    CommunityFoundation,
    Charity,
    ScottishCharity,
    Cic,
    Company,
    ListedGroup,
    UnknownGroup,
}

impl Kind {
    /// organisations.csv `Sector` (written for some organisations; the rest are inferred).
    fn sector(self) -> &'static str {
        match self {
            Kind::Lottery
            | Kind::Government
            | Kind::Council
            | Kind::Icb
            | Kind::NhsTrust
            | Kind::School => "statutory",
            Kind::Trust
            | Kind::CommunityFoundation
            | Kind::Charity
            | Kind::ScottishCharity
            | Kind::Cic
            | Kind::ListedGroup => "vcse",
            Kind::Company => "private",
            Kind::UnknownGroup => "unknown",
        }
    }

    fn statutory(self) -> bool {
        self.sector() == "statutory"
    }

    fn vcse_side(self) -> bool {
        matches!(self.sector(), "vcse" | "unknown")
    }

    /// organisations.csv `Type` (free text).
    fn type_text(self) -> &'static str {
        match self {
            Kind::Lottery => "national funder",
            Kind::Government => "government department",
            Kind::Council => "local authority",
            Kind::Icb => "ICB",
            Kind::NhsTrust => "NHS trust",
            Kind::School => "school",
            Kind::Trust => "charitable trust",
            Kind::CommunityFoundation => "community foundation",
            Kind::Charity | Kind::ScottishCharity => "charity",
            Kind::Cic => "CIC",
            Kind::Company => "company",
            Kind::ListedGroup => "community group",
            Kind::UnknownGroup => "",
        }
    }

    /// 360Giving `Recipient Org:Org Type`, as funders that record it write it.
    fn org_type(self) -> &'static str {
        match self {
            Kind::Lottery | Kind::Government | Kind::Icb | Kind::NhsTrust => "Public Body",
            Kind::Council => "Local Authority",
            Kind::School => "School/Educational Establishment",
            Kind::Trust | Kind::Charity | Kind::ScottishCharity => "Registered Charity",
            Kind::CommunityFoundation => "Community Foundation",
            Kind::Cic => "Community Interest Company",
            Kind::Company => "Company",
            Kind::ListedGroup => "Community Group",
            Kind::UnknownGroup => "",
        }
    }
}

struct Org {
    id: String,
    name: String,
    kind: Kind,
    area: usize,
    /// Annual income in pounds, when organisations.csv knows it.
    income: Option<u64>,
    led_by: String,
    /// Whether organisations.csv states the sector (otherwise it is inferred).
    sector_listed: bool,
    charity_number: String,
    company_number: String,
}

struct Funder {
    org: usize,
    /// Median grant in pence.
    median: f64,
    /// Spread of log amounts.
    sigma: f64,
    /// Funds mostly in its own area.
    local: bool,
    /// Fills `Recipient Org:Org Type` and `Unrestricted`.
    records_types: bool,
    programmes: Vec<String>,
    /// Months a grant usually lasts.
    months: &'static [u32],
}

struct World {
    areas: Vec<String>,
    orgs: Vec<Org>,
    funders: Vec<Funder>,
    /// Funders in proportion to how many grants they make.
    funder_weights: Weighted,
    /// Recipients (organisations that are not funders) by popularity, everywhere.
    recipients: Weighted,
    /// The same, per area.
    recipients_by_area: Vec<Weighted>,
    /// Community foundations: (their index in `funders`, the index of the funder that gives
    /// them the money they regrant).
    intermediaries: Vec<(usize, usize)>,
    /// Individuals who may receive grants.
    individuals: u64,
}

fn town(d: &mut Draw) -> String {
    format!("{}{}", d.pick(&TOWN_HEADS), d.pick(&TOWN_TAILS))
}

impl World {
    fn new(plan: &Plan, seed: u64) -> World {
        let mut d = Draw::new(seed, 1);
        let mut areas: Vec<String> = Vec::new();
        // Unique area names; after the 400 two-part names run out, numbered ones.
        let mut tries = 0;
        while (areas.len() as u64) < plan.areas {
            let name = if tries < 4_000 {
                town(&mut d)
            } else {
                format!("{} {}", town(&mut d), areas.len() + 1)
            };
            tries += 1;
            if !areas.contains(&name) {
                areas.push(name);
            }
        }
        let n_areas = areas.len();

        let mut orgs = Vec::with_capacity(plan.organisations as usize);
        let mut funders = Vec::with_capacity(plan.funders as usize);
        let mut funder_pairs = Vec::with_capacity(plan.funders as usize);
        // Funders first, largest first: Zipf weights with exponent 1.1 make the top few
        // national funders account for most grants, as in GrantNav.
        for rank in 0..plan.funders as usize {
            let kind = if rank == 0 {
                Kind::Lottery
            } else if rank < 4 {
                Kind::Government
            } else {
                d.bucket(
                    &[
                        (0.28, Kind::Council),
                        (0.38, Kind::Icb),
                        (0.52, Kind::CommunityFoundation),
                    ],
                    Kind::Trust,
                )
            };
            let i = orgs.len();
            let org = make_org(&mut d, i, kind, &areas);
            let area = org.area;
            let (median_pounds, sigma, local, months): (f64, f64, bool, &'static [u32]) = match kind
            {
                Kind::Lottery => (12_000.0, 1.3, false, &[12, 12, 24, 36, 36, 60]),
                Kind::Government => (25_000.0, 1.3, false, &[12, 12, 24, 36]),
                Kind::Council => (6_000.0, 1.2, true, &[3, 6, 6, 12, 12, 12, 12, 24]),
                Kind::Icb => (40_000.0, 1.2, true, &[12, 12, 12, 24, 36]),
                Kind::CommunityFoundation => (2_500.0, 0.9, true, &[6, 12, 12, 12, 18]),
                _ => (
                    d.log_normal(15_000.0, 0.8),
                    1.0,
                    rank >= 20 && d.chance(0.5),
                    &[12, 12, 24, 36, 36, 48, 60],
                ),
            };
            let place = areas[area].clone();
            let programmes = match kind {
                Kind::CommunityFoundation => vec![format!("{place} Community Fund")],
                Kind::Council => vec![
                    format!("{place} Community Grants"),
                    format!("{place} Small Grants"),
                    "Community Support Contracts".into(),
                    "Warm Spaces".into(),
                ],
                Kind::Icb => vec![
                    "Social Prescribing Service".into(),
                    "Community Mental Health".into(),
                    "Health Inequalities Fund".into(),
                ],
                Kind::Lottery => vec![
                    "Awards for All".into(),
                    "Reaching Communities".into(),
                    "Community Led Activity".into(),
                ],
                Kind::Government => vec![
                    "Community Ownership Fund".into(),
                    "Know Your Neighbourhood Fund".into(),
                ],
                _ => {
                    let mut p = vec!["Main Grants".to_owned()];
                    if d.chance(0.5) {
                        p.push(format!("{} Programme", d.pick(&PURPOSES)));
                    }
                    p
                }
            };
            let weight = 1.0 / libm::pow(rank as f64 + 1.0, 1.1);
            funder_pairs.push((funders.len() as u32, weight));
            funders.push(Funder {
                org: i,
                median: median_pounds * 100.0,
                sigma,
                local,
                records_types: d.chance(0.5),
                programmes,
                months,
            });
            orgs.push(org);
        }

        // Recipients: popularity is Pareto (alpha 1.2), so a few are funded by many funders.
        let mut by_area: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_areas];
        let mut all = Vec::new();
        while (orgs.len() as u64) < plan.organisations {
            let kind = d.bucket(
                &[
                    (0.010, Kind::Council),
                    (0.020, Kind::NhsTrust),
                    (0.050, Kind::School),
                    (0.500, Kind::Charity),
                    (0.530, Kind::ScottishCharity),
                    (0.620, Kind::Cic),
                    (0.700, Kind::Company),
                    (0.840, Kind::ListedGroup),
                ],
                Kind::UnknownGroup,
            );
            let i = orgs.len();
            let org = make_org(&mut d, i, kind, &areas);
            let area = org.area;
            let damp = match kind {
                Kind::Company | Kind::School | Kind::Council | Kind::NhsTrust => 0.3,
                Kind::UnknownGroup | Kind::ListedGroup => 0.6,
                _ => 1.0,
            };
            let weight = d.pareto(1.2).min(1_000.0) * damp;
            by_area[area].push((i as u32, weight));
            all.push((i as u32, weight));
            orgs.push(org);
        }
        let recipients_by_area = by_area.into_iter().map(Weighted::new).collect();
        let recipients = Weighted::new(all);

        // Each community foundation is funded by a national funder or a council.
        let statutory_funders: Vec<usize> = funders
            .iter()
            .enumerate()
            .filter(|(_, f)| orgs[f.org].kind.statutory())
            .map(|(i, _)| i)
            .collect();
        let intermediaries = funders
            .iter()
            .enumerate()
            .filter(|(_, f)| orgs[f.org].kind == Kind::CommunityFoundation)
            .map(|(i, _)| {
                let area = orgs[funders[i].org].area;
                let council = statutory_funders.iter().copied().find(|&s| {
                    orgs[funders[s].org].kind == Kind::Council && orgs[funders[s].org].area == area
                });
                (i, council.unwrap_or(0))
            })
            .collect();

        World {
            individuals: (plan.grants / 60).max(10),
            areas,
            orgs,
            funders,
            funder_weights: Weighted::new(funder_pairs),
            recipients,
            recipients_by_area,
            intermediaries,
        }
    }
}

/// Organisation `i`, of `kind`, in an area drawn from `areas` (the first draw), named and
/// numbered as its kind is in 360Giving data.
fn make_org(d: &mut Draw, i: usize, kind: Kind, areas: &[String]) -> Org {
    let area = d.index(areas.len());
    let place = &areas[area];
    let n = i as u64;
    let (id, name) = match kind {
        Kind::Lottery => (
            format!("GB-GOR-PC{:05}", 390 + n),
            "National Community Lottery Fund".to_owned(),
        ),
        Kind::Government => (
            format!("GB-GOV-{}", 10 + n),
            format!(
                "Department for {}",
                ["Communities", "Culture", "Health", "Levelling Up"][i % 4]
            ),
        ),
        Kind::Council => (
            format!("GB-LAE-S{n:05}"),
            format!(
                "{place} {} Council",
                ["Borough", "District", "City", "County"][d.index(4)]
            ),
        ),
        Kind::Icb => (
            format!("GB-NHS-Q{n:05}"),
            format!("NHS {place} Integrated Care Board"),
        ),
        Kind::NhsTrust => (
            format!("GB-NHS-R{n:05}"),
            format!("{place} Hospitals NHS Foundation Trust"),
        ),
        Kind::School => (
            format!("GB-EDU-{}", 100_000 + n),
            format!(
                "{place} {}",
                ["Primary School", "Academy", "High School"][d.index(3)]
            ),
        ),
        Kind::Trust => (
            format!("GB-CHC-{}", 200_000 + n),
            format!(
                "The {} {} Trust",
                town(d),
                ["Charitable", "Family", "Community"][d.index(3)]
            ),
        ),
        Kind::CommunityFoundation => (
            format!("GB-CHC-{}", 1_000_000 + n),
            format!("{place} Community Foundation"),
        ),
        Kind::Charity => (
            format!("GB-CHC-{}", 1_000_000 + n),
            format!("{place} {} {}", d.pick(&PURPOSES), d.pick(&CHARITY_WORDS)),
        ),
        Kind::ScottishCharity => (
            format!("GB-SC-SC{:06}", n),
            format!("{place} {} {}", d.pick(&PURPOSES), d.pick(&CHARITY_WORDS)),
        ),
        Kind::Cic => (
            format!("GB-COH-{:08}", 10_000_000 + n),
            format!(
                "{place} {} {}",
                d.pick(&PURPOSES),
                ["CIC", "C.I.C.", "Community Interest Company"][d.index(3)]
            ),
        ),
        Kind::Company => (
            format!("GB-COH-{:08}", 10_000_000 + n),
            format!("{place} {} Ltd", d.pick(&SERVICES)),
        ),
        Kind::ListedGroup | Kind::UnknownGroup => (
            format!("360G-SYN-GRP-{n:06}"),
            format!("{place} {} {}", d.pick(&PURPOSES), d.pick(&GROUP_WORDS)),
        ),
    };
    let charity_number = match kind {
        Kind::Charity | Kind::Trust | Kind::CommunityFoundation => {
            id.rsplit('-').next().unwrap_or_default().to_owned()
        }
        _ => String::new(),
    };
    let company_number = match kind {
        Kind::Cic | Kind::Company => id.rsplit('-').next().unwrap_or_default().to_owned(),
        _ => String::new(),
    };
    let income = match kind {
        Kind::Charity | Kind::ScottishCharity | Kind::Cic | Kind::ListedGroup if d.chance(0.5) => {
            Some(round_to(
                d.log_normal(120_000.0, 1.4).clamp(500.0, 5e8) as u64,
                100,
            ))
        }
        Kind::Trust | Kind::CommunityFoundation => {
            Some(round_to(d.log_normal(2_000_000.0, 1.0) as u64, 1_000))
        }
        _ => None,
    };
    let led_by = if kind.vcse_side() && d.chance(0.12) {
        let first = d.index(LED_BY.len());
        if d.chance(0.2) {
            let second = (first + 1 + d.index(LED_BY.len() - 1)) % LED_BY.len();
            format!("{}; {}", LED_BY[first], LED_BY[second])
        } else {
            LED_BY[first].to_owned()
        }
    } else {
        String::new()
    };
    Org {
        id,
        name,
        kind,
        area,
        income,
        led_by,
        sector_listed: kind != Kind::UnknownGroup && d.chance(0.6),
        charity_number,
        company_number,
    }
}

fn round_to(x: u64, step: u64) -> u64 {
    (x / step).max(1) * step
}

// ----------------------------------------------------------------------------- partnerships

struct Seat {
    person: u64,
    /// None: a community member attending as themself.
    org: Option<usize>,
    /// Chance of attending a meeting.
    propensity: f64,
}

struct PartnershipPlan {
    id: String,
    name: String,
    fundholder: usize,
    programme: String,
    /// Funder that gives the programme money to the fundholder.
    programme_funder: usize,
    member_orgs: Vec<usize>,
    seats: Vec<Seat>,
    /// Attendance rows to write.
    attendance: u64,
    paid: bool,
    host_lean: f64,
    chair_lean: f64,
    start: NaiveDate,
}

fn plan_partnerships(w: &World, plan: &Plan, seed: u64) -> Vec<PartnershipPlan> {
    let mut d = Draw::new(seed, 2);
    // Possible fundholders: councils, ICBs and community foundations, by area.
    let holders: Vec<usize> = w
        .funders
        .iter()
        .filter(|f| {
            matches!(
                w.orgs[f.org].kind,
                Kind::Council | Kind::Icb | Kind::CommunityFoundation
            )
        })
        .map(|f| f.org)
        .collect();
    let national: Vec<usize> = w
        .funders
        .iter()
        .filter(|f| matches!(w.orgs[f.org].kind, Kind::Lottery | Kind::Government))
        .map(|f| f.org)
        .collect();
    let statutory_by_area: Vec<Vec<usize>> = (0..w.areas.len())
        .map(|a| {
            w.orgs
                .iter()
                .enumerate()
                .filter(|(_, o)| o.area == a && o.kind.statutory() && o.kind != Kind::Lottery)
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let mut person = 0u64;
    let mut names: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let p = plan.partnerships;
    (0..p)
        .map(|k| {
            let fundholder = if holders.is_empty() {
                w.funders[0].org
            } else {
                *d.pick(&holders)
            };
            let area = w.orgs[fundholder].area;
            let theme = d.pick(&THEMES);
            let mut name = format!("{} {theme} Partnership", w.areas[area]);
            // A second partnership on the same theme in the same area is numbered.
            let seen = names.entry(name.clone()).or_insert(0);
            *seen += 1;
            if *seen > 1 {
                name = format!("{name} {seen}");
            }
            let programme = format!("{name} Programme");
            let mut member_orgs = vec![fundholder];
            let n_statutory = d.between(1, 3);
            for _ in 0..n_statutory {
                if let Some(&o) =
                    (!statutory_by_area[area].is_empty()).then(|| d.pick(&statutory_by_area[area]))
                {
                    if !member_orgs.contains(&o) {
                        member_orgs.push(o);
                    }
                }
            }
            let n_vcse = d.between(4, 12);
            let pool = &w.recipients_by_area[area];
            for _ in 0..n_vcse * 3 {
                if member_orgs.len() as u64 >= 1 + n_statutory + n_vcse {
                    break;
                }
                if let Some(o) = pool.draw(&mut d).map(|o| o as usize) {
                    let kind = w.orgs[o].kind;
                    if (kind.vcse_side() || (kind == Kind::Company && d.chance(0.3)))
                        && !member_orgs.contains(&o)
                    {
                        member_orgs.push(o);
                    }
                }
            }
            let paid = d.chance(0.6);
            let mut seats = Vec::new();
            for &o in &member_orgs {
                let people = if o == fundholder {
                    d.between(2, 3)
                } else {
                    d.between(1, 2)
                };
                for _ in 0..people {
                    person += 1;
                    let kind = w.orgs[o].kind;
                    let propensity = if kind.statutory() {
                        0.8 + 0.15 * d.unit()
                    } else if kind.vcse_side() {
                        0.4 + 0.35 * d.unit() + if paid { 0.15 } else { 0.0 }
                    } else {
                        0.5 + 0.3 * d.unit()
                    };
                    seats.push(Seat {
                        person,
                        org: Some(o),
                        propensity,
                    });
                }
            }
            for _ in 0..d.between(0, 5) {
                person += 1;
                seats.push(Seat {
                    person,
                    org: None,
                    propensity: 0.3 + 0.5 * d.unit(),
                });
            }
            let attendance = plan.attendance / p + u64::from(k < plan.attendance % p);
            let programme_funder = if national.is_empty() || d.chance(0.3) {
                w.funders[w.funder_weights.draw(&mut d).unwrap_or(0) as usize].org
            } else {
                *d.pick(&national)
            };
            PartnershipPlan {
                id: format!("P{:05}", k + 1),
                name,
                fundholder,
                programme,
                programme_funder: if programme_funder == fundholder {
                    w.funders[0].org
                } else {
                    programme_funder
                },
                member_orgs,
                seats,
                attendance,
                paid,
                host_lean: 0.2 + 0.75 * d.unit(),
                chair_lean: 0.1 + 0.8 * d.unit(),
                start: first_day() + Duration::days(d.below(300) as i64),
            }
        })
        .collect()
}

// ----------------------------------------------------------------------------- writing

/// A CSV file being written, naming itself in errors.
struct Sink {
    path: String,
    csv: csv::Writer<BufWriter<File>>,
    rows: u64,
    /// Scratch space for formatting numbers and dates without allocating per field.
    scratch: String,
}

impl Sink {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Sink, Error> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let file = File::create(&path).map_err(|source| Error::Output {
            path: shown.clone(),
            source,
        })?;
        let mut sink = Sink {
            path: shown,
            csv: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(BufWriter::with_capacity(1 << 20, file)),
            rows: 0,
            scratch: String::with_capacity(64),
        };
        sink.record(header)?;
        sink.rows = 0;
        Ok(sink)
    }

    fn fail(&self, e: impl Into<std::io::Error>) -> Error {
        Error::Output {
            path: self.path.clone(),
            source: e.into(),
        }
    }

    fn field(&mut self, v: &str) -> Result<(), Error> {
        self.csv.write_field(v).map_err(|e| self.fail(e))
    }

    /// Writes a field formatted into the scratch buffer.
    fn fmt(&mut self, args: std::fmt::Arguments<'_>) -> Result<(), Error> {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = self.scratch.write_fmt(args);
        let r = self.csv.write_field(&self.scratch);
        r.map_err(|e| self.fail(e))
    }

    fn date(&mut self, d: NaiveDate) -> Result<(), Error> {
        self.fmt(format_args!(
            "{:04}-{:02}-{:02}",
            d.year(),
            d.month(),
            d.day()
        ))
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) -> Result<(), Error> {
        match d {
            Some(d) => self.date(d),
            None => self.field(""),
        }
    }

    /// Money as a plain number: whole pounds, or pounds and two decimals.
    fn money(&mut self, pence: u64) -> Result<(), Error> {
        if pence % 100 == 0 {
            self.fmt(format_args!("{}", pence / 100))
        } else {
            self.fmt(format_args!("{}.{:02}", pence / 100, pence % 100))
        }
    }

    fn end(&mut self) -> Result<(), Error> {
        self.rows += 1;
        self.csv
            .write_record(None::<&[u8]>)
            .map_err(|e| self.fail(e))
    }

    fn record(&mut self, fields: &[&str]) -> Result<(), Error> {
        self.rows += 1;
        self.csv.write_record(fields).map_err(|e| self.fail(e))
    }

    fn finish(self) -> Result<u64, Error> {
        let path = self.path;
        let fail = |source: std::io::Error| Error::Output {
            path: path.clone(),
            source,
        };
        let mut inner = self.csv.into_inner().map_err(|e| fail(e.into_error()))?;
        inner.flush().map_err(fail)?;
        Ok(self.rows)
    }
}

const GRANT_HEADER: [&str; 21] = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Org Type",
    "Recipient Ind:Identifier",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "For Regrant Type",
    "Unrestricted",
];

/// Who receives a grant.
#[derive(Clone, Copy)]
enum To {
    Org(usize),
    Person(u64),
}

/// One grant, before it is written.
struct GrantRow<'a> {
    funder: usize,
    to: To,
    pence: u64,
    award: NaiveDate,
    months: u32,
    title: &'a str,
    programme: &'a str,
    regrant: bool,
    records_types: bool,
}

struct GrantWriter {
    sink: Sink,
    /// Decides which planned-date fields a grant has.
    d: Draw,
}

impl GrantWriter {
    fn write(&mut self, w: &World, g: &GrantRow<'_>) -> Result<(), Error> {
        let funder = &w.orgs[g.funder];
        let n = self.sink.rows + 1;
        self.sink.fmt(format_args!("360G-SYN-{n:08}"))?;
        self.sink.field(g.title)?;
        // Descriptions are short: the files stay close to real ones in shape without
        // doubling their size.
        let unrestricted = g.title.contains("core costs");
        if self.d.chance(0.3) {
            self.sink.field("")?;
        } else if unrestricted {
            self.sink.field("A contribution to core costs.")?;
        } else {
            self.sink
                .field("A restricted grant towards the project described.")?;
        }
        self.sink.field("GBP")?;
        self.sink.money(g.pence)?;
        self.sink.date(g.award)?;
        // Planned dates: most grants give start, end and duration; some only a duration,
        // some only dates, some nothing (the period then falls back to 12 months).
        let start = g.award + Duration::days(self.d.below(60) as i64);
        let end = start
            .checked_add_months(Months::new(g.months))
            .map(|e| e - Duration::days(1));
        let shape = self.d.unit();
        let (s, e, m) = if shape < 0.55 {
            (Some(start), end, true)
        } else if shape < 0.72 {
            (None, None, true)
        } else if shape < 0.87 {
            (Some(start), end, false)
        } else {
            (None, None, false)
        };
        self.sink.opt_date(s)?;
        self.sink.opt_date(e)?;
        if m {
            self.sink.fmt(format_args!("{}", g.months))?;
        } else {
            self.sink.field("")?;
        }
        match g.to {
            To::Org(o) => {
                let org = &w.orgs[o];
                self.sink.field(&org.id)?;
                self.sink.field(&org.name)?;
                let known = g.records_types;
                self.sink
                    .field(if known { &org.charity_number } else { "" })?;
                self.sink
                    .field(if known { &org.company_number } else { "" })?;
                self.sink
                    .field(if known { org.kind.org_type() } else { "" })?;
                self.sink.field("")?;
            }
            To::Person(p) => {
                for _ in 0..5 {
                    self.sink.field("")?;
                }
                self.sink.fmt(format_args!("360G-SYN-IND-{p:06}"))?;
            }
        }
        self.sink.field(&funder.id)?;
        self.sink.field(&funder.name)?;
        self.sink.field(g.programme)?;
        match g.to {
            To::Org(o) if self.d.chance(0.6) => {
                let area = &w.areas[w.orgs[o].area];
                self.sink.field(area)?;
            }
            _ => self.sink.field("")?,
        }
        self.sink.field(if g.regrant { "FRG010" } else { "" })?;
        let flag = if !g.records_types {
            ""
        } else if unrestricted {
            "yes"
        } else {
            "no"
        };
        self.sink.field(flag)?;
        self.sink.end()
    }
}

fn award_date(d: &mut Draw) -> NaiveDate {
    first_day() + Duration::days(d.below(PERIOD_DAYS) as i64)
}

/// The amount of an ordinary grant from `f`, in pence (whole pounds; large grants rounded
/// to £100).
fn amount(d: &mut Draw, f: &Funder) -> u64 {
    let mut pounds = d.log_normal(f.median, f.sigma) / 100.0;
    // A Pareto tail on top of the log-normal body: the odd very large award.
    if d.chance(0.02) {
        pounds *= d.pareto(1.3).min(200.0);
    }
    let pounds = pounds.clamp(50.0, 25_000_000.0) as u64;
    let pounds = if pounds >= 10_000 {
        round_to(pounds, 100)
    } else {
        pounds
    };
    pounds * 100
}

fn write_grants(
    w: &World,
    partnerships: &[PartnershipPlan],
    plan: &Plan,
    seed: u64,
    dir: &Path,
) -> Result<u64, Error> {
    let mut d = Draw::new(seed, 3);
    let mut out = GrantWriter {
        sink: Sink::create(dir, "grants.csv", &GRANT_HEADER)?,
        d: Draw::new(seed, 4),
    };
    let years = 4u64;
    // Grants reserved for the money behind regranting and partnerships, written after the
    // ordinary grants: one a year to each community foundation, and per partnership one a
    // year to the fundholder plus 2–6 passed on.
    let mut pass_on: Vec<u64> = partnerships
        .iter()
        .map(|p| d.between(2, 6).min(p.member_orgs.len() as u64 - 1))
        .collect();
    let reserved_for_partnerships: u64 = pass_on.iter().map(|n| n + years).sum();
    let mut reserved = reserved_for_partnerships + w.intermediaries.len() as u64 * years;
    if reserved > plan.grants {
        // Tiny scales: drop passing-on first, then foundations' funding.
        pass_on.fill(0);
        reserved = partnerships.len() as u64 * years + w.intermediaries.len() as u64 * years;
    }
    let foundations_funded = reserved <= plan.grants;
    if !foundations_funded {
        reserved = partnerships.len() as u64 * years;
    }
    let ordinary = plan.grants.saturating_sub(reserved);

    // Per community foundation and year: what it gave, to size what it received.
    let mut given = vec![[0u64; 4]; w.funders.len()];
    let core = "Contribution to core costs";
    let project = "Community project";
    let mut written = 0u64;
    while written < ordinary {
        let fi = w.funder_weights.draw(&mut d).unwrap_or(0) as usize;
        let f = &w.funders[fi];
        let forg = &w.orgs[f.org];
        let to = if matches!(
            forg.kind,
            Kind::Lottery | Kind::Trust | Kind::CommunityFoundation
        ) && d.chance(0.03)
        {
            To::Person(d.below(w.individuals) + 1)
        } else {
            let pool = if f.local && d.chance(0.8) {
                &w.recipients_by_area[forg.area]
            } else {
                &w.recipients
            };
            let pool = if pool.is_empty() { &w.recipients } else { pool };
            match pool.draw(&mut d) {
                Some(o) => To::Org(o as usize),
                None => To::Person(d.below(w.individuals) + 1),
            }
        };
        let pence = amount(&mut d, f);
        let award = award_date(&mut d);
        let months = *d.pick(f.months);
        let programme = d.pick(&f.programmes);
        let title = if d.chance(0.12) { core } else { project };
        if forg.kind == Kind::CommunityFoundation {
            let year = ((award - first_day()).num_days() / 365).clamp(0, 3) as usize;
            given[fi][year] += pence;
        }
        out.write(
            w,
            &GrantRow {
                funder: f.org,
                to,
                pence,
                award,
                months,
                title,
                programme,
                regrant: false,
                records_types: f.records_types,
            },
        )?;
        written += 1;
    }

    // Community foundations: each year's money from their funder, a little more than they
    // passed on (pass-through 75–95%), under their own programme title.
    if foundations_funded {
        for &(fi, parent) in &w.intermediaries {
            let f = &w.funders[fi];
            let parent = &w.funders[parent];
            let pass_through = 0.75 + 0.2 * d.unit();
            for (year, &gave) in given[fi].iter().enumerate() {
                let pence = round_to(((gave as f64 / pass_through) / 100.0) as u64, 100) * 100;
                let award = first_day() + Duration::days(year as i64 * 365 + d.below(60) as i64);
                out.write(
                    w,
                    &GrantRow {
                        funder: parent.org,
                        to: To::Org(f.org),
                        pence,
                        award,
                        months: 12,
                        title: "Funding for regranting",
                        programme: &f.programmes[0],
                        regrant: true,
                        records_types: parent.records_types,
                    },
                )?;
            }
        }
    }

    // Partnerships: programme money to the fundholder each year, and some of it passed on
    // to members under the same programme title.
    for (p, &n_pass) in partnerships.iter().zip(&pass_on) {
        let mut received = 0u64;
        for year in 0..years {
            let pence = round_to(d.log_normal(250_000.0, 0.7) as u64, 1_000) * 100;
            received += pence;
            let award = first_day() + Duration::days(year as i64 * 365 + d.below(90) as i64);
            out.write(
                w,
                &GrantRow {
                    funder: p.programme_funder,
                    to: To::Org(p.fundholder),
                    pence,
                    award,
                    months: 12,
                    title: "Partnership programme funding",
                    programme: &p.programme,
                    regrant: false,
                    records_types: true,
                },
            )?;
        }
        if n_pass == 0 {
            continue;
        }
        // Passed on: 10–90% of what was received, split unevenly.
        let passed = received as f64 * (0.1 + 0.8 * d.unit());
        let weights: Vec<f64> = (0..n_pass).map(|_| 0.2 + d.unit()).collect();
        let total: f64 = weights.iter().sum();
        for wgt in weights {
            let member = p.member_orgs[1 + d.index(p.member_orgs.len() - 1)];
            let pence = round_to((passed * wgt / total / 100.0) as u64, 10) * 100;
            out.write(
                w,
                &GrantRow {
                    funder: p.fundholder,
                    to: To::Org(member),
                    pence,
                    award: award_date(&mut d),
                    months: 12,
                    title: "Partnership delivery grant",
                    programme: &p.programme,
                    regrant: false,
                    records_types: true,
                },
            )?;
        }
    }
    out.sink.finish()
}

fn write_organisations(w: &World, dir: &Path) -> Result<u64, Error> {
    let mut sink = Sink::create(
        dir,
        "organisations.csv",
        &[
            "Identifier",
            "Name",
            "Sector",
            "Type",
            "Annual Income",
            "Area",
            "Led By",
        ],
    )?;
    for o in &w.orgs {
        sink.field(&o.id)?;
        sink.field(&o.name)?;
        sink.field(if o.sector_listed { o.kind.sector() } else { "" })?;
        sink.field(o.kind.type_text())?;
        match o.income {
            Some(i) => sink.fmt(format_args!("{i}"))?,
            None => sink.field("")?,
        }
        sink.field(&w.areas[o.area])?;
        sink.field(&o.led_by)?;
        sink.end()?;
    }
    sink.finish()
}

fn write_partnerships(w: &World, ps: &[PartnershipPlan], dir: &Path) -> Result<u64, Error> {
    let mut sink = Sink::create(
        dir,
        "partnerships.csv",
        &["Partnership ID", "Name", "Fundholder", "Programme"],
    )?;
    for p in ps {
        sink.record(&[&p.id, &p.name, &w.orgs[p.fundholder].id, &p.programme])?;
    }
    sink.finish()
}

/// One attendance row of the partnership being written.
struct Row {
    meeting: usize,
    seat: usize,
    attended: bool,
}

struct MeetingRow {
    date: NaiveDate,
    hours: f64,
}

/// meetings.csv, attendance.csv and payments.csv, open for writing.
struct WorkFiles {
    meetings: Sink,
    attendance: Sink,
    payments: Sink,
}

impl WorkFiles {
    fn create(dir: &Path) -> Result<WorkFiles, Error> {
        Ok(WorkFiles {
            meetings: Sink::create(
                dir,
                "meetings.csv",
                &[
                    "Meeting ID",
                    "Partnership ID",
                    "Date",
                    "Duration Hours",
                    "Host",
                    "Chair",
                    "Decision",
                    "Type",
                    "Start Time",
                ],
            )?,
            attendance: Sink::create(
                dir,
                "attendance.csv",
                &["Meeting ID", "Person ID", "Org ID", "Status", "Hours"],
            )?,
            payments: Sink::create(
                dir,
                "payments.csv",
                &[
                    "Payment ID",
                    "Payer",
                    "Payee Person ID",
                    "Payee Org ID",
                    "Meeting ID",
                    "Period Start",
                    "Period End",
                    "Amount",
                    "Type",
                    "Date",
                ],
            )?,
        })
    }

    /// Rows written to each: (meetings, attendance, payments).
    fn finish(self) -> Result<(u64, u64, u64), Error> {
        Ok((
            self.meetings.finish()?,
            self.attendance.finish()?,
            self.payments.finish()?,
        ))
    }
}

/// meetings.csv, attendance.csv and payments.csv, one partnership at a time.
fn write_partnership_work(
    w: &World,
    ps: &[PartnershipPlan],
    plan: &Plan,
    seed: u64,
    dir: &Path,
) -> Result<(u64, u64, u64), Error> {
    let mut d = Draw::new(seed, 5);
    let mut files = WorkFiles::create(dir)?;
    let shares = payment_shares(ps, plan.payments);
    let mut rows: Vec<Row> = Vec::new();
    let mut dates: Vec<MeetingRow> = Vec::new();
    for (p, share) in ps.iter().zip(shares) {
        rows.clear();
        dates.clear();
        write_meetings(&mut d, w, p, &mut files, &mut rows, &mut dates)?;
        let Some(share) = share else {
            continue;
        };
        for (row, extra) in choose_paid_rows(&mut d, w, p, &rows, share) {
            let r = &rows[row];
            write_payment(
                &mut d,
                w,
                p,
                r,
                &dates[r.meeting],
                extra,
                &mut files.payments,
            )?;
        }
    }
    files.finish()
}

/// Payments per partnership (`None`: not paid): `total` shared among the paid
/// partnerships in proportion to their attendance rows, the last paid partnership taking
/// what is left (largest remainders not needed). With no paid partnership the first is
/// paid, so that payments.csv is never empty.
fn payment_shares(ps: &[PartnershipPlan], total: u64) -> Vec<Option<u64>> {
    let paid_rows: u64 = ps.iter().filter(|p| p.paid).map(|p| p.attendance).sum();
    let force_first = paid_rows == 0;
    let paid_rows = if force_first {
        ps.first().map_or(0, |p| p.attendance)
    } else {
        paid_rows
    };
    let is_paid = |i: usize, p: &PartnershipPlan| p.paid || (force_first && i == 0);
    let last_paid = ps
        .iter()
        .enumerate()
        .rev()
        .find(|(i, p)| is_paid(*i, p))
        .map(|(i, _)| i);
    let mut left = total;
    ps.iter()
        .enumerate()
        .map(|(i, p)| {
            if !is_paid(i, p) {
                return None;
            }
            let share = if Some(i) == last_paid {
                left
            } else {
                (total * p.attendance / paid_rows.max(1)).min(left)
            };
            left -= share;
            Some(share)
        })
        .collect()
}

/// One partnership's meetings, evenly spread from its start to the end of the period,
/// and an attendance row per invited seat; `rows` and `dates` receive what its payments
/// are drawn from.
fn write_meetings(
    d: &mut Draw,
    w: &World,
    p: &PartnershipPlan,
    files: &mut WorkFiles,
    rows: &mut Vec<Row>,
    dates: &mut Vec<MeetingRow>,
) -> Result<(), Error> {
    let end = first_day() + Duration::days(PERIOD_DAYS as i64 - 1);
    let seats = p.seats.len() as u64;
    let full = p.attendance / seats;
    let rest = p.attendance % seats;
    let n_meetings = full + u64::from(rest > 0);
    let span = (end - p.start).num_days().max(1) as u64;
    for m in 0..n_meetings {
        let date = p.start + Duration::days((m * span / n_meetings.max(1)) as i64);
        // The last meeting, when rows are left over, is a working group of the first
        // seats (the fundholder's people come first).
        let working_group = m == full;
        let forum = !working_group && m % 4 == 3;
        let decision = !working_group && !forum && m % 3 == 0;
        let hours = if working_group {
            1.5
        } else {
            *d.pick(&[1.5, 2.0, 2.0, 2.5, 3.0])
        };
        let id = format!("{}-M{:04}", p.id, m + 1);
        let host = lean_or_member(d, p, p.host_lean, 0.1);
        let chair = lean_or_member(d, p, p.chair_lean, 0.15);
        let meetings = &mut files.meetings;
        meetings.field(&id)?;
        meetings.field(&p.id)?;
        meetings.date(date)?;
        meetings.fmt(format_args!("{hours}"))?;
        meetings.field(host.map_or("", |o| &w.orgs[o].id))?;
        meetings.field(chair.map_or("", |o| &w.orgs[o].id))?;
        meetings.field(if decision { "yes" } else { "no" })?;
        meetings.field(if working_group {
            "working group"
        } else if forum {
            "community forum"
        } else {
            "partnership board"
        })?;
        let start_time = if forum {
            "18:00"
        } else {
            *d.pick(&["10:00", "10:00", "14:00", "13:30", "17:30", ""])
        };
        meetings.field(start_time)?;
        meetings.end()?;

        let invited = if working_group { rest } else { seats };
        for (si, s) in p.seats.iter().take(invited as usize).enumerate() {
            let attended = write_attendance(d, w, s, (&id, hours, forum), &mut files.attendance)?;
            rows.push(Row {
                meeting: m as usize,
                seat: si,
                attended,
            });
        }
        dates.push(MeetingRow { date, hours });
    }
    Ok(())
}

/// A meeting's host or chair: the fundholder with chance `lean`, else nobody recorded
/// with chance `none`, else a member.
fn lean_or_member(d: &mut Draw, p: &PartnershipPlan, lean: f64, none: f64) -> Option<usize> {
    if d.chance(lean) {
        Some(p.fundholder)
    } else if d.chance(none) {
        None
    } else {
        Some(*d.pick(&p.member_orgs))
    }
}

/// One seat's attendance row at meeting (id, hours, evening forum); whether it attended.
fn write_attendance(
    d: &mut Draw,
    w: &World,
    s: &Seat,
    (id, hours, forum): (&str, f64, bool),
    attendance: &mut Sink,
) -> Result<bool, Error> {
    let mut chance = s.propensity;
    if forum && s.org.is_none_or(|o| w.orgs[o].kind.vcse_side()) {
        chance += 0.1; // evening forums suit volunteers and VCSE staff
    }
    let status = if d.chance(chance.min(0.98)) {
        "attended"
    } else if d.chance(0.6) {
        "apologies"
    } else {
        "absent"
    };
    attendance.field(id)?;
    attendance.fmt(format_args!("PER-{:06}", s.person))?;
    attendance.field(s.org.map_or("", |o| &w.orgs[o].id))?;
    attendance.field(status)?;
    if status == "attended" && d.chance(0.05) {
        attendance.fmt(format_args!("{}", hours - 0.5))?;
    } else {
        attendance.field("")?;
    }
    attendance.end()?;
    Ok(status == "attended")
}

/// The attendance rows `share` payments go to, each with whether it is an extra expense
/// claim. Candidates are attended rows of VCSE-side people (VCSE and unknown
/// organisations, community members); `share` of them are taken at random, in order
/// (selection sampling, Knuth's algorithm S); if there are too few, the rest are extra
/// expense claims on random rows.
fn choose_paid_rows(
    d: &mut Draw,
    w: &World,
    p: &PartnershipPlan,
    rows: &[Row],
    share: u64,
) -> Vec<(usize, bool)> {
    let candidates: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.attended
                && p.seats[r.seat]
                    .org
                    .is_none_or(|o| w.orgs[o].kind.vcse_side())
        })
        .map(|(i, _)| i)
        .collect();
    let fallback: Vec<usize> = if candidates.is_empty() {
        (0..rows.len()).collect()
    } else {
        candidates.clone()
    };
    let mut chosen: Vec<(usize, bool)> = Vec::with_capacity(share as usize);
    let take = share.min(candidates.len() as u64);
    let mut needed = take;
    for (left, &c) in (0..candidates.len()).rev().zip(&candidates) {
        if needed == 0 {
            break;
        }
        if d.below(left as u64 + 1) < needed {
            chosen.push((c, false));
            needed -= 1;
        }
    }
    for _ in take..share {
        if fallback.is_empty() {
            break;
        }
        chosen.push((*d.pick(&fallback), true));
    }
    chosen
}

/// One payment, by the fundholder, for attendance row `r` (at meeting `m`) of partnership
/// `p`: an extra expense claim, or a type drawn by who the seat is.
fn write_payment(
    d: &mut Draw,
    w: &World,
    p: &PartnershipPlan,
    r: &Row,
    m: &MeetingRow,
    extra: bool,
    payments: &mut Sink,
) -> Result<(), Error> {
    let seat = &p.seats[r.seat];
    let meeting_id = format!("{}-M{:04}", p.id, r.meeting + 1);
    let u = d.unit();
    let kind = if extra {
        "expenses"
    } else if seat.org.is_none() {
        bucket(u, &[(0.6, "involvement"), (0.85, "expenses")], "honorarium")
    } else {
        bucket(
            u,
            &[
                (0.75, "involvement"),
                (0.85, "expenses"),
                (0.95, "honorarium"),
            ],
            "backfill",
        )
    };
    let n = payments.rows + 1;
    payments.fmt(format_args!("PAY-{n:07}"))?;
    payments.field(&w.orgs[p.fundholder].id)?;
    // Backfill is paid to the organisation for a quarter; honoraria to the person for
    // a quarter; involvement and expenses to the person for the meeting.
    let quarter = quarter_of(m.date);
    match (kind, seat.org) {
        ("backfill", Some(o)) => {
            payments.field("")?;
            payments.field(&w.orgs[o].id)?;
        }
        _ => {
            payments.fmt(format_args!("PER-{:06}", seat.person))?;
            payments.field("")?;
        }
    }
    let per_period = matches!(kind, "backfill" | "honorarium");
    payments.field(if per_period { "" } else { &meeting_id })?;
    if per_period {
        payments.date(quarter.0)?;
        payments.date(quarter.1)?;
    } else {
        payments.field("")?;
        payments.field("")?;
    }
    let pence = match kind {
        "involvement" => (m.hours * 2_000.0) as u64,
        "expenses" => *d.pick(&[450, 540, 620, 880, 1_200, 2_350]),
        "honorarium" => 15_000,
        _ => d.between(25, 120) * 1_000,
    };
    payments.money(pence)?;
    payments.field(kind)?;
    payments.date(if per_period { quarter.0 } else { m.date })?;
    payments.end()
}

/// The calendar quarter containing `d`: its first and last days.
fn quarter_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let month = (d.month0() / 3) * 3 + 1;
    let start = NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d);
    let end = start
        .checked_add_months(Months::new(3))
        .map_or(d, |e| e - Duration::days(1));
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_the_issue_sizes() {
        let p = Scale::parse("national").map(Scale::plan);
        assert_eq!(
            p,
            Ok(Plan {
                grants: 1_000_000,
                organisations: 50_000,
                funders: 2_000,
                areas: 100,
                partnerships: 2_000,
                attendance: 1_000_000,
                payments: 200_000,
            })
        );
        assert_eq!(Scale::parse("local").map(|s| s.grants), Ok(5_000));
        assert_eq!(Scale::parse("Region").map(|s| s.grants), Ok(100_000));
        assert_eq!(Scale::parse("2_500").map(|s| s.grants), Ok(2_500));
    }

    #[test]
    fn bad_scales_are_refused_with_the_reason() {
        assert!(Scale::parse("huge").is_err_and(|e| e.contains("not a scale")));
        assert!(Scale::parse("99").is_err_and(|e| e.contains("between")));
        assert!(Scale::parse("-5").is_err());
    }

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<u64> = (0..5).map(|_| Draw::new(7, 1).below(1_000_000)).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Draw::new(7, 1);
        let mut y = Draw::new(7, 2);
        let xs: Vec<u64> = (0..8).map(|_| x.below(u64::MAX)).collect();
        let ys: Vec<u64> = (0..8).map(|_| y.below(u64::MAX)).collect();
        assert_ne!(xs, ys);
    }

    #[test]
    fn pareto_and_log_normal_stay_in_range() {
        let mut d = Draw::new(1, 9);
        for _ in 0..10_000 {
            assert!(d.pareto(1.2) >= 1.0);
            let x = d.log_normal(100.0, 1.0);
            assert!(x.is_finite() && x > 0.0);
        }
    }

    #[test]
    fn buckets_split_the_unit_interval_at_their_cuts() {
        // Cuts 0.6 and 0.85: [0, 0.6) → a (60%), [0.6, 0.85) → b (25%), [0.85, 1) → c (15%).
        let cuts = [(0.6, 'a'), (0.85, 'b')];
        assert_eq!(bucket(0.0, &cuts, 'c'), 'a');
        assert_eq!(bucket(0.599, &cuts, 'c'), 'a');
        assert_eq!(bucket(0.6, &cuts, 'c'), 'b');
        assert_eq!(bucket(0.85, &cuts, 'c'), 'c');
        assert_eq!(bucket(0.5, &[], 'c'), 'c');
    }

    #[test]
    fn quarters_cover_the_date() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default();
        let (s, e) = quarter_of(d);
        assert_eq!(s.to_string(), "2024-01-01");
        assert_eq!(e.to_string(), "2024-03-31");
    }
}
