//! Paid participation in pounds (issue 18, item 3): the example's `tables/payments.csv`
//! against figures computed independently with a Python script over
//! data/example/{payments,meetings,attendance}.csv (the script sums `Amount` in whole pence per
//! block: a payment naming a meeting in meetings.csv goes to that meeting's partnership, any
//! other to "not tied"; covered hours are the hours of attended rows that a non-expenses
//! payment of the block names by person or organisation and by meeting or covering period).

use super::support::{arg, run};

/// The CSV's rows as (scope, partnership) → column → cell.
fn rows(csv: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    lines
        .map(|l| {
            // No cell of this table holds a comma but the quoted empty ones.
            head.iter()
                .zip(l.split(','))
                .map(|(h, c)| ((*h).to_owned(), c.trim_matches('"').to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn the_examples_payments_table_matches_independent_sums() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", "-o", arg(&out), "--charts", "none"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("tables/payments.csv")).expect("payments.csv");
    let rows = rows(&csv);
    let find = |scope: &str, p: &str| {
        rows.iter()
            .find(|r| r["scope"] == scope && r["partnership"] == p)
            .unwrap_or_else(|| panic!("no row {scope} {p}:\n{csv}"))
    };
    let num = |r: &std::collections::HashMap<String, String>, k: &str| -> Option<f64> {
        (!r[k].is_empty()).then(|| r[k].parse().expect("number"))
    };
    // (scope, partnership, paid, involvement, backfill, honorarium, expenses, covered hours,
    // £ per covered hour) from the Python script.
    let expected = [
        ("partnership", "P1", 318.5, 0.0, 0.0, 0.0, 318.5, 0.0, None),
        (
            "partnership",
            "P2",
            18_831.5,
            18_560.0,
            0.0,
            0.0,
            271.5,
            928.0,
            Some(20.0),
        ),
        ("partnership", "P3", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, None),
        // PAY-00445 (backfill £750) and the council's honoraria (£7,800) name a period only.
        (
            "not tied to one partnership",
            "",
            8_550.0,
            0.0,
            750.0,
            7_800.0,
            0.0,
            211.5,
            Some(8_550.0 / 211.5),
        ),
        (
            "overall",
            "",
            27_700.0,
            18_560.0,
            750.0,
            7_800.0,
            590.0,
            1_139.5,
            Some((27_700.0 - 590.0) / 1_139.5),
        ),
    ];
    for (scope, p, paid, inv, back, hon, exp, hours, per_hour) in expected {
        let r = find(scope, p);
        assert_eq!(num(r, "paid"), Some(paid), "{scope} {p}");
        assert_eq!(num(r, "involvement"), Some(inv), "{scope} {p}");
        assert_eq!(num(r, "backfill"), Some(back), "{scope} {p}");
        assert_eq!(num(r, "honorarium"), Some(hon), "{scope} {p}");
        assert_eq!(num(r, "expenses"), Some(exp), "{scope} {p}");
        assert_eq!(num(r, "covered_hours"), Some(hours), "{scope} {p}");
        let got = num(r, "per_covered_hour");
        match (got, per_hour) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{scope} {p}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "{scope} {p}"),
        }
    }
    // P2 pays per meeting, but one standing backfill (PAY-00445) also covers rows there,
    // some of them absences: it is not a partnership whose covered rows attend by
    // construction.
    assert_eq!(
        find("partnership", "P2")["pays_per_attended_meeting"],
        "false"
    );
}

/// A partnership that pays a VCSE member for each meeting attended (and only those): 12
/// meetings, V1 attends all 12 and is paid for each by name; V2 attends 6 of 12 unpaid.
fn pays_per_meeting() -> tempfile::TempDir {
    let mut meetings = String::from(
        "Meeting ID,Partnership ID,Date,Duration Hours,Host,Chair,Decision,Type,Start Time\n",
    );
    let mut attendance = String::from("Meeting ID,Person ID,Org ID,Status,Hours\n");
    let mut payments = String::from(
        "Payment ID,Payer,Payee Person ID,Payee Org ID,Meeting ID,Period Start,Period End,Amount,Type,Date\n",
    );
    for m in 1..=12 {
        let date = format!("2023-{m:02}-10");
        meetings.push_str(&format!(
            "M{m},P1,{date},2,GB-LAE-NBR,GB-LAE-NBR,yes,board,10:00\n"
        ));
        attendance.push_str(&format!("M{m},S1,GB-LAE-NBR,attended,\n"));
        attendance.push_str(&format!("M{m},V1,GB-CHC-1100001,attended,\n"));
        let status = if m % 2 == 0 { "attended" } else { "absent" };
        attendance.push_str(&format!("M{m},V2,GB-CHC-1100002,{status},\n"));
        payments.push_str(&format!(
            "PAY-{m},GB-LAE-NBR,V1,,M{m},,,25,involvement,{date}\n"
        ));
    }
    super::support::dataset(&[
        ("grants.csv", super::support::GRANTS.as_bytes()),
        (
            "partnerships.csv",
            b"Partnership ID,Name,Fundholder,Programme\nP1,Paying Partnership,GB-LAE-NBR,\n",
        ),
        ("meetings.csv", meetings.as_bytes()),
        ("attendance.csv", attendance.as_bytes()),
        ("payments.csv", payments.as_bytes()),
        (
            "organisations.csv",
            b"Identifier,Name,Sector\nGB-LAE-NBR,Northbridge Council,statutory\nGB-CHC-1100001,Good Cause,vcse\nGB-CHC-1100002,Other Cause,vcse\n",
        ),
    ])
}

#[test]
fn the_report_names_partnerships_that_pay_per_attended_meeting() {
    // V1's 12 rows are all covered by a payment naming the meeting and all attended: the
    // covered attendance rate is 12 ÷ 12 = 1 by construction, so the report says so beside
    // the covered-attendance chart (V2: 6 of 12 uncovered rows attended = 0.5).
    let data = pays_per_meeting();
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["analyse", arg(data.path()), "-q", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    let at = html
        .find("<h3>Paying people and who turns up</h3>")
        .expect("the covered-attendance chart is drawn");
    let section = &html[at..at + html[at..].find("</figure>").unwrap_or(0)];
    assert!(
        section.contains("Paying Partnership pays per attended meeting"),
        "{section}"
    );
    // And the example, where no partnership pays only per attended meeting, names none.
    let ex = tempfile::tempdir().expect("tmp");
    let (code, _, err) = run(&["analyse", "-q", "-o", arg(&ex.path().join("out"))]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(ex.path().join("out/report.html")).expect("report");
    assert!(!html.contains("per attended meeting: there every covered"));
}
