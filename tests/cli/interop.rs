//! Files as other tools export them: a GrantNav CSV export, read as it comes.

use super::support::{arg, root, run, sector_of, validate_json};

#[test]
fn a_grantnav_export_is_read_as_it_comes() {
    let file = root().join("tests/fixtures/grantnav/grants.csv");
    let v = validate_json(&[arg(&file)]);
    // 4 grants: £1,500 + £2,500 + £800 + £300 = £5,100; one of them to a person.
    assert_eq!(v["totals"]["grants"], 4);
    assert_eq!(v["totals"]["amount"], 5_100.0);
    // The canonical org-id GrantNav adds decides a 360G- recipient's sector...
    assert_eq!(
        sector_of(&v, "360G-TRF-CHOIR"),
        Some(("vcse".into(), "canonical-id-prefix".into()))
    );
    // ...its "Recipient Org: Org Type (additional data)" column is the org type...
    assert_eq!(
        sector_of(&v, "360G-TRF-CAFE"),
        Some(("vcse".into(), "org-type".into()))
    );
    // ...and a company is a company.
    assert_eq!(
        sector_of(&v, "GB-COH-12345678"),
        Some(("private".into(), "company".into()))
    );
    // "Beneficiary Location:0:Name" gives the area; "Recipient Individual Id" the person.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "analyse",
        arg(&file),
        "-q",
        "--charts",
        "none",
        "-o",
        arg(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("findings.json")).expect("findings"),
    )
    .expect("json");
    assert_eq!(f["concentration"]["by_area"][0]["area"], "Trafford");
    let individuals = f["totals"]["by_sector"]
        .as_array()
        .and_then(|s| s.iter().find(|x| x["sector"] == "individual"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(individuals["amount"], 300.0);
    // No person identifier in any output.
    let text = std::fs::read_to_string(out.join("findings.json")).expect("findings");
    assert!(!text.to_lowercase().contains("360g-ind-1"));
}
