//! The typed dataset: what every analysis reads once loading has finished.
//!
//! After loading nothing is a string that should be a type: organisation identifiers are
//! [`OrgId`] (trimmed, upper case), money is [`Pence`], dates are [`NaiveDate`], sectors are
//! [`Sector`]. Person identifiers never get this far: the loader replaces each with an opaque
//! [`PersonKey`] so that no output can leak one.

use chrono::{NaiveDate, NaiveTime};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A hash map with a fast, fixed-seed hasher (foldhash), for identifiers and integer keys
/// in hot loops. Fixed seed: the same input always hashes the same way; no output depends on
/// hash order anyway (results are sorted before they are written).
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A hash set with the same hasher as [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// What a node id of the graph (and a line of the recipients list) stands for. Ids are text
/// in every output: an organisation's identifier, `individuals:ORG` for the people funded by
/// (or, for `individuals:community`, attending as themselves) ORG, `partnership:ID` for a
/// partnership. This is the one place those prefixes are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeId<'a> {
    /// An organisation.
    Organisation(&'a str),
    /// People funded by (or attending through) `via`; never listed one by one.
    Individuals {
        /// The funder's identifier, or `community`.
        via: &'a str,
    },
    /// A partnership.
    Partnership(&'a str),
}

impl<'a> NodeId<'a> {
    const INDIVIDUALS: &'static str = "individuals:";
    const PARTNERSHIP: &'static str = "partnership:";

    /// Reads an id.
    pub(crate) fn parse(id: &'a str) -> NodeId<'a> {
        if let Some(via) = id.strip_prefix(Self::INDIVIDUALS) {
            NodeId::Individuals { via }
        } else if let Some(p) = id.strip_prefix(Self::PARTNERSHIP) {
            NodeId::Partnership(p)
        } else {
            NodeId::Organisation(id)
        }
    }

    /// Whether `id` stands for people rather than an organisation or a partnership.
    pub(crate) fn is_individuals(id: &str) -> bool {
        matches!(NodeId::parse(id), NodeId::Individuals { .. })
    }

    /// The id as text.
    pub(crate) fn text(self) -> String {
        match self {
            NodeId::Organisation(id) => id.to_owned(),
            NodeId::Individuals { via } => format!("{}{via}", Self::INDIVIDUALS),
            NodeId::Partnership(id) => format!("{}{id}", Self::PARTNERSHIP),
        }
    }
}

/// An organisation identifier (360Giving org-id such as `GB-CHC-1015648`), trimmed and upper
/// case so that identifiers compare case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OrgId(std::sync::Arc<str>);

impl OrgId {
    /// Normalises a raw identifier; `None` when it is empty after trimming.
    pub fn parse(raw: &str) -> Option<OrgId> {
        let t = raw.trim();
        if t.is_empty() {
            None
        } else {
            Some(OrgId(t.to_uppercase().into()))
        }
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Money in whole pence. Integer arithmetic keeps totals exact: £0.10 + £0.20 is £0.30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pence(pub(crate) i64);

impl Pence {
    /// Pounds as a float, for ratios and display only.
    pub fn pounds(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::ops::Add for Pence {
    type Output = Pence;
    fn add(self, o: Pence) -> Pence {
        Pence(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Pence {
    fn add_assign(&mut self, o: Pence) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Pence {
    fn sum<I: Iterator<Item = Pence>>(iter: I) -> Pence {
        Pence(iter.map(|p| p.0).sum())
    }
}

impl fmt::Display for Pence {
    /// `£1,234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let pounds = (abs / 100).to_string();
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (i, ch) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}£{grouped}.{:02}", abs % 100)
    }
}

impl Serialize for Pence {
    /// Serialised as pounds (a JSON number with at most two decimals), the unit people read.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.pounds())
    }
}

/// Which side of a partnership an organisation sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    /// Councils, NHS bodies, schools, government.
    Statutory,
    /// Voluntary, community and social enterprise organisations.
    Vcse,
    /// Companies that are not social enterprises.
    Private,
    /// A person acting as themself (grants to individuals; community members at meetings).
    Individual,
    /// Could not be inferred; in real files mostly unregistered community groups.
    Unknown,
}

impl Sector {
    /// Every sector, in output order.
    pub(crate) const ALL: [Sector; 5] = [
        Sector::Statutory,
        Sector::Vcse,
        Sector::Private,
        Sector::Individual,
        Sector::Unknown,
    ];

    /// Parses an organisations.csv `Sector` value (case-insensitive).
    pub(crate) fn parse(raw: &str) -> Option<Sector> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "statutory" => Some(Sector::Statutory),
            "vcse" => Some(Sector::Vcse),
            "private" => Some(Sector::Private),
            "individual" => Some(Sector::Individual),
            "unknown" => Some(Sector::Unknown),
            _ => None,
        }
    }

    /// The lower-case name used in files and outputs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Sector::Statutory => "statutory",
            Sector::Vcse => "vcse",
            Sector::Private => "private",
            Sector::Individual => "individual",
            Sector::Unknown => "unknown",
        }
    }

    /// The VCSE side of SPEC.md: vcse, unknown and individual. Used where SPEC.md says
    /// "VCSE side" of money or people: concentration's vcse_share, funder dominance,
    /// participation's sides, the report's "money to the VCSE side".
    pub(crate) fn is_vcse_side(self) -> bool {
        matches!(self, Sector::Vcse | Sector::Unknown | Sector::Individual)
    }

    /// SPEC.md's "VCSE organisations" and "Who can be flagged": sectors vcse and unknown
    /// (most unknowns in real files are unregistered community groups). Used by funding
    /// practice's "money to VCSE" and SHORT-TERM-FUNDING, under-funded groups' org_share and
    /// funding_share, usual suspects, DEPENDENCY and FUNDING-CLIFF, and the running/ending
    /// figures. The one definition: no lens keeps its own copy.
    pub(crate) fn is_vcse_organisation(self) -> bool {
        matches!(self, Sector::Vcse | Sector::Unknown)
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which sector-inference rule decided an organisation's sector (SPEC.md order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SectorRule {
    /// Rule 1: a `Sector` value in organisations.csv.
    OrganisationsCsv,
    /// Rule 2: the organisation type (organisations.csv `Type`, else the latest grant's
    /// `Recipient Org:Org Type`), education types aside.
    OrgType,
    /// Rule 3: a non-empty `Recipient Org:Charity Number`, or an identifier prefixed
    /// `GB-CHC`, `GB-SC` or `GB-NIC`.
    CharityEvidence,
    /// Rule 4: an education type (`School/Educational Establishment`, `School`,
    /// `University`) with no charity evidence.
    EducationType,
    /// Rule 5: the org-id prefix (`GB-LAE`, `GB-NHS`, `GB-REV`, ...).
    IdPrefix,
    /// Rule 5: a `GB-COH` company whose name says it is a Community Interest Company.
    CompanyCicName,
    /// Rule 5: a `GB-COH` company numbered `RS` or `IP` (registered and industrial and
    /// provident societies).
    CompanySocietyNumber,
    /// Rule 5: a `GB-COH` company whose name has a voluntary word ("association", "trust",
    /// "friends of", ...). The weakest evidence of a VCSE organisation.
    CompanyVoluntaryName,
    /// Rule 5: a `GB-COH` company with no sign of being a social enterprise.
    Company,
    /// Rule 6: a name ending "Town/Parish/County/District/City/Borough Council".
    CouncilName,
    /// Rule 7: no rule applied.
    NoRule,
}

impl SectorRule {
    /// Every rule, in the order they are tried.
    pub(crate) const ALL: [SectorRule; 11] = [
        SectorRule::OrganisationsCsv,
        SectorRule::OrgType,
        SectorRule::CharityEvidence,
        SectorRule::EducationType,
        SectorRule::IdPrefix,
        SectorRule::CompanyCicName,
        SectorRule::CompanySocietyNumber,
        SectorRule::CompanyVoluntaryName,
        SectorRule::Company,
        SectorRule::CouncilName,
        SectorRule::NoRule,
    ];

    /// The kebab-case name used in outputs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SectorRule::OrganisationsCsv => "organisations-csv",
            SectorRule::OrgType => "org-type",
            SectorRule::CharityEvidence => "charity-evidence",
            SectorRule::EducationType => "education-type",
            SectorRule::IdPrefix => "id-prefix",
            SectorRule::CompanyCicName => "company-cic-name",
            SectorRule::CompanySocietyNumber => "company-society-number",
            SectorRule::CompanyVoluntaryName => "company-voluntary-name",
            SectorRule::Company => "company",
            SectorRule::CouncilName => "council-name",
            SectorRule::NoRule => "no-rule",
        }
    }

    /// A short description for people.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            SectorRule::OrganisationsCsv => "Sector given in organisations.csv",
            SectorRule::OrgType => "organisation type (organisations.csv Type or grant Org Type)",
            SectorRule::CharityEvidence => {
                "charity number, or a GB-CHC / GB-SC / GB-NIC identifier"
            }
            SectorRule::EducationType => "school or university type, no charity evidence",
            SectorRule::IdPrefix => "identifier prefix (GB-LAE, GB-NHS, GB-EDU, GB-REV, ...)",
            SectorRule::CompanyCicName => "GB-COH company named as a CIC",
            SectorRule::CompanySocietyNumber => {
                "GB-COH company numbered RS or IP (a registered society)"
            }
            SectorRule::CompanyVoluntaryName => {
                "GB-COH company whose name has a voluntary word (trust, club, friends of, ...)"
            }
            SectorRule::Company => "GB-COH company, none of the above",
            SectorRule::CouncilName => {
                "name ends in Town/Parish/County/District/City/Borough Council"
            }
            SectorRule::NoRule => "no rule applied (most are unregistered community groups)",
        }
    }
}

/// An opaque stand-in for a person. The loader maps each distinct Person ID (or recipient
/// individual identifier) to one key and then forgets the identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonKey(pub(crate) u32);

/// Who received a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// An organisation.
    Org(OrgId),
    /// A person (`Recipient Ind:Identifier`), known only by an opaque key.
    Individual(PersonKey),
}

/// Whether a grant is unrestricted, and how we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Restriction {
    /// Marked restricted in a `Restriction`/`Unrestricted` column.
    Restricted,
    /// Marked unrestricted in a `Restriction`/`Unrestricted` column.
    Unrestricted,
}

/// One grant, as published under the 360Giving Data Standard.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// `Identifier`, trimmed.
    pub id: String,
    /// `Amount Awarded` in GBP.
    pub amount: Pence,
    /// `Award Date`.
    pub award_date: NaiveDate,
    /// `Funding Org:Identifier`.
    pub funder: OrgId,
    /// Recipient organisation or individual.
    pub recipient: Recipient,
    /// `Planned Dates:Start Date`, when usable.
    pub(crate) planned_start: Option<NaiveDate>,
    /// `Planned Dates:End Date`, when usable (dropped when before the start).
    pub(crate) planned_end: Option<NaiveDate>,
    /// `Planned Dates:Duration (months)`, when positive.
    pub duration_months: Option<f64>,
    /// `Grant Programme:Title`, trimmed.
    pub programme: Option<String>,
    /// `Beneficiary Location:Name`, trimmed.
    pub(crate) beneficiary_location: Option<String>,
    /// `For Regrant Type`, trimmed.
    pub(crate) regrant_type: Option<String>,
    /// From a `Restriction` or `Unrestricted` column, when one is present and filled.
    pub(crate) restriction: Option<Restriction>,
    /// Title or Description mentions "unrestricted", "core costs" or "core funding" (as words;
    /// "restricted" alone does not count); `None` when the grant has neither text.
    pub(crate) unrestricted_keywords: Option<bool>,
    /// Where the grant came from (line or JSON index), for tracing a figure back.
    pub(crate) source_line: u64,
}

/// What the loader knows about an organisation once every file is read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    /// Identifier.
    pub id: OrgId,
    /// Name: organisations.csv, else the name on its latest grant, else the identifier.
    pub(crate) name: String,
    /// Sector, with the rule that decided it in `sector_rule`.
    pub sector: Sector,
    /// The rule that decided `sector`.
    pub(crate) sector_rule: SectorRule,
    /// organisations.csv `Type`, else the latest grant's `Recipient Org:Org Type`.
    pub(crate) org_type: Option<String>,
    /// organisations.csv `Annual Income`.
    pub(crate) annual_income: Option<Pence>,
    /// organisations.csv `Area`.
    pub(crate) area: Option<String>,
    /// organisations.csv `Led By` tags, trimmed, lower case, sorted, deduplicated.
    pub(crate) led_by: Vec<String>,
    /// `Recipient Org:Charity Number` from any grant.
    pub(crate) charity_number: Option<String>,
    /// `Recipient Org:Company Number` from any grant.
    pub(crate) company_number: Option<String>,
}

/// A partnership of statutory and VCSE bodies with a fundholder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Partnership {
    /// `Partnership ID`.
    pub(crate) id: String,
    /// `Name`.
    pub(crate) name: String,
    /// `Fundholder`: the lead partner holding the money.
    pub(crate) fundholder: OrgId,
    /// `Programme`: a `Grant Programme:Title`.
    pub(crate) programme: Option<String>,
}

/// A partnership meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Meeting {
    /// `Meeting ID`.
    pub(crate) id: String,
    /// `Partnership ID`.
    pub(crate) partnership: String,
    /// `Date`.
    pub(crate) date: NaiveDate,
    /// `Duration Hours` (> 0).
    pub(crate) duration_hours: f64,
    /// `Host` organisation.
    pub(crate) host: Option<OrgId>,
    /// `Chair` organisation.
    pub(crate) chair: Option<OrgId>,
    /// `Decision`: `None` when not recorded.
    pub(crate) decision: Option<bool>,
    /// `Type`, free text.
    pub(crate) kind: Option<String>,
    /// `Start Time`.
    pub(crate) start_time: Option<NaiveTime>,
}

/// Whether a person turned up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    /// Attended.
    Attended,
    /// Sent apologies.
    Apologies,
    /// Absent without apologies.
    Absent,
}

/// One row of attendance.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    /// `Meeting ID`.
    pub(crate) meeting: String,
    /// The person, as an opaque key.
    pub(crate) person: PersonKey,
    /// `Org ID`; `None` for a community member attending as themself.
    pub(crate) org: Option<OrgId>,
    /// `Status`.
    pub(crate) status: Status,
    /// `Hours`, when given and usable; otherwise the meeting's duration applies.
    pub(crate) hours: Option<f64>,
}

/// Who a payment went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Payee {
    /// A person, as an opaque key (the same key as in attendance).
    Person(PersonKey),
    /// An organisation (e.g. backfill to an employer).
    Org(OrgId),
}

/// Kind of participation payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PaymentType {
    /// Paid for involvement.
    Involvement,
    /// Paid to an employer to cover the person's time.
    Backfill,
    /// A thank-you payment.
    Honorarium,
    /// Reimbursed expenses: does not resource the time itself.
    Expenses,
}

/// One row of payments.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    /// `Payment ID`.
    pub(crate) id: String,
    /// `Payer`.
    pub(crate) payer: OrgId,
    /// The payee.
    pub(crate) payee: Payee,
    /// `Meeting ID`.
    pub(crate) meeting: Option<String>,
    /// `Period Start`..=`Period End`, when both are given and in order.
    pub(crate) period: Option<(NaiveDate, NaiveDate)>,
    /// `Amount`.
    pub(crate) amount: Pence,
    /// `Type`.
    pub(crate) kind: PaymentType,
    /// `Date`.
    pub(crate) date: NaiveDate,
}

/// The input files a dataset had, by role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sources {
    /// The grants file.
    pub grants: Option<String>,
    /// organisations.csv.
    pub organisations: Option<String>,
    /// partnerships.csv.
    pub partnerships: Option<String>,
    /// meetings.csv.
    pub meetings: Option<String>,
    /// attendance.csv.
    pub attendance: Option<String>,
    /// payments.csv.
    pub payments: Option<String>,
}

/// One family of analyses and the input files it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Analysis {
    /// What it measures, in words.
    pub(crate) name: &'static str,
    /// Files it needs.
    pub(crate) needs: Vec<&'static str>,
    /// Files it needs that the dataset lacks; empty when it can run.
    pub(crate) missing: Vec<&'static str>,
}

impl Sources {
    /// Every family of analyses, and which input files each lacks.
    pub(crate) fn analyses(&self) -> Vec<Analysis> {
        let have = |f: &str| match f {
            "grants" => self.grants.is_some(),
            "organisations.csv" => self.organisations.is_some(),
            "partnerships.csv" => self.partnerships.is_some(),
            "meetings.csv" => self.meetings.is_some(),
            "attendance.csv" => self.attendance.is_some(),
            "payments.csv" => self.payments.is_some(),
            _ => false,
        };
        let table: [(&'static str, &[&'static str]); 8] = [
            (
                "funding totals, concentration and funder dominance",
                &["grants"],
            ),
            (
                "recipient dependency, funding cliffs and funding practice",
                &["grants"],
            ),
            (
                "dependency against annual income, areas and under-funded groups",
                &["grants", "organisations.csv"],
            ),
            (
                "partnership money and retention",
                &["grants", "partnerships.csv"],
            ),
            (
                "fundholder defaulting: hosting and chairing",
                &["partnerships.csv", "meetings.csv"],
            ),
            (
                "seats, attendance rates, usual suspects and balance of power",
                &["partnerships.csv", "meetings.csv", "attendance.csv"],
            ),
            (
                "unpaid participation, paying and turnout, community burden",
                &["meetings.csv", "attendance.csv", "payments.csv"],
            ),
            ("out-of-hours meetings", &["meetings.csv", "attendance.csv"]),
        ];
        table
            .iter()
            .map(|(name, needs)| Analysis {
                name,
                needs: needs.to_vec(),
                missing: needs.iter().copied().filter(|f| !have(f)).collect(),
            })
            .collect()
    }
}

/// Counts of one reason for rejection or warning, with the first few places it happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct ReasonCount {
    /// How many rows.
    pub(crate) count: usize,
    /// The first problems (at most [`ReasonCount::MAX_EXAMPLES`]), as `file:line:column` text.
    pub(crate) examples: Vec<String>,
}

impl ReasonCount {
    /// Examples kept per reason.
    pub(crate) const MAX_EXAMPLES: usize = 5;
}

/// How one input file was used: every row is used, or left out with a reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct FileQuality {
    /// The file.
    pub(crate) file: String,
    /// Data rows read (header excluded).
    pub(crate) rows_read: usize,
    /// Rows used.
    pub(crate) rows_used: usize,
    /// Rows left out, by reason code: invalid rows (only with `--skip-invalid`; otherwise
    /// they stop the load), and register rows an `[organisations]` mapping leaves out
    /// (`not-mentioned`, `linked-charity`, `removed-charity`), which are never errors.
    pub(crate) rejected: BTreeMap<String, ReasonCount>,
    /// Rows used despite an odd optional field, by reason code.
    pub(crate) warnings: BTreeMap<String, ReasonCount>,
}

/// Data quality across the dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct DataQuality {
    /// One entry per input file, in load order.
    pub(crate) files: Vec<FileQuality>,
    /// Notes about references (e.g. a host organisation that appears only in meetings.csv).
    pub(crate) notes: Vec<String>,
    /// Organisations merged by organisations.csv `Same As`, by target identifier.
    pub(crate) merges: Vec<Merge>,
}

/// Identifiers merged into one organisation by organisations.csv `Same As`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Merge {
    /// The identifier they became (the end of each chain).
    pub(crate) into: OrgId,
    /// The merged organisation's name (the target's own).
    pub(crate) name: String,
    /// The identifiers merged into it, sorted, with the name each went by.
    pub(crate) from: Vec<MergedId>,
    /// Input rows in which at least one reference was rewritten to `into`.
    pub(crate) rows_rewritten: usize,
    /// The same, per input file.
    pub(crate) by_file: BTreeMap<String, usize>,
}

/// One identifier merged into another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct MergedId {
    /// The identifier, as it was in the files.
    pub(crate) id: OrgId,
    /// The name it went by (its organisations.csv row, else its latest grant).
    pub(crate) name: String,
}

/// A loaded, validated dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Which files were read.
    pub sources: Sources,
    /// Grants, sorted by identifier (unique), so results never depend on row order.
    pub grants: Vec<Grant>,
    /// Every organisation mentioned anywhere, by identifier.
    pub organisations: BTreeMap<OrgId, Organisation>,
    /// Partnerships, in file order.
    pub(crate) partnerships: Vec<Partnership>,
    /// Meetings, in file order.
    pub(crate) meetings: Vec<Meeting>,
    /// Attendance rows, in file order.
    pub attendance: Vec<Attendance>,
    /// Payments, in file order; `None` when there is no payments.csv (payment unknown),
    /// `Some(empty)` when the file has only a header (nobody was paid).
    pub payments: Option<Vec<Payment>>,
    /// How many distinct people appear (attendance and payments).
    pub people: usize,
    /// How every row was used.
    pub(crate) quality: DataQuality,
}

impl Dataset {
    /// The name of an organisation, its identifier when it is not in the dataset.
    pub fn name_of(&self, id: &OrgId) -> String {
        self.organisations
            .get(id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    }

    /// The sector of an organisation, `Unknown` when it is not in the dataset.
    pub fn sector_of(&self, id: &OrgId) -> Sector {
        self.organisations
            .get(id)
            .map_or(Sector::Unknown, |o| o.sector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_ids_compare_case_insensitively_after_trim() {
        assert_eq!(OrgId::parse(" gb-chc-123 "), OrgId::parse("GB-CHC-123"));
        assert_eq!(OrgId::parse("   "), None);
    }

    #[test]
    fn node_ids_read_back() {
        for id in [
            "GB-CHC-1",
            "individuals:GB-LAE-NBR",
            "individuals:community",
            "partnership:P 1",
        ] {
            assert_eq!(NodeId::parse(id).text(), id);
        }
        assert_eq!(
            NodeId::parse("individuals:GB-LAE-NBR"),
            NodeId::Individuals { via: "GB-LAE-NBR" }
        );
        assert_eq!(NodeId::parse("partnership:P1"), NodeId::Partnership("P1"));
        assert!(NodeId::is_individuals("individuals:community"));
        // An organisation whose identifier merely contains the word is an organisation.
        assert!(!NodeId::is_individuals("GB-COH-individuals:1"));
    }

    #[test]
    fn pence_display_groups_thousands() {
        assert_eq!(Pence(129_143_654).to_string(), "£1,291,436.54");
        assert_eq!(Pence(5).to_string(), "£0.05");
        assert_eq!(Pence(100_000).to_string(), "£1,000.00");
        assert_eq!(Pence(-250).to_string(), "-£2.50");
    }

    #[test]
    fn vcse_side_is_vcse_unknown_and_individual() {
        let side: Vec<_> = Sector::ALL.iter().filter(|s| s.is_vcse_side()).collect();
        assert_eq!(side, [&Sector::Vcse, &Sector::Individual, &Sector::Unknown]);
    }

    #[test]
    fn vcse_organisations_are_vcse_and_unknown() {
        let orgs: Vec<_> = Sector::ALL
            .iter()
            .filter(|s| s.is_vcse_organisation())
            .collect();
        assert_eq!(orgs, [&Sector::Vcse, &Sector::Unknown]);
    }
}
