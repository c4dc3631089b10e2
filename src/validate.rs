//! `fundflow validate`: what a dataset holds, how every row was used, and how every
//! organisation's sector was decided, so a user can correct it before analysing.

use crate::load::LEFT_OUT_REASONS;
use crate::model::{
    Analysis, Dataset, FileQuality, Merge, OrgId, Pence, Recipient, Sector, SectorRule,
};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// Everything `validate` reports; serialised as-is for `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationReport {
    /// Each input file by role, with row accounting.
    pub(crate) files: Vec<FileSummary>,
    /// Each family of analyses and the files it lacks.
    pub(crate) analyses: Vec<Analysis>,
    /// Date ranges.
    pub(crate) dates: Dates,
    /// Grant totals.
    pub totals: Totals,
    /// Partnership inputs.
    pub(crate) partnerships: PartnershipCounts,
    /// Sector inference, per rule and per organisation.
    pub(crate) sectors: SectorInference,
    /// Names shared by several identifiers: perhaps one body published twice (a warning;
    /// organisations.csv `Same As` merges them).
    pub(crate) duplicate_names: Vec<DuplicateName>,
    /// Identifiers merged by organisations.csv `Same As`.
    pub(crate) merges: Vec<Merge>,
    /// Notes about references between files.
    pub(crate) notes: Vec<String>,
}

/// One normalised name under several identifiers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DuplicateName {
    /// The name after [`normalised_name`].
    pub(crate) normalised: String,
    /// Each identifier under it, sorted by identifier.
    pub(crate) organisations: Vec<OrgMoney>,
}

/// An organisation and its money in all grants of the dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct OrgMoney {
    /// Identifier.
    pub(crate) id: OrgId,
    /// Name.
    pub(crate) name: String,
    /// Amount of the grants it received.
    pub(crate) received: Pence,
    /// Amount of the grants it gave.
    pub(crate) given: Pence,
}

/// A name as compared for duplicates: lower case; apostrophes (`'`, `’`, `‘`, `` ` ``) and
/// full stops deleted (`St. Mary's` = `St Marys`, `C.I.C.` = `CIC`); every other character
/// that is not a letter or digit read as a space; then the words `the`, `ltd` and `limited`
/// dropped wherever they stand, and the rest joined by single spaces. `The Foo Trust Ltd`,
/// `FOO TRUST LIMITED` and `Foo-Trust, Ltd.` are all `foo trust`. An empty result (a name
/// that is only those words) is never a duplicate.
pub(crate) fn normalised_name(name: &str) -> String {
    let spaced: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !matches!(c, '\'' | '’' | '‘' | '`' | '.'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced
        .split_whitespace()
        .filter(|w| !matches!(*w, "the" | "ltd" | "limited"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Money received and given per organisation, over every grant of the dataset.
fn money_by_org(d: &Dataset) -> HashMap<&OrgId, (Pence, Pence)> {
    let mut money: HashMap<&OrgId, (Pence, Pence)> = HashMap::new();
    for g in &d.grants {
        money.entry(&g.funder).or_default().1 += g.amount;
        if let Recipient::Org(o) = &g.recipient {
            money.entry(o).or_default().0 += g.amount;
        }
    }
    money
}

/// Organisations (never individuals) whose names normalise alike under different
/// identifiers, sorted by normalised name.
pub(crate) fn duplicate_names(d: &Dataset) -> Vec<DuplicateName> {
    let money = money_by_org(d);
    let mut by_name: BTreeMap<String, Vec<OrgMoney>> = BTreeMap::new();
    for o in d.organisations.values() {
        if o.sector == Sector::Individual {
            continue;
        }
        let key = normalised_name(&o.name);
        if key.is_empty() {
            continue;
        }
        let (received, given) = money.get(&o.id).copied().unwrap_or_default();
        by_name.entry(key).or_default().push(OrgMoney {
            id: o.id.clone(),
            name: o.name.clone(),
            received,
            given,
        });
    }
    by_name
        .into_iter()
        .filter(|(_, orgs)| orgs.len() > 1)
        .map(|(normalised, organisations)| DuplicateName {
            normalised,
            organisations,
        })
        .collect()
}

/// The columns of the organisations template, in order: organisations.csv's own, with
/// `Sector Rule` and `Received` (ignored when the file is read back, as any extra column).
pub(crate) const TEMPLATE_COLUMNS: [&str; 10] = [
    "Identifier",
    "Name",
    "Sector",
    "Sector Rule",
    "Received",
    "Same As",
    "Type",
    "Annual Income",
    "Area",
    "Led By",
];

/// `1234.5` pounds as `1234.50`: what organisations.csv reads back, without a `£` a
/// spreadsheet might mangle.
fn plain_pounds(p: Pence) -> String {
    let sign = if p.0 < 0 { "-" } else { "" };
    let abs = p.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// An organisations.csv listing every organisation the dataset names (never an
/// individual), sorted by identifier: its name, sector and the rule that decided it, money
/// received in all grants, and what organisations.csv already said (type, income, area,
/// tags). Identifiers merged by `Same As` keep their rows, pointing at their target, so the
/// file can replace the dataset's organisations.csv. UTF-8 with a byte-order mark, so a
/// spreadsheet opens names such as `Café` as written.
pub fn organisations_template(d: &Dataset) -> Result<OrganisationsTemplate, csv::Error> {
    let money = money_by_org(d);
    let mut rows: BTreeMap<&OrgId, [String; 10]> = BTreeMap::new();
    for o in d.organisations.values() {
        if o.sector == Sector::Individual {
            continue;
        }
        let received = money.get(&o.id).map_or(Pence(0), |m| m.0);
        rows.insert(
            &o.id,
            [
                o.id.to_string(),
                o.name.clone(),
                o.sector.as_str().to_owned(),
                o.sector_rule.as_str().to_owned(),
                plain_pounds(received),
                String::new(),
                o.org_type.clone().unwrap_or_default(),
                o.annual_income.map(plain_pounds).unwrap_or_default(),
                o.area.clone().unwrap_or_default(),
                o.led_by.join("; "),
            ],
        );
    }
    for m in &d.quality.merges {
        for f in &m.from {
            rows.insert(
                &f.id,
                [
                    f.id.to_string(),
                    f.name.clone(),
                    String::new(),
                    "same-as".to_owned(),
                    String::new(),
                    m.into.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            );
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(TEMPLATE_COLUMNS)?;
    // The template is opened in a spreadsheet: text cells get OWASP's quote like every CSV
    // fundflow writes, and the loader takes it off again when the file is read back
    // (present::csv_cell_read).
    for r in rows.values() {
        // Identifiers, the sector, the rule and plain pounds are never formulas; the free
        // text columns (name, type, area, tags) are quoted when they could be.
        w.write_record(r.iter().enumerate().map(|(i, c)| match i {
            1 | 6 | 8 | 9 => crate::present::csv_cell(c).into_owned(),
            _ => c.clone(),
        }))?;
    }
    Ok(OrganisationsTemplate {
        csv: w.into_inner().map_err(|e| e.into_error())?,
        rows: rows.len(),
    })
}

/// What [`organisations_template`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationsTemplate {
    /// The file's bytes.
    pub csv: Vec<u8>,
    /// Its rows, header excluded.
    pub rows: usize,
}

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FileSummary {
    /// grants, organisations, partnerships, meetings, attendance or payments.
    pub(crate) role: &'static str,
    /// Rows read, used, rejected and warned about.
    #[serde(flatten)]
    pub(crate) quality: FileQuality,
}

/// First and last date of something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct DateRange {
    /// Earliest.
    pub(crate) first: NaiveDate,
    /// Latest.
    pub(crate) last: NaiveDate,
}

impl DateRange {
    fn of(dates: impl Iterator<Item = NaiveDate>) -> Option<DateRange> {
        dates.fold(None, |acc, d| match acc {
            None => Some(DateRange { first: d, last: d }),
            Some(r) => Some(DateRange {
                first: r.first.min(d),
                last: r.last.max(d),
            }),
        })
    }
}

/// Date ranges of the dated inputs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Dates {
    /// Award dates.
    pub(crate) grants: Option<DateRange>,
    /// Meeting dates.
    pub(crate) meetings: Option<DateRange>,
}

/// Totals over all grants.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Grants used.
    pub grants: usize,
    /// Their amount.
    pub(crate) amount: Pence,
    /// Distinct funders.
    pub(crate) funders: usize,
    /// Distinct recipient organisations.
    pub(crate) recipient_organisations: usize,
    /// Grants to individuals (never listed one by one).
    pub(crate) grants_to_individuals: usize,
    /// Amount and grants by recipient sector.
    pub(crate) by_sector: Vec<SectorTotal>,
}

/// Money to one recipient sector.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectorTotal {
    /// The sector.
    pub(crate) sector: Sector,
    /// Grants.
    pub(crate) grants: usize,
    /// Amount.
    pub(crate) amount: Pence,
}

/// Counts of the partnership inputs (no personal data: people are only counted).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PartnershipCounts {
    /// Partnerships.
    pub(crate) partnerships: usize,
    /// Meetings.
    pub(crate) meetings: usize,
    /// Attendance rows.
    pub(crate) attendance_rows: usize,
    /// Distinct people in attendance and payments.
    pub(crate) people: usize,
    /// Payments; `None` when there is no payments.csv.
    pub(crate) payments: Option<usize>,
}

/// How sectors were decided.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectorInference {
    /// Organisations per rule and resulting sector.
    pub(crate) by_rule: Vec<RuleCount>,
    /// Every organisation, sorted by identifier.
    pub(crate) organisations: Vec<OrgInference>,
}

/// Organisations whose sector one rule decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCount {
    /// The rule.
    pub(crate) rule: SectorRule,
    /// The rule in words.
    pub(crate) description: &'static str,
    /// The sector it gave.
    pub(crate) sector: Sector,
    /// How many organisations.
    pub(crate) organisations: usize,
    /// The money they received (`validate`: every grant loaded; findings.json: grants
    /// awarded in the window).
    pub(crate) amount: Pence,
}

/// One organisation's inference.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OrgInference {
    /// Identifier.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: String,
    /// Sector.
    pub(crate) sector: Sector,
    /// Rule.
    pub(crate) rule: SectorRule,
}

/// How many organisations each sector-inference rule placed in each sector, in rule order,
/// and the money `grants` gave them (grants to individuals are no organisation's).
pub(crate) fn rule_counts<'d>(
    d: &'d Dataset,
    grants: impl Iterator<Item = &'d crate::model::Grant>,
) -> Vec<RuleCount> {
    let mut received: HashMap<&OrgId, Pence> = HashMap::new();
    for g in grants {
        if let Recipient::Org(o) = &g.recipient {
            *received.entry(o).or_default() += g.amount;
        }
    }
    rule_counts_with(d, |id| received.get(id).copied().unwrap_or_default())
}

/// [`rule_counts`] with the money each organisation received given by `received` (the
/// analysis has it by organisation number). O(V log V) for V organisations.
pub(crate) fn rule_counts_with(d: &Dataset, received: impl Fn(&OrgId) -> Pence) -> Vec<RuleCount> {
    let mut rules: BTreeMap<(SectorRule, Sector), (usize, Pence)> = BTreeMap::new();
    for o in d.organisations.values() {
        let e = rules.entry((o.sector_rule, o.sector)).or_default();
        e.0 += 1;
        e.1 += received(&o.id);
    }
    rules
        .into_iter()
        .map(|((rule, sector), (organisations, amount))| RuleCount {
            rule,
            description: rule.describe(),
            sector,
            organisations,
            amount,
        })
        .collect()
}

/// The command that writes organisations.csv with every organisation's inferred sector and
/// rule, ready to correct (`dataset` as the user would type it; `None` for the example).
/// A path with anything but plain characters is single-quoted, as a shell needs it.
pub fn template_command(dataset: Option<&str>) -> String {
    match dataset {
        Some(d) => {
            let plain = !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-/+:,@=~".contains(c));
            let shown = if plain {
                d.to_owned()
            } else {
                format!("'{}'", d.replace('\'', r"'\''"))
            };
            format!("fundflow validate {shown} --organisations-template organisations-template.csv")
        }
        None => "fundflow validate --organisations-template organisations-template.csv".to_owned(),
    }
}

/// How sectors were inferred, in plain words for the report and the terminal summary: which
/// sectors inference gave and to how many organisations, how many (and how much money) the
/// weakest rules placed (`CompanyVoluntaryName`: a company's name words; `NoRule`: nothing
/// at all; issue 16), and the command that writes the template to correct them. Empty when
/// organisations.csv gave every sector.
pub fn inference_sentences(counts: &[RuleCount], command: &str) -> Vec<String> {
    use crate::flags::{money, thousands};
    let inferred: Vec<&RuleCount> = counts
        .iter()
        .filter(|r| r.rule != SectorRule::OrganisationsCsv)
        .collect();
    let n: usize = inferred.iter().map(|r| r.organisations).sum();
    if n == 0 {
        return Vec::new();
    }
    let mut by_sector: BTreeMap<Sector, usize> = BTreeMap::new();
    for r in &inferred {
        *by_sector.entry(r.sector).or_default() += r.organisations;
    }
    let listed: usize = counts
        .iter()
        .filter(|r| r.rule == SectorRule::OrganisationsCsv)
        .map(|r| r.organisations)
        .sum();
    let sectors: Vec<String> = by_sector
        .iter()
        .map(|(s, k)| format!("{} {}", thousands(*k as f64), s.as_str()))
        .collect();
    let mut out = vec![format!(
        "Sectors were inferred for {} organisations ({}){}.",
        thousands(n as f64),
        sectors.join(", "),
        if listed == 0 {
            String::new()
        } else {
            format!("; organisations.csv gave {} more", thousands(listed as f64))
        }
    )];
    let weak = |rule: SectorRule| -> (usize, Pence) {
        inferred
            .iter()
            .filter(|r| r.rule == rule)
            .fold((0, Pence(0)), |(k, m), r| {
                (k + r.organisations, m + r.amount)
            })
    };
    let (named, named_money) = weak(SectorRule::CompanyVoluntaryName);
    let (none, none_money) = weak(SectorRule::NoRule);
    let mut parts = Vec::new();
    if named > 0 {
        parts.push(format!(
            "{} companies ({}) count as VCSE only because their name has a word such as trust, club or friends of",
            thousands(named as f64),
            money(named_money.pounds())
        ));
    }
    if none > 0 {
        parts.push(format!(
            "{} organisations ({}) matched no rule and count as unknown (on the VCSE side; most are unregistered community groups)",
            thousands(none as f64),
            money(none_money.pounds())
        ));
    }
    if !parts.is_empty() {
        out.push(format!("Weakest evidence: {}.", parts.join("; ")));
    }
    out.push(format!(
        "To check or correct a sector, write every organisation with its inferred sector and rule to a file with `{command}`, fix its Sector column and put it in the dataset folder as organisations.csv, which overrides inference."
    ));
    out
}

impl ValidationReport {
    /// Summarises a loaded dataset.
    pub fn new(d: &Dataset) -> ValidationReport {
        let roles = [
            ("organisations", &d.sources.organisations),
            ("grants", &d.sources.grants),
            ("partnerships", &d.sources.partnerships),
            ("meetings", &d.sources.meetings),
            ("attendance", &d.sources.attendance),
            ("payments", &d.sources.payments),
        ];
        let files = d
            .quality
            .files
            .iter()
            .map(|q| FileSummary {
                role: roles
                    .iter()
                    .find(|(_, f)| f.as_deref() == Some(q.file.as_str()))
                    .map_or("input", |(r, _)| r),
                quality: q.clone(),
            })
            .collect();

        // Hash sets and a hash map of sectors: this loop runs once per grant (a million in a
        // national file), and ordered maps keyed by identifier cost a string compare per level.
        let sector_of: HashMap<&OrgId, Sector> = d
            .organisations
            .iter()
            .map(|(id, o)| (id, o.sector))
            .collect();
        let mut by_sector: BTreeMap<Sector, (usize, Pence)> = BTreeMap::new();
        let mut funders = HashSet::new();
        let mut recipients = HashSet::new();
        let mut to_individuals = 0;
        for g in &d.grants {
            funders.insert(&g.funder);
            let sector = match &g.recipient {
                Recipient::Org(o) => {
                    recipients.insert(o);
                    sector_of.get(o).copied().unwrap_or(Sector::Unknown)
                }
                Recipient::Individual(_) => {
                    to_individuals += 1;
                    Sector::Individual
                }
            };
            let e = by_sector.entry(sector).or_default();
            e.0 += 1;
            e.1 += g.amount;
        }

        ValidationReport {
            files,
            analyses: d.sources.analyses(),
            dates: Dates {
                grants: DateRange::of(d.grants.iter().map(|g| g.award_date)),
                meetings: DateRange::of(d.meetings.iter().map(|m| m.date)),
            },
            totals: Totals {
                grants: d.grants.len(),
                amount: d.grants.iter().map(|g| g.amount).sum(),
                funders: funders.len(),
                recipient_organisations: recipients.len(),
                grants_to_individuals: to_individuals,
                by_sector: by_sector
                    .into_iter()
                    .map(|(sector, (grants, amount))| SectorTotal {
                        sector,
                        grants,
                        amount,
                    })
                    .collect(),
            },
            partnerships: PartnershipCounts {
                partnerships: d.partnerships.len(),
                meetings: d.meetings.len(),
                attendance_rows: d.attendance.len(),
                people: d.people,
                payments: d.payments.as_ref().map(Vec::len),
            },
            sectors: SectorInference {
                by_rule: rule_counts(d, d.grants.iter()),
                organisations: d
                    .organisations
                    .values()
                    .map(|o| OrgInference {
                        id: o.id.to_string(),
                        name: o.name.clone(),
                        sector: o.sector,
                        rule: o.sector_rule,
                    })
                    .collect(),
            },
            duplicate_names: duplicate_names(d),
            merges: d.quality.merges.clone(),
            notes: d.quality.notes.clone(),
        }
    }

    /// The report as plain text for a terminal.
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        self.write_text(&mut s).ok();
        s
    }

    fn write_text(&self, s: &mut String) -> std::fmt::Result {
        writeln!(s, "Files")?;
        for f in &self.files {
            let q = &f.quality;
            // Rows the [organisations] mapping leaves out on purpose are counted with the
            // rejected ones in the ledger (every row is accounted for), but are not errors.
            let left_out = |code: &str| LEFT_OUT_REASONS.contains(&code);
            let (mut rejected, mut left) = (0, 0);
            for (code, r) in &q.rejected {
                *if left_out(code) {
                    &mut left
                } else {
                    &mut rejected
                } += r.count;
            }
            write!(
                s,
                "  {:<14} {}: {} rows read, {} used, {} rejected",
                f.role, q.file, q.rows_read, q.rows_used, rejected
            )?;
            if left > 0 {
                write!(s, ", {left} left out by the [organisations] mapping")?;
            }
            writeln!(
                s,
                ", {} with warnings",
                q.warnings.values().map(|r| r.count).sum::<usize>()
            )?;
            for (kind, map) in [("rejected", &q.rejected), ("warning", &q.warnings)] {
                for (code, rc) in map {
                    let kind = if kind == "rejected" && left_out(code) {
                        "left out"
                    } else {
                        kind
                    };
                    writeln!(s, "      {kind} {code}: {} row(s), e.g.", rc.count)?;
                    for ex in rc.examples.iter().take(3) {
                        writeln!(s, "        {ex}")?;
                    }
                }
            }
        }

        writeln!(s, "\nAnalyses these files allow")?;
        for a in &self.analyses {
            if a.missing.is_empty() {
                writeln!(s, "  yes  {}", a.name)?;
            } else {
                writeln!(s, "  no   {} (needs {})", a.name, a.missing.join(", "))?;
            }
        }

        let t = &self.totals;
        writeln!(s, "\nGrants")?;
        write!(s, "  {} grants, {} in all", t.grants, t.amount)?;
        if let Some(r) = self.dates.grants {
            write!(s, ", awarded {} to {}", r.first, r.last)?;
        }
        writeln!(s)?;
        writeln!(
            s,
            "  {} funder(s), {} recipient organisation(s), {} grant(s) to individuals",
            t.funders, t.recipient_organisations, t.grants_to_individuals
        )?;
        for st in &t.by_sector {
            let share = if t.amount.0 > 0 {
                100.0 * st.amount.0 as f64 / t.amount.0 as f64
            } else {
                0.0
            };
            writeln!(
                s,
                "    to {:<10} {:>6} grants  {:>18}  ({share:.1}%)",
                st.sector.as_str(),
                st.grants,
                st.amount.to_string()
            )?;
        }

        let p = &self.partnerships;
        if p.partnerships + p.meetings > 0 {
            writeln!(s, "\nPartnerships")?;
            write!(
                s,
                "  {} partnership(s), {} meeting(s)",
                p.partnerships, p.meetings
            )?;
            if let Some(r) = self.dates.meetings {
                write!(s, " from {} to {}", r.first, r.last)?;
            }
            writeln!(s)?;
            writeln!(
                s,
                "  {} attendance row(s) from {} people; {}",
                p.attendance_rows,
                p.people,
                match p.payments {
                    Some(n) => format!("{n} payment(s)"),
                    None => "no payments.csv (who was paid is unknown)".to_owned(),
                }
            )?;
        }

        let n = self.sectors.organisations.len();
        writeln!(
            s,
            "\nSector of each organisation ({n} in all), by the rule that decided it, with the money they received"
        )?;
        for r in &self.sectors.by_rule {
            writeln!(
                s,
                "  {:>6}  {:<10} {:>8}  {}",
                r.organisations,
                r.sector.as_str(),
                crate::flags::money(r.amount.pounds()),
                r.description
            )?;
        }
        for rule in SectorRule::ALL {
            let orgs: Vec<&OrgInference> = self
                .sectors
                .organisations
                .iter()
                .filter(|o| o.rule == rule && rule != SectorRule::OrganisationsCsv)
                .collect();
            if orgs.is_empty() {
                continue;
            }
            writeln!(s, "  {}:", rule.describe())?;
            // A name's words are the weakest evidence: every one is listed for checking
            // (SPEC.md), not the first five.
            let shown = if rule == SectorRule::CompanyVoluntaryName {
                orgs.len()
            } else {
                5
            };
            for o in orgs.iter().take(shown) {
                writeln!(s, "    {} {} → {}", o.id, o.name, o.sector)?;
            }
            if orgs.len() > shown {
                writeln!(s, "    … and {} more", orgs.len() - shown)?;
            }
        }
        writeln!(
            s,
            "  (`fundflow validate --json` lists all {n}; give a Sector in organisations.csv to correct one:\n   `fundflow validate DATASET --organisations-template organisations.csv` writes one to edit)"
        )?;
        if !self.merges.is_empty() {
            writeln!(s, "\nMerged by Same As in organisations.csv")?;
            for m in &self.merges {
                let from: Vec<&str> = m.from.iter().map(|f| f.id.as_str()).collect();
                writeln!(
                    s,
                    "  {} into {} {}: {} row(s) rewritten",
                    from.join(", "),
                    m.into,
                    m.name,
                    m.rows_rewritten
                )?;
            }
        }
        if !self.duplicate_names.is_empty() {
            writeln!(
                s,
                "\nWarning: one name under several identifiers ({}); if they are one body, give the others `Same As` in organisations.csv",
                self.duplicate_names.len()
            )?;
            for dup in &self.duplicate_names {
                writeln!(s, "  \"{}\"", dup.normalised)?;
                for o in &dup.organisations {
                    write!(s, "    {} {}: received {}", o.id, o.name, o.received)?;
                    if o.given.0 > 0 {
                        write!(s, ", gave {}", o.given)?;
                    }
                    writeln!(s)?;
                }
            }
        }
        if !self.notes.is_empty() {
            writeln!(s, "\nNotes")?;
            for note in &self.notes {
                writeln!(s, "  {note}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(rule: SectorRule, sector: Sector, organisations: usize, pounds: i64) -> RuleCount {
        RuleCount {
            rule,
            description: rule.describe(),
            sector,
            organisations,
            amount: Pence(pounds * 100),
        }
    }

    #[test]
    fn inference_sentences_count_the_weakest_rules_and_their_money() {
        let counts = [
            count(SectorRule::OrganisationsCsv, Sector::Vcse, 4, 1_000),
            count(SectorRule::IdPrefix, Sector::Statutory, 1, 0),
            count(SectorRule::CharityEvidence, Sector::Vcse, 20, 500_000),
            count(SectorRule::CompanyVoluntaryName, Sector::Vcse, 3, 12_500),
            count(SectorRule::Company, Sector::Private, 2, 4_000),
            count(SectorRule::NoRule, Sector::Unknown, 7, 950),
        ];
        let s = inference_sentences(&counts, "CMD");
        // Inferred: 1 + 20 + 3 + 2 + 7 = 33 (the 4 from organisations.csv apart); by
        // sector statutory 1, vcse 20 + 3 = 23, private 2, unknown 7.
        assert_eq!(
            s[0],
            "Sectors were inferred for 33 organisations (1 statutory, 23 vcse, 2 private, 7 unknown); organisations.csv gave 4 more."
        );
        // £12,500 → "£12k" (board rounding), £950 → "£950".
        assert!(s[1].starts_with("Weakest evidence: 3 companies (£12k) count as VCSE only"));
        assert!(s[1].contains("; 7 organisations (£950) matched no rule"));
        assert!(s[2].contains("`CMD`"));
        // Nothing inferred: nothing to say.
        assert!(inference_sentences(&counts[..1], "CMD").is_empty());
        // Nothing weak: no "weakest" sentence, still the command.
        let strong = inference_sentences(&counts[1..3], "CMD");
        assert_eq!(strong.len(), 2);
        assert!(strong[1].contains("`CMD`"));
    }

    #[test]
    fn the_template_command_quotes_a_path_a_shell_would_split() {
        assert_eq!(
            template_command(Some("data/trafford")),
            "fundflow validate data/trafford --organisations-template organisations-template.csv"
        );
        assert_eq!(
            template_command(Some("my data/it's")),
            "fundflow validate 'my data/it'\\''s' --organisations-template organisations-template.csv"
        );
        assert_eq!(
            template_command(None),
            "fundflow validate --organisations-template organisations-template.csv"
        );
    }

    #[test]
    fn names_normalise_without_case_punctuation_the_and_ltd() {
        let cases = [
            // The brief's hand cases: "The" and "Ltd"/"Limited" dropped, case ignored.
            ("The Foo Trust Ltd", "foo trust"),
            ("FOO TRUST LIMITED", "foo trust"),
            // Punctuation: the comma and hyphen become spaces, the full stop goes.
            ("Foo-Trust, Ltd.", "foo trust"),
            ("  foo   trust  ", "foo trust"),
            // Apostrophes and full stops are deleted, not spaced: one word stays one word.
            ("St. Mary's Church", "st marys church"),
            ("St Marys Church", "st marys church"),
            ("Foo C.I.C.", "foo cic"),
            // "the" is dropped wherever it stands; a word merely containing it is kept.
            ("Friends of the Theatre", "friends of theatre"),
            ("Limitedness Ltd", "limitedness"),
            // Letters beyond ASCII are letters.
            ("CAFÉ Ünity", "café ünity"),
            // Only dropped words: nothing to compare.
            ("The Ltd.", ""),
        ];
        for (name, want) in cases {
            assert_eq!(normalised_name(name), want, "{name:?}");
        }
        // Different bodies stay different.
        assert_ne!(
            normalised_name("Foo Trust"),
            normalised_name("Foo Trust Fund")
        );
    }

    #[test]
    fn pounds_are_written_plainly_for_reading_back() {
        // 123,450 pence = £1,234.50; 5 pence = £0.05.
        assert_eq!(plain_pounds(Pence(123_450)), "1234.50");
        assert_eq!(plain_pounds(Pence(5)), "0.05");
        assert_eq!(plain_pounds(Pence(0)), "0.00");
    }
}
