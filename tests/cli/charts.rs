//! `fundflow analyse` charts: every chart for the example, partnership charts skipped for a
//! grants-only dataset, degenerate data, `--charts`, and PNGs that are real, large and the
//! same on every run.

use super::support::{arg, dataset, run, GRANTS};
use std::io::Read;
use std::path::Path;

/// The charts the example must produce (its three partnerships each get a heatmap).
const EXAMPLE_CHARTS: [&str; 16] = [
    "funding_by_sector",
    "funding_by_funder",
    "top_recipients",
    "lorenz",
    "funder_hhi",
    "flows",
    "funding_cliff",
    "fundholder_defaulting",
    "participation_hours",
    "attendance_by_quarter",
    "funding_practice",
    "led_by_groups",
    "usual_suspects",
    "paid_attendance",
    "community_burden",
    "trends",
];

/// A decoded PNG: width, height and RGB pixels.
pub struct Png {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// Decodes an 8-bit RGB PNG, checking the signature, every chunk's CRC and the row filters
/// (an independent reading of the format, not a call back into the encoder).
pub fn decode_png(bytes: &[u8]) -> Png {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let (mut pos, mut width, mut height) = (8, 0, 0);
    let mut idat = Vec::new();
    while pos + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        let crc = u32::from_be_bytes(
            bytes[pos + 8 + len..pos + 12 + len]
                .try_into()
                .expect("4 bytes"),
        );
        assert_eq!(
            crc32fast::hash(&bytes[pos + 4..pos + 8 + len]),
            crc,
            "chunk CRC"
        );
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().expect("4 bytes"));
                height = u32::from_be_bytes(data[4..8].try_into().expect("4 bytes"));
                assert_eq!(&data[8..10], &[8, 2], "8-bit RGB");
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("IDAT inflates");
    let row = width as usize * 3;
    assert_eq!(raw.len(), (row + 1) * height as usize, "image data size");
    let mut rgb = Vec::with_capacity(row * height as usize);
    for line in raw.chunks(row + 1) {
        assert_eq!(line[0], 0, "filter type 0");
        rgb.extend_from_slice(&line[1..]);
    }
    Png { width, height, rgb }
}

/// Asserts a chart PNG is wide enough for A4 and has something drawn on it.
pub fn assert_real_chart(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let png = decode_png(&bytes);
    assert!(
        png.width >= 1600,
        "{}: {} px wide",
        path.display(),
        png.width
    );
    assert!(
        png.height >= 400,
        "{}: {} px high",
        path.display(),
        png.height
    );
    let pixels: Vec<&[u8]> = png.rgb.chunks(3).collect();
    let colours: std::collections::BTreeSet<&[u8]> = pixels.iter().copied().collect();
    assert!(
        colours.len() > 10,
        "{}: {} colours",
        path.display(),
        colours.len()
    );
    let inked = pixels.iter().filter(|p| **p != [255, 255, 255]).count();
    assert!(
        inked * 100 > pixels.len(),
        "{}: only {inked} of {} pixels drawn",
        path.display(),
        pixels.len()
    );
}

fn charts_in(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.join("charts"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_chart_is_drawn_for_the_example_and_the_same_on_every_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let (code, _, err) = run(&["analyse", "-q", "-o", arg(out)]);
        assert_eq!(code, 0, "{err}");
    }
    let files = charts_in(&a);
    for name in EXAMPLE_CHARTS
        .iter()
        .map(|s| s.to_string())
        .chain(["balance_P1", "balance_P2", "balance_P3"].map(String::from))
    {
        for ext in ["png", "svg", "csv"] {
            let file = format!("{name}.{ext}");
            assert!(files.contains(&file), "{file} missing from {files:?}");
        }
        assert_real_chart(&a.join("charts").join(format!("{name}.png")));
        let svg =
            std::fs::read_to_string(a.join("charts").join(format!("{name}.svg"))).expect("svg");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            svg.contains("DejaVu Sans"),
            "{name}.svg names the bundled font"
        );
    }
    assert_eq!(files, charts_in(&b));
    let report = |o: &Path| std::fs::read(o.join("report.html")).expect("report");
    assert!(
        report(&a) == report(&b),
        "report.html differs between two runs"
    );
    for f in &files {
        let x = std::fs::read(a.join("charts").join(f)).expect("read");
        let y = std::fs::read(b.join("charts").join(f)).expect("read");
        assert!(x == y, "{f} differs between two runs");
    }
}

#[test]
fn chart_data_is_written_beside_each_chart() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    let csv = std::fs::read_to_string(out.join("charts/funding_by_sector.csv")).expect("csv");
    let header = csv.lines().next().unwrap_or("");
    assert_eq!(header, "sector,amount,share,grants,recipients");
    // The amounts are findings' sector totals, which sum to the example's £6,549,327.75.
    let total: f64 = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1)?.parse::<f64>().ok())
        .sum();
    assert!((total - 6_549_327.75).abs() < 0.01, "{total}");
}

#[test]
fn a_grants_only_dataset_skips_the_partnership_charts_with_a_note() {
    let data = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    // OUT beside the dataset: inside it is refused (issue 15).
    let outdir = tempfile::tempdir().expect("tmp");
    let out = outdir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    let files = charts_in(&out);
    for name in [
        "funding_by_sector",
        "funding_by_funder",
        "top_recipients",
        "flows",
    ] {
        assert!(files.contains(&format!("{name}.png")), "{name}: {files:?}");
        assert_real_chart(&out.join("charts").join(format!("{name}.png")));
    }
    for name in [
        "fundholder_defaulting",
        "participation_hours",
        "attendance_by_quarter",
    ] {
        assert!(
            !files.iter().any(|f| f.starts_with(name)),
            "{name}: {files:?}"
        );
    }
    assert!(!files.iter().any(|f| f.starts_with("balance")));
    // Funding practice needs grants only; the partnership lenses and Led By need more, and
    // two grants in one financial year make no trend.
    assert!(
        files.contains(&"funding_practice.png".to_owned()),
        "{files:?}"
    );
    assert_real_chart(&out.join("charts/funding_practice.png"));
    for name in [
        "usual_suspects",
        "paid_attendance",
        "community_burden",
        "led_by_groups",
        "trends",
    ] {
        assert!(
            !files.iter().any(|f| f.starts_with(name)),
            "{name}: {files:?}"
        );
    }
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(report.contains("Chart “fundholder defaulting” not drawn: no partnerships in the data"));
    assert!(report.contains("Chart “balance” not drawn"));
    for note in [
        "Chart “usual suspects” not drawn: no attendance at partnership meetings",
        "Chart “paid attendance” not drawn: no attendance at partnership meetings",
        "Chart “community burden” not drawn: no attendance at partnership meetings",
        "Chart “led by groups” not drawn: no organisation carries a Led By tag",
        "Chart “trends” not drawn: the data covers a single financial year",
    ] {
        assert!(report.contains(note), "{note}");
    }
}

#[test]
fn degenerate_data_gives_readable_charts_and_no_panic() {
    // One funder, one recipient, one grant; one partnership whose only VCSE member is paid
    // for its one meeting, so there are zero unpaid hours.
    let grants = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n\
G1,5000,2024-04-01,GB-LAE-ONE,One Council,GB-CHC-1,Only Charity\n";
    let partnerships =
        "Partnership ID,Name,Fundholder,Programme\nP1,Tiny Partnership,GB-LAE-ONE,\n";
    let meetings = "Meeting ID,Partnership ID,Date,Duration Hours,Host,Chair,Decision,Type\nM1,P1,2024-05-01,2,GB-LAE-ONE,GB-LAE-ONE,yes,board\n";
    let attendance =
        "Meeting ID,Person ID,Org ID,Status\nM1,A,GB-LAE-ONE,attended\nM1,B,GB-CHC-1,attended\n";
    let payments = "Payment ID,Payer,Payee Person ID,Payee Org ID,Meeting ID,Period Start,Period End,Amount,Type,Date\nX1,GB-LAE-ONE,B,,M1,,,50,involvement,2024-05-01\n";
    let data = dataset(&[
        ("grants.csv", grants.as_bytes()),
        ("partnerships.csv", partnerships.as_bytes()),
        ("meetings.csv", meetings.as_bytes()),
        ("attendance.csv", attendance.as_bytes()),
        ("payments.csv", payments.as_bytes()),
    ]);
    // OUT beside the dataset: inside it is refused (issue 15).
    let outdir = tempfile::tempdir().expect("tmp");
    let out = outdir.path().join("out");
    let (code, _, err) = run(&["analyse", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let files = charts_in(&out);
    for f in files.iter().filter(|f| f.ends_with(".png")) {
        assert_real_chart(&out.join("charts").join(f));
    }
    for name in [
        "funding_by_sector",
        "fundholder_defaulting",
        "participation_hours",
        "balance_P1",
    ] {
        assert!(files.contains(&format!("{name}.png")), "{name}: {files:?}");
    }
    // One recipient: no distribution to draw.
    assert!(!files.contains(&"lorenz.png".to_owned()));
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(report.contains("Chart “lorenz” not drawn: fewer than two recipients"));
    assert!(report.contains("All 2 hours of VCSE-side time at partnership meetings was paid for"));
}

#[test]
fn no_grants_at_all_draws_nothing_and_says_why() {
    let header = GRANTS.lines().next().unwrap_or("").to_owned() + "\n";
    let data = dataset(&[("grants.csv", header.as_bytes())]);
    // OUT beside the dataset: inside it is refused (issue 15).
    let outdir = tempfile::tempdir().expect("tmp");
    let out = outdir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(charts_in(&out).is_empty());
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("Chart “funding by sector” not drawn: no money was awarded in the window")
    );
    assert!(!report.contains("<img"));
}

#[test]
fn charts_option_chooses_the_files_and_the_report_is_always_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let none = dir.path().join("none");
    assert_eq!(
        run(&["analyse", "-q", "--charts", "none", "-o", arg(&none)]).0,
        0
    );
    assert!(!none.join("charts").exists());
    assert!(none.join("report.html").is_file());
    let svg = dir.path().join("svg");
    assert_eq!(
        run(&["analyse", "-q", "--charts", "svg", "-o", arg(&svg)]).0,
        0
    );
    let files = charts_in(&svg);
    assert!(files.iter().any(|f| f.ends_with(".svg")));
    assert!(files.iter().any(|f| f.ends_with(".csv")));
    assert!(!files.iter().any(|f| f.ends_with(".png")));
    let (code, _, err) = run(&["analyse", "-q", "--charts", "jpeg", "-o", arg(&svg)]);
    assert_eq!(code, 2, "{err}");
}

/// Reads a chart's CSV as (header, rows of fields).
fn csv_of(out: &Path, name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(out.join("charts").join(format!("{name}.csv")))
        .unwrap_or_else(|e| panic!("{name}.csv: {e}"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn the_lens_and_trend_charts_carry_the_findings_figures() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "-o", arg(&out)]).0, 0);
    let findings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("findings.json")).expect("findings"),
    )
    .expect("JSON");
    let col = |h: &[String], k: &str| {
        h.iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("{k} in {h:?}"))
    };

    // Usual suspects: one row per organisation of the lens, the five flagged.
    let us = &findings["equity"]["usual_suspects"];
    let (h, rows) = csv_of(&out, "usual_suspects");
    assert_eq!(
        rows.len(),
        us["organisations"].as_array().map_or(0, Vec::len)
    );
    let top = col(&h, "top5");
    assert_eq!(rows.iter().filter(|r| r[top] == "true").count(), 5);

    // Led By: every tag, the ratio as in findings.
    let (h, rows) = csv_of(&out, "led_by_groups");
    let groups = findings["equity"]["groups"].as_array().expect("groups");
    assert_eq!(rows.len(), groups.len());
    let (tag, ratio) = (col(&h, "tag"), col(&h, "representation_ratio"));
    for g in groups {
        let row = rows
            .iter()
            .find(|r| r[tag] == g["tag"].as_str().unwrap_or(""))
            .expect("tag row");
        let want = g["representation_ratio"].as_f64().expect("ratio");
        assert!((row[ratio].parse::<f64>().expect("number") - want).abs() < 1e-9);
    }

    // Paid attendance: overall first, then each partnership; a missing rate says why.
    let (h, rows) = csv_of(&out, "paid_attendance");
    assert_eq!(rows[0][col(&h, "partnership")], "all");
    let (rate, note) = (col(&h, "covered_attendance_rate"), col(&h, "note"));
    for r in &rows {
        assert_eq!(r[rate].is_empty(), !r[note].is_empty(), "{r:?}");
    }

    // Trends: a long table of every year's figures; a missing value carries its reason.
    let (h, rows) = csv_of(&out, "trends");
    let (year, figure, value, why) = (
        col(&h, "year"),
        col(&h, "figure"),
        col(&h, "value"),
        col(&h, "note"),
    );
    let years = findings["trends"].as_array().expect("trends");
    for y in years {
        let label = y["label"].as_str().unwrap_or("");
        let row = rows
            .iter()
            .find(|r| r[year] == label && r[figure] == "vcse_share")
            .expect("vcse_share row");
        assert!(
            (row[value].parse::<f64>().expect("number") - y["vcse_share"].as_f64().expect("share"))
                .abs()
                < 1e-9
        );
    }
    for r in &rows {
        assert_eq!(r[value].is_empty(), !r[why].is_empty(), "{r:?}");
    }
}

#[test]
fn a_year_with_too_little_data_is_a_gap_with_its_reason_not_a_zero() {
    // Six grants in 2022-23, one in 2023-24 (too few for shares), six in 2024-25 (partial:
    // the data ends in May 2024... of the next year).
    let mut grants = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n");
    let mut n = 0;
    for (date, count) in [("2022-06-01", 6), ("2023-06-01", 1), ("2024-05-01", 6)] {
        for i in 0..count {
            n += 1;
            grants.push_str(&format!(
                "G{n},{},{date},GB-LAE-NBR,Northbridge Council,GB-CHC-11000{i:02},Cause {i}\n",
                1000 + 100 * i
            ));
        }
    }
    let data = dataset(&[("grants.csv", grants.as_bytes())]);
    // OUT beside the dataset: inside it is refused (issue 15).
    let outdir = tempfile::tempdir().expect("tmp");
    let out = outdir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert_real_chart(&out.join("charts/trends.png"));
    let (h, rows) = csv_of(&out, "trends");
    let at = |k: &str| h.iter().position(|x| x == k).expect("column");
    let row = rows
        .iter()
        .find(|r| r[at("year")] == "2023-24" && r[at("figure")] == "vcse_share")
        .expect("row");
    assert_eq!(row[at("value")], "", "a gap, not a zero");
    assert!(!row[at("note")].is_empty());
    let partial = rows
        .iter()
        .find(|r| r[at("year")] == "2024-25")
        .expect("2024-25");
    assert_eq!(partial[at("complete")], "false");
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("2024-25 (partial)"),
        "alt text marks the partial year"
    );
}

#[test]
fn public_output_draws_no_chart_of_single_organisations_seat_counts() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    assert_eq!(run(&["analyse", "-q", "--public", "-o", arg(&out)]).0, 0);
    let files = charts_in(&out);
    assert!(
        !files.iter().any(|f| f.starts_with("usual_suspects")),
        "{files:?}"
    );
    for name in [
        "led_by_groups",
        "paid_attendance",
        "community_burden",
        "trends",
    ] {
        assert!(files.contains(&format!("{name}.png")), "{name}: {files:?}");
    }
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(report.contains("Chart “usual suspects” not drawn: under --public"));
    // The burden table shows the disclosure-controlled count of people.
    assert!(report.contains("<td class=\"num\">fewer than 8</td>"));
}
