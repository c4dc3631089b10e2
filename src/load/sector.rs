//! Sector inference: which side of a partnership an organisation is on.
//!
//! SPEC.md's rules, tried in order; the first that applies decides, and which one it was is
//! recorded (as a [`SectorRule`]) so `validate` can list every inference for a user to
//! correct:
//!
//! 1. `Sector` in organisations.csv (`organisations-csv`).
//! 2. The organisation type — organisations.csv `Type` when given, else the latest grant's
//!    `Recipient Org:Org Type` — in [`classify_org_type`]'s map (`org-type`). A type naming
//!    a CIC anywhere is vcse. Education types are held back for rule 4.
//! 3. Charity evidence → vcse: a non-empty `Recipient Org:Charity Number`, or an identifier
//!    prefixed [`CHARITY_PREFIXES`] (`charity-evidence`).
//! 4. An education type (rule 2 held it back) → statutory (`education-type`).
//! 5. The org-id prefix ([`STATUTORY_PREFIXES`], [`VCSE_PREFIXES`]: `id-prefix`) of the
//!    organisation's own identifier (a GrantNav export's canonical org-id is not used:
//!    SPEC.md speaks of the identifier, and an independent reading must agree). A `GB-COH` company is vcse when
//!    named as a CIC (`company-cic-name`), when its company number starts `RS` or `IP`
//!    (`company-society-number`) or when its name has one of [`VOLUNTARY_WORDS`]
//!    (`company-voluntary-name`); otherwise private (`company`).
//! 6. A name ending "Town/Parish/County/District/City/Borough Council" → statutory
//!    (`council-name`).
//! 7. Otherwise unknown (`no-rule`).
//!
//! A grant whose own `Recipient Org:Org Type` is `Individual` never reaches this module: the
//! grants loader makes it a grant to an individual ([`is_individual_type`]).

use crate::model::{OrgId, Sector, SectorRule};

/// Org-id prefixes of statutory bodies (org-id.guide lists).
pub(crate) const STATUTORY_PREFIXES: [&str; 9] = [
    "GB-LAE", "GB-LAS", "GB-LANI", "GB-PLA", "GB-NHS", "GB-GOR", "GB-GOV", "GB-EDU", "GB-UKPRN",
];

/// Org-id prefixes of the charity registers (England and Wales, Scotland, Northern Ireland):
/// charity evidence, rule 3.
pub(crate) const CHARITY_PREFIXES: [&str; 3] = ["GB-CHC", "GB-SC", "GB-NIC"];

/// Other org-id prefixes of VCSE registers (rule 5): HMRC's charity reference, mutuals.
pub(crate) const VCSE_PREFIXES: [&str; 2] = ["GB-REV", "GB-MPR"];

/// Words (and one phrase) that make a `GB-COH` company's name voluntary (rule
/// `company-voluntary-name`): whole words, any case. `friends of` is two words in a row.
pub(crate) const VOLUNTARY_WORDS: [&str; 23] = [
    "association",
    "society",
    "club",
    "forum",
    "friends of",
    "trust",
    "foundation",
    "charity",
    "charitable",
    "community",
    "voluntary",
    "volunteer",
    "volunteers",
    "church",
    "mosque",
    "temple",
    "gurdwara",
    "synagogue",
    "hospice",
    "scouts",
    "guides",
    "tenants",
    "residents",
];

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
pub(crate) struct Evidence<'a> {
    /// Its identifier.
    pub(crate) id: &'a OrgId,
    /// Its name.
    pub(crate) name: &'a str,
    /// `Sector` from organisations.csv.
    pub(crate) listed_sector: Option<Sector>,
    /// Its organisation type: organisations.csv `Type` when given, else the latest grant's
    /// `Recipient Org:Org Type` (SPEC.md: "organisations.csv `Type`, else ...").
    pub(crate) org_type: Option<&'a str>,
    /// A charity number from any grant.
    pub(crate) charity_number: Option<&'a str>,
    /// A company number from any grant.
    pub(crate) company_number: Option<&'a str>,
}

/// What an organisation type says (rule 2 of SPEC.md's sector inference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrgTypeClass {
    /// The type decides the sector (rule 2).
    Sector(Sector),
    /// `School/Educational Establishment`, `School`, `University`: statutory, but only
    /// when there is no charity evidence (rules 3 and 4).
    Education,
}

/// Decides a sector and records the rule that decided it.
pub(crate) fn infer_sector(e: &Evidence<'_>) -> (Sector, SectorRule) {
    if let Some(s) = e.listed_sector {
        return (s, SectorRule::OrganisationsCsv);
    }
    let class = e.org_type.and_then(classify_org_type);
    if let Some(OrgTypeClass::Sector(s)) = class {
        return (s, SectorRule::OrgType);
    }
    let charity_number = e.charity_number.is_some_and(|n| !n.trim().is_empty());
    if charity_number
        || CHARITY_PREFIXES
            .iter()
            .any(|p| has_prefix(e.id.as_str(), p))
    {
        return (Sector::Vcse, SectorRule::CharityEvidence);
    }
    if class == Some(OrgTypeClass::Education) {
        return (Sector::Statutory, SectorRule::EducationType);
    }
    if let Some(decided) = by_prefix(e, e.id.as_str(), SectorRule::IdPrefix) {
        return decided;
    }
    if is_council_name(e.name) {
        return (Sector::Statutory, SectorRule::CouncilName);
    }
    (Sector::Unknown, SectorRule::NoRule)
}

/// Rule 5 on the organisation's identifier: statutory and VCSE register prefixes, then the
/// `GB-COH` company rules.
fn by_prefix(e: &Evidence<'_>, id: &str, rule: SectorRule) -> Option<(Sector, SectorRule)> {
    if STATUTORY_PREFIXES.iter().any(|p| has_prefix(id, p)) {
        return Some((Sector::Statutory, rule));
    }
    if VCSE_PREFIXES.iter().any(|p| has_prefix(id, p)) {
        return Some((Sector::Vcse, rule));
    }
    if !has_prefix(id, "GB-COH") {
        return None;
    }
    let id_number = id.get("GB-COH-".len()..).unwrap_or("");
    Some(if named_as_cic(e.name) {
        (Sector::Vcse, SectorRule::CompanyCicName)
    } else if is_society_number(id_number) || e.company_number.is_some_and(is_society_number) {
        (Sector::Vcse, SectorRule::CompanySocietyNumber)
    } else if has_voluntary_word(e.name) {
        (Sector::Vcse, SectorRule::CompanyVoluntaryName)
    } else {
        (Sector::Private, SectorRule::Company)
    })
}

/// `GB-CHC-123` has prefix `GB-CHC`; `GB-CHCX` does not. `id` is upper case (an [`OrgId`]).
fn has_prefix(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
}

/// A Companies House number of a registered society (`RS007220`) or an industrial and
/// provident society (`IP12345R`): it starts `RS` or `IP`, in any case, after trimming.
/// Literally so: `RSX1` counts (no real number looks like it), `R5007220` does not.
pub(crate) fn is_society_number(number: &str) -> bool {
    let n = number.trim().as_bytes();
    n.len() >= 2 && (n[..2].eq_ignore_ascii_case(b"RS") || n[..2].eq_ignore_ascii_case(b"IP"))
}

/// The words of `text`, lower case: runs of letters and digits (anything else separates
/// words, so "Residents'" is "residents" and "Trust-led" is "trust", "led").
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// True when `words` holds `phrase`'s words in a row.
fn has_phrase(words: &[String], phrase: &str) -> bool {
    let want: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(want.len())
        .any(|w| w.iter().zip(&want).all(|(a, b)| a == b))
}

/// True when a name contains the word "CIC" or the phrase "Community Interest Company", in
/// any case, dots ignored: "Foo C.I.C.", "Foo (CIC)" and "Foo CIC Ltd" all count; "Cicely
/// Trust" and "Cicero Ltd" do not.
pub(crate) fn named_as_cic(name: &str) -> bool {
    let cleaned: String = name.chars().filter(|&c| c != '.').collect();
    let w = words(&cleaned);
    has_phrase(&w, "cic") || has_phrase(&w, "community interest company")
}

/// True when a name has one of [`VOLUNTARY_WORDS`] as a whole word (or "friends of" as two
/// words in a row), in any case: "Trafford Parents Forum Ltd", "Cicely Trust Ltd".
pub(crate) fn has_voluntary_word(name: &str) -> bool {
    let w = words(name);
    VOLUNTARY_WORDS.iter().any(|v| has_phrase(&w, v))
}

/// True when a name ends "Town/Parish/County/District/City/Borough Council" (any case).
fn is_council_name(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    COUNCIL_ENDINGS.iter().any(|end| lower.ends_with(end))
}

/// An organisation type as compared: lower case, dots removed, runs of white space as one
/// space, trimmed ("  C.I.C. " → "cic", "Registered   CHARITY" → "registered charity").
pub(crate) fn org_type_key(raw: &str) -> String {
    let cleaned: String = raw.to_lowercase().chars().filter(|&c| c != '.').collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when an organisation type is `Individual` (compared as [`org_type_key`]): a
/// `Recipient Org` of this type is a person, and the grant a grant to an individual.
pub(crate) fn is_individual_type(raw: &str) -> bool {
    // Asked of every grant: an ASCII type is `individual` only if it has exactly its ten
    // letters (the key only lower-cases them and drops dots and spaces), so most types
    // (and the empty one) are answered without building the key.
    if raw.is_ascii() && raw.bytes().filter(u8::is_ascii_alphabetic).count() != 10 {
        return false;
    }
    org_type_key(raw) == "individual"
}

/// What an organisation type says, compared as [`org_type_key`]; `None` for types that say
/// nothing about sector ("Other"), so the next rule is tried.
///
/// SPEC.md's list in full, plus the free-text types its organisations.csv example uses
/// ("local authority", "ICB", "charity", "CIC", "community group") and their obvious
/// relatives (docs/METHOD.md has the table). A type that names a CIC anywhere ("Community
/// Interest Company Limited by Guarantee", "CIC Limited by Shares", "C.I.C. Ltd") is vcse.
pub(crate) fn classify_org_type(raw: &str) -> Option<OrgTypeClass> {
    let key = org_type_key(raw);
    let w = words(&key);
    if has_phrase(&w, "cic")
        || has_phrase(&w, "c i c")
        || has_phrase(&w, "community interest company")
    {
        return Some(OrgTypeClass::Sector(Sector::Vcse));
    }
    let sector = match key.as_str() {
        "school/educational establishment" | "school" | "university" => {
            return Some(OrgTypeClass::Education)
        }
        "public body"
        | "local authority"
        | "nhs"
        | "government department"
        // Beyond SPEC.md's list:
        | "council"
        | "nhs trust"
        | "nhs foundation trust"
        | "icb"
        | "integrated care board"
        | "clinical commissioning group"
        | "central government"
        | "parish council"
        | "town council"
        | "statutory" => Sector::Statutory,
        "registered charity"
        | "unregistered charity"
        | "charitable incorporated organisation"
        | "community group"
        | "community foundation"
        | "trust"
        | "community benefit society"
        | "company limited by guarantee"
        | "registered society"
        | "industrial and provident society"
        | "co-operative society"
        | "unincorporated association"
        // Beyond SPEC.md's list:
        | "cooperative society"
        | "charity"
        | "cio"
        | "social enterprise"
        | "voluntary organisation"
        | "vcse" => Sector::Vcse,
        "company"
        | "private limited company"
        | "company limited by shares"
        | "limited liability partnership"
        | "sole trader"
        // Beyond SPEC.md's list:
        | "private company"
        | "private" => Sector::Private,
        "individual" => Sector::Individual,
        _ => return None,
    };
    Some(OrgTypeClass::Sector(sector))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Sector::*;
    use SectorRule::*;

    /// Evidence with nothing but what a case names.
    #[derive(Default)]
    struct Case<'a> {
        id: &'a str,
        name: &'a str,
        listed: Option<Sector>,
        org_type: Option<&'a str>,
        charity: Option<&'a str>,
        company: Option<&'a str>,
    }

    impl Case<'_> {
        fn infer(&self) -> (Sector, SectorRule) {
            let id = OrgId::parse(self.id).unwrap_or_else(|| OrgId::parse("X").expect("literal"));
            infer_sector(&Evidence {
                id: &id,
                name: self.name,
                listed_sector: self.listed,
                org_type: self.org_type,
                charity_number: self.charity,
                company_number: self.company,
            })
        }
    }

    fn named(id: &str, name: &str) -> (Sector, SectorRule) {
        Case {
            id,
            name,
            ..Case::default()
        }
        .infer()
    }

    fn typed(id: &str, org_type: &str, charity: Option<&str>) -> (Sector, SectorRule) {
        Case {
            id,
            name: "X",
            org_type: Some(org_type),
            charity,
            ..Case::default()
        }
        .infer()
    }

    #[test]
    fn organisations_csv_beats_every_other_rule() {
        let c = Case {
            id: "GB-LAE-TRF",
            name: "Trafford Council",
            listed: Some(Vcse),
            org_type: Some("Local Authority"),
            ..Case::default()
        };
        assert_eq!(c.infer(), (Vcse, OrganisationsCsv));
    }

    #[test]
    fn every_type_spec_lists_maps_to_its_sector() {
        for t in [
            "Public Body",
            "Local Authority",
            "NHS",
            "Government Department",
        ] {
            assert_eq!(
                classify_org_type(t),
                Some(OrgTypeClass::Sector(Statutory)),
                "{t}"
            );
        }
        for t in [
            "Registered Charity",
            "Unregistered Charity",
            "Charitable Incorporated Organisation",
            "Community Group",
            "Community Foundation",
            "Trust",
            "CIC",
            "C I C",
            "C.I.C.",
            "Community Interest Company",
            "Community Benefit Society",
            "Company Limited by Guarantee",
            "Registered Society",
            "Industrial and Provident Society",
            "Co-operative Society",
            "Unincorporated Association",
        ] {
            assert_eq!(
                classify_org_type(t),
                Some(OrgTypeClass::Sector(Vcse)),
                "{t}"
            );
        }
        for t in [
            "Company",
            "Private Limited Company",
            "Company Limited by Shares",
            "Limited Liability Partnership",
            "Sole Trader",
        ] {
            assert_eq!(
                classify_org_type(t),
                Some(OrgTypeClass::Sector(Private)),
                "{t}"
            );
        }
        for t in ["School/Educational Establishment", "School", "University"] {
            assert_eq!(classify_org_type(t), Some(OrgTypeClass::Education), "{t}");
        }
        assert_eq!(
            classify_org_type("Individual"),
            Some(OrgTypeClass::Sector(Individual))
        );
        assert_eq!(classify_org_type("Other"), None);
        assert_eq!(classify_org_type(""), None);
    }

    #[test]
    fn types_compare_without_case_dots_or_extra_spaces() {
        // "  registered   CHARITY " → "registered charity"; "C. I. C." → "c i c";
        // "Company Ltd. by  Guarantee" is not "company limited by guarantee" (Ltd is not
        // expanded): unmapped, the next rule is tried.
        assert_eq!(
            org_type_key("  Registered   CHARITY "),
            "registered charity"
        );
        assert_eq!(org_type_key("C. I. C."), "c i c");
        assert_eq!(
            org_type_key("Co-operative\tSociety."),
            "co-operative society"
        );
        assert_eq!(
            classify_org_type("  registered   CHARITY "),
            Some(OrgTypeClass::Sector(Vcse))
        );
        assert_eq!(
            classify_org_type("C. I. C."),
            Some(OrgTypeClass::Sector(Vcse))
        );
        assert_eq!(
            classify_org_type("UNIVERSITY."),
            Some(OrgTypeClass::Education)
        );
        assert_eq!(classify_org_type("Company Ltd. by  Guarantee"), None);
        assert!(is_individual_type(" INDIVIDUAL. "));
        assert!(!is_individual_type("Individuals' group"));
    }

    #[test]
    fn a_type_naming_a_cic_anywhere_is_vcse() {
        for t in [
            "Community Interest Company Limited by Guarantee",
            "Community Interest Company Limited by Shares",
            "CIC Limited by Shares",
            "C.I.C. Ltd",
            "Company (C I C)",
        ] {
            assert_eq!(
                classify_org_type(t),
                Some(OrgTypeClass::Sector(Vcse)),
                "{t}"
            );
        }
        // "Cicero Holdings" has no CIC word; it is no type in the map either.
        assert_eq!(classify_org_type("Cicero Holdings"), None);
        // A CIC type beats a GB-COH prefix and a name with no voluntary word.
        assert_eq!(
            Case {
                id: "GB-COH-12345678",
                name: "Acme Ltd",
                org_type: Some("Community Interest Company Limited by Guarantee"),
                ..Case::default()
            }
            .infer(),
            (Vcse, OrgType)
        );
    }

    #[test]
    fn a_school_is_statutory_only_without_charity_evidence() {
        let school = "School/Educational Establishment";
        // No charity number, a GB-EDU id: rule 4.
        assert_eq!(
            typed("GB-EDU-133843", school, None),
            (Statutory, EducationType)
        );
        // A 360G id: still rule 4 (before any prefix).
        assert_eq!(
            typed("360G-ALWF-1", school, None),
            (Statutory, EducationType)
        );
        // A charity number: rule 3 comes first.
        assert_eq!(
            typed("GB-EDU-133843", school, Some("1164619")),
            (Vcse, CharityEvidence)
        );
        // A GB-CHC / GB-SC / GB-NIC identifier is charity evidence too.
        assert_eq!(
            typed("GB-CHC-1164619", school, None),
            (Vcse, CharityEvidence)
        );
        assert_eq!(
            typed("GB-SC-SC015855", "School", None),
            (Vcse, CharityEvidence)
        );
        assert_eq!(
            typed("GB-NIC-100001", "School", None),
            (Vcse, CharityEvidence)
        );
        // A blank charity number is no evidence.
        assert_eq!(
            typed("GB-EDU-1", school, Some("  ")),
            (Statutory, EducationType)
        );
        // A university with no charity evidence, and one with.
        assert_eq!(
            typed("GB-UKPRN-10007814", "University", None),
            (Statutory, EducationType)
        );
        assert_eq!(
            typed("GB-COH-RC000766", "University", Some("1137453")),
            (Vcse, CharityEvidence)
        );
    }

    #[test]
    fn charity_evidence_comes_after_every_other_type() {
        // A type that maps decides first: a registered "Company" with a charity number is
        // private by its type (rule 2 before rule 3).
        assert_eq!(typed("GB-CHC-1", "Company", Some("1")), (Private, OrgType));
        assert_eq!(typed("GB-CHC-1", "Public Body", None), (Statutory, OrgType));
        // An unmapped type falls through.
        assert_eq!(typed("GB-CHC-1", "Other", None), (Vcse, CharityEvidence));
        // A charity number beats a company prefix (a charitable company is VCSE).
        assert_eq!(
            Case {
                id: "GB-COH-01559314",
                name: "TLC: Talk, Listen, Change",
                charity: Some("0512710"),
                ..Case::default()
            }
            .infer(),
            (Vcse, CharityEvidence)
        );
        // A lookalike prefix is not the prefix.
        assert_eq!(named("GB-CHCX-1", "x"), (Unknown, NoRule));
    }

    #[test]
    fn register_prefixes_decide_after_types() {
        assert_eq!(named("GB-LAE-TRF", "Trafford"), (Statutory, IdPrefix));
        assert_eq!(named("gb-nhs-qop", "x"), (Statutory, IdPrefix));
        assert_eq!(named("GB-EDU-1", "x"), (Statutory, IdPrefix));
        assert_eq!(named("GB-REV-X1", "x"), (Vcse, IdPrefix));
        assert_eq!(named("GB-MPR-1", "x"), (Vcse, IdPrefix));
        assert_eq!(named("US-EIN-1", "x"), (Unknown, NoRule));
    }

    #[test]
    fn companies_named_as_cics_are_vcse() {
        for name in [
            "Foo C.I.C.",
            "Foo (CIC)",
            "Foo CIC Ltd",
            "Genesis Sale Moor CiC",
            "Foo Community Interest Company",
            "The Sport Business C.I.C",
        ] {
            assert_eq!(named("GB-COH-1", name), (Vcse, CompanyCicName), "{name}");
        }
        // "CIC" inside another word is not the word: "Cicely Trust Ltd" is not a CIC, but
        // "trust" is a voluntary word; "Cicero Ltd" has neither.
        assert_eq!(
            named("GB-COH-1", "Cicely Trust Ltd"),
            (Vcse, CompanyVoluntaryName)
        );
        assert_eq!(named("GB-COH-1", "Cicero Ltd"), (Private, Company));
        assert_eq!(named("GB-COH-1", "Domestic Ltd"), (Private, Company));
    }

    #[test]
    fn companies_numbered_rs_or_ip_are_societies() {
        // From the identifier's number after GB-COH-.
        assert_eq!(
            named("GB-COH-RS007220", "Stretford Hub Limited"),
            (Vcse, CompanySocietyNumber)
        );
        assert_eq!(
            named("GB-COH-IP12345R", "Acme Ltd"),
            (Vcse, CompanySocietyNumber)
        );
        // Lower case in the file: identifiers are stored upper case.
        assert_eq!(
            named("gb-coh-rs007220", "Acme Ltd"),
            (Vcse, CompanySocietyNumber)
        );
        // From Recipient Org:Company Number, when the identifier's number does not say.
        let c = Case {
            id: "GB-COH-00000001",
            name: "Acme Ltd",
            company: Some(" rs007220 "),
            ..Case::default()
        };
        assert_eq!(c.infer(), (Vcse, CompanySocietyNumber));
        // RS-like numbers that do not start RS or IP: a 5 for an S, a Scottish society
        // (SP), a charitable incorporated organisation (CE), an ordinary company.
        for id in [
            "GB-COH-R5007220",
            "GB-COH-SP001234",
            "GB-COH-CE008889",
            "GB-COH-07220000",
        ] {
            assert_eq!(named(id, "Acme Ltd"), (Private, Company), "{id}");
        }
        // Literally "starts RS": RSX1 counts (no real number looks like it).
        assert!(is_society_number("RSX1"));
        assert!(is_society_number("ip1"));
        assert!(!is_society_number("R"));
        assert!(!is_society_number(""));
        // The number rule only applies to GB-COH identifiers.
        let c = Case {
            id: "360G-X-1",
            name: "Acme",
            company: Some("RS007220"),
            ..Case::default()
        };
        assert_eq!(c.infer(), (Unknown, NoRule));
    }

    #[test]
    fn companies_with_a_voluntary_word_are_vcse_by_the_weakest_rule() {
        for name in [
            "Friends of Stretford Public Hall",
            "FRIENDS OF X LTD",
            "Trafford Parents Forum Ltd",
            "Islamic Society of Britain - Manchester Branch",
            "Timperley Sports Club",
            "Stretford Church Hall and Institute Limited",
            "Residents' Association Ltd",
            "Sale Volunteers Ltd",
            "Sale Volunteer Centre",
            "St Mary's Hospice Trading",
            "1st Sale Scouts",
            "Community-led Homes Ltd",
        ] {
            assert_eq!(
                named("GB-COH-1", name),
                (Vcse, CompanyVoluntaryName),
                "{name}"
            );
        }
        // Whole words only: "Trusty", "Clubhouse", "Foundations", "LifeChurch",
        // "Friendship of" and "Friends United" have none.
        for name in [
            "Trusty Tools Ltd",
            "Clubhouse Bars Ltd",
            "Foundations Building Ltd",
            "LifeChurch Ltd",
            "Friendship of Sale Ltd",
            "Friends United Ltd",
            "Stockdales of Sale, Altrincham and District Ltd",
        ] {
            assert_eq!(named("GB-COH-1", name), (Private, Company), "{name}");
        }
        // The words only speak for GB-COH companies: a 360G club stays unknown.
        assert_eq!(named("360G-X-1", "Sale Tennis Club"), (Unknown, NoRule));
    }

    #[test]
    fn council_names_then_nothing() {
        assert_eq!(
            named("360G-x", "Sale Town Council"),
            (Statutory, CouncilName)
        );
        assert_eq!(
            named("360G-x", "Trafford BOROUGH COUNCIL "),
            (Statutory, CouncilName)
        );
        assert_eq!(
            named("360G-x", "Council for Voluntary Service"),
            (Unknown, NoRule)
        );
        assert_eq!(named("360G-x", "Sale Choir"), (Unknown, NoRule));
    }

    proptest::proptest! {
        /// The letter count that answers most types at once agrees with the key.
        #[test]
        fn individual_type_agrees_with_its_key(raw in "[iInNdDvVuUaAlL. \t'xé]{0,14}") {
            proptest::prop_assert_eq!(is_individual_type(&raw), org_type_key(&raw) == "individual");
        }
    }

    proptest::proptest! {
        /// Whatever the bytes, inference never panics, and case never matters: names,
        /// types and numbers compare in any case (identifiers are upper-cased on loading).
        #[test]
        fn inference_ignores_case_and_never_panics(
            id in "(GB-COH-|GB-CHC-|GB-EDU-|360G-)?[A-Za-z0-9]{0,8}",
            name in "\\PC{0,40}",
            org_type in proptest::option::of("\\PC{0,30}"),
            charity in proptest::option::of("[0-9 ]{0,4}"),
            company in proptest::option::of("[A-Za-z0-9 ]{0,8}"),
        ) {
            let run = |name: &str, org_type: Option<&str>, company: Option<&str>| {
                Case {
                    id: &id,
                    name,
                    org_type,
                    charity: charity.as_deref(),
                    company,
                    ..Case::default()
                }
                .infer()
            };
            let upper = |s: &str| s.to_uppercase();
            let lower = |s: &str| s.to_lowercase();
            let a = run(&upper(&name), org_type.as_deref().map(upper).as_deref(), company.as_deref().map(upper).as_deref());
            let b = run(&lower(&name), org_type.as_deref().map(lower).as_deref(), company.as_deref().map(lower).as_deref());
            // Upper- and lower-casing can change a non-ASCII text's length (ß → SS); the
            // rules' words are ASCII, so compare only when both spellings are ASCII.
            if name.is_ascii() && org_type.as_deref().is_none_or(str::is_ascii) {
                proptest::prop_assert_eq!(a, b);
            }
        }
    }
}
