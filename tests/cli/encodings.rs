//! Text encodings: a `£` survives UTF-8, UTF-8 with BOM, Windows-1252 and UTF-16.

use super::support::{arg, dataset, validate_json};

/// A grants file with a `£` amount and an accented name, in UTF-8.
const GRANTS: &str = "Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name\n\
G1,\"£1,234.50\",01/04/2023,GB-LAE-NBR,Northbridge Council,GB-CHC-1,Café Connect\n";

fn check(bytes: &[u8]) {
    let d = dataset(&[("grants.csv", bytes)]);
    let v = validate_json(&[arg(d.path())]);
    assert_eq!(v["totals"]["amount"], 1234.5);
    let names: Vec<&str> = v["sectors"]["organisations"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(names.contains(&"Café Connect"), "{names:?}");
    assert_eq!(v["dates"]["grants"]["first"], "2023-04-01");
}

#[test]
fn utf8_plain_and_with_bom() {
    check(GRANTS.as_bytes());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(GRANTS.as_bytes());
    check(&bom);
}

#[test]
fn windows_1252_is_detected() {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(GRANTS);
    assert!(!unmappable);
    assert!(bytes.contains(&0xA3), "£ is 0xA3 in Windows-1252");
    check(&bytes);
}

#[test]
fn utf16_with_bom_loads() {
    let mut le = vec![0xFF, 0xFE];
    le.extend(GRANTS.encode_utf16().flat_map(u16::to_le_bytes));
    check(&le);
    let mut be = vec![0xFE, 0xFF];
    be.extend(GRANTS.encode_utf16().flat_map(u16::to_be_bytes));
    check(&be);
}
