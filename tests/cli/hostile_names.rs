//! Names that attack the reader of an output (issue 15, "Also defects"): formulas in every
//! CSV fundflow writes, characters XML forbids in every SVG, ESC/OSC sequences on the
//! terminal.

use super::support::{arg, dataset, fundflow};
use std::path::{Path, PathBuf};

/// The characters OWASP's CSV-injection rule is about.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Organisation, partnership, programme, area and tag names that start with each formula
/// character, or carry C0 controls, ESC sequences and an OSC 8 hyperlink.
const NAMES: [&str; 10] = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+SUM(1+1)",
    "-2+3 Trust",
    "@Group Org",
    "\tTab Org",
    "\rCR Org",
    "Bell\u{7}Org",
    "Esc\u{1b}[2J Org",
    "\u{1b}]8;;http://evil.example\u{7}Link\u{1b}]8;;\u{7} Org",
    "Nul\u{1}Org\u{1f}",
];

fn csv_line(cells: &[&str]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(cells).expect("record");
    String::from_utf8(w.into_inner().expect("bytes")).expect("utf-8")
}

/// Three funders and ten recipients named from [`NAMES`], grants in 2022-23 and 2023-24, and
/// one partnership (its name, programme and area hostile too) whose fundholder hosts and
/// chairs every meeting (a DEFAULT-HOST flag: its message names the partnership and the
/// fundholder on the terminal).
fn hostile() -> tempfile::TempDir {
    let mut grants = csv_line(&[
        "Identifier",
        "Amount Awarded",
        "Award Date",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Grant Programme:Title",
        "Beneficiary Location:Name",
    ]);
    let mut n = 0;
    for year in [2022, 2023] {
        for (r, name) in NAMES.iter().enumerate() {
            n += 1;
            let f = r % 3;
            grants.push_str(&csv_line(&[
                &format!("G{n}"),
                &format!("{}", 1000 * (r + 1)),
                &format!("{year}-06-0{}", 1 + r % 9),
                &format!("GB-LAE-F{f}"),
                NAMES[(r + 3) % NAMES.len()],
                &format!("GB-CHC-{r}"),
                name,
                if f == 0 {
                    "=Programme"
                } else {
                    "@Other Programme"
                },
                if r % 2 == 0 { "@Area" } else { "-Area" },
            ]));
        }
    }
    let mut organisations = csv_line(&["Identifier", "Name", "Sector", "Led By"]);
    organisations.push_str(&csv_line(&["GB-LAE-F0", NAMES[8], "statutory", ""]));
    for (r, name) in NAMES.iter().enumerate() {
        organisations.push_str(&csv_line(&[
            &format!("GB-CHC-{r}"),
            name,
            "vcse",
            "=tag;@tag",
        ]));
    }
    let mut partnerships = csv_line(&["Partnership ID", "Name", "Fundholder", "Programme"]);
    partnerships.push_str(&csv_line(&[
        "P1",
        "=Partnership\u{1b}]8;;http://evil.example\u{7}",
        "GB-LAE-F0",
        "=Programme",
    ]));
    let mut meetings = csv_line(&[
        "Meeting ID",
        "Partnership ID",
        "Date",
        "Duration Hours",
        "Host",
        "Chair",
        "Decision",
        "Type",
    ]);
    let mut attendance = csv_line(&["Meeting ID", "Person ID", "Org ID", "Status"]);
    for m in 1..=6 {
        meetings.push_str(&csv_line(&[
            &format!("M{m}"),
            "P1",
            &format!("2023-0{}-10", m + 3),
            "2",
            "GB-LAE-F0",
            "GB-LAE-F0",
            "yes",
            "-board",
        ]));
        for r in 0..NAMES.len() {
            attendance.push_str(&csv_line(&[
                &format!("M{m}"),
                &format!("PER-{r}"),
                &format!("GB-CHC-{r}"),
                "attended",
            ]));
        }
        attendance.push_str(&csv_line(&[
            &format!("M{m}"),
            "PER-F",
            "GB-LAE-F0",
            "attended",
        ]));
    }
    dataset(&[
        ("grants.csv", grants.as_bytes()),
        ("organisations.csv", organisations.as_bytes()),
        ("partnerships.csv", partnerships.as_bytes()),
        ("meetings.csv", meetings.as_bytes()),
        ("attendance.csv", attendance.as_bytes()),
    ])
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().and_then(|e| e.to_str()) == Some(ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every CSV under `dir`: no text cell starts with a formula character (a cell that is a
/// number, a negative one included, is not text). Returns (CSV files, cells neutralised).
fn assert_no_formulas(dir: &Path) -> (usize, usize) {
    let files = files_with(dir, "csv");
    let mut quoted = 0;
    for p in &files {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(p)
            .expect("csv");
        for (line, rec) in r.records().enumerate() {
            for cell in rec.expect("record").iter() {
                if let Some(c) = cell.chars().next() {
                    assert!(
                        !FORMULA_STARTS.contains(&c) || cell.parse::<f64>().is_ok(),
                        "{}:{}: {cell:?}",
                        p.display(),
                        line + 1
                    );
                }
                quoted +=
                    usize::from(cell.starts_with('\'') && cell[1..].starts_with(FORMULA_STARTS));
            }
        }
    }
    (files.len(), quoted)
}

#[test]
fn no_csv_cell_is_a_formula_and_parquet_keeps_the_names() {
    let data = hostile();
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("out");
    let o = fundflow()
        .args(["analyse", arg(data.path()), "-q", "-o", arg(&out)])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (files, quoted) = assert_no_formulas(&out);
    assert!(files > 15, "{files} CSV files");
    assert!(
        quoted > 20,
        "only {quoted} cells neutralised: the names did not reach the CSVs"
    );

    // The Parquet tables keep the true names.
    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(out.join("tables/recipients.parquet")).expect("parquet");
    let df = ParquetReader::new(file).finish().expect("read parquet");
    let names: Vec<String> = df
        .column("name")
        .expect("name")
        .str()
        .expect("text")
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    for want in [NAMES[0], NAMES[1], NAMES[2], NAMES[3]] {
        assert!(names.iter().any(|n| n == want), "{want:?} not in {names:?}");
    }
    // Negative numbers stay numbers: the CSV and Parquet hold the same figures.
    let csv = std::fs::read_to_string(out.join("tables/recipients.csv")).expect("csv");
    assert!(csv.contains("'=HYPERLINK("), "{csv}");

    // compare.csv, compare_flags.csv and the change chart's data.
    let cmp = work.path().join("cmp");
    let o = fundflow()
        .args([
            "compare",
            arg(data.path()),
            "--base",
            "2022",
            "--to",
            "2023",
            "-o",
            arg(&cmp),
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (files, quoted) = assert_no_formulas(&cmp);
    assert!(files >= 2, "compare wrote {files} CSV files");
    assert!(quoted > 0, "no name reached compare's CSVs");
}

#[test]
fn every_svg_is_xml_and_the_terminal_gets_no_escape_sequence() {
    let data = hostile();
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("out");
    let o = fundflow()
        .args([
            "analyse",
            arg(data.path()),
            "--charts",
            "svg",
            "-o",
            arg(&out),
        ])
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    // The summary names the partnership (DEFAULT-HOST), escaped.
    assert!(!o.stderr.contains(&0x1b), "ESC on the terminal: {stderr:?}");
    assert!(!o.stderr.contains(&0x07), "BEL on the terminal: {stderr:?}");
    assert!(stderr.contains("\\u{1b}]8;;"), "{stderr}");

    // Every SVG, and every SVG inlined in report.html, parses as XML.
    let svgs = files_with(&out.join("charts"), "svg");
    assert!(svgs.len() > 10, "{} SVG charts", svgs.len());
    let script = r#"
import base64, re, sys, xml.etree.ElementTree as E
bad = []
for p in sys.argv[2:]:
    try: E.parse(p)
    except Exception as e: bad.append(f"{p}: {e}")
html = open(sys.argv[1], encoding="utf-8").read()
inline = re.findall(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)', html)
for i, b in enumerate(inline):
    try: E.fromstring(base64.b64decode(b))
    except Exception as e: bad.append(f"report.html image {i}: {e}")
print(len(inline))
if bad:
    print("\n".join(bad), file=sys.stderr); sys.exit(1)
"#;
    let mut cmd = std::process::Command::new("python3");
    cmd.arg("-c").arg(script).arg(out.join("report.html"));
    cmd.args(&svgs);
    let o = cmd.output().expect("python3 runs");
    assert!(
        o.status.success(),
        "invalid XML:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let inline: usize = String::from_utf8_lossy(&o.stdout)
        .trim()
        .parse()
        .expect("a count");
    assert!(inline > 10, "{inline} SVGs inlined in report.html");
    // The names reached the charts (as U+FFFD where XML forbids a character).
    let all: String = svgs
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("svg"))
        .collect();
    assert!(all.contains("Nul\u{FFFD}Org"), "the C0 name is in no chart");
}

#[test]
fn the_organisations_template_quotes_formulas_and_reads_back_the_true_names() {
    let data = hostile();
    let work = tempfile::tempdir().expect("tempdir");
    let template = work.path().join("template.csv");
    let o = fundflow()
        .args([
            "validate",
            arg(data.path()),
            "-q",
            "--organisations-template",
            arg(&template),
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (files, quoted) = assert_no_formulas(work.path());
    assert_eq!(files, 1);
    // Ten hostile names, six of them starting with a formula character, as recipients
    // and again as funders' names: at least the six recipients are quoted.
    assert!(quoted >= 6, "{quoted} cells quoted");

    // Put back as organisations.csv, it gives the same names as the grants did.
    std::fs::copy(&template, data.path().join("organisations.csv")).expect("copy");
    let out = work.path().join("out");
    let o = fundflow()
        .args(["analyse", arg(data.path()), "-q", "-o", arg(&out)])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("findings.json")).expect("findings"),
    )
    .expect("json");
    let names: Vec<&str> = f["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    // (organisations.csv cells are trimmed, so the tab and CR names come back without them.)
    for want in &NAMES[..6] {
        assert!(names.contains(&want.trim()), "{want:?} not in {names:?}");
    }
}

#[test]
fn validate_compare_and_graph_print_no_escape_sequence() {
    let data = hostile();
    let work = tempfile::tempdir().expect("tempdir");
    let (cmp, dot) = (work.path().join("cmp"), work.path().join("g.dot"));
    let d = arg(data.path());
    let runs: [&[&str]; 3] = [
        &["validate", d],
        &[
            "compare",
            d,
            "--base",
            "2022",
            "--to",
            "2023",
            "-o",
            arg(&cmp),
        ],
        &["graph", d, "--format", "dot", "-o", arg(&dot)],
    ];
    for args in runs {
        let o = fundflow().args(args).output().expect("runs");
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        for (what, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(
                !bytes.contains(&0x1b) && !bytes.contains(&0x07),
                "{args:?} printed a control character on {what}: {}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
