//! Balance of power in a partnership, member by member (SPEC.md "Balance of power").
//!
//! Five axes, each a value on 0–1 and a band 0–5, shown side by side and **never averaged**:
//! partnering guidance on power imbalances warns that one composite score hides which kind
//! of power is unequal.
//!
//! For each member (organisations with any attendance row at the partnership's meetings in
//! the window, plus the fundholder; sorted by identifier):
//! - **funding_share** = the programme money it received ÷ the programme total. The fundholder
//!   "receives" what it keeps, max(0, received − passed on); any other member receives the
//!   programme grants the fundholder gave it in the window. Programme total = max(received,
//!   passed on) by the fundholder in the window.
//! - **authority** = meetings it hosted or chaired (a meeting counted once if both) ÷
//!   meetings in the window.
//! - **voice** = its attended rows ÷ all attended rows (community members' included): its
//!   seat share.
//! - **unpaid_share** = its unpaid attended hours ÷ its attended hours.
//! - **dependency_on_fundholder** = the annual value of the fundholder's grants to it that are
//!   active at as_of (awarded on or before as_of) ÷ its annual income when known (basis
//!   `income`), else ÷ the annual value of all its active grants (basis `recorded`; not for
//!   statutory members, below).
//!
//! band = round(value × 5), halves up, clamped to 0–5: 0.5 → 3 (2.5 rounds up), 0.29 → 1,
//! 1.0 → 5. A value within 1e-9 of a half rounds up, so that the binary representation of a
//! ratio such as 7/10 (3.4999…) never decides a band.
//!
//! Edge cases: no meetings → authority `None`; no attended rows → voice `None`; no attended
//! hours, or any of its rows with unknown payment (no payments.csv) → unpaid_share `None`; no
//! programme or a programme total of £0 → funding_share `None`; the fundholder itself, a
//! member with neither income nor active grants, or a statutory member whose income is not
//! known → dependency `None`.
//!
//! Reading: a statutory member's recorded grants are a sliver of its money (a council or an
//! NHS body is funded by taxation and allocations that never appear in a grants file), so
//! "the fundholder's share of its recorded grants" says nothing about how far it depends on
//! the fundholder: one recorded grant from the fundholder would read as 100% dependency.
//! For a statutory member the `recorded` basis is therefore not used; its dependency is
//! known only when organisations.csv gives its annual income (basis `income`).
//!
//! Reading: funding_share's programme total is the money the fundholder received under the
//! programme (SPEC.md "programme money"), so the fundholder's own share is its retained
//! share and the others' are what it passed to each of them; money passed to non-members
//! (and to individuals) is in the total but belongs to no member. When the fundholder passed
//! on more than it received in the window (money received before `--from`), the total is
//! what it passed on, so every share stays within 0–1.
//!
//! Reading: dependency_on_fundholder is 0, not `None`, for a member whose income is known,
//! or who has other active grants, but has no active grant from the fundholder: it is then
//! known not to depend on it. On the income basis the value can exceed 1 (the grants are
//! larger than the income recorded); the value is kept and the band is 5.
//!
//! Reading: unpaid_share is known for a statutory member without payments.csv when statutory
//! time counts as paid (every row resourced: 0), and `None` for other members.
//!
//! Direction: funding_share, authority and voice are **power** (more is more power);
//! unpaid_share and dependency_on_fundholder are **burdens** (more is less power). The chart
//! draws every axis so that a darker cell is more power: a burden is drawn as 1 − value
//! ("paid time", "independence from the fundholder"), clamped to 0–1, and banded like the
//! others. [`AXES`] lists the five axes with their direction and what is drawn, and
//! [`AxisSpec::power_band`] is the band the chart draws, so "every drawn band rises with
//! power" is a property of the data that tests check, not of the renderer.
//!
//! Complexity: O(s + m · (k + g_m)) for s seats, m members, k meetings and g_m active grants
//! per member, after the O(g) [`ActiveGrants`] index is built once for the dataset.
//!
//! Sources: SPEC.md "Balance of power"; the axes follow the partnering guidance on power
//! imbalances (funding, authority, voice, resourcing, dependency) cited in SPEC.md.

use super::dependency::DependencyBasis;
use super::keys::{FastMap, Party};
use super::participation::Seat;
use super::Context;
use crate::model::{Meeting, OrgId, Pence, Sector};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One axis of power: a value on 0–1 and its band 0–5.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct Axis {
    /// The value; `None` when it cannot be computed.
    pub(crate) value: Option<f64>,
    /// round(value × 5), halves up, clamped to 0–5.
    pub(crate) band: Option<u8>,
}

impl Axis {
    /// An axis from its value.
    pub(crate) fn new(value: Option<f64>) -> Axis {
        Axis {
            value,
            band: value.map(band),
        }
    }
}

/// round(value × 5) with halves up, clamped to 0–5 (non-finite values are 0).
pub(crate) fn band(value: f64) -> u8 {
    // The 1e-9 keeps a ratio whose binary form falls just short of a half (0.7 × 5 =
    // 3.4999…) in the band its decimal value belongs to.
    let b = (value * 5.0 + 0.5 + 1e-9).floor();
    if b.is_finite() {
        b.clamp(0.0, 5.0) as u8
    } else {
        0
    }
}

/// A member's position on each axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MemberBalance {
    /// Organisation identifier.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: String,
    /// Sector.
    pub(crate) sector: Sector,
    /// Programme money it received ÷ the programme total.
    pub(crate) funding_share: Axis,
    /// Meetings it hosted or chaired ÷ meetings.
    pub(crate) authority: Axis,
    /// Its attended rows ÷ all attended rows.
    pub(crate) voice: Axis,
    /// Its unpaid attended hours ÷ its attended hours.
    pub(crate) unpaid_share: Axis,
    /// The fundholder's active annual value to it ÷ its income (or all its active annual value).
    pub(crate) dependency_on_fundholder: Axis,
    /// What dependency_on_fundholder divides by.
    pub(crate) dependency_basis: Option<DependencyBasis>,
}

/// Whether more of an axis means more power or less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// More is more power (funding share, authority, voice).
    Power,
    /// More is less power (unpaid share, dependency on the fundholder): drawn as 1 − value.
    Burden,
}

/// One axis as the balance-of-power chart draws it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AxisSpec {
    /// What is drawn, in words: for a burden, its complement ("Paid time").
    pub(crate) drawn: &'static str,
    /// Power or burden.
    pub(crate) direction: Direction,
    /// The axis of a member.
    pub(crate) get: fn(&MemberBalance) -> Axis,
}

impl AxisSpec {
    /// The value drawn: the value for a power axis; 1 − value, clamped to 0–1, for a
    /// burden (a dependency above 1, grants larger than the income recorded, is drawn as 0
    /// independence).
    pub(crate) fn drawn_value(&self, m: &MemberBalance) -> Option<f64> {
        let v = (self.get)(m).value?;
        Some(match self.direction {
            Direction::Power => v,
            Direction::Burden => (1.0 - v).clamp(0.0, 1.0),
        })
    }

    /// The band drawn, 0–5, rising with power: [`band`] of [`AxisSpec::drawn_value`]. For a
    /// burden this is band(1 − value), not 5 − band(value) (they differ at halves: 0.1 →
    /// band(0.9) = 5 but 5 − band(0.1) = 4), so the band always matches the value shown.
    pub(crate) fn power_band(&self, m: &MemberBalance) -> Option<u8> {
        self.drawn_value(m).map(band)
    }
}

/// The five axes in the order the chart draws them: the three power axes, then the two
/// burdens drawn as their complements. Darker (a higher [`AxisSpec::power_band`]) is more
/// power on every one.
pub(crate) const AXES: [AxisSpec; 5] = [
    AxisSpec {
        drawn: "Funding share",
        direction: Direction::Power,
        get: |m| m.funding_share,
    },
    AxisSpec {
        drawn: "Authority",
        direction: Direction::Power,
        get: |m| m.authority,
    },
    AxisSpec {
        drawn: "Voice (seats)",
        direction: Direction::Power,
        get: |m| m.voice,
    },
    AxisSpec {
        drawn: "Paid time",
        direction: Direction::Burden,
        get: |m| m.unpaid_share,
    },
    AxisSpec {
        drawn: "Independence from the fundholder",
        direction: Direction::Burden,
        get: |m| m.dependency_on_fundholder,
    },
];

/// Programme money for one partnership in the window (SPEC.md "Partnership money").
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ProgrammeMoney {
    /// Programme grants to the fundholder.
    pub(crate) received: Pence,
    /// Programme grants from the fundholder (to organisations and individuals).
    pub(crate) passed_on: Pence,
    /// Programme grants from the fundholder, per recipient organisation.
    pub(crate) passed_to: BTreeMap<OrgId, Pence>,
}

impl ProgrammeMoney {
    /// 1 − passed on ÷ received, from whole pence (so 60/100 is exactly 0.6); `None` when
    /// nothing was received. Negative when more was passed on than received in the window.
    pub(crate) fn retained_share(&self) -> Option<f64> {
        (self.received.0 > 0)
            .then(|| (self.received.0 - self.passed_on.0) as f64 / self.received.0 as f64)
    }
}

/// Grants active at as_of (awarded on or before it), by recipient organisation. Built once
/// per dataset, O(g).
///
/// Each member keeps its active grants as (funder number, annual value) in grant order, with
/// its income and sector looked up once: [`ActiveGrants::dependency_on`] then compares
/// numbers, not identifier strings, and adds the same values in the same order as a pass
/// over the grants would.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActiveGrants<'d> {
    /// Each member given to [`ActiveGrants::new`]: its place in `members`.
    index: FastMap<&'d OrgId, usize>,
    members: Vec<MemberGrants>,
}

#[derive(Debug, Clone, Default)]
struct MemberGrants {
    /// Its number in the context's keys (`None`: no grant names it and it is not listed).
    number: Option<u32>,
    /// (funder number, annual value) of each active grant to it, in grant order.
    grants: Vec<(u32, f64)>,
    /// Its annual income when known and above 0.
    income: Option<Pence>,
    statutory: bool,
}

impl<'d> ActiveGrants<'d> {
    /// Indexes the active grants of `ctx` to `members` (only theirs: a partnership's
    /// members are a few of the dataset's recipients).
    pub(crate) fn new(
        ctx: &Context<'d>,
        members: impl IntoIterator<Item = &'d OrgId>,
    ) -> ActiveGrants<'d> {
        const NONE: usize = usize::MAX;
        let keys = &ctx.keys;
        let mut slot = vec![NONE; keys.orgs.len()];
        let mut index: FastMap<&'d OrgId, usize> = FastMap::default();
        let mut list: Vec<MemberGrants> = Vec::new();
        for m in members {
            let next = list.len();
            let at = *index.entry(m).or_insert(next);
            if at != next {
                continue;
            }
            let number = keys.number_of(m);
            if let Some(n) = number {
                slot[n as usize] = at;
            }
            list.push(MemberGrants {
                number,
                grants: Vec::new(),
                income: ctx
                    .data
                    .organisations
                    .get(m)
                    .and_then(|o| o.annual_income)
                    .filter(|p| p.0 > 0),
                statutory: ctx.data.sector_of(m) == Sector::Statutory,
            });
        }
        if list.iter().any(|m| m.number.is_some()) {
            for i in ctx.active_grants() {
                if let Party::Org(o) = keys.recipient[i] {
                    let at = slot[o as usize];
                    if at != NONE {
                        list[at]
                            .grants
                            .push((keys.funder[i], ctx.periods[i].annual_value));
                    }
                }
            }
        }
        ActiveGrants {
            index,
            members: list,
        }
    }

    /// The member's dependency on `funder` and its basis (`income` or `recorded`; a
    /// statutory member only on `income`). `ctx` is the context the index was built from.
    pub(crate) fn dependency_on(
        &self,
        ctx: &Context,
        member: &OrgId,
        funder: &OrgId,
    ) -> (Option<f64>, Option<DependencyBasis>) {
        let entry = self.index.get(member).map(|&at| &self.members[at]);
        let funder_number = match self.index.get(funder) {
            Some(&at) => self.members[at].number,
            None => ctx.keys.number_of(funder),
        };
        let grants = entry.map_or(&[][..], |m| &m.grants[..]);
        let mut from_funder = 0.0;
        let mut all = 0.0;
        for &(f, annual) in grants {
            all += annual;
            if Some(f) == funder_number {
                from_funder += annual;
            }
        }
        let (income, statutory) = match entry {
            Some(m) => (m.income, m.statutory),
            None => (
                ctx.data
                    .organisations
                    .get(member)
                    .and_then(|o| o.annual_income)
                    .filter(|p| p.0 > 0),
                ctx.data.sector_of(member) == Sector::Statutory,
            ),
        };
        match income {
            Some(inc) => (
                Some(from_funder / inc.pounds()),
                Some(DependencyBasis::Income),
            ),
            // A statutory body's recorded grants are not its income (module doc).
            None if all > 0.0 && !statutory => {
                (Some(from_funder / all), Some(DependencyBasis::Recorded))
            }
            None => (None, None),
        }
    }
}

/// What the balance of one partnership is computed from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BalanceInputs<'a, 'd> {
    /// The fundholder.
    pub(crate) fundholder: &'d OrgId,
    /// Members, sorted by identifier.
    pub(crate) members: &'a [&'d OrgId],
    /// Meetings in the window.
    pub(crate) meetings: &'a [&'d Meeting],
    /// Attendance rows at those meetings.
    pub(crate) seats: &'a [Seat<'d>],
    /// Programme money; `None` when the partnership names no programme.
    pub(crate) programme: Option<&'a ProgrammeMoney>,
}

#[derive(Default)]
struct MemberSeats {
    attended: usize,
    hours: f64,
    unpaid_hours: Option<f64>,
}

/// The balance of power for every member, sorted by identifier.
pub(crate) fn member_balance(
    ctx: &Context,
    active: &ActiveGrants,
    input: &BalanceInputs,
) -> Vec<MemberBalance> {
    let all_attended = input.seats.iter().filter(|s| s.attended()).count();
    let mut by_org: HashMap<&OrgId, MemberSeats> = HashMap::new();
    for seat in input.seats.iter().filter(|s| s.attended()) {
        let Some(org) = &seat.row.org else { continue };
        let acc = by_org.entry(org).or_insert_with(|| MemberSeats {
            unpaid_hours: Some(0.0),
            ..MemberSeats::default()
        });
        let hours = seat.hours();
        acc.attended += 1;
        acc.hours += hours;
        acc.unpaid_hours = match (acc.unpaid_hours, seat.resourced) {
            (Some(u), Some(true)) => Some(u),
            (Some(u), Some(false)) => Some(u + hours),
            _ => None,
        };
    }
    let programme_total = input
        .programme
        .map(|m| m.received.max(m.passed_on))
        .filter(|t| t.0 > 0);
    input
        .members
        .iter()
        .map(|&member| {
            let is_fundholder = member == input.fundholder;
            let funding = match (input.programme, programme_total) {
                (Some(m), Some(total)) => {
                    let got = if is_fundholder {
                        (m.received.0 - m.passed_on.0).max(0)
                    } else {
                        m.passed_to.get(member).map_or(0, |p| p.0)
                    };
                    Some(got as f64 / total.0 as f64)
                }
                _ => None,
            };
            let led = input
                .meetings
                .iter()
                .filter(|m| m.host.as_ref() == Some(member) || m.chair.as_ref() == Some(member))
                .count();
            let authority =
                (!input.meetings.is_empty()).then(|| led as f64 / input.meetings.len() as f64);
            let seats = by_org.get(member);
            let attended = seats.map_or(0, |s| s.attended);
            let voice = (all_attended > 0).then(|| attended as f64 / all_attended as f64);
            let unpaid = seats
                .filter(|s| s.hours > 0.0)
                .and_then(|s| s.unpaid_hours.map(|u| u / s.hours));
            let (dependency, basis) = if is_fundholder {
                (None, None)
            } else {
                active.dependency_on(ctx, member, input.fundholder)
            };
            MemberBalance {
                id: member.to_string(),
                name: ctx.data.name_of(member),
                sector: ctx.data.sector_of(member),
                funding_share: Axis::new(funding),
                authority: Axis::new(authority),
                voice: Axis::new(voice),
                unpaid_share: Axis::new(unpaid),
                dependency_on_fundholder: Axis::new(dependency),
                dependency_basis: basis,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::band;
    use crate::measures::testkit::{org, person, Builder};
    use crate::model::{PaymentType, Sector, Status};

    use crate::measures::testkit::{CHARITY_ONE as V1, COUNCIL as F};
    const V2: &str = "GB-CHC-2";

    #[test]
    fn bands_round_halves_up() {
        // round(0.5 × 5) = round(2.5) = 3; 0.29 × 5 = 1.45 → 1; 1.0 → 5.
        assert_eq!(band(0.5), 3);
        assert_eq!(band(0.29), 1);
        assert_eq!(band(1.0), 5);
        assert_eq!(band(0.0), 0);
        // 0.1 × 5 = 0.5 → 1; 0.3 × 5 = 1.5 → 2; 0.7 × 5 = 3.5 → 4 (3.4999… in binary).
        assert_eq!(band(0.1), 1);
        assert_eq!(band(0.3), 2);
        assert_eq!(band(0.7), 4);
        assert_eq!(band(0.69), 3);
        // Clamped: a dependency above 1 is band 5; nonsense is 0.
        assert_eq!(band(1.8), 5);
        assert_eq!(band(-0.2), 0);
        assert_eq!(band(f64::NAN), 0);
    }

    /// Fundholder F and charities V1, V2 at four two-hour meetings, with programme money,
    /// payments and grants.
    fn partnership() -> Builder {
        use Status::*;
        Builder::council_and_charity()
            .named_org(V2, "Charity Two", Sector::Vcse)
            .income(V1, 10_000)
            .partnership("P1", F, Some("Fund"))
            .meeting("M1", "2024-01-10", Some(F), Some(F))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Attended)
            .row(4, None, Attended)
            .meeting("M2", "2024-02-10", Some(F), Some(F))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Absent)
            .meeting("M3", "2024-03-10", Some(V1), Some(F))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(4, None, Attended)
            .meeting("M4", "2024-04-10", Some(V1), Some(V1))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Absent)
            .pay_meeting(person(2), "M1", PaymentType::Involvement)
            // Programme: £1,000 in; £400 to V1, £100 to V2.
            .grant("GB-FUNDER", F, 1_000, "2024-03-01")
            .programme("Fund")
            .grant(F, V1, 400, "2024-03-01")
            .programme("Fund")
            .grant(F, V2, 100, "2024-03-01")
            .programme("Fund")
            // Other grants, 2024-03-01..2025-02-28: 365 days, so one year; active at as_of
            // (the last meeting, 2024-04-10).
            .grant(F, V1, 4_600, "2024-03-01")
            .grant(F, V2, 2_800, "2024-03-01")
            .grant("GB-FUNDER", V2, 7_100, "2024-03-01")
    }

    #[test]
    fn each_axis_by_hand() {
        let f = partnership().one();
        let [v1, v2, fh] = &f.balance[..] else {
            panic!("three members")
        };
        assert_eq!(
            (v1.id.as_str(), v2.id.as_str(), fh.id.as_str()),
            (V1, V2, F)
        );

        // (value, band) of each axis that is exact, member by member.
        let cases = [
            // Funding: total £1,000 received. F keeps 1000 − 500 = 500 → 0.5 (band 3);
            // V1 400 → 0.4 (band 2); V2 100 → 0.1 (0.5 rounds up: band 1).
            ("F funding", &fh.funding_share, (Some(0.5), Some(3))),
            ("V1 funding", &v1.funding_share, (Some(0.4), Some(2))),
            ("V2 funding", &v2.funding_share, (Some(0.1), Some(1))),
            // Authority over 4 meetings: F hosts M1, M2 and chairs M1–M3 → 3 meetings, 0.75
            // (3.75 → band 4); V1 hosts M3, M4 and chairs M4 → 2 meetings, 0.5 (band 3); V2
            // none.
            ("F authority", &fh.authority, (Some(0.75), Some(4))),
            ("V1 authority", &v1.authority, (Some(0.5), Some(3))),
            ("V2 authority", &v2.authority, (Some(0.0), Some(0))),
            // Voice: attended rows F 4, V1 3, V2 1, community member 2 = 10 →
            // 0.4 (band 2), 0.3 (1.5 → band 2), 0.1 (band 1).
            ("F voice", &fh.voice, (Some(0.4), Some(2))),
            ("V1 voice", &v1.voice, (Some(0.3), Some(2))),
            ("V2 voice", &v2.voice, (Some(0.1), Some(1))),
        ];
        for (what, axis, want) in cases {
            assert_eq!((axis.value, axis.band), want, "{what}");
        }

        // Unpaid: F statutory, salaried → 0. V1 attended M1 (paid), M2, M3 (unpaid):
        // 4 of 6 h = 0.667 (3.33 → band 3). V2 attended M1 unpaid: 1.0 (band 5).
        assert_eq!(
            (fh.unpaid_share.value, fh.unpaid_share.band),
            (Some(0.0), Some(0))
        );
        assert_eq!(v1.unpaid_share.band, Some(3));
        assert!((v1.unpaid_share.value.expect("known") - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(
            (v2.unpaid_share.value, v2.unpaid_share.band),
            (Some(1.0), Some(5))
        );

        // Dependency: V1 gets 400 + 4,600 = £5,000 a year from F, income £10,000 → 0.5
        // (band 3, basis income). V2 has no income: F's 100 + 2,800 = 2,900 of 10,000 active
        // → 0.29 (1.45 → band 1, basis recorded). The fundholder: none.
        assert_eq!(v1.dependency_on_fundholder.value, Some(0.5));
        assert_eq!(v1.dependency_on_fundholder.band, Some(3));
        assert_eq!(v1.dependency_basis, Some(super::DependencyBasis::Income));
        assert!((v2.dependency_on_fundholder.value.expect("known") - 0.29).abs() < 1e-12);
        assert_eq!(v2.dependency_on_fundholder.band, Some(1));
        assert_eq!(v2.dependency_basis, Some(super::DependencyBasis::Recorded));
        assert_eq!(fh.dependency_on_fundholder, super::Axis::default());
        assert_eq!(fh.dependency_basis, None);
    }

    #[test]
    fn drawn_bands_rise_with_power_by_hand() {
        use super::{Direction, AXES};
        let f = partnership().one();
        let [v1, v2, fh] = &f.balance[..] else {
            panic!("three members")
        };
        let drawn = |m: &super::MemberBalance| -> Vec<Option<u8>> {
            AXES.iter().map(|a| a.power_band(m)).collect()
        };
        // Power axes as computed (each_axis_by_hand); burdens drawn as 1 − value:
        // paid time: F 1 − 0 = 1 → 5; V1 1 − 4/6 = 1/3 → 1.67 → 2; V2 1 − 1 = 0 → 0.
        // Independence: F n/a (the fundholder); V1 1 − 0.5 = 0.5 → 2.5 → 3;
        // V2 1 − 0.29 = 0.71 → 3.55 → 4.
        assert_eq!(drawn(fh), [Some(3), Some(4), Some(2), Some(5), None]);
        assert_eq!(drawn(v1), [Some(2), Some(3), Some(2), Some(2), Some(3)]);
        assert_eq!(drawn(v2), [Some(1), Some(0), Some(1), Some(0), Some(4)]);
        // Three power axes, then two burdens (the chart's CSV reads AXES[3] and AXES[4]):
        // each reads the findings.json field of that name, on every member.
        let keys = [
            "funding_share",
            "authority",
            "voice",
            "unpaid_share",
            "dependency_on_fundholder",
        ];
        for m in &f.balance {
            let json = serde_json::to_value(m).expect("a member serialises");
            for (a, key) in AXES.iter().zip(keys) {
                let axis = serde_json::to_value((a.get)(m)).expect("an axis serialises");
                assert_eq!(json[key], axis, "{key} of {}", m.id);
            }
        }
        let dirs: Vec<Direction> = AXES.iter().map(|a| a.direction).collect();
        assert_eq!(
            dirs,
            [
                Direction::Power,
                Direction::Power,
                Direction::Power,
                Direction::Burden,
                Direction::Burden
            ]
        );
        // Every axis, every pair of members: more power → a band at least as high.
        for a in &AXES {
            for x in &f.balance {
                for y in &f.balance {
                    let (Some(vx), Some(vy)) = ((a.get)(x).value, (a.get)(y).value) else {
                        continue;
                    };
                    let more_power = match a.direction {
                        Direction::Power => vx >= vy,
                        Direction::Burden => vx <= vy,
                    };
                    if more_power {
                        assert!(
                            a.power_band(x) >= a.power_band(y),
                            "{} {} {}",
                            a.drawn,
                            x.id,
                            y.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_statutory_members_dependency_needs_its_income() {
        // S, a statutory member, attends once and has one active grant, £300 from F: on
        // the recorded basis it would depend on F 300 ÷ 300 = 100%. Not used: None.
        const S: &str = "GB-NHS-S";
        let base = || {
            Builder::all_files()
                .named_org(F, "Fundholder Council", Sector::Statutory)
                .named_org(S, "Health Body", Sector::Statutory)
                .partnership("P1", F, None)
                .meeting("M1", "2024-04-10", Some(F), Some(F))
                .row(1, Some(F), Status::Attended)
                .row(2, Some(S), Status::Attended)
                // 2024-03-01..2025-02-28: 365 days, one year, so £300 a year.
                .grant(F, S, 300, "2024-03-01")
        };
        let f = base().one();
        let s = f.balance.iter().find(|b| b.id == S).expect("S is a member");
        assert_eq!(s.dependency_on_fundholder, super::Axis::default());
        assert_eq!(s.dependency_basis, None);
        // With its income known, £1,200 a year: 300 ÷ 1,200 = 0.25 (1.25 → band 1).
        let g = base().income(S, 1_200).one();
        let s = g.balance.iter().find(|b| b.id == S).expect("S is a member");
        assert_eq!(s.dependency_on_fundholder.value, Some(0.25));
        assert_eq!(s.dependency_on_fundholder.band, Some(1));
        assert_eq!(s.dependency_basis, Some(super::DependencyBasis::Income));
    }

    #[test]
    fn unknowns_stay_unknown() {
        // Without payments.csv only the statutory fundholder's unpaid share is known (0).
        let f = partnership().without_payments().one();
        let unpaid: Vec<Option<f64>> = f.balance.iter().map(|b| b.unpaid_share.value).collect();
        assert_eq!(unpaid, [None, None, Some(0.0)]);

        // No programme: no funding share for anyone. No meetings in the window: no
        // authority, no voice.
        let g = Builder::all_files()
            .named_org(F, "Fundholder Council", Sector::Statutory)
            .partnership("P1", F, None)
            .one();
        let [fh] = &g.balance[..] else {
            panic!("the fundholder alone")
        };
        assert_eq!(fh.funding_share.value, None);
        assert_eq!(fh.authority.value, None);
        assert_eq!(fh.voice.value, None);
        assert_eq!(fh.unpaid_share.value, None);
        assert_eq!(fh.id, org(F).to_string());
    }

    #[test]
    fn passing_on_more_than_received_keeps_shares_within_one() {
        // Received £1,000 in the window, passed on £1,250 (to V1): total = £1,250, so V1
        // holds 1.0 and the fundholder kept nothing; retained_share is reported as −0.25.
        let f = Builder::council_and_charity()
            .partnership("P1", F, Some("Fund"))
            .meeting("M1", "2024-01-10", Some(F), None)
            .row(2, Some(V1), Status::Attended)
            .grant("GB-FUNDER", F, 1_000, "2024-03-01")
            .programme("Fund")
            .grant(F, V1, 1_250, "2024-03-01")
            .programme("Fund")
            .one();
        assert_eq!(f.retained_share, Some(-0.25));
        let shares: Vec<Option<f64>> = f.balance.iter().map(|b| b.funding_share.value).collect();
        assert_eq!(shares, [Some(1.0), Some(0.0)]);
    }

    fn member(v: f64) -> super::MemberBalance {
        let a = super::Axis::new(Some(v));
        super::MemberBalance {
            id: String::new(),
            name: String::new(),
            sector: Sector::Vcse,
            funding_share: a,
            authority: a,
            voice: a,
            unpaid_share: a,
            dependency_on_fundholder: a,
            dependency_basis: None,
        }
    }

    proptest::proptest! {
        /// Every axis's drawn band rises with power: for two values a ≤ b (dependency can
        /// exceed 1), a power axis draws b at least as dark, a burden draws a at least as
        /// dark; every drawn band is 0–5.
        #[test]
        fn every_drawn_band_rises_with_power(a in 0.0f64..2.0, b in 0.0f64..2.0) {
            use super::{Direction, AXES};
            let (lo, hi) = (a.min(b), a.max(b));
            let (ml, mh) = (member(lo), member(hi));
            for axis in &AXES {
                let (bl, bh) = (axis.power_band(&ml), axis.power_band(&mh));
                proptest::prop_assert!(bl.is_some_and(|x| x <= 5) && bh.is_some_and(|x| x <= 5));
                match axis.direction {
                    Direction::Power => proptest::prop_assert!(bh >= bl, "{}", axis.drawn),
                    Direction::Burden => proptest::prop_assert!(bl >= bh, "{}", axis.drawn),
                }
            }
        }
    }

    /// The old pass (every active grant to the member, funders compared as identifiers;
    /// none for a member the index was not given), against which the numbered index is
    /// checked.
    fn dependency_by_strings(
        ctx: &crate::measures::Context,
        member: &crate::model::OrgId,
        funder: &crate::model::OrgId,
        indexed: bool,
    ) -> (Option<f64>, Option<super::DependencyBasis>) {
        let (mut from_funder, mut all) = (0.0, 0.0);
        for i in ctx.active_grants().filter(|_| indexed) {
            if let crate::model::Recipient::Org(r) = &ctx.data.grants[i].recipient {
                if r == member {
                    let annual = ctx.periods[i].annual_value;
                    all += annual;
                    if &ctx.data.grants[i].funder == funder {
                        from_funder += annual;
                    }
                }
            }
        }
        let income = ctx
            .data
            .organisations
            .get(member)
            .and_then(|o| o.annual_income)
            .filter(|p| p.0 > 0);
        let statutory = ctx.data.sector_of(member) == Sector::Statutory;
        match income {
            Some(inc) => (
                Some(from_funder / inc.pounds()),
                Some(super::DependencyBasis::Income),
            ),
            None if all > 0.0 && !statutory => (
                Some(from_funder / all),
                Some(super::DependencyBasis::Recorded),
            ),
            None => (None, None),
        }
    }

    /// Every organisation of the example against every funder, half of them indexed (the
    /// rest take the unindexed path): the same figures, to the bit, as the old pass.
    #[test]
    fn numbered_index_equals_the_pass_over_identifiers() {
        use crate::load::{load, DatasetSource, LoadOptions};
        let data = load(&DatasetSource::Example, &LoadOptions::default()).expect("example");
        let ctx = crate::measures::Context::new(&data, None, Default::default());
        let orgs: Vec<&crate::model::OrgId> = ctx.keys.orgs.iter().collect();
        let indexed = orgs.iter().step_by(2).copied();
        let active = super::ActiveGrants::new(&ctx, indexed);
        let funders: std::collections::BTreeSet<&crate::model::OrgId> =
            data.grants.iter().map(|g| &g.funder).collect();
        let mut recorded = 0;
        for (k, m) in orgs.iter().enumerate() {
            for f in &funders {
                let new = active.dependency_on(&ctx, m, f);
                let old = dependency_by_strings(&ctx, m, f, k % 2 == 0);
                assert_eq!(
                    (new.0.map(f64::to_bits), new.1),
                    (old.0.map(f64::to_bits), old.1),
                    "{m} on {f}"
                );
                recorded += usize::from(new.1 == Some(super::DependencyBasis::Recorded));
            }
        }
        assert!(
            recorded > 10,
            "the example exercises the recorded basis: {recorded}"
        );
    }
}
