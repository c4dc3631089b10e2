//! Parameters: every threshold of SPEC.md's flags table and the assumptions (hourly rate),
//! with SPEC.md's defaults, overridable from `fundflow.toml`.

use serde::{Deserialize, Serialize};

/// A two-band threshold: `medium` and `high` (inclusive). For measures where lower is worse
/// (representation ratio) the comparison is reversed by the rule that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// Medium severity from this value.
    pub medium: f64,
    /// High severity from this value.
    pub high: f64,
}

/// Every parameter the analysis uses; serialised into `findings.json` so a figure can be
/// traced to the thresholds that produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
    /// £ per hour to value unpaid VCSE time (an assumption; METHOD.md gives its source).
    pub hourly_rate: f64,
    /// Statutory attendees attend in salaried time, so their rows are resourced.
    pub statutory_time_is_paid: bool,
    /// CONCENTRATION: top5_share bands.
    pub concentration: Bands,
    /// CONCENTRATION applies to funders with at least this many recipients.
    pub concentration_min_recipients: usize,
    /// FUNDER-DOMINANCE: the largest funder's share of VCSE-side money.
    pub dominance: Bands,
    /// FUNDER-DOMINANCE applies when at least this many funders gave to the VCSE side.
    pub dominance_min_funders: usize,
    /// DEPENDENCY bands.
    pub dependency: Bands,
    /// DEPENDENCY on the recorded basis needs at least this many funders with active grants.
    pub dependency_min_funders: usize,
    /// FUNDING-CLIFF: ending_12m_share bands.
    pub cliff: Bands,
    /// FUNDING-CLIFF needs at least this many active grants, or ...
    pub cliff_min_active_grants: usize,
    /// ... income known and the ending annual value at least this share of it.
    pub cliff_min_income_share: f64,
    /// RETENTION: retained_share bands.
    pub retention: Bands,
    /// DEFAULT-HOST: host_share bands.
    pub default_host: Bands,
    /// DEFAULT-HOST/CHAIR medium also needs share ≥ this multiple of the fair share.
    pub default_fair_share_multiple: f64,
    /// DEFAULT-HOST/CHAIR need at least this many meetings with a host (chair).
    pub default_min_meetings: usize,
    /// DEFAULT-CHAIR: chair_share bands.
    pub default_chair: Bands,
    /// UNPAID-PARTICIPATION: vcse_unpaid_share bands.
    pub unpaid: Bands,
    /// PARTICIPATION-GAP: statutory rate − VCSE rate bands.
    pub participation_gap: Bands,
    /// PARTICIPATION-GAP needs at least this many rows on each side.
    pub participation_gap_min_rows: usize,
    /// SHORT-TERM-FUNDING: short_term_share of money to VCSE (medium only).
    pub short_term: f64,
    /// SHORT-TERM-FUNDING needs at least this many grants to VCSE.
    pub short_term_min_grants: usize,
    /// USUAL-SUSPECTS: top5_seat_share bands.
    pub usual_suspects: Bands,
    /// USUAL-SUSPECTS needs at least this many VCSE-side organisations with seats.
    pub usual_suspects_min_orgs: usize,
    /// UNDER-FUNDED-GROUP: representation_ratio bands (at or below).
    pub under_funded: Bands,
    /// UNDER-FUNDED-GROUP needs at least this many tagged organisations.
    pub under_funded_min_orgs: usize,
}

impl Default for Parameters {
    fn default() -> Self {
        let b = |medium, high| Bands { medium, high };
        Parameters {
            hourly_rate: 12.21,
            statutory_time_is_paid: true,
            concentration: b(0.5, 0.7),
            concentration_min_recipients: 20,
            dominance: b(0.5, 0.7),
            dominance_min_funders: 3,
            dependency: b(0.5, 0.75),
            dependency_min_funders: 2,
            cliff: b(0.5, 0.8),
            cliff_min_active_grants: 2,
            cliff_min_income_share: 0.25,
            retention: b(0.6, 0.8),
            default_host: b(0.5, 0.75),
            default_fair_share_multiple: 2.0,
            default_min_meetings: 4,
            default_chair: b(0.5, 0.75),
            unpaid: b(0.5, 0.8),
            participation_gap: b(0.2, 0.35),
            participation_gap_min_rows: 10,
            short_term: 0.8,
            short_term_min_grants: 5,
            usual_suspects: b(0.5, 0.7),
            usual_suspects_min_orgs: 10,
            under_funded: b(0.5, 0.25),
            under_funded_min_orgs: 5,
        }
    }
}
