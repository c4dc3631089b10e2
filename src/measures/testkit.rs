//! One dataset builder for hand-worked tests (tests only): organisations, grants,
//! partnerships, meetings, attendance and payments, row by row.
//!
//! The helpers panic on a malformed test literal (a date that is not `YYYY-MM-DD`, a blank
//! identifier, a modifier with nothing to modify): a typo in a test should fail loudly, not
//! build some other dataset.

use crate::config::Parameters;
use crate::measures::partnership::{partnership_figures, PartnershipFigures};
use crate::measures::{Context, Window};
use crate::model::{
    Attendance, Dataset, Grant, Meeting, OrgId, Organisation, Partnership, Payee, Payment,
    PaymentType, Pence, PersonKey, Recipient, Restriction, Sector, SectorRule, Sources, Status,
};
use chrono::{NaiveDate, NaiveTime};

/// `2024-06-30` → a date (tests only; panics on anything else).
pub(crate) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("test date {s:?}: {e}"))
}

/// An organisation identifier (tests only; panics on a blank one).
pub(crate) fn org(id: &str) -> OrgId {
    OrgId::parse(id).unwrap_or_else(|| panic!("test organisation id {id:?} is blank"))
}

/// The fundholder of the partnership fixtures: a statutory council, "Fundholder Council".
pub(crate) const COUNCIL: &str = "GB-LAE-F";
/// The partnership fixtures' first VCSE charity, "Charity One".
pub(crate) const CHARITY_ONE: &str = "GB-CHC-1";

/// Person `k` as a payee (tests only).
pub(crate) fn person(k: u32) -> Payee {
    Payee::Person(PersonKey(k))
}

/// An organisation as organisations.csv would list it, with nothing optional set (tests
/// only; what [`Builder::named_org`] adds).
pub(crate) fn organisation(id: &str, name: &str, sector: Sector) -> Organisation {
    Organisation {
        id: org(id),
        name: name.to_owned(),
        sector,
        sector_rule: SectorRule::OrganisationsCsv,
        org_type: None,
        annual_income: None,
        area: None,
        led_by: Vec::new(),
        charity_number: None,
        company_number: None,
    }
}

/// `person:N` → the individual with key N; anything else → that organisation (tests only).
pub(crate) fn recipient(raw: &str) -> Recipient {
    match raw.strip_prefix("person:") {
        Some(k) => Recipient::Individual(PersonKey(k.parse().expect("person number"))),
        None => Recipient::Org(org(raw)),
    }
}

/// A grant of whole pounds awarded on `award`, with nothing optional set (tests only).
pub(crate) fn plain_grant(
    id: String,
    funder: &str,
    recipient: Recipient,
    pounds: i64,
    award: &str,
    source_line: u64,
) -> Grant {
    Grant {
        id,
        amount: Pence(pounds * 100),
        award_date: date(award),
        funder: org(funder),
        recipient,
        planned_start: None,
        planned_end: None,
        duration_months: None,
        programme: None,
        beneficiary_location: None,
        regrant_type: None,
        restriction: None,
        unrestricted_keywords: None,
        source_line,
    }
}

/// Builds a dataset row by row. Modifiers ([`Builder::period`], [`Builder::decision`],
/// [`Builder::row`], …) act on the last grant, partnership or meeting added.
///
/// Two starting points: [`Builder::default`], a grants file alone (no sources recorded,
/// payments unknown), and [`Builder::all_files`], every input file present with payments.csv
/// empty. `data` is open for the odd field no method sets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Builder {
    /// The dataset so far.
    pub(crate) data: Dataset,
    /// The number of the first grant's id: `G0` from [`Builder::default`], `G1` from
    /// [`Builder::all_files`] (the two builders this one replaces numbered so; kept, so that
    /// every test builds the dataset it always did). Either way the first grant is on line 2.
    first_grant: usize,
}

impl Builder {
    /// Every input file present (grants.csv … payments.csv), payments.csv with a header
    /// only (nobody paid) until [`Builder::pay`] or [`Builder::without_payments`].
    pub(crate) fn all_files() -> Builder {
        let data = Dataset {
            sources: Sources {
                grants: Some("grants.csv".into()),
                organisations: Some("organisations.csv".into()),
                partnerships: Some("partnerships.csv".into()),
                meetings: Some("meetings.csv".into()),
                attendance: Some("attendance.csv".into()),
                payments: Some("payments.csv".into()),
            },
            payments: Some(Vec::new()),
            ..Dataset::default()
        };
        Builder {
            data,
            first_grant: 1,
        }
    }

    /// Adds an organisation named "Org ID".
    pub(crate) fn org(self, id: &str, sector: Sector) -> Builder {
        let name = format!("Org {}", org(id));
        self.named_org(id, &name, sector)
    }

    /// Adds an organisation with a name.
    pub(crate) fn named_org(mut self, id: &str, name: &str, sector: Sector) -> Builder {
        self.data
            .organisations
            .insert(org(id), organisation(id, name, sector));
        self
    }

    fn organisation_mut(&mut self, id: &str) -> &mut Organisation {
        self.data
            .organisations
            .get_mut(&org(id))
            .unwrap_or_else(|| panic!("test organisation {id} is not added"))
    }

    /// Sets an organisation's annual income in whole pounds.
    pub(crate) fn income(mut self, id: &str, pounds: i64) -> Builder {
        self.organisation_mut(id).annual_income = Some(Pence(pounds * 100));
        self
    }

    /// Sets an organisation's area.
    pub(crate) fn area(mut self, id: &str, area: &str) -> Builder {
        self.organisation_mut(id).area = Some(area.to_owned());
        self
    }

    /// Adds a grant of whole pounds from `funder` to an organisation, or to a person when
    /// `recipient` is `person:N`; no period, no programme.
    pub(crate) fn grant(
        mut self,
        funder: &str,
        recipient: &str,
        pounds: i64,
        award: &str,
    ) -> Builder {
        let n = self.data.grants.len();
        self.data.grants.push(plain_grant(
            format!("G{}", n + self.first_grant),
            funder,
            self::recipient(recipient),
            pounds,
            award,
            n as u64 + 2,
        ));
        self
    }

    fn last_grant(&mut self) -> &mut Grant {
        self.data.grants.last_mut().expect("a grant first")
    }

    /// Sets the last grant's planned start and end.
    pub(crate) fn period(mut self, start: &str, end: &str) -> Builder {
        let g = self.last_grant();
        g.planned_start = Some(date(start));
        g.planned_end = Some(date(end));
        self
    }

    /// Sets the last grant's length in months (`Duration (months)`).
    pub(crate) fn months(mut self, months: f64) -> Builder {
        self.last_grant().duration_months = Some(months);
        self
    }

    /// Sets the last grant's restriction, as a `Restriction` column records it.
    pub(crate) fn restriction(mut self, restriction: Restriction) -> Builder {
        self.last_grant().restriction = Some(restriction);
        self
    }

    /// Records whether the last grant's text names unrestricted funding.
    pub(crate) fn unrestricted_keywords(mut self, found: bool) -> Builder {
        self.last_grant().unrestricted_keywords = Some(found);
        self
    }

    /// Sets the last grant's programme.
    pub(crate) fn programme(mut self, title: &str) -> Builder {
        self.last_grant().programme = Some(title.to_owned());
        self
    }

    /// Adds a partnership named "PID Partnership".
    pub(crate) fn partnership(
        mut self,
        pid: &str,
        fundholder: &str,
        programme: Option<&str>,
    ) -> Builder {
        self.data.partnerships.push(Partnership {
            id: pid.into(),
            name: format!("{pid} Partnership"),
            fundholder: org(fundholder),
            programme: programme.map(str::to_owned),
        });
        self
    }

    /// Renames the last partnership.
    pub(crate) fn partnership_name(mut self, name: &str) -> Builder {
        let p = self.data.partnerships.last_mut();
        p.expect("a partnership first").name = name.to_owned();
        self
    }

    /// Adds a two-hour meeting of the last partnership.
    pub(crate) fn meeting(
        mut self,
        mid: &str,
        day: &str,
        host: Option<&str>,
        chair: Option<&str>,
    ) -> Builder {
        let partnership = self
            .data
            .partnerships
            .last()
            .map(|p| p.id.clone())
            .expect("a partnership first");
        self.data.meetings.push(Meeting {
            id: mid.into(),
            partnership,
            date: date(day),
            duration_hours: 2.0,
            host: host.map(org),
            chair: chair.map(org),
            decision: None,
            kind: None,
            start_time: None,
        });
        self
    }

    fn last_meeting(&mut self) -> &mut Meeting {
        self.data.meetings.last_mut().expect("a meeting first")
    }

    /// Marks the last meeting as a decision meeting.
    pub(crate) fn decision(mut self) -> Builder {
        self.last_meeting().decision = Some(true);
        self
    }

    /// Sets the last meeting's start time, `HH:MM`.
    pub(crate) fn starts(mut self, hhmm: &str) -> Builder {
        self.last_meeting().start_time = Some(
            NaiveTime::parse_from_str(hhmm, "%H:%M")
                .unwrap_or_else(|e| panic!("test time {hhmm:?}: {e}")),
        );
        self
    }

    /// Sets the last meeting's length in hours.
    pub(crate) fn duration(mut self, hours: f64) -> Builder {
        self.last_meeting().duration_hours = hours;
        self
    }

    /// Adds an attendance row at the last meeting.
    pub(crate) fn row(self, person: u32, org: Option<&str>, status: Status) -> Builder {
        self.row_hours(person, org, status, None)
    }

    /// Adds an attendance row at the last meeting with its own hours.
    pub(crate) fn row_hours(
        mut self,
        person: u32,
        org: Option<&str>,
        status: Status,
        hours: Option<f64>,
    ) -> Builder {
        let meeting = self.last_meeting().id.clone();
        self.data.attendance.push(Attendance {
            meeting,
            person: PersonKey(person),
            org: org.map(self::org),
            status,
            hours,
        });
        self
    }

    /// Adds a £40 payment from `GB-PAYER` dated 2024-01-01, for a meeting or a period.
    pub(crate) fn pay(
        mut self,
        payee: Payee,
        meeting: Option<&str>,
        period: Option<(&str, &str)>,
        kind: PaymentType,
    ) -> Builder {
        let payments = self.data.payments.get_or_insert_with(Vec::new);
        payments.push(Payment {
            id: format!("PAY{}", payments.len() + 1),
            payer: org("GB-PAYER"),
            payee,
            meeting: meeting.map(str::to_owned),
            period: period.map(|(s, e)| (date(s), date(e))),
            amount: Pence(4000),
            kind,
            date: date("2024-01-01"),
        });
        self
    }

    /// [`Builder::all_files`] with the partnership fixtures' two organisations: the
    /// statutory [`COUNCIL`], then the VCSE [`CHARITY_ONE`].
    pub(crate) fn council_and_charity() -> Builder {
        Builder::all_files()
            .named_org(COUNCIL, "Fundholder Council", Sector::Statutory)
            .named_org(CHARITY_ONE, "Charity One", Sector::Vcse)
    }

    /// [`Builder::pay`] for a payment naming `meeting` (it covers that meeting).
    pub(crate) fn pay_meeting(self, payee: Payee, meeting: &str, kind: PaymentType) -> Builder {
        self.pay(payee, Some(meeting), None, kind)
    }

    /// [`Builder::pay`] for a standing payment for `from..=to` (it covers the meetings in
    /// that period).
    pub(crate) fn pay_period(
        self,
        payee: Payee,
        (from, to): (&str, &str),
        kind: PaymentType,
    ) -> Builder {
        self.pay(payee, None, Some((from, to)), kind)
    }

    fn last_payment(&mut self) -> &mut Payment {
        self.data
            .payments
            .as_mut()
            .and_then(|ps| ps.last_mut())
            .expect("a payment first")
    }

    /// Sets the last payment's payer, amount in pence and date.
    pub(crate) fn paid(mut self, payer: &str, pence: i64, day: &str) -> Builder {
        let p = self.last_payment();
        (p.payer, p.amount, p.date) = (org(payer), Pence(pence), date(day));
        self
    }

    /// No payments.csv: payment unknown.
    pub(crate) fn without_payments(mut self) -> Builder {
        self.data.payments = None;
        self.data.sources.payments = None;
        self
    }

    /// The dataset.
    pub(crate) fn build(self) -> Dataset {
        self.data
    }

    /// Every partnership's figures, no window, default parameters.
    pub(crate) fn figures(&self) -> Vec<PartnershipFigures> {
        self.figures_with(Window::default(), &Parameters::default())
    }

    /// Every partnership's figures.
    pub(crate) fn figures_with(
        &self,
        window: Window,
        params: &Parameters,
    ) -> Vec<PartnershipFigures> {
        let ctx = Context::new(&self.data, None, window);
        partnership_figures(&ctx, params)
    }

    /// The figures of the first partnership (by id).
    pub(crate) fn one(&self) -> PartnershipFigures {
        self.figures().into_iter().next().expect("one partnership")
    }
}
