//! Counts of people, typed: what `--public` disclosure control acts on (SPEC.md "Output").
//!
//! A count of people or of attendance rows (one row is one person at one meeting) is
//! serialised through [`people`] (or `people_opt`, or held as a [`PeopleCount`]). Normally
//! it is a plain number. When findings are serialised for publishing ([`to_public_value`]),
//! every such count is first written as a one-key object `{"$people": n}` and then replaced
//! by its disclosed value: `null` with a sibling `KEY_suppressed: "fewer than 8"` below 8,
//! else rounded to the nearest 5. So what is redacted is decided by the field's type, where
//! the figure is defined, not by what its JSON key happens to be called: renaming a field
//! cannot publish a count of people unrounded, and a threshold called `..._rows` in
//! `parameters` is not mistaken for one.
//!
//! The publishing mode is a thread-local flag, set only for the duration of one
//! `serde_json::to_value` call on the calling thread (serialisation never crosses threads),
//! so analyses on other threads, public or not, do not see it.
//!
//! The rule itself (below 8 suppressed, else rounded to 5; rates of such counts disclosed
//! with them) is here too: a low module that imports nothing above the model, used by the
//! findings, the tables, the charts, the report and the graph exports.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::BTreeSet;

// The rule (`--public`, SPEC.md "Output").
/// Counts below this are suppressed.
pub(crate) const THRESHOLD: u64 = 8;
/// Other counts are rounded to a multiple of this.
pub(crate) const ROUND_TO: u64 = 5;
/// What replaces a suppressed count, in words.
pub(crate) const MARKER: &str = "fewer than 8";

/// The rule, in words, as `findings.json` and the graph's JSON state it.
pub(crate) const RULE: &str = "counts of people or attendance rows below 8 are null with a \"_suppressed\" marker; other such counts are rounded to the nearest 5; a share or rate of such counts is suppressed with them, and otherwise computed from the rounded counts; money is not suppressed";

/// One count under the rule: `None` below [`THRESHOLD`], else rounded to the nearest
/// [`ROUND_TO`], halves up.
pub(crate) fn disclose(count: u64) -> Option<u64> {
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
pub(crate) fn disclose_rate(numerator: usize, denominator: usize) -> Option<f64> {
    let n = disclose(numerator as u64)?;
    let d = disclose(denominator as u64)?;
    // d ≥ 10 (a count of at least 8, rounded); n ≤ d because rounding keeps order.
    Some(n as f64 / d as f64)
}

/// The numerator behind an exact `rate` of `denominator` (rate × denominator, rounded): exact
/// while counts stay far below 2⁵², as every count of rows does. For figures whose
/// numerator is not kept beside them.
pub(crate) fn numerator_of(rate: f64, denominator: usize) -> usize {
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
pub(crate) fn mark(v: &mut Value, prefix: &str, suppressed: &BTreeSet<String>) {
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
pub(crate) fn without_value(example: &str) -> String {
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

/// The key of the one-key object a count of people is written as while publishing.
const KEY: &str = "$people";

thread_local! {
    static PUBLISHING: Cell<bool> = const { Cell::new(false) };
}

/// A count of people or of attendance rows. Serialises as a number, or under
/// [`to_public_value`] as its disclosed value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeopleCount(pub usize);

impl Serialize for PeopleCount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        people(&self.0, s)
    }
}

/// `#[serde(serialize_with = "crate::disclosure::people")]` for a `usize` count of people.
pub fn people<S: Serializer>(n: &usize, s: S) -> Result<S::Ok, S::Error> {
    if PUBLISHING.with(Cell::get) {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(KEY, n)?;
        m.end()
    } else {
        s.serialize_u64(*n as u64)
    }
}

/// [`people`] for an optional count (`None` stays `null`).
pub(crate) fn people_opt<S: Serializer>(n: &Option<usize>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => people(n, s),
        None => s.serialize_none(),
    }
}

/// [`people`] for an optional `u64` count (the graph's edge figures).
pub(crate) fn people_opt_u64<S: Serializer>(n: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => people(&usize::try_from(*n).unwrap_or(usize::MAX), s),
        None => s.serialize_none(),
    }
}

/// A count that is a count of people when `people` is set — the individual sector's grants
/// and recipients, the grants on a funder's `individuals:` line — and of organisations or
/// grants to organisations otherwise. Disclosed as a [`PeopleCount`] in the first case, a
/// plain number in the second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Count {
    /// The count.
    pub(crate) n: usize,
    /// Whether it counts people (or grants to people).
    pub(crate) people: bool,
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.people {
            people(&self.n, s)
        } else {
            s.serialize_u64(self.n as u64)
        }
    }
}

/// `x` as a JSON value with every count of people disclosed (rounded, or `null` with a
/// `_suppressed` marker beside it).
pub fn to_public_value<T: Serialize + ?Sized>(x: &T) -> serde_json::Result<Value> {
    /// Resets the flag even if serialisation fails.
    struct Publishing(bool);
    impl Drop for Publishing {
        fn drop(&mut self) {
            PUBLISHING.with(|p| p.set(self.0));
        }
    }
    let _mode = Publishing(PUBLISHING.with(|p| p.replace(true)));
    let mut v = serde_json::to_value(x)?;
    disclose_marked(&mut v);
    Ok(v)
}

/// The count inside a `{"$people": n}` object.
fn marked(v: &Value) -> Option<u64> {
    match v {
        Value::Object(m) if m.len() == 1 => m.get(KEY).and_then(Value::as_u64),
        _ => None,
    }
}

/// Replaces every marked count in `v` by its disclosed value.
fn disclose_marked(v: &mut Value) {
    match v {
        Value::Object(map) => disclose_object(map),
        Value::Array(items) => {
            for item in items {
                match marked(item) {
                    // An element has no key for a marker: a suppressed count is just null.
                    Some(n) => *item = disclose(n).map_or(Value::Null, Value::from),
                    None => disclose_marked(item),
                }
            }
        }
        _ => {}
    }
}

fn disclose_object(map: &mut Map<String, Value>) {
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let Some(value) = map.get_mut(&key) else {
            continue;
        };
        match marked(value) {
            Some(n) => match disclose(n) {
                Some(shown) => *value = Value::from(shown),
                None => {
                    *value = Value::Null;
                    map.insert(format!("{key}_suppressed"), Value::from(MARKER));
                }
            },
            None => disclose_marked(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        #[serde(serialize_with = "people")]
        anything_at_all: usize,
        #[serde(serialize_with = "people_opt")]
        maybe: Option<usize>,
        // A plain number whose name looks like a count of rows is not touched.
        min_rows: usize,
        list: Vec<PeopleCount>,
    }

    #[test]
    fn the_type_decides_not_the_name() {
        let r = Row {
            name: "x",
            anything_at_all: 3,                          // below 8 → null + marker
            maybe: Some(42),                             // 42 → 40
            min_rows: 3,                                 // not a count of people: kept
            list: vec![PeopleCount(13), PeopleCount(2)], // 13 → 15; 2 → null
        };
        let v = to_public_value(&r).expect("json");
        assert_eq!(
            v,
            json!({"name": "x", "anything_at_all": null, "anything_at_all_suppressed": MARKER,
                   "maybe": 40, "min_rows": 3, "list": [15, null]})
        );
        // Outside publishing the counts are plain numbers, and the mode was reset.
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            json!({"name": "x", "anything_at_all": 3, "maybe": 42, "min_rows": 3, "list": [13, 2]})
        );
        let none = Row { maybe: None, ..r };
        assert_eq!(to_public_value(&none).expect("json")["maybe"], Value::Null);
    }

    #[test]
    fn a_count_of_people_or_of_organisations() {
        let c = [
            Count { n: 3, people: true }, // 3 people → null
            Count {
                n: 3,
                people: false,
            }, // 3 organisations → 3
            Count {
                n: 12,
                people: true,
            }, // 12 people → 10
        ];
        assert_eq!(to_public_value(&c).expect("json"), json!([null, 3, 10]));
        assert_eq!(serde_json::to_value(c).expect("json"), json!([3, 3, 12]));
    }
}

#[cfg(test)]
mod rule_tests {
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
