//! The equity lenses (SPEC.md "Equity lenses"): the questions the research behind fundflow
//! keeps asking of local funding and partnerships.
//!
//! - **Funding practice**, per funder, over its grants awarded in the window: the median
//!   grant length in months (each grant counts once); long_term_share = share of its amount
//!   in grants of 36 months or more; short_term_share = share in grants of 12 months or less
//!   (lengths as [`GrantPeriod::months`]); unrestricted_share with its basis: `recorded` when
//!   any of the funder's grants carries a `Restriction`/`Unrestricted` value (grants left
//!   blank then count as not unrestricted), else `keywords` when any has a Title or
//!   Description ("unrestricted", "core costs", "core funding" as words), else `None`. Shares
//!   are `None` when the funder's total is not positive. For SHORT-TERM-FUNDING the same
//!   short-term share is taken over its money to VCSE organisations, sectors vcse and
//!   unknown ([`Sector::is_vcse_organisation`]; `vcse_short_term_share`, with `vcse_grants`).
//! - **Usual suspects**, across every partnership, over attendance rows at meetings in the
//!   window: vcse_seat_orgs = VCSE-side organisations (sector vcse or unknown) with attended
//!   rows; top5_seat_share = attended rows of the five with most (ties to the smallest
//!   identifier) ÷ all VCSE-side attended rows, community members' included;
//!   multi_table_orgs = those with attended rows in 3 or more partnerships;
//!   seat_funding_rank_correlation = Spearman's ρ (average ranks for ties) between attended
//!   rows and money received in the window, over the VCSE-side organisations that have
//!   either, `None` below 5 organisations or when either list is constant.
//! - **Covered attendance** (does paying people change who turns up?): a VCSE-side row of any
//!   status is covered when a non-`expenses` payment names the person or their organisation
//!   and the meeting or a period covering its date ([`PaymentIndex::covers`]);
//!   covered_attendance_rate = attended ÷ covered rows, likewise uncovered; both `None` when
//!   either group has fewer than 10 rows, and everything `None` without payments.csv.
//! - **Groups**: per `Led By` tag (trimmed, lower case, as loaded), over VCSE organisations
//!   (sectors vcse and unknown) the dataset mentions anywhere: org_share = tagged ÷ all; funding_share =
//!   their grants received in the window ÷ all such money; seat_share = their attended rows ÷
//!   all VCSE-side attended rows; representation_ratio = funding_share ÷ org_share (`None`
//!   when no VCSE organisation carries the tag; 0 when none of them was funded).
//! - **Burden**, per partnership: community members are attendees of sector `individual`
//!   (no organisation); unpaid_hours = Σ hours of their attended, unresourced rows;
//!   burden_top_decile_share = the hours of the ⌈n ÷ 10⌉ people with most ÷ unpaid_hours, for
//!   n ≥ 10 people with any row, `None` otherwise, with no unpaid hours, or without
//!   payments.csv. People are counted by opaque key and never named.
//!
//! Everything is O(grants + attendance rows + payments) apart from sorting.
//!
//! Sources: SPEC.md "Equity lenses"; IVAR's work on flexible funding and multi-year grants
//! (short-term and restricted funding), NCVO's research on the voluntary sector's income,
//! and the King's Fund / IVAR studies of statutory–VCSE partnerships (the same few
//! organisations at every table, unpaid community time).

use super::participation::{PaymentIndex, Seat, Side};
use super::period::GrantPeriod;
use super::stats::{median, spearman};
use super::{Context, Received};
use crate::config::Parameters;
use crate::model::{Dataset, OrgId, Pence, PersonKey, Restriction, Sector};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Grants of at least this many months are long-term.
pub(crate) const LONG_TERM_MONTHS: f64 = 36.0;
/// Grants of at most this many months are short-term.
pub(crate) const SHORT_TERM_MONTHS: f64 = 12.0;
/// Covered and uncovered rates need at least this many rows in each group.
pub(crate) const MIN_COVERAGE_ROWS: usize = 10;
/// The burden share needs at least this many community members.
pub(crate) const MIN_BURDEN_PEOPLE: usize = 10;
/// How many organisations "the usual suspects" are.
pub(crate) const TOP_SEAT_HOLDERS: usize = 5;
/// Organisations at this many partnerships or more sit at many tables.
pub(crate) const MULTI_TABLE: usize = 3;
/// The rank correlation needs at least this many organisations.
pub(crate) const MIN_CORRELATION_ORGS: usize = 5;

/// How an unrestricted share is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UnrestrictedBasis {
    /// From a `Restriction` or `Unrestricted` column.
    Recorded,
    /// Inferred from words in Title or Description.
    Keywords,
}

/// One funder's practice: how long and how flexible its grants are.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct FundingPractice {
    /// Median grant length, months.
    pub(crate) median_months: Option<f64>,
    /// Grants with no planned end date or duration, whose length is SPEC.md's default of
    /// 12 months (an assumption, so short-term figures built on many of them are soft).
    pub(crate) lengths_assumed: usize,
    /// Share of its amount in grants of 36 months or more.
    pub(crate) long_term_share: Option<f64>,
    /// Share of its amount in grants of 12 months or less.
    pub(crate) short_term_share: Option<f64>,
    /// Share of its amount marked (or described as) unrestricted.
    pub(crate) unrestricted_share: Option<f64>,
    /// How unrestricted_share is known; `None` with it.
    pub(crate) unrestricted_basis: Option<UnrestrictedBasis>,
    /// Grants to VCSE organisations (sectors vcse and unknown).
    pub(crate) vcse_grants: usize,
    /// Their amount, pounds.
    pub(crate) vcse_amount: f64,
    /// Share of that amount in grants of 12 months or less (SHORT-TERM-FUNDING's value).
    pub(crate) vcse_short_term_share: Option<f64>,
    /// Of the grants to VCSE organisations, those whose length is the 12-month default.
    pub(crate) vcse_lengths_assumed: usize,
}

/// Running sums for one funder.
#[derive(Default)]
struct PracticeSums {
    months: Vec<f64>,
    assumed: usize,
    vcse_assumed: usize,
    total: Pence,
    long: Pence,
    short: Pence,
    recorded: bool,
    recorded_unrestricted: Pence,
    described: bool,
    keyword_unrestricted: Pence,
    vcse_grants: usize,
    vcse_total: Pence,
    vcse_short: Pence,
}

/// `part ÷ whole` in pence; `None` unless `whole` is positive.
fn money_share(part: Pence, whole: Pence) -> Option<f64> {
    (whole.0 > 0).then(|| part.0 as f64 / whole.0 as f64)
}

/// Funding practice of every funder with grants in the window, by identifier.
pub(crate) fn funding_practice(ctx: &Context) -> BTreeMap<OrgId, FundingPractice> {
    let data = ctx.data;
    // By funder number (the context's organisations, sorted by identifier): no identifier
    // is compared per grant.
    let mut sums: Vec<Option<PracticeSums>> = Vec::new();
    sums.resize_with(ctx.keys.orgs.len(), || None);
    for i in ctx.grants_in_window() {
        let g = &data.grants[i];
        let s = sums[ctx.keys.funder[i] as usize].get_or_insert_with(PracticeSums::default);
        let months = GrantPeriod::of(g).months;
        let short = months <= SHORT_TERM_MONTHS;
        let assumed = g.planned_end.is_none() && g.duration_months.is_none();
        s.months.push(months);
        s.assumed += usize::from(assumed);
        s.total += g.amount;
        if months >= LONG_TERM_MONTHS {
            s.long += g.amount;
        }
        if short {
            s.short += g.amount;
        }
        if let Some(r) = g.restriction {
            s.recorded = true;
            if r == Restriction::Unrestricted {
                s.recorded_unrestricted += g.amount;
            }
        }
        if let Some(words) = g.unrestricted_keywords {
            s.described = true;
            if words {
                s.keyword_unrestricted += g.amount;
            }
        }
        if ctx.sector(i).is_vcse_organisation() {
            s.vcse_grants += 1;
            s.vcse_assumed += usize::from(assumed);
            s.vcse_total += g.amount;
            if short {
                s.vcse_short += g.amount;
            }
        }
    }
    sums.into_iter()
        .zip(&ctx.keys.orgs)
        .filter_map(|(s, id)| Some((id, s?)))
        .map(|(id, s)| {
            let (unrestricted_share, unrestricted_basis) = if s.recorded {
                (
                    money_share(s.recorded_unrestricted, s.total),
                    Some(UnrestrictedBasis::Recorded),
                )
            } else if s.described {
                (
                    money_share(s.keyword_unrestricted, s.total),
                    Some(UnrestrictedBasis::Keywords),
                )
            } else {
                (None, None)
            };
            let practice = FundingPractice {
                median_months: median(&s.months),
                lengths_assumed: s.assumed,
                long_term_share: money_share(s.long, s.total),
                short_term_share: money_share(s.short, s.total),
                unrestricted_basis: unrestricted_share.and(unrestricted_basis),
                unrestricted_share,
                vcse_grants: s.vcse_grants,
                vcse_amount: s.vcse_total.pounds(),
                vcse_short_term_share: money_share(s.vcse_short, s.vcse_total),
                vcse_lengths_assumed: s.vcse_assumed,
            };
            (id.clone(), practice)
        })
        .collect()
}

/// A VCSE-side organisation's seats and money, for the usual-suspects lens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SeatHolder {
    /// Identifier.
    pub(crate) id: OrgId,
    /// Name.
    pub(crate) name: String,
    /// Sector (vcse or unknown).
    pub(crate) sector: Sector,
    /// Attended rows across every partnership.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) attended_rows: usize,
    /// Partnerships with at least one attended row.
    pub(crate) partnerships: usize,
    /// Grants received in the window, pounds.
    pub(crate) received: f64,
}

/// Who holds the VCSE seats across the area's partnerships.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct UsualSuspects {
    /// VCSE-side organisations with attended rows.
    pub(crate) vcse_seat_orgs: usize,
    /// All VCSE-side attended rows, community members' included.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) vcse_attended_rows: usize,
    /// The five organisations with most attended rows, most first.
    pub(crate) top5: Vec<OrgId>,
    /// Their attended rows.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) top5_attended_rows: usize,
    /// top5_attended_rows ÷ vcse_attended_rows.
    pub(crate) top5_seat_share: Option<f64>,
    /// Organisations with attended rows in 3 or more partnerships, by identifier.
    pub(crate) multi_table_orgs: Vec<OrgId>,
    /// Spearman's ρ between attended rows and money received.
    pub(crate) seat_funding_rank_correlation: Option<f64>,
    /// Organisations in the correlation (seats or money).
    pub(crate) correlation_orgs: usize,
    /// Those organisations, by identifier.
    pub(crate) organisations: Vec<SeatHolder>,
}

/// Attended and any-status rows of covered and uncovered VCSE-side attendance.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Coverage {
    /// VCSE-side rows (any status) covered by a payment; `None` without payments.csv.
    #[serde(serialize_with = "crate::disclosure::people_opt")]
    pub(crate) covered_rows: Option<usize>,
    /// VCSE-side rows not covered.
    #[serde(serialize_with = "crate::disclosure::people_opt")]
    pub(crate) uncovered_rows: Option<usize>,
    /// Attended ÷ covered rows (`None` when either group has fewer than 10 rows).
    pub(crate) covered_attendance_rate: Option<f64>,
    /// Attended ÷ uncovered rows (same rule).
    pub(crate) uncovered_attendance_rate: Option<f64>,
}

/// Coverage of one partnership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PartnershipCoverage {
    /// `Partnership ID`.
    pub(crate) partnership: String,
    /// Its name.
    pub(crate) name: String,
    /// The figures.
    #[serde(flatten)]
    pub(crate) coverage: Coverage,
}

/// Does paying people change who turns up? Overall and per partnership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CoveredAttendance {
    /// Every partnership together.
    pub(crate) overall: Coverage,
    /// Per partnership, by id.
    pub(crate) by_partnership: Vec<PartnershipCoverage>,
}

/// One `Led By` tag's share of organisations, money and seats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct GroupFigures {
    /// The tag (lower case).
    pub(crate) tag: String,
    /// VCSE organisations carrying it.
    pub(crate) organisations: usize,
    /// All VCSE organisations.
    pub(crate) vcse_organisations: usize,
    /// organisations ÷ vcse_organisations.
    pub(crate) org_share: Option<f64>,
    /// Grants received in the window by the tagged organisations, pounds.
    pub(crate) received: f64,
    /// Grants received by all VCSE organisations, pounds.
    pub(crate) vcse_received: f64,
    /// received ÷ vcse_received.
    pub(crate) funding_share: Option<f64>,
    /// Attended rows of the tagged organisations.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) attended_rows: usize,
    /// All VCSE-side attended rows.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) vcse_attended_rows: usize,
    /// attended_rows ÷ vcse_attended_rows (`None` without attendance).
    pub(crate) seat_share: Option<f64>,
    /// funding_share ÷ org_share.
    pub(crate) representation_ratio: Option<f64>,
}

/// Unpaid time carried by one partnership's community members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Burden {
    /// `Partnership ID`.
    pub(crate) partnership: String,
    /// Its name.
    pub(crate) name: String,
    /// Community members with any attendance row.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) people: usize,
    /// Their unpaid attended hours (`None` without payments.csv).
    pub(crate) unpaid_hours: Option<f64>,
    /// Share of those hours carried by the top 10% of them.
    pub(crate) burden_top_decile_share: Option<f64>,
}

/// The partnership lenses. `usual_suspects` and `covered_attendance` are `None` without
/// attendance.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Equity {
    /// Who holds the VCSE seats.
    pub(crate) usual_suspects: Option<UsualSuspects>,
    /// Does paying people change who turns up?
    pub(crate) covered_attendance: Option<CoveredAttendance>,
    /// Per `Led By` tag, by tag.
    pub(crate) groups: Vec<GroupFigures>,
    /// Per partnership, by id.
    pub(crate) burden: Vec<Burden>,
}

/// Every attendance row at a meeting in the window, as a seat.
fn seats_in_window<'d>(
    ctx: &Context<'d>,
    payments: &PaymentIndex<'d>,
    params: &Parameters,
) -> Vec<Seat<'d>> {
    let data = ctx.data;
    data.attendance
        .iter()
        .enumerate()
        .filter_map(|(r, row)| {
            let m = &data.meetings[ctx.attendance.meeting[r]? as usize];
            ctx.window
                .contains(m.date)
                .then(|| Seat::with_sector(ctx.attendance.sector[r], payments, params, m, row))
        })
        .collect()
}

/// The VCSE side's organisation of a seat (vcse or unknown sector), if it has one.
fn vcse_org<'d>(seat: &Seat<'d>) -> Option<&'d OrgId> {
    if !seat.sector.is_vcse_organisation() {
        return None;
    }
    seat.row.org.as_ref()
}

/// The partnership lenses (see the module docs); `received` is the context's
/// [`Context::received_in_window`], computed once by the caller and shared with data quality.
pub(crate) fn equity(ctx: &Context, params: &Parameters, received: &Received) -> Equity {
    let data = ctx.data;
    let payments = &*ctx.payments;
    let seats = seats_in_window(ctx, payments, params);
    let has_attendance = data.sources.attendance.is_some();
    Equity {
        usual_suspects: has_attendance.then(|| usual_suspects(data, &seats, received)),
        covered_attendance: has_attendance.then(|| covered_attendance(data, &seats, payments)),
        groups: groups(data, &seats, received),
        burden: if has_attendance {
            burden(data, &seats, payments.is_known())
        } else {
            Vec::new()
        },
    }
}

fn usual_suspects(data: &Dataset, seats: &[Seat], received: &Received) -> UsualSuspects {
    let mut rows: BTreeMap<&OrgId, (usize, BTreeSet<&str>)> = BTreeMap::new();
    let mut vcse_attended_rows = 0;
    for s in seats.iter().filter(|s| s.attended()) {
        if s.side() != Some(Side::Vcse) {
            continue;
        }
        vcse_attended_rows += 1;
        if let Some(o) = vcse_org(s) {
            let e = rows.entry(o).or_default();
            e.0 += 1;
            e.1.insert(s.meeting.partnership.as_str());
        }
    }
    let mut ranked: Vec<(&OrgId, usize)> = rows.iter().map(|(o, (n, _))| (*o, *n)).collect();
    // Most rows first; ties to the smallest identifier (the map's order, kept by a stable sort).
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let top: Vec<(&OrgId, usize)> = ranked.into_iter().take(TOP_SEAT_HOLDERS).collect();
    let top5_attended_rows = top.iter().map(|t| t.1).sum();

    // The correlation's organisations: VCSE-side organisations with seats or money.
    let mut members: BTreeSet<&OrgId> = rows.keys().copied().collect();
    members.extend(
        received
            .nonzero()
            .filter_map(|(o, _)| data.sector_of(o).is_vcse_organisation().then_some(o)),
    );
    let organisations: Vec<SeatHolder> = members
        .iter()
        .map(|o| {
            let (attended_rows, partnerships) =
                rows.get(o).map_or((0, 0), |(n, ps)| (*n, ps.len()));
            SeatHolder {
                id: (*o).clone(),
                name: data.name_of(o),
                sector: data.sector_of(o),
                attended_rows,
                partnerships,
                received: received.get(o).pounds(),
            }
        })
        .collect();
    let correlation = if organisations.len() >= MIN_CORRELATION_ORGS {
        let seats: Vec<f64> = organisations
            .iter()
            .map(|o| o.attended_rows as f64)
            .collect();
        let money: Vec<f64> = organisations.iter().map(|o| o.received).collect();
        spearman(&seats, &money)
    } else {
        None
    };

    UsualSuspects {
        vcse_seat_orgs: rows.len(),
        vcse_attended_rows,
        top5: top.iter().map(|t| t.0.clone()).collect(),
        top5_attended_rows,
        top5_seat_share: (vcse_attended_rows > 0)
            .then(|| top5_attended_rows as f64 / vcse_attended_rows as f64),
        multi_table_orgs: rows
            .iter()
            .filter(|(_, (_, ps))| ps.len() >= MULTI_TABLE)
            .map(|(o, _)| (*o).clone())
            .collect(),
        seat_funding_rank_correlation: correlation,
        correlation_orgs: organisations.len(),
        organisations,
    }
}

/// (covered rows, covered attended, uncovered rows, uncovered attended).
#[derive(Default, Clone, Copy)]
struct CoverageCounts {
    covered: usize,
    covered_attended: usize,
    uncovered: usize,
    uncovered_attended: usize,
}

impl CoverageCounts {
    fn add(&mut self, covered: bool, attended: bool) {
        if covered {
            self.covered += 1;
            self.covered_attended += usize::from(attended);
        } else {
            self.uncovered += 1;
            self.uncovered_attended += usize::from(attended);
        }
    }

    fn figures(self, known: bool) -> Coverage {
        if !known {
            return Coverage::default();
        }
        let enough = self.covered >= MIN_COVERAGE_ROWS && self.uncovered >= MIN_COVERAGE_ROWS;
        let rate = |attended: usize, rows: usize| enough.then(|| attended as f64 / rows as f64);
        Coverage {
            covered_rows: Some(self.covered),
            uncovered_rows: Some(self.uncovered),
            covered_attendance_rate: rate(self.covered_attended, self.covered),
            uncovered_attendance_rate: rate(self.uncovered_attended, self.uncovered),
        }
    }
}

fn covered_attendance(
    data: &Dataset,
    seats: &[Seat],
    payments: &PaymentIndex,
) -> CoveredAttendance {
    let known = payments.is_known();
    let mut overall = CoverageCounts::default();
    let mut per: BTreeMap<&str, CoverageCounts> = data
        .partnerships
        .iter()
        .map(|p| (p.id.as_str(), CoverageCounts::default()))
        .collect();
    for s in seats.iter().filter(|s| s.side() == Some(Side::Vcse)) {
        let covered = payments.covers(s.row, s.meeting).unwrap_or(false);
        overall.add(covered, s.attended());
        per.entry(s.meeting.partnership.as_str())
            .or_default()
            .add(covered, s.attended());
    }
    CoveredAttendance {
        overall: overall.figures(known),
        by_partnership: per
            .into_iter()
            .map(|(id, counts)| PartnershipCoverage {
                partnership: id.to_owned(),
                name: partnership_name(data, id),
                coverage: counts.figures(known),
            })
            .collect(),
    }
}

fn partnership_name(data: &Dataset, id: &str) -> String {
    data.partnerships
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_owned(), |p| p.name.clone())
}

fn groups(data: &Dataset, seats: &[Seat], received: &Received) -> Vec<GroupFigures> {
    let vcse: Vec<&crate::model::Organisation> = data
        .organisations
        .values()
        .filter(|o| o.sector.is_vcse_organisation())
        .collect();
    let money = |o: &OrgId| received.get(o);
    let vcse_received: Pence = vcse.iter().map(|o| money(&o.id)).sum();
    let mut attended: HashMap<&OrgId, usize> = HashMap::new();
    let mut vcse_attended_rows = 0;
    for s in seats
        .iter()
        .filter(|s| s.attended() && s.side() == Some(Side::Vcse))
    {
        vcse_attended_rows += 1;
        if let Some(o) = &s.row.org {
            *attended.entry(o).or_default() += 1;
        }
    }
    let tags: BTreeSet<&str> = data
        .organisations
        .values()
        .flat_map(|o| o.led_by.iter().map(String::as_str))
        .collect();
    let has_attendance = data.sources.attendance.is_some();
    tags.into_iter()
        .map(|tag| {
            let tagged: Vec<&&crate::model::Organisation> = vcse
                .iter()
                .filter(|o| o.led_by.iter().any(|t| t == tag))
                .collect();
            let tagged_received: Pence = tagged.iter().map(|o| money(&o.id)).sum();
            let attended_rows: usize = tagged
                .iter()
                .map(|o| attended.get(&o.id).copied().unwrap_or(0))
                .sum();
            let org_share = (!vcse.is_empty()).then(|| tagged.len() as f64 / vcse.len() as f64);
            let funding_share = money_share(tagged_received, vcse_received);
            GroupFigures {
                tag: tag.to_owned(),
                organisations: tagged.len(),
                vcse_organisations: vcse.len(),
                org_share,
                received: tagged_received.pounds(),
                vcse_received: vcse_received.pounds(),
                funding_share,
                attended_rows,
                vcse_attended_rows,
                seat_share: (has_attendance && vcse_attended_rows > 0)
                    .then(|| attended_rows as f64 / vcse_attended_rows as f64),
                representation_ratio: match (funding_share, org_share) {
                    (Some(f), Some(o)) if o > 0.0 => Some(f / o),
                    _ => None,
                },
            }
        })
        .collect()
}

fn burden(data: &Dataset, seats: &[Seat], payments_known: bool) -> Vec<Burden> {
    #[derive(Default)]
    struct People {
        hours: BTreeMap<PersonKey, f64>,
    }
    let mut per: BTreeMap<&str, People> = data
        .partnerships
        .iter()
        .map(|p| (p.id.as_str(), People::default()))
        .collect();
    for s in seats.iter().filter(|s| s.sector == Sector::Individual) {
        let people = per.entry(s.meeting.partnership.as_str()).or_default();
        let unpaid = if s.attended() && s.resourced == Some(false) {
            s.hours()
        } else {
            0.0
        };
        *people.hours.entry(s.row.person).or_default() += unpaid;
    }
    per.into_iter()
        .map(|(id, people)| {
            let n = people.hours.len();
            // `+ 0.0`: an empty f64 sum is −0.0, which would print as "-0.0".
            let unpaid_hours = payments_known.then(|| people.hours.values().sum::<f64>() + 0.0);
            let share = match unpaid_hours {
                Some(total) if n >= MIN_BURDEN_PEOPLE && total > 0.0 => {
                    let mut hours: Vec<f64> = people.hours.values().copied().collect();
                    hours.sort_by(|a, b| b.total_cmp(a));
                    let k = n.div_ceil(10);
                    Some(hours[..k].iter().sum::<f64>() / total)
                }
                _ => None,
            };
            Burden {
                partnership: id.to_owned(),
                name: partnership_name(data, id),
                people: n,
                unpaid_hours,
                burden_top_decile_share: share,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::testkit::{org, person, Builder};
    use crate::measures::Window;
    use crate::model::{Payee, PaymentType, Status};
    use proptest::prelude::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    fn ctx(fx: &Builder) -> Context<'_> {
        Context::new(&fx.data, None, Window::default())
    }

    fn lenses(fx: &Builder) -> Equity {
        let c = ctx(fx);
        equity(&c, &Parameters::default(), &c.received_in_window())
    }

    #[test]
    fn funding_practice_by_hand() {
        let fx = Builder::all_files()
            .named_org("GB-F", "Funder", Sector::Statutory)
            .named_org("GB-G", "Lottery", Sector::Vcse)
            .named_org("GB-H", "Trust", Sector::Vcse)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .named_org("GB-V2", "V2", Sector::Vcse)
            .named_org("GB-S1", "S1", Sector::Statutory)
            // F: £100 for 12 months (the default) to V1, £300 for 36 to V2, £600 for 24 to S1.
            .grant("GB-F", "GB-V1", 100, "2024-01-01")
            .grant("GB-F", "GB-V2", 300, "2024-01-01")
            .months(36.0)
            .grant("GB-F", "GB-S1", 600, "2024-01-01")
            .months(24.0)
            // G: £200 recorded unrestricted; £800 blank in the column but "core costs" in
            // its description: the recorded basis wins and the words are not used.
            .grant("GB-G", "GB-V1", 200, "2024-01-01")
            .restriction(Restriction::Unrestricted)
            .unrestricted_keywords(false)
            .grant("GB-G", "GB-V2", 800, "2024-01-01")
            .unrestricted_keywords(true)
            // H: £50 "core costs", £150 "A restricted grant of £150" → keywords 50/200.
            .grant("GB-H", "GB-V1", 50, "2024-01-01")
            .unrestricted_keywords(true)
            .grant("GB-H", "GB-V2", 150, "2024-01-01")
            .unrestricted_keywords(false);
        let p = funding_practice(&ctx(&fx));

        let f = &p[&org("GB-F")];
        // Lengths 12, 36, 24 → median 24. Total £1,000: long (≥ 36) £300 → 0.3; short
        // (≤ 12) £100 → 0.1. No column, no text: unrestricted unknown.
        assert_eq!(f.median_months, Some(24.0));
        assert!(close(f.long_term_share, 0.3));
        assert!(close(f.short_term_share, 0.1));
        assert_eq!((f.unrestricted_share, f.unrestricted_basis), (None, None));
        // To VCSE: 2 grants, £400, of which £100 short → 0.25.
        assert_eq!((f.vcse_grants, f.vcse_amount), (2, 400.0));
        // The £100 grant has no recorded length: its 12 months are the default.
        assert_eq!((f.lengths_assumed, f.vcse_lengths_assumed), (1, 1));
        assert!(close(f.vcse_short_term_share, 0.25));

        let g = &p[&org("GB-G")];
        // 200 / 1000 recorded.
        assert!(close(g.unrestricted_share, 0.2));
        assert_eq!(g.unrestricted_basis, Some(UnrestrictedBasis::Recorded));
        // Both 12 months: median 12, all short, none long.
        assert_eq!(g.median_months, Some(12.0));
        assert!(close(g.short_term_share, 1.0) && close(g.long_term_share, 0.0));

        let h = &p[&org("GB-H")];
        // 50 / 200 by keywords.
        assert!(close(h.unrestricted_share, 0.25));
        assert_eq!(h.unrestricted_basis, Some(UnrestrictedBasis::Keywords));
    }

    #[test]
    fn funding_practice_of_a_zero_total_is_unknown() {
        let fx = Builder::all_files()
            .named_org("GB-F", "Funder", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .grant("GB-F", "GB-V1", 0, "2024-01-01")
            .restriction(Restriction::Restricted);
        let f = &funding_practice(&ctx(&fx))[&org("GB-F")];
        // One grant of £0: its length is known (12 months) but no share can be.
        assert_eq!(f.median_months, Some(12.0));
        assert_eq!(f.short_term_share, None);
        assert_eq!(f.vcse_short_term_share, None);
        assert_eq!((f.unrestricted_share, f.unrestricted_basis), (None, None));
    }

    /// Three partnerships with one meeting each (M1, M2, M3) and the usual-suspects rows
    /// worked below.
    fn tables() -> Builder {
        let mut fx = Builder::all_files().named_org("GB-S1", "S1", Sector::Statutory);
        for v in 1..=7 {
            fx = fx.named_org(&format!("GB-V{v}"), &format!("V{v}"), Sector::Vcse);
        }
        let (a, ap) = (Status::Attended, Status::Apologies);
        fx.partnership("P1", "GB-S1", None)
            .meeting("M1", "2024-05-01", None, None)
            .row(1, Some("GB-V1"), a)
            .row(2, Some("GB-V2"), a)
            .row(3, Some("GB-V3"), a)
            .row(4, Some("GB-V4"), a)
            .row(99, None, a)
            .row(50, Some("GB-S1"), a)
            .partnership("P2", "GB-S1", None)
            .meeting("M2", "2024-05-02", None, None)
            .row(1, Some("GB-V1"), a)
            .row(2, Some("GB-V2"), a)
            .row(3, Some("GB-V3"), ap)
            .row(5, Some("GB-V5"), a)
            .row(99, None, a)
            .partnership("P3", "GB-S1", None)
            .meeting("M3", "2024-05-03", None, None)
            .row(1, Some("GB-V1"), a)
            .row(6, Some("GB-V6"), a)
            .grant("GB-F", "GB-V1", 1000, "2024-01-01")
            .grant("GB-F", "GB-V2", 500, "2024-01-01")
            .grant("GB-F", "GB-V6", 2000, "2024-01-01")
            .grant("GB-F", "GB-V7", 100, "2024-01-01")
            .grant("GB-F", "GB-S1", 5000, "2024-01-01")
    }

    #[test]
    fn usual_suspects_by_hand() {
        let fx = tables();
        let us = lenses(&fx).usual_suspects.expect("attendance given");
        // VCSE-side attended rows: V1 3, V2 2, V3 1 (its M2 apologies do not count), V4 1,
        // V5 1, V6 1, community member 2 → 11; S1 is statutory.
        assert_eq!(us.vcse_attended_rows, 11);
        assert_eq!(us.vcse_seat_orgs, 6);
        // Top five: V1 3, V2 2, then the 1-row tie goes to the smallest ids V3, V4, V5:
        // 3 + 2 + 1 + 1 + 1 = 8 of 11.
        let top: Vec<String> = us.top5.iter().map(ToString::to_string).collect();
        assert_eq!(top, ["GB-V1", "GB-V2", "GB-V3", "GB-V4", "GB-V5"]);
        assert_eq!(us.top5_attended_rows, 8);
        assert!(close(us.top5_seat_share, 8.0 / 11.0));
        // Only V1 sits at all three tables.
        assert_eq!(us.multi_table_orgs, [org("GB-V1")]);
        // Correlation over V1..V7 (V7 has money, no seats; S1 is statutory):
        //   seats  3, 2, 1, 1, 1, 1, 0 → ranks 7, 6, 3.5, 3.5, 3.5, 3.5, 1
        //   money  1000, 500, 0, 0, 0, 2000, 100 → ranks 6, 5, 2, 2, 2, 7, 4
        // Both mean 4. dx = 3, 2, −.5, −.5, −.5, −.5, −3; dy = 2, 1, −2, −2, −2, 3, 0.
        // Σdx·dy = 6 + 2 + 1 + 1 + 1 − 1.5 + 0 = 9.5; Σdx² = 23; Σdy² = 26;
        // ρ = 9.5 / √598 = 0.388477…
        assert_eq!(us.correlation_orgs, 7);
        assert!(
            close(us.seat_funding_rank_correlation, 9.5 / 598f64.sqrt()),
            "{:?}",
            us.seat_funding_rank_correlation
        );
        let v7 = us.organisations.iter().find(|o| o.id == org("GB-V7"));
        assert!(v7.is_some_and(|o| o.attended_rows == 0 && o.received == 100.0));
        // P3 has no community members: 0 unpaid hours, a positive zero (not "-0.0").
        let p3 = &lenses(&fx).burden[2];
        assert_eq!((p3.people, p3.unpaid_hours), (0, Some(0.0)));
        assert!(p3.unpaid_hours.is_some_and(f64::is_sign_positive));
    }

    #[test]
    fn lenses_need_their_files() {
        let mut fx = tables();
        fx.data.sources.attendance = None;
        fx.data.attendance.clear();
        let e = lenses(&fx);
        assert_eq!(e.usual_suspects, None);
        assert_eq!(e.covered_attendance, None);
        assert!(e.burden.is_empty());
        // Below five organisations the correlation is not computed.
        let fx = Builder::all_files()
            .named_org("GB-S1", "S1", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .partnership("P1", "GB-S1", None)
            .meeting("M1", "2024-05-01", None, None)
            .row(1, Some("GB-V1"), Status::Attended)
            .grant("GB-F", "GB-V1", 10, "2024-01-01");
        let us = lenses(&fx).usual_suspects.expect("attendance given");
        assert_eq!(us.correlation_orgs, 1);
        assert_eq!(us.seat_funding_rank_correlation, None);
        assert!(close(us.top5_seat_share, 1.0));
    }

    /// P1 with 20 monthly meetings; person 1 of V1 at every one. V1 holds a standing
    /// payment for 2024 (M01–M12) and an expenses payment naming M13 (which covers nothing).
    fn paid_year(community_rows: usize) -> Builder {
        let mut fx = Builder::all_files()
            .named_org("GB-S1", "S1", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .partnership("P1", "GB-S1", None);
        for i in 1..=20 {
            let date = if i <= 12 {
                format!("2024-{i:02}-15")
            } else {
                format!("2025-{:02}-15", i - 12)
            };
            let status = match i {
                1..=9 | 13..=16 => Status::Attended,
                10..=12 => Status::Apologies,
                _ => Status::Absent,
            };
            fx = fx
                .meeting(&format!("M{i:02}"), &date, None, None)
                .row(1, Some("GB-V1"), status)
                .row(50, Some("GB-S1"), Status::Attended);
            if (13..13 + community_rows).contains(&i) {
                fx = fx.row(2, None, Status::Attended);
            }
        }
        fx.pay_period(
            Payee::Org(org("GB-V1")),
            ("2024-01-01", "2024-12-31"),
            PaymentType::Honorarium,
        )
        .pay_meeting(Payee::Org(org("GB-V1")), "M13", PaymentType::Expenses)
    }

    #[test]
    fn covered_attendance_by_hand() {
        // Covered: M01–M12, 12 rows, 9 attended. Uncovered: M13–M20, 8 rows — fewer than
        // 10, so neither rate is given.
        let c = lenses(&paid_year(0))
            .covered_attendance
            .expect("attendance");
        assert_eq!(c.overall.covered_rows, Some(12));
        assert_eq!(c.overall.uncovered_rows, Some(8));
        assert_eq!(c.overall.covered_attendance_rate, None);
        assert_eq!(c.overall.uncovered_attendance_rate, None);
        // Two community rows (attended, unpaid) at M13, M14 make 10 uncovered: attended
        // 4 (M13–M16) + 2 = 6 → 0.6; covered 9 / 12 = 0.75. Statutory rows never count.
        let c = lenses(&paid_year(2))
            .covered_attendance
            .expect("attendance");
        assert_eq!(c.overall.uncovered_rows, Some(10));
        assert!(close(c.overall.covered_attendance_rate, 0.75));
        assert!(close(c.overall.uncovered_attendance_rate, 0.6));
        assert_eq!(c.by_partnership.len(), 1);
        assert_eq!(c.by_partnership[0].coverage, c.overall);
        // Without payments.csv nothing is known.
        let c = lenses(&paid_year(2).without_payments())
            .covered_attendance
            .expect("attendance");
        assert_eq!(c.overall, Coverage::default());
    }

    #[test]
    fn groups_by_hand() {
        let mut fx = Builder::all_files()
            .named_org("GB-S1", "S1", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .named_org("GB-V2", "V2", Sector::Vcse)
            .named_org("GB-V3", "V3", Sector::Vcse)
            .named_org("GB-V4", "V4", Sector::Vcse)
            .grant("GB-F", "GB-V1", 100, "2024-01-01")
            .grant("GB-F", "GB-V3", 300, "2024-01-01")
            .grant("GB-F", "GB-V4", 600, "2024-01-01")
            .grant("GB-F", "GB-S1", 9000, "2024-01-01")
            .partnership("P1", "GB-S1", None)
            .meeting("M1", "2024-05-01", None, None)
            .row(2, Some("GB-V2"), Status::Attended)
            .row(3, Some("GB-V3"), Status::Attended)
            .row(9, None, Status::Attended)
            .meeting("M2", "2024-06-01", None, None)
            .row(2, Some("GB-V2"), Status::Attended);
        let tag = |fx: &mut Builder, id: &str, tags: &[&str]| {
            if let Some(o) = fx.data.organisations.get_mut(&org(id)) {
                o.led_by = tags.iter().map(|t| (*t).to_owned()).collect();
            }
        };
        tag(&mut fx, "GB-V1", &["a"]);
        tag(&mut fx, "GB-V2", &["a", "b"]);
        tag(&mut fx, "GB-S1", &["c"]);
        let groups = lenses(&fx).groups;
        let tags: Vec<&str> = groups.iter().map(|g| g.tag.as_str()).collect();
        assert_eq!(tags, ["a", "b", "c"]);
        // "a": V1, V2 of 4 VCSE organisations → 0.5; money £100 of £1,000 → 0.1;
        // ratio 0.1 / 0.5 = 0.2. Seats: V2's 2 of 4 VCSE-side attended rows (V2 2, V3 1,
        // community member 1) → 0.5.
        let a = &groups[0];
        assert_eq!((a.organisations, a.vcse_organisations), (2, 4));
        assert!(close(a.org_share, 0.5) && close(a.funding_share, 0.1));
        assert!(close(a.representation_ratio, 0.2));
        assert_eq!((a.attended_rows, a.vcse_attended_rows), (2, 4));
        assert!(close(a.seat_share, 0.5));
        // "b": V2 only, unfunded → funding share 0, ratio 0 (not null).
        assert!(close(groups[1].representation_ratio, 0.0));
        // "c": only on a statutory body → no VCSE organisation carries it → null.
        assert_eq!(groups[2].organisations, 0);
        assert_eq!(groups[2].representation_ratio, None);
    }

    /// SPEC.md "VCSE organisations" = sectors vcse and unknown, in funding practice and in
    /// groups alike (issue 16): an unregistered group (unknown) counts, a person, a private
    /// company and a statutory body do not.
    #[test]
    fn vcse_organisations_are_vcse_and_unknown_in_every_lens() {
        let mut fx = Builder::all_files()
            .named_org("GB-F", "Funder", Sector::Statutory)
            .named_org("GB-V1", "V1", Sector::Vcse)
            .named_org("360G-U1", "U1", Sector::Unknown)
            .named_org("GB-P1", "P1", Sector::Private)
            .named_org("GB-S1", "S1", Sector::Statutory)
            // 12 months each (the default): £100 to V1, £300 to U1, £50 to a person,
            // £500 to P1, £1,000 to S1.
            .grant("GB-F", "GB-V1", 100, "2024-01-01")
            .grant("GB-F", "360G-U1", 300, "2024-01-01")
            .grant("GB-F", "person:1", 50, "2024-01-01")
            .grant("GB-F", "GB-P1", 500, "2024-01-01")
            .grant("GB-F", "GB-S1", 1000, "2024-01-01");
        // U1 grows to 36 months: £300 of £400 to VCSE organisations is long, £100 short.
        fx.data.grants[1].duration_months = Some(36.0);
        let f = &funding_practice(&ctx(&fx))[&org("GB-F")];
        // To VCSE organisations: V1 and U1, 2 grants, £400; short (≤ 12 months) £100 → 0.25.
        assert_eq!((f.vcse_grants, f.vcse_amount), (2, 400.0));
        assert!(close(f.vcse_short_term_share, 0.25));
        // U1 carries the tag: 1 of the 2 VCSE organisations (V1, U1; GB-F is statutory)
        // → org_share 0.5; £300 of the £400 they received → 0.75; ratio 0.75 ÷ 0.5 = 1.5.
        if let Some(o) = fx.data.organisations.get_mut(&org("360G-U1")) {
            o.led_by = vec!["a".to_owned()];
        }
        let groups = lenses(&fx).groups;
        let a = &groups[0];
        assert_eq!((a.organisations, a.vcse_organisations), (1, 2));
        assert!(close(a.org_share, 0.5) && close(a.funding_share, 0.75));
        assert!(close(a.representation_ratio, 1.5));
    }

    /// P1 with five meetings; person 1 (a community member) at all five, people 2..=n at
    /// the first, and `extra_absent` more people absent from the first. Two hours each.
    fn community(n: u32, extra_absent: u32) -> Builder {
        let mut fx = Builder::all_files()
            .named_org("GB-S1", "S1", Sector::Statutory)
            .partnership("P1", "GB-S1", None);
        for m in 1..=5 {
            fx = fx
                .meeting(&format!("M{m}"), &format!("2024-0{m}-10"), None, None)
                .row(1, None, Status::Attended);
            if m == 1 {
                for p in 2..=n {
                    fx = fx.row(p, None, Status::Attended);
                }
                for p in 0..extra_absent {
                    fx = fx.row(100 + p, None, Status::Absent);
                }
            }
        }
        fx
    }

    #[test]
    fn burden_by_hand() {
        // 10 people: person 1 gives 5 × 2 = 10 h, nine others 2 h each: 28 h unpaid.
        // Top 10% of 10 = 1 person: 10 / 28 = 0.357142…
        let b = &lenses(&community(10, 0)).burden[0];
        assert_eq!((b.people, b.unpaid_hours), (10, Some(28.0)));
        assert!(close(b.burden_top_decile_share, 10.0 / 28.0));
        // 11 people (one only absent): ⌈11 ÷ 10⌉ = 2 people: (10 + 2) / 28.
        let b = &lenses(&community(10, 1)).burden[0];
        assert_eq!(b.people, 11);
        assert!(close(b.burden_top_decile_share, 12.0 / 28.0));
        // 9 people: too few to say.
        let b = &lenses(&community(9, 0)).burden[0];
        assert_eq!((b.people, b.unpaid_hours), (9, Some(26.0)));
        assert_eq!(b.burden_top_decile_share, None);
        // Paying person 1 for every meeting leaves 18 h unpaid by the other nine: the top
        // 10% (one of them, 2 h) carry 2 / 18.
        let fx = community(10, 0).pay_period(
            person(1),
            ("2024-01-01", "2024-12-31"),
            PaymentType::Involvement,
        );
        let b = &lenses(&fx).burden[0];
        assert_eq!(b.unpaid_hours, Some(18.0));
        assert!(close(b.burden_top_decile_share, 2.0 / 18.0));
        // Without payments.csv nothing is known.
        let b = &lenses(&community(10, 0).without_payments()).burden[0];
        assert_eq!((b.unpaid_hours, b.burden_top_decile_share), (None, None));
    }

    proptest! {
        #[test]
        fn shares_are_shares(
            rows in proptest::collection::vec((1u32..30, 0u8..6, 0u8..3, any::<bool>()), 0..80),
            grants in proptest::collection::vec((0u8..6, 0i64..5000, 1u8..60), 0..30),
        ) {
            let mut fx = Builder::all_files().named_org("GB-S1", "S1", Sector::Statutory);
            for v in 0..6 {
                fx = fx.named_org(&format!("GB-V{v}"), "V", Sector::Vcse);
            }
            for p in 0..3u8 {
                fx = fx.partnership(&format!("P{p}"), "GB-S1", None)
                    .meeting(&format!("M{p}"), "2024-05-01", None, None);
                for &(person, org, _, attended) in rows.iter().filter(|r| r.2 == p) {
                    let status = if attended { Status::Attended } else { Status::Absent };
                    let org = (org < 5).then(|| format!("GB-V{org}"));
                    fx = fx.row(person, org.as_deref(), status);
                }
            }
            for &(v, pounds, months) in &grants {
                fx = fx
                    .grant("GB-F", &format!("GB-V{v}"), pounds, "2024-01-01")
                    .months(f64::from(months));
            }
            let e = lenses(&fx);
            let us = e.usual_suspects.expect("attendance");
            let unit = |x: Option<f64>| x.is_none_or(|x| (-1e-12..=1.0 + 1e-12).contains(&x));
            prop_assert!(unit(us.top5_seat_share));
            prop_assert!(us.top5.len() <= 5 && us.top5_attended_rows <= us.vcse_attended_rows);
            prop_assert!(us.seat_funding_rank_correlation.is_none_or(|r| (-1.0..=1.0).contains(&r)));
            for b in &e.burden {
                prop_assert!(unit(b.burden_top_decile_share));
            }
            for p in funding_practice(&ctx(&fx)).values() {
                prop_assert!(unit(p.long_term_share) && unit(p.short_term_share));
                if let (Some(l), Some(s)) = (p.long_term_share, p.short_term_share) {
                    prop_assert!(l + s <= 1.0 + 1e-9);
                }
            }
        }
    }
}
