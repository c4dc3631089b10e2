//! A tiny dataset builder for hand-worked measure tests.

use crate::model::{
    Dataset, Grant, OrgId, Organisation, Pence, PersonKey, Recipient, Sector, SectorRule,
};
use chrono::NaiveDate;

/// `2024-06-30` → a date (tests only).
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// An organisation identifier (tests only).
pub fn org(id: &str) -> OrgId {
    OrgId::parse(id).unwrap_or_else(|| org("EMPTY"))
}

/// An organisation as organisations.csv would list it, with nothing optional set (tests
/// only; shared by [`Builder`], the partnership fixture and the graph tests).
pub fn organisation(id: &str, name: &str, sector: Sector) -> Organisation {
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
pub fn recipient(raw: &str) -> Recipient {
    match raw.strip_prefix("person:") {
        Some(k) => Recipient::Individual(PersonKey(k.parse().expect("person number"))),
        None => Recipient::Org(org(raw)),
    }
}

/// A grant of whole pounds awarded on `award`, with nothing optional set (tests only).
pub fn plain_grant(
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

/// Builds a dataset row by row.
#[derive(Default)]
pub struct Builder {
    data: Dataset,
}

impl Builder {
    /// Adds an organisation with a sector and an optional income in pounds.
    pub fn org(mut self, id: &str, sector: Sector, income: Option<i64>) -> Self {
        let o = Organisation {
            annual_income: income.map(|p| Pence(p * 100)),
            ..organisation(id, &format!("Org {}", org(id)), sector)
        };
        self.data.organisations.insert(o.id.clone(), o);
        self
    }

    /// Sets an organisation's area.
    pub fn area(mut self, id: &str, area: &str) -> Self {
        if let Some(o) = self.data.organisations.get_mut(&org(id)) {
            o.area = Some(area.to_owned());
        }
        self
    }

    /// Adds a grant of whole pounds; `period` is (planned start, planned end).
    pub fn grant(
        mut self,
        funder: &str,
        recipient: &str,
        pounds: i64,
        award: &str,
        period: Option<(&str, &str)>,
    ) -> Self {
        let n = self.data.grants.len();
        self.data.grants.push(Grant {
            planned_start: period.map(|p| date(p.0)),
            planned_end: period.map(|p| date(p.1)),
            ..plain_grant(
                format!("G{n}"),
                funder,
                crate::measures::testkit::recipient(recipient),
                pounds,
                award,
                n as u64 + 2,
            )
        });
        self
    }

    /// The dataset.
    pub fn build(self) -> Dataset {
        self.data
    }
}
