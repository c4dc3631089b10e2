//! Findings: every measure computed once, in the shape of SPEC.md's `findings.json`. JSON,
//! tables, charts and the report all read this one value, so a number in the report is the
//! number in the JSON.

use crate::config::Parameters;
use crate::flags::Code;
use crate::flags::{self, Flag};
use crate::measures::concentration::{
    self, Concentration, ConcentrationFindings, DominanceFindings,
};
use crate::measures::dependency::{self, QuarterEnding, RecipientFigures};
use crate::measures::equity;
use crate::measures::partnership::{self, PartnershipFigures};
use crate::measures::{Context, Window};
use crate::model::{Dataset, FileQuality, OrgId, Pence, Sector};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The version of the `findings.json` layout.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Everything `fundflow analyse` found.
#[derive(Debug, Clone, Serialize)]
pub struct Findings {
    /// Layout version.
    pub(crate) schema_version: u32,
    /// The point in time for active grants, dependency and cliffs.
    pub(crate) as_of: NaiveDate,
    /// The window for flow measures.
    pub(crate) window: Window,
    /// Every threshold and assumption used.
    pub(crate) parameters: Parameters,
    /// Whether disclosure control was applied.
    pub(crate) disclosure: Disclosure,
    /// Money in the window.
    pub totals: Totals,
    /// Per funder.
    pub(crate) funders: Vec<FunderRow>,
    /// Per recipient.
    pub(crate) recipients: Vec<RecipientFigures>,
    /// Per partnership.
    pub(crate) partnerships: Vec<PartnershipFigures>,
    /// Paid participation in pounds: by type, payer and payee's sector, with the hours the
    /// payments covered, per partnership, not tied to one, and overall
    /// ([`crate::measures::payments`]). Money and hours only: nothing here is a count of
    /// people, so `--public` leaves it as is.
    pub(crate) payments: crate::measures::payments::Payments,
    /// Concentration of the whole dataset and per area.
    pub(crate) concentration: ConcentrationSummary,
    /// Funder dominance of money to the VCSE side.
    pub(crate) dominance: DominanceFindings,
    /// Organisations that both receive and give grants, with their pass-through.
    pub(crate) regranting: Regranting,
    /// Annual value ending per quarter.
    pub(crate) cliff: Cliff,
    /// The equity lenses: usual suspects, covered attendance, groups, burden (funding
    /// practice is on each funder).
    pub(crate) equity: equity::Equity,
    /// Every headline figure per UK financial year in the data (not limited to the window).
    pub(crate) trends: Vec<crate::trends::TrendYear>,
    /// Flags, sorted (high first, then code, subject, partnership).
    pub(crate) flags: Vec<Flag>,
    /// What a board should read first: at most eight flags in a documented priority, each
    /// with a question to ask ([`crate::summary`]).
    pub(crate) summary: crate::summary::BoardSummary,
    /// Analyses not run, and the file each lacked.
    pub(crate) skipped: Vec<Skipped>,
    /// How every input row was used, and how sectors were decided.
    pub data_quality: Quality,
    /// The series the charts draw and the headline figures the report states that no
    /// measure above holds as such: hours by sector per partnership, the largest recipients
    /// by funder, the sector flows, the top-10% share ([`crate::views`]).
    pub(crate) views: crate::views::Views,
    /// The graph's edges, for `tables/edges.*` only (the graph has its own exports, and at
    /// national scale the edge list would swamp findings.json).
    #[serde(skip)]
    pub(crate) edges: Vec<EdgeRow>,
}

/// One edge of the money and participation graph.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EdgeRow {
    /// Source node id (org id, `partnership:ID`, `individuals:...`).
    pub(crate) source: String,
    /// Target node id.
    pub(crate) target: String,
    /// grant, payment, attendance or fundholder (serialised in lower case).
    pub(crate) kind: crate::graph::EdgeKind,
    /// The edge's figures.
    #[serde(flatten)]
    pub(crate) figures: crate::graph::EdgeFigures,
}

/// Disclosure control (`--public`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Disclosure {
    /// Counts of people or attendance rows below 8 suppressed, others rounded to 5. Set by
    /// [`analyse`], which then also discloses the rates derived from those counts
    /// ([`Findings::disclose`]); setting it on findings made without it redacts the counts
    /// only.
    pub(crate) public: bool,
    /// The rule, in words (when public).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rule: Option<&'static str>,
    /// JSON pointers (`/partnerships/0/seat_share`) of the shares and rates suppressed with
    /// the counts they derive from ([`Findings::disclose`]); each is null and gets a
    /// `_suppressed` marker in findings.json and the tables ([`crate::disclosure::mark`]).
    #[serde(skip)]
    pub(crate) suppressed: std::collections::BTreeSet<String>,
}

/// Totals over grants awarded in the window.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Grants.
    pub grants: usize,
    /// All awards, pounds (regranted money counted at each step).
    pub(crate) amount: f64,
    /// Money entering the funding network, every pound once, pounds: all awards less, for
    /// each organisation that both receives and gives, the lesser of the two (money passed
    /// on is not counted again). SPEC.md's "awarded by original funders".
    pub(crate) awarded_by_original_funders: f64,
    /// Distinct funders.
    pub(crate) funders: usize,
    /// Distinct recipients (organisations, plus each individual).
    pub(crate) recipients: usize,
    /// By recipient sector, in sector order.
    pub(crate) by_sector: Vec<SectorTotal>,
    /// Money to the VCSE side (VCSE organisations, community groups of unknown sector,
    /// individuals: [`Sector::is_vcse_side`]), pounds: Σ `by_sector` amounts of those sectors.
    pub(crate) vcse_side_amount: f64,
    /// `vcse_side_amount` ÷ `amount`; `None` when nothing was awarded.
    pub(crate) vcse_side_share: Option<f64>,
}

/// Money to one sector.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectorTotal {
    /// The sector.
    pub(crate) sector: Sector,
    /// Grants (to people, for the individual sector: disclosed under `--public`).
    pub(crate) grants: crate::disclosure::Count,
    /// Amount, pounds.
    pub(crate) amount: f64,
    /// Distinct recipients (people, for the individual sector).
    pub(crate) recipients: crate::disclosure::Count,
}

/// One funder's row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FunderRow {
    /// Identifier.
    pub(crate) id: OrgId,
    /// Name.
    pub(crate) name: String,
    /// Sector.
    pub(crate) sector: Sector,
    /// Concentration figures.
    #[serde(flatten)]
    pub(crate) concentration: Concentration,
    /// VCSE organisations (sectors vcse and unknown, those DEPENDENCY can flag) whose
    /// largest active funder it is, with dependency at or above the DEPENDENCY medium band
    /// (whether or not the flag's guard is met).
    pub(crate) dependants: usize,
    /// Funding practice: grant lengths and unrestricted share.
    #[serde(flatten)]
    pub(crate) practice: equity::FundingPractice,
}

/// Concentration of all money in the window, and per area.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConcentrationSummary {
    /// All grants in the window.
    pub(crate) overall: Concentration,
    /// Per area.
    pub(crate) by_area: Vec<concentration::AreaConcentration>,
}

/// Regranting through intermediaries, and the shape of the funding network.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Regranting {
    /// Intermediaries, sorted by identifier: received, given, pass_through = given ÷ received.
    pub(crate) intermediaries: Vec<crate::graph::Intermediary>,
    /// Connected clusters of the grant network (direction ignored), largest first: each a
    /// sorted list of organisation identifiers.
    pub(crate) clusters: Vec<Vec<OrgId>>,
}

/// Funding-cliff figures for the whole dataset.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cliff {
    /// VCSE-side running grant funding at as_of and the share ending within 12 months.
    #[serde(flatten)]
    pub(crate) overall: dependency::EndingSummary,
    /// Annual value of VCSE-side grants ending per quarter, eight quarters from as_of.
    pub(crate) by_quarter: Vec<QuarterEnding>,
}

/// An analysis that was not run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Skipped {
    /// What it measures.
    pub(crate) analysis: &'static str,
    /// The files it lacked.
    pub(crate) missing: Vec<&'static str>,
}

/// Data quality: row accounting and sector inference.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// Per input file.
    pub(crate) files: Vec<FileQuality>,
    /// Notes about references.
    pub(crate) notes: Vec<String>,
    /// Organisations per sector-inference rule and sector.
    pub sector_inferences: Vec<crate::validate::RuleCount>,
    /// Identifiers merged by organisations.csv `Same As` (empty when none).
    pub(crate) merges: Vec<crate::model::Merge>,
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
    /// Apply disclosure control to the outputs (`--public`).
    pub public: bool,
}

/// Runs every analysis the data allows.
pub fn analyse(data: &Dataset, opts: &AnalyseOptions) -> Findings {
    use crate::timing::timed;
    let ctx = timed("context", || Context::new(data, opts.as_of, opts.window));
    let as_of_basis = match (opts.as_of, opts.window.to) {
        (Some(_), _) => crate::summary::AsOfBasis::Given,
        (None, Some(_)) => crate::summary::AsOfBasis::WindowEnd,
        (None, None) => crate::summary::AsOfBasis::LatestInData,
    };
    let p = &opts.parameters;
    // The measures are independent pure functions of the context: run them on rayon's
    // threads (work-stealing balances them); each result is the same as run alone.
    let c = &ctx;
    // Read by the equity lenses and data quality: one pass, shared.
    let received = timed("received", || ctx.received_in_window());
    let r = &received;
    let (measures, (side, cliff)) = rayon::join(
        || {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || timed("concentration", || concentration::concentration(c)),
                                || timed("dominance", || concentration::dominance(c)),
                            )
                        },
                        || {
                            rayon::join(
                                || timed("recipients", || dependency::recipients(c)),
                                || timed("funding practice", || equity::funding_practice(c)),
                            )
                        },
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || timed("partnerships", || partnership::partnership_figures(c, p)),
                                || timed("equity", || equity::equity(c, p, r)),
                            )
                        },
                        || {
                            rayon::join(
                                || timed("graph", || crate::graph::build(c, p)),
                                || timed("trends", || crate::trends::trends_in(c, p)),
                            )
                        },
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || timed("payments", || crate::measures::payments::payments(c, p)),
                        || timed("data quality", || quality(c, r)),
                    )
                },
                || {
                    timed("cliff", || Cliff {
                        overall: dependency::ending_summary(c),
                        by_quarter: dependency::cliff_by_quarter(c),
                    })
                },
            )
        },
    );
    let (((conc, dominance), (recipients, practice)), ((partnerships, lenses), (graph, trends))) =
        measures;
    let (payments, data_quality) = side;
    let conc: ConcentrationFindings = conc;
    let _rest = crate::timing::span("flags and the rest");

    let mut flags = Vec::new();
    flags.extend(flags::funding::concentration_flags(data, &conc, p));
    flags.extend(flags::funding::dominance_flags(data, &dominance, p));
    flags.extend(flags::funding::dependency_flags(data, &recipients, p));
    flags.extend(flags::funding::cliff_flags(&recipients, p, ctx.as_of));
    flags.extend(flags::partnership::partnership_flags(&partnerships, p));
    flags.extend(flags::equity::short_term_flags(data, &practice, p));
    flags.extend(
        lenses
            .usual_suspects
            .as_ref()
            .and_then(|us| flags::equity::usual_suspects_flag(us, p)),
    );
    flags.extend(flags::equity::under_funded_flags(&lenses.groups, p));
    flags::sort_flags(&mut flags);

    // One pass over recipients (not one per funder: that is funders × recipients).
    let mut dependants: HashMap<&OrgId, usize> = HashMap::new();
    for r in &recipients {
        if let (true, Some(top), Some(d)) = (
            r.sector.is_vcse_organisation(),
            r.top_active_funder.as_ref(),
            r.dependency,
        ) {
            if d >= p.dependency.medium {
                *dependants.entry(top).or_default() += 1;
            }
        }
    }
    let funders = conc
        .funders
        .iter()
        .map(|f| FunderRow {
            id: f.id.clone(),
            name: data.name_of(&f.id),
            sector: data.sector_of(&f.id),
            concentration: f.figures.clone(),
            dependants: dependants.get(&f.id).copied().unwrap_or(0),
            practice: practice.get(&f.id).cloned().unwrap_or_default(),
        })
        .collect();

    let intermediaries = graph.intermediaries();
    let totals = totals(&ctx, &graph);
    // The views and the edge list read the graph and the measures: written side by side.
    let (views, edges) = rayon::join(
        || {
            timed("views", || {
                crate::views::views(
                    &graph,
                    &recipients,
                    &intermediaries,
                    &partnerships,
                    totals.amount,
                )
            })
        },
        || {
            timed("edges", || {
                graph
                    .edges()
                    .map(|(a, b, e)| EdgeRow {
                        source: a.id.clone(),
                        target: b.id.clone(),
                        kind: e.kind(),
                        figures: e.figures(),
                    })
                    .collect()
            })
        },
    );
    let mut f = Findings {
        schema_version: SCHEMA_VERSION,
        as_of: ctx.as_of,
        window: ctx.window,
        parameters: p.clone(),
        disclosure: Disclosure {
            public: opts.public,
            rule: opts.public.then_some(crate::disclosure::RULE),
            suppressed: Default::default(),
        },
        totals,
        funders,
        recipients,
        partnerships,
        payments,
        concentration: ConcentrationSummary {
            overall: conc.overall,
            by_area: conc.by_area,
        },
        dominance,
        regranting: Regranting {
            intermediaries,
            clusters: graph.clusters(),
        },
        cliff,
        equity: lenses,
        trends,
        flags,
        summary: crate::summary::board_summary(&[], as_of_basis),
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
        data_quality,
        views,
        edges,
    };
    if opts.public {
        f.disclose();
    }
    // After disclosure, so the summary states the published figures.
    f.summary = crate::summary::board_summary(&f.flags, as_of_basis);
    f.summary.warnings = crate::summary::warnings(f.as_of, as_of_basis, &f.cliff.overall);
    f
}

impl Findings {
    /// Disclosure control for the figures derived from counts of people or attendance rows
    /// (`--public`, SPEC.md "Output"; METHOD.md "Disclosure control"). The counts themselves
    /// are rounded or suppressed when serialised ([`crate::disclosure`]); every
    /// share or rate computed from them is done here, on the typed findings, so that
    /// findings.json, the tables, the charts' data and the report all show the disclosed
    /// figure: [`crate::disclosure::disclose_rate`] of its numerator and denominator (suppressed with
    /// either count, else the quotient of the rounded counts). Each suppressed figure's JSON
    /// pointer is kept in `disclosure.suppressed` for its marker.
    ///
    /// The figures, by hand (the list a test walks):
    /// - partnerships: seat_share, attendance_rate (per side), out_of_hours_share (per side),
    ///   attendance_by_quarter's attendance_rate (per side), each member's voice (value and
    ///   band);
    /// - equity: usual_suspects.top5_seat_share, covered_attendance (overall and per
    ///   partnership: covered and uncovered attendance rates), groups' seat_share, burden's
    ///   burden_top_decile_share (a share of hours among people: suppressed when the number
    ///   of people is);
    /// - trends: each partnership-year's seat_share and attendance_rate (per side);
    /// - flags: PARTICIPATION-GAP and USUAL-SUSPECTS, whose value and message state such
    ///   rates (`Findings::disclose_flags`).
    ///
    /// A figure that was already `None` (not computable) stays `None` without a marker.
    pub(crate) fn disclose(&mut self) {
        use crate::disclosure::{disclose, disclose_rate, numerator_of};
        let mut marks = std::collections::BTreeSet::new();
        // Replaces `x` (when it has a value) by the disclosed rate of `num` of `den`.
        fn rate(
            marks: &mut std::collections::BTreeSet<String>,
            x: &mut Option<f64>,
            num: usize,
            den: usize,
            at: String,
        ) {
            if x.is_some() {
                *x = disclose_rate(num, den);
                if x.is_none() {
                    marks.insert(at);
                }
            }
        }
        // A rate per side, each from its side's counts, marked at `at/statutory` and
        // `at/vcse`.
        fn side_rates(
            marks: &mut std::collections::BTreeSet<String>,
            rates: &mut crate::measures::participation::SideRates,
            num: crate::measures::participation::SideCounts,
            den: crate::measures::participation::SideCounts,
            at: &str,
        ) {
            let sides = [
                (
                    &mut rates.statutory,
                    num.statutory,
                    den.statutory,
                    "statutory",
                ),
                (&mut rates.vcse, num.vcse, den.vcse, "vcse"),
            ];
            for (x, num, den, side) in sides {
                rate(marks, x, num, den, format!("{at}/{side}"));
            }
        }
        // seat_share and attendance_rate per side, from their counts: a partnership's
        // figures and each trend year's are disclosed by the same rule.
        fn seat_and_attendance(
            marks: &mut std::collections::BTreeSet<String>,
            seat_share: &mut Option<f64>,
            attendance: &mut crate::measures::participation::SideRates,
            c: &crate::measures::partnership::RateCounts,
            at: &str,
        ) {
            rate(
                marks,
                seat_share,
                c.fundholder_attended_rows,
                c.attended_rows,
                format!("{at}/seat_share"),
            );
            let at = format!("{at}/attendance_rate");
            side_rates(marks, attendance, c.attended_by_side, c.rows, &at);
        }
        for (i, p) in self.partnerships.iter_mut().enumerate() {
            let c = p.counts;
            let at = |field: &str| format!("/partnerships/{i}/{field}");
            seat_and_attendance(
                &mut marks,
                &mut p.seat_share,
                &mut p.attendance_rate,
                &c,
                &format!("/partnerships/{i}"),
            );
            side_rates(
                &mut marks,
                &mut p.out_of_hours_share,
                c.out_of_hours_rows,
                c.timed_rows,
                &at("out_of_hours_share"),
            );
            for (q, x) in p.attendance_by_quarter.iter_mut().enumerate() {
                let at = at(&format!("attendance_by_quarter/{q}/attendance_rate"));
                side_rates(
                    &mut marks,
                    &mut x.attendance_rate,
                    x.attended_rows,
                    x.attendance_rows,
                    &at,
                );
            }
            for (j, m) in p.balance.iter_mut().enumerate() {
                let Some(voice) = m.voice.value else { continue };
                // Voice is the member's attended rows ÷ all attended rows.
                let own = numerator_of(voice, c.attended_rows);
                let mut value = Some(voice);
                rate(
                    &mut marks,
                    &mut value,
                    own,
                    c.attended_rows,
                    format!("/partnerships/{i}/balance/{j}/voice/value"),
                );
                if value.is_none() {
                    marks.insert(format!("/partnerships/{i}/balance/{j}/voice/band"));
                }
                m.voice = crate::measures::balance::Axis::new(value);
            }
        }
        let e = &mut self.equity;
        if let Some(us) = &mut e.usual_suspects {
            rate(
                &mut marks,
                &mut us.top5_seat_share,
                us.top5_attended_rows,
                us.vcse_attended_rows,
                "/equity/usual_suspects/top5_seat_share".into(),
            );
        }
        if let Some(ca) = &mut e.covered_attendance {
            let coverages = std::iter::once((
                "/equity/covered_attendance/overall".to_owned(),
                &mut ca.overall,
            ))
            .chain(ca.by_partnership.iter_mut().enumerate().map(|(k, p)| {
                (
                    format!("/equity/covered_attendance/by_partnership/{k}"),
                    &mut p.coverage,
                )
            }));
            for (at, c) in coverages {
                for (x, rows, field) in [
                    (
                        &mut c.covered_attendance_rate,
                        c.covered_rows,
                        "covered_attendance_rate",
                    ),
                    (
                        &mut c.uncovered_attendance_rate,
                        c.uncovered_rows,
                        "uncovered_attendance_rate",
                    ),
                ] {
                    let (Some(r), Some(rows)) = (*x, rows) else {
                        continue;
                    };
                    rate(
                        &mut marks,
                        x,
                        numerator_of(r, rows),
                        rows,
                        format!("{at}/{field}"),
                    );
                }
            }
        }
        for (g, x) in e.groups.iter_mut().enumerate() {
            rate(
                &mut marks,
                &mut x.seat_share,
                x.attended_rows,
                x.vcse_attended_rows,
                format!("/equity/groups/{g}/seat_share"),
            );
        }
        for (b, x) in e.burden.iter_mut().enumerate() {
            // A share of hours, not of counts: kept exact unless the people are suppressed.
            if x.burden_top_decile_share.is_some() && disclose(x.people as u64).is_none() {
                x.burden_top_decile_share = None;
                marks.insert(format!("/equity/burden/{b}/burden_top_decile_share"));
            }
        }
        for (y, year) in self.trends.iter_mut().enumerate() {
            for (k, p) in year.partnerships.iter_mut().enumerate() {
                seat_and_attendance(
                    &mut marks,
                    &mut p.seat_share,
                    &mut p.attendance_rate,
                    &p.counts,
                    &format!("/trends/{y}/partnerships/{k}"),
                );
            }
        }
        self.disclose_flags(&mut marks);
        for file in &mut self.data_quality.files {
            // Invalid-row examples quote the value; a Person ID in the wrong column of these
            // two files is personal data.
            if file.file.ends_with("attendance.csv") || file.file.ends_with("payments.csv") {
                for reason in file.rejected.values_mut().chain(file.warnings.values_mut()) {
                    for ex in &mut reason.examples {
                        *ex = crate::disclosure::without_value(ex);
                    }
                }
            }
        }
        self.disclosure.suppressed = marks;
    }

    /// The flags that state a disclosed rate (PARTICIPATION-GAP: both attendance rates and
    /// their gap; USUAL-SUSPECTS: the top five's share of seats) take the disclosed figures:
    /// the value becomes the published figure and the message quotes it. When a rate is
    /// suppressed the flag stays (it was decided on the exact figures, and says only that a
    /// threshold was crossed), its value is suppressed and its message states no figure.
    fn disclose_flags(&mut self, marks: &mut std::collections::BTreeSet<String>) {
        use crate::flags::{
            equity::usual_suspects_message, partnership::participation_gap_message,
        };
        for (k, flag) in self.flags.iter_mut().enumerate() {
            let published = match flag.code {
                Code::ParticipationGap => {
                    let Some(p) = self
                        .partnerships
                        .iter()
                        .find(|p| Some(&p.id) == flag.partnership.as_ref())
                    else {
                        continue;
                    };
                    let rates = p
                        .attendance_rate
                        .statutory
                        .zip(p.attendance_rate.vcse)
                        .map(|(s, v)| (s, v, s - v));
                    flag.message = participation_gap_message(p, rates);
                    rates.map(|(_, _, gap)| gap)
                }
                Code::UsualSuspects => {
                    let Some(us) = &self.equity.usual_suspects else {
                        continue;
                    };
                    flag.message = usual_suspects_message(us, us.top5_seat_share);
                    us.top5_seat_share
                }
                _ => continue,
            };
            match published {
                Some(v) => flag.value = v,
                None => {
                    // NaN is written as null (serde_json, and the tables' rule for
                    // non-finite floats); the pointer gives it its marker.
                    flag.value = f64::NAN;
                    marks.insert(format!("/flags/{k}/value"));
                }
            }
        }
    }
}

fn totals(ctx: &Context, graph: &crate::graph::MoneyGraph) -> Totals {
    use crate::measures::keys::{FastSet, Party};
    // Money summed in pence: exact, whatever the order. Recipients are counted by their
    // dense keys (each person separately), funders by number.
    let mut by_sector: BTreeMap<Sector, (usize, Pence, FastSet<Party>)> = BTreeMap::new();
    let mut funders: FastSet<u32> = FastSet::default();
    let mut recipients: FastSet<Party> = FastSet::default();
    let mut amount = Pence(0);
    let mut grants = 0;
    for i in ctx.grants_in_window() {
        let g = &ctx.data.grants[i];
        let who = ctx.keys.recipient[i];
        let e = by_sector.entry(ctx.sector(i)).or_default();
        e.0 += 1;
        e.1 += g.amount;
        e.2.insert(who);
        funders.insert(ctx.keys.funder[i]);
        recipients.insert(who);
        amount += g.amount;
        grants += 1;
    }
    let vcse_side: Pence = by_sector
        .iter()
        .filter(|(s, _)| s.is_vcse_side())
        .map(|(_, e)| e.1)
        .sum();
    Totals {
        grants,
        amount: amount.pounds(),
        awarded_by_original_funders: graph.new_money().pounds(),
        funders: funders.len(),
        recipients: recipients.len(),
        by_sector: by_sector
            .into_iter()
            .map(|(sector, (grants, amount, r))| {
                let people = sector == Sector::Individual;
                SectorTotal {
                    sector,
                    grants: crate::disclosure::Count { n: grants, people },
                    amount: amount.pounds(),
                    recipients: crate::disclosure::Count { n: r.len(), people },
                }
            })
            .collect(),
        vcse_side_amount: vcse_side.pounds(),
        vcse_side_share: (amount.0 > 0).then(|| vcse_side.pounds() / amount.pounds()),
    }
}

/// `received` is the context's [`Context::received_in_window`].
fn quality(ctx: &Context, received: &crate::measures::Received) -> Quality {
    let data = ctx.data;
    Quality {
        files: data.quality.files.clone(),
        notes: data.quality.notes.clone(),
        sector_inferences: crate::validate::rule_counts_with(data, |id| received.get(id)),
        merges: data.quality.merges.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_inputs, Inputs, LoadOptions};
    use proptest::prelude::*;

    /// (original position, (funder, recipient, pounds, day offset)).
    type Row = (usize, (u8, u8, u16, u16));

    /// Rows → a grants.csv, in the given order; each grant's identifier comes from its
    /// original position, so a shuffle keeps them.
    fn csv(grants: &[Row]) -> String {
        let mut s = String::from("Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,Recipient Org:Identifier,Recipient Org:Name,Recipient Ind:Identifier\n");
        for (i, (f, r, pounds, day)) in grants {
            let award = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(*day))))
                .map(|d| d.to_string())
                .unwrap_or_default();
            let (org, person) = if r % 7 == 6 {
                (String::new(), format!("P{r}"))
            } else {
                (format!("GB-CHC-{}", r % 7), String::new())
            };
            let name = if org.is_empty() { "" } else { "Org" };
            s.push_str(&format!(
                "G{i},{pounds}.37,{award},GB-LAE-F{},Funder,{org},{name},{person}\n",
                f % 4
            ));
        }
        s
    }

    fn findings_of(text: String) -> Result<Findings, TestCaseError> {
        let inputs = Inputs::grants_csv(text);
        let d = load_inputs(&inputs, &LoadOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok(analyse(&d, &AnalyseOptions::default()))
    }

    proptest! {
        #[test]
        fn money_is_conserved_and_row_order_does_not_matter(
            grants in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u16..5_000, 0u16..1_000), 1..60),
            seed in any::<u64>(),
        ) {
            let rows: Vec<Row> = grants.iter().copied().enumerate().collect();
            let f = findings_of(csv(&rows))?;
            // Every amount is whole pounds and 37p.
            let total: f64 = grants.iter().map(|g| f64::from(g.2) + 0.37).sum();
            let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
            prop_assert!(close(f.totals.amount, total));
            prop_assert!(close(f.funders.iter().map(|x| x.concentration.total).sum(), total));
            prop_assert!(close(f.recipients.iter().map(|x| x.total).sum(), total));
            prop_assert!(close(f.totals.by_sector.iter().map(|x| x.amount).sum(), total));
            prop_assert!(f.totals.awarded_by_original_funders <= f.totals.amount + 1e-6);
            for r in &f.recipients {
                if let Some(s) = r.ending_12m_share { prop_assert!((0.0..=1.0).contains(&s)); }
                if let Some(s) = r.top_funder_share { prop_assert!((0.0..=1.0 + 1e-12).contains(&s)); }
            }
            // The same rows in another order: the same findings, byte for byte.
            let mut shuffled = rows.clone();
            for i in (1..shuffled.len()).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            let g = findings_of(csv(&shuffled))?;
            let a = crate::render::json::to_json(&f).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let b = crate::render::json::to_json(&g).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(!a.contains("-0.0"), "negative zero in output");
            prop_assert_eq!(a, b);
        }

        /// The analysis counts the window's money per inference rule by organisation number;
        /// `validate` by identifier: the same figures.
        #[test]
        fn rule_money_by_number_is_rule_money_by_identifier(
            grants in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u16..5_000, 0u16..1_000), 1..60),
            from in 0u64..1_000,
        ) {
            let rows: Vec<Row> = grants.iter().copied().enumerate().collect();
            let d = load_inputs(&Inputs::grants_csv(csv(&rows)), &LoadOptions::default())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let start = chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(from)));
            let ctx = Context::new(&d, None, Window { from: start, to: None });
            let by_id = crate::validate::rule_counts(&d, ctx.grants_in_window().map(|i| &d.grants[i]));
            prop_assert_eq!(quality(&ctx, &ctx.received_in_window()).sector_inferences, by_id);
        }
    }
}
