//! Parameters: every threshold of SPEC.md's flags table and the assumptions (hourly rate),
//! with SPEC.md's defaults, overridable from `fundflow.toml`; and the optional
//! `[organisations]` table of `fundflow.toml`, which says how to read an organisations.csv
//! whose columns are not SPEC.md's (a Charity Commission register extract, say).
//!
//! The two are kept apart on purpose: [`Parameters`] is serialised into `findings.json` as
//! the thresholds used, while [`OrganisationsMapping`] says how to read an input and goes to
//! the loader ([`crate::load::LoadOptions`]).

use crate::model::Sector;
use serde::{Deserialize, Deserializer, Serialize};

/// A two-band threshold: `medium` and `high` (inclusive). For measures where lower is worse
/// (representation ratio) the comparison is reversed by the rule that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Bands {
    /// Medium severity from this value.
    pub(crate) medium: f64,
    /// High severity from this value.
    pub(crate) high: f64,
}

/// Every parameter the analysis uses; serialised into `findings.json` so a figure can be
/// traced to the thresholds that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
    /// Where these values come from: the config file's name (never its path, so outputs do
    /// not depend on where the dataset sits), or `built-in defaults`. Set by the reader of
    /// the file, never by a key in it.
    #[serde(skip_deserializing)]
    pub config_file: String,
    /// £ per hour to value unpaid VCSE time (an assumption; METHOD.md gives its source).
    pub(crate) hourly_rate: f64,
    /// Statutory attendees attend in salaried time, so their rows are resourced.
    pub(crate) statutory_time_is_paid: bool,
    /// CONCENTRATION: top5_share bands.
    pub(crate) concentration: Bands,
    /// CONCENTRATION applies to funders with at least this many recipients.
    pub(crate) concentration_min_recipients: usize,
    /// FUNDER-DOMINANCE: the largest funder's share of VCSE-side money.
    pub(crate) dominance: Bands,
    /// FUNDER-DOMINANCE applies when at least this many funders gave to the VCSE side.
    pub(crate) dominance_min_funders: usize,
    /// DEPENDENCY bands.
    pub(crate) dependency: Bands,
    /// DEPENDENCY on the recorded basis needs at least this many funders with active grants.
    pub(crate) dependency_min_funders: usize,
    /// FUNDING-CLIFF: ending_12m_share bands.
    pub(crate) cliff: Bands,
    /// FUNDING-CLIFF needs at least this many active grants, or ...
    pub(crate) cliff_min_active_grants: usize,
    /// ... income known and the ending annual value at least this share of it.
    pub(crate) cliff_min_income_share: f64,
    /// FUNDING-CLIFF also needs the annual value ending to reach this floor, pounds
    /// (SPEC.md's `cliff_min_annual`; METHOD.md gives the default's reason).
    pub(crate) cliff_min_annual: f64,
    /// RETENTION: retained_share bands.
    pub(crate) retention: Bands,
    /// DEFAULT-HOST: host_share bands.
    pub(crate) default_host: Bands,
    /// DEFAULT-HOST/CHAIR medium also needs share ≥ this multiple of the fair share.
    pub(crate) default_fair_share_multiple: f64,
    /// DEFAULT-HOST/CHAIR need at least this many meetings with a host (chair).
    pub(crate) default_min_meetings: usize,
    /// DEFAULT-CHAIR: chair_share bands.
    pub(crate) default_chair: Bands,
    /// UNPAID-PARTICIPATION: vcse_unpaid_share bands.
    pub(crate) unpaid: Bands,
    /// PARTICIPATION-GAP: statutory rate − VCSE rate bands.
    pub(crate) participation_gap: Bands,
    /// PARTICIPATION-GAP needs at least this many rows on each side.
    pub(crate) participation_gap_min_rows: usize,
    /// SHORT-TERM-FUNDING: short_term_share of money to VCSE (medium only).
    pub(crate) short_term: f64,
    /// SHORT-TERM-FUNDING needs at least this many grants to VCSE.
    pub(crate) short_term_min_grants: usize,
    /// USUAL-SUSPECTS: top5_seat_share bands.
    pub(crate) usual_suspects: Bands,
    /// USUAL-SUSPECTS needs at least this many VCSE-side organisations with seats.
    pub(crate) usual_suspects_min_orgs: usize,
    /// UNDER-FUNDED-GROUP: representation_ratio bands (at or below).
    pub(crate) under_funded: Bands,
    /// UNDER-FUNDED-GROUP needs at least this many tagged organisations.
    pub(crate) under_funded_min_orgs: usize,
}

impl Default for Parameters {
    fn default() -> Self {
        let b = |medium, high| Bands { medium, high };
        Parameters {
            config_file: BUILT_IN.to_owned(),
            hourly_rate: 12.21,
            statutory_time_is_paid: true,
            concentration: b(0.5, 0.7),
            concentration_min_recipients: 20,
            dominance: b(0.5, 0.7),
            dominance_min_funders: 3,
            dependency: b(0.5, 0.75),
            dependency_min_funders: 2,
            cliff: b(0.5, 0.8),
            cliff_min_active_grants: 2,
            cliff_min_income_share: 0.25,
            // About a two-day-a-week post at the National Living Wage (METHOD.md).
            cliff_min_annual: 10_000.0,
            retention: b(0.6, 0.8),
            default_host: b(0.5, 0.75),
            default_fair_share_multiple: 2.0,
            default_min_meetings: 4,
            default_chair: b(0.5, 0.75),
            unpaid: b(0.5, 0.8),
            participation_gap: b(0.2, 0.35),
            participation_gap_min_rows: 10,
            short_term: 0.8,
            short_term_min_grants: 5,
            usual_suspects: b(0.5, 0.7),
            usual_suspects_min_orgs: 10,
            under_funded: b(0.5, 0.25),
            under_funded_min_orgs: 5,
        }
    }
}

/// [`Parameters::config_file`] when no config file was read.
pub const BUILT_IN: &str = "built-in defaults";

/// What a parameter may be: its allowed range, checked when a config file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allowed {
    /// A share of something: 0 to 1.
    Share,
    /// A ratio that can pass 1 (dependency, representation): 0 or more, finite.
    Ratio,
    /// Money in pounds: 0 or more, finite.
    Money,
}

impl Allowed {
    fn admits(self, v: f64) -> bool {
        match self {
            Allowed::Share => (0.0..=1.0).contains(&v),
            Allowed::Ratio | Allowed::Money => v.is_finite() && v >= 0.0,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Allowed::Share => "a share: a number from 0 to 1",
            Allowed::Ratio => "a ratio: a finite number, 0 or more",
            Allowed::Money => "money in pounds: a finite number, 0 or more",
        }
    }
}

impl Parameters {
    /// Every value that is out of its range, as (key, message). Counts are unsigned
    /// integers, so the type already keeps them at 0 or more; every floating-point value is
    /// checked against its range (NaN and infinities fail every range), and each pair of
    /// bands is checked for order: medium ≤ high where a flag fires at or above its
    /// threshold, high ≤ medium for UNDER-FUNDED-GROUP, which fires at or below (SPEC.md
    /// "Flags").
    fn out_of_range(&self) -> Vec<(String, String)> {
        use Allowed::{Money, Ratio, Share};
        let mut bad = Vec::new();
        let value = |bad: &mut Vec<(String, String)>, key: &str, v: f64, allowed: Allowed| {
            if !allowed.admits(v) {
                bad.push((
                    key.to_owned(),
                    format!("{key} = {v}: must be {}", allowed.words()),
                ));
            }
        };
        value(&mut bad, "hourly_rate", self.hourly_rate, Money);
        value(&mut bad, "cliff_min_annual", self.cliff_min_annual, Money);
        value(
            &mut bad,
            "cliff_min_income_share",
            self.cliff_min_income_share,
            Ratio,
        );
        value(
            &mut bad,
            "default_fair_share_multiple",
            self.default_fair_share_multiple,
            Ratio,
        );
        value(&mut bad, "short_term", self.short_term, Share);
        let bands: [(&str, Bands, Allowed, bool); 11] = [
            ("concentration", self.concentration, Share, true),
            ("dominance", self.dominance, Share, true),
            ("dependency", self.dependency, Ratio, true),
            ("cliff", self.cliff, Share, true),
            ("retention", self.retention, Share, true),
            ("default_host", self.default_host, Share, true),
            ("default_chair", self.default_chair, Share, true),
            ("unpaid", self.unpaid, Share, true),
            ("participation_gap", self.participation_gap, Share, true),
            ("usual_suspects", self.usual_suspects, Share, true),
            ("under_funded", self.under_funded, Ratio, false),
        ];
        for (key, b, allowed, at_or_above) in bands {
            value(&mut bad, &format!("{key}.medium"), b.medium, allowed);
            value(&mut bad, &format!("{key}.high"), b.high, allowed);
            let (in_order, rule) = if at_or_above {
                (b.medium <= b.high, "medium must not be above high: the flag fires at or above these values, so high is the stricter")
            } else {
                (b.high <= b.medium, "high must not be above medium: UNDER-FUNDED-GROUP fires at or below these values, so high is the stricter")
            };
            // Only when both values are numbers in range: otherwise the message above says
            // what is wrong.
            if allowed.admits(b.medium) && allowed.admits(b.high) && !in_order {
                bad.push((
                    format!("{key}.medium"),
                    format!("{key}: medium = {}, high = {}: {rule}", b.medium, b.high),
                ));
            }
        }
        bad
    }
}

/// The 1-based line of every key in a parsed TOML document, dotted for keys inside a table
/// (`dependency.medium`), whether written inline or as a `[dependency]` table.
fn key_lines(text: &str, table: &toml::de::DeTable, prefix: &str, out: &mut Vec<(String, usize)>) {
    for (k, v) in table {
        let key = format!("{prefix}{}", k.get_ref());
        let line = 1 + text
            .get(..k.span().start)
            .map_or(0, |before| before.matches('\n').count());
        if let toml::de::DeValue::Table(inner) = v.get_ref() {
            key_lines(text, inner, &format!("{key}."), out);
        }
        out.push((key, line));
    }
}

/// Everything `fundflow.toml` holds: the parameters (flat keys at the top level, as before
/// the mapping existed) and, optionally, the `[organisations]` column mapping.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// Thresholds and assumptions.
    pub parameters: Parameters,
    /// How to read organisations.csv; `None` reads SPEC.md's column names.
    pub organisations: Option<OrganisationsMapping>,
}

impl Config {
    /// Parses the text of a `fundflow.toml`. Every key is optional; an unknown key, at the
    /// top level or in `[organisations]`, is an error naming it with its line and column.
    ///
    /// `serde(flatten)` would read both parts in one pass, but it silently accepts unknown
    /// keys (and loses their positions), so the document is parsed once and split instead.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        use toml::de::{DeTable, DeValue, Deserializer as TomlDeserializer};
        let located = |mut e: toml::de::Error| {
            e.set_input(Some(text));
            e.to_string().trim().to_owned()
        };
        let mut root = DeTable::parse(text).map_err(located)?;
        let mut lines = Vec::new();
        key_lines(text, root.get_ref(), "", &mut lines);
        let table = root.get_mut().remove("organisations");
        let parameters = Parameters::deserialize(TomlDeserializer::from(root)).map_err(located)?;
        let bad = parameters.out_of_range();
        if !bad.is_empty() {
            // A key left out of the file keeps its default, which is in range: every bad
            // value was written, so it has a line (0 only if the document is not as parsed).
            let line_of = |key: &str| lines.iter().find(|(k, _)| k == key).map_or(0, |(_, l)| *l);
            return Err(bad
                .iter()
                // `LINE: why`, one a value: the caller puts the file's name in front, so
                // each reads `fundflow.toml:3: ...` like every other input error.
                .map(|(key, why)| format!("{}: {why}", line_of(key)))
                .collect::<Vec<_>>()
                .join("\n"));
        }
        let organisations =
            match table {
                None => None,
                Some(value) => {
                    let span = value.span();
                    match value.into_inner() {
                        DeValue::Table(t) => {
                            let de = TomlDeserializer::from(toml::Spanned::new(span, t));
                            let m = OrganisationsMapping::deserialize(de).map_err(located)?;
                            m.check()?;
                            Some(m)
                        }
                        _ => return Err(
                            "`organisations` must be a table: [organisations] followed by its keys"
                                .into(),
                        ),
                    }
                }
            };
        Ok(Config {
            parameters,
            organisations,
        })
    }
}

/// The `[organisations]` table: which columns of organisations.csv hold what, for a file
/// in someone else's layout (the Charity Commission register extract has
/// `registered_charity_number`, `charity_name`, `latest_income`, ...). A key left out means
/// SPEC.md's column (`Identifier`, `Name`, `Sector`, `Type`, `Annual Income`, `Area`,
/// `Led By`), read when present; a column named here must be in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationsMapping {
    /// Column holding the identifier [default: `Identifier`].
    pub(crate) identifier: Option<String>,
    /// Prepended to identifiers that do not already start with it: `GB-CHC-` turns the
    /// register's `1234567` into the 360Giving org-id `GB-CHC-1234567`.
    pub(crate) identifier_prefix: Option<String>,
    /// Column holding the name [default: `Name`].
    pub(crate) name: Option<String>,
    /// Column holding the sector (statutory, vcse, private, individual, unknown)
    /// [default: `Sector`].
    pub(crate) sector: Option<String>,
    /// Sector of a row whose sector column is absent or empty ("vcse" for a charity
    /// register); decided by rule 1 like a `Sector` value.
    #[serde(default, deserialize_with = "sector_name")]
    pub(crate) default_sector: Option<Sector>,
    /// Column holding the organisation type [default: `Type`].
    #[serde(rename = "type")]
    pub(crate) org_type: Option<String>,
    /// Column holding the latest annual income [default: `Annual Income`].
    pub(crate) income: Option<String>,
    /// Column holding the area [default: `Area`].
    pub(crate) area: Option<String>,
    /// Column holding the `Led By` tags [default: `Led By`].
    pub(crate) led_by: Option<String>,
    /// Column holding `Same As`, the identifier this organisation is merged into
    /// [default: `Same As`].
    pub(crate) same_as: Option<String>,
    /// Keep only rows whose identifier another file mentions (grants, partnerships,
    /// meetings, attendance, payments); the rest are counted as `not-mentioned` and left
    /// out, so a register of 170,000 charities does not become 170,000 organisations of the
    /// dataset [default: true].
    #[serde(default = "yes")]
    pub(crate) only_mentioned: bool,
    /// Column that is non-empty and not `0` on a linked charity (the register's
    /// `linked_charity_number`): such rows share their main charity's number and are left
    /// out (`linked-charity`), since a 360Giving org-id names the main charity.
    pub(crate) linked: Option<String>,
    /// Column saying a charity was removed from the register: a row counts as removed when
    /// it holds anything but `Registered` (so `date_of_removal` or
    /// `charity_registration_status` both work). Removed charities are kept and counted as
    /// a warning (`removed-charity`), unless `skip_removed`.
    pub(crate) removed: Option<String>,
    /// Leave removed charities out (counted as `removed-charity`) [default: false].
    #[serde(default)]
    pub(crate) skip_removed: bool,
}

impl Default for OrganisationsMapping {
    /// SPEC.md's columns, keeping only mentioned rows (as a `[organisations]` table with no
    /// keys reads).
    fn default() -> Self {
        OrganisationsMapping {
            identifier: None,
            identifier_prefix: None,
            name: None,
            sector: None,
            default_sector: None,
            org_type: None,
            income: None,
            area: None,
            led_by: None,
            same_as: None,
            only_mentioned: true,
            linked: None,
            removed: None,
            skip_removed: false,
        }
    }
}

impl OrganisationsMapping {
    /// Combinations that cannot mean anything.
    fn check(&self) -> Result<(), String> {
        if self.skip_removed && self.removed.is_none() {
            return Err("[organisations] skip_removed = true needs `removed = \"COLUMN\"` (the column saying a charity was removed, e.g. date_of_removal)".into());
        }
        let columns = [
            ("identifier", &self.identifier),
            ("identifier_prefix", &self.identifier_prefix),
            ("name", &self.name),
            ("sector", &self.sector),
            ("type", &self.org_type),
            ("income", &self.income),
            ("area", &self.area),
            ("led_by", &self.led_by),
            ("same_as", &self.same_as),
            ("linked", &self.linked),
            ("removed", &self.removed),
        ];
        for (key, value) in columns {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(format!(
                    "[organisations] {key} is empty; name a column or leave the key out"
                ));
            }
        }
        Ok(())
    }

    /// The identifier as it reaches [`crate::model::OrgId`]: trimmed, with the prefix
    /// prepended unless already there (compared case-insensitively, as identifiers are).
    /// `None` for an empty cell.
    pub(crate) fn identifier_of(&self, raw: &str) -> Option<crate::model::OrgId> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match self.identifier_prefix.as_deref().map(str::trim) {
            Some(p) if !starts_with_ignore_case(raw, p) => {
                crate::model::OrgId::parse(&format!("{p}{raw}"))
            }
            _ => crate::model::OrgId::parse(raw),
        }
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn yes() -> bool {
    true
}

fn sector_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Sector>, D::Error> {
    let raw = String::deserialize(d)?;
    Sector::parse(&raw).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "default_sector {raw:?} is not a sector: use statutory, vcse, private, individual or unknown"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_config_still_reads_and_has_no_mapping() {
        let c =
            Config::from_toml("hourly_rate = 10.5\ndependency = { medium = 0.4, high = 0.6 }\n")
                .expect("flat config");
        assert_eq!(c.parameters.hourly_rate, 10.5);
        assert_eq!(c.parameters.dependency.medium, 0.4);
        assert_eq!(c.organisations, None);
        // An empty file is all defaults.
        assert_eq!(Config::from_toml("").expect("empty"), Config::default());
    }

    #[test]
    fn out_of_range_values_are_refused_with_their_line() {
        let err = |text: &str| Config::from_toml(text).err().unwrap_or_default();
        // NaN and infinities (TOML spells them nan and inf) fail every range.
        let e = err("hourly_rate = nan\n");
        assert_eq!(
            e,
            "1: hourly_rate = NaN: must be money in pounds: a finite number, 0 or more"
        );
        assert!(err("\nhourly_rate = inf\n").starts_with("2: hourly_rate = inf"));
        assert!(err("hourly_rate = -1.0\n").contains("hourly_rate = -1"));
        // A NaN threshold would silently remove every DEPENDENCY flag.
        let e = err("dependency = { medium = nan, high = 0.75 }\n");
        assert!(e.starts_with("1: dependency.medium = NaN"), "{e}");
        // Written as a table, the line is the key's own.
        let e = err("[cliff]\nmedium = 0.5\nhigh = 1.5\n");
        assert!(e.starts_with("3: cliff.high = 1.5: must be a share"), "{e}");
        // Medium above high, where the flag fires at or above.
        let e = err("unpaid = { medium = 0.9, high = 0.8 }\n");
        assert!(
            e.contains("1: unpaid: medium = 0.9, high = 0.8: medium must not be above high"),
            "{e}"
        );
        // UNDER-FUNDED-GROUP fires at or below: its high must not be above its medium.
        let e = err("under_funded = { medium = 0.25, high = 0.5 }\n");
        assert!(e.contains("high must not be above medium"), "{e}");
        assert!(Config::from_toml("under_funded = { medium = 0.6, high = 0.3 }\n").is_ok());
        // Ratios may pass 1; shares may not.
        assert!(Config::from_toml("dependency = { medium = 1.0, high = 1.5 }\n").is_ok());
        assert!(err("short_term = 1.01\n").contains("must be a share"));
        // Every bad value is listed, each with its line.
        let e = err("hourly_rate = -2.0\nshort_term = nan\n");
        assert_eq!(e.lines().count(), 2, "{e}");
        assert!(e
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("2: short_term")));
        // Counts cannot be negative: the type refuses them when the file is read.
        assert!(Config::from_toml("default_min_meetings = -1\n").is_err());
        // The defaults are in range.
        assert!(Parameters::default().out_of_range().is_empty());
    }

    #[test]
    fn the_config_file_is_not_a_key() {
        let e = Config::from_toml("config_file = \"x\"\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("config_file"), "{e}");
        assert_eq!(Parameters::default().config_file, "built-in defaults");
    }

    #[test]
    fn the_organisations_table_is_read_beside_the_parameters() {
        let c = Config::from_toml(
            "hourly_rate = 11\n\n[organisations]\nidentifier = \"registered_charity_number\"\nidentifier_prefix = \"GB-CHC-\"\nname = \"charity_name\"\nincome = \"latest_income\"\ntype = \"charity_type\"\ndefault_sector = \"VCSE\"\nremoved = \"date_of_removal\"\n",
        )
        .expect("config with mapping");
        assert_eq!(c.parameters.hourly_rate, 11.0);
        let m = c.organisations.expect("mapping");
        assert_eq!(m.identifier.as_deref(), Some("registered_charity_number"));
        assert_eq!(m.org_type.as_deref(), Some("charity_type"));
        assert_eq!(m.default_sector, Some(Sector::Vcse));
        // Defaults: keep only mentioned rows, keep removed charities.
        assert!(m.only_mentioned);
        assert!(!m.skip_removed);
        // Parameters stay what findings.json reports: the mapping is not among them.
        let json = serde_json::to_string(&c.parameters).expect("json");
        assert!(!json.contains("organisations"), "{json}");
    }

    #[test]
    fn unknown_keys_are_errors_wherever_they_are() {
        let e = Config::from_toml("hourly_rte = 10\n").expect_err("top-level typo");
        assert!(e.contains("hourly_rte") && e.contains("line 1"), "{e}");
        let e = Config::from_toml("hourly_rate = 10\n[organisations]\nidentifer = \"x\"\n")
            .expect_err("typo in the table");
        assert!(e.contains("identifer") && e.contains("line 3"), "{e}");
        let e = Config::from_toml("organisations = 3\n").expect_err("not a table");
        assert!(e.contains("must be a table"), "{e}");
        let e = Config::from_toml("[organisations]\ndefault_sector = \"charity\"\n")
            .expect_err("not a sector");
        assert!(e.contains("\"charity\" is not a sector"), "{e}");
        let e = Config::from_toml("[organisations]\nskip_removed = true\n")
            .expect_err("skip_removed without a column");
        assert!(e.contains("needs `removed"), "{e}");
        let e = Config::from_toml("[organisations]\nincome = \" \"\n").expect_err("empty column");
        assert!(e.contains("income is empty"), "{e}");
    }

    #[test]
    fn the_documented_mappings_parse() {
        // fundflow.example.toml's commented register mapping, uncommented.
        let example = include_str!("../fundflow.example.toml");
        let (params, commented) = example
            .split_once("# [organisations]")
            .expect("the example shows a mapping");
        let uncommented: String = commented
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let c = Config::from_toml(&format!("{params}[organisations]{uncommented}"))
            .expect("example mapping parses");
        assert_eq!(c.parameters, Parameters::default());
        let m = c.organisations.expect("mapping");
        assert_eq!(m.identifier_prefix.as_deref(), Some("GB-CHC-"));
        assert_eq!(m.linked.as_deref(), Some("linked_charity_number"));
        // README's block, and the fixture the integration tests use.
        let readme = include_str!("../README.md");
        let block = readme
            .split_once("```toml\n[organisations]")
            .and_then(|(_, rest)| rest.split_once("```"))
            .map(|(b, _)| b)
            .expect("README shows a mapping");
        let m = Config::from_toml(&format!("[organisations]{block}"))
            .expect("README mapping parses")
            .organisations
            .expect("mapping");
        assert_eq!(m.income.as_deref(), Some("latest_income"));
        let fixture = include_str!("../tests/fixtures/charity-register/fundflow.toml");
        assert!(Config::from_toml(fixture).is_ok_and(|c| c.organisations.is_some()));
    }

    #[test]
    fn bare_charity_numbers_get_the_prefix_and_normalise_like_org_ids() {
        let m = OrganisationsMapping {
            identifier_prefix: Some("gb-chc-".into()),
            ..OrganisationsMapping::default()
        };
        let id = |raw: &str| m.identifier_of(raw).map(|i| i.to_string());
        // " 1234567 " → trimmed, prefixed, upper-cased: the same OrgId as the grant's.
        assert_eq!(id(" 1234567 ").as_deref(), Some("GB-CHC-1234567"));
        assert_eq!(
            m.identifier_of("1234567"),
            crate::model::OrgId::parse("GB-CHC-1234567")
        );
        // Already prefixed (any case): left alone.
        assert_eq!(id("GB-chc-1234567").as_deref(), Some("GB-CHC-1234567"));
        assert_eq!(id("   "), None);
        // Without a prefix the value is the identifier.
        let plain = OrganisationsMapping::default();
        assert_eq!(
            plain
                .identifier_of(" 360g-x ")
                .map(|i| i.to_string())
                .as_deref(),
            Some("360G-X")
        );
    }
}
