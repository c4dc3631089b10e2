//! Dense keys for the grants (issue 6): every organisation a grant names, and every area,
//! numbered once in identifier order, so measures aggregate into vectors or hash maps keyed
//! by small integers instead of comparing identifier strings on every grant.
//!
//! Numbers follow sorted order ([`OrgId`]'s and `str`'s), so iterating a vector indexed by
//! them visits organisations (areas) in the same order a `BTreeMap` keyed by the identifier
//! (name) would: outputs do not change, only the work to produce them.

use crate::model::{Dataset, OrgId, Organisation, Recipient, Sector};
use std::collections::HashMap;

/// A hash map with a fast, fixed-seed hasher, for integer keys. Fixed seed: the same input
/// always hashes the same way (no output depends on hash order anyway: results are sorted).
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A grant's recipient as a key: an organisation by number, or one person (each person
/// separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// An organisation: an index into [`GrantKeys::orgs`].
    Org(u32),
    /// An individual recipient, by the loader's opaque key.
    Person(u32),
}

/// Per-grant keys, index-aligned with `data.grants`.
#[derive(Debug, Clone, Default)]
pub struct GrantKeys {
    /// Every organisation named by a grant (funder or recipient) or listed in
    /// organisations.csv, sorted by identifier.
    pub orgs: Vec<OrgId>,
    /// `org_sector[o]`: the sector of `orgs[o]` (`unknown` when not listed).
    pub org_sector: Vec<Sector>,
    /// `funder[i]`: the funder of grant `i`.
    pub funder: Vec<u32>,
    /// `recipient[i]`: the recipient of grant `i`.
    pub recipient: Vec<Party>,
    /// Every area a grant falls in (see [`crate::measures::concentration::area_of`]), sorted.
    pub areas: Vec<String>,
    /// `area[i]`: grant `i`'s area, an index into `areas`.
    pub area: Vec<Option<u32>>,
}

impl GrantKeys {
    /// Numbers the organisations and areas of `data`'s grants. O(G + V log V) for G grants
    /// and V distinct identifiers: each identifier string is hashed once per grant and
    /// compared only while sorting the distinct ones.
    pub fn new(data: &Dataset) -> GrantKeys {
        let mut ids: Interner<&OrgId> = Interner::default();
        for id in data.organisations.keys() {
            ids.number(id);
        }
        let mut funder: Vec<u32> = Vec::with_capacity(data.grants.len());
        let mut recipient: Vec<Party> = Vec::with_capacity(data.grants.len());
        for g in &data.grants {
            funder.push(ids.number(&g.funder));
            recipient.push(match &g.recipient {
                Recipient::Org(o) => Party::Org(ids.number(o)),
                Recipient::Individual(k) => Party::Person(k.0),
            });
        }
        // Numbers are in first-seen order; renumber them in identifier order.
        let (sorted, rank) = ids.sorted();
        for f in &mut funder {
            *f = rank[*f as usize];
        }
        for r in &mut recipient {
            if let Party::Org(o) = r {
                *o = rank[*o as usize];
            }
        }
        let orgs: Vec<OrgId> = sorted.into_iter().cloned().collect();
        let listed: Vec<Option<&Organisation>> =
            orgs.iter().map(|o| data.organisations.get(o)).collect();
        let org_sector = listed
            .iter()
            .map(|o| o.map_or(Sector::Unknown, |o| o.sector))
            .collect();

        // Areas: the recipient's Area from organisations.csv, else the grant's Beneficiary
        // Location:Name.
        let mut names: Interner<&str> = Interner::default();
        let mut area: Vec<Option<u32>> = data
            .grants
            .iter()
            .zip(&recipient)
            .map(|(g, r)| {
                let org_area = match r {
                    Party::Org(o) => listed[*o as usize].and_then(|org| org.area.as_deref()),
                    Party::Person(_) => None,
                };
                org_area
                    .or(g.beneficiary_location.as_deref())
                    .map(|a| names.number(a))
            })
            .collect();
        let (areas, area_rank) = names.sorted();
        for a in area.iter_mut().flatten() {
            *a = area_rank[*a as usize];
        }
        GrantKeys {
            org_sector,
            areas: areas.into_iter().map(str::to_owned).collect(),
            orgs,
            funder,
            recipient,
            area,
        }
    }

    /// The sector of grant `i`'s recipient (`individual` for people).
    pub fn recipient_sector(&self, i: usize) -> Sector {
        match self.recipient[i] {
            Party::Org(o) => self.org_sector[o as usize],
            Party::Person(_) => Sector::Individual,
        }
    }
}

/// Numbers distinct values in first-seen order.
struct Interner<K> {
    numbers: FastMap<K, u32>,
    values: Vec<K>,
}

impl<K> Default for Interner<K> {
    fn default() -> Self {
        Interner {
            numbers: FastMap::default(),
            values: Vec::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Ord + Copy> Interner<K> {
    fn number(&mut self, k: K) -> u32 {
        let values = &mut self.values;
        *self.numbers.entry(k).or_insert_with(|| {
            values.push(k);
            (values.len() - 1) as u32
        })
    }

    /// The values sorted, and `rank[n]`: the sorted position of the value numbered `n`.
    fn sorted(self) -> (Vec<K>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.values.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.values[a as usize].cmp(&self.values[b as usize]));
        let mut rank = vec![0u32; order.len()];
        for (r, &n) in order.iter().enumerate() {
            rank[n as usize] = r as u32;
        }
        (
            order.iter().map(|&n| self.values[n as usize]).collect(),
            rank,
        )
    }
}
