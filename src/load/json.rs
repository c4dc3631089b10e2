//! Reading a JSON document while noticing duplicated keys.
//!
//! JSON allows an object to repeat a key, and `serde_json` keeps the last value without a
//! word: `{"amountAwarded": 100, "amountAwarded": 200}` would silently be a £200 grant. The
//! document is read here into a [`Value`] tree holding only what the loader reads (see
//! [`parse`]), and every repeated key is recorded with its path and both values, for the
//! grants loader to judge by SPEC.md's bad-input rules. The first value is kept in the tree (it does not matter which: a key repeated with
//! different values is never used, see `grants.rs`).
//!
//! The fast pass reads from a string and records paths only; when it found repeats, a second
//! pass reads through a reader that counts line breaks, so each repeat can name the lines of
//! both occurrences. O(size of the document), twice only when a key repeats.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Repeat {
    /// The path of the key: `grants[3].amountAwarded`.
    pub(crate) path: String,
    /// The first value (kept).
    pub(crate) first: Value,
    /// The later value.
    pub(crate) second: Value,
    /// The lines of the two occurrences, when known.
    pub(crate) lines: Option<(u64, u64)>,
}

/// Parses `text` as a 360Giving package, returning the document and every repeated key.
/// Only what the loader reads is built: at the top level the `grants` list, and in each
/// grant the keys in `grant_keys`; any other value is skipped as it is read (and stands as
/// `null`, so a repeated key is still noticed), so a package padded with a huge unread
/// field costs no memory for it.
pub(crate) fn parse(
    text: &str,
    grant_keys: &[&str],
) -> Result<(Value, Vec<Repeat>), serde_json::Error> {
    let repeats = RefCell::new(Vec::new());
    let value = {
        let mut de = serde_json::Deserializer::from_str(text);
        let v = Node {
            prefix: "",
            step: Step::Root,
            repeats: &repeats,
            line: None,
            grant_keys,
        }
        .deserialize(&mut de)?;
        de.end()?;
        v
    };
    if repeats.borrow().is_empty() {
        return Ok((value, Vec::new()));
    }
    // Again, counting lines, to say where each repeat is.
    let line = Rc::new(Cell::new(1));
    let with_lines = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_reader(LineCounter {
        bytes: text.as_bytes(),
        at: 0,
        line: Rc::clone(&line),
    });
    Node {
        prefix: "",
        step: Step::Root,
        repeats: &with_lines,
        line: Some(&line),
        grant_keys,
    }
    .deserialize(&mut de)?;
    Ok((value, with_lines.into_inner()))
}

/// A reader over bytes that counts the line breaks handed out.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: Rc<Cell<u64>>,
}

impl std::io::Read for LineCounter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.at..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        let breaks = rest[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.line.set(self.line.get() + breaks);
        self.at += n;
        Ok(n)
    }
}

/// One value being read: its place is its parent's path and one step. A container
/// builds its own path once (its children need it); a scalar never does, so a list of a
/// million numbers costs no path strings.
struct Node<'r> {
    /// The parent's path (`""` at the root).
    prefix: &'r str,
    step: Step<'r>,
    repeats: &'r RefCell<Vec<Repeat>>,
    /// The current line, in the counting pass.
    line: Option<&'r Rc<Cell<u64>>>,
    /// The keys of a grant that are read.
    grant_keys: &'r [&'r str],
}

/// The last step of a path.
#[derive(Clone, Copy)]
enum Step<'r> {
    Root,
    Key(&'r str),
    Index(usize),
}

/// `prefix` followed by `step`: `grants` + `[3]`, `grants[3]` + `.id`.
fn join(prefix: &str, step: Step) -> String {
    match step {
        Step::Root => prefix.to_owned(),
        Step::Index(i) => format!("{prefix}[{i}]"),
        Step::Key(k) if prefix.is_empty() => k.to_owned(),
        Step::Key(k) => format!("{prefix}.{k}"),
    }
}

impl<'r> Node<'r> {
    fn child<'c>(&'c self, prefix: &'c str, step: Step<'c>) -> Node<'c>
    where
        'r: 'c,
    {
        Node {
            prefix,
            step,
            repeats: self.repeats,
            line: self.line,
            grant_keys: self.grant_keys,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let me = join(self.prefix, self.step);
        // Read: the grants list, and the first element of a list inside a grant (the only
        // one the loader reads). A list anywhere else, or any later element, is skipped.
        let in_grant = me.starts_with("grants[");
        let wanted = |i: usize| me == "grants" || (in_grant && i == 0);
        let mut items = Vec::new();
        loop {
            let i = items.len();
            if wanted(i) {
                match seq.next_element_seed(self.child(&me, Step::Index(i)))? {
                    Some(v) => items.push(v),
                    None => break,
                }
            } else {
                // Nothing from here on is read: skipped, not kept.
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                break;
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let me = join(self.prefix, self.step);
        let mut out = Map::new();
        // The line of each key, in the counting pass.
        let mut key_lines: HashMap<String, u64> = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let line = self.line.map(|l| l.get());
            let read = match (self.step, self.prefix) {
                (Step::Root, _) => key == "grants",
                (Step::Index(_), "grants") => self.grant_keys.contains(&key.as_str()),
                // `grants` as an object, not a list: refused by the loader, so not kept.
                (Step::Key("grants"), "") => false,
                _ => true,
            };
            let value = if read {
                map.next_value_seed(self.child(&me, Step::Key(&key)))?
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
                Value::Null
            };
            match out.get(&key) {
                Some(first) => {
                    let lines = line.map(|l| (key_lines.get(&key).copied().unwrap_or(l), l));
                    self.repeats.borrow_mut().push(Repeat {
                        path: join(&me, Step::Key(&key)),
                        first: first.clone(),
                        second: value,
                        lines,
                    });
                }
                None => {
                    if let Some(l) = line {
                        key_lines.insert(key.clone(), l);
                    }
                    out.insert(key, value);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_with_their_paths_and_lines() {
        let text = "{\"grants\": [\n {\"id\": \"A\",\n  \"amountAwarded\": 100,\n  \"amountAwarded\": 200},\n {\"id\": \"B\", \"recipientOrganization\": [{\"id\": \"X\", \"id\": \"X\"}]}\n]}";
        let (v, repeats) =
            parse(text, &["id", "amountAwarded", "recipientOrganization"]).expect("valid JSON");
        // The first value is kept.
        assert_eq!(v["grants"][0]["amountAwarded"], Value::from(100));
        assert_eq!(repeats.len(), 2);
        assert_eq!(repeats[0].path, "grants[0].amountAwarded");
        assert_eq!(repeats[0].first, Value::from(100));
        assert_eq!(repeats[0].second, Value::from(200));
        // The key opens on line 3 and is repeated on line 4.
        assert_eq!(repeats[0].lines, Some((3, 4)));
        assert_eq!(repeats[1].path, "grants[1].recipientOrganization[0].id");
        assert_eq!(repeats[1].lines, Some((5, 5)));
    }

    #[test]
    fn a_document_without_repeats_reads_as_serde_json_reads_it() {
        let text = r#"{"grants": [{"id": "A", "n": [{"x": [2.5]}], "m": -3, "t": true, "z": null}, {"id": "B"}]}"#;
        let (v, repeats) = parse(text, &["id", "n", "m", "t", "z"]).expect("valid JSON");
        assert!(repeats.is_empty());
        assert_eq!(v, serde_json::from_str::<Value>(text).expect("valid"));
        // Inside a grant only a list's first element is read: the rest is skipped.
        let (v, _) = parse(r#"{"grants": [{"n": [1, 2, 3]}]}"#, &["n"]).expect("valid JSON");
        assert_eq!(v["grants"][0]["n"], serde_json::json!([1]));
    }

    #[test]
    fn values_not_read_are_skipped_but_their_repeats_noticed() {
        let text = r#"{"meta": [1, 2], "grants": [{"id": "A", "big": [0, 0, 0], "big": 1}]}"#;
        let (v, repeats) = parse(text, &["id"]).expect("valid JSON");
        assert_eq!(v["meta"], Value::Null);
        assert_eq!(v["grants"][0]["id"], Value::from("A"));
        assert_eq!(v["grants"][0]["big"], Value::Null);
        assert_eq!(repeats.len(), 1);
        assert_eq!(repeats[0].path, "grants[0].big");
    }
}
