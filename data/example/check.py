#!/usr/bin/env python3
"""Independent cross-check of the patterns planted in the Northbridge example dataset.

Reads the six CSVs next to this script and recomputes, following /work/shared/SPEC.md's
definitions literally (standard library only, no code shared with generate.py), the figures
behind every planted pattern. Prints a table and exits 1 if any pattern does not hold.

    python3 data/example/check.py            # table of patterns
    python3 data/example/check.py --flags    # also the full list of flags this script expects

Readings of ambiguous SPEC wording are marked "READING:" below; README.md lists them.
"""

import calendar
import csv
import datetime as dt
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
VCSE_SIDE = ("vcse", "unknown", "individual")
FLAGGABLE = ("vcse", "unknown")  # DEPENDENCY and FUNDING-CLIFF subjects
VCSE_ORGS = ("vcse", "unknown")  # SPEC "VCSE organisations": money to VCSE, groups


# ----------------------------------------------------------------------------- reading
def read(name):
    with open(HERE / name, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip().lower() for h in rows[0]]
    return [{h: (v.strip() if v is not None else "") for h, v in zip(header, r)}
            for r in rows[1:]]


def date(s):
    return dt.date.fromisoformat(s) if s else None


def add_months(d, n):
    y, m0 = divmod(d.month - 1 + n, 12)
    y += d.year
    return dt.date(y, m0 + 1, min(d.day, calendar.monthrange(y, m0 + 1)[1]))


def months_between(start, end):
    """Grant length in calendar months from start to end + 1 day (SPEC fine print).
    Whole months plus the leftover days as a fraction of the following month."""
    stop = end + dt.timedelta(days=1)
    m = (stop.year - start.year) * 12 + stop.month - start.month
    while m > 0 and add_months(start, m) > stop:
        m -= 1
    rest = (stop - add_months(start, m)).days
    if rest:
        nxt = add_months(start, m + 1)
        return m + rest / (nxt - add_months(start, m)).days
    return float(m)


GRANTS = read("grants.csv")
ORGS_CSV = {r["identifier"].upper(): r for r in read("organisations.csv")}
PARTNERSHIPS = read("partnerships.csv")
MEETINGS = {r["meeting id"]: r for r in read("meetings.csv")}
ATTENDANCE = read("attendance.csv")
PAYMENTS = read("payments.csv")

# ----------------------------------------------------------------------------- sectors
# SPEC.md "Sector inference" (revised): the map's SPEC.md types; education types held back.
ORG_TYPE_SECTOR = {
    "public body": "statutory", "local authority": "statutory", "nhs": "statutory",
    "government department": "statutory",
    "registered charity": "vcse", "unregistered charity": "vcse", "community group": "vcse",
    "community foundation": "vcse", "cic": "vcse", "c i c": "vcse",
    "community interest company": "vcse", "charitable incorporated organisation": "vcse",
    "trust": "vcse", "community benefit society": "vcse",
    "company limited by guarantee": "vcse", "registered society": "vcse",
    "industrial and provident society": "vcse", "co-operative society": "vcse",
    "unincorporated association": "vcse",
    "company": "private", "private limited company": "private",
    "company limited by shares": "private", "limited liability partnership": "private",
    "sole trader": "private", "individual": "individual",
}
EDUCATION_TYPES = ("school/educational establishment", "school", "university")
STATUTORY_PREFIXES = ("GB-LAE", "GB-LAS", "GB-LANI", "GB-PLA", "GB-NHS", "GB-GOR", "GB-GOV",
                      "GB-EDU", "GB-UKPRN")
CHARITY_PREFIXES = ("GB-CHC", "GB-SC", "GB-NIC")
VCSE_PREFIXES = ("GB-REV", "GB-MPR")
VOLUNTARY_WORDS = re.compile(
    r"\b(association|society|club|forum|friends of|trust|foundation|charity|charitable|"
    r"community|voluntary|volunteers?|church|mosque|temple|gurdwara|synagogue|hospice|"
    r"scouts|guides|tenants|residents)\b", re.I)


def type_key(t):
    return " ".join(t.lower().replace(".", "").split())


def is_cic_name(name):
    n = name.replace(".", "").upper()
    return bool(re.search(r"\bCIC\b", n)) or bool(re.search(r"\bCOMMUNITY INTEREST COMPANY\b", n))


def prefix_of(ident):
    return "-".join(ident.split("-")[:2])


names, org_types, charity_nos, company_nos = {}, defaultdict(list), defaultdict(list), {}
for g in GRANTS:
    rid = g["recipient org:identifier"].upper()
    if rid:
        names.setdefault(rid, g["recipient org:name"])
        org_types[rid].append(g["recipient org:org type"])
        charity_nos[rid].append(g["recipient org:charity number"])
        company_nos.setdefault(rid, g.get("recipient org:company number", ""))
    names.setdefault(g["funding org:identifier"].upper(), g["funding org:name"])

SECTOR_RULE = {}


def sector_of(ident):
    ident = ident.upper()
    row = ORGS_CSV.get(ident)
    if row and row["sector"]:
        SECTOR_RULE[ident] = "organisations.csv"
        return row["sector"].lower()
    # SPEC: the type is organisations.csv `Type`, else the grant's Org Type (the example never
    # gives one organisation two different types, so "the latest" is the first non-empty).
    types = ([row["type"]] if row and row.get("type") else []) + \
        [t for t in org_types.get(ident, []) if t]
    key = type_key(types[0]) if types else ""
    if re.search(r"\bcic\b|\bc i c\b|\bcommunity interest company\b", key):
        SECTOR_RULE[ident] = "org type"
        return "vcse"
    if key in ORG_TYPE_SECTOR:
        SECTOR_RULE[ident] = "org type"
        return ORG_TYPE_SECTOR[key]
    p = prefix_of(ident)
    if any(c for c in charity_nos.get(ident, [])) or p in CHARITY_PREFIXES:
        SECTOR_RULE[ident] = "charity evidence"
        return "vcse"
    if key in EDUCATION_TYPES:
        SECTOR_RULE[ident] = "education type"
        return "statutory"
    name = (row["name"] if row else "") or names.get(ident, "")
    if p in STATUTORY_PREFIXES:
        SECTOR_RULE[ident] = "prefix"
        return "statutory"
    if p in VCSE_PREFIXES:
        SECTOR_RULE[ident] = "prefix"
        return "vcse"
    if p == "GB-COH":
        SECTOR_RULE[ident] = "prefix+name"
        number = ident[len("GB-COH-"):]
        if is_cic_name(name) or number[:2] in ("RS", "IP") or \
                company_nos.get(ident, "").strip().upper()[:2] in ("RS", "IP") or \
                VOLUNTARY_WORDS.search(name):
            return "vcse"
        return "private"
    if re.search(r"\b(Town|Parish|County|District|City|Borough) Council$", name.strip(), re.I):
        SECTOR_RULE[ident] = "name"
        return "statutory"
    SECTOR_RULE[ident] = "none"
    return "unknown"


def name_of(ident):
    ident = ident.upper()
    row = ORGS_CSV.get(ident)
    return (row["name"] if row else "") or names.get(ident, ident)


# ----------------------------------------------------------------------------- grants
class Grant:
    pass


G = []
for r in GRANTS:
    g = Grant()
    g.id = r["identifier"]
    g.amount = float(r["amount awarded"])
    g.award = date(r["award date"])
    g.funder = r["funding org:identifier"].upper()
    g.programme = r["grant programme:title"]
    rid = r["recipient org:identifier"].upper()
    if rid:
        g.recipient, g.sector = rid, sector_of(rid)
    else:
        g.recipient, g.sector = "IND:" + r["recipient ind:identifier"], "individual"
    g.start = date(r["planned dates:start date"]) or g.award
    pend = date(r["planned dates:end date"])
    dur = r["planned dates:duration (months)"]
    if pend and pend >= g.start:
        g.end = pend
    elif dur and float(dur) > 0:
        g.end = add_months(g.start, int(dur)) - dt.timedelta(days=1)
    else:
        g.end = add_months(g.start, 12) - dt.timedelta(days=1)
    g.years = max(1.0, ((g.end - g.start).days + 1) / 365.25)
    g.annual = g.amount / g.years
    g.months = months_between(g.start, g.end)
    g.title_text = (r["title"] + " " + r["description"]).lower()
    g.unrestricted = r.get("unrestricted", "").lower()
    G.append(g)

AS_OF = max([g.award for g in G] + [date(m["date"]) for m in MEETINGS.values()])


def fy_of(d):
    return d.year if d.month >= 4 else d.year - 1


def in_fy(d, fy):
    return dt.date(fy, 4, 1) <= d <= dt.date(fy + 1, 3, 31)


def active(g, as_of=AS_OF):
    return g.award <= as_of and g.start <= as_of <= g.end


# ----------------------------------------------------------------------------- funding measures
def concentration(grants):
    by_funder = defaultdict(lambda: defaultdict(float))
    for g in grants:
        by_funder[g.funder][g.recipient] += g.amount
    out = {}
    for f, recs in by_funder.items():
        total = sum(recs.values())
        shares = sorted((v / total for v in recs.values()), reverse=True)
        out[f] = dict(n=len(recs), total=total, top5=sum(shares[:5]),
                      hhi=sum((100 * s) ** 2 for s in shares))
    return out


def dominance(grants):
    by_funder = defaultdict(float)
    for g in grants:
        if g.sector in VCSE_SIDE:
            by_funder[g.funder] += g.amount
    total = sum(by_funder.values())
    shares = {f: v / total for f, v in by_funder.items() if v > 0}
    top = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return dict(funders=len(shares), top=top[0], share=top[1], shares=shares, total=total)


def vcse_share(grants):
    tot = sum(g.amount for g in grants)
    return sum(g.amount for g in grants if g.sector in VCSE_SIDE) / tot if tot else None


def recipient_position(rid, as_of=AS_OF):
    """Dependency and funding cliff for one organisation at as_of."""
    act = [g for g in G if g.recipient == rid and active(g, as_of)]
    by_funder = defaultdict(float)
    for g in act:
        by_funder[g.funder] += g.annual
    total = sum(by_funder.values())
    income = ORGS_CSV.get(rid, {}).get("annual income", "")
    res = dict(active=len(act), funders=len(by_funder), active_annual=total,
               income=float(income) if income else None, dependency=None, basis=None,
               ending=None, ending_annual=0.0, top=None)
    if by_funder:
        top = sorted(by_funder.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        res["top"] = top[0]
        if res["income"]:
            res["dependency"], res["basis"] = top[1] / res["income"], "income"
        else:
            res["dependency"], res["basis"] = top[1] / total, "recorded"
        horizon = as_of + dt.timedelta(days=365)
        res["ending_annual"] = sum(g.annual for g in act if g.end <= horizon)
        res["ending"] = res["ending_annual"] / total
    return res


def band(value, medium, high, higher_is_worse=True):
    if value is None:
        return None
    if higher_is_worse:
        return "high" if high is not None and value >= high else (
            "medium" if value >= medium else None)
    return "high" if value <= high else ("medium" if value <= medium else None)


# ----------------------------------------------------------------------------- partnerships
def payments_cover(person, org, meeting_id, mdate):
    """A non-expenses payment naming the person or their org, and the meeting or a period
    covering its date."""
    for p in PAYMENTS:
        if p["type"].lower() == "expenses":
            continue
        names_payee = (p["payee person id"] and p["payee person id"] == person) or (
            org and p["payee org id"] and p["payee org id"].upper() == org)
        if not names_payee:
            continue
        if p["meeting id"] and p["meeting id"] == meeting_id:
            return True
        ps, pe = date(p["period start"]), date(p["period end"])
        if ps and pe and ps <= mdate <= pe:
            return True
    return False


def side_of(org):
    if not org:
        return "vcse", "individual"
    s = sector_of(org)
    if s == "statutory":
        return "statutory", s
    if s in VCSE_SIDE:
        return "vcse", s
    return None, s  # private: neither side


ATT = []
for a in ATTENDANCE:
    m = MEETINGS[a["meeting id"]]
    org = a["org id"].upper()
    side, sector = side_of(org)
    hours = float(a["hours"]) if a["hours"] else float(m["duration hours"])
    mdate = date(m["date"])
    covered = payments_cover(a["person id"], org, a["meeting id"], mdate)
    ATT.append(dict(p=m["partnership id"], meeting=a["meeting id"], date=mdate,
                    person=a["person id"], org=org, side=side, sector=sector,
                    status=a["status"].lower(), hours=hours, covered=covered,
                    resourced=(sector == "statutory") or covered))


def partnership_figures(pid, fundholder, programme, fy=None):
    meetings = [m for m in MEETINGS.values() if m["partnership id"] == pid
                and (fy is None or in_fy(date(m["date"]), fy))]
    mids = {m["meeting id"] for m in meetings}
    rows = [a for a in ATT if a["meeting"] in mids]
    # READING: members are organisations (non-empty Org ID) with any attendance row, plus the
    # fundholder; community members attending as themselves are not organisations.
    members = sorted({a["org"] for a in rows if a["org"]} | {fundholder})
    hosted = [m for m in meetings if m["host"]]
    chaired = [m for m in meetings if m["chair"]]
    decision = [m for m in hosted if m["decision"].lower() in ("yes", "y", "true")]
    f = dict(meetings=len(meetings), members=len(members), fair=1 / len(members),
             with_host=len(hosted), with_chair=len(chaired))
    f["host_share"] = sum(m["host"].upper() == fundholder for m in hosted) / len(hosted)
    f["chair_share"] = (sum(m["chair"].upper() == fundholder for m in chaired) / len(chaired)
                        if chaired else None)
    f["decision_host_share"] = (sum(m["host"].upper() == fundholder for m in decision)
                                / len(decision) if decision else None)
    f["hosted_by_fh"] = sum(m["host"].upper() == fundholder for m in hosted)
    f["chaired_by_fh"] = sum(m["chair"].upper() == fundholder for m in chaired)
    att = [a for a in rows if a["status"] == "attended"]
    f["seat_share"] = sum(a["org"] == fundholder for a in att) / len(att)
    vc = [a for a in att if a["side"] == "vcse"]
    f["vcse_hours"] = sum(a["hours"] for a in vc)
    f["vcse_unpaid_hours"] = sum(a["hours"] for a in vc if not a["resourced"])
    f["vcse_unpaid_share"] = (f["vcse_unpaid_hours"] / f["vcse_hours"]
                              if f["vcse_hours"] else None)
    for side in ("statutory", "vcse"):
        sr = [a for a in rows if a["side"] == side]
        f[f"{side}_rows"] = len(sr)
        f[f"{side}_rate"] = (sum(a["status"] == "attended" for a in sr) / len(sr)
                             if sr else None)
        # Out-of-hours share: attended rows at meetings starting before 09:00 or from 17:00,
        # over attended rows at meetings with a start time.
        timed = [a for a in sr if a["status"] == "attended"
                 and MEETINGS[a["meeting"]]["start time"]]
        ooh = [a for a in timed if not ("09:00" <= MEETINGS[a["meeting"]]["start time"]
                                        < "17:00")]
        f[f"{side}_ooh"] = len(ooh) / len(timed) if timed else None
    vrows = [a for a in rows if a["side"] == "vcse"]
    cov = [a for a in vrows if a["covered"]]
    unc = [a for a in vrows if not a["covered"]]
    f["covered_rows"], f["uncovered_rows"] = len(cov), len(unc)
    f["covered_rate"] = (sum(a["status"] == "attended" for a in cov) / len(cov)
                         if len(cov) >= 10 and len(unc) >= 10 else None)
    f["uncovered_rate"] = (sum(a["status"] == "attended" for a in unc) / len(unc)
                           if len(cov) >= 10 and len(unc) >= 10 else None)
    # Over-burden: unpaid hours of individual attendees, share carried by the top 10% of them.
    per_person = defaultdict(float)
    for a in att:
        if a["sector"] == "individual" and not a["resourced"]:
            per_person[a["person"]] += a["hours"]
    people = sorted({a["person"] for a in rows if a["sector"] == "individual"})
    f["individuals"] = len(people)
    f["individual_unpaid_hours"] = sum(per_person.values())
    if len(people) >= 10 and f["individual_unpaid_hours"] > 0:
        # READING: top 10% of n people = ceil(n / 10) people (10 people -> 1 person).
        k = math.ceil(len(people) / 10)
        top = sorted((per_person.get(p, 0.0) for p in people), reverse=True)[:k]
        f["burden_top_decile_share"] = sum(top) / f["individual_unpaid_hours"]
        f["burden_top2_share"] = sum(sorted(per_person.values(), reverse=True)[:2]) \
            / f["individual_unpaid_hours"]
    else:
        f["burden_top_decile_share"] = None
    # Money (window = all data, or the financial year).
    window = [g for g in G if fy is None or in_fy(g.award, fy)]
    f["received"] = sum(g.amount for g in window
                        if g.recipient == fundholder and g.programme == programme)
    f["passed_on"] = sum(g.amount for g in window
                         if g.funder == fundholder and g.programme == programme)
    f["retained"] = 1 - f["passed_on"] / f["received"] if f["received"] else None
    return f


def partnership_flags(pid, fh, f):
    flags = []
    if f["received"] > 0:
        b = band(f["retained"], 0.6, 0.8)
        if b:
            flags.append(("RETENTION", b, f["retained"]))
    for code, share, n in (("DEFAULT-HOST", f["host_share"], f["with_host"]),
                           ("DEFAULT-CHAIR", f["chair_share"], f["with_chair"])):
        if n >= 4 and share is not None:
            if share >= 0.75:
                flags.append((code, "high", share))
            elif share >= 0.5 and share >= 2 * f["fair"]:
                flags.append((code, "medium", share))
    if f["vcse_hours"] > 0:
        b = band(f["vcse_unpaid_share"], 0.5, 0.8)
        if b:
            flags.append(("UNPAID-PARTICIPATION", b, f["vcse_unpaid_share"]))
    if f["statutory_rows"] >= 10 and f["vcse_rows"] >= 10:
        gap = f["statutory_rate"] - f["vcse_rate"]
        b = band(gap, 0.2, 0.35)
        if b:
            flags.append(("PARTICIPATION-GAP", b, gap))
    return flags


# ----------------------------------------------------------------------------- equity lenses
def usual_suspects(rows):
    att = [a for a in rows if a["status"] == "attended" and a["side"] == "vcse"]
    by_org = defaultdict(int)
    for a in att:
        if a["org"]:
            by_org[a["org"]] += 1
    ranked = sorted(by_org.items(), key=lambda kv: (-kv[1], kv[0]))
    tables = defaultdict(set)
    for a in att:
        if a["org"]:
            tables[a["org"]].add(a["p"])
    multi = sorted(o for o, ps in tables.items() if len(ps) >= 3)
    return dict(orgs=len(by_org), rows=len(att), top5=ranked[:5],
                top5_share=sum(v for _, v in ranked[:5]) / len(att), multi=multi)


def funding_practice(funder, sectors):
    gs = [g for g in G if g.funder == funder and g.sector in sectors]
    tot = sum(g.amount for g in gs)
    months = sorted(g.months for g in gs)
    n = len(months)
    median = (months[n // 2] if n % 2 else (months[n // 2 - 1] + months[n // 2]) / 2) if n \
        else None
    return dict(grants=n, total=tot,
                short=sum(g.amount for g in gs if g.months <= 12) / tot if tot else None,
                long=sum(g.amount for g in gs if g.months >= 36) / tot if tot else None,
                median_months=median)


UNRESTRICTED_WORDS = re.compile(r"\bunrestricted\b|\bcore costs\b|\bcore funding\b")


def unrestricted_share(funder):
    """READING: basis `recorded` when the funder's own rows carry an Unrestricted value (the
    column exists in the file for every funder, but only the lottery fills it); otherwise
    `keywords` from Title/Description ("A restricted grant" does not match)."""
    rows = [g for g in G if g.funder == funder]
    tot = sum(g.amount for g in rows)
    if any(g.unrestricted for g in rows):
        return "recorded", sum(g.amount for g in rows if g.unrestricted in ("yes", "y",
                                                                            "true")) / tot
    return "keywords", sum(g.amount for g in rows if UNRESTRICTED_WORDS.search(g.title_text)) / tot


def all_org_ids():
    ids = set(ORGS_CSV)
    for g in G:
        ids.add(g.funder)
        if not g.recipient.startswith("IND:"):
            ids.add(g.recipient)
    for m in MEETINGS.values():
        ids.update(x.upper() for x in (m["host"], m["chair"]) if x)
    for a in ATTENDANCE:
        if a["org id"]:
            ids.add(a["org id"].upper())
    for p in PARTNERSHIPS:
        ids.add(p["fundholder"].upper())
    for p in PAYMENTS:
        ids.update(x.upper() for x in (p["payer"], p["payee org id"]) if x)
    return sorted(ids)


def group_lens(tag, sectors, only_recipients=False):
    received = defaultdict(float)
    for g in G:
        received[g.recipient] += g.amount
    orgs = [o for o in all_org_ids() if sector_of(o) in sectors
            and (not only_recipients or received.get(o, 0) > 0)]
    tagged = [o for o in orgs if tag in [t.strip() for t in
                                         ORGS_CSV.get(o, {}).get("led by", "").split(";")]]
    money_all = sum(received.get(o, 0) for o in orgs)
    money_tagged = sum(received.get(o, 0) for o in tagged)
    org_share = len(tagged) / len(orgs)
    funding_share = money_tagged / money_all
    return dict(tagged=len(tagged), orgs=len(orgs), org_share=org_share,
                funding_share=funding_share, ratio=funding_share / org_share,
                money_tagged=money_tagged, money_all=money_all)


# ----------------------------------------------------------------------------- run
def main():
    show_flags = "--flags" in sys.argv
    results = []  # (pattern, figure, ok)

    def check(pattern, figure, ok):
        results.append((pattern, figure, bool(ok)))

    COUNCIL, ICB, LOTTERY, CF = "GB-LAE-NBR", "GB-NHS-QNB", "GB-GOR-PC999", "GB-CHC-1190001"

    # Data sanity.
    dates = [g.award for g in G] + [date(m["date"]) for m in MEETINGS.values()]
    check("as_of = latest award/meeting date = 2025-03-31",
          f"as_of {AS_OF}; earliest {min(dates)}", AS_OF == dt.date(2025, 3, 31)
          and min(dates) >= dt.date(2022, 4, 1))
    ids = [g.id for g in G]
    check("grant identifiers unique; all GBP",
          f"{len(ids)} grants", len(set(ids)) == len(ids)
          and all(r["currency"] == "GBP" for r in GRANTS))
    known = set(all_org_ids())
    refs_ok = all(p["fundholder"].upper() in ORGS_CSV for p in PARTNERSHIPS) and all(
        (not x) or x.upper() in ORGS_CSV for m in MEETINGS.values()
        for x in (m["host"], m["chair"])) and all(
        (not a["org id"]) or a["org id"].upper() in ORGS_CSV for a in ATTENDANCE) and all(
        p["payer"].upper() in ORGS_CSV and ((not p["payee org id"]) or p["payee org id"].upper()
                                            in ORGS_CSV) for p in PAYMENTS)
    persons = {a["person id"] for a in ATTENDANCE}
    pay_ok = all(bool(p["payee person id"]) != bool(p["payee org id"]) for p in PAYMENTS) and all(
        (not p["payee person id"]) or p["payee person id"] in persons for p in PAYMENTS) and all(
        (not p["meeting id"]) or p["meeting id"] in MEETINGS for p in PAYMENTS)
    person_org = defaultdict(set)
    for a in ATTENDANCE:
        person_org[a["person id"]].add(a["org id"])
    check("references resolve; one payee per payment; one org per person",
          f"{len(known)} organisations, {len(persons)} people",
          refs_ok and pay_ok and all(len(v) == 1 for v in person_org.values()))
    inds = [g for g in G if g.sector == "individual"]
    ids = all_org_ids()
    rules = defaultdict(int)
    for o in ids:
        sector_of(o)
        rules[SECTOR_RULE[o]] += 1
    by_sector = defaultdict(int)
    for o in ids:
        by_sector[sector_of(o)] += 1
    check("sector inference exercised (organisations by rule / sector)",
          ", ".join(f"{k} {v}" for k, v in sorted(rules.items())) + " | " +
          ", ".join(f"{k} {v}" for k, v in sorted(by_sector.items())),
          by_sector["unknown"] >= 3 and rules["org type"] and rules["prefix+name"])
    check("grants to individuals (Recipient Ind:Identifier, empty org columns)",
          f"{len(inds)} grants, {len({g.recipient for g in inds})} people, "
          f"£{sum(g.amount for g in inds):,.0f}", len(inds) >= 3)

    # CONCENTRATION.
    conc = concentration(G)
    c = conc[COUNCIL]
    check("CONCENTRATION high: council", f"{c['n']} recipients, top5_share {c['top5']:.3f}",
          c["n"] >= 20 and c["top5"] >= 0.7)

    # FUNDER-DOMINANCE (READING: all awards; also holds with regranted/pass-on money removed).
    dom = dominance(G)
    check("FUNDER-DOMINANCE medium: council share of VCSE-side money",
          f"{dom['funders']} funders; council {dom['shares'][COUNCIL]:.3f} "
          f"of £{dom['total']:,.0f}", dom["funders"] >= 3 and dom["top"] == COUNCIL
          and 0.5 <= dom["share"] < 0.7)
    fh_prog = {(p["fundholder"].upper(), p["programme"]) for p in PARTNERSHIPS}
    originals = [g for g in G if (g.funder, g.programme) not in fh_prog]
    dom2 = dominance(originals)
    check("  same, original funders only (pass-on grants removed)",
          f"council {dom2['shares'][COUNCIL]:.3f} of £{dom2['total']:,.0f}",
          dom2["top"] == COUNCIL and 0.5 <= dom2["share"] < 0.7)

    # DEPENDENCY.
    pos = {o: recipient_position(o) for o in sorted({g.recipient for g in G
                                                      if g.sector in FLAGGABLE})}
    carers, advice, recovery = (pos["GB-CHC-1112650"], pos["GB-CHC-1104417"],
                                pos["GB-CHC-1152290"])
    check("DEPENDENCY high (income): Riverside Carers Centre",
          f"{carers['dependency']:.3f} = council £{carers['dependency'] * carers['income']:,.2f}"
          f" / income £{carers['income']:,.0f}",
          carers["basis"] == "income" and carers["dependency"] >= 0.75 and carers["top"] == COUNCIL)
    check("DEPENDENCY medium (income): Northbridge Advice Centre",
          f"{advice['dependency']:.3f} = council £{advice['dependency'] * advice['income']:,.2f}"
          f" / income £{advice['income']:,.0f}",
          advice["basis"] == "income" and 0.5 <= advice["dependency"] < 0.75)
    check("DEPENDENCY high (recorded): Recovery Together Northbridge",
          f"{recovery['dependency']:.3f} of £{recovery['active_annual']:,.2f} active annual, "
          f"{recovery['funders']} funders, top {recovery['top']}",
          recovery["basis"] == "recorded" and recovery["funders"] >= 2
          and recovery["dependency"] >= 0.75)

    # FUNDING-CLIFF.
    cafe, youth = pos["GB-COH-12688431"], pos["GB-CHC-1121904"]
    check("FUNDING-CLIFF high: Café Connect CIC",
          f"ending_12m_share {cafe['ending']:.3f} over {cafe['active']} active grants",
          cafe["active"] >= 2 and cafe["ending"] >= 0.8)
    yg = [g for g in G if g.recipient == "GB-CHC-1121904" and active(g) and g.months > 12]
    check("  contrast: Eastfield Youth Trust (multi-year, no cliff)",
          f"ending_12m_share {youth['ending']:.3f}; {len(yg)} active multi-year grants ending "
          f"{', '.join(str(g.end) for g in sorted(yg, key=lambda g: g.end))}",
          len(yg) >= 2 and youth["ending"] < 0.5)

    # Regranting.
    cf_in = sum(g.amount for g in G if g.recipient == CF and g.funder == COUNCIL
                and g.programme == "Northbridge Communities Fund")
    cf_out = [g for g in G if g.funder == CF and g.programme == "Northbridge Communities Fund"]
    cf_given = sum(g.amount for g in G if g.funder == CF)
    cf_recv = sum(g.amount for g in G if g.recipient == CF)
    check("regranting: council -> Community Foundation -> groups",
          f"£{cf_in:,.0f} in; £{sum(g.amount for g in cf_out):,.2f} regranted in "
          f"{len(cf_out)} grants; pass-through (all its giving / receipts) "
          f"{cf_given / cf_recv:.3f}", cf_in > 0 and len(cf_out) >= 10)

    # Partnerships.
    pf, pflags = {}, {}
    for p in PARTNERSHIPS:
        pid, fh = p["partnership id"], p["fundholder"].upper()
        pf[pid] = partnership_figures(pid, fh, p["programme"])
        pflags[pid] = partnership_flags(pid, fh, pf[pid])
    p1, p2, p3 = pf["P1"], pf["P2"], pf["P3"]
    codes = {pid: {c: b for c, b, _ in fl} for pid, fl in pflags.items()}

    check("RETENTION high: P1 (ICB)", f"retained {p1['retained']:.3f} = 1 - £{p1['passed_on']:,.0f}"
          f" / £{p1['received']:,.0f}", codes["P1"].get("RETENTION") == "high")
    check("  P2 passes most on (retained <= 0.4)", f"retained {p2['retained']:.3f} = 1 - "
          f"£{p2['passed_on']:,.2f} / £{p2['received']:,.0f}", p2["retained"] <= 0.4)
    check("  P3 in between (RETENTION medium)", f"retained {p3['retained']:.3f} = 1 - "
          f"£{p3['passed_on']:,.0f} / £{p3['received']:,.0f}",
          codes["P3"].get("RETENTION") == "medium")
    check("DEFAULT-HOST high: P1", f"ICB hosted {p1['hosted_by_fh']} of {p1['with_host']} "
          f"({p1['host_share']:.3f}); decision meetings {p1['decision_host_share']:.3f}",
          codes["P1"].get("DEFAULT-HOST") == "high")
    check("DEFAULT-CHAIR high: P1", f"ICB chaired {p1['chaired_by_fh']} of {p1['with_chair']} "
          f"({p1['chair_share']:.3f})", codes["P1"].get("DEFAULT-CHAIR") == "high")
    check("UNPAID-PARTICIPATION high: P1", f"vcse_unpaid_share {p1['vcse_unpaid_share']:.3f} "
          f"({p1['vcse_unpaid_hours']:g} of {p1['vcse_hours']:g} h)",
          codes["P1"].get("UNPAID-PARTICIPATION") == "high")
    check("PARTICIPATION-GAP high: P1", f"statutory {p1['statutory_rate']:.3f} "
          f"({p1['statutory_rows']} rows) vs VCSE {p1['vcse_rate']:.3f} ({p1['vcse_rows']} "
          f"rows): gap {p1['statutory_rate'] - p1['vcse_rate']:.3f}",
          codes["P1"].get("PARTICIPATION-GAP") == "high")
    check("  P1 out-of-hours share of attended rows", f"VCSE {p1['vcse_ooh']:.3f} vs "
          f"statutory {p1['statutory_ooh']:.3f}", p1["vcse_ooh"] > p1["statutory_ooh"])
    p1_exp = [p for p in PAYMENTS if p["type"] == "expenses" and p["payer"] == ICB]
    check("  P1 has expenses payments, which do not resource attendance",
          f"{len(p1_exp)} expenses rows; unpaid share still {p1['vcse_unpaid_share']:.3f}",
          len(p1_exp) > 0 and p1["vcse_unpaid_share"] == 1.0)

    check("P2 balanced: no DEFAULT-HOST/CHAIR, UNPAID, GAP",
          f"host {p2['host_share']:.3f}, chair {p2['chair_share']:.3f}, fair "
          f"{p2['fair']:.3f}; unpaid {p2['vcse_unpaid_share']:.3f}; gap "
          f"{p2['statutory_rate'] - p2['vcse_rate']:+.3f}",
          not any(c in codes["P2"] for c in ("DEFAULT-HOST", "DEFAULT-CHAIR",
                                             "UNPAID-PARTICIPATION", "PARTICIPATION-GAP")))
    p2_hosts = sorted({m["host"] for m in MEETINGS.values() if m["partnership id"] == "P2"})
    p2_backfill = [p for p in PAYMENTS if p["type"] == "backfill"]
    check("  P2 hosting rotates; paid via involvement + one backfill",
          f"{len(p2_hosts)} different hosts; {sum(p['type'] == 'involvement' for p in PAYMENTS)}"
          f" involvement payments; backfill {p2_backfill[0]['payee org id']} "
          f"{p2_backfill[0]['period start']}..{p2_backfill[0]['period end']}",
          len(p2_hosts) >= 4 and len(p2_backfill) == 1)
    check("P3 in between: DEFAULT-HOST medium", f"council hosted {p3['hosted_by_fh']} of "
          f"{p3['with_host']} ({p3['host_share']:.3f}), fair share {p3['fair']:.3f}; chair "
          f"{p3['chair_share']:.3f}", codes["P3"].get("DEFAULT-HOST") == "medium"
          and "DEFAULT-CHAIR" not in codes["P3"])
    check("  P3 UNPAID-PARTICIPATION medium", f"vcse_unpaid_share {p3['vcse_unpaid_share']:.3f}",
          codes["P3"].get("UNPAID-PARTICIPATION") == "medium")
    check("  P3 PARTICIPATION-GAP medium", f"gap {p3['statutory_rate'] - p3['vcse_rate']:.3f} "
          f"(statutory {p3['statutory_rate']:.3f}, VCSE {p3['vcse_rate']:.3f})",
          codes["P3"].get("PARTICIPATION-GAP") == "medium")
    p3y = {fy: partnership_figures("P3", COUNCIL, "", fy) for fy in (2022, 2023, 2024)}
    check("  P3 paid in 2023-24 only (unpaid share per year)",
          ", ".join(f"{fy}-{(fy + 1) % 100}: {p3y[fy]['vcse_unpaid_share']:.3f}"
                    for fy in p3y), p3y[2023]["vcse_unpaid_share"] < 0.2
          and p3y[2022]["vcse_unpaid_share"] == 1.0 and p3y[2024]["vcse_unpaid_share"] == 1.0)
    check("covered vs uncovered attendance, P3 (paying changes who turns up)",
          f"covered {p3['covered_rate']:.3f} ({p3['covered_rows']} rows) vs uncovered "
          f"{p3['uncovered_rate']:.3f} ({p3['uncovered_rows']} rows)",
          p3["covered_rate"] is not None and p3["covered_rate"] - p3["uncovered_rate"] >= 0.15)

    # SHORT-TERM-FUNDING (SPEC "VCSE organisations": money to sectors vcse and unknown; also
    # holds for the whole VCSE side).
    fp = funding_practice(COUNCIL, VCSE_ORGS)
    fp_side = funding_practice(COUNCIL, VCSE_SIDE)
    check("SHORT-TERM-FUNDING: council", f"{fp['grants']} grants to VCSE, short_term_share "
          f"{fp['short']:.3f} (VCSE side: {fp_side['short']:.3f}); median "
          f"{fp['median_months']:g} months", fp["grants"] >= 5 and fp["short"] >= 0.8
          and fp_side["short"] >= 0.8)
    lp = funding_practice(LOTTERY, VCSE_ORGS)
    check("  contrast: People's Lottery Fund mostly long-term",
          f"long_term_share {lp['long']:.3f}, short_term_share {lp['short']:.3f}, median "
          f"{lp['median_months']:g} months", lp["long"] >= 0.6 and lp["short"] < 0.8)

    lb, lu = unrestricted_share(LOTTERY)
    cb, cu = unrestricted_share(COUNCIL)
    restricted_rows = [g for g in G if "a restricted grant" in g.title_text]
    check("unrestricted_share: lottery recorded, council by keywords",
          f"lottery {lu:.3f} ({lb}); council {cu:.3f} ({cb}); {len(restricted_rows)} "
          f"'A restricted grant' rows, none counted",
          lb == "recorded" and cb == "keywords" and 0 < cu < 0.1 and not any(
              UNRESTRICTED_WORDS.search(g.title_text) for g in restricted_rows))

    # USUAL-SUSPECTS.
    us = usual_suspects(ATT)
    check("USUAL-SUSPECTS: top 5 VCSE-side orgs' share of VCSE-side seats",
          f"{us['orgs']} orgs; top5_seat_share {us['top5_share']:.3f} of {us['rows']} rows; "
          f"multi_table_orgs {len(us['multi'])}", us["orgs"] >= 10 and us["top5_share"] >= 0.5)

    # UNDER-FUNDED-GROUP (SPEC "VCSE organisations" = sectors vcse and unknown, every
    # organisation the dataset mentions; also checked for sector vcse only and for grant
    # recipients only).
    bm = group_lens("black-and-minoritised", VCSE_ORGS)
    bm2 = group_lens("black-and-minoritised", ("vcse",))
    bm3 = group_lens("black-and-minoritised", VCSE_ORGS, only_recipients=True)
    check("UNDER-FUNDED-GROUP: black-and-minoritised",
          f"{bm['tagged']} of {bm['orgs']} orgs ({bm['org_share']:.3f}), £{bm['money_tagged']:,.0f}"
          f" of £{bm['money_all']:,.0f} ({bm['funding_share']:.3f}): ratio {bm['ratio']:.3f} "
          f"[vcse only {bm2['ratio']:.3f}; recipients only {bm3['ratio']:.3f}]",
          bm["tagged"] >= 5 and max(bm["ratio"], bm2["ratio"], bm3["ratio"]) <= 0.5)
    wl = group_lens("women-led", VCSE_ORGS)
    wl2 = group_lens("women-led", ("vcse",))
    check("  contrast: women-led near parity",
          f"{wl['tagged']} orgs, ratio {wl['ratio']:.3f} [vcse only {wl2['ratio']:.3f}]",
          wl["tagged"] >= 5 and 0.75 <= wl["ratio"] <= 1.33)

    # Over-burden of community members.
    all_inds = {a["person"] for a in ATT if a["sector"] == "individual"}
    check("over-burden: P1 community members", f"{p1['individuals']} people, "
          f"{p1['individual_unpaid_hours']:g} unpaid h; top 10% carry "
          f"{p1['burden_top_decile_share']:.3f}, top two {p1['burden_top2_share']:.3f}; "
          f"{len(all_inds)} community members overall", p1["individuals"] >= 10
          and len(all_inds) >= 10 and p1["burden_top2_share"] >= 0.5)

    # Trends across the three financial years.
    vs = {fy: vcse_share([g for g in G if in_fy(g.award, fy)]) for fy in (2022, 2023, 2024)}
    check("trend: VCSE share of all funding rises", ", ".join(f"{k}: {v:.3f}" for k, v in
                                                              vs.items()),
          vs[2022] < vs[2023] < vs[2024])
    p1y = {fy: partnership_figures("P1", ICB, "", fy) for fy in (2022, 2023, 2024)}
    check("trend: P1 slightly better in 2024-25",
          "; ".join(f"{fy}: host {p1y[fy]['hosted_by_fh']}/{p1y[fy]['with_host']}, VCSE rate "
                    f"{p1y[fy]['vcse_rate']:.3f}" for fy in p1y),
          p1y[2024]["host_share"] < p1y[2022]["host_share"]
          and p1y[2024]["vcse_rate"] > max(p1y[2022]["vcse_rate"], p1y[2023]["vcse_rate"]))

    # ---- table
    width = max(len(r[0]) for r in results)
    bad = 0
    for pattern, figure, ok in results:
        bad += not ok
        print(f"{'ok ' if ok else 'NO '} {pattern:<{width}}  {figure}")
    print(f"\n{len(results) - bad} of {len(results)} checks hold; as_of {AS_OF}")

    if show_flags:
        print_flags(conc, dom, pos, pf, pflags, us, fp)
    return 1 if bad else 0


def print_flags(conc, dom, pos, pf, pflags, us, fp_council):
    """Every flag this script expects under SPEC defaults (overall, not per area)."""
    flags = []
    for f, c in conc.items():
        if c["n"] >= 20:
            b = band(c["top5"], 0.5, 0.7)
            if b:
                flags.append(("CONCENTRATION", b, f, None, c["top5"]))
    if dom["funders"] >= 3:
        b = band(dom["share"], 0.5, 0.7)
        if b:
            flags.append(("FUNDER-DOMINANCE", b, dom["top"], None, dom["share"]))
    for o, r in pos.items():
        if r["dependency"] is not None and (r["basis"] == "income" or r["funders"] >= 2):
            b = band(r["dependency"], 0.5, 0.75)
            if b:
                flags.append(("DEPENDENCY", b, o, None, r["dependency"]))
        # SPEC.md's guard: the money floor (cliff_min_annual, £10,000 by default) and
        # (2 active grants, or income known with the ending value at least 25% of it).
        if r["ending"] is not None and r["ending_annual"] >= 10_000 and (r["active"] >= 2 or (
                r["income"] and r["ending_annual"] >= 0.25 * r["income"])):
            b = band(r["ending"], 0.5, 0.8)
            if b:
                flags.append(("FUNDING-CLIFF", b, o, None, r["ending"]))
    fh = {p["partnership id"]: p["fundholder"].upper() for p in PARTNERSHIPS}
    for pid, fl in pflags.items():
        for code, b, v in fl:
            flags.append((code, b, fh[pid], pid, v))
    for f in sorted({g.funder for g in G}):
        fp = funding_practice(f, VCSE_ORGS)
        if fp["grants"] >= 5 and fp["short"] >= 0.8:
            flags.append(("SHORT-TERM-FUNDING", "medium", f, None, fp["short"]))
    if us["orgs"] >= 10:
        b = band(us["top5_share"], 0.5, 0.7)
        if b:
            flags.append(("USUAL-SUSPECTS", b, None, None, us["top5_share"]))
    tags = sorted({t.strip() for r in ORGS_CSV.values() for t in r["led by"].split(";")
                   if t.strip()})
    for t in tags:
        gl = group_lens(t, VCSE_ORGS)
        if gl["tagged"] >= 5:
            b = band(gl["ratio"], 0.5, 0.25, higher_is_worse=False)
            if b:
                flags.append(("UNDER-FUNDED-GROUP", b, None, t, gl["ratio"]))
    flags.sort(key=lambda x: (x[1] != "high", x[0], x[2] or "", x[3] or ""))
    print(f"\nExpected flags ({len(flags)}):")
    for code, b, subj, extra, v in flags:
        label = name_of(subj) if subj else "(whole area)"
        print(f"  {b:<6} {code:<22} {subj or '-':<42} {extra or '':<22} {v:.3f}  {label}")


if __name__ == "__main__":
    sys.exit(main())
