//! `Same As`: one body published under two identifiers becomes one organisation.
//!
//! organisations.csv may say that an identifier *is* another (`Same As`). The merge is
//! applied once, here, before anything downstream sees the data: every reference to a merged
//! identifier — grants' funder and recipient, partnerships' fundholder, meetings' host and
//! chair, attendance's organisation, payments' payer and payee organisation — is rewritten
//! to the identifier at the end of its chain, so every measure, table, chart and the graph
//! see one organisation.
//!
//! Rules (SPEC.md, organisations.csv):
//! - chains resolve to their end: A → B and B → C merge A and B into C;
//! - the merged organisation is the target: its identifier, and its name, sector, type,
//!   income, area and tags come from the target's own row and the grants naming the target
//!   itself (the merged identifiers contribute their money and references, not their
//!   descriptions);
//! - a `Same As` naming the row's own identifier, an identifier no file names, or closing a
//!   cycle makes the row invalid (file, line, column, value and why): strict mode stops,
//!   `--skip-invalid` leaves the row out (counted by reason), and nothing is merged by it.
//!
//! Cost: O(references) to rewrite, done only when a merge exists; O(merges × chain length)
//! to resolve.

use super::{Ledger, OrgFacts, SameAs};
use crate::error::{Problem, Reason};
use crate::model::{
    Attendance, Grant, Meeting, Merge, MergedId, OrgId, Partnership, Payee, Payment, Recipient,
};
use std::collections::BTreeMap;

/// The parsed references a merge rewrites, with the file each came from (for the count of
/// rows rewritten per file).
pub(crate) struct References<'a> {
    pub(crate) grants: (&'a str, &'a mut Vec<Grant>),
    pub(crate) partnerships: (&'a str, &'a mut Vec<Partnership>),
    pub(crate) meetings: (&'a str, &'a mut Vec<Meeting>),
    pub(crate) attendance: (&'a str, &'a mut Vec<Attendance>),
    pub(crate) payments: (&'a str, Option<&'a mut Vec<Payment>>),
}

impl SameAs {
    fn problem(&self, reason: Reason) -> Problem {
        Problem::at(&self.file, self.place.clone(), reason)
            .column(&self.column)
            .value(&self.raw)
    }
}

/// Checks every `Same As`, rejects the invalid rows (through the ledger, as any invalid
/// row), resolves chains and rewrites every reference. An identifier is named by a file when
/// `facts` knows it or `also_named` (hosts and chairs) says so. Returns the merges, by target identifier (names filled in later, from the
/// organisations once built).
pub(crate) fn apply(
    facts: &mut OrgFacts,
    ledger: &mut Ledger,
    also_named: &dyn Fn(&OrgId) -> bool,
    refs: References<'_>,
) -> Vec<Merge> {
    let links: BTreeMap<OrgId, SameAs> = facts.take_same_as();
    if links.is_empty() {
        return Vec::new();
    }
    let (finals, invalid) = {
        let named = |id: &OrgId| facts.known(id) || also_named(id);
        resolve(&links, &named)
    };
    for (id, problem) in invalid {
        ledger.revoke(&problem.file.clone(), problem);
        facts.drop_row(&id);
    }
    if finals.is_empty() {
        return Vec::new();
    }

    // Each merged identifier's own name, before its facts go.
    let mut merges: BTreeMap<OrgId, Merge> = BTreeMap::new();
    for (from, into) in &finals {
        let name = facts.remove(from);
        let m = merges.entry(into.clone()).or_insert_with(|| Merge {
            into: into.clone(),
            name: String::new(),
            from: Vec::new(),
            rows_rewritten: 0,
            by_file: BTreeMap::new(),
        });
        m.from.push(MergedId {
            id: from.clone(),
            name,
        });
    }
    rewrite(&finals, refs, &mut merges);
    merges.into_values().collect()
}

/// `Same As` links → (each merged identifier's final target, invalid rows with why).
/// Invalid: a link to itself, to an identifier no file names, or on a cycle (every row on
/// it). Links through an invalid row end where that row is.
pub(crate) fn resolve(
    links: &BTreeMap<OrgId, SameAs>,
    named: &dyn Fn(&OrgId) -> bool,
) -> (BTreeMap<OrgId, OrgId>, Vec<(OrgId, Problem)>) {
    let mut invalid: BTreeMap<OrgId, Problem> = BTreeMap::new();
    for (id, link) in links {
        if &link.target == id {
            invalid.insert(
                id.clone(),
                link.problem(Reason::new(
                    "same-as-self",
                    "Same As names the row's own Identifier; leave it empty, or name the identifier this organisation is the same as",
                )),
            );
        } else if !named(&link.target) {
            invalid.insert(
                id.clone(),
                link.problem(Reason::new(
                    "same-as-unknown",
                    format!(
                        "Same As names {}, which no grant, partnership, meeting, attendance, payment or organisations.csv row names",
                        link.target
                    ),
                )),
            );
        }
    }
    // Cycles among the remaining links: walk each chain; a step back onto the path closes a
    // cycle, and every row on it is invalid (named from its smallest identifier, so the
    // message is the same whichever row it is read on).
    for start in links.keys() {
        if invalid.contains_key(start) {
            continue;
        }
        let mut path: Vec<&OrgId> = vec![start];
        let mut at = start;
        while let Some(next) = links
            .get(at)
            .filter(|_| !invalid.contains_key(at))
            .map(|l| &l.target)
        {
            if let Some(pos) = path.iter().position(|p| *p == next) {
                let cycle = &path[pos..];
                let smallest = cycle.iter().enumerate().min_by_key(|(_, id)| **id);
                let first = smallest.map_or(0, |(i, _)| i);
                let mut shown: Vec<&str> = cycle[first..]
                    .iter()
                    .chain(&cycle[..first])
                    .map(|id| id.as_str())
                    .collect();
                shown.push(cycle[first].as_str());
                let words = shown.join(" → ");
                let members: Vec<OrgId> = cycle.iter().map(|id| (*id).clone()).collect();
                for id in members {
                    // Every identifier on the path was reached through its own link.
                    if let Some(link) = links.get(&id) {
                        let problem = link.problem(Reason::new(
                            "same-as-cycle",
                            format!(
                                "Same As forms a cycle ({words}); a chain must end at an organisation without Same As"
                            ),
                        ));
                        invalid.insert(id, problem);
                    }
                }
                break;
            }
            path.push(next);
            at = next;
        }
    }
    let mut finals = BTreeMap::new();
    for id in links.keys() {
        if invalid.contains_key(id) {
            continue;
        }
        let mut at = id;
        while let Some(l) = links.get(at).filter(|_| !invalid.contains_key(at)) {
            at = &l.target;
        }
        finals.insert(id.clone(), at.clone());
    }
    (finals, invalid.into_iter().collect())
}

/// Rewrites every reference through `finals`, counting rows per merge and file.
fn rewrite(
    finals: &BTreeMap<OrgId, OrgId>,
    refs: References<'_>,
    merges: &mut BTreeMap<OrgId, Merge>,
) {
    // One row counts once per merge, however many of its references moved.
    let mut count = |file: &str, touched: &mut Vec<OrgId>| {
        touched.sort_unstable();
        touched.dedup();
        for into in touched.drain(..) {
            if let Some(m) = merges.get_mut(&into) {
                m.rows_rewritten += 1;
                *m.by_file.entry(file.to_owned()).or_default() += 1;
            }
        }
    };
    let swap = |id: &mut OrgId, touched: &mut Vec<OrgId>| {
        if let Some(into) = finals.get(id) {
            *id = into.clone();
            touched.push(into.clone());
        }
    };
    let mut touched = Vec::new();
    let (file, grants) = refs.grants;
    for g in grants.iter_mut() {
        swap(&mut g.funder, &mut touched);
        if let Recipient::Org(o) = &mut g.recipient {
            swap(o, &mut touched);
        }
        count(file, &mut touched);
    }
    let (file, partnerships) = refs.partnerships;
    for p in partnerships.iter_mut() {
        swap(&mut p.fundholder, &mut touched);
        count(file, &mut touched);
    }
    let (file, meetings) = refs.meetings;
    for m in meetings.iter_mut() {
        for o in m.host.iter_mut().chain(m.chair.iter_mut()) {
            swap(o, &mut touched);
        }
        count(file, &mut touched);
    }
    let (file, attendance) = refs.attendance;
    for a in attendance.iter_mut() {
        if let Some(o) = &mut a.org {
            swap(o, &mut touched);
        }
        count(file, &mut touched);
    }
    let (file, payments) = refs.payments;
    for p in payments.into_iter().flatten() {
        swap(&mut p.payer, &mut touched);
        if let Payee::Org(o) = &mut p.payee {
            swap(o, &mut touched);
        }
        count(file, &mut touched);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Place;
    use std::collections::BTreeSet;

    /// `from → into` pairs.
    fn pairs(finals: &BTreeMap<OrgId, OrgId>) -> BTreeSet<(String, String)> {
        finals
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect()
    }

    fn id(s: &str) -> OrgId {
        OrgId::parse(s).expect("id")
    }

    /// Links from (line, from, to) in organisations.csv.
    fn links(rows: &[(u64, &str, &str)]) -> BTreeMap<OrgId, SameAs> {
        rows.iter()
            .map(|(line, from, to)| {
                (
                    id(from),
                    SameAs {
                        target: id(to),
                        file: "organisations.csv".into(),
                        place: Place::Line(*line),
                        column: "Same As".into(),
                        raw: (*to).to_owned(),
                    },
                )
            })
            .collect()
    }

    fn everything_named(_: &OrgId) -> bool {
        true
    }

    fn messages(invalid: &[(OrgId, Problem)]) -> Vec<String> {
        invalid.iter().map(|(_, p)| p.to_string()).collect()
    }

    #[test]
    fn chains_resolve_to_their_end() {
        // A → B → C and D → C: A, B and D all end at C; C itself has no link.
        let l = links(&[(2, "A", "B"), (3, "B", "C"), (4, "D", "C")]);
        let (finals, invalid) = resolve(&l, &everything_named);
        assert!(invalid.is_empty());
        let expected: BTreeSet<(String, String)> = [("A", "C"), ("B", "C"), ("D", "C")]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(pairs(&finals), expected);
    }

    #[test]
    fn a_row_pointing_at_itself_is_invalid_naming_file_line_and_column() {
        // Identifiers compare case-insensitively: "gb-chc-1" is the row's own "GB-CHC-1".
        let mut l = links(&[(7, "GB-CHC-1", "GB-CHC-1")]);
        if let Some(s) = l.get_mut(&id("GB-CHC-1")) {
            s.raw = "gb-chc-1".into();
        }
        let (finals, invalid) = resolve(&l, &everything_named);
        assert!(finals.is_empty());
        assert_eq!(
            messages(&invalid),
            ["organisations.csv:7:Same As: \"gb-chc-1\": Same As names the row's own Identifier; leave it empty, or name the identifier this organisation is the same as"]
        );
        assert_eq!(invalid[0].1.reason.code, "same-as-self");
    }

    #[test]
    fn a_target_no_file_names_is_invalid() {
        let l = links(&[(3, "A", "NOWHERE"), (4, "B", "C")]);
        let named = |i: &OrgId| i.as_str() != "NOWHERE";
        let (finals, invalid) = resolve(&l, &named);
        // B → C still merges; A's row is the one at fault.
        assert_eq!(finals.len(), 1);
        assert_eq!(
            messages(&invalid),
            ["organisations.csv:3:Same As: \"NOWHERE\": Same As names NOWHERE, which no grant, partnership, meeting, attendance, payment or organisations.csv row names"]
        );
    }

    #[test]
    fn every_row_on_a_cycle_is_invalid_and_a_chain_into_it_ends_before_it() {
        // B → C → D → B is a cycle (lines 3, 4, 5); A → B leads into it. Each cycle row is
        // named with the cycle read from its smallest identifier, B. A's link to B is valid
        // (B is named): it ends at B, whose own link was refused.
        let l = links(&[(2, "A", "B"), (3, "C", "D"), (4, "D", "B"), (5, "B", "C")]);
        let (finals, invalid) = resolve(&l, &everything_named);
        assert_eq!(
            pairs(&finals),
            [("A".to_owned(), "B".to_owned())].into_iter().collect()
        );
        let m = messages(&invalid);
        assert_eq!(m.len(), 3, "{m:?}");
        for (line, value) in [(5, "C"), (3, "D"), (4, "B")] {
            let expected = format!("organisations.csv:{line}:Same As: \"{value}\": Same As forms a cycle (B → C → D → B); a chain must end at an organisation without Same As");
            assert!(m.contains(&expected), "{expected} in {m:?}");
        }
        // Two rows naming each other: a cycle of two.
        let (finals, invalid) = resolve(&links(&[(2, "X", "Y"), (3, "Y", "X")]), &everything_named);
        assert!(finals.is_empty());
        assert!(messages(&invalid)[0].contains("(X → Y → X)"));
    }

    proptest::proptest! {
        /// Whatever the links (self-links, unknown targets, cycles, chains), every link is
        /// either resolved or invalid; a resolved one ends at an identifier with no valid
        /// link of its own, reached by following the links; and nothing merges into itself.
        #[test]
        fn every_link_resolves_to_a_chain_end_or_is_invalid(
            edges in proptest::collection::btree_map(0u8..8, 0u8..10, 0..8)
        ) {
            let name = |n: u8| format!("ID{n}");
            let rows: Vec<(u64, String, String)> = edges
                .iter()
                .enumerate()
                .map(|(i, (f, t))| (i as u64 + 2, name(*f), name(*t)))
                .collect();
            let refs: Vec<(u64, &str, &str)> =
                rows.iter().map(|(l, f, t)| (*l, f.as_str(), t.as_str())).collect();
            let l = links(&refs);
            // ID8 and ID9 are named by no file.
            let named = |i: &OrgId| !matches!(i.as_str(), "ID8" | "ID9");
            let (finals, invalid) = resolve(&l, &named);
            let bad: BTreeSet<&OrgId> = invalid.iter().map(|(i, _)| i).collect();
            proptest::prop_assert_eq!(finals.len() + bad.len(), l.len());
            for (from, into) in &finals {
                proptest::prop_assert!(from != into);
                proptest::prop_assert!(named(into));
                proptest::prop_assert!(!finals.contains_key(into));
                let mut at = from;
                let mut steps = 0;
                while at != into {
                    at = &l[at].target;
                    steps += 1;
                    proptest::prop_assert!(steps <= l.len());
                }
            }
        }
    }
}
