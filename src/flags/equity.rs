//! Flags from the equity lenses: SHORT-TERM-FUNDING, USUAL-SUSPECTS, UNDER-FUNDED-GROUP.

use super::Code;
use super::{band_high_is_worse, band_low_is_worse, money, percent, Flag, Severity};
use crate::config::Parameters;
use crate::measures::equity::{FundingPractice, GroupFigures, UsualSuspects};
use crate::model::{Dataset, OrgId};
use std::collections::BTreeMap;

/// SHORT-TERM-FUNDING: a funder's money to VCSE organisations is at least 80% in grants of
/// 12 months or less (medium only), when it made at least 5 grants to them.
pub(crate) fn short_term_flags(
    data: &Dataset,
    practice: &BTreeMap<OrgId, FundingPractice>,
    p: &Parameters,
) -> Vec<Flag> {
    practice
        .iter()
        .filter(|(_, f)| f.vcse_grants >= p.short_term_min_grants)
        .filter_map(|(id, f)| {
            let share = f.vcse_short_term_share?;
            if share < p.short_term {
                return None;
            }
            let median = f
                .median_months
                .map_or_else(String::new, |m| format!("; its median grant runs {m:.0} months"));
            let assumed = match f.vcse_lengths_assumed {
                0 => String::new(),
                n => format!(
                    "; {n} of the {} grants have no recorded length and are taken as 12 months",
                    f.vcse_grants
                ),
            };
            Some(Flag::new(
                Code::ShortTermFunding,
                (Severity::Medium, p.short_term),
                share,
                format!(
                    "{} gave {} of its {} to voluntary and community organisations in grants of a year or less ({} grants{median}{assumed}); short grants leave organisations re-applying every year and unable to plan or keep staff.",
                    data.name_of(id),
                    percent(share),
                    money(f.vcse_amount),
                    f.vcse_grants,
                )
            )
                .subject(id.to_string())
                .amount(f.vcse_amount * share))
        })
        .collect()
}

/// USUAL-SUSPECTS: the five VCSE-side organisations with most seats hold at least half
/// (medium) or 70% (high) of all VCSE-side attended rows, when at least 10 VCSE-side
/// organisations hold seats.
pub(crate) fn usual_suspects_flag(us: &UsualSuspects, p: &Parameters) -> Option<Flag> {
    if us.vcse_seat_orgs < p.usual_suspects_min_orgs {
        return None;
    }
    let share = us.top5_seat_share?;
    let band = band_high_is_worse(share, p.usual_suspects)?;
    Some(Flag::new(
        Code::UsualSuspects,
        band,
        share,
        usual_suspects_message(us, Some(share)),
    ))
}

/// USUAL-SUSPECTS' message: with the top five's share of seats, or without it when
/// `--public` suppresses the share (it rests on fewer than 8 attendance rows).
pub(crate) fn usual_suspects_message(us: &UsualSuspects, share: Option<f64>) -> String {
    let top = us.top5.len();
    let others = us.vcse_seat_orgs.saturating_sub(top);
    format!(
        "{} organisations hold {} of all voluntary and community seats across the area's partnerships; {others} other voluntary and community {} the rest, so the same few voices are heard at every table.",
        number_word(top),
        share.map_or_else(|| "a large share".to_owned(), percent),
        if others == 1 { "organisation holds" } else { "organisations hold" },
    )
}

/// UNDER-FUNDED-GROUP: organisations carrying a `Led By` tag get at most half (medium) or a
/// quarter (high) of an even share of the money to VCSE organisations, when at least 5 carry
/// it.
pub(crate) fn under_funded_flags(groups: &[GroupFigures], p: &Parameters) -> Vec<Flag> {
    groups
        .iter()
        .filter(|g| g.organisations >= p.under_funded_min_orgs)
        .filter_map(|g| {
            let ratio = g.representation_ratio?;
            let band = band_low_is_worse(ratio, p.under_funded)?;
            Some(Flag::new(
                Code::UnderFundedGroup,
                band,
                ratio,
                format!(
                    "Organisations tagged \"{}\" are {} of the area's {} voluntary and community organisations but received {} of the money to them ({} of {}): {:.2} of an even share.",
                    g.tag,
                    percent(g.org_share.unwrap_or(0.0)),
                    g.vcse_organisations,
                    percent(g.funding_share.unwrap_or(0.0)),
                    money(g.received),
                    money(g.vcse_received),
                    ratio,
                )
            )
                .group(g.tag.clone())
                .amount(g.vcse_received * g.org_share.unwrap_or(0.0) - g.received))
        })
        .collect()
}

/// "Five", for the start of a sentence.
fn number_word(n: usize) -> String {
    const WORDS: [&str; 6] = ["No", "One", "Two", "Three", "Four", "Five"];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}
