//! Counts of people, typed: what `--public` disclosure control acts on (SPEC.md "Output").
//!
//! A count of people or of attendance rows (one row is one person at one meeting) is
//! serialised through [`people`] (or [`people_opt`], or held as a [`PeopleCount`]). Normally
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
//! This module imports nothing above it but the rule's constants.

use crate::report::public::{disclose, MARKER};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::cell::Cell;

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
pub fn people_opt<S: Serializer>(n: &Option<usize>, s: S) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => people(n, s),
        None => s.serialize_none(),
    }
}

/// [`people`] for an optional `u64` count (the graph's edge figures).
pub fn people_opt_u64<S: Serializer>(n: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
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
pub struct Count {
    /// The count.
    pub n: usize,
    /// Whether it counts people (or grants to people).
    pub people: bool,
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
