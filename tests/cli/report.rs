//! `report.html`: self-contained, accessible, headings in order, no person identifiers.

use super::support::{arg, root, run};
use std::path::Path;

fn report(out: &Path) -> String {
    std::fs::read_to_string(out.join("report.html")).expect("report.html written")
}

/// Every value of `attr="…"` in the document.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn the_report_is_self_contained_and_accessible() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["analyse", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("report.html"), "{err}");
    let html = report(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.to_lowercase().contains("<script"), "no JavaScript");
    for attr in ["src", "href"] {
        for v in attribute_values(&html, attr) {
            assert!(
                v.starts_with("data:") || v.starts_with('#'),
                "{attr}=\"{}…\" would fetch something",
                &v[..v.len().min(40)]
            );
        }
    }
    assert!(!html.contains("url("), "no CSS fetches");
    // A policy that forbids every request but the inline images and styles.
    assert!(html.contains("default-src 'none'; img-src data:"));

    // Every chart is an <img> with alt text, and there is one per chart file.
    let imgs: Vec<&str> = html
        .match_indices("<img ")
        .map(|(i, _)| &html[i..])
        .collect();
    let charts = std::fs::read_dir(out.join("charts"))
        .expect("charts")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "svg"))
        .count();
    assert_eq!(imgs.len(), charts);
    for img in &imgs {
        let tag = &img[..img.find('>').unwrap_or(img.len())];
        let alt = attribute_values(tag, "alt");
        assert!(
            alt.first().is_some_and(|a| a.len() > 20),
            "alt text: {tag:.200}"
        );
    }

    // Headings: one h1, and no level skipped on the way down.
    let mut levels = Vec::new();
    for (i, _) in html.match_indices("<h") {
        if let Some(d) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) {
            levels.push(d);
        }
    }
    assert_eq!(levels.first(), Some(&1));
    assert_eq!(levels.iter().filter(|l| **l == 1).count(), 1);
    for w in levels.windows(2) {
        assert!(w[1] <= w[0] + 1, "heading h{} after h{}", w[1], w[0]);
    }

    // Headline findings come first, high flags before medium, and every section is there.
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(
        at("What the board should know</h2>") < at("Appendix: every finding, chart and table</h2>")
    );
    assert!(at("Appendix: every finding, chart and table</h2>") < at("Headline findings</h2>"));
    assert!(at("Headline findings</h2>") < at("Where the money goes</h2>"));
    for s in [
        "How concentrated the money is</h2>",
        "Money passed on through intermediaries</h2>",
        "Funding that ends soon</h2>",
        "Partnerships: who holds power, who gives time unpaid</h2>",
        "Data quality and method</h2>",
        "£",
    ] {
        at(s);
    }
    // The equity lenses and the trends follow the partnerships, before the method; each
    // lens chart has its heading and a plain-English reading before its figure.
    let order = [
        at("Partnerships: who holds power, who gives time unpaid</h2>"),
        at("Equity lenses: who is funded, who gets a seat, who gives time</h2>"),
        at("Is it getting better? Figures by financial year</h2>"),
        at("Data quality and method</h2>"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for h3 in [
        "<h3>How long funders fund for</h3>\n<p>",
        "<h3>Funding by Led By group</h3>\n<p>",
        "<h3>Usual suspects: seats and money</h3>\n<p>",
        "<h3>Paying people and who turns up</h3>\n<p>",
        "<h3>Community members&#39; unpaid time</h3>\n<p>",
        "<h3>Headline figures per financial year</h3>\n<p>",
    ] {
        at(h3);
    }
    assert!(at("<h3>Equity lenses</h3>") > at("Data quality and method</h2>"));
    assert!(html.contains("docs/METHOD.md, sections “Equity lenses” and “Trends”"));
    // In the appendix's headline findings, high flags come before medium ones.
    let headlines = &html[at("<section id=\"headlines\">")..];
    let first_high = headlines.find("<span class=\"sev high\">");
    let first_medium = headlines.find("<span class=\"sev medium\">");
    assert!(first_high < first_medium);
    // The hourly rate assumption is stated.
    assert!(html.contains("an hour (an assumption"));
    // A print stylesheet for A4.
    assert!(html.contains("@page { size: A4"));
}

#[test]
fn public_reports_name_no_person_and_suppress_small_counts() {
    let people: std::collections::BTreeSet<String> =
        std::fs::read_to_string(root().join("data/example/attendance.csv"))
            .expect("attendance.csv")
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1).map(str::to_owned))
            .filter(|p| !p.is_empty())
            .collect();
    assert!(people.len() > 10);
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", "--public", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    let html = report(&out);
    let mut texts = vec![("report.html".to_owned(), html.clone())];
    for e in std::fs::read_dir(out.join("charts"))
        .expect("charts")
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "svg" || x == "csv") {
            texts.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("text"),
            ));
        }
    }
    for (name, text) in &texts {
        for person in &people {
            assert!(
                !text.contains(person.as_str()),
                "{person} appears in {name}"
            );
        }
    }
    assert!(html.contains("Published with disclosure control"));
    assert!(
        html.contains("fewer than 8"),
        "small counts are suppressed in the tables"
    );
}

#[test]
fn data_strings_are_escaped() {
    let grants = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n\
G1,1000,2024-04-01,GB-LAE-X,<script>alert(1)</script> Council,GB-CHC-1,Tom & Jerry's \"Club\"\n\
G2,3000,2024-05-01,GB-LAE-X,<script>alert(1)</script> Council,GB-CHC-2,Other <b>Group</b>\n";
    let data = super::support::dataset(&[("grants.csv", grants.as_bytes())]);
    // OUT beside the dataset: inside it is refused (issue 15).
    let outdir = tempfile::tempdir().expect("tmp");
    let out = outdir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", arg(data.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    let html = report(&out);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Council"));
    assert!(html.contains("Tom &amp; Jerry&#39;s &quot;Club&quot;"));
    assert!(!html.contains("<b>Group</b>"));
}

#[test]
fn the_report_opens_with_a_board_summary_in_priority_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["analyse", "-q", "-o", arg(&out)]);
    assert_eq!(code, 0, "{err}");
    let html = report(&out);
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("findings.json")).expect("findings.json"),
    )
    .expect("json");
    let summary = &html[html.find("<section id=\"board\">").expect("board")
        ..html.find("<div id=\"appendix\">").expect("appendix")];
    let codes: Vec<&str> = summary
        .match_indices("<li data-code=\"")
        .map(|(i, m)| {
            let rest = &summary[i + m.len()..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .collect();
    // At most eight; the example has partnership flags, so the first is one; priority order
    // never goes back (partnership codes, then money, then equity).
    let priority = [
        "DEFAULT-HOST",
        "DEFAULT-CHAIR",
        "UNPAID-PARTICIPATION",
        "PARTICIPATION-GAP",
        "RETENTION",
        "DEPENDENCY",
        "FUNDING-CLIFF",
        "CONCENTRATION",
        "FUNDER-DOMINANCE",
        "SHORT-TERM-FUNDING",
        "UNDER-FUNDED-GROUP",
        "USUAL-SUSPECTS",
    ];
    let rank = |c: &str| priority.iter().position(|p| *p == c).expect(c);
    assert!(!codes.is_empty() && codes.len() <= 8, "{codes:?}");
    assert!(rank(codes[0]) < 5, "{codes:?}");
    assert!(
        codes.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{codes:?}"
    );
    // One question per finding; the rest counted, and the count is findings.json's.
    assert_eq!(
        summary.matches("<strong>Ask:</strong>").count(),
        codes.len()
    );
    let flags = f["flags"].as_array().map_or(0, Vec::len);
    assert_eq!(f["summary"]["more"], flags - codes.len());
    assert!(summary.contains(&format!(
        "… and {} more flags in the appendix",
        flags - codes.len()
    )));
    // The example gives no --as-of: the summary says the date is where the data stops.
    assert_eq!(f["summary"]["as_of_basis"], "latest_in_data");
    assert!(summary.contains("the latest date in the data"));
    // The scope line says how as_of was chosen.
    assert!(html.contains("As of 2025-03-31: the latest date in the data"));
    // The decision-meeting host share and the out-of-hours shares are in the report.
    assert!(html.contains("Decision meetings hosted by the fundholder"));
    assert!(html.contains("Out of hours: VCSE side"));
}
