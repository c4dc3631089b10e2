//! `--public`: disclosure control for publishing (SPEC.md "Output").
//!
//! Counts of people or of attendance rows below 8 are replaced by `null`, with a sibling
//! `KEY_suppressed: "fewer than 8"` marker; other such counts are rounded to the nearest 5
//! (halves up). Money, hours and shares are not changed. Applied to the serialised form, so
//! `findings.json` and every table are redacted by the same code.

use serde_json::{Map, Value};

/// Counts below this are suppressed.
pub const THRESHOLD: u64 = 8;
/// Other counts are rounded to a multiple of this.
pub const ROUND_TO: u64 = 5;
/// What replaces a suppressed count, in words.
pub const MARKER: &str = "fewer than 8";

/// The rule, in words, as `findings.json` and the graph's JSON state it.
pub const RULE: &str = "counts of people or attendance rows below 8 are null with a \"_suppressed\" marker; other such counts are rounded to the nearest 5; money is not suppressed";

/// One count under the rule: `None` below [`THRESHOLD`], else rounded to the nearest
/// [`ROUND_TO`], halves up.
pub fn disclose(count: u64) -> Option<u64> {
    (count >= THRESHOLD).then(|| (count + ROUND_TO / 2) / ROUND_TO * ROUND_TO)
}

/// True for keys that hold counts of people or of attendance rows.
pub fn is_people_count(key: &str) -> bool {
    key == "rows" || key.ends_with("_rows") || key == "attended" || key == "people"
}

/// Redacts every people or attendance-row count in `v`, at any depth.
pub fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => redact_object(map, false),
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn redact_object(map: &mut Map<String, Value>, all_counts: bool) {
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let counts = all_counts || is_people_count(&key);
        let Some(value) = map.get_mut(&key) else {
            continue;
        };
        match value {
            Value::Number(n) if counts => {
                if let Some(c) = n.as_u64() {
                    match disclose(c) {
                        Some(shown) => *value = Value::from(shown),
                        None => {
                            *value = Value::Null;
                            map.insert(format!("{key}_suppressed"), Value::from(MARKER));
                        }
                    }
                }
            }
            // `attendance_rows: {statutory: 3, vcse: 40}`: every count inside.
            Value::Object(inner) => redact_object(inner, counts),
            Value::Array(items) => items.iter_mut().for_each(redact),
            _ => {}
        }
    }
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
    fn small_counts_are_suppressed_and_others_rounded() {
        let mut v = json!({
            "partnerships": [{
                "id": "P1",
                "members": 3,
                "vcse_hours": 7.5,
                "attendance_rows": {"statutory": 7, "vcse": 42},
                "balance": [{"attended_rows": 8, "voice": 0.1}],
            }],
            "edges": [{"rows": 12, "attended": 0, "amount": 5.0}],
        });
        redact(&mut v);
        let p = &v["partnerships"][0];
        // 7 < 8 → null with a marker; 42 → 40 (nearest 5); 8 → 10 (7.5 rounds up... 8 is
        // nearer 10 than 5); members (organisations) and hours are untouched.
        assert_eq!(p["attendance_rows"]["statutory"], Value::Null);
        assert_eq!(p["attendance_rows"]["statutory_suppressed"], MARKER);
        assert_eq!(p["attendance_rows"]["vcse"], 40);
        assert_eq!(p["balance"][0]["attended_rows"], 10);
        assert_eq!(p["members"], 3);
        assert_eq!(p["vcse_hours"], 7.5);
        assert_eq!(v["edges"][0]["rows"], 10);
        assert_eq!(v["edges"][0]["attended"], Value::Null);
        assert_eq!(v["edges"][0]["amount"], 5.0);
    }
}
