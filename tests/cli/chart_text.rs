//! Charts that print (issue 18, item 6): no name of up to 60 characters is shortened, no
//! text is smaller than 8 pt when a chart is printed 15 cm wide, and the report's tables
//! read as words and pounds, not variable names.
//! Every chart is checked, the heatmap, flows and trends included (the 8-pt floor is in
//! `Scene`; names wrap through `scene::label_lines` or `scene::wrap`).

use super::support::{arg, fundflow, root};
use std::path::{Path, PathBuf};

/// `name` lengthened to exactly 60 characters with words (names already that long are
/// left as they are).
fn sixty(name: &str) -> String {
    const FILLER: [&str; 12] = [
        "Community",
        "Partnership",
        "Trust",
        "for",
        "the",
        "Wider",
        "Northbridge",
        "District",
        "and",
        "Surrounding",
        "Villages",
        "Network",
    ];
    let mut s = name.trim().to_owned();
    if s.chars().count() >= 60 {
        return s;
    }
    let mut i = 0;
    while s.chars().count() < 60 {
        s.push(' ');
        s.push_str(FILLER[i % FILLER.len()]);
        i += 1;
    }
    let mut s: String = s.chars().take(60).collect();
    if s.ends_with(' ') {
        s.pop();
        s.push('s');
    }
    s
}

/// The example's CSVs with every organisation, funder and partnership name made 60
/// characters long; returns the folder and the long names.
fn long_names() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut names = Vec::new();
    let example = root().join("data/example");
    for file in [
        "attendance.csv",
        "grants.csv",
        "meetings.csv",
        "organisations.csv",
        "partnerships.csv",
        "payments.csv",
    ] {
        let mut r = csv::Reader::from_path(example.join(file)).expect("example csv");
        let headers = r.headers().expect("headers").clone();
        let rename: Vec<bool> = headers
            .iter()
            .map(|h| matches!(h, "Name" | "Funding Org:Name" | "Recipient Org:Name"))
            .collect();
        let mut w = csv::Writer::from_path(dir.path().join(file)).expect("write csv");
        w.write_record(&headers).expect("headers");
        for rec in r.records() {
            let rec = rec.expect("record");
            let row: Vec<String> = rec
                .iter()
                .zip(&rename)
                .map(|(cell, long)| {
                    if *long && !cell.trim().is_empty() {
                        let l = sixty(cell);
                        names.push(l.clone());
                        l
                    } else {
                        cell.to_owned()
                    }
                })
                .collect();
            w.write_record(&row).expect("row");
        }
        w.flush().expect("flush");
    }
    names.sort();
    names.dedup();
    (dir, names)
}

/// `fundflow analyse [DATA] -q -o OUT`; returns OUT.
fn analyse(data: Option<&Path>, out: &Path) -> PathBuf {
    let mut args = vec!["analyse"];
    if let Some(d) = data {
        args.push(arg(d));
    }
    args.extend(["-q", "-o", arg(out)]);
    let o = fundflow().args(&args).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.to_path_buf()
}

/// Every SVG chart in OUT/charts: (file stem, width, texts in drawing order, font sizes).
fn svgs(out: &Path) -> Vec<(String, f64, Vec<String>, Vec<f64>)> {
    let mut all = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join("charts"))
        .expect("charts folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    files.sort();
    for p in files {
        let s = std::fs::read_to_string(&p).expect("svg");
        let width: f64 = attr(&s, "width").parse().expect("width");
        let mut texts = Vec::new();
        let mut sizes = Vec::new();
        for piece in s.split("<text ").skip(1) {
            sizes.push(attr(piece, "font-size").parse().expect("font-size"));
            let body = piece
                .split_once('>')
                .and_then(|(_, b)| b.split_once("</text>"))
                .map(|(b, _)| b.trim())
                .expect("text body");
            texts.push(unescape(body));
        }
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("stem")
            .to_owned();
        all.push((stem, width, texts, sizes));
    }
    assert!(all.len() > 10, "charts drawn: {}", all.len());
    all
}

fn attr<'a>(s: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let from = s.find(&key).expect("attribute") + key.len();
    let len = s[from..].find('"').expect("closing quote");
    &s[from..from + len]
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The 8-pt floor in SVG font-size units: the SVG writes font-size = size ÷ 1.164 (see
/// src/render/charts/scene.rs), and 8 pt at 15 cm is 2.822 mm × width ÷ 150 mm pixels: 33.87 px,
/// so 29.10 in the SVG, on the 1800-px canvas.
fn floor(width: f64) -> f64 {
    8.0 / 72.0 * 25.4 * width / 150.0 / 1.164
}

fn assert_8pt(out: &Path) {
    for (stem, width, texts, sizes) in svgs(out) {
        for (t, s) in texts.iter().zip(&sizes) {
            assert!(
                *s >= floor(width) - 1e-6,
                "{stem}: “{t}” at font-size {s} < {} (8 pt at 15 cm)",
                floor(width)
            );
        }
    }
}

#[test]
fn no_chart_text_of_the_example_is_below_8pt_at_15cm() {
    // Hand check of the floor: 1800 px at 15 cm → 0.0833 mm a pixel; 8 pt = 8/72 in =
    // 2.8222 mm = 33.87 px; ÷ 1.164 = 29.10.
    assert!((floor(1800.0) - 29.096).abs() < 0.001);
    let tmp = tempfile::tempdir().expect("tempdir");
    assert_8pt(&analyse(None, &tmp.path().join("out")));
}

#[test]
fn sixty_character_names_are_not_shortened() {
    assert_eq!(sixty("Age Well Northbridge").chars().count(), 60);
    let (data, names) = long_names();
    assert!(names.len() > 20, "{}", names.len());
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = analyse(Some(data.path()), &tmp.path().join("out"));
    assert_8pt(&out);
    let mut shown = 0;
    for (stem, _, texts, _) in svgs(&out) {
        // No text is a name cut short.
        for t in &texts {
            if let Some(cut) = t.strip_suffix('…') {
                let cut = cut.trim_end();
                assert!(
                    !names.iter().any(|n| n.starts_with(cut)),
                    "{stem}: name shortened to “{t}”"
                );
            }
        }
        // A name whose first line is drawn is there in full once the lines are joined.
        let joined = texts.join(" ");
        for n in &names {
            let words: Vec<&str> = n.split(' ').collect();
            let start = words[..3.min(words.len())].join(" ");
            if texts.iter().any(|t| t.starts_with(&start)) {
                assert!(joined.contains(n.as_str()), "{stem}: “{n}” not in full");
                shown += 1;
            }
        }
    }
    assert!(shown > 20, "names checked: {shown}");
}

#[test]
fn no_name_in_the_example_charts_is_shortened() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = analyse(None, &tmp.path().join("out"));
    let orgs = std::fs::read_to_string(root().join("data/example/organisations.csv"))
        .expect("organisations");
    for (stem, _, texts, _) in svgs(&out) {
        for t in &texts {
            if let Some(cut) = t.strip_suffix('…') {
                // A shortened band label ("hi…" for "high") is not a name.
                assert!(
                    cut.chars().count() < 4 || !orgs.contains(cut.trim_end()),
                    "{stem}: “{t}”"
                );
            }
        }
    }
}

#[test]
fn report_tables_read_as_words_and_pounds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = analyse(None, &tmp.path().join("out"));
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    let snake = |s: &str| {
        s.contains('_')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let cells = |tag: &str| -> Vec<String> {
        html.split(&format!("<{tag}"))
            .skip(1)
            .filter_map(|p| p.split_once('>'))
            .filter_map(|(_, b)| b.split_once(&format!("</{tag}>")))
            .map(|(b, _)| b.to_owned())
            .collect()
    };
    let headings = cells("th");
    assert!(headings.len() > 50, "{}", headings.len());
    for h in &headings {
        assert!(!snake(h) && !h.contains('_'), "heading “{h}”");
    }
    let data = cells("td");
    for d in &data {
        assert!(!snake(d), "cell “{d}”");
        // No raw money: "2755430.00" (digits, a point, two digits).
        let raw = d.len() > 4
            && d.split_once('.').is_some_and(|(a, b)| {
                a.len() >= 4 && a.bytes().all(|c| c.is_ascii_digit()) && b.len() == 2
            });
        assert!(!raw, "cell “{d}”");
    }
    // The example's 2022-23 total (trends table) and the VCSE total (funding by sector) in
    // exact pounds; the first partnership by name, not P1.
    for want in [
        "£2,755,430",
        "£4,634,421",
        "Healthy Northbridge Partnership",
    ] {
        assert!(data.iter().any(|d| d == want), "{want}");
    }
    assert!(!data.iter().any(|d| d == "P1"));
}
