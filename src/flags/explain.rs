//! `fundflow explain CODE`: each flag's definition, formula, default thresholds and source,
//! in words a board member can read. Kept beside the rules so the two change together.

/// One flag's explanation.
pub struct Explanation {
    /// The code.
    pub code: &'static str,
    /// One line: what it is about.
    pub title: &'static str,
    /// Definition, formula, thresholds, guard and source.
    pub text: &'static str,
}

/// Every flag, in SPEC.md's order.
pub const EXPLANATIONS: [Explanation; 12] = [
    Explanation {
        code: "CONCENTRATION",
        title: "a funder's money goes mostly to a few recipients",
        text: "Value: top5_share, the share of the funder's money (awarded in the window) that went to its five largest recipients; recipients are aggregated by identifier and each individual counts separately.\nBands: medium ≥ 0.5, high ≥ 0.7. Only for funders with at least 20 recipients.\nAlso reported (not flagged): HHI = Σ (100·sᵢ)² and Gini. HHI is read against the US Merger Guidelines (2023) bands of 1,000 and 1,800 for context only: a funder making n equal grants has HHI = 10,000 ÷ n, so those bands would call every small, even-handed funder concentrated.",
    },
    Explanation {
        code: "FUNDER-DOMINANCE",
        title: "one funder provides most of the money reaching the VCSE side",
        text: "Value: the largest funder's share of all money (in the window) to VCSE-side recipients (sectors vcse, unknown and individual), for the whole area and for each area (the area is in `group`).\nBands: medium ≥ 0.5, high ≥ 0.7. Only when at least 3 funders gave to the VCSE side. Ties go to the smallest identifier.",
    },
    Explanation {
        code: "DEPENDENCY",
        title: "a VCSE organisation relies on one funder",
        text: "Value: dependency = the annual value of grants active at as_of from its largest funder ÷ its annual income (organisations.csv; basis income), or ÷ all its active annual value when income is unknown (basis recorded). Annual value = amount ÷ max(1, grant days ÷ 365.25).\nBands: medium ≥ 0.5, high ≥ 0.75. Only for VCSE-side organisations (vcse, unknown), and on the recorded basis only when at least 2 funders have active grants.\nSource: charity-sector guidance that one funder above half of income makes an organisation very vulnerable.",
    },
    Explanation {
        code: "FUNDING-CLIFF",
        title: "most of an organisation's running grants end within a year",
        text: "Value: ending_12m_share = annual value of its active grants ending on or before as_of + 365 days ÷ annual value of all its active grants.\nBands: medium ≥ 0.5, high ≥ 0.8. Only for VCSE-side organisations with at least 2 active grants, or with known income where the ending annual value is at least 25% of it (a single one-year grant always ends within 12 months; short-termism is SHORT-TERM-FUNDING's job).",
    },
    Explanation {
        code: "RETENTION",
        title: "a fundholder keeps most of a partnership's programme money",
        text: "Value: retained_share = 1 − programme money the fundholder passed on ÷ programme money it received (grants with the partnership's Programme title, in the window).\nBands: medium ≥ 0.6, high ≥ 0.8. Only when programme money was received.",
    },
    Explanation {
        code: "DEFAULT-HOST",
        title: "the fundholder hosts the partnership's meetings by default",
        text: "Value: host_share = meetings hosted by the fundholder ÷ meetings with a recorded host (in the window).\nBands: high ≥ 0.75; medium ≥ 0.5 and at least twice the fair share (1 ÷ members; members = organisations with attendance rows, plus the fundholder). Only with at least 4 meetings with a host.\nSource: research on statutory–VCSE partnerships (King's Fund, IVAR) found partners defaulting to the fundholder as host and decision-maker.",
    },
    Explanation {
        code: "DEFAULT-CHAIR",
        title: "the fundholder chairs the partnership's meetings by default",
        text: "Value: chair_share = meetings chaired by someone from the fundholder ÷ meetings with a recorded chair (in the window).\nBands: high ≥ 0.75; medium ≥ 0.5 and at least twice the fair share. Only with at least 4 meetings with a chair.",
    },
    Explanation {
        code: "UNPAID-PARTICIPATION",
        title: "VCSE and community members give their time unpaid",
        text: "Value: vcse_unpaid_share = hours of attended VCSE-side rows (vcse, individual, unknown) that were not resourced ÷ all such hours. A row is resourced when the attendee is statutory (salaried time) or a payment other than expenses names the person or their organisation and names that meeting or has a period covering its date. unpaid_value = unpaid hours × the hourly rate (default £12.21, the National Living Wage from April 2025: an assumption).\nBands: medium ≥ 0.5, high ≥ 0.8. Only when VCSE-side hours > 0 and payments.csv exists (without it, payment is unknown).",
    },
    Explanation {
        code: "PARTICIPATION-GAP",
        title: "VCSE members attend less than statutory members",
        text: "Value: statutory attendance rate − VCSE-side attendance rate, where a rate is attended rows ÷ all attendance rows (attended, apologies, absent) of that side.\nBands: medium ≥ 0.2, high ≥ 0.35. Only with at least 10 rows on each side.\nSource: research found VCSE members attended fewer meetings because the time was unpaid and often outside work hours.",
    },
    Explanation {
        code: "SHORT-TERM-FUNDING",
        title: "a funder's money to VCSE organisations is mostly short-term",
        text: "Value: the share of the funder's money (awarded in the window) to VCSE organisations (sectors vcse and unknown: most unknowns are unregistered community groups) that is in grants of 12 months or less. Grant length = calendar months from start to end + 1 day (Planned Dates, else Duration, else 12 months).\nBand: medium ≥ 0.8 (no high band). Only with at least 5 grants to VCSE organisations.\nAlso reported per funder (not flagged): median grant length, long_term_share (grants of 36 months or more), short_term_share of all its money, and unrestricted_share with its basis (recorded from a Restriction/Unrestricted column, or inferred from the words \"unrestricted\", \"core costs\", \"core funding\" in Title or Description).\nSource: IVAR's work on flexible and multi-year funding; short grants leave organisations re-applying every year.",
    },
    Explanation {
        code: "USUAL-SUSPECTS",
        title: "the same few VCSE organisations hold most seats",
        text: "Value: top5_seat_share = attended rows of the 5 VCSE-side organisations with most (ties to the smallest identifier) ÷ all VCSE-side attended rows across every partnership, community members' rows included.\nBands: medium ≥ 0.5, high ≥ 0.7. Only with at least 10 VCSE-side organisations with seats.\nAlso reported: organisations at 3 or more tables, and Spearman's rank correlation between seats and money received (null below 5 organisations).\nSource: research on statutory–VCSE partnerships (King's Fund, IVAR): the same few organisations are invited to every table.",
    },
    Explanation {
        code: "UNDER-FUNDED-GROUP",
        title: "organisations led by a group get less than their share of the money",
        text: "Value: representation_ratio = funding_share ÷ org_share for a Led By tag (organisations.csv), where org_share = tagged VCSE organisations ÷ all VCSE organisations (sectors vcse and unknown) the dataset mentions, and funding_share = their grants received in the window ÷ all money to VCSE organisations. 1 is an even share; 0.5 is half of it.\nBands: medium ≤ 0.5, high ≤ 0.25. Only with at least 5 tagged organisations. The tag is in `group`.\nSource: research on funding for organisations led by Black and minoritised communities, disabled people and people with lived experience (e.g. the Ubele Initiative and Charity So White reports) found them persistently under-funded.",
    },
];

/// The explanation of a code, matched case-insensitively.
pub fn explain(code: &str) -> Option<&'static Explanation> {
    EXPLANATIONS
        .iter()
        .find(|e| e.code.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_explained_once() {
        let mut codes: Vec<&str> = EXPLANATIONS.iter().map(|e| e.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 12);
        assert!(explain("dependency").is_some_and(|e| e.text.contains("0.75")));
        assert!(explain("NOPE").is_none());
    }
}
