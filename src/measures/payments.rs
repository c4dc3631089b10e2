//! Paid participation in pounds (issue 18, item 3): who paid how much, to whom, for what,
//! per partnership and overall, beside the hours the payments covered (SPEC.md
//! "Participation resourcing").
//!
//! - **Which payments.** Every row of payments.csv whose `Date` is in the window (the date
//!   the money was paid, not the date of the meeting it pays for): money is a flow, like a
//!   grant's award date. Without payments.csv every figure is `None` (payment unknown); a
//!   header-only payments.csv is £0 paid.
//! - **Blocks.** Each [`Paid`] block totals its payments, in whole pence then pounds:
//!   `paid` = Σ amount; by type (involvement, backfill, honorarium, expenses); by payer
//!   (organisation id and name, largest first, then by id); and by the payee's sector.
//! - **Payee's sector.** An organisation payee: its sector. A person payee: the sector of the
//!   organisation they attend for, read from their attendance row exactly as the
//!   participation measures read it ([`super::keys::AttendanceKeys`]'s per-row sector,
//!   `individual` for a row without an organisation): the row at the meeting the payment
//!   names; for a payment naming no meeting (or one they have no row at), the sector of all
//!   their rows when those agree, `unknown` when they disagree, and `individual` when they have
//!   no attendance row (a community member known only from payments.csv).
//! - **Covered hours** of a block = Σ hours ([`Seat::hours`]) of attended rows, any sector,
//!   at the partnerships' meetings in the window that the block's own payments cover
//!   ([`PaymentIndex::covers`]: a non-`expenses` payment naming the person or their
//!   organisation and the meeting, or with a period covering its date). per_covered_hour =
//!   (paid − expenses) ÷ covered hours, `None` when there are no covered hours: expenses are
//!   money paid but do not buy time (SPEC.md), so they are in the totals and by type but not
//!   in £ per hour.
//! - **pays_per_attended_meeting**, per partnership: over its VCSE-side rows (any status) at
//!   meetings in the window that some payment covers (the covered-attendance lens's reading,
//!   every payment whatever its date), at least one is covered, every covered row was attended
//!   and every one is covered by a payment naming its meeting. For such a partnership a
//!   covered row attends by construction (the payment is made for attending), so its covered
//!   attendance rate says nothing about whether pay changes who turns up. `None` without
//!   payments.csv.
//!
//! Reading (attribution): a payment naming a meeting belongs to that meeting's partnership
//! (whether or not the meeting is in the window). A standing payment (a period and no
//! meeting) is **not tied to one partnership**: as [`super::participation`] reads it, it
//! resources every meeting of its payee in the period, whichever table it sits at, so
//! splitting it between partnerships would invent a split the data does not hold. Such
//! payments, and any naming a meeting not in meetings.csv, are reported in the
//! `not_tied` block; `overall` = Σ `by_partnership` + `not_tied`, to the penny. A row covered
//! both by a meeting payment and a standing payment counts in both blocks' covered hours
//! and once in `overall`'s.
//!
//! No count of people or rows is reported: money and hours only, so `--public` has nothing
//! here to suppress (money is never suppressed).
//!
//! Complexity: O(p + a) to index payments and attendance rows, then O(rows + payments) per
//! partnership, O(all rows) for the overall and not-tied blocks.

use super::keys::FastMap;
use super::participation::{PaymentIndex, Seat, Side};
use super::Context;
use crate::config::Parameters;
use crate::model::{Dataset, OrgId, Payee, Payment, PaymentType, Pence, PersonKey, Sector};
use serde::Serialize;
use std::collections::BTreeMap;

/// Money paid by one payer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PayerPaid {
    /// The payer's organisation identifier.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Paid, pounds.
    pub(crate) amount: f64,
}

/// Money paid to the members of one sector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SectorPaid {
    /// The payee's sector.
    pub(crate) sector: Sector,
    /// Paid, pounds.
    pub(crate) amount: f64,
}

/// Money paid in one block (a partnership, the payments tied to none, or all), pounds.
/// Every figure is `None` (lists empty) without payments.csv.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Paid {
    /// Σ amount.
    pub(crate) paid: Option<f64>,
    /// Paid for involvement.
    pub(crate) involvement: Option<f64>,
    /// Paid to employers to cover time (backfill).
    pub(crate) backfill: Option<f64>,
    /// Honoraria.
    pub(crate) honorarium: Option<f64>,
    /// Expenses reimbursed (money paid, but no time bought).
    pub(crate) expenses: Option<f64>,
    /// By payer, largest first, then by id.
    pub(crate) by_payer: Vec<PayerPaid>,
    /// By the payee's sector, in sector order.
    pub(crate) by_sector: Vec<SectorPaid>,
    /// Hours of attended rows the block's payments covered.
    pub(crate) covered_hours: Option<f64>,
    /// (paid − expenses) ÷ covered_hours; `None` with no covered hours.
    pub(crate) per_covered_hour: Option<f64>,
}

/// One partnership's payments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PartnershipPaid {
    /// `Partnership ID`.
    pub(crate) partnership: String,
    /// Its name.
    pub(crate) name: String,
    /// The money.
    #[serde(flatten)]
    pub(crate) paid: Paid,
    /// Every covered VCSE-side row was attended and covered by a payment naming its meeting
    /// (covered rows attend by construction); `None` without payments.csv.
    pub(crate) pays_per_attended_meeting: Option<bool>,
}

/// Paid participation (findings.json `payments`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Payments {
    /// Every payment in the window.
    pub(crate) overall: Paid,
    /// Standing (period) payments and payments naming a meeting not in meetings.csv: not
    /// tied to one partnership.
    pub(crate) not_tied: Paid,
    /// Per partnership, by id.
    pub(crate) by_partnership: Vec<PartnershipPaid>,
}

/// Where each attendance row is, for a payee's sector.
struct People {
    /// (person, meeting index) → the sector of their row there.
    at: FastMap<(PersonKey, u32), Sector>,
    /// person → the sector of all their rows, `unknown` when they disagree.
    all: FastMap<PersonKey, Sector>,
}

impl People {
    fn new(ctx: &Context) -> People {
        let mut at = FastMap::default();
        let mut all: FastMap<PersonKey, Sector> = FastMap::default();
        for (r, row) in ctx.data.attendance.iter().enumerate() {
            let sector = ctx.attendance.sector[r];
            if let Some(m) = ctx.attendance.meeting[r] {
                at.entry((row.person, m)).or_insert(sector);
            }
            all.entry(row.person)
                .and_modify(|s| {
                    if *s != sector {
                        *s = Sector::Unknown;
                    }
                })
                .or_insert(sector);
        }
        People { at, all }
    }

    fn sector(&self, data: &Dataset, p: &Payment, meeting: Option<u32>) -> Sector {
        match &p.payee {
            Payee::Org(o) => data.sector_of(o),
            Payee::Person(k) => meeting
                .and_then(|m| self.at.get(&(*k, m)))
                .or_else(|| self.all.get(k))
                .copied()
                .unwrap_or(Sector::Individual),
        }
    }
}

/// Sums payments, with their payees' sectors, into a block (money only; hours are added by
/// [`covered`]).
fn totals(data: &Dataset, payments: &[(&Payment, Sector)]) -> Paid {
    let mut total = Pence(0);
    let mut by_type: BTreeMap<PaymentType, Pence> = BTreeMap::new();
    let mut by_payer: BTreeMap<&OrgId, Pence> = BTreeMap::new();
    let mut by_sector: BTreeMap<Sector, Pence> = BTreeMap::new();
    for (p, sector) in payments {
        total += p.amount;
        *by_type.entry(p.kind).or_default() += p.amount;
        *by_payer.entry(&p.payer).or_default() += p.amount;
        *by_sector.entry(*sector).or_default() += p.amount;
    }
    let of = |k| Some(by_type.get(&k).copied().unwrap_or_default().pounds());
    let mut payers: Vec<(&OrgId, Pence)> = by_payer.into_iter().collect();
    payers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    Paid {
        paid: Some(total.pounds()),
        involvement: of(PaymentType::Involvement),
        backfill: of(PaymentType::Backfill),
        honorarium: of(PaymentType::Honorarium),
        expenses: of(PaymentType::Expenses),
        by_payer: payers
            .into_iter()
            .map(|(id, amount)| PayerPaid {
                id: id.to_string(),
                name: data.name_of(id),
                amount: amount.pounds(),
            })
            .collect(),
        by_sector: by_sector
            .into_iter()
            .map(|(sector, amount)| SectorPaid {
                sector,
                amount: amount.pounds(),
            })
            .collect(),
        covered_hours: None,
        per_covered_hour: None,
    }
}

/// Sets a block's covered hours over `seats` (attended rows covered by `payments`) and its
/// £ per covered hour (expenses left out).
fn covered(mut paid: Paid, payments: &[(&Payment, Sector)], seats: &[Seat]) -> Paid {
    let index = PaymentIndex::of(payments.iter().map(|(p, _)| *p), true);
    let hours: f64 = seats
        .iter()
        .filter(|s| s.attended() && index.covers(s.row, s.meeting) == Some(true))
        .map(Seat::hours)
        .fold(0.0, |a, h| a + h);
    let time_money: Pence = payments
        .iter()
        .filter(|(p, _)| p.kind != PaymentType::Expenses)
        .map(|(p, _)| p.amount)
        .sum();
    paid.covered_hours = Some(hours);
    paid.per_covered_hour = (hours > 0.0).then(|| time_money.pounds() / hours);
    paid
}

/// Whether a partnership pays per attended meeting (see the module doc): over its VCSE-side
/// seats, some row is covered (`all`), and every covered row was attended and is covered by
/// a payment naming its meeting (`by_meeting`).
fn per_attended_meeting(seats: &[Seat], all: &PaymentIndex, by_meeting: &PaymentIndex) -> bool {
    let mut any = false;
    for s in seats.iter().filter(|s| s.side() == Some(Side::Vcse)) {
        if all.covers(s.row, s.meeting) != Some(true) {
            continue;
        }
        any = true;
        if !s.attended() || by_meeting.covers(s.row, s.meeting) != Some(true) {
            return false;
        }
    }
    any
}

/// Paid participation per partnership and overall. `params` decides nothing here but the
/// seats' salaried-time reading, which covered hours do not use.
pub(crate) fn payments(ctx: &Context, params: &Parameters) -> Payments {
    let data = ctx.data;
    let Some(all_payments) = data.payments.as_deref() else {
        return Payments {
            by_partnership: data
                .partnerships
                .iter()
                .map(|p| PartnershipPaid {
                    partnership: p.id.clone(),
                    name: p.name.clone(),
                    paid: Paid::default(),
                    pays_per_attended_meeting: None,
                })
                .collect(),
            ..Payments::default()
        }
        .sorted();
    };
    let meeting_of: FastMap<&str, u32> = data
        .meetings
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i as u32))
        .collect();
    let people = People::new(ctx);

    // The window's payments, each with its payee's sector, split by partnership.
    let mut tied: BTreeMap<&str, Vec<(&Payment, Sector)>> = BTreeMap::new();
    let mut not_tied: Vec<(&Payment, Sector)> = Vec::new();
    let mut every: Vec<(&Payment, Sector)> = Vec::new();
    for p in all_payments.iter().filter(|p| ctx.window.contains(p.date)) {
        let meeting = p
            .meeting
            .as_deref()
            .and_then(|m| meeting_of.get(m))
            .copied();
        let entry = (p, people.sector(data, p, meeting));
        every.push(entry);
        match meeting {
            Some(m) => tied
                .entry(data.meetings[m as usize].partnership.as_str())
                .or_default()
                .push(entry),
            None => not_tied.push(entry),
        }
    }

    // Seats: every attendance row at a partnership meeting in the window, per partnership.
    let none = PaymentIndex::new(None);
    let mut seats: BTreeMap<&str, Vec<Seat>> = BTreeMap::new();
    for (i, m) in data.meetings.iter().enumerate() {
        if !ctx.window.contains(m.date) {
            continue;
        }
        let rows = ctx.attendance.rows_of(i).iter().map(|&r| {
            let r = r as usize;
            Seat::with_sector(
                ctx.attendance.sector[r],
                &none,
                params,
                m,
                &data.attendance[r],
            )
        });
        seats
            .entry(m.partnership.as_str())
            .or_default()
            .extend(rows);
    }
    let all_seats: Vec<Seat> = seats.values().flatten().copied().collect();

    // The covered-attendance lens's index (every payment), and its meeting-only twin.
    let lens = &*ctx.payments;
    let by_meeting = PaymentIndex::of(all_payments, false);

    let by_partnership = data
        .partnerships
        .iter()
        .map(|p| {
            let own = tied.get(p.id.as_str()).map_or(&[][..], |v| &v[..]);
            let s = seats.get(p.id.as_str()).map_or(&[][..], |v| &v[..]);
            PartnershipPaid {
                partnership: p.id.clone(),
                name: p.name.clone(),
                paid: covered(totals(data, own), own, s),
                pays_per_attended_meeting: Some(per_attended_meeting(s, lens, &by_meeting)),
            }
        })
        .collect();
    // Payments naming a meeting of a partnership not in partnerships.csv are not tied to a
    // listed one: count them with the standing payments so the blocks still add up.
    for (id, ps) in &tied {
        if !data.partnerships.iter().any(|p| p.id == *id) {
            not_tied.extend(ps.iter().copied());
        }
    }
    Payments {
        overall: covered(totals(data, &every), &every, &all_seats),
        not_tied: covered(totals(data, &not_tied), &not_tied, &all_seats),
        by_partnership,
    }
    .sorted()
}

/// One row of `tables/payments.csv`: a block's money and hours (its payer and sector lists
/// are in findings.json).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PaymentRow<'a> {
    /// `partnership`, `not tied to one partnership` or `overall`.
    pub(crate) scope: &'static str,
    /// `Partnership ID` (empty for the other scopes).
    pub(crate) partnership: &'a str,
    /// Its name (empty for the other scopes).
    pub(crate) name: &'a str,
    /// The money and hours.
    #[serde(flatten)]
    pub(crate) paid: PaidRow,
    /// See [`PartnershipPaid::pays_per_attended_meeting`] (`None` for the other scopes).
    pub(crate) pays_per_attended_meeting: Option<bool>,
}

/// A block's money and hours without its lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PaidRow {
    /// Σ amount, pounds.
    pub(crate) paid: Option<f64>,
    /// Involvement, pounds.
    pub(crate) involvement: Option<f64>,
    /// Backfill, pounds.
    pub(crate) backfill: Option<f64>,
    /// Honoraria, pounds.
    pub(crate) honorarium: Option<f64>,
    /// Expenses, pounds.
    pub(crate) expenses: Option<f64>,
    /// Hours covered.
    pub(crate) covered_hours: Option<f64>,
    /// (paid − expenses) ÷ covered hours.
    pub(crate) per_covered_hour: Option<f64>,
}

impl From<&Paid> for PaidRow {
    fn from(p: &Paid) -> PaidRow {
        PaidRow {
            paid: p.paid,
            involvement: p.involvement,
            backfill: p.backfill,
            honorarium: p.honorarium,
            expenses: p.expenses,
            covered_hours: p.covered_hours,
            per_covered_hour: p.per_covered_hour,
        }
    }
}

impl Payments {
    /// The rows of `tables/payments.csv`: each partnership by id, then the payments not tied
    /// to one, then overall.
    pub(crate) fn rows(&self) -> Vec<PaymentRow<'_>> {
        let block = |scope, paid: &Paid| PaymentRow {
            scope,
            partnership: "",
            name: "",
            paid: paid.into(),
            pays_per_attended_meeting: None,
        };
        self.by_partnership
            .iter()
            .map(|p| PaymentRow {
                scope: "partnership",
                partnership: &p.partnership,
                name: &p.name,
                paid: (&p.paid).into(),
                pays_per_attended_meeting: p.pays_per_attended_meeting,
            })
            .chain([
                block("not tied to one partnership", &self.not_tied),
                block("overall", &self.overall),
            ])
            .collect()
    }

    fn sorted(mut self) -> Payments {
        self.by_partnership
            .sort_by(|a, b| a.partnership.cmp(&b.partnership));
        self
    }

    /// The partnerships that pay per attended meeting (see the module doc), in id order.
    pub(crate) fn per_attended_meeting(&self) -> impl Iterator<Item = &PartnershipPaid> {
        self.by_partnership
            .iter()
            .filter(|p| p.pays_per_attended_meeting == Some(true))
    }

    /// The sentence naming the partnerships that pay per attended meeting (where covered
    /// rows attend by construction); `None` when there are none or payments are unknown.
    /// The chart's note and the report print it.
    pub(crate) fn per_meeting_sentence(&self) -> Option<String> {
        let names: Vec<&str> = self
            .per_attended_meeting()
            .map(|p| p.name.as_str())
            .collect();
        (!names.is_empty()).then(|| {
            format!(
                "{} {} per attended meeting: there every covered VCSE-side attendance was attended by construction, so its covered attendance rate says nothing about whether pay changes who turns up.",
                crate::present::and_list(&names),
                if names.len() == 1 { "pays" } else { "pay" }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{payments, Paid, Payments};
    use crate::config::Parameters;
    use crate::measures::testkit::{date, org, person, Builder};
    use crate::measures::{Context, Window};
    use crate::model::{Payee, PaymentType, PersonKey, Sector, Status};
    use proptest::prelude::*;

    use crate::measures::testkit::{CHARITY_ONE as V, COUNCIL as F};

    /// P1 meets on 2024-01-10 (M1), P2 on 2024-02-10 (M2), two hours each. Person 1 attends
    /// for the council F, person 2 for the charity V, person 4 as themself.
    fn two_tables() -> Builder {
        use Status::{Absent, Attended};
        Builder::council_and_charity()
            .partnership("P1", F, None)
            .meeting("M1", "2024-01-10", Some(F), None)
            .row(1, Some(F), Attended)
            .row(2, Some(V), Attended)
            .row(4, None, Attended)
            .partnership("P2", F, None)
            .meeting("M2", "2024-02-10", Some(F), None)
            .row(2, Some(V), Attended)
            .row(4, None, Absent)
    }

    fn run(fx: &Builder, window: Window) -> Payments {
        payments(
            &Context::new(&fx.data, None, window),
            &Parameters::default(),
        )
    }

    fn paid_fixture() -> Builder {
        use PaymentType::*;
        two_tables()
            // a: £25 involvement to person 4 for M1 (P1).
            .pay_meeting(person(4), "M1", Involvement)
            .paid(F, 2500, "2024-01-10")
            // b: £4.50 expenses to person 4 for M1 (P1): money, no time.
            .pay_meeting(person(4), "M1", Expenses)
            .paid(F, 450, "2024-01-10")
            // c: £30 involvement from the charity to person 2 for M2 (P2).
            .pay_meeting(person(2), "M2", Involvement)
            .paid(V, 3000, "2024-02-10")
            // g: £15 to person 4 for M2, which they missed (P2).
            .pay_meeting(person(4), "M2", Involvement)
            .paid(V, 1500, "2024-02-10")
            // d: £100 backfill to the charity for January: standing, not tied.
            .pay_period(Payee::Org(org(V)), ("2024-01-01", "2024-01-31"), Backfill)
            .paid(F, 10_000, "2024-01-31")
            // f: £10 honorarium for March to person 9, who attends nothing: individual, not tied.
            .pay_period(person(9), ("2024-03-01", "2024-03-31"), Honorarium)
            .paid(F, 1000, "2024-03-31")
            // e: £20 honorarium to person 2 for M1, paid 2023-12-01: outside the window below.
            .pay_meeting(person(2), "M1", Honorarium)
            .paid(F, 2000, "2023-12-01")
    }

    fn from_2024() -> Window {
        Window {
            from: Some(date("2024-01-01")),
            to: None,
        }
    }

    fn sectors(p: &Paid) -> Vec<(Sector, f64)> {
        p.by_sector.iter().map(|s| (s.sector, s.amount)).collect()
    }

    #[test]
    fn totals_by_type_payer_sector_and_hours_by_hand() {
        let r = run(&paid_fixture(), from_2024());
        let (p1, p2) = (&r.by_partnership[0], &r.by_partnership[1]);
        // P1: a + b = £25 + £4.50 = £29.50, all to person 4 (no organisation at M1:
        // individual). Covered: a covers person 4 at M1, 2 h; b is expenses. £25 ÷ 2 h = £12.50.
        assert_eq!(p1.paid.paid, Some(29.5));
        assert_eq!(
            (p1.paid.involvement, p1.paid.expenses),
            (Some(25.0), Some(4.5))
        );
        assert_eq!(sectors(&p1.paid), vec![(Sector::Individual, 29.5)]);
        assert_eq!(p1.paid.covered_hours, Some(2.0));
        assert_eq!(p1.paid.per_covered_hour, Some(12.5));
        // P2: c + g = £30 + £15 = £45 from the charity; person 2 attends M2 for V (vcse
        // £30), person 4 as themself (individual £15). Covered: person 2 at M2, 2 h (person 4
        // was absent). £45 ÷ 2 h = £22.50.
        assert_eq!(p2.paid.paid, Some(45.0));
        assert_eq!(p2.paid.by_payer[0].id, V);
        assert_eq!(
            sectors(&p2.paid),
            vec![(Sector::Vcse, 30.0), (Sector::Individual, 15.0)]
        );
        assert_eq!(p2.paid.covered_hours, Some(2.0));
        assert_eq!(p2.paid.per_covered_hour, Some(22.5));
        // Not tied: d + f = £100 + £10 = £110 (backfill £100 to V: vcse; honorarium £10 to
        // person 9, no attendance row: individual). d covers person 2 at M1 through V: 2 h.
        // £110 ÷ 2 h = £55.
        let nt = &r.not_tied;
        assert_eq!(nt.paid, Some(110.0));
        assert_eq!((nt.backfill, nt.honorarium), (Some(100.0), Some(10.0)));
        assert_eq!(
            sectors(nt),
            vec![(Sector::Vcse, 100.0), (Sector::Individual, 10.0)]
        );
        assert_eq!(nt.covered_hours, Some(2.0));
        assert_eq!(nt.per_covered_hour, Some(55.0));
        // Overall: £29.50 + £45 + £110 = £184.50 (e is dated before the window). By type:
        // involvement 25 + 30 + 15 = 70, backfill 100, honorarium 10, expenses 4.50. By payer:
        // F 25 + 4.50 + 100 + 10 = 139.50, V 45. By sector: vcse 30 + 100 = 130, individual
        // 25 + 4.50 + 15 + 10 = 54.50. Covered: person 4 at M1, person 2 at M2 and at M1,
        // 6 h; (184.50 − 4.50) ÷ 6 = £30.
        let o = &r.overall;
        assert_eq!(o.paid, Some(184.5));
        assert_eq!(
            (o.involvement, o.backfill, o.honorarium, o.expenses),
            (Some(70.0), Some(100.0), Some(10.0), Some(4.5))
        );
        let payers: Vec<(&str, f64)> = o
            .by_payer
            .iter()
            .map(|p| (p.id.as_str(), p.amount))
            .collect();
        assert_eq!(payers, vec![(F, 139.5), (V, 45.0)]);
        assert_eq!(o.by_payer[0].name, "Fundholder Council");
        assert_eq!(
            sectors(o),
            vec![(Sector::Vcse, 130.0), (Sector::Individual, 54.5)]
        );
        assert_eq!(o.covered_hours, Some(6.0));
        assert_eq!(o.per_covered_hour, Some(30.0));
    }

    #[test]
    fn pays_per_attended_meeting_by_hand() {
        let r = run(&paid_fixture(), from_2024());
        // P1's VCSE-side rows: person 2 (covered by e, naming M1, and by d) and person 4
        // (covered by a, naming M1), both attended: per attended meeting.
        assert_eq!(r.by_partnership[0].pays_per_attended_meeting, Some(true));
        // P2: g covers person 4 at M2, who was absent: a covered row that did not attend.
        assert_eq!(r.by_partnership[1].pays_per_attended_meeting, Some(false));
        // Without g, P2's only covered row (person 2, named by c) attended.
        let mut fx = paid_fixture();
        if let Some(ps) = fx.data.payments.as_mut() {
            ps.retain(|p| p.id != "PAY4");
        }
        let r = run(&fx, from_2024());
        assert_eq!(r.by_partnership[1].pays_per_attended_meeting, Some(true));
        // Covered only by a standing payment: not per meeting.
        let fx = two_tables()
            .pay_period(
                person(2),
                ("2024-01-01", "2024-12-31"),
                PaymentType::Honorarium,
            )
            .paid(F, 500, "2024-01-01");
        let r = run(&fx, Window::default());
        assert_eq!(r.by_partnership[0].pays_per_attended_meeting, Some(false));
        // Nothing covered: nothing to say it pays per meeting.
        let r = run(&two_tables(), Window::default());
        assert_eq!(r.by_partnership[0].pays_per_attended_meeting, Some(false));
    }

    #[test]
    fn no_payments_csv_is_null_and_header_only_is_zero() {
        let r = run(&two_tables().without_payments(), Window::default());
        assert_eq!(r.overall, Paid::default());
        assert_eq!(r.not_tied.paid, None);
        assert_eq!(r.by_partnership.len(), 2);
        assert!(r
            .by_partnership
            .iter()
            .all(|p| p.paid == Paid::default() && p.pays_per_attended_meeting.is_none()));
        // Header-only: £0 paid, 0 covered hours, no £ per hour.
        let r = run(&two_tables(), Window::default());
        assert_eq!(r.overall.paid, Some(0.0));
        assert_eq!(r.overall.expenses, Some(0.0));
        assert_eq!(r.overall.covered_hours, Some(0.0));
        assert_eq!(r.overall.per_covered_hour, None);
        assert_eq!(r.by_partnership[1].paid.paid, Some(0.0));
    }

    #[test]
    fn a_payment_naming_an_unknown_meeting_is_not_tied() {
        let fx = two_tables()
            .pay_meeting(person(2), "M-GONE", PaymentType::Involvement)
            .paid(F, 700, "2024-01-01");
        let r = run(&fx, Window::default());
        // £7 to person 2, whose rows (M1, M2) are both for V: vcse.
        assert_eq!(r.not_tied.paid, Some(7.0));
        assert_eq!(sectors(&r.not_tied), vec![(Sector::Vcse, 7.0)]);
        assert_eq!(r.by_partnership[0].paid.paid, Some(0.0));
        assert_eq!(r.overall.paid, Some(7.0));
    }

    fn pence(x: Option<f64>) -> i64 {
        (x.unwrap_or(0.0) * 100.0).round() as i64
    }

    fn check_block(p: &Paid) -> Result<(), TestCaseError> {
        let total = pence(p.paid);
        let by_type =
            pence(p.involvement) + pence(p.backfill) + pence(p.honorarium) + pence(p.expenses);
        let by_payer: i64 = p.by_payer.iter().map(|x| pence(Some(x.amount))).sum();
        let by_sector: i64 = p.by_sector.iter().map(|x| pence(Some(x.amount))).sum();
        prop_assert_eq!(by_type, total);
        prop_assert_eq!(by_payer, total);
        prop_assert_eq!(by_sector, total);
        prop_assert!(p.covered_hours.is_none_or(|h| h >= 0.0));
        prop_assert!(p.per_covered_hour.is_none_or(|x| x >= 0.0));
        Ok(())
    }

    proptest! {
        /// Σ by type = Σ by payer = Σ by sector = paid in every block, and overall = Σ
        /// partnerships + not tied, to the penny.
        #[test]
        fn every_breakdown_sums_to_the_total(
            ps in prop::collection::vec((
                0usize..3,
                0u32..6,
                any::<bool>(),
                prop::option::of(0usize..3),
                prop::option::of((0u64..60, 0u64..40)),
                0i64..100_000,
                0usize..4,
                0u64..90,
            ), 0..20),
            bounded in any::<bool>(),
        ) {
            let kinds = [
                PaymentType::Involvement,
                PaymentType::Backfill,
                PaymentType::Honorarium,
                PaymentType::Expenses,
            ];
            let payers = [F, V, "GB-COH-9"];
            let meetings = ["M1", "M2", "M-GONE"];
            let day0 = date("2024-01-01");
            let mut fx = two_tables();
            for (payer, who, to_org, meeting, period, amount, kind, day) in ps {
                let payee = if to_org {
                    Payee::Org(org(payers[who as usize % 2]))
                } else {
                    Payee::Person(PersonKey(who))
                };
                let span = period.map(|(s, len)| {
                    let s = day0 + chrono::Days::new(s);
                    (s.to_string(), (s + chrono::Days::new(len)).to_string())
                });
                let date = (day0 + chrono::Days::new(day)).to_string();
                let period = span.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
                fx = fx
                    .pay(payee, meeting.map(|m| meetings[m]), period, kinds[kind])
                    .paid(payers[payer], amount, &date);
            }
            let window = if bounded { Window { from: None, to: Some(date("2024-02-15")) } } else { Window::default() };
            let r = run(&fx, window);
            check_block(&r.overall)?;
            check_block(&r.not_tied)?;
            let mut parts = pence(r.not_tied.paid);
            for p in &r.by_partnership {
                check_block(&p.paid)?;
                parts += pence(p.paid.paid);
            }
            prop_assert_eq!(parts, pence(r.overall.paid));
        }
    }
}
