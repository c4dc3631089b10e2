//! The measures of SPEC.md "Definitions", one module per family. Each is a pure function of
//! the typed [`Dataset`] (through a [`Context`]) returning `Serialize` structs: no I/O, no
//! printing, no global state.
//!
//! Layering: imports between these files point one way, down this list; no file imports one
//! below it.
//!
//! 1. `stats`, `period`, `keys`: leaves; they import nothing from `measures`.
//! 2. this file (`Context`, `Window`): `keys`, `period`.
//! 3. `participation`: `keys`, `period`.
//! 4. `balance`: `keys`, `participation`, `Context`.
//! 5. `partnership`: `keys`, `participation`, `balance`, `Context`.
//! 6. `concentration`, `dependency`, `equity`: any of 1–3 (none imports another of 6, nor
//!    `balance` or `partnership`).
//! 7. `payments`: `keys`, `participation`, `Context` (nothing imports it but findings).
//!
//! `testkit` (tests only) imports nothing from `measures` but `Context`, `Window` and
//! `partnership_figures` (to run the partnership figures on what it builds); any file's tests
//! may use it.

pub(crate) mod balance;
pub mod concentration;
pub(crate) mod dependency;
pub(crate) mod equity;
pub(crate) mod keys;
pub(crate) mod participation;
pub(crate) mod partnership;
pub(crate) mod payments;
pub(crate) mod period;
pub mod stats;
#[cfg(test)]
pub(crate) mod testkit;

use crate::model::{Dataset, OrgId, Pence, Sector};
use chrono::NaiveDate;
use period::GrantPeriod;
use serde::Serialize;
use std::sync::Arc;

/// The `--from` / `--to` window (inclusive) for flow measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Window {
    /// First day, if bounded.
    pub from: Option<NaiveDate>,
    /// Last day, if bounded.
    pub to: Option<NaiveDate>,
}

impl Window {
    /// from ≤ date ≤ to, for the bounds that are set.
    pub(crate) fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }

    /// The UK financial year `fy`: 1 April `fy` to 31 March `fy + 1`.
    pub fn financial_year(fy: i32) -> Option<Window> {
        Some(Window {
            from: NaiveDate::from_ymd_opt(fy, 4, 1),
            to: Some(NaiveDate::from_ymd_opt(fy + 1, 3, 31)?),
        })
    }
}

/// What every measure reads: the data, the point in time, the window, and what is derived
/// once per grant (its period, its funder, recipient and area as numbers), index-aligned with `data.grants` and
/// shared between contexts of the same dataset (`Context::at`).
#[derive(Debug, Clone)]
pub struct Context<'d> {
    /// The dataset.
    pub(crate) data: &'d Dataset,
    /// The point in time for active grants, dependency and cliffs.
    pub(crate) as_of: NaiveDate,
    /// The window for flow measures.
    pub(crate) window: Window,
    /// `periods[i]` is the period of `data.grants[i]`.
    pub(crate) periods: Arc<[GrantPeriod]>,
    /// The latest award or meeting date in the dataset.
    pub(crate) latest: Option<NaiveDate>,
    /// Every grant's funder, recipient and area as dense numbers.
    pub(crate) keys: Arc<keys::GrantKeys>,
    /// Every attendance row's sector and meeting, and each meeting's rows.
    pub(crate) attendance: Arc<keys::AttendanceKeys>,
    /// Every payment that can resource time, indexed by payee (built once; read by the
    /// graph, the partnership measures, equity and payments).
    pub(crate) payments: Arc<participation::PaymentIndex<'d>>,
}

impl<'d> Context<'d> {
    /// as_of: `as_of` if given; else the window's end; else the latest award or meeting date
    /// in the dataset (SPEC.md); else today's date is never used — an empty dataset gets
    /// 1970-01-01 so output stays deterministic.
    pub fn new(data: &'d Dataset, as_of: Option<NaiveDate>, window: Window) -> Context<'d> {
        // Four independent passes (grants' keys, attendance keys, the payment index,
        // periods), run at once.
        let ((keys, (attendance, payments)), periods) = rayon::join(
            || {
                rayon::join(
                    || keys::GrantKeys::new(data),
                    || {
                        rayon::join(
                            || keys::AttendanceKeys::new(data),
                            || participation::PaymentIndex::new(data.payments.as_deref()),
                        )
                    },
                )
            },
            || {
                data.grants
                    .iter()
                    .map(GrantPeriod::of)
                    .collect::<Arc<[GrantPeriod]>>()
            },
        );
        let base = Context {
            data,
            as_of: NaiveDate::MIN,
            window,
            latest: data
                .grants
                .iter()
                .map(|g| g.award_date)
                .chain(data.meetings.iter().map(|m| m.date))
                .max(),
            periods,
            keys: Arc::new(keys),
            attendance: Arc::new(attendance),
            payments: Arc::new(payments),
        };
        base.at(as_of, window)
    }

    /// The same dataset at another point in time and window, sharing the per-grant facts
    /// (O(1): no grant is looked at again). as_of is resolved as in [`Context::new`].
    pub(crate) fn at(&self, as_of: Option<NaiveDate>, window: Window) -> Context<'d> {
        let as_of = as_of
            .or(window.to)
            .or(self.latest)
            .unwrap_or(NaiveDate::MIN.max(chrono::DateTime::UNIX_EPOCH.date_naive()));
        Context {
            data: self.data,
            as_of,
            window,
            periods: Arc::clone(&self.periods),
            latest: self.latest,
            keys: Arc::clone(&self.keys),
            attendance: Arc::clone(&self.attendance),
            payments: Arc::clone(&self.payments),
        }
    }

    /// The sector of grant `i`'s recipient (`individual` for people).
    pub(crate) fn sector(&self, i: usize) -> Sector {
        self.keys.recipient_sector(i)
    }

    /// The money each organisation received in the window (grants to individuals are no
    /// organisation's), summed by organisation number: no identifier is hashed per grant.
    /// O(G + V).
    pub(crate) fn received_in_window(&self) -> Received<'_> {
        let mut pence = vec![crate::model::Pence(0); self.keys.orgs.len()];
        for i in self.grants_in_window() {
            if let keys::Party::Org(o) = self.keys.recipient[i] {
                pence[o as usize] += self.data.grants[i].amount;
            }
        }
        Received {
            orgs: &self.keys.orgs,
            pence,
        }
    }

    /// Indices of grants awarded inside the window (flow measures).
    pub(crate) fn grants_in_window(&self) -> impl Iterator<Item = usize> + '_ {
        self.data
            .grants
            .iter()
            .enumerate()
            .filter(|(_, g)| self.window.contains(g.award_date))
            .map(|(i, _)| i)
    }

    /// Indices of grants awarded on or before as_of and active at as_of (point-in-time
    /// measures use every such grant, whatever the window says).
    pub(crate) fn active_grants(&self) -> impl Iterator<Item = usize> + '_ {
        self.data
            .grants
            .iter()
            .enumerate()
            .filter(|(i, g)| g.award_date <= self.as_of && self.periods[*i].is_active(self.as_of))
            .map(|(i, _)| i)
    }
}

/// Money received in the window per organisation ([`Context::received_in_window`]).
#[derive(Debug, Clone)]
pub(crate) struct Received<'c> {
    /// The context's organisations, sorted by identifier.
    orgs: &'c [OrgId],
    /// `pence[o]`: what `orgs[o]` received.
    pence: Vec<Pence>,
}

impl Received<'_> {
    /// What `id` received (nothing when no grant names it). O(log V).
    pub(crate) fn get(&self, id: &OrgId) -> Pence {
        self.orgs
            .binary_search(id)
            .map_or(Pence(0), |n| self.pence[n])
    }

    /// Every organisation that received a non-zero amount, by identifier.
    pub(crate) fn nonzero(&self) -> impl Iterator<Item = (&OrgId, Pence)> + '_ {
        self.orgs
            .iter()
            .zip(self.pence.iter().copied())
            .filter(|(_, p)| p.0 != 0)
    }
}
