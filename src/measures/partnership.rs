//! Partnership figures: programme money and retention, members and fair share, fundholder
//! defaulting, participation resourcing and the balance of power (SPEC.md "Partnership
//! money", "Members", "Fundholder defaulting", "Participation resourcing", "Balance of
//! power"), one [`PartnershipFigures`] per partnership, sorted by id.
//!
//! Scope: the partnership's meetings whose date is in the window; attendance rows follow
//! their meeting; payments count only as cover for those rows (whenever they were made).
//!
//! - **Programme money** (grants awarded in the window whose `Grant Programme:Title` is the
//!   partnership's `Programme`): programme_received = Σ grants to the fundholder;
//!   programme_passed_on = Σ grants from the fundholder (to organisations or individuals);
//!   retained_share = 1 − passed_on ÷ received, from whole pence. All three `None` when the
//!   partnership names no programme; retained_share `None` when nothing was received.
//! - **Members** = organisations with any attendance row (any status) at its meetings, plus
//!   the fundholder; community members (no organisation) are people, not members.
//!   fair_share = 1 ÷ members.
//! - **Defaulting**: host_share = meetings hosted by the fundholder ÷ meetings with a host;
//!   chair_share likewise over meetings with a chair; decision_host_share = the same over
//!   decision meetings (Decision = yes) with a host; seat_share = attended rows from the
//!   fundholder's people ÷ all attended rows. Each `None` when its denominator is 0.
//! - Participation figures: see [`super::participation`]; balance: see [`super::balance`].
//!
//! Reading: the programme title matches after trimming, case-insensitively (Unicode lower
//! case), and with runs of spaces treated as one: publishers retype titles ("Healthy
//! Northbridge programme") and a capital letter should not move money in or out of a
//! programme. An empty `Programme` is no programme.
//!
//! Reading: without attendance.csv the membership is unknown, so fair_share is `None`
//! (members counts only the fundholder); with attendance.csv but no rows in the window, the
//! fundholder is the one known member and fair_share is 1.
//!
//! Reading: retained_share is reported as computed: negative when the fundholder passed on
//! more programme money in the window than it received in it (money received before
//! `--from`). The excess is itself a finding; clamping it to 0 would hide it.
//!
//! Complexity: O(g + m + a + p) to index grants, meetings, attendance rows and payments once,
//! then O(rows) per partnership (see the participation and balance modules for the per-row
//! and per-member costs).
//!
//! Sources: SPEC.md "Definitions"; the patterns (partners defaulting to the fundholder as
//! host, chair and decision-maker; fundholders retaining programme money) are from the
//! King's Fund and IVAR work on statutory–VCSE partnerships cited in SPEC.md.

pub(crate) use super::balance::MemberBalance;
use super::balance::{member_balance, ActiveGrants, BalanceInputs, ProgrammeMoney};
use super::keys::{programme_key, FastMap};
use super::participation::{attendance_by_quarter, participation, Seat};
pub(crate) use super::participation::{QuarterAttendance, SideCounts, SideRates};
use super::Context;
use crate::config::Parameters;
use crate::model::{Grant, Meeting, OrgId, Partnership, Recipient, Status};
use serde::Serialize;
use std::collections::BTreeSet;

/// Every figure for one partnership (the `partnerships` items of findings.json).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PartnershipFigures {
    /// `Partnership ID`.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: String,
    /// The fundholder's organisation identifier.
    pub(crate) fundholder: String,
    /// The fundholder's name.
    pub(crate) fundholder_name: String,
    /// Meetings in the window.
    pub(crate) meetings: usize,
    /// Organisations with any attendance row, plus the fundholder.
    pub(crate) members: usize,
    /// 1 ÷ members (`None` without attendance.csv).
    pub(crate) fair_share: Option<f64>,
    /// Meetings hosted by the fundholder ÷ meetings with a host.
    pub(crate) host_share: Option<f64>,
    /// Meetings with a host recorded.
    pub(crate) meetings_with_host: usize,
    /// Meetings hosted by the fundholder.
    pub(crate) hosted_by_fundholder: usize,
    /// Meetings chaired by the fundholder ÷ meetings with a chair.
    pub(crate) chair_share: Option<f64>,
    /// Meetings with a chair recorded.
    pub(crate) meetings_with_chair: usize,
    /// Meetings chaired by the fundholder.
    pub(crate) chaired_by_fundholder: usize,
    /// Decision meetings hosted by the fundholder ÷ decision meetings with a host.
    pub(crate) decision_host_share: Option<f64>,
    /// Attended rows from the fundholder ÷ all attended rows.
    pub(crate) seat_share: Option<f64>,
    /// Programme grants to the fundholder in the window, pounds.
    pub(crate) programme_received: Option<f64>,
    /// Programme grants from the fundholder in the window, pounds.
    pub(crate) programme_passed_on: Option<f64>,
    /// 1 − passed on ÷ received.
    pub(crate) retained_share: Option<f64>,
    /// Hours of attended VCSE-side rows.
    pub(crate) vcse_hours: f64,
    /// Of those, hours not resourced (`None` without payments.csv).
    pub(crate) vcse_unpaid_hours: Option<f64>,
    /// vcse_unpaid_hours ÷ vcse_hours.
    pub(crate) vcse_unpaid_share: Option<f64>,
    /// vcse_unpaid_hours × hourly rate, pounds.
    pub(crate) unpaid_value: Option<f64>,
    /// Attended ÷ all rows, per side.
    pub(crate) attendance_rate: SideRates,
    /// Rows of any status, per side.
    pub(crate) attendance_rows: SideCounts,
    /// Share of attended rows at meetings starting before 09:00 or from 17:00, per side.
    pub(crate) out_of_hours_share: SideRates,
    /// Attendance rate per side, per UK financial-year quarter with meetings.
    pub(crate) attendance_by_quarter: Vec<QuarterAttendance>,
    /// Balance of power, per member, sorted by identifier.
    pub(crate) balance: Vec<MemberBalance>,
    /// The counts of attendance rows behind the shares and rates above, for disclosure
    /// control (`--public`); never written.
    #[serde(skip)]
    pub(crate) counts: RateCounts,
}

/// The counts of attendance rows behind a partnership's seat share, attendance rates,
/// out-of-hours shares and members' voice: what `--public` decides on (SPEC.md "Output").
/// Kept beside the figures, not written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RateCounts {
    /// Attended rows, every attendee (seat_share's and each member's voice's denominator).
    pub(crate) attended_rows: usize,
    /// The fundholder's attended rows (seat_share's numerator).
    pub(crate) fundholder_attended_rows: usize,
    /// Rows of any status, per side (attendance_rate's denominators).
    pub(crate) rows: SideCounts,
    /// Attended rows, per side (attendance_rate's numerators).
    pub(crate) attended_by_side: SideCounts,
    /// Attended rows at meetings with a start time, per side (out_of_hours_share's
    /// denominators).
    pub(crate) timed_rows: SideCounts,
    /// Of those, out of hours (out_of_hours_share's numerators).
    pub(crate) out_of_hours_rows: SideCounts,
}

/// Programme money for `partnership` from the window's grants carrying its title.
fn programme_money(fundholder: &OrgId, grants: &[&Grant]) -> ProgrammeMoney {
    let mut money = ProgrammeMoney::default();
    for g in grants {
        if matches!(&g.recipient, Recipient::Org(o) if o == fundholder) {
            money.received += g.amount;
        }
        if &g.funder == fundholder {
            money.passed_on += g.amount;
            if let Recipient::Org(o) = &g.recipient {
                *money.passed_to.entry(o.clone()).or_default() += g.amount;
            }
        }
    }
    money
}

/// `part ÷ whole` for counts; `None` when `whole` is 0.
fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Lookups built once per call and shared by every partnership (the per-row ones are the
/// context's: [`super::keys`]).
struct Indexes<'d> {
    /// Per partnership id: its meetings in the window, in file order, with their indices.
    meetings: FastMap<&'d str, Vec<(usize, &'d Meeting)>>,
    /// Per programme number: the window's grants with that title.
    programme_grants: FastMap<u32, Vec<&'d Grant>>,
    /// `members[p]`: the members of `data.partnerships[p]`, sorted (SPEC.md "Members":
    /// organisations with any attendance row at its meetings in the window, plus the
    /// fundholder).
    members: Vec<Vec<&'d OrgId>>,
    /// Active grants to any partnership's member.
    active: ActiveGrants<'d>,
}

impl<'d> Indexes<'d> {
    fn new(ctx: &Context<'d>, detail: Detail) -> Indexes<'d> {
        let data = ctx.data;
        let mut meetings: FastMap<&str, Vec<(usize, &Meeting)>> = FastMap::default();
        for (i, m) in data.meetings.iter().enumerate() {
            if ctx.window.contains(m.date) {
                meetings
                    .entry(m.partnership.as_str())
                    .or_default()
                    .push((i, m));
            }
        }
        // Only the programmes some partnership names (none when the money is not wanted).
        let wanted: Vec<u32> = data
            .partnerships
            .iter()
            .filter(|_| detail == Detail::Full)
            .filter_map(|p| {
                ctx.keys
                    .programmes
                    .get(&programme_key(p.programme.as_deref()?))
            })
            .copied()
            .collect();
        let mut programme_grants: FastMap<u32, Vec<&Grant>> = FastMap::default();
        if !wanted.is_empty() {
            for i in ctx.grants_in_window() {
                if let Some(p) = ctx.keys.programme[i].filter(|p| wanted.contains(p)) {
                    programme_grants.entry(p).or_default().push(&data.grants[i]);
                }
            }
        }
        let members: Vec<Vec<&OrgId>> = data
            .partnerships
            .iter()
            .map(|p| {
                let rows = meetings
                    .get(p.id.as_str())
                    .into_iter()
                    .flatten()
                    .flat_map(|(m, _)| ctx.attendance.rows_of(*m));
                rows.filter_map(|&r| data.attendance[r as usize].org.as_ref())
                    .chain(std::iter::once(&p.fundholder))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            })
            .collect();
        let active = match detail {
            Detail::Full => ActiveGrants::new(ctx, members.iter().flatten().copied()),
            Detail::Meetings => ActiveGrants::new(ctx, std::iter::empty()),
        };
        Indexes {
            meetings,
            programme_grants,
            members,
            active,
        }
    }
}

/// How much of each partnership's figures to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Every figure (the window's findings).
    Full,
    /// The meeting and attendance figures only (hosting, chairing, seats, participation and
    /// their counts): no programme money, no balance of power and no attendance by quarter,
    /// which are left empty. For the trends, which compute partnerships once per financial
    /// year and state only these.
    Meetings,
}

/// The figures for every partnership, sorted by id.
pub(crate) fn partnership_figures(ctx: &Context, params: &Parameters) -> Vec<PartnershipFigures> {
    partnership_figures_with(ctx, params, Detail::Full)
}

/// [`partnership_figures`] computed to `detail`: the figures it computes are the same as
/// [`Detail::Full`]'s.
pub(crate) fn partnership_figures_with(
    ctx: &Context,
    params: &Parameters,
    detail: Detail,
) -> Vec<PartnershipFigures> {
    let index = Indexes::new(ctx, detail);
    let mut out: Vec<PartnershipFigures> = ctx
        .data
        .partnerships
        .iter()
        .zip(&index.members)
        .map(|(p, members)| figures_of(ctx, params, &index, p, members, detail))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn figures_of<'d>(
    ctx: &Context<'d>,
    params: &Parameters,
    index: &Indexes<'d>,
    p: &'d Partnership,
    members: &[&'d OrgId],
    detail: Detail,
) -> PartnershipFigures {
    let data = ctx.data;
    let fh = &p.fundholder;
    let numbered: &[(usize, &Meeting)] = index
        .meetings
        .get(p.id.as_str())
        .map_or(&[], |v| v.as_slice());
    let meetings: Vec<&Meeting> = numbered.iter().map(|(_, m)| *m).collect();
    let meetings = &meetings[..];
    let seats: Vec<Seat> = numbered
        .iter()
        .flat_map(|&(i, m)| {
            ctx.attendance.rows_of(i).iter().map(move |&r| {
                let r = r as usize;
                Seat::with_sector(
                    ctx.attendance.sector[r],
                    &ctx.payments,
                    params,
                    m,
                    &data.attendance[r],
                )
            })
        })
        .collect();

    let fair_share = data
        .sources
        .attendance
        .is_some()
        .then(|| 1.0 / members.len() as f64);

    let hosted: Vec<&&Meeting> = meetings.iter().filter(|m| m.host.is_some()).collect();
    let hosted_by_fundholder = hosted
        .iter()
        .filter(|m| m.host.as_ref() == Some(fh))
        .count();
    let chaired = meetings.iter().filter(|m| m.chair.is_some()).count();
    let chaired_by_fundholder = meetings
        .iter()
        .filter(|m| m.chair.as_ref() == Some(fh))
        .count();
    let decisions: Vec<&&&Meeting> = hosted.iter().filter(|m| m.decision == Some(true)).collect();
    let decisions_by_fundholder = decisions
        .iter()
        .filter(|m| m.host.as_ref() == Some(fh))
        .count();
    let attended = seats.iter().filter(|s| s.row.status == Status::Attended);
    let (all_seats, fundholder_seats) = attended.fold((0, 0), |(all, own), s| {
        (all + 1, own + usize::from(s.row.org.as_ref() == Some(fh)))
    });

    let full = detail == Detail::Full;
    let programme = p
        .programme
        .as_deref()
        .filter(|_| full)
        .map(programme_key)
        .filter(|k| !k.is_empty())
        .map(|k| {
            let grants = ctx
                .keys
                .programmes
                .get(&k)
                .and_then(|n| index.programme_grants.get(n))
                .map_or(&[][..], |v| &v[..]);
            programme_money(fh, grants)
        });

    let part = participation(&seats, ctx.payments.is_known(), params);
    let balance = if full {
        member_balance(
            ctx,
            &index.active,
            &BalanceInputs {
                fundholder: fh,
                members,
                meetings,
                seats: &seats,
                programme: programme.as_ref(),
            },
        )
    } else {
        Vec::new()
    };

    PartnershipFigures {
        id: p.id.clone(),
        name: p.name.clone(),
        fundholder: fh.to_string(),
        fundholder_name: data.name_of(fh),
        meetings: meetings.len(),
        members: members.len(),
        fair_share,
        host_share: share(hosted_by_fundholder, hosted.len()),
        meetings_with_host: hosted.len(),
        hosted_by_fundholder,
        chair_share: share(chaired_by_fundholder, chaired),
        meetings_with_chair: chaired,
        chaired_by_fundholder,
        decision_host_share: share(decisions_by_fundholder, decisions.len()),
        seat_share: share(fundholder_seats, all_seats),
        programme_received: programme.as_ref().map(|m| m.received.pounds()),
        programme_passed_on: programme.as_ref().map(|m| m.passed_on.pounds()),
        retained_share: programme.as_ref().and_then(ProgrammeMoney::retained_share),
        vcse_hours: part.vcse_hours,
        vcse_unpaid_hours: part.vcse_unpaid_hours,
        vcse_unpaid_share: part.vcse_unpaid_share,
        unpaid_value: part.unpaid_value,
        attendance_rate: part.attendance_rate,
        attendance_rows: part.attendance_rows,
        out_of_hours_share: part.out_of_hours_share,
        attendance_by_quarter: if full {
            attendance_by_quarter(&seats)
        } else {
            Vec::new()
        },
        balance,
        counts: RateCounts {
            attended_rows: all_seats,
            fundholder_attended_rows: fundholder_seats,
            rows: part.attendance_rows,
            attended_by_side: SideCounts {
                statutory: part.statutory.attended_rows,
                vcse: part.vcse.attended_rows,
            },
            timed_rows: SideCounts {
                statutory: part.statutory.timed_rows,
                vcse: part.vcse.timed_rows,
            },
            out_of_hours_rows: SideCounts {
                statutory: part.statutory.out_of_hours_rows,
                vcse: part.vcse.out_of_hours_rows,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Parameters;
    use crate::measures::testkit::{date, org, Builder};
    use crate::measures::Window;
    use crate::model::{Payee, PaymentType, PersonKey, Sector, Status};
    use proptest::prelude::*;

    use crate::measures::testkit::{CHARITY_ONE as V1, COUNCIL as F};
    const V2: &str = "GB-CHC-2";

    fn base() -> Builder {
        Builder::council_and_charity().named_org(V2, "Charity Two", Sector::Vcse)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    /// Four meetings, the fundholder hosting three.
    fn dominated() -> Builder {
        use Status::*;
        base()
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), Some(F))
            .decision()
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Attended)
            .row(4, None, Attended)
            .meeting("M2", "2024-02-10", Some(F), Some(F))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Absent)
            .meeting("M3", "2024-03-10", Some(F), Some(V1))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Apologies)
            .meeting("M4", "2024-04-10", Some(V1), Some(V2))
            .decision()
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Attended)
    }

    #[test]
    fn dominated_partnership() {
        let f = dominated().one();
        // Hosts F, F, F, V1: 3 of 4 = 0.75. Chairs F, F, V1, V2: 2 of 4 = 0.5.
        assert_eq!(
            (f.meetings, f.meetings_with_host, f.hosted_by_fundholder),
            (4, 4, 3)
        );
        assert!(close(f.host_share, 0.75));
        assert_eq!((f.meetings_with_chair, f.chaired_by_fundholder), (4, 2));
        assert!(close(f.chair_share, 0.5));
        // Decision meetings M1 (F) and M4 (V1): 1 of 2.
        assert!(close(f.decision_host_share, 0.5));
        // Members F, V1, V2; the community member (person 4, no org) is not one: 3, fair 1/3.
        assert_eq!(f.members, 3);
        assert!(close(f.fair_share, 1.0 / 3.0));
        // Attended rows: F 4, V1 4, V2 2, community 1 = 11; the fundholder's 4 of 11.
        assert!(close(f.seat_share, 4.0 / 11.0));
        // No programme: the money figures are unknown, not zero.
        assert_eq!(
            (
                f.programme_received,
                f.programme_passed_on,
                f.retained_share
            ),
            (None, None, None)
        );
        assert_eq!(f.fundholder, F);
        assert_eq!(f.fundholder_name, "Fundholder Council");
        let ids: Vec<&str> = f.balance.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["GB-CHC-1", "GB-CHC-2", "GB-LAE-F"]);
    }

    #[test]
    fn rotating_hosts_share_evenly() {
        let f = base()
            .named_org("GB-CHC-3", "Charity Three", Sector::Vcse)
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), None)
            .meeting("M2", "2024-02-10", Some(V1), None)
            .meeting("M3", "2024-03-10", Some(V2), None)
            .meeting("M4", "2024-04-10", Some("GB-CHC-3"), None)
            .one();
        // 1 of 4 hosted by the fundholder; no chair recorded anywhere.
        assert!(close(f.host_share, 0.25));
        assert_eq!((f.meetings_with_chair, f.chair_share), (0, None));
        // No attendance rows: the fundholder is the one known member.
        assert_eq!(f.members, 1);
        assert!(close(f.fair_share, 1.0));
        assert_eq!(f.seat_share, None);
    }

    #[test]
    fn no_hosts_recorded_gives_no_host_share() {
        let f = base()
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", None, None)
            .decision()
            .meeting("M2", "2024-02-10", None, None)
            .one();
        assert_eq!(
            (f.meetings, f.meetings_with_host, f.host_share),
            (2, 0, None)
        );
        assert_eq!(f.decision_host_share, None);
    }

    #[test]
    fn without_attendance_csv_fair_share_is_unknown() {
        let mut fx = base()
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), None);
        fx.data.sources.attendance = None;
        let f = fx.one();
        assert_eq!((f.members, f.fair_share), (1, None));
    }

    #[test]
    fn window_filters_meetings_rows_and_programme_money() {
        use Status::*;
        let fx = base()
            .partnership("P1", F, Some("Fund"))
            .meeting("M1", "2023-03-31", Some(V1), Some(V1))
            .row(2, Some(V1), Attended)
            .row(3, Some(V2), Attended)
            .meeting("M2", "2023-04-01", Some(F), Some(F))
            .row(1, Some(F), Attended)
            .row(2, Some(V1), Absent)
            .grant("GB-FUNDER", F, 1_000, "2023-03-31")
            .programme("Fund")
            .grant("GB-FUNDER", F, 2_000, "2023-04-01")
            .programme("Fund")
            .grant(F, V1, 500, "2023-04-01")
            .programme("Fund");
        let window = Window {
            from: Some(date("2023-04-01")),
            to: Some(date("2024-03-31")),
        };
        let f = fx
            .figures_with(window, &Parameters::default())
            .into_iter()
            .next()
            .expect("one");
        // Only M2: hosted and chaired by F (1 of 1); members F and V1 (V2 only came to M1).
        assert_eq!((f.meetings, f.members), (1, 2));
        assert!(close(f.host_share, 1.0));
        // V1's absence counts as a row; statutory 1 of 1, VCSE 0 of 1.
        assert_eq!(
            (f.attendance_rows.statutory, f.attendance_rows.vcse),
            (1, 1)
        );
        assert!(close(f.attendance_rate.vcse, 0.0));
        // Money: only the £2,000 awarded on 2023-04-01 counts; £500 passed on.
        assert_eq!(f.programme_received, Some(2_000.0));
        assert_eq!(f.programme_passed_on, Some(500.0));
        // 1 − 500 / 2000 = 0.75.
        assert!(close(f.retained_share, 0.75));
        // The whole dataset: 1 − 500 / 3000.
        let all = fx.one();
        assert!(close(all.retained_share, 1.0 - 500.0 / 3_000.0));
        assert_eq!((all.meetings, all.members), (2, 3));
    }

    #[test]
    fn retained_share_matches_the_programme_title_loosely() {
        // Received £1,000 (the title typed in another case and with extra spaces);
        // passed on £300 to V1 and £100 to a person; a grant under another programme and
        // one to V2 from another funder do not count.
        let f = base()
            .partnership("P1", F, Some("Healthy  Places Fund"))
            .grant("GB-FUNDER", F, 1_000, "2024-01-01")
            .programme(" healthy places fund ")
            .grant(F, V1, 300, "2024-02-01")
            .programme("Healthy Places Fund")
            .grant(F, "person:7", 100, "2024-02-01")
            .programme("HEALTHY PLACES FUND")
            .grant(F, V1, 5_000, "2024-02-01")
            .programme("Core Grants")
            .grant("GB-FUNDER", V2, 900, "2024-02-01")
            .programme("Healthy Places Fund")
            .one();
        assert_eq!(f.programme_received, Some(1_000.0));
        assert_eq!(f.programme_passed_on, Some(400.0));
        // 1 − 400 / 1000 = 0.6 exactly (computed from pence).
        assert_eq!(f.retained_share, Some(0.6));
    }

    #[test]
    fn nothing_received_means_no_retained_share() {
        let f = base()
            .partnership("P1", F, Some("Fund"))
            .grant(F, V1, 300, "2024-02-01")
            .programme("Fund")
            .one();
        // £0 received is a real figure; the share of it is not.
        assert_eq!(f.programme_received, Some(0.0));
        assert_eq!(f.programme_passed_on, Some(300.0));
        assert_eq!(f.retained_share, None);
        // An empty programme is no programme.
        let g = base().partnership("P1", F, Some("  ")).one();
        assert_eq!(g.programme_received, None);
    }

    #[test]
    fn partnerships_sorted_by_id() {
        let figs = base()
            .partnership("P2", F, None)
            .partnership("P10", F, None)
            .partnership("P1", F, None)
            .figures();
        let ids: Vec<&str> = figs.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P10", "P2"]);
    }

    /// A random partnership: up to six meetings, rows from five kinds of attendee (statutory,
    /// VCSE, private, an organisation not in organisations.csv, a community member), random
    /// payments. Hours are in quarter hours so that every sum is exact in any order.
    fn arbitrary() -> impl Strategy<Value = Builder> {
        let orgs = [
            Some(F),
            Some(V1),
            Some("GB-COH-9"),
            Some("X-UNLISTED"),
            None,
        ];
        let meeting = (
            0usize..3,
            0usize..3,
            any::<bool>(),
            1u32..16,
            prop::option::of(0u32..24),
        );
        let row = (0usize..6, 0u32..6, 0usize..3, prop::option::of(1u32..12));
        let payment = (
            0u32..6,
            any::<bool>(),
            prop::option::of(0usize..6),
            prop::option::of((0u32..200, 0u32..120)),
            0usize..4,
        );
        (
            prop::collection::vec(meeting, 1..6),
            prop::collection::vec(row, 0..40),
            prop::option::of(prop::collection::vec(payment, 0..8)),
            any::<bool>(),
        )
            .prop_map(move |(meetings, rows, payments, programme)| {
                let hosts = [None, Some(F), Some(V1)];
                let mut fx = base()
                    .named_org("GB-COH-9", "Widgets Ltd", Sector::Private)
                    .partnership("P1", F, programme.then_some("Fund"))
                    .grant("GB-FUNDER", F, 1_000, "2024-01-01")
                    .programme("Fund")
                    .grant(F, V1, 400, "2024-01-02")
                    .programme("Fund");
                let day0 = date("2024-01-01");
                let n = meetings.len();
                for (i, (h, c, dec, quarters, start)) in meetings.into_iter().enumerate() {
                    let date = (day0 + chrono::Days::new(30 * i as u64)).to_string();
                    fx = fx
                        .meeting(&format!("M{i}"), &date, hosts[h], hosts[c])
                        .duration(f64::from(quarters) / 4.0);
                    if dec {
                        fx = fx.decision();
                    }
                    if let Some(hh) = start {
                        fx = fx.starts(&format!("{hh:02}:30"));
                    }
                }
                let statuses = [Status::Attended, Status::Apologies, Status::Absent];
                for (m, person, status, quarters) in rows {
                    let m = m % n;
                    let member = orgs[person as usize % orgs.len()];
                    fx.data.attendance.push(crate::model::Attendance {
                        meeting: format!("M{m}"),
                        person: PersonKey(person),
                        org: member.map(org),
                        status: statuses[status],
                        hours: quarters.map(|q| f64::from(q) / 4.0),
                    });
                }
                match payments {
                    None => fx = fx.without_payments(),
                    Some(ps) => {
                        let kinds = [
                            PaymentType::Involvement,
                            PaymentType::Backfill,
                            PaymentType::Honorarium,
                            PaymentType::Expenses,
                        ];
                        for (who, to_org, meeting, period, kind) in ps {
                            let payee = if to_org {
                                Payee::Org(org(orgs[who as usize % 4].unwrap_or(V1)))
                            } else {
                                Payee::Person(PersonKey(who))
                            };
                            let meeting = meeting.map(|m| format!("M{}", m % n));
                            let period = period.map(|(s, len)| {
                                let s = day0 + chrono::Days::new(u64::from(s));
                                (
                                    s.to_string(),
                                    (s + chrono::Days::new(u64::from(len))).to_string(),
                                )
                            });
                            fx = fx.pay(
                                payee,
                                meeting.as_deref(),
                                period.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                                kinds[kind],
                            );
                        }
                    }
                }
                fx
            })
    }

    fn unit(x: Option<f64>) -> bool {
        x.is_none_or(|x| (0.0..=1.0).contains(&x))
    }

    proptest! {
        #[test]
        fn shares_are_shares_and_unpaid_within_hours(fx in arbitrary()) {
            let f = fx.one();
            for s in [f.fair_share, f.host_share, f.chair_share, f.decision_host_share, f.seat_share,
                      f.vcse_unpaid_share, f.attendance_rate.statutory, f.attendance_rate.vcse,
                      f.out_of_hours_share.statutory, f.out_of_hours_share.vcse] {
                prop_assert!(unit(s), "{s:?}");
            }
            prop_assert!(f.vcse_unpaid_hours.is_none_or(|u| u <= f.vcse_hours));
            prop_assert_eq!(f.vcse_unpaid_hours.is_none(), fx.data.payments.is_none());
            prop_assert!(f.members >= 1 && f.balance.len() == f.members);
            let voices: f64 = f.balance.iter().filter_map(|b| b.voice.value).sum();
            prop_assert!(voices <= 1.0 + 1e-9);
            let funding: f64 = f.balance.iter().filter_map(|b| b.funding_share.value).sum();
            prop_assert!(funding <= 1.0 + 1e-9);
            for b in &f.balance {
                for axis in [b.funding_share, b.authority, b.voice, b.unpaid_share] {
                    prop_assert!(unit(axis.value));
                    prop_assert!(axis.band.is_none_or(|x| x <= 5));
                }
            }
        }

        /// The trends' lighter pass computes the same figures as the full one, leaving
        /// out only the money and balance figures and the quarters.
        #[test]
        fn meetings_detail_is_the_full_figures_without_money(fx in arbitrary()) {
            let ctx = crate::measures::Context::new(&fx.data, None, Window::default());
            let params = Parameters::default();
            let light = super::partnership_figures_with(&ctx, &params, super::Detail::Meetings);
            let full: Vec<_> = fx.figures().into_iter().map(|mut f| {
                prop_assert!(!f.balance.is_empty());
                f.balance.clear();
                f.attendance_by_quarter.clear();
                (f.programme_received, f.programme_passed_on, f.retained_share) = (None, None, None);
                Ok(f)
            }).collect::<Result<_, TestCaseError>>()?;
            prop_assert_eq!(light, full);
        }

        #[test]
        fn row_order_does_not_matter(fx in arbitrary(), seed in any::<u64>()) {
            let before = fx.one();
            let mut shuffled = fx;
            // A deterministic shuffle of attendance rows and payments from the seed.
            let mut key = seed;
            let mut next = move || { key = key.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); key >> 33 };
            let mut rows: Vec<(u64, _)> = shuffled.data.attendance.drain(..).map(|r| (next(), r)).collect();
            rows.sort_by_key(|(k, _)| *k);
            shuffled.data.attendance = rows.into_iter().map(|(_, r)| r).collect();
            if let Some(ps) = shuffled.data.payments.as_mut() {
                ps.reverse();
            }
            shuffled.data.meetings.reverse();
            prop_assert_eq!(before, shuffled.one());
        }
    }
}
