//! Parsers for single field values: amounts, dates, decimals, flags, times.
//!
//! Each returns the typed value or a [`Reason`] saying, in words, what is wrong. They know
//! nothing about files or columns; the caller adds the place.

use crate::error::Reason;
use crate::model::Pence;
use chrono::{Datelike, NaiveDate, NaiveTime};

/// Largest number of whole-pound digits accepted: £9,999,999,999,999 is far beyond any grant,
/// and keeps every sum of a million of them inside an `i64` of pence.
const MAX_POUND_DIGITS: usize = 13;

/// Parses a money amount in pounds: `1234.50`, `£1,234.50`, `" 1,000 "`.
///
/// Accepted: optional `£`, digits with optional thousands commas (groups of three), optional
/// decimal part. Decimals beyond pence are rounded half up (`0.125` → 13p): some publishers
/// export floating-point noise such as `1234.5600000001`. Rejected: empty, negative,
/// exponents (`1e400`), suffixes (`12k`), anything else.
pub(crate) fn parse_amount(raw: &str) -> Result<Pence, Reason> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Reason::new("amount-empty", "amount is empty"));
    }
    let s = s.strip_prefix('£').unwrap_or(s).trim_start();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start().strip_prefix('£').unwrap_or(rest)),
        None => (false, s),
    };
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let digits = strip_thousands(whole).ok_or_else(not_a_number)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
    }
    if negative {
        return Err(Reason::new(
            "amount-negative",
            "amount is negative; a grant amount must be zero or more",
        ));
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > MAX_POUND_DIGITS {
        return Err(Reason::new(
            "amount-too-large",
            "amount is implausibly large (more than 13 digits of pounds)",
        ));
    }
    let pounds: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| not_a_number())?
    };
    let frac = frac.unwrap_or("");
    let frac_digit = |i: usize| frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
    let mut pence = pounds * 100 + frac_digit(0) * 10 + frac_digit(1);
    if frac_digit(2) >= 5 {
        pence += 1;
    }
    Ok(Pence(pence))
}

fn not_a_number() -> Reason {
    Reason::new(
        "amount-not-numeric",
        "amount is not a plain number (expected e.g. 1234.50 or £1,234.50)",
    )
}

/// `1,234,567` → `1234567`; `None` when commas are not thousands separators.
fn strip_thousands(whole: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !whole.contains(',') {
        return Some(whole.into());
    }
    let mut groups = whole.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut out = String::from(first);
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        out.push_str(g);
    }
    Some(out.into())
}

/// First year of the plausible range every input date must lie in (1 January).
pub(crate) const FIRST_YEAR: i32 = 1900;
/// Last year of the plausible range (to 31 December).
pub(crate) const LAST_YEAR: i32 = 2100;

/// `Err` unless `d` lies in 1900-01-01 ..= 2100-12-31, the fixed range every date of every
/// input (and `--as-of`, `--from`, `--to`) must lie in. Fixed rather than "today + 50
/// years" so that the same input gives the same output whatever day it is run; wide enough
/// for any record of real grants and for the longest planned end dates (METHOD.md "Limits
/// on input").
pub fn plausible_date(d: NaiveDate) -> Result<NaiveDate, Reason> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(Reason::new(
            "date-out-of-range",
            format!("date is outside the plausible range {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"),
        ))
    }
}

/// Parses a date: `YYYY-MM-DD`, an ISO date-time (`2021-04-01T00:00:00+00:00`, the date is
/// taken), or UK `DD/MM/YYYY`. US order is never guessed: `04/13/2021` is invalid. A date
/// outside [`plausible_date`]'s range is refused (`0000-04-01`, `9999-12-31`).
pub(crate) fn parse_date(raw: &str) -> Result<NaiveDate, Reason> {
    parse_calendar_date(raw).and_then(plausible_date)
}

fn parse_calendar_date(raw: &str) -> Result<NaiveDate, Reason> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Reason::new("date-empty", "date is empty"));
    }
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        // `get` rather than slicing: a multi-byte character may sit where a digit belongs.
        let (Some(date), Some(rest)) = (s.get(..10), s.get(10..)) else {
            return Err(bad_date());
        };
        if rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ') {
            return iso_date(date);
        }
        return Err(bad_date());
    }
    if s.contains('/') {
        return uk_date(s);
    }
    Err(bad_date())
}

fn bad_date() -> Reason {
    Reason::new(
        "date-invalid",
        "not a date (expected YYYY-MM-DD, an ISO date-time, or DD/MM/YYYY)",
    )
}

fn impossible_date() -> Reason {
    Reason::new("date-impossible", "no such date in the calendar")
}

fn iso_date(s: &str) -> Result<NaiveDate, Reason> {
    let part = |r: std::ops::Range<usize>| -> Result<u32, Reason> {
        let p = s.get(r).ok_or_else(bad_date)?;
        if p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().map_err(|_| bad_date())
        } else {
            Err(bad_date())
        }
    };
    let (y, m, d) = (part(0..4)?, part(5..7)?, part(8..10)?);
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(impossible_date)
}

fn uk_date(s: &str) -> Result<NaiveDate, Reason> {
    let parts: Vec<&str> = s.split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return Err(bad_date());
    };
    let num = |p: &str, max_len: usize| -> Result<u32, Reason> {
        if !p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().map_err(|_| bad_date())
        } else {
            Err(bad_date())
        }
    };
    let (d, m) = (num(d, 2)?, num(m, 2)?);
    if y.len() != 4 {
        return Err(Reason::new(
            "date-invalid",
            "year must have four digits (DD/MM/YYYY)",
        ));
    }
    let y = num(y, 4)?;
    if !(1..=12).contains(&m) {
        return Err(Reason::new(
            "date-invalid",
            format!(
                "{m} is not a month: dates with slashes are read day/month/year (UK order), never US order"
            ),
        ));
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(impossible_date)
}

/// Parses a plain decimal such as `1.5` or `36`; no signs other than a leading minus, no
/// exponents, no `inf`/`NaN`.
pub(crate) fn parse_decimal(raw: &str) -> Option<f64> {
    let s = raw.trim();
    let body = s.strip_prefix('-').unwrap_or(s);
    let (w, f) = body.split_once('.').unwrap_or((body, ""));
    let ok = !w.is_empty()
        && w.bytes().all(|b| b.is_ascii_digit())
        && f.bytes().all(|b| b.is_ascii_digit())
        && w.len() <= 12;
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

/// Parses a yes/no flag: `yes`/`no`/`y`/`n`/`true`/`false`, any case.
pub(crate) fn parse_flag(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Some(true),
        "no" | "n" | "false" => Some(false),
        _ => None,
    }
}

/// Parses a time of day `HH:MM` (or `HH:MM:SS`).
pub(crate) fn parse_time(raw: &str) -> Option<NaiveTime> {
    let s = raw.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
}

/// True when a text speaks of unrestricted money: the word "unrestricted", or the phrases
/// "core costs" / "core funding", matched as whole words in any case. "A restricted grant"
/// does not match, and neither does "restricted" inside another word.
pub(crate) fn mentions_unrestricted(text: &str) -> bool {
    // Most titles and descriptions say neither word: look for them without allocating
    // first. Exact, not a heuristic: the only non-ASCII letter whose lower case is an ASCII
    // letter is the Kelvin sign (k), which neither word contains.
    // Jumping to each place the first letter appears, in either case (memchr2).
    let has = |needle: &[u8]| {
        let b = text.as_bytes();
        let first = needle[0];
        memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b).any(|i| {
            b.get(i..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
    };
    if !has(b"unrestricted") && !has(b"core") {
        return false;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        *w == "unrestricted"
            || (*w == "core" && matches!(words.get(i + 1), Some(&"costs") | Some(&"funding")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pence(s: &str) -> i64 {
        parse_amount(s).map(|p| p.0).unwrap_or(-1)
    }

    fn code(s: &str) -> &'static str {
        parse_amount(s).err().map_or("ok", |r| r.code)
    }

    #[test]
    fn amounts_in_every_documented_form() {
        assert_eq!(pence("1234.50"), 123_450);
        assert_eq!(pence("£1,234.50"), 123_450);
        assert_eq!(pence(" 1,000 "), 100_000);
        assert_eq!(pence("2266"), 226_600);
        assert_eq!(pence("0"), 0);
        assert_eq!(pence("0.5"), 50);
        // Rounding half up to the penny: 0.125 → 12.5p → 13p; 1234.5600000001 → 123456p.
        assert_eq!(pence("0.125"), 13);
        assert_eq!(pence("1234.5600000001"), 123_456);
        assert_eq!(pence("£ 12"), 1_200);
    }

    #[test]
    fn bad_amounts_say_why() {
        assert_eq!(code(""), "amount-empty");
        assert_eq!(code("   "), "amount-empty");
        assert_eq!(code("-5"), "amount-negative");
        assert_eq!(code("-£5.00"), "amount-negative");
        assert_eq!(code("£-5.00"), "amount-negative");
        assert_eq!(code("12k"), "amount-not-numeric");
        assert_eq!(code("1e400"), "amount-not-numeric");
        assert_eq!(code("abc"), "amount-not-numeric");
        assert_eq!(code("1,23"), "amount-not-numeric");
        assert_eq!(code("1.2.3"), "amount-not-numeric");
        assert_eq!(code("5."), "amount-not-numeric");
        assert_eq!(code("NaN"), "amount-not-numeric");
        assert_eq!(code("99999999999999"), "amount-too-large");
    }

    fn date(s: &str) -> String {
        match parse_date(s) {
            Ok(d) => d.to_string(),
            Err(r) => r.code.to_string(),
        }
    }

    #[test]
    fn dates_in_every_documented_form() {
        assert_eq!(date("2013-01-18"), "2013-01-18");
        assert_eq!(date("2020-12-31T00:00:00+00:00"), "2020-12-31");
        assert_eq!(date("2022-05-03T18:09:56Z"), "2022-05-03");
        assert_eq!(date("01/04/2021"), "2021-04-01");
        assert_eq!(date("1/4/2021"), "2021-04-01");
        assert_eq!(date(" 2021-04-01 "), "2021-04-01");
    }

    #[test]
    fn bad_dates_are_never_guessed() {
        // US order: month 13 does not exist, and we never swap.
        assert_eq!(date("04/13/2021"), "date-invalid");
        assert!(parse_date("04/13/2021")
            .unwrap_err()
            .message
            .contains("UK order"));
        assert_eq!(date("2021-02-30"), "date-impossible");
        assert_eq!(date("31/06/2021"), "date-impossible");
        assert_eq!(date("2021-13-01"), "date-impossible");
        assert_eq!(date("01/04/21"), "date-invalid");
        assert_eq!(date("April 2021"), "date-invalid");
        assert_eq!(date("2021-04-01x"), "date-invalid");
        // Found by the fuzz test: a multi-byte character where a digit belongs.
        assert_eq!(date("2023-05-€1"), "date-invalid");
        assert_eq!(date("2023-€5-01"), "date-invalid");
        assert_eq!(date(""), "date-empty");
    }

    #[test]
    fn implausible_dates_are_refused_at_both_ends_of_the_range() {
        // The dates: year 0 and year 9999 are real calendar dates but no grant's.
        assert_eq!(date("0000-04-01"), "date-out-of-range");
        assert_eq!(date("9999-12-31"), "date-out-of-range");
        assert_eq!(date("31/12/9999"), "date-out-of-range");
        assert_eq!(date("1899-12-31"), "date-out-of-range");
        assert_eq!(date("2101-01-01T00:00:00Z"), "date-out-of-range");
        // The range's own ends are inside it.
        assert_eq!(date("1900-01-01"), "1900-01-01");
        assert_eq!(date("2100-12-31"), "2100-12-31");
    }

    #[test]
    fn decimals_flags_and_times() {
        assert_eq!(parse_decimal("1.5"), Some(1.5));
        assert_eq!(parse_decimal(" 36 "), Some(36.0));
        assert_eq!(parse_decimal("-2"), Some(-2.0));
        assert_eq!(parse_decimal("inf"), None);
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_flag("Y"), Some(true));
        assert_eq!(parse_flag("false"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
        assert_eq!(
            parse_time("18:30").map(|t| t.to_string()),
            Some("18:30:00".into())
        );
        assert_eq!(parse_time("25:00"), None);
    }

    #[test]
    fn unrestricted_keywords_do_not_confuse_restricted() {
        assert!(mentions_unrestricted("Unrestricted funding for 3 years"));
        assert!(mentions_unrestricted("Towards CORE costs"));
        assert!(mentions_unrestricted("core funding, year 2"));
        assert!(!mentions_unrestricted("A restricted grant of £30,000"));
        assert!(!mentions_unrestricted("core team training"));
        assert!(!mentions_unrestricted("hardcore costs"));
    }
}
