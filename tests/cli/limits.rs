//! Limits on input (issue 15, part 2): XLSX memory bombs, implausible dates, money sums
//! that would overflow, repeated JSON keys, config values out of range. Each defect has a
//! regression test here; the property tests feed arbitrary bytes and arbitrary XLSX cell
//! layouts to the loaders, in process (never a panic) and to the binary under an
//! address-space limit (never an abort, never unbounded memory).
//!
//! XLSX files are built by code (`zip` is already a dependency), never committed.

use super::support::{arg, dataset, run, validate_json, GRANTS};
use fundflow::load::{load_inputs, GrantsFormat, InputFile, Inputs, LoadOptions};
use proptest::prelude::*;
use std::borrow::Cow;
use std::io::Write;
use std::os::unix::process::CommandExt;

/// Address space the binary may use in the memory-capped runs: 1 GiB. A run on a small
/// dataset needs far less; the XFD1048576 bomb used to ask for 512 GiB.
const MEMORY_CAP: u64 = 1 << 30;

/// `fundflow ARGS` under [`MEMORY_CAP`]; returns (exit code, stderr). A killed or aborted
/// process has no exit code: -1.
fn run_capped(args: &[&str]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fundflow"));
    cmd.args(args).env("RUST_BACKTRACE", "1");
    // SAFETY: setrlimit is async-signal-safe, and the closure touches nothing else.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_CAP as libc::rlim_t,
                rlim_max: MEMORY_CAP as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A cell of a built sheet: its reference (`B2`) and its value; a value that parses as a
/// number is written as a number, anything else as an inline string.
type CellSpec<'a> = (&'a str, &'a str);

/// The XML of a worksheet holding `cells` (in the order given, one `<row>` per change of
/// row number), with the declared dimension `dimension`.
fn sheet_xml(dimension: &str, cells: &[CellSpec]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"{dimension}\"/><sheetData>"
    );
    let mut row: Option<String> = None;
    for (r, v) in cells {
        let row_number: String = r.chars().filter(char::is_ascii_digit).collect();
        if row.as_deref() != Some(row_number.as_str()) {
            if row.is_some() {
                xml.push_str("</row>");
            }
            xml.push_str(&format!("<row r=\"{row_number}\">"));
            row = Some(row_number);
        }
        let escaped = v
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        if v.parse::<f64>().is_ok() {
            xml.push_str(&format!("<c r=\"{r}\"><v>{v}</v></c>"));
        } else {
            xml.push_str(&format!(
                "<c r=\"{r}\" t=\"inlineStr\"><is><t>{escaped}</t></is></c>"
            ));
        }
    }
    if row.is_some() {
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// A workbook of one sheet whose XML is `sheet` (written by `write_sheet`, so a test can
/// stream a large part without holding it).
fn workbook(write_sheet: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    workbook_with(write_sheet, None)
}

/// A part of a built workbook: its name and what writes it.
type Part<'a> = (&'a str, &'a dyn Fn(&mut dyn Write));

/// [`workbook`] with one more part.
fn workbook_with(write_sheet: impl FnOnce(&mut dyn Write), extra: Option<Part>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, opts).expect("zip part");
        zip.write_all(text.as_bytes()).expect("zip write");
    };
    part("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>");
    part("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
    part("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Grants\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
    part("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
    if let Some((name, write)) = extra {
        zip.start_file(name, opts).expect("zip part");
        write(&mut zip);
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts)
        .expect("zip part");
    write_sheet(&mut zip);
    zip.finish().expect("zip").into_inner()
}

/// A workbook whose one sheet holds `cells`.
fn xlsx(dimension: &str, cells: &[CellSpec]) -> Vec<u8> {
    let xml = sheet_xml(dimension, cells);
    workbook(|w| w.write_all(xml.as_bytes()).expect("zip write"))
}

/// The header and two grants of [`GRANTS`], as cells of rows 1–3.
const GRANT_CELLS: [CellSpec; 21] = [
    ("A1", "Identifier"),
    ("B1", "Amount Awarded"),
    ("C1", "Award Date"),
    ("D1", "Funding Org:Identifier"),
    ("E1", "Funding Org:Name"),
    ("F1", "Recipient Org:Identifier"),
    ("G1", "Recipient Org:Name"),
    ("A2", "G1"),
    ("B2", "1000"),
    ("C2", "2023-04-01"),
    ("D2", "GB-LAE-NBR"),
    ("E2", "Northbridge Council"),
    ("F2", "GB-CHC-1100001"),
    ("G2", "Good Cause"),
    ("A3", "G2"),
    ("B3", "2500.50"),
    ("C3", "2023-05-01"),
    ("D3", "GB-LAE-NBR"),
    ("E3", "Northbridge Council"),
    ("F3", "360G-nbr-group"),
    ("G3", "Local Group"),
];

#[test]
fn a_built_workbook_loads_like_the_csv() {
    let d = dataset(&[("grants.xlsx", &xlsx("A1:G3", &GRANT_CELLS))]);
    let v = validate_json(&[arg(d.path())]);
    assert_eq!(v["files"][0]["rows_used"], 2, "{v}");
    // £1,000.00 + £2,500.50.
    assert_eq!(v["totals"]["amount"], 3500.5);
}

#[test]
fn the_xfd1048576_dimension_bomb_is_a_clear_error_under_a_memory_cap() {
    // The 1.7 KB bomb: two grants and one more cell at the sheet's last cell, the
    // dimension declaring all 17 billion cells. It used to abort asking for 512 GiB (the
    // sheet as a rectangle of 32-byte cells). Now the far cell's row is a row with nothing
    // under the header: strict mode lists it, under the cap.
    let mut cells = GRANT_CELLS.to_vec();
    cells.push(("XFD1048576", "x"));
    let bomb = xlsx("A1:XFD1048576", &cells);
    assert!(bomb.len() < 2_000, "{} bytes", bomb.len());
    let d = dataset(&[("grants.xlsx", &bomb)]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
    assert!(
        err.contains("grants.xlsx:1048576:Identifier: \"\": Identifier is empty"),
        "{err}"
    );
    let (code, err) = run_capped(&["validate", "--skip-invalid", arg(d.path())]);
    assert_eq!(code, 0, "{err}");
    // A lone cell there is the header row: 16,384 columns wide, refused by name.
    let lone = xlsx("A1:XFD1048576", &[("XFD1048576", "x")]);
    let d = dataset(&[("grants.xlsx", &lone)]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("grants.xlsx:1048576: the header row reaches column XFD (16384 columns); at most 1024 columns are read"),
        "{err}"
    );
}

#[test]
fn stray_far_cells_cost_nothing_and_a_declared_dimension_is_not_trusted() {
    // The two grants, plus one stray value at XFD3000 (the 1.5 GB case) and a
    // dimension claiming the whole sheet: the grants load, the stray cell's row is a row
    // (with no values under the header, so an invalid one), and memory stays small.
    let mut cells = GRANT_CELLS.to_vec();
    cells.push(("XFD3000", "note"));
    let d = dataset(&[("grants.xlsx", &xlsx("A1:XFD1048576", &cells))]);
    let (code, err) = run_capped(&["validate", "--skip-invalid", arg(d.path())]);
    assert_eq!(code, 0, "{err}");
    let v = validate_json(&["--skip-invalid", arg(d.path())]);
    assert_eq!(v["files"][0]["rows_read"], 3, "{v}");
    assert_eq!(v["files"][0]["rows_used"], 2, "{v}");
}

#[test]
fn a_sheet_inflating_past_its_limit_is_refused_by_what_it_inflates_to() {
    // 600 MiB of spaces inside <sheetData> deflate to well under a megabyte; the sheet
    // limit is 512 MiB. The archive's declared sizes are never consulted: the loader counts
    // what inflation yields, and stops one byte past the limit.
    let bomb = workbook(|w| {
        let head = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
        w.write_all(head.as_bytes()).expect("write");
        std::io::copy(&mut std::io::repeat(b' ').take(600 << 20), w).expect("write");
        w.write_all(b"</sheetData></worksheet>").expect("write");
    });
    assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
    let d = dataset(&[("grants.xlsx", &bomb)]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("grants.xlsx: workbook refused: its part xl/worksheets/sheet1.xml inflates to more than 512 MiB"),
        "{err}"
    );
}

#[test]
fn shared_strings_past_their_limit_are_refused_before_they_are_held() {
    // 129 MiB of one-character shared strings would take about 440 MB held as strings;
    // the limit is 128 MiB of XML, checked before calamine reads them.
    let strings = |w: &mut dyn Write| {
        w.write_all(b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">")
            .expect("write");
        let si = b"<si><t>a</t></si>".repeat(1 << 16);
        // 17 bytes × 65,536 × 130 = 138 MiB: past 128 MiB.
        for _ in 0..130 {
            w.write_all(&si).expect("write");
        }
        w.write_all(b"</sst>").expect("write");
    };
    let xml = sheet_xml("A1:G3", &GRANT_CELLS);
    let bomb = workbook_with(
        |w| w.write_all(xml.as_bytes()).expect("write"),
        Some(("xl/sharedStrings.xml", &strings)),
    );
    let d = dataset(&[("grants.xlsx", &bomb)]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("its part xl/sharedStrings.xml inflates to more than 128 MiB"),
        "{err}"
    );
}

#[test]
fn one_giant_cell_is_refused_before_it_is_held() {
    // A sheet that is one 40 MiB inline string: the XML reader would hold it whole (a
    // 500 MiB cell took 1 GB). No tag or text in an XML part may pass 16 MiB.
    let giant = workbook(|w| {
        let head = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>";
        w.write_all(head.as_bytes()).expect("write");
        std::io::copy(&mut std::io::repeat(b'a').take(40 << 20), w).expect("write");
        w.write_all(b"</t></is></c></row></sheetData></worksheet>")
            .expect("write");
    });
    let d = dataset(&[("grants.xlsx", &giant)]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("its part xl/worksheets/sheet1.xml holds a tag or a text longer than 16 MiB"),
        "{err}"
    );
}

#[test]
fn a_cell_over_the_field_limit_is_an_invalid_row_naming_its_size() {
    // 2 MiB in the recipient name of the second grant: under the XML limits, over the 1 MiB
    // field limit, as in CSV.
    let big = "x".repeat(2 << 20);
    let mut cells = GRANT_CELLS.to_vec();
    cells[20] = ("G3", big.as_str());
    let d = dataset(&[("grants.xlsx", &xlsx("A1:G3", &cells))]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "grants.xlsx:3:Recipient Org:Name: field is 2097152 bytes; the limit is 1048576 bytes"
        ),
        "{err}"
    );
}

use std::io::Read as _;

/// A grants CSV of `rows` (award date, planned end, duration).
fn grants_with(rows: &[(&str, &str, &str)]) -> String {
    let mut csv = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name,Planned Dates:End Date,Planned Dates:Duration (months)\n");
    for (i, (award, end, months)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "G{i},100,{award},GB-LAE-X,X,GB-CHC-{i},Y,{end},{months}\n"
        ));
    }
    csv
}

#[test]
fn award_dates_in_year_0_and_9999_are_invalid_rows() {
    let csv = grants_with(&[
        ("2023-04-01", "", ""),
        ("0000-04-01", "", ""),
        ("9999-12-31", "", ""),
    ]);
    let d = dataset(&[("grants.csv", csv.as_bytes())]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    for (line, value) in [(3, "0000-04-01"), (4, "9999-12-31")] {
        let want = format!("grants.csv:{line}:Award Date: \"{value}\": date is outside the plausible range 1900-01-01 to 2100-12-31");
        assert!(err.contains(&want), "{want}\n{err}");
    }
    // With --skip-invalid the trend spans the one plausible year, not 10,000.
    let out = tempfile::tempdir().expect("tempdir");
    let o = out.path().join("o");
    let (code, _, err) = run(&[
        "analyse",
        "--skip-invalid",
        "-q",
        arg(d.path()),
        "-o",
        arg(&o),
    ]);
    assert_eq!(code, 0, "{err}");
    let f: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.join("findings.json")).expect("findings"))
            .expect("json");
    assert_eq!(f["trends"].as_array().map(Vec::len), Some(1));
}

#[test]
fn odd_optional_dates_and_durations_are_ignored_with_a_warning() {
    // A planned end in 9999 and a duration of 10^9 months: the grants are used, the odd
    // fields ignored (the period falls back to 12 months) and counted as warnings.
    let csv = grants_with(&[
        ("2023-04-01", "9999-12-31", ""),
        ("2023-04-01", "", "1000000000"),
    ]);
    let d = dataset(&[("grants.csv", csv.as_bytes())]);
    let v = validate_json(&[arg(d.path())]);
    let g = &v["files"][0];
    assert_eq!(g["rows_used"], 2, "{v}");
    assert_eq!(g["warnings"]["planned-date-invalid"]["count"], 1, "{v}");
    assert_eq!(g["warnings"]["duration-invalid"]["count"], 1, "{v}");
    let ex = g["warnings"]["planned-date-invalid"]["examples"][0]
        .as_str()
        .unwrap_or("");
    assert!(ex.contains("outside the plausible range"), "{ex}");
}

#[test]
fn meeting_and_payment_dates_out_of_range_are_invalid_and_periods_are_warnings() {
    let partnerships = "Partnership ID,Name,Fundholder,Programme\nP1,T,GB-LAE-X,X\n";
    let meetings = "Meeting ID,Partnership ID,Date,Duration Hours,Host,Chair,Decision,Type\nM1,P1,2023-05-01,2,GB-LAE-X,,yes,board\nM2,P1,1850-05-01,2,GB-LAE-X,,yes,board\n";
    let payments = "Payment ID,Payer,Payee Person ID,Payee Org ID,Meeting ID,Period Start,Period End,Amount,Type,Date\nX1,GB-LAE-X,,GB-CHC-0,,,,40,involvement,2101-01-01\nX2,GB-LAE-X,,GB-CHC-0,,2023-01-01,9999-01-01,40,involvement,2023-05-02\n";
    let csv = grants_with(&[("2023-04-01", "", "")]);
    let d = dataset(&[
        ("grants.csv", csv.as_bytes()),
        ("partnerships.csv", partnerships.as_bytes()),
        ("meetings.csv", meetings.as_bytes()),
        ("payments.csv", payments.as_bytes()),
    ]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("meetings.csv:3:Date: \"1850-05-01\": date is outside"),
        "{err}"
    );
    assert!(
        err.contains("payments.csv:2:Date: \"2101-01-01\": date is outside"),
        "{err}"
    );
    assert!(err.contains("2 invalid rows found"), "{err}");
    let v = validate_json(&["--skip-invalid", arg(d.path())]);
    let pay = v["files"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["role"] == "payments"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(pay["warnings"]["period-invalid"]["count"], 1, "{pay}");
}

#[test]
fn dates_on_the_command_line_lie_in_the_same_range() {
    let d = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let out = tempfile::tempdir().expect("tempdir");
    let o = out.path().join("o");
    for args in [
        vec!["--as-of", "0000-01-01"],
        vec!["--from", "9999-01-01"],
        vec!["--to", "2101-01-01"],
        vec!["--fy", "9999"],
    ] {
        let mut all = vec!["analyse", arg(d.path()), "-o", arg(&o)];
        all.extend(args.iter().copied());
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!o.exists(), "{args:?} wrote output");
    }
    let (code, _, err) = run(&[
        "analyse",
        arg(d.path()),
        "-o",
        arg(&o),
        "--as-of",
        "0000-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("outside the plausible range 1900-01-01 to 2100-12-31"),
        "{err}"
    );
}

/// `n` rows of the largest amount accepted, £9,999,999,999,999.99 (13 digits of pounds).
fn huge_grants(n: usize) -> String {
    let mut csv = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n");
    for i in 0..n {
        csv.push_str(&format!(
            "G{i},9999999999999.99,2023-04-01,GB-LAE-X,X,GB-CHC-{i},Y\n"
        ));
    }
    csv
}

#[test]
fn money_sums_that_would_overflow_are_a_clear_error_not_a_wrong_figure() {
    // The case: 9,500 grants of £9,999,999,999,999.99 totalled £-89467440.7bn.
    // Each is 999,999,999,999,999 pence; i64::MAX is 9,223,372,036,854,775,807. After
    // 9,223 grants the total is 9,222,999,999,999,990,777 (fits); the 9,224th takes it to
    // 9,223,999,999,999,990,776 (does not). It is on line 9,225 (the header is line 1).
    let d = dataset(&[("grants.csv", huge_grants(9_500).as_bytes())]);
    let out = tempfile::tempdir().expect("tempdir");
    let o = out.path().join("o");
    let (code, _, err) = run(&["analyse", arg(d.path()), "-o", arg(&o)]);
    assert_eq!(code, 2, "{err}");
    assert!(!o.exists(), "nothing is written");
    assert!(
        err.contains("grants.csv:9225:Amount Awarded: \"9999999999999.99\": the grant amounts of this file add up past £92,233,720,368,547,758.07"),
        "{err}"
    );
    assert!(!err.contains("bn"), "{err}");
    // One grant fewer than the overflow: the total is exact.
    let d = dataset(&[("grants.csv", huge_grants(9_223).as_bytes())]);
    let v = validate_json(&[arg(d.path())]);
    assert_eq!(v["files"][0]["rows_used"], 9_223);
}

#[test]
fn payment_sums_are_checked_too() {
    let mut payments = String::from("Payment ID,Payer,Payee Person ID,Payee Org ID,Meeting ID,Period Start,Period End,Amount,Type,Date\n");
    for i in 0..9_300 {
        payments.push_str(&format!(
            "X{i},GB-LAE-X,,GB-CHC-1,,,,9999999999999.99,involvement,2023-05-02\n"
        ));
    }
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("payments.csv", payments.as_bytes()),
    ]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("payments.csv:9225:Amount: \"9999999999999.99\": the payment amounts of this file add up past"),
        "{err}"
    );
}

/// A 360Giving package of one grant whose object text is `fields` (after the id).
fn json_grant(fields: &str) -> String {
    format!(
        "{{\"grants\": [\n  {{\"id\": \"G1\",\n{fields}\n   \"awardDate\": \"2023-04-01\",\n   \"fundingOrganization\": [{{\"id\": \"GB-LAE-X\", \"name\": \"X\"}}],\n   \"recipientOrganization\": [{{\"id\": \"GB-CHC-1\", \"name\": \"Y\"}}]}}\n]}}"
    )
}

#[test]
fn a_needed_json_key_repeated_with_different_values_is_an_invalid_row() {
    let json = json_grant("   \"amountAwarded\": 100,\n   \"amountAwarded\": 200,");
    let d = dataset(&[("grants.json", json.as_bytes())]);
    let (code, _, err) = run(&["validate", arg(d.path())]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("grants.json:grants[0].amountAwarded: key \"amountAwarded\" appears twice with different values, 100 and 200 (lines 3 and 4); which one is meant cannot be known"),
        "{err}"
    );
}

#[test]
fn unread_json_is_skipped_not_held_under_a_memory_cap() {
    // A valid grant padded with 20 million unread numbers (40 MB): held as a JSON tree they
    // took about 36 bytes of memory per byte of file (a 50 MB file, 1.8 GB). Only the
    // fields the loader reads are kept now.
    let padding = "0,".repeat(20_000_000);
    let json = json_grant(&format!(
        "   \"amountAwarded\": 100,\n   \"padding\": [{padding}0],"
    ));
    let d = dataset(&[("grants.json", json.as_bytes())]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn identical_or_optional_repeats_are_warnings_and_the_grant_is_used() {
    // The amount twice with the same value; the title twice with different values (an
    // optional field: ignored); a key fundflow does not read, twice.
    let json = json_grant("   \"amountAwarded\": 100,\n   \"amountAwarded\": 100,\n   \"title\": \"A\",\n   \"title\": \"B\",\n   \"x\": 1,\n   \"x\": 2,");
    let d = dataset(&[("grants.json", json.as_bytes())]);
    let v = validate_json(&[arg(d.path())]);
    let g = &v["files"][0];
    assert_eq!(g["rows_used"], 1, "{v}");
    assert_eq!(g["warnings"]["json-duplicate-key"]["count"], 3, "{v}");
    assert_eq!(v["totals"]["amount"], 100.0);
    let examples = g["warnings"]["json-duplicate-key"]["examples"].to_string();
    assert!(examples.contains("\\\"title\\\" appears twice with different values, \\\"A\\\" and \\\"B\\\" (lines 5 and 6); ignored"), "{examples}");
}

/// `analyse` with `fundflow.toml` holding `toml`; returns (exit code, stderr).
fn with_config(toml: &str) -> (i32, String) {
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("fundflow.toml", toml.as_bytes()),
    ]);
    let out = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(&["analyse", arg(d.path()), "-o", arg(&out.path().join("o"))]);
    (code, err)
}

#[test]
fn every_bad_config_value_is_refused_with_its_line_and_range() {
    for (toml, want) in [
        (
            "hourly_rate = nan\n",
            "fundflow.toml:1: hourly_rate = NaN: must be money in pounds",
        ),
        (
            "hourly_rate = inf\n",
            "fundflow.toml:1: hourly_rate = inf: must be money",
        ),
        (
            "\nhourly_rate = -12.0\n",
            "fundflow.toml:2: hourly_rate = -12: must be money",
        ),
        (
            "dependency = { medium = nan, high = 0.75 }\n",
            "fundflow.toml:1: dependency.medium = NaN: must be a ratio",
        ),
        (
            "[concentration]\nmedium = 0.5\nhigh = 7\n",
            "fundflow.toml:3: concentration.high = 7: must be a share",
        ),
        (
            "dominance = { medium = 0.8, high = 0.7 }\n",
            "dominance: medium = 0.8, high = 0.7: medium must not be above high",
        ),
        (
            "under_funded = { medium = 0.25, high = 0.5 }\n",
            "under_funded: medium = 0.25, high = 0.5: high must not be above medium",
        ),
        (
            "short_term = -0.1\n",
            "fundflow.toml:1: short_term = -0.1: must be a share",
        ),
        (
            "cliff_min_income_share = inf\n",
            "cliff_min_income_share = inf: must be a ratio",
        ),
        (
            "default_fair_share_multiple = -2.0\n",
            "default_fair_share_multiple = -2: must be a ratio",
        ),
        (
            "participation_gap = { medium = 0.2, high = -0.35 }\n",
            "participation_gap.high = -0.35: must be a share",
        ),
        ("default_min_meetings = -4\n", "default_min_meetings"),
    ] {
        let (code, err) = with_config(toml);
        assert_eq!(code, 2, "{toml}: {err}");
        assert!(
            err.contains("fundflow.toml:") && err.contains(want),
            "{toml}: {err}"
        );
    }
}

#[test]
fn the_config_used_is_said_on_stderr_and_recorded_by_name() {
    let d = dataset(&[
        ("grants.csv", GRANTS.as_bytes()),
        ("fundflow.toml", b"hourly_rate = 15.0\n"),
    ]);
    let out = tempfile::tempdir().expect("tempdir");
    let o = out.path().join("o");
    let (code, _, err) = run(&["analyse", arg(d.path()), "-o", arg(&o)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Config: ") && err.contains("fundflow.toml"),
        "{err}"
    );
    let f: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.join("findings.json")).expect("findings"))
            .expect("json");
    // The name only: no absolute path reaches an output.
    assert_eq!(f["parameters"]["config_file"], "fundflow.toml");
    let html = std::fs::read_to_string(o.join("report.html")).expect("report");
    assert!(html.contains("Every threshold used (from fundflow.toml)"));

    let plain = dataset(&[("grants.csv", GRANTS.as_bytes())]);
    let o2 = out.path().join("o2");
    let (code, _, err) = run(&["analyse", arg(plain.path()), "-o", arg(&o2)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Config: built-in defaults"), "{err}");
    let f: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o2.join("findings.json")).expect("findings"))
            .expect("json");
    assert_eq!(f["parameters"]["config_file"], "built-in defaults");
    let (_, _, err) = run(&["analyse", "-q", arg(plain.path()), "-o", arg(&o2)]);
    assert!(!err.contains("Config:"), "quiet: {err}");
}

fn grants_input(name: &str, format: GrantsFormat, bytes: Vec<u8>) -> Inputs {
    Inputs {
        grants: Some((
            InputFile {
                name: name.to_owned(),
                bytes: Cow::Owned(bytes),
            },
            format,
        )),
        organisations: None,
        partnerships: None,
        meetings: None,
        attendance: None,
        payments: None,
    }
}

/// An Excel cell reference: column 0..16384, row 0..1048576.
fn cell_ref(col: u32, row: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Arbitrary cell layouts: cells anywhere up to XFD1048576 (and often near the header),
/// values drawn from header names, amounts, dates, words and long runs.
fn layout() -> impl Strategy<Value = (String, Vec<(String, String)>)> {
    let col = prop_oneof![0u32..8, 0u32..16_384];
    let row = prop_oneof![0u32..6, 0u32..1_048_576];
    let value = prop_oneof![
        Just("Identifier".to_owned()),
        Just("Amount Awarded".to_owned()),
        Just("Award Date".to_owned()),
        Just("Funding Org:Identifier".to_owned()),
        Just("Funding Org:Name".to_owned()),
        Just("Recipient Org:Identifier".to_owned()),
        Just("Recipient Org:Name".to_owned()),
        "[0-9]{1,16}(\\.[0-9]{1,3})?",
        "(0000|1899|1900|2023|2100|9999)-(0[1-9]|12)-(01|31)",
        "[A-Za-z:<>& -]{0,12}",
        (1usize..3000).prop_map(|n| "x".repeat(n)),
    ];
    let dimension = prop_oneof![Just("A1".to_owned()), Just("A1:XFD1048576".to_owned())];
    (
        dimension,
        proptest::collection::vec(((col, row), value), 0..40),
    )
        .prop_map(|(dim, cells)| {
            let cells = cells
                .into_iter()
                .map(|((c, r), v)| (cell_ref(c, r), v))
                .collect();
            (dim, cells)
        })
}

fn build(dim: &str, cells: &[(String, String)]) -> Vec<u8> {
    let specs: Vec<CellSpec> = cells
        .iter()
        .map(|(r, v)| (r.as_str(), v.as_str()))
        .collect();
    xlsx(dim, &specs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// In process: any cell layout loads or is refused, never a panic.
    #[test]
    fn arbitrary_xlsx_layouts_never_panic((dim, cells) in layout(), skip in any::<bool>()) {
        let opts = LoadOptions { skip_invalid: skip, ..LoadOptions::default() };
        let _ = load_inputs(&grants_input("grants.xlsx", GrantsFormat::Xlsx, build(&dim, &cells)), &opts);
    }

    /// In process: arbitrary bytes as each grants format, and as the sheet of a real zip.
    #[test]
    fn arbitrary_bytes_as_grants_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), format in 0usize..4) {
        let inputs = match format {
            0 => grants_input("grants.csv", GrantsFormat::Csv, bytes),
            1 => grants_input("grants.json", GrantsFormat::Json, bytes),
            2 => grants_input("grants.xlsx", GrantsFormat::Xlsx, bytes),
            _ => grants_input("grants.xlsx", GrantsFormat::Xlsx, workbook(|w| w.write_all(&bytes).expect("write"))),
        };
        let _ = load_inputs(&inputs, &LoadOptions::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The binary under a 1 GiB address-space cap: any layout ends with exit 0 or 2 (never
    /// an abort, a signal or a panic).
    #[test]
    fn arbitrary_xlsx_layouts_stay_under_a_memory_cap((dim, cells) in layout()) {
        let d = dataset(&[("grants.xlsx", &build(&dim, &cells))]);
        let (code, err) = run_capped(&["validate", "--skip-invalid", arg(d.path())]);
        prop_assert!(code == 0 || code == 2, "exit {code}: {err}");
        prop_assert!(!err.contains("panicked"), "{err}");
    }

    /// The same for arbitrary bytes as each grants format.
    #[test]
    fn arbitrary_bytes_stay_under_a_memory_cap(bytes in proptest::collection::vec(any::<u8>(), 0..600), name in prop_oneof![Just("grants.csv"), Just("grants.json"), Just("grants.xlsx")]) {
        let d = dataset(&[(name, &bytes)]);
        let (code, err) = run_capped(&["validate", "--skip-invalid", arg(d.path())]);
        prop_assert!(code == 0 || code == 2, "exit {code}: {err}");
        prop_assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_capped_runner_passes_a_normal_run() {
    // The cap is not what fails the tests above: a normal dataset runs under it.
    let d = dataset(&[("grants.xlsx", &xlsx("A1:G3", &GRANT_CELLS))]);
    let (code, err) = run_capped(&["validate", arg(d.path())]);
    assert_eq!(code, 0, "{err}");
}
