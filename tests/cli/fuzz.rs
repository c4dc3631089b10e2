//! Arbitrary bytes to every loader: the result is `Ok` or an error, never a panic.

use fundflow::load::{load_inputs, GrantsFormat, InputFile, Inputs, LoadOptions};
use proptest::prelude::*;
use std::borrow::Cow;

fn file(name: &str, bytes: &[u8]) -> InputFile {
    InputFile {
        name: name.to_owned(),
        bytes: Cow::Owned(bytes.to_vec()),
    }
}

const GRANTS: &[u8] = super::support::GRANTS.as_bytes();
const PARTNERSHIPS: &[u8] = b"Partnership ID,Name,Fundholder,Programme\nP1,T,GB-LAE-NBR,X\n";
const MEETINGS: &[u8] = b"Meeting ID,Partnership ID,Date,Duration Hours,Host,Chair,Decision,Type,Start Time\nM1,P1,2023-05-01,2,GB-LAE-NBR,,yes,board,18:00\n";
const ATTENDANCE: &[u8] =
    b"Meeting ID,Person ID,Org ID,Status,Hours\nM1,PER-1,GB-CHC-1100001,attended,\n";
const PAYMENTS: &[u8] = b"Payment ID,Payer,Payee Person ID,Payee Org ID,Meeting ID,Period Start,Period End,Amount,Type,Date\nX1,GB-LAE-NBR,PER-1,,M1,,,40,involvement,2023-05-02\n";
const ORGS: &[u8] = b"Identifier,Name,Sector,Type,Annual Income,Area,Led By\nGB-CHC-1100001,Good Cause,vcse,charity,10000,North,disabled-led\n";

/// A full, valid dataset with one file replaced by `bytes`.
fn inputs_with(slot: usize, bytes: &[u8]) -> Inputs {
    let pick = |i: usize, default: &[u8]| {
        if i == slot {
            bytes.to_vec()
        } else {
            default.to_vec()
        }
    };
    let format = match slot {
        6 => GrantsFormat::Json,
        7 => GrantsFormat::Xlsx,
        _ => GrantsFormat::Csv,
    };
    Inputs {
        grants: Some((
            file(
                "grants",
                &if slot == 6 || slot == 7 {
                    bytes.to_vec()
                } else {
                    pick(0, GRANTS)
                },
            ),
            format,
        )),
        organisations: Some(file("organisations.csv", &pick(1, ORGS))),
        partnerships: Some(file("partnerships.csv", &pick(2, PARTNERSHIPS))),
        meetings: Some(file("meetings.csv", &pick(3, MEETINGS))),
        attendance: Some(file("attendance.csv", &pick(4, ATTENDANCE))),
        payments: Some(file("payments.csv", &pick(5, PAYMENTS))),
    }
}

fn originals(slot: usize) -> &'static [u8] {
    [GRANTS, ORGS, PARTNERSHIPS, MEETINGS, ATTENDANCE, PAYMENTS, br#"{"grants":[{"id":"G1","amountAwarded":5,"awardDate":"2023-04-01","fundingOrganization":[{"id":"F","name":"F"}],"recipientOrganization":[{"id":"R","name":"R"}]}]}"#, b"PK\x03\x04"][slot]
}

#[test]
fn the_unmodified_fuzz_dataset_is_valid() {
    // Slot 99 replaces nothing: the fuzz tests start from a dataset that loads.
    let d = load_inputs(&inputs_with(99, b""), &LoadOptions::default()).expect("valid");
    assert_eq!(d.grants.len(), 2);
    assert_eq!(d.attendance.len(), 1);
    assert_eq!(d.payments.as_ref().map(Vec::len), Some(1));
    assert_eq!(d.people, 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(slot in 0usize..8, bytes in proptest::collection::vec(any::<u8>(), 0..400), skip in any::<bool>()) {
        let opts = LoadOptions { skip_invalid: skip, ..LoadOptions::default() };
        let _ = load_inputs(&inputs_with(slot, &bytes), &opts);
    }

    #[test]
    fn mutated_valid_files_never_panic(slot in 0usize..7, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6), skip in any::<bool>()) {
        let mut bytes = originals(slot).to_vec();
        for (pos, b) in edits {
            let i = pos % (bytes.len() + 1);
            if i == bytes.len() { bytes.push(b) } else { bytes[i] = b }
        }
        let opts = LoadOptions { skip_invalid: skip, ..LoadOptions::default() };
        let _ = load_inputs(&inputs_with(slot, &bytes), &opts);
    }
}
