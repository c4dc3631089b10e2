//! Sector inference: which side of a partnership an organisation is on.
//!
//! The rules of SPEC.md, tried in order; the first that applies decides, and which one it
//! was is recorded so `validate` can list every inference for a user to correct:
//!
//! 1. `Sector` in organisations.csv.
//! 2. An organisation type — organisations.csv `Type` first, then the latest grant's
//!    `Recipient Org:Org Type` — found in [`sector_for_org_type`]'s map.
//! 3. A non-empty `Recipient Org:Charity Number` → vcse (a charitable company is VCSE).
//! 4. The org-id prefix ([`STATUTORY_PREFIXES`], [`VCSE_PREFIXES`]); when the identifier's
//!    own prefix says nothing (a `360G-` id), the prefix of the canonical org-id a GrantNav
//!    export adds (`Recipient Org: Canonical Org ID (additional data)`).
//! 5. `GB-COH` named as a Community Interest Company → vcse; other `GB-COH` → private.
//! 6. A name ending "Town/Parish/County/District/City/Borough Council" → statutory.
//! 7. Otherwise unknown.

use crate::model::{OrgId, Sector, SectorRule};

/// Org-id prefixes of statutory bodies (org-id.guide lists).
pub const STATUTORY_PREFIXES: [&str; 9] = [
    "GB-LAE", "GB-LAS", "GB-LANI", "GB-PLA", "GB-NHS", "GB-GOR", "GB-GOV", "GB-EDU", "GB-UKPRN",
];

/// Org-id prefixes of charities and other VCSE registers.
pub const VCSE_PREFIXES: [&str; 5] = ["GB-CHC", "GB-SC", "GB-NIC", "GB-REV", "GB-MPR"];

/// Council name endings that mark a statutory body.
const COUNCIL_ENDINGS: [&str; 6] = [
    "town council",
    "parish council",
    "county council",
    "district council",
    "city council",
    "borough council",
];

/// What is known about one organisation, for inference.
pub struct Evidence<'a> {
    /// Its identifier.
    pub id: &'a OrgId,
    /// Its name.
    pub name: &'a str,
    /// `Sector` from organisations.csv.
    pub listed_sector: Option<Sector>,
    /// organisations.csv `Type`, then a grant's org type; the first that maps wins.
    pub org_types: [Option<&'a str>; 2],
    /// A charity number from any grant.
    pub charity_number: Option<&'a str>,
    /// The canonical org-id from a GrantNav export, if any.
    pub canonical_id: Option<&'a str>,
}

/// Decides a sector and records the rule that decided it.
pub fn infer_sector(e: &Evidence<'_>) -> (Sector, SectorRule) {
    if let Some(s) = e.listed_sector {
        return (s, SectorRule::OrganisationsCsv);
    }
    if let Some(s) = e
        .org_types
        .iter()
        .flatten()
        .find_map(|t| sector_for_org_type(t))
    {
        return (s, SectorRule::OrgType);
    }
    if e.charity_number.is_some_and(|n| !n.trim().is_empty()) {
        return (Sector::Vcse, SectorRule::CharityNumber);
    }
    let canonical = e
        .canonical_id
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty() && c != e.id.as_str());
    let ids = std::iter::once((e.id.as_str(), SectorRule::IdPrefix)).chain(
        canonical
            .as_deref()
            .map(|c| (c, SectorRule::CanonicalIdPrefix)),
    );
    for (id, rule) in ids {
        if STATUTORY_PREFIXES.iter().any(|p| has_prefix(id, p)) {
            return (Sector::Statutory, rule);
        }
        if VCSE_PREFIXES.iter().any(|p| has_prefix(id, p)) {
            return (Sector::Vcse, rule);
        }
        if has_prefix(id, "GB-COH") {
            return if named_as_cic(e.name) {
                (Sector::Vcse, SectorRule::CompanyCicName)
            } else {
                (Sector::Private, SectorRule::Company)
            };
        }
    }
    let lower = e.name.trim().to_lowercase();
    if COUNCIL_ENDINGS.iter().any(|end| lower.ends_with(end)) {
        return (Sector::Statutory, SectorRule::CouncilName);
    }
    (Sector::Unknown, SectorRule::NoRule)
}

/// `GB-CHC-123` has prefix `GB-CHC`; `GB-CHCX` does not.
fn has_prefix(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

/// True when a name contains the word "CIC" or the phrase "Community Interest Company", in
/// any case, dots ignored: "Foo C.I.C.", "Foo (CIC)" and "Foo CIC Ltd" all count.
pub fn named_as_cic(name: &str) -> bool {
    let cleaned: String = name.to_lowercase().chars().filter(|&c| c != '.').collect();
    let words: Vec<&str> = cleaned
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.contains(&"cic")
        || words
            .windows(3)
            .any(|w| w == ["community", "interest", "company"])
}

/// The sector an organisation type implies, matched case-insensitively with dots ignored and
/// spaces collapsed; `None` for types that say nothing about sector ("Other").
///
/// SPEC.md's list, plus the free-text types its organisations.csv example uses ("local
/// authority", "ICB", "charity", "CIC", "community group") and their obvious relatives.
pub fn sector_for_org_type(raw: &str) -> Option<Sector> {
    let cleaned: String = raw.to_lowercase().chars().filter(|&c| c != '.').collect();
    let key = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let sector = match key.as_str() {
        "public body"
        | "local authority"
        | "council"
        | "nhs"
        | "nhs trust"
        | "nhs foundation trust"
        | "icb"
        | "integrated care board"
        | "clinical commissioning group"
        | "school/educational establishment"
        | "school"
        | "university"
        | "government department"
        | "central government"
        | "parish council"
        | "town council"
        | "statutory" => Sector::Statutory,
        "registered charity"
        | "unregistered charity"
        | "charity"
        | "community group"
        | "community foundation"
        | "cic"
        | "c i c"
        | "community interest company"
        | "charitable incorporated organisation"
        | "cio"
        | "trust"
        | "social enterprise"
        | "voluntary organisation"
        | "community benefit society"
        | "vcse" => Sector::Vcse,
        "company" | "private company" | "private" => Sector::Private,
        "individual" => Sector::Individual,
        _ => return None,
    };
    Some(sector)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(
        id: &str,
        name: &str,
        types: [Option<&str>; 2],
        charity: Option<&str>,
    ) -> (Sector, SectorRule) {
        let id = OrgId::parse(id).unwrap_or_else(|| OrgId::parse("X").expect("literal"));
        infer_sector(&Evidence {
            id: &id,
            name,
            listed_sector: None,
            org_types: types,
            charity_number: charity,
            canonical_id: None,
        })
    }

    fn infer_canonical(id: &str, name: &str, canonical: &str) -> (Sector, SectorRule) {
        let id = OrgId::parse(id).unwrap_or_else(|| OrgId::parse("X").expect("literal"));
        infer_sector(&Evidence {
            id: &id,
            name,
            listed_sector: None,
            org_types: [None, None],
            charity_number: None,
            canonical_id: Some(canonical),
        })
    }

    #[test]
    fn grantnav_canonical_ids_decide_only_when_the_own_id_cannot() {
        use Sector::*;
        use SectorRule::*;
        // A 360G- identifier says nothing; GrantNav's canonical GB-CHC id does.
        assert_eq!(
            infer_canonical("360G-trf-abc", "Sale Choir", "GB-CHC-1234567"),
            (Vcse, CanonicalIdPrefix)
        );
        assert_eq!(
            infer_canonical("360G-x", "Y", "gb-lae-trf"),
            (Statutory, CanonicalIdPrefix)
        );
        // A canonical company: the CIC-name rule applies to it.
        assert_eq!(
            infer_canonical("360G-x", "Foo CIC", "GB-COH-09876543"),
            (Vcse, CompanyCicName)
        );
        // The own prefix wins when it speaks.
        assert_eq!(
            infer_canonical("GB-LAE-TRF", "Trafford", "GB-CHC-1"),
            (Statutory, IdPrefix)
        );
        // An unhelpful canonical id changes nothing.
        assert_eq!(
            infer_canonical("360G-x", "Sale Choir", "360G-y"),
            (Unknown, NoRule)
        );
        assert_eq!(
            infer_canonical("360G-x", "Sale Choir", " "),
            (Unknown, NoRule)
        );
    }

    #[test]
    fn rules_apply_in_spec_order() {
        use Sector::*;
        use SectorRule::*;
        // organisations.csv beats everything.
        let id = OrgId::parse("GB-LAE-TRF").expect("literal");
        let e = Evidence {
            id: &id,
            name: "Trafford Council",
            listed_sector: Some(Vcse),
            org_types: [Some("Local Authority"), None],
            charity_number: None,
            canonical_id: None,
        };
        assert_eq!(infer_sector(&e), (Vcse, OrganisationsCsv));
        // Org type beats prefix: a school with a charity number is still a school.
        assert_eq!(
            infer(
                "GB-CHC-1",
                "X",
                [None, Some("School/Educational Establishment")],
                Some("1")
            ),
            (Statutory, OrgType)
        );
        // Charity number beats a company prefix (a charitable company is VCSE).
        assert_eq!(
            infer("GB-COH-123", "Foo Ltd", [None, None], Some("1090")),
            (Vcse, CharityNumber)
        );
        assert_eq!(
            infer("GB-LAE-TRF", "Trafford", [None, None], None),
            (Statutory, IdPrefix)
        );
        assert_eq!(
            infer("gb-nhs-qop", "x", [None, None], None),
            (Statutory, IdPrefix)
        );
        assert_eq!(
            infer("GB-SC-SC012345", "x", [None, None], None),
            (Vcse, IdPrefix)
        );
        assert_eq!(
            infer("GB-COH-1", "Foo C.I.C.", [None, None], None),
            (Vcse, CompanyCicName)
        );
        assert_eq!(
            infer("GB-COH-1", "Foo (CIC)", [None, None], None),
            (Vcse, CompanyCicName)
        );
        assert_eq!(
            infer("GB-COH-1", "Foo CIC Ltd", [None, None], None),
            (Vcse, CompanyCicName)
        );
        assert_eq!(
            infer(
                "GB-COH-1",
                "Foo Community Interest Company",
                [None, None],
                None
            ),
            (Vcse, CompanyCicName)
        );
        assert_eq!(
            infer("GB-COH-1", "Cicero Ltd", [None, None], None),
            (Private, Company)
        );
        assert_eq!(
            infer("360G-x", "Sale Town Council", [None, None], None),
            (Statutory, CouncilName)
        );
        assert_eq!(
            infer("360G-x", "Sale Choir", [None, None], None),
            (Unknown, NoRule)
        );
        // Unmapped type falls through to the next rule.
        assert_eq!(
            infer("GB-CHC-1", "x", [Some("Other"), None], None),
            (Vcse, IdPrefix)
        );
        // A lookalike prefix is not the prefix.
        assert_eq!(
            infer("GB-CHCX-1", "x", [None, None], None),
            (Unknown, NoRule)
        );
    }

    #[test]
    fn org_types_match_loosely() {
        assert_eq!(sector_for_org_type("C.I.C."), Some(Sector::Vcse));
        assert_eq!(sector_for_org_type("C I C"), Some(Sector::Vcse));
        assert_eq!(
            sector_for_org_type("  Registered   CHARITY "),
            Some(Sector::Vcse)
        );
        assert_eq!(
            sector_for_org_type("Local Authority"),
            Some(Sector::Statutory)
        );
        assert_eq!(sector_for_org_type("ICB"), Some(Sector::Statutory));
        assert_eq!(sector_for_org_type("Company"), Some(Sector::Private));
        assert_eq!(sector_for_org_type("Other"), None);
    }
}
