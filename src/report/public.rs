//! `--public`: disclosure control for publishing (SPEC.md "Output").
//!
//! Counts of people or of attendance rows below 8 are replaced by `null`, with a sibling
//! `KEY_suppressed: "fewer than 8"` marker; other such counts are rounded to the nearest 5
//! (halves up). Which numbers are such counts is decided by their type
//! ([`crate::disclosure`]), when `findings.json` and every table are serialised.
//!
//! A share or rate whose numerator or denominator is such a count is disclosed with it
//! ([`disclose_rate`]): suppressed when either count is, otherwise computed from the rounded
//! counts. That is done on the typed findings ([`crate::findings::Findings::disclose`]), so
//! charts and the report show the same figures; the JSON pointers of the suppressed ones are
//! kept and [`mark`] gives each its marker here. Money and hours are not changed.

use serde_json::Value;
use std::collections::BTreeSet;

/// Counts below this are suppressed.
pub const THRESHOLD: u64 = 8;
/// Other counts are rounded to a multiple of this.
pub const ROUND_TO: u64 = 5;
/// What replaces a suppressed count, in words.
pub const MARKER: &str = "fewer than 8";

/// The rule, in words, as `findings.json` and the graph's JSON state it.
pub const RULE: &str = "counts of people or attendance rows below 8 are null with a \"_suppressed\" marker; other such counts are rounded to the nearest 5; a share or rate of such counts is suppressed with them, and otherwise computed from the rounded counts; money is not suppressed";

/// One count under the rule: `None` below [`THRESHOLD`], else rounded to the nearest
/// [`ROUND_TO`], halves up.
pub fn disclose(count: u64) -> Option<u64> {
    (count >= THRESHOLD).then(|| (count + ROUND_TO / 2) / ROUND_TO * ROUND_TO)
}

/// A share or rate of two counts of people or attendance rows (`numerator ÷ denominator`)
/// as published: `None` (suppressed) when either count is below [`THRESHOLD`]; otherwise the
/// quotient of the two counts as published (each rounded by [`disclose`]), so the figure
/// tells a reader nothing the rounded counts do not (an exact rate beside a rounded count
/// would give the exact count back: 0.4167 of "10" rows can only be 5 of 12). METHOD.md
/// "Disclosure control" explains the choice.
///
/// 5 of 6 → `None` (both below 8); 5 of 20 → `None` (the 5); 9 of 12 → 10 ÷ 10 = 1.0;
/// 30 of 42 → 30 ÷ 40 = 0.75.
pub fn disclose_rate(numerator: usize, denominator: usize) -> Option<f64> {
    let n = disclose(numerator as u64)?;
    let d = disclose(denominator as u64)?;
    // d ≥ 10 (a count of at least 8, rounded); n ≤ d because rounding keeps order.
    Some(n as f64 / d as f64)
}

/// The numerator behind an exact `rate` of `denominator` (rate × denominator, rounded): exact
/// while counts stay far below 2⁵², as every count of rows does. For figures whose
/// numerator is not kept beside them.
pub fn numerator_of(rate: f64, denominator: usize) -> usize {
    let n = (rate * denominator as f64).round();
    if n.is_finite() && n >= 0.0 {
        n as usize
    } else {
        0
    }
}

/// Puts each suppressed derived figure into `v`: `suppressed` holds JSON pointers into
/// findings.json (`/partnerships/0/seat_share`); those under `prefix` (the pointer of `v`
/// itself, `""` for the whole document) become null with a `KEY_suppressed` marker beside
/// them, like a suppressed count. O(marks under prefix × depth).
pub fn mark(v: &mut Value, prefix: &str, suppressed: &BTreeSet<String>) {
    for pointer in suppressed
        .range::<str, _>((
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        ))
        .take_while(|p| p.starts_with(prefix))
    {
        // `/partnerships/1` is not a prefix of `/partnerships/10/...`.
        let Some(inner) = pointer[prefix.len()..].strip_prefix('/') else {
            continue;
        };
        let (parent, key) = match inner.rsplit_once('/') {
            Some((parent, key)) => (format!("/{parent}"), key),
            None => (String::new(), inner),
        };
        if let Some(Value::Object(m)) = v.pointer_mut(&parent) {
            m.insert(key.to_owned(), Value::Null);
            m.insert(format!("{key}_suppressed"), Value::from(MARKER));
        }
    }
}

/// Examples of invalid rows from attendance.csv or payments.csv, as `--public` may quote
/// them: the value is left out (a Person ID in the wrong column is personal data), keeping
/// file, line, column and reason. An example is `file:line:column: "value": why` (the value
/// escaped as Rust's debug form, so a `"` inside it is `\"`). Anything that does not parse
/// is withheld whole: when in doubt, leave it out.
pub fn without_value(example: &str) -> String {
    let Some((place, rest)) = example.split_once(": \"") else {
        // No quoted value: `file:line:column: why`.
        return example.to_owned();
    };
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                return match rest[i + 1..].strip_prefix(": ") {
                    Some(why) => format!("{place}: {why}"),
                    None => format!("{place}: (withheld under --public)"),
                };
            }
            _ => {}
        }
    }
    format!("{place}: (withheld under --public)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_count() {
        // 0..=7 suppressed; 8 → 10 (8 is 2 from 10, 3 from 5); 12 → 10; 12.5 does not
        // occur, 13 → 15 (halves up: 12.5 would round up); 42 → 40; 43 → 45.
        for c in 0..8 {
            assert_eq!(disclose(c), None, "{c}");
        }
        assert_eq!(disclose(8), Some(10));
        assert_eq!(disclose(12), Some(10));
        assert_eq!(disclose(13), Some(15));
        assert_eq!(disclose(42), Some(40));
        assert_eq!(disclose(43), Some(45));
    }

    #[test]
    fn rates_go_with_their_counts() {
        // 5 of 6: both below 8 → suppressed (0.8333 would say "5 of 6").
        assert_eq!(disclose_rate(5, 6), None);
        // 5 of 20: the numerator is below 8.
        assert_eq!(disclose_rate(5, 20), None);
        // 0 of 40: a count of 0 is suppressed like any count below 8.
        assert_eq!(disclose_rate(0, 40), None);
        // 9 of 12 → 10 ÷ 10 = 1.0 (9 → 10, 12 → 10).
        assert_eq!(disclose_rate(9, 12), Some(1.0));
        // 30 of 42 → 30 ÷ 40 = 0.75.
        assert_eq!(disclose_rate(30, 42), Some(0.75));
        // 13 of 17 → 15 ÷ 15 = 1.0 (13 → 15, 17 → 15).
        assert_eq!(disclose_rate(13, 17), Some(1.0));
        // The numerator behind an exact rate: 5 ÷ 6 × 6 = 5; 2 ÷ 3 × 2226.
        assert_eq!(numerator_of(5.0 / 6.0, 6), 5);
        assert_eq!(numerator_of(1484.0 / 2226.0, 2226), 1484);
    }

    proptest::proptest! {
        /// A disclosed rate is a rate of the rounded counts, in [0, 1], and suppressed
        /// exactly when a count is below 8.
        #[test]
        fn disclosed_rates_reveal_only_rounded_counts(den in 0usize..5000, frac in 0.0f64..=1.0) {
            let num = (den as f64 * frac).floor() as usize;
            match disclose_rate(num, den) {
                None => proptest::prop_assert!(num < 8 || den < 8),
                Some(r) => {
                    proptest::prop_assert!(num >= 8 && den >= 8);
                    proptest::prop_assert!((0.0..=1.0).contains(&r));
                    let (n, d) = (disclose(num as u64), disclose(den as u64));
                    proptest::prop_assert_eq!(Some(r), n.zip(d).map(|(n, d)| n as f64 / d as f64));
                }
            }
        }
    }

    #[test]
    fn marks_go_under_their_prefix_only() {
        let mut v = json!({"partnerships": [
            {"seat_share": null, "attendance_rate": {"vcse": null, "statutory": 0.5}},
        ]});
        let marks: BTreeSet<String> = [
            "/partnerships/0/seat_share",
            "/partnerships/0/attendance_rate/vcse",
            "/partnerships/10/seat_share",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        // A row of a table is marked relative to its own pointer.
        let mut row = v["partnerships"][0].clone();
        mark(&mut row, "/partnerships/0", &marks);
        assert_eq!(row["seat_share_suppressed"], MARKER);
        assert_eq!(row["attendance_rate"]["vcse_suppressed"], MARKER);
        assert_eq!(row["attendance_rate"]["statutory"], 0.5);
        mark(&mut v, "", &marks);
        assert_eq!(v["partnerships"][0], row);
        // `/partnerships/10` is not under `/partnerships/1`.
        let mut other = json!({"seat_share": 0.25});
        mark(&mut other, "/partnerships/1", &marks);
        assert_eq!(other, json!({"seat_share": 0.25}));
    }

    #[test]
    fn invalid_row_examples_lose_their_value() {
        assert_eq!(
            without_value(
                "attendance.csv:12:Status: \"PER-0001\": must be attended, apologies or absent"
            ),
            "attendance.csv:12:Status: must be attended, apologies or absent"
        );
        // An escaped quote inside the value does not end it.
        assert_eq!(
            without_value("payments.csv:3:Amount: \"a\\\"b\": not a number"),
            "payments.csv:3:Amount: not a number"
        );
        // No value: unchanged; a value that does not close: withheld.
        assert_eq!(
            without_value("payments.csv:3:Amount: missing"),
            "payments.csv:3:Amount: missing"
        );
        assert_eq!(
            without_value("payments.csv:3:Amount: \"PER-1"),
            "payments.csv:3:Amount: (withheld under --public)"
        );
    }
}
