//! The real published 360Giving files in ../shared/data/360giving/.
//!
//! Expected figures were computed independently with Python (csv, json and openpyxl), not
//! from fundflow's output:
//! - Trafford CSV: 555 rows, sum of `Amount Awarded` = 1,291,436.54, one funder GB-LAE-TRF.
//! - Andrew Lloyd Webber JSON: 475 grants, sum of `amountAwarded` = 21,757,793.27.
//! - Its XLSX: 475 rows whose {Identifier: Amount Awarded} equals the JSON's {id: amountAwarded}.

use super::support::{arg, run, sector_of, shared, validate_json};
use fundflow::load::{load, DatasetSource, LoadOptions};
use fundflow::model::{Recipient, Sector};

#[test]
fn trafford_csv_loads_555_grants_from_one_council() {
    let v = validate_json(&[arg(&shared("trafford_council_vsg.csv"))]);
    assert_eq!(v["totals"]["grants"], 555);
    assert_eq!(v["totals"]["amount"], 1_291_436.54);
    assert_eq!(v["totals"]["funders"], 1);
    assert_eq!(v["files"][0]["rows_read"], 555);
    assert_eq!(v["files"][0]["rows_used"], 555);
    assert_eq!(
        sector_of(&v, "GB-LAE-TRF"),
        Some(("statutory".into(), "id-prefix".into()))
    );
    let orgs = v["sectors"]["organisations"].as_array().expect("orgs");
    // Most recipients are unregistered groups with 360G- identifiers: no rule applies.
    let unknown = orgs.iter().filter(|o| o["sector"] == "unknown").count();
    assert!(unknown * 2 > orgs.len(), "{unknown} of {}", orgs.len());
    let (code, text, _) = run(&["validate", arg(&shared("trafford_council_vsg.csv"))]);
    assert_eq!(code, 0);
    assert!(text.contains("555 grants, £1,291,436.54 in all"), "{text}");
}

#[test]
fn lloyd_webber_json_loads_475_grants() {
    let v = validate_json(&[arg(&shared("andrew_lloyd_webber_foundation.json"))]);
    assert_eq!(v["totals"]["grants"], 475);
    assert_eq!(v["totals"]["amount"], 21_757_793.27);
    assert_eq!(v["totals"]["funders"], 1);
}

#[test]
fn lloyd_webber_xlsx_holds_the_same_grants_as_its_json() {
    let opts = LoadOptions::default();
    let json = load(
        &DatasetSource::Path(shared("andrew_lloyd_webber_foundation.json")),
        &opts,
    )
    .expect("json loads");
    let xlsx = load(
        &DatasetSource::Path(shared("andrew_lloyd_webber_foundation.xlsx")),
        &opts,
    )
    .expect("xlsx loads");
    let key = |d: &fundflow::Dataset| {
        let mut v: Vec<_> = d
            .grants
            .iter()
            .map(|g| {
                (
                    g.id.clone(),
                    g.amount,
                    g.award_date,
                    g.funder.clone(),
                    g.recipient.clone(),
                    g.duration_months,
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(json.grants.len(), 475);
    assert_eq!(key(&json), key(&xlsx));
    // The spreadsheet spells two headers its own way ("Recipient Org:Organisation Type",
    // "Grant Programme: Title"); both must still be read.
    let programmes =
        |d: &fundflow::Dataset| d.grants.iter().filter(|g| g.programme.is_some()).count();
    assert_eq!(programmes(&json), programmes(&xlsx));
    assert!(programmes(&xlsx) > 400);
    let sectors = |d: &fundflow::Dataset| {
        d.organisations
            .values()
            .map(|o| (o.id.clone(), o.sector))
            .collect::<Vec<_>>()
    };
    assert_eq!(sectors(&json), sectors(&xlsx));
    // 151 grants go to recipients typed "School/Educational Establishment"; those with a
    // charity number or a GB-CHC/GB-SC/GB-NIC identifier are VCSE (SPEC.md rule 3), so 95
    // grants are statutory: 86 to schools without charity evidence and 9 to "Public Body"
    // recipients (tests/reference/sectors.py; tests/cli/sectors.rs checks the money).
    let to_statutory = json
        .grants
        .iter()
        .filter(
            |g| matches!(&g.recipient, Recipient::Org(o) if json.sector_of(o) == Sector::Statutory),
        )
        .count();
    assert_eq!(to_statutory, 95);
}

/// Concentration of the real files, checked against a plain Python computation of SPEC's
/// formulas (recipients aggregated by upper-cased identifier; Gini by the O(n²) definition):
/// Trafford HHI 120.6092, Gini 0.578285, top5_share 0.180875 over 323 recipients;
/// Lloyd Webber HHI 617.9568, Gini 0.760451, top5_share 0.450132 over 288 recipients.
#[test]
fn analyse_real_files_matches_an_independent_calculation() {
    for (file, hhi, gini, top5, n) in [
        (
            "trafford_council_vsg.csv",
            120.6092,
            0.578285,
            0.180875,
            323,
        ),
        (
            "andrew_lloyd_webber_foundation.json",
            617.9568,
            0.760451,
            0.450132,
            288,
        ),
        (
            "andrew_lloyd_webber_foundation.xlsx",
            617.9568,
            0.760451,
            0.450132,
            288,
        ),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("out");
        let (code, _, err) = run(&["analyse", "-q", arg(&shared(file)), "-o", arg(&out)]);
        assert_eq!(code, 0, "{file}: {err}");
        let text = std::fs::read_to_string(out.join("findings.json")).expect("findings");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let f = &v["funders"][0];
        let near = |k: &str, x: f64, tol: f64| (f[k].as_f64().unwrap_or(f64::NAN) - x).abs() < tol;
        assert!(
            near("hhi", hhi, 1e-4) && near("gini", gini, 1e-6) && near("top5_share", top5, 1e-6),
            "{file}: {f}"
        );
        assert_eq!(f["recipients"], n, "{file}");
        // One funder links every recipient: one cluster of n + 1 organisations.
        let clusters = v["regranting"]["clusters"].as_array().expect("clusters");
        assert_eq!(clusters.len(), 1, "{file}");
        assert_eq!(clusters[0].as_array().map(Vec::len), Some(n + 1), "{file}");
        // Below the 0.5 top-5 threshold: no CONCENTRATION flag; one funder: no dominance.
        let codes: Vec<&str> = v["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(|x| x["code"].as_str())
            .collect();
        assert!(
            !codes.contains(&"CONCENTRATION") && !codes.contains(&"FUNDER-DOMINANCE"),
            "{file}: {codes:?}"
        );
    }
}
