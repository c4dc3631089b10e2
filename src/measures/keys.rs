//! Dense keys for the grants (issue 6): every organisation a grant names, and every area,
//! numbered once in identifier order, so measures aggregate into vectors or hash maps keyed
//! by small integers instead of comparing identifier strings on every grant.
//!
//! Numbers follow sorted order ([`OrgId`]'s and `str`'s), so iterating a vector indexed by
//! them visits organisations (areas) in the same order a `BTreeMap` keyed by the identifier
//! (name) would: outputs do not change, only the work to produce them.

use crate::model::{Dataset, OrgId, Organisation, Recipient, Sector};

pub(crate) use crate::model::{FastMap, FastSet};

/// A programme title as compared: trimmed, lower case, runs of whitespace as one space.
pub(crate) fn programme_key(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A grant's recipient as a key: an organisation by number, or one person (each person
/// separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Party {
    /// An organisation: an index into [`GrantKeys::orgs`].
    Org(u32),
    /// An individual recipient, by the loader's opaque key.
    Person(u32),
}

/// Per-grant keys, index-aligned with `data.grants`.
#[derive(Debug, Clone, Default)]
pub(crate) struct GrantKeys {
    /// Every organisation named by a grant (funder or recipient) or listed in
    /// organisations.csv, sorted by identifier.
    pub(crate) orgs: Vec<OrgId>,
    /// `org_sector[o]`: the sector of `orgs[o]` (`unknown` when not listed).
    pub(crate) org_sector: Vec<Sector>,
    /// `funder[i]`: the funder of grant `i`.
    pub(crate) funder: Vec<u32>,
    /// `recipient[i]`: the recipient of grant `i`.
    pub(crate) recipient: Vec<Party>,
    /// Every area a grant falls in, sorted: its recipient's `Area` from organisations.csv,
    /// else its `Beneficiary Location:Name` (the reading in [`super::concentration`]).
    pub(crate) areas: Vec<String>,
    /// `area[i]`: grant `i`'s area, an index into `areas`.
    pub(crate) area: Vec<Option<u32>>,
    /// `programme[i]`: grant `i`'s `Grant Programme:Title` as compared
    /// (`programme_key`: trimmed, lower case, runs of spaces as one), numbered as in `programmes`.
    pub(crate) programme: Vec<Option<u32>>,
    /// Each compared programme title and its number.
    pub(crate) programmes: FastMap<String, u32>,
}

impl GrantKeys {
    /// Numbers the organisations and areas of `data`'s grants. O(G + V log V) for G grants
    /// and V distinct identifiers: each identifier string is hashed once per grant and
    /// compared only while sorting the distinct ones.
    pub(crate) fn new(data: &Dataset) -> GrantKeys {
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
        // Programme titles: each distinct title is normalised once.
        let mut programmes: FastMap<String, u32> = FastMap::default();
        let mut titles: FastMap<&str, Option<u32>> = FastMap::default();
        let programme = data
            .grants
            .iter()
            .map(|g| {
                let title = g.programme.as_deref()?;
                *titles.entry(title).or_insert_with(|| {
                    let key = programme_key(title);
                    let n = programmes.len() as u32;
                    (!key.is_empty()).then(|| *programmes.entry(key).or_insert(n))
                })
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
            programme,
            programmes,
        }
    }

    /// The number of an organisation, if a grant names it or organisations.csv lists it.
    pub(crate) fn number_of(&self, id: &OrgId) -> Option<u32> {
        self.orgs.binary_search(id).ok().map(|n| n as u32)
    }

    /// The sector of grant `i`'s recipient (`individual` for people).
    pub(crate) fn recipient_sector(&self, i: usize) -> Sector {
        match self.recipient[i] {
            Party::Org(o) => self.org_sector[o as usize],
            Party::Person(_) => Sector::Individual,
        }
    }
}

/// Per attendance row: the attendee's sector and the row's meeting, found once per dataset;
/// and the rows of each meeting, in file order.
#[derive(Debug, Clone, Default)]
pub(crate) struct AttendanceKeys {
    /// `sector[r]`: the sector of row `r`'s organisation (`individual` without one).
    pub(crate) sector: Vec<Sector>,
    /// `meeting[r]`: the index in `data.meetings` of row `r`'s meeting (`None` if unknown).
    pub(crate) meeting: Vec<Option<u32>>,
    /// Rows of meeting `m` are `rows[starts[m]..starts[m + 1]]`.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl AttendanceKeys {
    /// Indexes `data.attendance`. O(A + M) hash lookups for A rows and M meetings.
    pub(crate) fn new(data: &Dataset) -> AttendanceKeys {
        let mut meetings: FastMap<&str, u32> = FastMap::default();
        for (m, meeting) in data.meetings.iter().enumerate() {
            // Meeting IDs are unique (the loader checks); the first wins regardless.
            meetings.entry(meeting.id.as_str()).or_insert(m as u32);
        }
        let mut sectors: FastMap<&OrgId, Sector> = FastMap::default();
        let mut sector = Vec::with_capacity(data.attendance.len());
        let mut meeting = Vec::with_capacity(data.attendance.len());
        let mut counts = vec![0u32; data.meetings.len() + 1];
        for a in &data.attendance {
            sector.push(match &a.org {
                Some(o) => *sectors.entry(o).or_insert_with(|| data.sector_of(o)),
                None => Sector::Individual,
            });
            let m = meetings.get(a.meeting.as_str()).copied();
            if let Some(m) = m {
                counts[m as usize + 1] += 1;
            }
            meeting.push(m);
        }
        for m in 1..counts.len() {
            counts[m] += counts[m - 1];
        }
        let starts = counts.clone();
        let mut rows = vec![0u32; starts.last().copied().unwrap_or(0) as usize];
        let mut next = counts;
        for (r, m) in meeting.iter().enumerate() {
            if let Some(m) = m {
                rows[next[*m as usize] as usize] = r as u32;
                next[*m as usize] += 1;
            }
        }
        AttendanceKeys {
            sector,
            meeting,
            starts,
            rows,
        }
    }

    /// The attendance rows of meeting `m` (an index into `data.meetings`), in file order.
    pub(crate) fn rows_of(&self, m: usize) -> &[u32] {
        match (self.starts.get(m), self.starts.get(m + 1)) {
            (Some(&a), Some(&b)) => &self.rows[a as usize..b as usize],
            _ => &[],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::testkit::{org, Builder};

    fn data() -> Dataset {
        let mut d = Builder::default()
            .org("GB-CHC-9", Sector::Vcse)
            .org("GB-LAE-A", Sector::Statutory)
            .area("GB-CHC-9", "North")
            .grant("GB-LAE-B", "GB-CHC-9", 10, "2024-01-01")
            .grant("GB-LAE-A", "GB-CHC-1", 20, "2024-01-02")
            .grant("GB-LAE-A", "person:7", 30, "2024-01-03")
            .build();
        // A grant whose recipient has no Area falls back to its Beneficiary Location.
        d.grants[1].beneficiary_location = Some("East".into());
        d.grants[0].programme = Some("  Healthy   Towns ".into());
        d.grants[1].programme = Some("healthy towns".into());
        d.grants[2].programme = Some("   ".into());
        d
    }

    #[test]
    fn organisations_are_numbered_in_identifier_order() {
        let k = GrantKeys::new(&data());
        // Sorted by identifier, whoever was seen first: "GB-CHC-1" < "GB-CHC-9" < "GB-LAE-A"
        // < "GB-LAE-B" (organisations.csv rows and grant parties alike).
        let ids: Vec<&str> = k.orgs.iter().map(OrgId::as_str).collect();
        assert_eq!(ids, ["GB-CHC-1", "GB-CHC-9", "GB-LAE-A", "GB-LAE-B"]);
        assert_eq!(k.funder, [3, 2, 2]);
        assert_eq!(
            k.recipient,
            [Party::Org(1), Party::Org(0), Party::Person(7)]
        );
        // Listed sectors; an unlisted organisation is unknown; a person is individual.
        assert_eq!(
            k.org_sector,
            [
                Sector::Unknown,
                Sector::Vcse,
                Sector::Statutory,
                Sector::Unknown
            ]
        );
        assert_eq!(k.recipient_sector(2), Sector::Individual);
        assert_eq!(k.number_of(&org("gb-lae-a")), Some(2));
        assert_eq!(k.number_of(&org("GB-XXX-1")), None);
    }

    #[test]
    fn areas_and_programmes_are_numbered() {
        let k = GrantKeys::new(&data());
        // Grant 0: its recipient's Area (North); grant 1: its Beneficiary Location (East);
        // grant 2 (a person, no location): none. Areas sorted: East = 0, North = 1.
        assert_eq!(k.areas, ["East", "North"]);
        assert_eq!(k.area, [Some(1), Some(0), None]);
        // Both titles compare as "healthy towns"; a blank title is no programme.
        assert_eq!(k.programme[0], k.programme[1]);
        assert!(k.programme[0].is_some());
        assert_eq!(k.programme[2], None);
        assert_eq!(k.programmes.get("healthy towns"), k.programme[0].as_ref());
    }

    #[test]
    fn attendance_rows_are_found_by_meeting_in_file_order() {
        let fx = Builder::all_files()
            .named_org("GB-LAE-X", "Council", Sector::Statutory)
            .partnership("P", "GB-LAE-X", None)
            .meeting("M1", "2024-01-01", Some("GB-LAE-X"), None)
            .row(1, Some("GB-LAE-X"), crate::model::Status::Attended)
            .meeting("M2", "2024-02-01", Some("GB-LAE-X"), None)
            .row(2, None, crate::model::Status::Attended)
            .row(3, Some("GB-LAE-X"), crate::model::Status::Absent);
        let a = AttendanceKeys::new(&fx.data);
        assert_eq!(a.rows_of(0), [0]);
        assert_eq!(a.rows_of(1), [1, 2]);
        assert!(a.rows_of(2).is_empty());
        assert_eq!(a.meeting, [Some(0), Some(1), Some(1)]);
        assert_eq!(
            a.sector,
            [Sector::Statutory, Sector::Individual, Sector::Statutory]
        );
    }
}
