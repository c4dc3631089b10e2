//! Sector inference on the real published files, checked against an independent reading of
//! SPEC.md (tests/reference/sectors.py, standard-library Python written from SPEC.md, not
//! from the Rust code), and the one-VCSE-side and individual-recipient rules end to end.
//!
//! Figures from `python3 tests/reference/sectors.py FILE --summary`:
//!
//! Trafford (`trafford_council_vsg.csv`, £1,291,436.54 in 555 grants, one funder):
//!
//! | sector  | grants | amount      | share    |
//! |---------|--------|-------------|----------|
//! | private | 35     | £80,682.08  | 0.062475 |
//! | unknown | 289    | £481,076.39 | 0.372513 |
//! | vcse    | 231    | £729,678.07 | 0.565013 |
//!
//! 80,682.08 ÷ 1,291,436.54 = 0.062475 (before the revised rules: £141,868.68, 11.0%).
//! By rule: charity-evidence 56 vcse (£521,059.09), company-cic-name 25 (£147,432.38),
//! company-society-number 1 (GB-COH-RS007220, £33,332), company-voluntary-name 10
//! (£27,854.60), company 16 private (£80,682.08), id-prefix 1 (the council), no-rule 215
//! unknown (£481,076.39).
//!
//! Andrew Lloyd Webber (`andrew_lloyd_webber_foundation.json`, £21,757,793.27 in 475
//! grants): statutory 95 grants, £6,423,273 (= 6,000,936 by education-type + 422,337 by the
//! "Public Body" type), share 6,423,273 ÷ 21,757,793.27 = 0.295217; charity-evidence 13
//! organisations (the foundation itself and 12 schools and conservatoires that are
//! registered charities, £1,508,214.27).

use super::support::{arg, dataset, run, shared, validate_json};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The reference reading of `file`, or `None` when no python3 is installed (the figures in
/// the tests' own assertions still hold then).
fn reference(file: &Path) -> Option<Value> {
    let script = super::support::root().join("tests/reference/sectors.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(file)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "sectors.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("sectors.py prints JSON"))
}

/// Every organisation's (sector, rule) and the money per (rule, sector), in pence, from
/// `validate --json`.
fn rust_sectors(v: &Value) -> BTreeMap<String, (String, String)> {
    v["sectors"]["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .map(|o| {
            let s = |k: &str| o[k].as_str().unwrap_or("").to_owned();
            (s("id"), (s("sector"), s("rule")))
        })
        .collect()
}

fn pence(x: &Value) -> i64 {
    (x.as_f64().unwrap_or(f64::NAN) * 100.0).round() as i64
}

/// fundflow's sectors agree with the reference for every organisation, rule for rule, and
/// the money per sector and per rule agrees to the penny.
fn agrees_with_reference(file: &str) -> Value {
    let path = shared(file);
    let v = validate_json(&[arg(&path)]);
    let Some(r) = reference(&path) else {
        eprintln!("python3 not found: {file} not compared with tests/reference/sectors.py");
        return v;
    };
    let ours = rust_sectors(&v);
    let theirs: BTreeMap<String, (String, String)> = r["organisations"]
        .as_object()
        .expect("organisations")
        .iter()
        .map(|(id, o)| {
            let s = |k: &str| o[k].as_str().unwrap_or("").to_owned();
            (id.clone(), (s("sector"), s("rule")))
        })
        .collect();
    for (id, want) in &theirs {
        assert_eq!(ours.get(id), Some(want), "{file}: {id}");
    }
    assert_eq!(ours.len(), theirs.len(), "{file}: organisation count");
    let by_sector: BTreeMap<String, i64> = v["totals"]["by_sector"]
        .as_array()
        .expect("by_sector")
        .iter()
        .map(|s| {
            (
                s["sector"].as_str().unwrap_or("").to_owned(),
                pence(&s["amount"]),
            )
        })
        .collect();
    let want: BTreeMap<String, i64> = r["by_sector"]
        .as_object()
        .expect("by_sector")
        .iter()
        .map(|(s, e)| (s.clone(), pence(&e["amount"])))
        .collect();
    assert_eq!(by_sector, want, "{file}: money by sector");
    let mut rule_money: BTreeMap<(String, String), i64> = BTreeMap::new();
    for o in r["organisations"].as_object().expect("orgs").values() {
        let key = (
            o["rule"].as_str().unwrap_or("").to_owned(),
            o["sector"].as_str().unwrap_or("").to_owned(),
        );
        *rule_money.entry(key).or_default() += pence(&o["received"]);
    }
    let ours: BTreeMap<(String, String), i64> = v["sectors"]["by_rule"]
        .as_array()
        .expect("by_rule")
        .iter()
        .map(|x| {
            let s = |k: &str| x[k].as_str().unwrap_or("").to_owned();
            ((s("rule"), s("sector")), pence(&x["amount"]))
        })
        .collect();
    assert_eq!(ours, rule_money, "{file}: money per rule");
    v
}

fn analyse(args: &[&str]) -> (Value, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let mut all = vec!["analyse"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", arg(&out)]);
    let (code, _, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(out.join("findings.json")).expect("findings");
    (serde_json::from_str(&text).expect("json"), err, dir)
}

fn sector_share(f: &Value, sector: &str) -> f64 {
    let t = &f["totals"];
    let amount = t["by_sector"]
        .as_array()
        .expect("by_sector")
        .iter()
        .find(|s| s["sector"] == sector)
        .map_or(0.0, |s| s["amount"].as_f64().unwrap_or(f64::NAN));
    amount / t["amount"].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn trafford_sectors_agree_with_the_reference_reading() {
    let v = agrees_with_reference("trafford_council_vsg.csv");
    let private: Vec<String> = rust_sectors(&v)
        .into_iter()
        .filter(|(_, (s, _))| s == "private")
        .map(|(id, (_, rule))| {
            // Every organisation still private is a GB-COH company whose name has no CIC,
            // no voluntary word, no charity number and no RS/IP number.
            assert_eq!(rule, "company", "{id}");
            id
        })
        .collect();
    assert_eq!(
        private,
        [
            "GB-COH-01392344", // Stockdales of Sale, Altrincham and District Ltd
            "GB-COH-06447020", // Footlights
            "GB-COH-07363900", // Footlights
            "GB-COH-08219638", // Brink Productions
            "GB-COH-08285266", // Our Altrincham
            "GB-COH-08814780", // Cheeky Cherubs Play and Learning Centre
            "GB-COH-09238896", // The Aim Sky High Company
            "GB-COH-09269806", // Sport Works (Manchester & Cheshire) LTD
            "GB-COH-09626499", // The Urban Fitness Collective
            "GB-COH-10778009", // The Hideaway
            "GB-COH-11151147", // Calm Connections
            "GB-COH-11264908", // The Movez Movement
            "GB-COH-11624085", // Manchester Ceramics Collective
            "GB-COH-12513245", // Miro
            "GB-COH-12727472", // Trafford Veterans
            "GB-COH-13595076", // Trafford Hongkongers
        ]
    );
    let rule = |id: &str| rust_sectors(&v).get(id).cloned();
    let vcse = |r: &str| Some(("vcse".to_owned(), r.to_owned()));
    // The examples: a registered society, and voluntary names.
    assert_eq!(rule("GB-COH-RS007220"), vcse("company-society-number"));
    assert_eq!(rule("GB-COH-09235545"), vcse("company-voluntary-name")); // Friends of Stretford Public Hall
    assert_eq!(rule("GB-COH-09306230"), vcse("company-voluntary-name")); // Trafford Parents Forum Ltd
    assert_eq!(rule("GB-COH-07852626"), vcse("company-voluntary-name")); // Islamic Society of Britain
    assert_eq!(rule("GB-COH-06023117"), vcse("company-cic-name")); // Genesis Sale Moor CiC

    let (f, _, _dir) = analyse(&["-q", arg(&shared("trafford_council_vsg.csv"))]);
    // 80,682.08 ÷ 1,291,436.54 = 0.0624745…
    assert!(
        (sector_share(&f, "private") - 0.062475).abs() < 5e-7,
        "{}",
        f["totals"]
    );
}

#[test]
fn lloyd_webber_registered_charity_schools_are_vcse() {
    let v = agrees_with_reference("andrew_lloyd_webber_foundation.json");
    let rule = |id: &str| rust_sectors(&v).get(id).cloned();
    let pair = |s: &str, r: &str| Some((s.to_owned(), r.to_owned()));
    // Typed "School/Educational Establishment": a GB-CHC id or a charity number first.
    assert_eq!(rule("GB-CHC-312821"), pair("vcse", "charity-evidence")); // LAMDA
    assert_eq!(rule("GB-SC-SC015855"), pair("vcse", "charity-evidence")); // RCS
    assert_eq!(rule("GB-EDU-133788"), pair("vcse", "charity-evidence")); // charity number
    assert_eq!(rule("GB-EDU-133843"), pair("statutory", "education-type")); // RNCM
    let (f, _, _dir) = analyse(&["-q", arg(&shared("andrew_lloyd_webber_foundation.json"))]);
    // 6,423,273 ÷ 21,757,793.27 = 0.2952171…
    assert!(
        (sector_share(&f, "statutory") - 0.295217).abs() < 5e-7,
        "{}",
        f["totals"]
    );
    // The spreadsheet reads the same.
    let x = validate_json(&[arg(&shared("andrew_lloyd_webber_foundation.xlsx"))]);
    assert_eq!(rust_sectors(&x), rust_sectors(&v));
}

/// Grants to a `Recipient Org` typed `Individual`: one person each, on the funder's
/// "individuals" line; neither the name nor the identifier reaches any output.
#[test]
fn an_individual_recipient_org_is_never_named() {
    let grants = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name,Recipient Org:Org Type\n\
G1,1000,2023-04-01,GB-LAE-NBR,Northbridge Council,GB-COH-ZQXPERSON,Zebedee Quillfeather,Individual\n\
G2,500,2023-05-01,GB-LAE-NBR,Northbridge Council,360G-NBR-ZQXTWO,Xanthippe Marchbanks,individual.\n\
G3,2500,2023-05-01,GB-LAE-NBR,Northbridge Council,GB-CHC-1100001,Good Cause,Registered Charity\n";
    let d = dataset(&[("grants.csv", grants.as_bytes())]);
    // The loader keeps no organisation for them: two grants to two people.
    let data = fundflow::load::load(
        &fundflow::load::DatasetSource::Path(d.path().to_path_buf()),
        &fundflow::load::LoadOptions::default(),
    )
    .expect("loads");
    let people: Vec<_> = data
        .grants
        .iter()
        .filter_map(|g| match &g.recipient {
            fundflow::model::Recipient::Individual(k) => Some(*k),
            fundflow::model::Recipient::Org(_) => None,
        })
        .collect();
    assert_eq!(people.len(), 2);
    assert_ne!(people[0], people[1]);
    assert!(data
        .organisations
        .keys()
        .all(|o| !o.as_str().contains("ZQX")));
    let secrets = [
        "Zebedee",
        "Quillfeather",
        "ZQXPERSON",
        "Xanthippe",
        "Marchbanks",
        "ZQXTWO",
    ];
    let o = tempfile::tempdir().expect("tempdir");
    let out = o.path().join("out");
    let (code, stdout, stderr) = run(&["analyse", arg(d.path()), "-o", arg(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let mut texts = vec![stdout, stderr];
    let f: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("findings.json")).expect("findings"),
    )
    .expect("json");
    // £1,000 + £500 to two people: sector individual, 2 recipients; the charity £2,500.
    let ind = f["totals"]["by_sector"]
        .as_array()
        .expect("by_sector")
        .iter()
        .find(|s| s["sector"] == "individual")
        .cloned()
        .expect("individual sector");
    assert_eq!(
        (ind["grants"].clone(), ind["amount"].clone()),
        (2.into(), 1500.0.into())
    );
    assert_eq!(ind["recipients"], 2);
    for format in ["dot", "graphml", "gexf", "json"] {
        let (code, text, err) = run(&["graph", arg(d.path()), "--format", format]);
        assert_eq!(code, 0, "{err}");
        texts.push(text);
    }
    for args in [vec!["validate"], vec!["validate", "--json"]] {
        let mut all = args.clone();
        all.push(arg(d.path()));
        let (code, text, err) = run(&all);
        assert_eq!(code, 0, "{err}");
        texts.push(text);
        texts.push(err);
    }
    let mut files = vec![out.clone()];
    while let Some(p) = files.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("dir").flatten() {
                files.push(e.path());
            }
        } else {
            let bytes = std::fs::read(&p).expect("read");
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
            // Parquet and PNG may hold text compressed; their text must not be there either.
            texts.push(p.display().to_string());
        }
    }
    for t in &texts {
        for s in secrets {
            assert!(
                !t.to_lowercase().contains(&s.to_lowercase()),
                "{s} leaked: {}",
                &t[..t.len().min(300)]
            );
        }
    }
}

/// SPEC.md "VCSE organisations" = vcse and unknown: a funder whose recipients are all
/// unregistered groups (360G- identifiers, sector unknown) is flagged for short-term funding
/// (five one-year grants: short_term_share 1 ≥ 0.8, 5 grants ≥ 5). Before issue 16 only
/// sector vcse counted and it never was.
#[test]
fn short_term_funding_counts_unknown_groups() {
    let mut grants = String::from(
        "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n",
    );
    for i in 1..=5 {
        grants.push_str(&format!(
            "G{i},1000,2023-04-0{i},GB-LAE-NBR,Northbridge Council,360G-NBR-{i},Group {i}\n"
        ));
    }
    let d = dataset(&[("grants.csv", grants.as_bytes())]);
    let (f, _, _dir) = analyse(&["-q", arg(d.path())]);
    let funder = &f["funders"][0];
    assert_eq!(funder["vcse_grants"], 5, "{funder}");
    assert_eq!(funder["vcse_short_term_share"], 1.0, "{funder}");
    let flags: Vec<&Value> = f["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter(|x| x["code"] == "SHORT-TERM-FUNDING")
        .collect();
    assert_eq!(flags.len(), 1, "{}", f["flags"]);
    assert_eq!(flags[0]["subject"], "GB-LAE-NBR");
}

/// The terminal summary and the report say how many organisations (and how much money) the
/// weakest rules placed, and print the command that writes the template.
#[test]
fn weakest_rules_are_counted_with_the_template_command() {
    let file = shared("trafford_council_vsg.csv");
    let (f, stderr, dir) = analyse(&[arg(&file)]);
    // findings.json: 10 organisations by company-voluntary-name, £27,854.60; 215 unknown
    // by no rule, £481,076.39 (tests/reference/sectors.py).
    let rule = |name: &str| {
        f["data_quality"]["sector_inferences"]
            .as_array()
            .expect("inferences")
            .iter()
            .find(|r| r["rule"] == name)
            .cloned()
            .expect("rule listed")
    };
    assert_eq!(rule("company-voluntary-name")["organisations"], 10);
    assert_eq!(rule("company-voluntary-name")["amount"], 27_854.6);
    assert_eq!(rule("no-rule")["organisations"], 215);
    assert_eq!(rule("no-rule")["amount"], 481_076.39);
    // 10 companies (£28k) by name words; 215 organisations (£481k) by no rule.
    assert!(stderr.contains("10 companies (£28k)"), "{stderr}");
    assert!(
        stderr.contains("215 organisations (£481k) matched no rule"),
        "{stderr}"
    );
    let command = format!(
        "fundflow validate {} --organisations-template organisations-template.csv",
        file.display()
    );
    assert!(stderr.contains(&command), "{stderr}");
    let report = std::fs::read_to_string(dir.path().join("out/report.html")).expect("report");
    assert!(report.contains("10 companies (£28k)"));
    assert!(report.contains(
        "<code>fundflow validate DATASET --organisations-template organisations-template.csv</code>"
    ));
}
