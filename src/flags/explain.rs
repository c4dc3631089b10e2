//! `fundflow explain CODE`: each flag's definition, formula, default thresholds, source,
//! caveats and the questions a board should ask when it is raised, in words a board member
//! can read. Kept beside the rules so the two change together; docs/METHOD.md ("Questions
//! for the board") restates the questions with their sources.
//!
//! The questions come from the research SPEC.md rests on: partners default to the
//! fundholder as host, chair and decision-maker; VCSE members attend unpaid, often outside
//! work hours, and their voices thin out; paying for involvement is a practice with its own
//! guidance (NHS England); short, restricted, concentrated funding leaves small
//! organisations dependent and facing cliffs (IVAR, NCVO). A question is there to open a
//! conversation a board can have, not to pass a verdict: every flag is a threshold crossed
//! by a measured figure, and the caveats say what the figure cannot see.

use super::Code;

/// One flag's explanation.
pub struct Explanation {
    /// The code.
    pub code: Code,
    /// One line: what it is about.
    pub title: &'static str,
    /// What it means, in words.
    pub(crate) definition: &'static str,
    /// The figure flagged, as a formula over the data.
    pub(crate) formula: &'static str,
    /// Default bands and the guard ("only when").
    pub(crate) thresholds: &'static str,
    /// Where the concern and its thresholds come from.
    pub(crate) source: &'static str,
    /// What the figure cannot see: readings to keep in mind before acting on it.
    pub(crate) caveats: &'static [&'static str],
    /// Questions for a board to ask when the flag is raised.
    pub(crate) questions: &'static [&'static str],
}

impl Explanation {
    /// The whole explanation as plain text, one section a heading, as `explain CODE` prints
    /// it after its first line.
    pub fn text(&self) -> String {
        let bullets = |items: &[&str]| -> String {
            items
                .iter()
                .map(|i| format!("  - {i}\n"))
                .collect::<String>()
        };
        format!(
            "What it means\n  {}\n\nFormula\n  {}\n\nThresholds (defaults; fundflow.toml changes them)\n  {}\n\nSource\n  {}\n\nCaveats\n{}\nQuestions to ask\n{}",
            self.definition,
            self.formula,
            self.thresholds,
            self.source,
            bullets(self.caveats),
            bullets(self.questions),
        )
    }
}

/// The research on statutory–VCSE partnerships that SPEC.md's partnership flags rest on.
const PARTNERSHIP_RESEARCH: &str = "Research on statutory–VCSE partnerships (the King's Fund's work on the voluntary and community sector in integrated care systems; IVAR's studies of partnership working; partnering guidance on power imbalances) found partners defaulting to the fundholder as host, chair and decision-maker, and VCSE members attending less because their time is unpaid and often outside work hours.";

/// Every flag, in SPEC.md's order.
pub const EXPLANATIONS: [Explanation; 12] = [
    Explanation {
        code: Code::Concentration,
        title: "a funder's money goes mostly to a few recipients",
        definition: "Most of one funder's money went to its five largest recipients.",
        formula: "top5_share = the five largest recipients' totals ÷ the funder's total awarded in the window. Recipients are aggregated by identifier; each individual counts separately. Also reported, not flagged: HHI = Σ (100·sᵢ)² and the Gini coefficient over recipients' totals.",
        thresholds: "medium ≥ 0.5, high ≥ 0.7; only for funders with at least 20 recipients in the window.",
        source: "SPEC.md. HHI is shown against the US Department of Justice and Federal Trade Commission Merger Guidelines (2023) bands — moderately concentrated above 1,000, highly above 1,800 — for context only: a funder making n equal grants has HHI = 10,000 ÷ n, so those bands would call every small, even-handed funder concentrated. The flag uses a share a board reads directly.",
        caveats: &[
            "Concentration can be a deliberate strategy (a few strategic partners, a large contract delivered through one provider) rather than a pattern to fix.",
            "Only grants in the data are counted: money the funder gives through contracts or other routes is not seen.",
        ],
        questions: &[
            "Is this concentration a choice the funder made and can explain, or the result of who heard about the funding and who could apply?",
            "Which smaller or newer organisations applied and were not funded, and why?",
            "What would happen to the services these five recipients run if their grants were not renewed?",
        ],
    },
    Explanation {
        code: Code::FunderDominance,
        title: "one funder provides most of the money reaching the VCSE side",
        definition: "One funder provides most of the money that reaches voluntary, community and social enterprise organisations and individuals in the area.",
        formula: "the largest funder's share of all money awarded in the window to VCSE-side recipients (sectors vcse, unknown and individual); for the whole dataset and for each area (the area is in `group`). Ties go to the smallest identifier.",
        thresholds: "medium ≥ 0.5, high ≥ 0.7; only when at least 3 funders gave to the VCSE side.",
        source: "SPEC.md; research on statutory–VCSE partnerships found that unequal funding drives competition and dependency on the largest funder.",
        caveats: &[
            "Only funders that publish their grants are in the data: a funder that does not publish is invisible, so the largest funder's real share may be lower.",
        ],
        questions: &[
            "If this funder changed its priorities or cut its budget, what would the area's voluntary sector lose, and who would notice first?",
            "Does this funder's weight give it a say in the partnership's decisions beyond what the partnership agreed?",
            "Are other funders (trusts, lottery, national programmes) being brought in, and is anyone's job to do that?",
        ],
    },
    Explanation {
        code: Code::Dependency,
        title: "a VCSE organisation relies on one funder",
        definition: "One funder provides most of a voluntary or community organisation's running grant money (or of its income, when income is known).",
        formula: "dependency = the annual value of grants active at as_of from its largest funder ÷ its annual income (organisations.csv; basis income), or ÷ all its active annual value when income is unknown (basis recorded). Annual value = amount ÷ max(1, grant days ÷ 365.25).",
        thresholds: "medium ≥ 0.5, high ≥ 0.75; only for VCSE-side organisations (sectors vcse, unknown), and on the recorded basis only when at least 2 funders have active grants.",
        source: "Charity-sector guidance on income diversification: one funder providing more than half of income makes an organisation very vulnerable. The Charity Commission's CC19, Charity reserves: building resilience, asks trustees to plan for the loss of a major source of income. The 0.5 and 0.75 cut-offs are SPEC.md's.",
        caveats: &[
            "On the recorded basis the denominator is only the grants in the data: an organisation with earned income, donations or contracts may depend far less than the figure says. Adding Annual Income to organisations.csv makes the figure exact.",
            "A grant's annual value assumes the money is spent evenly over its period.",
        ],
        questions: &[
            "If this funder's grant ended, could the organisation keep going, and for how long (months of reserves)?",
            "Does the funder know how much this organisation relies on it, and is there an agreed exit or transition plan?",
            "Is the organisation free to speak critically in the partnership about the body it depends on?",
        ],
    },
    Explanation {
        code: Code::FundingCliff,
        title: "most of an organisation's running grants end within a year",
        definition: "Most of the grant money a voluntary or community organisation has running ends within the next twelve months.",
        formula: "ending_12m_share = annual value of its active grants ending on or before as_of + 365 days ÷ annual value of all its active grants (active: start ≤ as_of ≤ end).",
        thresholds: "medium ≥ 0.5, high ≥ 0.8; only for VCSE-side organisations (sectors vcse, unknown) whose annual value ending is at least £10,000 (cliff_min_annual: about a two-day-a-week post at the National Living Wage), and with at least 2 active grants, or with known income where the ending annual value is at least 25% of it. A single one-year grant always ends within 12 months; short-termism itself is SHORT-TERM-FUNDING's job.",
        source: "SPEC.md; research on short, time-limited funding (IVAR; NCVO's UK Civil Society Almanac) found it puts VCSE organisations' survival at risk.",
        caveats: &[
            "A grant that ends may already be renewed, or be about to be: the data show what was awarded, not what is planned.",
            "When as_of is simply the last date in the data, grants ending on that date count as ending; set --as-of to the date the board is looking from.",
        ],
        questions: &[
            "Which of these grants will be renewed, and when will the organisations be told (late decisions force redundancy notices)?",
            "Which services for residents stop if the grants end, and who would pick up the demand?",
            "Could the next round be multi-year, so the cliff does not come back every year?",
        ],
    },
    Explanation {
        code: Code::Retention,
        title: "a fundholder keeps most of a partnership's programme money",
        definition: "The partner holding the partnership's programme money kept most of it instead of passing it on to the other partners.",
        formula: "retained_share = 1 − programme money the fundholder passed on ÷ programme money it received (grants with the partnership's Programme title, awarded in the window).",
        thresholds: "medium ≥ 0.6, high ≥ 0.8; only when programme money was received in the window.",
        source: PARTNERSHIP_RESEARCH,
        caveats: &[
            "Money the fundholder spends on delivery itself, or passes on by contract rather than grant, is counted as retained: check how the partnership agreed the money would be used.",
            "Money received near the end of the window may be passed on after it.",
        ],
        questions: &[
            "What did the partnership agree the programme money was for, and who decided how much reaches the other partners?",
            "Are the fundholder's own costs of running the programme shown separately, and agreed by the partnership?",
            "Would the VCSE partners describe the split as fair?",
        ],
    },
    Explanation {
        code: Code::DefaultHost,
        title: "the fundholder hosts the partnership's meetings by default",
        definition: "The partner that holds the money hosts most of the partnership's meetings, far more than an even share.",
        formula: "host_share = meetings hosted by the fundholder ÷ meetings with a recorded host (in the window); fair share = 1 ÷ members (members: organisations with attendance rows, plus the fundholder).",
        thresholds: "high ≥ 0.75; medium ≥ 0.5 and at least twice the fair share; only with at least 4 meetings with a host.",
        source: PARTNERSHIP_RESEARCH,
        caveats: &[
            "Hosting can be a practical matter (the only room big enough, the only licence for the video platform); the pattern matters when it also sets the agenda.",
        ],
        questions: &[
            "Could hosting rotate among partners, VCSE members included, and what would they need (rooms, budget, admin time) to host?",
            "Who sets the agenda and writes the minutes: the host, or the partnership?",
            "Do meetings on the fundholder's premises feel like the fundholder's meetings to the other partners?",
        ],
    },
    Explanation {
        code: Code::DefaultChair,
        title: "the fundholder chairs the partnership's meetings by default",
        definition: "Someone from the partner that holds the money chairs most of the partnership's meetings.",
        formula: "chair_share = meetings chaired by someone from the fundholder ÷ meetings with a recorded chair (in the window).",
        thresholds: "high ≥ 0.75; medium ≥ 0.5 and at least twice the fair share; only with at least 4 meetings with a chair.",
        source: PARTNERSHIP_RESEARCH,
        caveats: &[
            "A chair from the fundholder may have been chosen openly by the partnership; the figure shows the pattern, not how it came about.",
        ],
        questions: &[
            "How was the chair chosen, and is there a term after which it passes to another partner?",
            "Could a VCSE member co-chair, with their time paid?",
            "Are decisions taken in the meeting, or settled beforehand by the fundholder?",
        ],
    },
    Explanation {
        code: Code::UnpaidParticipation,
        title: "VCSE and community members give their time unpaid",
        definition: "Most of the time VCSE and community members spend at the partnership's meetings is unpaid, while statutory colleagues attend in salaried time.",
        formula: "vcse_unpaid_share = hours of attended VCSE-side rows (sectors vcse, individual, unknown) that were not resourced ÷ all such hours. A row is resourced when the attendee is statutory (salaried time) or a payment other than expenses names the person or their organisation and names that meeting or has a period covering its date. unpaid_value = unpaid hours × the hourly rate (default £12.21, the National Living Wage from April 2025: a floor, not a valuation).",
        thresholds: "medium ≥ 0.5, high ≥ 0.8; only when VCSE-side hours > 0 and payments.csv exists (without it, payment is unknown).",
        source: "Research on statutory–VCSE partnerships found VCSE members attend unpaid, often outside work hours, and attend less as a result. NHS England's Working in partnership with people and communities: statutory guidance (2022) and its Patient and public voice partners policy (2017) describe paying people for their involvement.",
        caveats: &[
            "A payment not recorded in payments.csv counts as unpaid: check the file is complete before reading the figure.",
            "Some VCSE attendees may be paid by their own organisation for the time; the figure counts payment from the partnership's records only.",
        ],
        questions: &[
            "Does the partnership's budget pay VCSE and community members for their time, and at what rate?",
            "Are meetings held at times VCSE members can attend without taking unpaid leave?",
            "Who carries the unpaid time, and is the partnership relying on a few people's goodwill?",
        ],
    },
    Explanation {
        code: Code::ParticipationGap,
        title: "VCSE members attend less than statutory members",
        definition: "VCSE members turn up to fewer of the meetings they are expected at than statutory members do.",
        formula: "statutory attendance rate − VCSE-side attendance rate, where a rate is attended rows ÷ all attendance rows (attended, apologies, absent) of that side.",
        thresholds: "medium ≥ 0.2, high ≥ 0.35; only with at least 10 rows on each side.",
        source: PARTNERSHIP_RESEARCH,
        caveats: &[
            "Attendance records may be kept less carefully for some members than others; a missing row is not an absence.",
        ],
        questions: &[
            "Are meeting times, places and papers workable for people who are not paid to attend?",
            "Is VCSE members' time paid, and would paying it change who comes?",
            "When VCSE members are absent, are decisions postponed or taken without them?",
        ],
    },
    Explanation {
        code: Code::ShortTermFunding,
        title: "a funder's money to VCSE organisations is mostly short-term",
        definition: "Almost all of a funder's money to voluntary and community organisations is in grants of a year or less.",
        formula: "the share of the funder's money awarded in the window to VCSE organisations (sectors vcse and unknown) that is in grants of 12 months or less. Grant length = calendar months from start to end + 1 day (Planned Dates, else Duration, else 12 months). Also reported per funder, not flagged: median grant length, long_term_share (36 months or more), short_term_share of all its money, and unrestricted_share with its basis.",
        thresholds: "medium ≥ 0.8 (no high band); only with at least 5 grants to VCSE organisations.",
        source: "IVAR's Open and Trusting grant-making commitments (multi-year and unrestricted funding where possible); NCVO's UK Civil Society Almanac on the sector's reliance on short-term restricted grants.",
        caveats: &[
            "A funder that publishes no grant lengths looks short-term: SPEC.md's 12-month default is used, and the message says how many lengths were assumed.",
            "Small one-off grants (an event, equipment) are short by nature; the concern is core services funded a year at a time.",
        ],
        questions: &[
            "Which of these grants pay for services that run year after year, and could they be multi-year?",
            "How much notice do organisations get of renewal decisions?",
            "Could some of the money be unrestricted, so organisations can cover their core costs?",
        ],
    },
    Explanation {
        code: Code::UsualSuspects,
        title: "the same few VCSE organisations hold most seats",
        definition: "A handful of voluntary organisations hold most of the VCSE seats across the area's partnerships.",
        formula: "top5_seat_share = attended rows of the 5 VCSE-side organisations with most (ties to the smallest identifier) ÷ all VCSE-side attended rows across every partnership, community members' rows included. Also reported: organisations at 3 or more tables, and Spearman's rank correlation between seats and money received (null below 5 organisations).",
        thresholds: "medium ≥ 0.5, high ≥ 0.7; only with at least 10 VCSE-side organisations with seats.",
        source: PARTNERSHIP_RESEARCH,
        caveats: &[
            "Infrastructure bodies (a council for voluntary service) may hold seats on behalf of many groups; check whom each seat speaks for.",
        ],
        questions: &[
            "Who is not at the table: which communities and smaller groups never attend?",
            "Do the organisations with the most seats also receive the most money, and is that a conflict the partnership manages?",
            "How are VCSE seats filled, and could they rotate or be elected by the wider sector?",
        ],
    },
    Explanation {
        code: Code::UnderFundedGroup,
        title: "organisations led by a group get less than their share of the money",
        definition: "Organisations led by a group (a Led By tag in organisations.csv) receive a smaller share of the money than their share of the organisations.",
        formula: "representation_ratio = funding_share ÷ org_share for a Led By tag, where org_share = tagged VCSE organisations ÷ all VCSE organisations the dataset mentions (sectors vcse and unknown), and funding_share = their grants received in the window ÷ all money to VCSE organisations. 1 is an even share; 0.5 is half of it.",
        thresholds: "medium ≤ 0.5, high ≤ 0.25; only with at least 5 tagged organisations. The tag is in `group`.",
        source: "Research on funding for organisations led by Black and minoritised communities, disabled people and people with lived experience (the Ubele Initiative's 2020 report on the impact of COVID-19 on the BAME community and voluntary sector; the Charity So White campaign) found them persistently under-funded.",
        caveats: &[
            "Tags are the user's: the figure is only as complete as the Led By column. Untagged organisations count in the denominator.",
            "An even share of money is a yardstick, not a target: need, size and what was applied for differ.",
        ],
        questions: &[
            "Did organisations led by this group apply and get turned down, or not apply at all — and why?",
            "Are eligibility rules, application forms or match-funding requirements keeping them out?",
            "Who sits on the panels that decide, and does it include people from this group?",
        ],
    },
];

/// The explanation of a code named in text, matched case-insensitively
/// (`Code::parse`).
pub fn explain(code: &str) -> Option<&'static Explanation> {
    Code::parse(code).map(explanation)
}

/// The explanation of a code (every code has one: a test checks it).
pub(crate) fn explanation(code: Code) -> &'static Explanation {
    EXPLANATIONS
        .iter()
        .find(|e| e.code == code)
        .unwrap_or(&EXPLANATIONS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_explained_once() {
        let mut codes: Vec<Code> = EXPLANATIONS.iter().map(|e| e.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 12);
        for c in Code::ALL {
            assert_eq!(explanation(c).code, c);
        }
        assert!(explain("dependency").is_some_and(|e| e.thresholds.contains("0.75")));
        assert!(explain("NOPE").is_none());
    }

    #[test]
    fn every_explanation_is_complete() {
        // Issue 18 item 7: definition, formula, thresholds, source, caveats and questions
        // for every code; no section left empty, and each question is a question.
        for e in &EXPLANATIONS {
            for (what, text) in [
                ("definition", e.definition),
                ("formula", e.formula),
                ("thresholds", e.thresholds),
                ("source", e.source),
            ] {
                assert!(text.len() > 20, "{}: {what} is empty", e.code);
            }
            assert!(!e.caveats.is_empty(), "{}: no caveats", e.code);
            assert!(e.questions.len() >= 2, "{}: fewer than 2 questions", e.code);
            for q in e.questions {
                assert!(q.ends_with('?'), "{}: {q:?} is not a question", e.code);
            }
            let text = e.text();
            for heading in [
                "What it means",
                "Formula",
                "Thresholds",
                "Source",
                "Caveats",
            ] {
                assert!(text.contains(heading), "{}: no {heading}", e.code);
            }
            assert!(text.contains("Questions to ask"), "{}", e.code);
        }
    }

    #[test]
    fn method_lists_every_question() {
        // docs/METHOD.md "Questions for the board" restates the questions: keep them equal.
        let method = include_str!("../../docs/METHOD.md");
        for e in &EXPLANATIONS {
            for q in e.questions {
                assert!(
                    method.contains(&format!("- {q}\n")),
                    "METHOD.md lacks {q:?}"
                );
            }
        }
    }

    #[test]
    fn thresholds_agree_with_the_defaults() {
        // The numbers quoted are the defaults of config::Parameters, so a change of default
        // that forgets the explanation fails here.
        let p = crate::config::Parameters::default();
        let quoted = |code: Code, x: f64| {
            let e = explanation(code);
            assert!(
                e.thresholds.contains(&format!("{x}")),
                "{code}: {x} not in {:?}",
                e.thresholds
            );
        };
        quoted(Code::Dependency, p.dependency.medium);
        quoted(Code::Dependency, p.dependency.high);
        quoted(Code::FundingCliff, p.cliff.medium);
        quoted(Code::FundingCliff, p.cliff.high);
        quoted(Code::Concentration, p.concentration.medium);
        quoted(Code::Concentration, p.concentration.high);
        quoted(Code::Retention, p.retention.medium);
        quoted(Code::Retention, p.retention.high);
    }
}
