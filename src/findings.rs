//! Findings: every measure computed once, in the shape of SPEC.md's `findings.json`. JSON,
//! tables, charts and the report all read this one value, so a number in the report is the
//! number in the JSON.

use crate::config::Parameters;
use crate::flags::{self, Flag};
use crate::measures::concentration::{
    self, Concentration, ConcentrationFindings, DominanceFindings,
};
use crate::measures::dependency::{self, QuarterEnding, RecipientFigures};
use crate::measures::partnership::{self, PartnershipFigures};
use crate::measures::{Context, Window};
use crate::model::{Dataset, FileQuality, OrgId, Recipient, Sector, SectorRule};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The version of the `findings.json` layout.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything `fundflow analyse` found.
#[derive(Debug, Clone, Serialize)]
pub struct Findings {
    /// Layout version.
    pub schema_version: u32,
    /// The point in time for active grants, dependency and cliffs.
    pub as_of: NaiveDate,
    /// The window for flow measures.
    pub window: Window,
    /// Every threshold and assumption used.
    pub parameters: Parameters,
    /// Money in the window.
    pub totals: Totals,
    /// Per funder.
    pub funders: Vec<FunderRow>,
    /// Per recipient.
    pub recipients: Vec<RecipientFigures>,
    /// Per partnership.
    pub partnerships: Vec<PartnershipFigures>,
    /// Concentration of the whole dataset and per area.
    pub concentration: ConcentrationSummary,
    /// Funder dominance of money to the VCSE side.
    pub dominance: DominanceFindings,
    /// Annual value ending per quarter.
    pub cliff: Cliff,
    /// Flags, sorted (high first, then code, subject, partnership).
    pub flags: Vec<Flag>,
    /// Analyses not run, and the file each lacked.
    pub skipped: Vec<Skipped>,
    /// How every input row was used, and how sectors were decided.
    pub data_quality: Quality,
}

/// Totals over grants awarded in the window.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Grants.
    pub grants: usize,
    /// All awards, pounds (regranted money counted at each step).
    pub amount: f64,
    /// Awards by funders that received no grant in the window themselves, pounds: money
    /// entering the area's funding network, counted once.
    pub amount_from_original_funders: f64,
    /// Distinct funders.
    pub funders: usize,
    /// Distinct recipients (organisations, plus each individual).
    pub recipients: usize,
    /// By recipient sector, in sector order.
    pub by_sector: Vec<SectorTotal>,
}

/// Money to one sector.
#[derive(Debug, Clone, Serialize)]
pub struct SectorTotal {
    /// The sector.
    pub sector: Sector,
    /// Grants.
    pub grants: usize,
    /// Amount, pounds.
    pub amount: f64,
    /// Distinct recipients.
    pub recipients: usize,
}

/// One funder's row.
#[derive(Debug, Clone, Serialize)]
pub struct FunderRow {
    /// Identifier.
    pub id: OrgId,
    /// Name.
    pub name: String,
    /// Sector.
    pub sector: Sector,
    /// Concentration figures.
    #[serde(flatten)]
    pub concentration: Concentration,
}

/// Concentration of all money in the window, and per area.
#[derive(Debug, Clone, Serialize)]
pub struct ConcentrationSummary {
    /// All grants in the window.
    pub overall: Concentration,
    /// Per area.
    pub by_area: Vec<concentration::AreaConcentration>,
}

/// Funding-cliff figures for the whole dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Cliff {
    /// Annual value of VCSE-side grants ending per quarter, eight quarters from as_of.
    pub by_quarter: Vec<QuarterEnding>,
}

/// An analysis that was not run.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// What it measures.
    pub analysis: &'static str,
    /// The files it lacked.
    pub missing: Vec<&'static str>,
}

/// Data quality: row accounting and sector inference.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// Per input file.
    pub files: Vec<FileQuality>,
    /// Notes about references.
    pub notes: Vec<String>,
    /// Organisations per sector-inference rule and sector.
    pub sector_inferences: Vec<RuleCount>,
}

/// How many organisations one rule placed in one sector.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    /// The rule.
    pub rule: SectorRule,
    /// The sector.
    pub sector: Sector,
    /// Organisations.
    pub organisations: usize,
}

/// How to analyse.
#[derive(Debug, Clone, Default)]
pub struct AnalyseOptions {
    /// `--as-of`.
    pub as_of: Option<NaiveDate>,
    /// `--from` / `--to` / `--fy`.
    pub window: Window,
    /// Thresholds and assumptions.
    pub parameters: Parameters,
}

/// Runs every analysis the data allows.
pub fn analyse(data: &Dataset, opts: &AnalyseOptions) -> Findings {
    let ctx = Context::new(data, opts.as_of, opts.window);
    let p = &opts.parameters;
    let conc: ConcentrationFindings = concentration::concentration(&ctx);
    let dominance = concentration::dominance(&ctx);
    let recipients = dependency::recipients(&ctx);
    let partnerships = partnership::partnership_figures(&ctx, p);

    let mut flags = Vec::new();
    flags.extend(flags::money::concentration_flags(data, &conc, p));
    flags.extend(flags::money::dominance_flags(data, &dominance, p));
    flags.extend(flags::money::dependency_flags(data, &recipients, p));
    flags.extend(flags::money::cliff_flags(&recipients, p));
    flags.extend(flags::partnership::partnership_flags(&partnerships, p));
    flags::sort_flags(&mut flags);

    let funders = conc
        .funders
        .iter()
        .map(|f| {
            let org = data.organisations.get(&f.id);
            FunderRow {
                id: f.id.clone(),
                name: org.map_or_else(|| f.id.to_string(), |o| o.name.clone()),
                sector: data.sector_of(&f.id),
                concentration: f.figures.clone(),
            }
        })
        .collect();

    Findings {
        schema_version: SCHEMA_VERSION,
        as_of: ctx.as_of,
        window: ctx.window,
        parameters: p.clone(),
        totals: totals(&ctx),
        funders,
        recipients,
        partnerships,
        concentration: ConcentrationSummary {
            overall: conc.overall,
            by_area: conc.by_area,
        },
        dominance,
        cliff: Cliff {
            by_quarter: dependency::cliff_by_quarter(&ctx),
        },
        flags,
        skipped: data
            .sources
            .analyses()
            .into_iter()
            .filter(|a| !a.missing.is_empty())
            .map(|a| Skipped {
                analysis: a.name,
                missing: a.missing,
            })
            .collect(),
        data_quality: quality(data),
    }
}

fn totals(ctx: &Context) -> Totals {
    let mut by_sector: BTreeMap<Sector, (usize, f64, BTreeSet<String>)> = BTreeMap::new();
    let mut funders = BTreeSet::new();
    let mut recipients = BTreeSet::new();
    let mut amount = 0.0;
    let in_window: Vec<usize> = ctx.grants_in_window().collect();
    let recipient_orgs: BTreeSet<&OrgId> = in_window
        .iter()
        .filter_map(|&i| match &ctx.data.grants[i].recipient {
            Recipient::Org(o) => Some(o),
            Recipient::Individual(_) => None,
        })
        .collect();
    let mut original = 0.0;
    for &i in &in_window {
        let g = &ctx.data.grants[i];
        let who = match &g.recipient {
            Recipient::Org(o) => o.to_string(),
            Recipient::Individual(k) => format!("person:{}", k.0),
        };
        let sector = concentration::recipient_sector(ctx, &g.recipient);
        let e = by_sector.entry(sector).or_default();
        e.0 += 1;
        e.1 += g.amount.pounds();
        e.2.insert(who.clone());
        funders.insert(&g.funder);
        recipients.insert(who);
        amount += g.amount.pounds();
        if !recipient_orgs.contains(&g.funder) {
            original += g.amount.pounds();
        }
    }
    Totals {
        grants: in_window.len(),
        amount,
        amount_from_original_funders: original,
        funders: funders.len(),
        recipients: recipients.len(),
        by_sector: by_sector
            .into_iter()
            .map(|(sector, (grants, amount, r))| SectorTotal {
                sector,
                grants,
                amount,
                recipients: r.len(),
            })
            .collect(),
    }
}

fn quality(data: &Dataset) -> Quality {
    let mut rules: BTreeMap<(SectorRule, Sector), usize> = BTreeMap::new();
    for o in data.organisations.values() {
        *rules.entry((o.sector_rule, o.sector)).or_default() += 1;
    }
    Quality {
        files: data.quality.files.clone(),
        notes: data.quality.notes.clone(),
        sector_inferences: rules
            .into_iter()
            .map(|((rule, sector), organisations)| RuleCount {
                rule,
                sector,
                organisations,
            })
            .collect(),
    }
}
