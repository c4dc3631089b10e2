//! Funder concentration and funder dominance (SPEC.md "Funder concentration", "Funder
//! dominance").
//!
//! **Concentration**, per funder, over its recipients aggregated by identifier (each
//! individual recipient counted separately): shares sᵢ = amountᵢ ÷ total;
//! HHI = Σ (100·sᵢ)² in (0, 10 000]; normalised HHI = (HHI − 10 000/n) ÷ (10 000 − 10 000/n),
//! 0 when n = 1; Gini G = Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² x̄), 0 when n = 1; top5_share = the five
//! largest shares summed; vcse_share = share of the money to the VCSE side (vcse, unknown,
//! individual). The same for the whole dataset and per area. A funder whose grants total £0
//! has every share `None`.
//!
//! **Dominance**, overall and per area: each funder's share of all money to VCSE-side
//! recipients, the HHI over those funder shares, and the largest funder (ties go to the
//! smallest identifier).
//!
//! Flow measures: only grants awarded in the window count. Reading (METHOD.md): a grant's
//! area is its recipient's `Area` from organisations.csv, else its `Beneficiary
//! Location:Name`; grants with neither are in no area. Dominance counts every award,
//! regranted money included: each award is a decision by the funder that made it.
//!
//! Complexity: O(g + r log r) for g grants and r recipients (sorting for top-5 and Gini).
//!
//! HHI bands quoted as context (not used for flags): 1 000 and 1 800, US Department of
//! Justice and FTC, Merger Guidelines (2023).

use super::keys::{FastMap, Party};
use super::stats::{gini, hhi, normalised_hhi, ratio, top_share};
use super::Context;
use crate::model::{OrgId, Pence};
use serde::Serialize;

/// Concentration figures of one set of grants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    /// Total money, pounds.
    pub total: f64,
    /// Grants.
    pub grants: usize,
    /// Distinct recipients (each individual separately).
    pub(crate) recipients: usize,
    /// HHI on 0–10 000.
    pub hhi: Option<f64>,
    /// Normalised HHI on 0–1.
    pub(crate) normalised_hhi: Option<f64>,
    /// Gini over recipients' totals.
    pub gini: Option<f64>,
    /// Share of the five largest recipients.
    pub top5_share: Option<f64>,
    /// Share to the VCSE side.
    pub(crate) vcse_share: Option<f64>,
}

/// Accumulates grants into per-recipient totals.
#[derive(Default)]
struct Acc {
    /// Per recipient (organisations by number, each individual separately); money is summed
    /// in pence: exact, whatever the order.
    by_recipient: FastMap<Party, Pence>,
    grants: usize,
    total: Pence,
    vcse: Pence,
}

impl Acc {
    fn add(&mut self, who: Party, amount: Pence, vcse_side: bool) {
        *self.by_recipient.entry(who).or_default() += amount;
        self.grants += 1;
        self.total += amount;
        if vcse_side {
            self.vcse += amount;
        }
    }

    fn figures(&self) -> Concentration {
        // Sorted by value so float sums in the statistics depend on neither hash order nor
        // the order people were first seen in (their keys follow row order).
        let mut values: Vec<f64> = self.by_recipient.values().map(|p| p.pounds()).collect();
        values.sort_by(f64::total_cmp);
        Concentration {
            total: self.total.pounds(),
            grants: self.grants,
            recipients: values.len(),
            hhi: hhi(&values),
            normalised_hhi: normalised_hhi(&values),
            gini: gini(&values),
            top5_share: top_share(&values, 5),
            vcse_share: if self.total.0 > 0 {
                ratio(self.vcse.0 as f64, self.total.0 as f64)
            } else {
                None
            },
        }
    }
}

/// One funder's concentration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunderConcentration {
    /// Funder identifier.
    pub id: OrgId,
    /// The figures.
    #[serde(flatten)]
    pub figures: Concentration,
}

/// Concentration per funder, overall and per area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcentrationFindings {
    /// Per funder with grants in the window, sorted by identifier.
    pub funders: Vec<FunderConcentration>,
    /// All grants in the window.
    pub overall: Concentration,
    /// Per area (sorted by name).
    pub(crate) by_area: Vec<AreaConcentration>,
}

/// Concentration in one area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct AreaConcentration {
    /// The area's name.
    pub(crate) area: String,
    /// The figures.
    #[serde(flatten)]
    pub(crate) figures: Concentration,
}

/// Computes concentration per funder, overall and per area.
///
/// Accumulators are hashed while grants stream past and sorted once at the end (a sorted
/// map would compare identifier strings on every grant).
pub fn concentration(ctx: &Context) -> ConcentrationFindings {
    let keys = &ctx.keys;
    // Indexed by funder and area number: in identifier (name) order, so no sort is needed.
    let mut per_funder: Vec<Option<Acc>> = (0..keys.orgs.len()).map(|_| None).collect();
    let mut overall = Acc::default();
    let mut per_area: Vec<Acc> = (0..keys.areas.len()).map(|_| Acc::default()).collect();
    for i in ctx.grants_in_window() {
        let g = &ctx.data.grants[i];
        let who = keys.recipient[i];
        let vcse = ctx.sector(i).is_vcse_side();
        let amount = g.amount;
        per_funder[keys.funder[i] as usize]
            .get_or_insert_with(Acc::default)
            .add(who, amount, vcse);
        overall.add(who, amount, vcse);
        if let Some(area) = keys.area[i] {
            per_area[area as usize].add(who, amount, vcse);
        }
    }
    let funders: Vec<FunderConcentration> = per_funder
        .iter()
        .enumerate()
        .filter_map(|(f, acc)| {
            Some(FunderConcentration {
                id: keys.orgs[f].clone(),
                figures: acc.as_ref()?.figures(),
            })
        })
        .collect();
    let by_area: Vec<AreaConcentration> = per_area
        .iter()
        .enumerate()
        .filter(|(_, acc)| acc.grants > 0)
        .map(|(a, acc)| AreaConcentration {
            area: keys.areas[a].clone(),
            figures: acc.figures(),
        })
        .collect();
    ConcentrationFindings {
        funders,
        overall: overall.figures(),
        by_area,
    }
}

/// Concentration of all money in the window only: [`concentration`]'s `overall`, without
/// the per-funder and per-area work (the trends need one figure per year).
pub(crate) fn overall(ctx: &Context) -> Concentration {
    let mut acc = Acc::default();
    for i in ctx.grants_in_window() {
        acc.add(
            ctx.keys.recipient[i],
            ctx.data.grants[i].amount,
            ctx.sector(i).is_vcse_side(),
        );
    }
    acc.figures()
}

/// A funder's share of money to the VCSE side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FunderShare {
    /// Funder identifier.
    pub(crate) id: OrgId,
    /// Its money to VCSE-side recipients, pounds.
    pub(crate) amount: f64,
    /// Its share of all money to VCSE-side recipients.
    pub(crate) share: f64,
}

/// Funder dominance of money to the VCSE side, in one area or overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Dominance {
    /// The area, or `None` for the whole dataset.
    pub(crate) area: Option<String>,
    /// Money to VCSE-side recipients, pounds.
    pub(crate) vcse_total: f64,
    /// Each funder that gave to the VCSE side, sorted by identifier.
    pub(crate) funders: Vec<FunderShare>,
    /// HHI over the funder shares.
    pub(crate) hhi: Option<f64>,
    /// The largest funder (ties: smallest identifier).
    pub(crate) top_funder: Option<OrgId>,
    /// Its share.
    pub(crate) top_share: Option<f64>,
}

/// Overall and per-area dominance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DominanceFindings {
    /// Whole dataset.
    pub(crate) overall: Dominance,
    /// Per area, sorted by area.
    pub(crate) by_area: Vec<Dominance>,
}

/// Computes funder dominance.
pub(crate) fn dominance(ctx: &Context) -> DominanceFindings {
    let keys = &ctx.keys;
    // Per funder number (identifier order); per area, the funders that gave there.
    let mut overall: Vec<Pence> = vec![Pence(0); keys.orgs.len()];
    let mut gave: Vec<bool> = vec![false; keys.orgs.len()];
    let mut per_area: Vec<FastMap<u32, Pence>> =
        (0..keys.areas.len()).map(|_| FastMap::default()).collect();
    for i in ctx.grants_in_window() {
        let g = &ctx.data.grants[i];
        if !ctx.sector(i).is_vcse_side() {
            continue;
        }
        let f = keys.funder[i];
        overall[f as usize] += g.amount;
        gave[f as usize] = true;
        if let Some(area) = keys.area[i] {
            *per_area[area as usize].entry(f).or_default() += g.amount;
        }
    }
    let overall: Vec<(&OrgId, Pence)> = overall
        .iter()
        .zip(&gave)
        .enumerate()
        .filter(|(_, (_, gave))| **gave)
        .map(|(f, (p, _))| (&keys.orgs[f], *p))
        .collect();
    DominanceFindings {
        overall: dominance_of(None, &overall),
        by_area: per_area
            .into_iter()
            .enumerate()
            .filter(|(_, m)| !m.is_empty())
            .map(|(a, m)| {
                // Funder numbers follow identifier order.
                let mut funders: Vec<(u32, Pence)> = m.into_iter().collect();
                funders.sort_unstable_by_key(|(f, _)| *f);
                let funders: Vec<(&OrgId, Pence)> = funders
                    .into_iter()
                    .map(|(f, p)| (&keys.orgs[f as usize], p))
                    .collect();
                dominance_of(Some(&keys.areas[a]), &funders)
            })
            .collect(),
    }
}

/// Dominance over `pence`: each funder's money to the VCSE side, in identifier order.
fn dominance_of(area: Option<&str>, pence: &[(&OrgId, Pence)]) -> Dominance {
    // Summed exactly in pence, then in pounds.
    let total = pence.iter().map(|(_, p)| *p).sum::<Pence>().pounds();
    let funders: Vec<FunderShare> = pence
        .iter()
        .map(|(id, p)| {
            let a = p.pounds();
            FunderShare {
                id: (*id).clone(),
                amount: a,
                share: if total > 0.0 { a / total } else { 0.0 },
            }
        })
        .collect();
    // Largest share; on a tie the first in identifier order stays (strictly greater wins).
    let top = funders
        .iter()
        .fold(None::<&FunderShare>, |best, f| match best {
            Some(b) if b.share >= f.share => Some(b),
            _ => Some(f),
        });
    let values: Vec<f64> = funders.iter().map(|f| f.amount).collect();
    Dominance {
        area: area.map(str::to_owned),
        vcse_total: total,
        hhi: hhi(&values),
        top_funder: top.filter(|_| total > 0.0).map(|f| f.id.clone()),
        top_share: top.filter(|_| total > 0.0).map(|f| f.share),
        funders: if total > 0.0 { funders } else { Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::testkit::{org, Builder};
    use crate::measures::Window;
    use crate::model::Sector;

    fn data() -> crate::model::Dataset {
        Builder::default()
            .org("F", Sector::Statutory)
            .org("G", Sector::Vcse)
            .org("R1", Sector::Vcse)
            .org("R2", Sector::Unknown)
            .org("R3", Sector::Statutory)
            .area("R1", "North")
            .area("R2", "North")
            .grant("F", "R1", 50, "2024-01-10")
            .grant("F", "R2", 30, "2024-01-10")
            .grant("F", "R3", 20, "2024-01-10")
            .grant("G", "R1", 100, "2024-02-10")
            .build()
    }

    #[test]
    fn per_funder_overall_and_area() {
        let d = data();
        let ctx = Context::new(&d, None, Window::default());
        let c = concentration(&ctx);
        let f = &c.funders[0];
        assert_eq!(f.id, org("F"));
        // £50/£30/£20: HHI 2500 + 900 + 400 = 3800; Gini 0.2 (see stats.rs); all in top 5;
        // VCSE side = R1 (vcse) + R2 (unknown) = 80 of 100.
        assert!((f.figures.hhi.unwrap_or(0.0) - 3800.0).abs() < 1e-9);
        assert!((f.figures.gini.unwrap_or(0.0) - 0.2).abs() < 1e-12);
        assert_eq!(f.figures.top5_share, Some(1.0));
        assert_eq!(f.figures.vcse_share, Some(0.8));
        // G: one recipient → HHI 10 000, normalised 0, Gini 0.
        let g = &c.funders[1];
        assert_eq!(
            (g.figures.hhi, g.figures.normalised_hhi, g.figures.gini),
            (Some(10_000.0), Some(0.0), Some(0.0))
        );
        // Overall: R1 150, R2 30, R3 20 of 200 → .75/.15/.10 → HHI 5625 + 225 + 100 = 5950.
        assert!((c.overall.hhi.unwrap_or(0.0) - 5950.0).abs() < 1e-9);
        assert_eq!(c.overall.recipients, 3);
        // Area North: R1 150 + R2 30 = 180, both VCSE side.
        assert_eq!(c.by_area.len(), 1);
        assert_eq!(c.by_area[0].area, "North");
        assert_eq!(c.by_area[0].figures.total, 180.0);
        assert_eq!(c.by_area[0].figures.vcse_share, Some(1.0));
        // The trends' shortcut gives the same overall figures.
        assert_eq!(overall(&ctx), c.overall);
    }

    #[test]
    fn dominance_of_money_to_the_vcse_side() {
        let d = data();
        let ctx = Context::new(&d, None, Window::default());
        let dom = dominance(&ctx);
        // VCSE side: F gives R1 50 + R2 30 = 80; G gives R1 100; total 180.
        // Shares 0.444 / 0.556; HHI = (6400 + 10000) / 32400 × 10 000 = 5061.73.
        assert_eq!(dom.overall.vcse_total, 180.0);
        assert_eq!(dom.overall.top_funder, Some(org("G")));
        assert!((dom.overall.top_share.unwrap_or(0.0) - 100.0 / 180.0).abs() < 1e-12);
        assert!((dom.overall.hhi.unwrap_or(0.0) - 16_400.0 / 32_400.0 * 10_000.0).abs() < 1e-9);
    }

    #[test]
    fn ties_go_to_the_smallest_identifier_and_windows_filter() {
        let d = Builder::default()
            .org("R", Sector::Vcse)
            .grant("B", "R", 10, "2024-01-10")
            .grant("A", "R", 10, "2024-01-10")
            .grant("C", "R", 99, "2023-01-10")
            .build();
        let w = Window {
            from: Some(crate::measures::testkit::date("2024-01-01")),
            to: None,
        };
        let ctx = Context::new(&d, None, w);
        let dom = dominance(&ctx);
        assert_eq!(dom.overall.top_funder, Some(org("A")));
        assert_eq!(dom.overall.top_share, Some(0.5));
        assert_eq!(dom.overall.vcse_total, 20.0);
    }

    #[test]
    fn individuals_are_counted_one_by_one_and_zero_totals_give_none() {
        let d = Builder::default()
            .grant("F", "person:1", 10, "2024-01-10")
            .grant("F", "person:2", 30, "2024-01-10")
            .grant("Z", "R", 0, "2024-01-10")
            .build();
        let ctx = Context::new(&d, None, Window::default());
        let c = concentration(&ctx);
        // Two people, 10 and 30: HHI = 625 + 5625 = 6250; individuals are VCSE side.
        assert_eq!(c.funders[0].figures.recipients, 2);
        assert!((c.funders[0].figures.hhi.unwrap_or(0.0) - 6250.0).abs() < 1e-9);
        assert_eq!(c.funders[0].figures.vcse_share, Some(1.0));
        // A funder whose only grant is £0: nothing can be computed, and nothing is NaN.
        let z = &c.funders[1];
        assert_eq!(
            (
                z.figures.hhi,
                z.figures.gini,
                z.figures.top5_share,
                z.figures.vcse_share
            ),
            (None, None, None, None)
        );
    }
}
