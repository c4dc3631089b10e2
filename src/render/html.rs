//! `report.html`: one self-contained page for a board paper.
//!
//! First a summary for the board, two printed pages at most: the title, a scope line (files,
//! window, as_of and how it was chosen, sectors inferred), the headline tiles and "What the
//! board should know" (findings.json `summary`, [`crate::summary`]: at most eight flags in a
//! documented priority, each with a question to ask). Then, from a new page, the appendix:
//! every flag grouped by code, one section per theme with its charts, a short explanation
//! and the table behind each chart, then data quality and method. Charts are inlined as SVG `data:` images
//! with alt text; there is no script and a Content-Security-Policy forbids any request
//! other than those inline images, so the page can make no network request. A print
//! stylesheet lays it out for A4. Every data string is HTML-escaped. Under `--public` the
//! tables show the disclosure-controlled values ("fewer than 8").

use crate::error::Error;
use crate::findings::Findings;
use crate::flags::{money, percent, Flag, Severity};
use crate::render::charts::{Chart, Charts, Column, Kind, Section, SkippedChart};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Rows shown in a table before "… and N more".
const TABLE_ROWS: usize = 15;
/// Flags listed per code before "… and N more".
const FLAGS_PER_CODE: usize = 10;

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    crate::present::escape_markup(s, "&#39;", |c, out| out.push(c))
}

/// Standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #222; --muted: #555; --rule: #ddd; --high: #a33b20; --medium: #8a6d00; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink); line-height: 1.5;
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; font-size: 16px; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .5rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
p, li { max-width: 48rem; }
.lede { font-size: 1.1rem; }
.meta { color: var(--muted); font-size: .9rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem; margin: 1rem 0; padding: 0; list-style: none; }
.figures li { border: 1px solid var(--rule); padding: .5rem .7rem; }
.figures strong { display: block; font-size: 1.3rem; }
.sev { display: inline-block; font-size: .75rem; font-weight: bold; text-transform: uppercase; padding: 0 .35rem; border-radius: 3px; color: #fff; margin-right: .4rem; }
.sev.high { background: var(--high); } .sev.medium { background: var(--medium); }
ul.flags { padding-left: 1.1rem; } ul.flags li { margin: .3rem 0; }
figure { margin: 1rem 0 .5rem; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; width: 100%; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .2rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { border-left: 4px solid var(--rule); padding: .3rem .8rem; color: var(--muted); }
nav ol { columns: 2; font-size: .95rem; }
ol.board { padding-left: 1.4rem; } ol.board li { margin: .45rem 0; } ol.board p { margin: 0; }
ol.board .ask { color: var(--muted); font-size: .92rem; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: .75rem; border: 1px solid var(--rule); padding: 0 .25rem; margin-right: .3rem; }
@page { size: A4; margin: 15mm 14mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-before: page; }
  #summary h2, #headlines h2 { break-before: avoid; }
  #appendix { break-before: page; }
  ol.board li { break-inside: avoid; }
  .figures { grid-template-columns: repeat(3, 1fr); }
  h2, h3 { break-after: avoid; }
  figure, tr, .figures li { break-inside: avoid; }
  figure img { border: none; width: auto; height: auto; max-width: 100%; max-height: 150mm; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The report as one HTML document.
/// `csv_written`: the charts' data went to `charts/NAME.csv` (not with `--charts none`).
pub(crate) fn report(f: &Findings, charts: &Charts, csv_written: bool) -> Result<String, Error> {
    let mut h = String::new();
    let t = &f.totals;
    head(
        &mut h,
        &format!("fundflow report: where the money goes, as of {}", f.as_of),
    );
    let _ = write!(
        h,
        "<header>\n<h1>Where the money goes, and who carries partnership work</h1>\n<p class=\"lede\">{} worth {} from {} to {}, as of {}.</p>\n<p class=\"meta scope\">{}{}</p>\n</header>\n<main>\n",
        crate::present::count_of(t.grants, "grant", "grants"),
        money(t.amount),
        crate::present::count_of(t.funders, "funder", "funders"),
        crate::present::count_of(t.recipients, "recipient", "recipients"),
        f.as_of,
        escape(&scope_words(f)),
        if f.disclosure.public {
            " Published with disclosure control: counts of people or attendance rows below 8 are shown as “fewer than 8”, other such counts rounded to the nearest 5; a rate or share of such counts is suppressed with them, or else worked out from the rounded counts; money is not suppressed."
        } else {
            ""
        }
    );
    // Pages 1–2: the summary.
    h.push_str("<section id=\"summary\" aria-label=\"Summary for the board\">\n");
    at_a_glance(&mut h, f);
    board_findings(&mut h, f);
    h.push_str("</section>\n");
    // The appendix: every flag, chart, table and the method.
    h.push_str("<div id=\"appendix\">\n<h2 class=\"appendix\">Appendix: every finding, chart and table</h2>\n");
    h.push_str("<nav aria-label=\"Contents\">\n<ol>\n<li><a href=\"#headlines\">Headline findings</a></li>\n");
    for s in SECTIONS {
        let _ = writeln!(h, "<li><a href=\"#{}\">{}</a></li>", s.id, s.heading);
    }
    h.push_str("<li><a href=\"#method\">Data quality and method</a></li>\n</ol>\n</nav>\n");
    headlines(&mut h, f);
    let mut figure = 0;
    for s in SECTIONS {
        let _ = write!(
            h,
            "<section id=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n",
            s.id, s.heading, s.explain
        );
        if s.section == Section::Partnerships {
            partnership_figures(&mut h, f);
        }
        for c in charts.charts.iter().filter(|c| c.section == s.section) {
            figure += 1;
            chart(&mut h, Some(f), c, figure, csv_written)?;
        }
        for k in charts.skipped.iter().filter(|k| k.section == s.section) {
            skipped(&mut h, k);
        }
        h.push_str("</section>\n");
    }
    method(&mut h, f, charts);
    h.push_str("</div>\n</main>\n</body>\n</html>\n");
    Ok(h)
}

/// The document head every page shares: the policy that forbids any request, the style.
fn head(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

fn window_words(f: &Findings) -> String {
    let w = match (f.window.from, f.window.to) {
        (Some(a), Some(b)) => format!("Grants awarded from {a} to {b}"),
        (Some(a), None) => format!("Grants awarded from {a}"),
        (None, Some(b)) => format!("Grants awarded up to {b}"),
        (None, None) => "All grants in the data".into(),
    };
    format!(
        "{w}; grants running at {} for dependency and funding cliffs.",
        f.as_of
    )
}

/// The scope line under the title: the files, the window, how as_of was chosen and what was
/// inferred.
fn scope_words(f: &Findings) -> String {
    use crate::summary::AsOfBasis;
    let files: Vec<&str> = f
        .data_quality
        .files
        .iter()
        .map(|q| {
            std::path::Path::new(&q.file)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(&q.file)
        })
        .collect();
    let mut out = String::new();
    if !files.is_empty() {
        let _ = write!(out, "Data: {}. ", files.join(", "));
    }
    out.push_str(&window_words(f));
    let _ = write!(
        out,
        " As of {}: {}.",
        f.as_of,
        match f.summary.as_of_basis {
            AsOfBasis::Given => "the date given",
            AsOfBasis::WindowEnd => "the end of the window",
            AsOfBasis::LatestInData =>
                "the latest date in the data, not a date chosen for this paper",
        }
    );
    if let Some(first) =
        crate::validate::inference_sentences(&f.data_quality.sector_inferences, "").first()
    {
        let _ = write!(out, " {first}");
    }
    out
}

/// "What the board should know": the summary's findings in priority order, each with its
/// figure and a question to ask, then how many more are in the appendix.
fn board_findings(h: &mut String, f: &Findings) {
    h.push_str("<section id=\"board\">\n<h2>What the board should know</h2>\n");
    if f.summary.findings.is_empty() {
        h.push_str("<p>No flags were raised at the thresholds used (listed in findings.json under <code>parameters</code>).</p>\n</section>\n");
        return;
    }
    h.push_str("<ol class=\"board\">\n");
    for item in &f.summary.findings {
        let Some(flag) = f.flags.get(item.flag) else {
            continue;
        };
        let sev = flag.severity.as_str();
        let _ = writeln!(
            h,
            "<li data-code=\"{code}\"><p><span class=\"code\">{code}</span> <span class=\"sev {sev}\">{sev}</span>{figure}{}</p><p class=\"ask\"><strong>Ask:</strong> {}</p></li>",
            escape(&flag.message),
            escape(item.question),
            code = escape(flag.code.as_str()),
            // The figure leads, unless the message already opens with it.
            figure = item
                .figure
                .as_ref()
                .filter(|x| !flag.message.starts_with(x.as_str()))
                .map_or(String::new(), |x| format!("<strong class=\"figure\">{}</strong> ", escape(x))),
        );
    }
    h.push_str("</ol>\n");
    if f.summary.more > 0 {
        let _ = writeln!(
            h,
            "<p class=\"more\">… and {} more flag{} in the appendix (<a href=\"#headlines\">Headline findings</a>), in findings.json and tables/flags.csv.</p>",
            crate::present::thousands(f.summary.more as f64),
            if f.summary.more == 1 { "" } else { "s" }
        );
    }
    for w in &f.summary.warnings {
        let _ = writeln!(h, "<p class=\"note warning\">{}</p>", escape(w));
    }
    h.push_str("<p class=\"meta\">Findings are chosen in a fixed order: partnership power and participation first, then money, then the equity lenses; within a kind of finding, the most money at stake first. Each is a threshold crossed by a measured figure; <code>fundflow explain CODE</code> gives its definition, caveats and source.</p>\n</section>\n");
}

struct SectionText {
    section: Section,
    id: &'static str,
    heading: &'static str,
    explain: &'static str,
}

const SECTIONS: [SectionText; 7] = [
    SectionText {
        section: Section::Money,
        id: "money",
        heading: "Where the money goes",
        explain: "Money awarded in the window, by the sector of the recipient, by funder, and to the largest recipients. Sector colours are the same in every chart: statutory blue, VCSE green, private orange, individuals wine, unknown light grey; they also differ in lightness, so a black-and-white print keeps them apart.",
    },
    SectionText {
        section: Section::Concentration,
        id: "concentration",
        heading: "How concentrated the money is",
        explain: "Whether money is spread across many recipients or held by a few. The Gini coefficient runs from 0 (everyone gets the same) to 1 (one recipient gets everything). HHI is shown against the competition authorities' bands as context only: a small funder making a few equal grants scores high by construction, so the flags use shares instead.",
    },
    SectionText {
        section: Section::Flows,
        id: "flows",
        heading: "Money passed on through intermediaries",
        explain: "Some organisations receive grants and pass money on (community foundations, lead partners). Counting every award would count that money twice; the totals here say how much was passed on.",
    },
    SectionText {
        section: Section::Cliff,
        id: "cliff",
        heading: "Funding that ends soon",
        explain: "Short, time-limited grants put VCSE organisations' survival at risk. This shows the annual value of grants running now that end in each of the next eight quarters.",
    },
    SectionText {
        section: Section::Partnerships,
        id: "partnerships",
        heading: "Partnerships: who holds power, who gives time unpaid",
        explain: "Research on statutory–VCSE partnerships found that partners default to the body holding the money as host, chair and decision-maker, and that VCSE members give time unpaid while statutory colleagues attend in salaried time. These charts measure both. Power is shown dimension by dimension and never averaged into one score.",
    },
    SectionText {
        section: Section::Equity,
        id: "equity",
        heading: "Equity lenses: who is funded, who gets a seat, who gives time",
        explain: "Five readings from the research behind fundflow: how long funders fund for, whether organisations led by particular communities get a fair share of VCSE funding, whether the same few organisations hold most VCSE seats and whether seats follow money, whether paying people for their time changes who turns up, and how much unpaid time community members carry. The flags SHORT-TERM-FUNDING, UNDER-FUNDED-GROUP and USUAL-SUSPECTS mark where a threshold is crossed.",
    },
    SectionText {
        section: Section::Trends,
        id: "trends",
        heading: "Is it getting better? Figures by financial year",
        explain: "The headline figures for each UK financial year (1 April – 31 March), so a board sees direction, not just a level. A year with too little data (fewer than 5 grants, or fewer than 4 meetings for a partnership) is a gap, never a zero; a year the data does not yet cover in full is shaded as partial. <code>fundflow compare --base FY --to FY</code> sets two years side by side.",
    },
];

/// Six figures a board member reads first.
fn at_a_glance(h: &mut String, f: &Findings) {
    let t = &f.totals;
    let mut items: Vec<(String, String)> = vec![(
        money(t.amount),
        format!(
            "awarded in {} grants; {} of it new money from original funders",
            crate::present::thousands(t.grants as f64),
            money(t.awarded_by_original_funders)
        ),
    )];
    if let Some(vcse_share) = t.vcse_side_share {
        items.push((
            percent(vcse_share),
            "of the money went to the VCSE side (VCSE, community groups of unknown sector, individuals)".into(),
        ));
    }
    let d = &f.dominance.overall;
    if let (Some(top), Some(share)) = (&d.top_funder, d.top_share) {
        let name = f
            .funders
            .iter()
            .find(|x| &x.id == top)
            .map_or(top.to_string(), |x| x.name.clone());
        items.push((
            percent(share),
            format!("of the VCSE side's money came from one funder, {name}"),
        ));
    }
    // The same 12-month horizon as FUNDING-CLIFF and the trends (as_of + 365 days), not the
    // chart's calendar quarters.
    let c = &f.cliff.overall;
    if let Some(share) = c.ending_12m_share {
        items.push((
            money(c.ending_12m_annual),
            format!(
                "a year of VCSE-side grant funding ends within 12 months of {}: {} of the {} a year running",
                f.as_of,
                crate::flags::percent(share),
                money(c.active_annual)
            ),
        ));
    }
    let u = &f.views.unpaid_time;
    if let (Some(v), Some(hrs), false) = (
        u.unpaid_value,
        u.vcse_unpaid_hours,
        f.partnerships.is_empty(),
    ) {
        items.push((
            money(v),
            format!(
                "of VCSE-side time given unpaid at partnership meetings ({} hours)",
                crate::present::thousands(hrs)
            ),
        ));
    }
    if let Some((p, share)) = f
        .partnerships
        .iter()
        .filter_map(|p| p.host_share.map(|s| (p, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    {
        items.push((
            percent(share),
            format!(
                "of the {}'s meetings were hosted by its fundholder, {}",
                p.name, p.fundholder_name
            ),
        ));
    }
    h.push_str("<section id=\"glance\" aria-label=\"At a glance\">\n<ul class=\"figures\">\n");
    for (figure, words) in items {
        let _ = writeln!(
            h,
            "<li><strong>{}</strong>{}</li>",
            escape(&figure),
            escape(&words)
        );
    }
    h.push_str("</ul>\n</section>\n");
}

/// Flags grouped by code: groups with a high flag first, then by size.
fn headlines(h: &mut String, f: &Findings) {
    h.push_str("<section id=\"headlines\">\n<h2>Headline findings</h2>\n");
    if f.flags.is_empty() {
        h.push_str("<p>No flags were raised at the thresholds used (listed in findings.json under <code>parameters</code>).</p>\n</section>\n");
        return;
    }
    let high = f
        .flags
        .iter()
        .filter(|x| x.severity == Severity::High)
        .count();
    let _ = writeln!(
        h,
        "<p>{} flag{} raised, {high} of them high. Each is a threshold crossed by a measured figure; <code>fundflow explain CODE</code> gives its definition and source. The full list is in findings.json and tables/flags.csv.</p>",
        f.flags.len(),
        if f.flags.len() == 1 { " was" } else { "s were" }
    );
    let mut groups: BTreeMap<crate::flags::Code, Vec<&Flag>> = BTreeMap::new();
    for x in &f.flags {
        groups.entry(x.code).or_default().push(x);
    }
    let mut order: Vec<(crate::flags::Code, Vec<&Flag>)> = groups.into_iter().collect();
    order.sort_by_key(|(code, v)| {
        let highs = v.iter().filter(|x| x.severity == Severity::High).count();
        (highs == 0, std::cmp::Reverse(v.len()), *code)
    });
    for (code, mut flags) in order {
        let highs = flags
            .iter()
            .filter(|x| x.severity == Severity::High)
            .count();
        let title = crate::flags::explain::explanation(code).title;
        let _ = writeln!(
            h,
            "<h3>{} — {} <span class=\"meta\">({} flag{}, {highs} high)</span></h3>",
            escape(code.as_str()),
            escape(title),
            flags.len(),
            if flags.len() == 1 { "" } else { "s" }
        );
        flags.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then(b.amount.unwrap_or(0.0).total_cmp(&a.amount.unwrap_or(0.0)))
        });
        h.push_str("<ul class=\"flags\">\n");
        for x in flags.iter().take(FLAGS_PER_CODE) {
            let sev = x.severity.as_str();
            let _ = writeln!(
                h,
                "<li><span class=\"sev {sev}\">{sev}</span>{}</li>",
                escape(&x.message)
            );
        }
        h.push_str("</ul>\n");
        if flags.len() > FLAGS_PER_CODE {
            let _ = writeln!(
                h,
                "<p class=\"meta\">… and {} more {} flags in findings.json and tables/flags.csv.</p>",
                flags.len() - FLAGS_PER_CODE,
                escape(code.as_str())
            );
        }
    }
    h.push_str("</section>\n");
}

/// Key partnership figures before the partnership charts: the unpaid time tiles, then who
/// hosts, chairs and hosts decisions, and when meetings are held (the out-of-hours share per
/// side), which are otherwise only in findings.json.
fn partnership_figures(h: &mut String, f: &Findings) {
    if f.partnerships.is_empty() {
        return;
    }
    unpaid_tiles(h, f);
    power_table(h, f);
}

/// One partnership share for a table: the disclosure marker when `--public` suppressed it,
/// a dash when it cannot be computed.
fn share_cell(f: &Findings, k: usize, field: &str, v: Option<f64>) -> String {
    if f.disclosure
        .suppressed
        .contains(&format!("/partnerships/{k}/{field}"))
    {
        return crate::disclosure::MARKER.to_owned();
    }
    v.map_or("–".into(), percent)
}

fn power_table(h: &mut String, f: &Findings) {
    h.push_str("<table class=\"power\">\n<caption>Who hosts, chairs and hosts the decisions, and when meetings are held. Shares are of the meetings with a host or chair recorded; out of hours means starting before 09:00 or from 17:00, as a share of each side's attended places at meetings with a start time. SPEC.md sets no flag on the decision-meeting host share: it is shown, not flagged (docs/METHOD.md).</caption>\n<thead><tr><th scope=\"col\">Partnership</th><th scope=\"col\">Fundholder</th><th scope=\"col\" class=\"num\">Meetings</th><th scope=\"col\" class=\"num\">Hosted by the fundholder</th><th scope=\"col\" class=\"num\">Chaired by the fundholder</th><th scope=\"col\" class=\"num\">Decision meetings hosted by the fundholder</th><th scope=\"col\" class=\"num\">Out of hours: statutory</th><th scope=\"col\" class=\"num\">Out of hours: VCSE side</th></tr></thead>\n<tbody>\n");
    for (k, p) in f.partnerships.iter().enumerate().take(TABLE_ROWS) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&p.name),
            escape(&p.fundholder_name),
            crate::present::thousands(p.meetings as f64),
            share_cell(f, k, "host_share", p.host_share),
            share_cell(f, k, "chair_share", p.chair_share),
            share_cell(f, k, "decision_host_share", p.decision_host_share),
            share_cell(f, k, "out_of_hours_share/statutory", p.out_of_hours_share.statutory),
            share_cell(f, k, "out_of_hours_share/vcse", p.out_of_hours_share.vcse),
        );
    }
    h.push_str("</tbody>\n</table>\n");
    if f.partnerships.len() > TABLE_ROWS {
        let _ = writeln!(
            h,
            "<p class=\"meta\">… and {} more partnerships in tables/partnerships.csv.</p>",
            f.partnerships.len() - TABLE_ROWS
        );
    }
}

/// Each partnership's unpaid VCSE-side time, as tiles.
fn unpaid_tiles(h: &mut String, f: &Findings) {
    h.push_str("<ul class=\"figures\">\n");
    for p in f.partnerships.iter().take(12) {
        let words = match p.unpaid_value {
            Some(_) => "of VCSE-side time given unpaid to",
            None => "unpaid time not known (no payments.csv) for",
        };
        let _ = writeln!(
            h,
            "<li><strong>{}</strong>{words} {} ({} meetings; fundholder {})</li>",
            p.unpaid_value.map_or("–".into(), money),
            escape(&p.name),
            p.meetings,
            escape(&p.fundholder_name),
        );
    }
    h.push_str("</ul>\n");
}

fn chart(
    h: &mut String,
    f: Option<&Findings>,
    c: &Chart,
    n: usize,
    csv_written: bool,
) -> Result<(), Error> {
    let svg = c
        .scene
        .svg()
        .map_err(|e| Error::Internal(format!("chart {}: {e}", c.name)))?;
    let _ = write!(
        h,
        "<h3>{}</h3>\n{}<figure>\n<img src=\"data:image/svg+xml;base64,{}\" width=\"{}\" height=\"{}\" alt=\"{}\">\n<figcaption>Figure {n}. {}.{}</figcaption>\n</figure>\n",
        escape(&c.label),
        chart_explain(&c.name).map_or(String::new(), |e| {
            // Beside the covered-attendance lens: the partnerships where covered rows attend
            // by construction (issue 18 item 3), named from the findings.
            let per_meeting = f
                .filter(|_| c.name == "paid_attendance")
                .and_then(|f| f.payments.per_meeting_sentence())
                .map_or(String::new(), |x| format!(" {}", escape(&x)));
            format!("<p>{e}{per_meeting}</p>\n")
        }),
        base64(svg.as_bytes()),
        c.scene.width,
        c.scene.height,
        escape(&c.alt),
        escape(&c.title),
        if csv_written {
            format!(" Data: charts/{}.csv.", escape(&c.name))
        } else {
            String::new()
        }
    );
    table(h, f, c, n);
    Ok(())
}

/// A plain-English reading of a chart for a board member, where the section's words do not
/// say enough on their own.
fn chart_explain(name: &str) -> Option<&'static str> {
    Some(match name {
        "funding_practice" => "Grants of a year or less make it hard for VCSE organisations to keep staff and plan; grants of three years or more let them. Each bar splits a funder's money by grant length. Grants with no end date are taken as one year, so a funder with many of them may look shorter-term than it is.",
        "led_by_groups" => "Organisations describe who leads them (for example women-led or disabled-led) in the Led By column. A ratio of 1 means a group gets the same share of VCSE funding as its share of VCSE organisations; below 0.5 it gets less than half its share and is flagged.",
        "usual_suspects" => "If a few organisations hold most VCSE seats across the area's partnerships, other voices are not heard. Each dot is an organisation; if dots rise to the right, seats go with money, which can mean the organisations in the room are the ones that get funded.",
        "paid_attendance" => "Research found that VCSE members whose time is not paid for attend less. This compares how often VCSE-side members attended when a payment covered the meeting and when none did. The gap is an association, not a cause: the people paid may differ from those who are not. Where a partnership pays per attended meeting, a covered attendance is attended by construction, so its gap measures how it pays, not whether pay changes who turns up; those partnerships are named under \"Money paid for participation\" (findings.json payments, pays_per_attended_meeting). The research also cautions that paying for attendance can feel like scrutiny to the people paid: ask them how it feels before reading a gap as a case for paying per meeting.",
        "participation_payments" => "Money paid so that people can take part: involvement payments and honoraria to people, backfill to their employers, and expenses (which repay costs but do not buy time). Beside it is the value of the time VCSE-side members gave unpaid, at the hourly rate the method states. Payments naming a meeting count for its partnership; payments for a period are not tied to one partnership and are shown apart.",
        "community_burden" => "Individual community members give their time unpaid. This shows how many hours, and whether a few people carry most of it (the share of the busiest tenth). No person is named.",
        "trends" => "Each small chart is one headline figure per financial year. Look for direction: a rising VCSE share, a falling host share and a rising VCSE attendance rate are moves towards a more equal partnership.",
        _ => return None,
    })
}

/// A chart's data as a table for people: headings in words, names instead of partnership ids,
/// money as exact pounds with thousands separators (£2,755,430: a table is for looking a
/// figure up, the chart for its size), shares as %, other numbers with separators.
fn table(h: &mut String, f: Option<&Findings>, c: &Chart, n: usize) {
    // Chart data is built row by row (`Table::from_rows`), so its rows are there.
    let rows = c.data.rows().unwrap_or_default();
    if rows.is_empty() || c.columns.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<table>\n<caption>Figure {n}: the data{}</caption>\n<thead><tr>",
        if rows.len() > TABLE_ROWS {
            format!(" (first {TABLE_ROWS} of {} rows)", rows.len())
        } else {
            String::new()
        }
    );
    for col in &c.columns {
        let class = if col.kind == Kind::Text {
            ""
        } else {
            " class=\"num\""
        };
        let _ = write!(h, "<th scope=\"col\"{class}>{}</th>", escape(col.heading));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in rows.iter().take(TABLE_ROWS) {
        h.push_str("<tr>");
        for col in &c.columns {
            let class = if col.kind == Kind::Text {
                ""
            } else {
                " class=\"num\""
            };
            let _ = write!(h, "<td{class}>{}</td>", escape(&cell(f, row, col)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// One cell: suppressed counts say so; null is a dash; a partnership id is its name, a
/// sector and a trend figure are words; a trend value takes its figure's kind.
fn cell(f: Option<&Findings>, row: &serde_json::Map<String, Value>, col: &Column) -> String {
    if let Some(Value::String(marker)) = row.get(&format!("{}_suppressed", col.key)) {
        return marker.clone();
    }
    let figure = match row.get("figure") {
        Some(Value::String(k)) => trend_figure(k),
        _ => None,
    };
    match row.get(col.key) {
        None | Some(Value::Null) => "–".into(),
        Some(Value::String(s)) => match col.key {
            "partnership" => f
                .and_then(|f| f.partnerships.iter().find(|p| p.id == *s))
                .map_or_else(|| s.clone(), |p| p.name.clone()),
            "sector" | "recipient_sector" => crate::model::Sector::parse(s)
                .map_or_else(|| s.clone(), |x| crate::present::sector_name(x).to_owned()),
            "figure" => figure.map_or_else(|| s.replace('_', " "), |(w, _)| w.to_owned()),
            _ => s.clone(),
        },
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.into(),
        Some(Value::Number(n)) => {
            let v = n.as_f64().unwrap_or(0.0);
            let kind = match (col.key, figure) {
                ("value", Some((_, k))) => k,
                _ => col.kind,
            };
            match kind {
                Kind::Money => pounds(v),
                Kind::Percent => percent(v),
                Kind::Number => crate::present::thousands(v),
                Kind::Hours | Kind::Text => decimal(v),
            }
        }
        Some(other) => other.to_string(),
    }
}

/// Exact pounds with thousands separators: 2755430.4 → "£2,755,430", -5 → "-£5".
fn pounds(v: f64) -> String {
    let s = crate::present::thousands(v.abs());
    if v.round() < 0.0 {
        format!("-£{s}")
    } else {
        format!("£{s}")
    }
}

/// A number to at most two decimals, thousands separated, trailing zeros dropped:
/// 1234.5 → "1,234.5", 153.50 → "153.5", 0.81 → "0.81", 332.0 → "332".
fn decimal(v: f64) -> String {
    let cents = (v.abs() * 100.0).round();
    let whole = crate::present::thousands((cents / 100.0).trunc());
    let frac = format!("{:02}", (cents % 100.0) as i64);
    let frac = frac.trim_end_matches('0');
    let sign = if v < 0.0 && cents > 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// The trends table's figure keys (src/render/charts/trends.rs) in words, with how their values read.
fn trend_figure(key: &str) -> Option<(&'static str, Kind)> {
    Some(match key {
        "amount" => ("Awarded", Kind::Money),
        "amount_statutory" => ("Awarded to statutory bodies", Kind::Money),
        "amount_vcse" => ("Awarded to VCSE organisations", Kind::Money),
        "amount_private" => ("Awarded to private companies", Kind::Money),
        "amount_individual" => ("Awarded to individuals", Kind::Money),
        "amount_unknown" => ("Awarded to unknown sector", Kind::Money),
        "vcse_share" => ("VCSE share of the money", Kind::Percent),
        "hhi" => ("Funder concentration (HHI)", Kind::Number),
        "gini" => ("Gini", Kind::Hours),
        "ending_12m_share" => ("Share ending within 12 months", Kind::Percent),
        "chair_share" => ("Meetings chaired by the fundholder", Kind::Percent),
        "host_share" => ("Meetings hosted by the fundholder", Kind::Percent),
        "statutory_attendance_rate" => ("Statutory attendance rate", Kind::Percent),
        "vcse_attendance_rate" => ("VCSE attendance rate", Kind::Percent),
        "vcse_unpaid_share" => ("VCSE time unpaid", Kind::Percent),
        _ => return None,
    })
}

fn skipped(h: &mut String, k: &SkippedChart) {
    let _ = writeln!(
        h,
        "<p class=\"note\">Chart “{}” not drawn: {}.</p>",
        escape(&k.name.replace('_', " ")),
        escape(&k.reason)
    );
}

/// Identifiers merged by organisations.csv `Same As` (nothing when none).
fn merges(h: &mut String, f: &Findings) {
    if f.data_quality.merges.is_empty() {
        return;
    }
    h.push_str("<p>Merged by <code>Same As</code> in organisations.csv (one body published under several identifiers is counted once):</p>\n<ul>\n");
    for m in &f.data_quality.merges {
        let from: Vec<&str> = m.from.iter().map(|i| i.id.as_str()).collect();
        let _ = writeln!(
            h,
            "<li>{} into {} ({}): {} row{} rewritten.</li>",
            escape(&from.join(", ")),
            escape(m.into.as_str()),
            escape(&m.name),
            m.rows_rewritten,
            if m.rows_rewritten == 1 { "" } else { "s" }
        );
    }
    h.push_str("</ul>\n");
}

fn method(h: &mut String, f: &Findings, charts: &Charts) {
    h.push_str(
        "<section id=\"method\">\n<h2>Data quality and method</h2>\n<h3>What was analysed</h3>\n",
    );
    h.push_str("<table>\n<caption>Every input row is used or rejected with a reason.</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Rows read</th><th scope=\"col\" class=\"num\">Used</th><th scope=\"col\">Rejected</th><th scope=\"col\">Used with a warning</th></tr></thead>\n<tbody>\n");
    for q in &f.data_quality.files {
        let reasons = |m: &BTreeMap<String, crate::model::ReasonCount>| {
            if m.is_empty() {
                "none".to_owned()
            } else {
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", v.count))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&q.file),
            crate::present::thousands(q.rows_read as f64),
            crate::present::thousands(q.rows_used as f64),
            escape(&reasons(&q.rejected)),
            escape(&reasons(&q.warnings))
        );
    }
    h.push_str("</tbody>\n</table>\n");
    merges(h, f);
    h.push_str("<h3>What was skipped, and why</h3>\n");
    if f.skipped.is_empty() && charts.skipped.is_empty() {
        h.push_str("<p>Nothing: every analysis ran and every chart had data.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for s in &f.skipped {
            let _ = writeln!(
                h,
                "<li>Analysis “{}”: needs {}.</li>",
                escape(s.analysis),
                escape(&s.missing.join(", "))
            );
        }
        for k in &charts.skipped {
            let _ = writeln!(
                h,
                "<li>Chart “{}”: {}.</li>",
                escape(&k.name.replace('_', " ")),
                escape(&k.reason)
            );
        }
        h.push_str("</ul>\n");
    }
    for note in &f.data_quality.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(note));
    }
    h.push_str("<h3 id=\"sectors\">How sectors were decided</h3>\n");
    let command = crate::validate::template_command(Some("DATASET"));
    for sentence in
        crate::validate::inference_sentences(&f.data_quality.sector_inferences, &command)
    {
        let _ = writeln!(h, "<p>{}</p>", code_spans(&escape(&sentence)));
    }
    h.push_str("<table>\n<caption>Organisations per rule (first rule that applies; organisations.csv overrides inference), and the money they received in the window.</caption>\n<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Sector</th><th scope=\"col\" class=\"num\">Organisations</th><th scope=\"col\" class=\"num\">Received</th></tr></thead>\n<tbody>\n");
    for r in &f.data_quality.sector_inferences {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(r.description),
            escape(crate::present::sector_name(r.sector)),
            r.organisations,
            money(r.amount.pounds())
        );
    }
    h.push_str("</tbody>\n</table>\n");
    lens_readings(h, f);
    let p = &f.parameters;
    let _ = write!(
        h,
        "<h3>Assumptions</h3>\n<ul>\n<li>Point in time (as of): {}. {}</li>\n<li>Unpaid time is valued at £{:.2} an hour (an assumption; docs/METHOD.md gives its source). Statutory attendees {} in salaried time.</li>\n<li>The VCSE side is VCSE organisations, community members attending as themselves, and organisations of unknown sector (in real files mostly unregistered community groups).</li>\n<li>A grant's annual value is its amount ÷ its length in years (at least one year); a grant is running when its period covers the as-of date.</li>\n<li>Every threshold used ({}) is in findings.json under <code>parameters</code>; <code>fundflow explain CODE</code> prints each flag's definition, formula and source. The method is in docs/METHOD.md.</li>\n<li>People are never named: attendance is aggregated to organisations and sectors{}.</li>\n</ul>\n</section>\n",
        f.as_of,
        escape(&window_words(f)),
        p.hourly_rate,
        if p.statutory_time_is_paid {
            "are counted as attending"
        } else {
            "are not assumed to attend"
        },
        escape(&config_words(&p.config_file)),
        if f.disclosure.public {
            ", and small counts are suppressed"
        } else {
            ""
        }
    );
}

/// Text between backticks as `<code>` (the text already escaped; backticks are not).
fn code_spans(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Where the thresholds came from, in words: "from fundflow.toml", "built-in defaults".
fn config_words(file: &str) -> String {
    if file == crate::config::BUILT_IN {
        file.to_owned()
    } else {
        format!("from {file}")
    }
}

/// The equity lenses in brief, for the method section: what each one read, or why not.
fn lens_readings(h: &mut String, f: &Findings) {
    let e = &f.equity;
    let mut items: Vec<String> = Vec::new();
    let assumed: usize = f.funders.iter().map(|x| x.practice.lengths_assumed).sum();
    items.push(if assumed > 0 {
        format!("Funding practice: {assumed} grants had no end date or duration and were taken as 12 months long, so short-term shares built on them are soft.")
    } else {
        "Funding practice: every grant had an end date or a duration.".into()
    });
    items.push(match &e.usual_suspects {
        Some(us) => format!(
            "Usual suspects: {} VCSE-side organisations took seats; the five with most held {} of them; the rank correlation of seats and money is {}.",
            us.vcse_seat_orgs,
            us.top5_seat_share.map_or("–".into(), percent),
            us.seat_funding_rank_correlation
                .map_or("not computed (under 5 organisations)".into(), |r| format!("{r:.2}"))
        ),
        None => "Usual suspects: not read (no attendance.csv).".into(),
    });
    items.push(match &e.covered_attendance {
        Some(c) if c.overall.covered_rows.is_some() => format!(
            "Paid attendance: rates need at least 10 rows in both the paid and the unpaid group; overall {} paid, {} unpaid.",
            c.overall.covered_attendance_rate.map_or("no rate".into(), percent),
            c.overall.uncovered_attendance_rate.map_or("no rate".into(), percent)
        ),
        Some(_) => "Paid attendance: not read (no payments.csv).".into(),
        None => "Paid attendance: not read (no attendance.csv).".into(),
    });
    items.push(if e.groups.is_empty() {
        "Led By groups: not read (no Led By tags in organisations.csv).".into()
    } else {
        format!(
            "Led By groups: {} tags; tags are the user's own, matched case-insensitively; a tag on no VCSE organisation has no ratio.",
            e.groups.len()
        )
    });
    let _ = writeln!(h, "<h3>Equity lenses</h3>\n<ul>");
    for i in items {
        let _ = writeln!(h, "<li>{}</li>", escape(&i));
    }
    h.push_str("</ul>\n<p>Definitions, thresholds and sources: docs/METHOD.md, sections “Equity lenses” and “Trends”.</p>\n");
}

/// `compare.html`: one self-contained page for `fundflow compare`, in the report's style —
/// the figures side by side, the changes in words, the flags that appeared, cleared or
/// changed severity, and the change chart (or why there is none).
pub(crate) fn compare_report(
    c: &crate::compare::Comparison,
    chart_or_why: Result<&Chart, &str>,
    csv_written: bool,
) -> Result<String, Error> {
    use crate::compare::FlagChangeKind;
    let mut h = String::new();
    head(
        &mut h,
        &format!("fundflow compare: {} → {}", c.base.label, c.to.label),
    );
    let _ = write!(
        h,
        "<header>\n<h1>What changed: {} → {}</h1>\n<p class=\"meta\">{} as of {}; {} as of {}. Directions are stated neutrally: whether a rise is good depends on the figure. Shares change by percentage points.</p>\n</header>\n<main>\n",
        escape(&c.base.label),
        escape(&c.to.label),
        escape(&c.base.label),
        c.base.as_of,
        escape(&c.to.label),
        c.to.as_of
    );
    h.push_str("<section id=\"changes\">\n<h2>What changed</h2>\n<ul>\n");
    let moved = c.moved_words();
    if moved.is_empty() {
        h.push_str("<li>Nothing: every figure is the same on both sides.</li>\n");
    }
    for w in moved {
        let _ = writeln!(h, "<li>{}</li>", escape(w));
    }
    h.push_str("</ul>\n</section>\n");
    h.push_str("<section id=\"chart\">\n<h2>Share figures, before and after</h2>\n");
    match chart_or_why {
        Ok(ch) => chart(&mut h, None, ch, 1, csv_written)?,
        Err(why) => {
            let _ = writeln!(h, "<p class=\"note\">Chart not drawn: {}.</p>", escape(why));
        }
    }
    h.push_str("</section>\n");
    let _ = write!(
        h,
        "<section id=\"figures\">\n<h2>Every headline figure</h2>\n<table>\n<caption>Each figure on both sides (– : not measured on that side). Also in compare.csv.</caption>\n<thead><tr><th scope=\"col\">Figure</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">Change</th></tr></thead>\n<tbody>\n",
        escape(&c.base.label),
        escape(&c.to.label)
    );
    for f in &c.figures {
        let v = |x: Option<f64>| x.map_or("–".to_owned(), |x| f.unit.format(x));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&f.label),
            escape(&v(f.base)),
            escape(&v(f.to)),
            escape(&f.change.map_or("–".to_owned(), |d| f.unit.format_change(d)))
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    h.push_str("<section id=\"flags\">\n<h2>Flags</h2>\n");
    let sev = |x: Option<Severity>| x.map_or("none", Severity::as_str);
    for (kind, heading) in [
        (FlagChangeKind::Appeared, "Appeared"),
        (FlagChangeKind::Cleared, "Cleared"),
        (FlagChangeKind::Severity, "Changed severity"),
    ] {
        let list: Vec<&crate::compare::FlagChange> =
            c.flags.iter().filter(|x| x.change == kind).collect();
        let _ = writeln!(h, "<h3>{heading} ({})</h3>", list.len());
        if list.is_empty() {
            h.push_str("<p>None.</p>\n");
            continue;
        }
        h.push_str("<ul class=\"flags\">\n");
        for x in list.iter().take(FLAGS_PER_CODE * 3) {
            let shown = match kind {
                FlagChangeKind::Cleared => sev(x.base_severity),
                _ => sev(x.to_severity),
            };
            let what = match kind {
                FlagChangeKind::Severity => {
                    format!("{} → {}: ", sev(x.base_severity), sev(x.to_severity))
                }
                FlagChangeKind::Cleared => x
                    .why
                    .as_ref()
                    .map_or(String::new(), |w| format!("cleared because {w}. Was: ")),
                FlagChangeKind::Appeared => String::new(),
            };
            let class = if shown == "none" { "medium" } else { shown };
            let _ = writeln!(
                h,
                "<li><span class=\"sev {class}\">{shown}</span>{} {}{}</li>",
                escape(x.code.as_str()),
                escape(&what),
                escape(&x.message)
            );
        }
        h.push_str("</ul>\n");
        if list.len() > FLAGS_PER_CODE * 3 {
            let _ = writeln!(
                h,
                "<p class=\"meta\">… and {} more in compare.json and compare_flags.csv.</p>",
                list.len() - FLAGS_PER_CODE * 3
            );
        }
    }
    h.push_str("</section>\n");
    let _ = write!(
        h,
        "<section id=\"organisations\">\n<h2>Organisations on one side only</h2>\n<p>Matched by identifier: {} only in {}, {} only in {} (listed in compare.json).</p>\n</section>\n</main>\n</body>\n</html>\n",
        c.only_in_base.len(),
        escape(&c.base.label),
        c.only_in_to.len(),
        escape(&c.to.label)
    );
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers_by_hand() {
        // 2755430.4 rounds to 2,755,430; -4.6 rounds to -5.
        assert_eq!(pounds(2_755_430.4), "£2,755,430");
        assert_eq!(pounds(-4.6), "-£5");
        assert_eq!(pounds(0.4), "£0");
        // 153.50 → 15350 hundredths → "153" and "50" → trailing zero dropped → 153.5.
        assert_eq!(decimal(153.5), "153.5");
        // 1234.567 → 123457 hundredths → 1,234 and 57.
        assert_eq!(decimal(1234.567), "1,234.57");
        assert_eq!(decimal(332.0), "332");
        assert_eq!(decimal(0.81), "0.81");
        assert_eq!(decimal(-0.004), "0");
        assert_eq!(
            trend_figure("amount_statutory").map(|x| x.0),
            Some("Awarded to statutory bodies")
        );
        assert!(trend_figure("nonsense").is_none());
    }

    #[test]
    fn escaping_covers_the_five_characters() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
