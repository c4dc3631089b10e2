//! Participation resourcing, attendance rates and out-of-hours meetings, per partnership
//! (SPEC.md "Participation resourcing").
//!
//! Every attendance row at one of the partnership's meetings in the window becomes a [`Seat`]:
//! the row, its meeting, the attendee's sector and whether its time was resourced.
//!
//! - **Sector and side.** An attendee's sector is its organisation's; a row with no
//!   organisation is a community member attending as themself, sector `individual`. The
//!   statutory side is `statutory`; the VCSE side is `vcse`, `individual` and `unknown`;
//!   `private` attendees are on neither side.
//! - **Resourced.** A row is resourced when its organisation is statutory and
//!   `statutory_time_is_paid` (salaried time), or when a payment that is not `expenses` names
//!   the person or their organisation as payee and either names the row's meeting or has a
//!   period (inclusive) covering the meeting's date. Without payments.csv payment is unknown,
//!   so only statutory salaried time is known to be resourced; every other row is unknown.
//!   A header-only payments.csv means nobody was paid.
//! - **Hours** of a row = its `Hours`, else the meeting's duration.
//! - vcse_hours = Σ hours of attended VCSE-side rows; vcse_unpaid_hours = Σ of those not
//!   resourced; vcse_unpaid_share = vcse_unpaid_hours ÷ vcse_hours (`None` when vcse_hours
//!   is 0); unpaid_value = vcse_unpaid_hours × hourly rate, rounded to the penny. All three
//!   are `None` without payments.csv.
//! - attendance_rate per side = attended rows ÷ rows of any status (`None` with no rows).
//! - out_of_hours_share per side = attended rows at meetings starting before 09:00 or at or
//!   after 17:00 ÷ attended rows at meetings with a start time (`None` when there are none).
//! - attendance_by_quarter: the same attendance rate per side for each UK financial-year
//!   quarter holding a meeting (quarters without meetings are not listed), so a board can
//!   see whether turnout is falling.
//!
//! Reading: a payment is not tied to a partnership. A standing payment (a period) to a person
//! or organisation resources every meeting of theirs in the period, whichever partnership it
//! belongs to: SPEC.md ties a payment to a payee and a meeting or period, never to a payer or
//! a table, and backfill paid to an employer buys the person's time, not one table's.
//!
//! Reading: a row's resourcing is known, yes or no, when its organisation is statutory and
//! statutory time counts as paid, or when payments.csv was given; otherwise it is unknown
//! and every figure built from it is `None`, never a guessed 0.
//!
//! Complexity: [`PaymentIndex::new`] is O(p) for p payments; each row then costs two hash
//! look-ups for payments naming its meeting plus a scan of the standing (period) payments of
//! that one person and that one organisation. A partnership's figures are O(rows).
//!
//! Sources: SPEC.md "Participation resourcing"; the pattern measured (VCSE members giving
//! unpaid time, often outside working hours, while statutory colleagues attend in salaried
//! time) is from the King's Fund and IVAR work on statutory–VCSE partnerships cited there.

use super::keys::{FastMap, FastSet};
use crate::config::Parameters;
use crate::model::{Attendance, Meeting, OrgId, Payment, PaymentType, PersonKey};
use crate::model::{Sector, Status};
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// One figure for each side of a partnership.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct SideRates {
    /// The statutory side.
    pub(crate) statutory: Option<f64>,
    /// The VCSE side (vcse, individual, unknown).
    pub(crate) vcse: Option<f64>,
}

/// A count for each side of a partnership.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct SideCounts {
    /// The statutory side.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) statutory: usize,
    /// The VCSE side (vcse, individual, unknown).
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) vcse: usize,
}

/// Which side of a partnership an attendee sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    /// Statutory bodies.
    Statutory,
    /// VCSE organisations, community members and organisations of unknown sector.
    Vcse,
}

impl Side {
    /// The side of a sector; `None` for private attendees, who are on neither side.
    pub(crate) fn of(sector: Sector) -> Option<Side> {
        if sector == Sector::Statutory {
            Some(Side::Statutory)
        } else if sector.is_vcse_side() {
            Some(Side::Vcse)
        } else {
            None
        }
    }
}

/// The sector of an attendee: its organisation's, or `individual` for a community member
/// attending as themself. (The analysis reads it from [`super::keys::AttendanceKeys`].)
#[cfg(test)]
pub(crate) fn attendee_sector(data: &crate::model::Dataset, row: &Attendance) -> Sector {
    row.org
        .as_ref()
        .map_or(Sector::Individual, |o| data.sector_of(o))
}

/// `true` for meetings starting before 09:00 or at or after 17:00.
pub(crate) fn is_out_of_hours(start: NaiveTime) -> bool {
    let nine = NaiveTime::from_hms_opt(9, 0, 0);
    let five = NaiveTime::from_hms_opt(17, 0, 0);
    nine.is_some_and(|t| start < t) || five.is_some_and(|t| start >= t)
}

/// The payments that can resource time (every type but `expenses`), indexed by payee so that
/// a row is checked against its own payee's payments only.
#[derive(Debug, Clone, Default)]
pub(crate) struct PaymentIndex<'d> {
    /// `false` when there is no payments.csv: payment is unknown.
    known: bool,
    /// (person, meeting) pairs named by a payment.
    person_meeting: FastSet<(PersonKey, &'d str)>,
    /// (organisation, meeting) pairs named by a payment.
    org_meeting: FastSet<(&'d OrgId, &'d str)>,
    /// Standing payments to a person: their periods.
    person_periods: FastMap<PersonKey, Vec<(NaiveDate, NaiveDate)>>,
    /// Standing payments to an organisation: their periods.
    org_periods: FastMap<&'d OrgId, Vec<(NaiveDate, NaiveDate)>>,
}

impl<'d> PaymentIndex<'d> {
    /// Indexes `payments` (`None`: no payments.csv, payment unknown). O(p).
    pub(crate) fn new(payments: Option<&'d [Payment]>) -> PaymentIndex<'d> {
        match payments {
            Some(ps) => PaymentIndex::of(ps, true),
            None => PaymentIndex::default(),
        }
    }

    /// Indexes some of the payments (payment known), borrowed as they are. With `periods`
    /// false a standing payment's period is left out, so that only payments naming a meeting
    /// cover a row. O(p).
    pub(crate) fn of(
        payments: impl IntoIterator<Item = &'d Payment>,
        periods: bool,
    ) -> PaymentIndex<'d> {
        let mut index = PaymentIndex {
            known: true,
            ..PaymentIndex::default()
        };
        for p in payments {
            // Expenses reimburse costs; they do not pay for the time given (SPEC.md).
            if p.kind == PaymentType::Expenses {
                continue;
            }
            match &p.payee {
                crate::model::Payee::Person(k) => {
                    if let Some(m) = &p.meeting {
                        index.person_meeting.insert((*k, m.as_str()));
                    }
                    if let Some(period) = p.period.filter(|_| periods) {
                        index.person_periods.entry(*k).or_default().push(period);
                    }
                }
                crate::model::Payee::Org(o) => {
                    if let Some(m) = &p.meeting {
                        index.org_meeting.insert((o, m.as_str()));
                    }
                    if let Some(period) = p.period.filter(|_| periods) {
                        index.org_periods.entry(o).or_default().push(period);
                    }
                }
            }
        }
        index
    }

    /// Whether payment is known at all (payments.csv was given).
    pub(crate) fn is_known(&self) -> bool {
        self.known
    }

    /// Whether a non-expenses payment names this row's person or organisation and either
    /// names its meeting or has a period covering the meeting's date; `None` when payment
    /// is unknown. This is SPEC.md's "covered" test for a row of any status.
    pub(crate) fn covers(&self, row: &Attendance, meeting: &Meeting) -> Option<bool> {
        if !self.known {
            return None;
        }
        let covering = |periods: Option<&Vec<(NaiveDate, NaiveDate)>>| {
            periods.is_some_and(|ps| {
                ps.iter()
                    .any(|(start, end)| *start <= meeting.date && meeting.date <= *end)
            })
        };
        let by_person = self
            .person_meeting
            .contains(&(row.person, meeting.id.as_str()))
            || covering(self.person_periods.get(&row.person));
        let by_org = row.org.as_ref().is_some_and(|o| {
            self.org_meeting.contains(&(o, meeting.id.as_str()))
                || covering(self.org_periods.get(o))
        });
        Some(by_person || by_org)
    }
}

/// One attendance row at a partnership meeting, with what is known about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Seat<'d> {
    /// The meeting.
    pub(crate) meeting: &'d Meeting,
    /// The attendance row.
    pub(crate) row: &'d Attendance,
    /// The attendee's sector (`individual` with no organisation).
    pub(crate) sector: Sector,
    /// Whether the time is resourced (salaried statutory time or a covering payment);
    /// `None` when payment is unknown and the time is not salaried statutory time.
    pub(crate) resourced: Option<bool>,
}

impl<'d> Seat<'d> {
    /// Builds a seat: the attendee's sector and whether the row is resourced. For the tests;
    /// the analysis knows the sector already and calls [`Seat::with_sector`].
    #[cfg(test)]
    pub(crate) fn new(
        data: &crate::model::Dataset,
        payments: &PaymentIndex,
        params: &Parameters,
        meeting: &'d Meeting,
        row: &'d Attendance,
    ) -> Seat<'d> {
        Seat::with_sector(attendee_sector(data, row), payments, params, meeting, row)
    }

    /// A seat of an attendee whose sector is already known (see
    /// [`super::keys::AttendanceKeys`]): whether the row is resourced.
    pub(crate) fn with_sector(
        sector: Sector,
        payments: &PaymentIndex,
        params: &Parameters,
        meeting: &'d Meeting,
        row: &'d Attendance,
    ) -> Seat<'d> {
        let resourced = if sector == Sector::Statutory && params.statutory_time_is_paid {
            Some(true)
        } else {
            payments.covers(row, meeting)
        };
        Seat {
            meeting,
            row,
            sector,
            resourced,
        }
    }

    /// The attendee turned up.
    pub(crate) fn attended(&self) -> bool {
        self.row.status == Status::Attended
    }

    /// Hours given: the row's `Hours`, else the meeting's duration.
    pub(crate) fn hours(&self) -> f64 {
        self.row.hours.unwrap_or(self.meeting.duration_hours)
    }

    /// The attendee's side, `None` for private attendees.
    pub(crate) fn side(&self) -> Option<Side> {
        Side::of(self.sector)
    }
}

/// Attendance and resourcing on one side of a partnership.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct SideParticipation {
    /// Rows of any status.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) rows: usize,
    /// Attended rows.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) attended_rows: usize,
    /// Hours of attended rows.
    pub(crate) hours: f64,
    /// Attended rows whose time was resourced (`None` when payment is unknown).
    #[serde(serialize_with = "crate::disclosure::people_opt")]
    pub(crate) resourced_rows: Option<usize>,
    /// Attended rows given unpaid.
    #[serde(serialize_with = "crate::disclosure::people_opt")]
    pub(crate) unpaid_rows: Option<usize>,
    /// Hours of resourced attended rows.
    pub(crate) resourced_hours: Option<f64>,
    /// Hours of unpaid attended rows.
    pub(crate) unpaid_hours: Option<f64>,
    /// Attended rows at meetings with a start time.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) timed_rows: usize,
    /// Of those, rows at meetings starting before 09:00 or from 17:00.
    #[serde(serialize_with = "crate::disclosure::people")]
    pub(crate) out_of_hours_rows: usize,
}

impl SideParticipation {
    /// Attended ÷ all rows; `None` with no rows.
    pub(crate) fn attendance_rate(&self) -> Option<f64> {
        (self.rows > 0).then(|| self.attended_rows as f64 / self.rows as f64)
    }

    /// Out-of-hours attended rows ÷ timed attended rows; `None` with no timed rows.
    pub(crate) fn out_of_hours_share(&self) -> Option<f64> {
        (self.timed_rows > 0).then(|| self.out_of_hours_rows as f64 / self.timed_rows as f64)
    }
}

/// Participation figures for one partnership.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Participation {
    /// The statutory side.
    pub(crate) statutory: SideParticipation,
    /// The VCSE side.
    pub(crate) vcse: SideParticipation,
    /// Hours of attended VCSE-side rows.
    pub(crate) vcse_hours: f64,
    /// Of those, hours not resourced (`None` without payments.csv).
    pub(crate) vcse_unpaid_hours: Option<f64>,
    /// vcse_unpaid_hours ÷ vcse_hours (`None` without payments.csv or with no VCSE hours).
    pub(crate) vcse_unpaid_share: Option<f64>,
    /// vcse_unpaid_hours × the hourly rate, pounds, to the penny.
    pub(crate) unpaid_value: Option<f64>,
    /// Attended ÷ all rows, per side.
    pub(crate) attendance_rate: SideRates,
    /// Rows of any status, per side.
    pub(crate) attendance_rows: SideCounts,
    /// Share of attended rows at out-of-hours meetings, per side.
    pub(crate) out_of_hours_share: SideRates,
}

/// Attendance per side in one UK financial-year quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct QuarterAttendance {
    /// The quarter, e.g. `2024-25 Q1` (April–June 2024).
    pub(crate) quarter: String,
    /// Its first day.
    pub(crate) from: NaiveDate,
    /// Rows of any status, per side.
    pub(crate) attendance_rows: SideCounts,
    /// Attended rows, per side.
    pub(crate) attended_rows: SideCounts,
    /// Attended ÷ all rows, per side (`None` for a side with no rows).
    pub(crate) attendance_rate: SideRates,
}

/// Attendance rate per side for each quarter holding one of the seats' meetings, in date
/// order. O(seats · log quarters).
pub(crate) fn attendance_by_quarter(seats: &[Seat]) -> Vec<QuarterAttendance> {
    use super::period::{quarter_label, quarter_start};
    let mut by_quarter: std::collections::BTreeMap<NaiveDate, (SideCounts, SideCounts)> =
        std::collections::BTreeMap::new();
    for seat in seats {
        let (Some(side), Some(q)) = (seat.side(), quarter_start(seat.meeting.date)) else {
            continue;
        };
        let (rows, attended) = by_quarter.entry(q).or_default();
        let attended_now = usize::from(seat.attended());
        match side {
            Side::Statutory => {
                rows.statutory += 1;
                attended.statutory += attended_now;
            }
            Side::Vcse => {
                rows.vcse += 1;
                attended.vcse += attended_now;
            }
        }
    }
    let rate = |a: usize, n: usize| (n > 0).then(|| a as f64 / n as f64);
    by_quarter
        .into_iter()
        .map(|(from, (rows, attended))| QuarterAttendance {
            quarter: quarter_label(from),
            from,
            attendance_rows: rows,
            attended_rows: attended,
            attendance_rate: SideRates {
                statutory: rate(attended.statutory, rows.statutory),
                vcse: rate(attended.vcse, rows.vcse),
            },
        })
        .collect()
}

/// Adds `x` to an accumulator that stays `None` once any unknown value is added.
fn add_known<T: std::ops::AddAssign>(acc: &mut Option<T>, x: Option<T>) {
    match (acc.as_mut(), x) {
        (Some(a), Some(x)) => *a += x,
        _ => *acc = None,
    }
}

/// Participation figures over a partnership's seats (its attendance rows in the window).
/// `payments_known` is false without payments.csv: the VCSE unpaid figures are then `None`
/// even when there are no VCSE hours to be unpaid. O(seats).
pub(crate) fn participation(
    seats: &[Seat],
    payments_known: bool,
    params: &Parameters,
) -> Participation {
    let fresh = || SideParticipation {
        resourced_rows: Some(0),
        unpaid_rows: Some(0),
        resourced_hours: Some(0.0),
        unpaid_hours: Some(0.0),
        ..SideParticipation::default()
    };
    let (mut statutory, mut vcse) = (fresh(), fresh());
    for seat in seats {
        let side = match seat.side() {
            Some(Side::Statutory) => &mut statutory,
            Some(Side::Vcse) => &mut vcse,
            None => continue,
        };
        side.rows += 1;
        if !seat.attended() {
            continue;
        }
        let hours = seat.hours();
        side.attended_rows += 1;
        side.hours += hours;
        let (resourced, unpaid) = match seat.resourced {
            Some(true) => (Some((1, hours)), Some((0, 0.0))),
            Some(false) => (Some((0, 0.0)), Some((1, hours))),
            None => (None, None),
        };
        add_known(&mut side.resourced_rows, resourced.map(|r| r.0));
        add_known(&mut side.resourced_hours, resourced.map(|r| r.1));
        add_known(&mut side.unpaid_rows, unpaid.map(|u| u.0));
        add_known(&mut side.unpaid_hours, unpaid.map(|u| u.1));
        if let Some(start) = seat.meeting.start_time {
            side.timed_rows += 1;
            side.out_of_hours_rows += usize::from(is_out_of_hours(start));
        }
    }
    let vcse_hours = vcse.hours;
    let vcse_unpaid_hours = vcse.unpaid_hours.filter(|_| payments_known);
    let vcse_unpaid_share =
        vcse_unpaid_hours.and_then(|u| (vcse_hours > 0.0).then(|| u / vcse_hours));
    let unpaid_value = vcse_unpaid_hours.map(|u| (u * params.hourly_rate * 100.0).round() / 100.0);
    Participation {
        vcse_hours,
        vcse_unpaid_hours,
        vcse_unpaid_share,
        unpaid_value,
        attendance_rate: SideRates {
            statutory: statutory.attendance_rate(),
            vcse: vcse.attendance_rate(),
        },
        attendance_rows: SideCounts {
            statutory: statutory.rows,
            vcse: vcse.rows,
        },
        out_of_hours_share: SideRates {
            statutory: statutory.out_of_hours_share(),
            vcse: vcse.out_of_hours_share(),
        },
        statutory,
        vcse,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Parameters;
    use crate::measures::testkit::{org, person, Builder};
    use crate::model::{Payee, PaymentType, Sector, Status};
    use chrono::NaiveTime;

    use crate::measures::testkit::{CHARITY_ONE as V, COUNCIL as F};
    const S: &str = "GB-NHS-S";

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    /// A statutory fundholder and a VCSE charity at four two-hour meetings; the charity's
    /// person (2) is paid in three different ways.
    fn four_meetings() -> Builder {
        use Status::Attended;
        let meetings = [
            ("M1", "2024-01-10"),
            ("M2", "2024-02-10"),
            ("M3", "2024-03-10"),
            ("M4", "2024-04-10"),
        ];
        let partnership = Builder::council_and_charity().partnership("P1", F, None);
        meetings.into_iter().fold(partnership, |b, (id, day)| {
            b.meeting(id, day, Some(F), None)
                .row(1, Some(F), Attended)
                .row(2, Some(V), Attended)
        })
    }

    #[test]
    fn payment_by_meeting_by_period_and_expenses() {
        let f = four_meetings()
            // M1: involvement naming the meeting, paid to the person.
            .pay_meeting(person(2), "M1", PaymentType::Involvement)
            // M2: backfill to the charity for February (2024-02-01..29 covers 02-10).
            .pay_period(
                Payee::Org(org(V)),
                ("2024-02-01", "2024-02-29"),
                PaymentType::Backfill,
            )
            // M3: expenses only, which do not resource the time.
            .pay_meeting(person(2), "M3", PaymentType::Expenses)
            // M4: an honorarium whose period ends on the meeting day (inclusive).
            .pay_period(
                person(2),
                ("2024-04-01", "2024-04-10"),
                PaymentType::Honorarium,
            )
            // Someone else's payment for M3 does not cover person 2.
            .pay_meeting(person(9), "M3", PaymentType::Involvement)
            .one();
        // VCSE hours 4 × 2 = 8; unpaid only M3: 2 h; share 2 / 8 = 0.25; 2 × £12.21 = £24.42.
        assert_eq!(f.vcse_hours, 8.0);
        assert_eq!(f.vcse_unpaid_hours, Some(2.0));
        assert!(close(f.vcse_unpaid_share, 0.25));
        assert_eq!(f.unpaid_value, Some(24.42));
    }

    #[test]
    fn a_period_ending_the_day_before_does_not_cover() {
        let f = four_meetings()
            .pay_period(
                person(2),
                ("2024-03-11", "2024-04-09"),
                PaymentType::Honorarium,
            )
            .one();
        // Covers no meeting date (03-10 and 04-10 fall just outside): all 8 h unpaid.
        assert_eq!(f.vcse_unpaid_hours, Some(8.0));
        assert!(close(f.vcse_unpaid_share, 1.0));
    }

    #[test]
    fn no_payments_csv_means_unknown_but_empty_means_unpaid() {
        let absent = four_meetings().without_payments().one();
        assert_eq!(absent.vcse_hours, 8.0);
        assert_eq!(
            (
                absent.vcse_unpaid_hours,
                absent.vcse_unpaid_share,
                absent.unpaid_value
            ),
            (None, None, None)
        );
        // Header-only payments.csv: nobody was paid, so all 8 VCSE hours are unpaid.
        let empty = four_meetings().one();
        assert_eq!(empty.vcse_unpaid_hours, Some(8.0));
        assert!(close(empty.vcse_unpaid_share, 1.0));
        // 8 × £12.21 = £97.68.
        assert_eq!(empty.unpaid_value, Some(97.68));
    }

    #[test]
    fn statutory_time_is_known_without_payments() {
        let fx = four_meetings().without_payments();
        let ctx = crate::measures::Context::new(&fx.data, None, Default::default());
        let index = super::PaymentIndex::new(None);
        let params = Parameters::default();
        let seats: Vec<super::Seat> = fx
            .data
            .attendance
            .iter()
            .map(|row| {
                let m = ctx
                    .data
                    .meetings
                    .iter()
                    .find(|m| m.id == row.meeting)
                    .expect("meeting");
                super::Seat::new(ctx.data, &index, &params, m, row)
            })
            .collect();
        let p = super::participation(&seats, false, &params);
        // Four statutory rows, salaried: 8 resourced hours, known without payments.csv.
        assert_eq!(p.statutory.resourced_hours, Some(8.0));
        assert_eq!(p.statutory.unpaid_rows, Some(0));
        assert_eq!(p.vcse.resourced_rows, None);
        // With statutory time not counted as paid, it is unknown too.
        let unpaid_params = Parameters {
            statutory_time_is_paid: false,
            ..Parameters::default()
        };
        let seats: Vec<super::Seat> = seats
            .iter()
            .map(|s| super::Seat::new(ctx.data, &index, &unpaid_params, s.meeting, s.row))
            .collect();
        let p = super::participation(&seats, false, &unpaid_params);
        assert_eq!(p.statutory.resourced_hours, None);
    }

    #[test]
    fn sides_rates_and_community_members() {
        use Status::*;
        let f = Builder::all_files()
            .named_org(F, "Fundholder Council", Sector::Statutory)
            .named_org(S, "Hospital Trust", Sector::Statutory)
            .named_org(V, "Charity One", Sector::Vcse)
            .named_org("GB-COH-1", "Widgets Ltd", Sector::Private)
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), None)
            .row(1, Some(F), Attended)
            .row(3, Some(S), Absent)
            .row(2, Some(V), Apologies)
            // A community member, 1.5 h of a 2 h meeting.
            .row_hours(4, None, Attended, Some(1.5))
            // An organisation not in organisations.csv: unknown, so VCSE side.
            .row(5, Some("X-GROUP"), Attended)
            // Private: on neither side.
            .row(6, Some("GB-COH-1"), Absent)
            .one();
        // Statutory rows: F attended, S absent → 1 of 2. VCSE side: V apologies, community
        // member and X-GROUP attended → 2 of 3. The private row counts on neither side.
        assert_eq!(
            (f.attendance_rows.statutory, f.attendance_rows.vcse),
            (2, 3)
        );
        assert!(close(f.attendance_rate.statutory, 0.5));
        assert!(close(f.attendance_rate.vcse, 2.0 / 3.0));
        // VCSE hours 1.5 (own hours) + 2 (meeting length) = 3.5, all unpaid.
        assert_eq!(f.vcse_hours, 3.5);
        assert_eq!(f.vcse_unpaid_hours, Some(3.5));
        // Members: F, S, V, X-GROUP, Widgets (any status); the community member is not one.
        assert_eq!(f.members, 5);
    }

    #[test]
    fn out_of_hours_share_per_side() {
        use Status::Attended;
        let f = Builder::council_and_charity()
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), None)
            .starts("08:30")
            .row(2, Some(V), Attended)
            .meeting("M2", "2024-01-11", Some(F), None)
            .starts("09:00")
            .row(2, Some(V), Attended)
            .row(1, Some(F), Attended)
            .meeting("M3", "2024-01-12", Some(F), None)
            .starts("16:59")
            .row(2, Some(V), Attended)
            .meeting("M4", "2024-01-13", Some(F), None)
            .starts("17:00")
            .row(2, Some(V), Attended)
            .meeting("M5", "2024-01-14", Some(F), None)
            .row(2, Some(V), Attended)
            .row(1, Some(F), Attended)
            .one();
        // VCSE: timed rows M1..M4 (M5 has no start time); out of hours 08:30 and 17:00 → 2/4.
        assert!(close(f.out_of_hours_share.vcse, 0.5));
        // Statutory: one timed row (M2, 09:00, in hours) → 0/1.
        assert!(close(f.out_of_hours_share.statutory, 0.0));
        assert!(super::is_out_of_hours(
            NaiveTime::from_hms_opt(8, 59, 59).expect("time")
        ));
        assert!(!super::is_out_of_hours(
            NaiveTime::from_hms_opt(16, 59, 59).expect("time")
        ));
    }

    #[test]
    fn a_side_with_no_rows_has_no_rate() {
        let f = Builder::all_files()
            .named_org(F, "Fundholder Council", Sector::Statutory)
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), None)
            .row(1, Some(F), Status::Attended)
            .one();
        assert_eq!(f.attendance_rate.vcse, None);
        assert_eq!(f.out_of_hours_share.vcse, None);
        // No VCSE hours: the unpaid share is undefined, the unpaid hours a true 0.
        assert_eq!(f.vcse_hours, 0.0);
        assert_eq!(
            (f.vcse_unpaid_hours, f.vcse_unpaid_share),
            (Some(0.0), None)
        );
    }

    #[test]
    fn attendance_rate_per_side_by_quarter() {
        use crate::measures::participation::attendance_by_quarter;
        use Status::{Absent, Apologies, Attended};
        // By hand: 2024-03-10 is in 2023-24 Q4 (Jan–Mar 2024): statutory 1 of 1, VCSE 1 of
        // 2 (an absence). 2024-04-10 and 2024-06-30 are in 2024-25 Q1: statutory 2 of 2,
        // VCSE 1 of 3 (apologies, absent). A private attendee is on neither side.
        let f = Builder::council_and_charity()
            .named_org("GB-COH-1", "Firm Ltd", Sector::Private)
            .partnership("P1", F, None)
            .meeting("M1", "2024-03-10", Some(F), None)
            .row(1, Some(F), Attended)
            .row(2, Some(V), Attended)
            .row(3, Some(V), Absent)
            .meeting("M2", "2024-04-10", Some(F), None)
            .row(1, Some(F), Attended)
            .row(2, Some(V), Apologies)
            .row(4, Some("GB-COH-1"), Attended)
            .meeting("M3", "2024-06-30", Some(F), None)
            .row(1, Some(F), Attended)
            .row(2, Some(V), Attended)
            .row(3, Some(V), Absent);
        let p = f.one();
        let q = &p.attendance_by_quarter;
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].quarter, "2023-24 Q4");
        assert_eq!(
            (q[0].attendance_rows.statutory, q[0].attendance_rows.vcse),
            (1, 2)
        );
        assert!(close(q[0].attendance_rate.statutory, 1.0));
        assert!(close(q[0].attendance_rate.vcse, 0.5));
        assert_eq!(q[1].quarter, "2024-25 Q1");
        assert_eq!(
            (q[1].attended_rows.statutory, q[1].attended_rows.vcse),
            (2, 1)
        );
        assert!(close(q[1].attendance_rate.vcse, 1.0 / 3.0));
        // Empty input: no quarters.
        assert!(attendance_by_quarter(&[]).is_empty());
    }
}
