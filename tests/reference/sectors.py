#!/usr/bin/env python3
"""An independent reading of SPEC.md's sector inference, to check fundflow's by hand.

Standard library only. Reads one 360Giving grants file (flat CSV or JSON package), infers
every organisation's sector by SPEC.md's rules in order, and prints JSON:

    {"organisations": {ID: {"name", "sector", "rule", "received"}},
     "by_sector": {SECTOR: {"grants", "amount"}}, "amount": TOTAL}

Written from SPEC.md, not from the Rust code: tests/cli/sectors.rs runs it and compares
every organisation's sector and rule, and the money per sector, with `fundflow validate`.
Rule names are docs/METHOD.md's. Like SPEC.md (and fundflow), it reads the organisation's
own identifier only, never a GrantNav canonical org-id.

    python3 tests/reference/sectors.py FILE [--summary]
"""

import csv
import datetime
import json
import re
import sys
from decimal import Decimal

STATUTORY_PREFIXES = ["GB-LAE", "GB-LAS", "GB-LANI", "GB-PLA", "GB-NHS", "GB-GOR",
                      "GB-GOV", "GB-EDU", "GB-UKPRN"]
CHARITY_PREFIXES = ["GB-CHC", "GB-SC", "GB-NIC"]
VCSE_PREFIXES = ["GB-REV", "GB-MPR"]
VOLUNTARY = ["association", "society", "club", "forum", "friends of", "trust",
             "foundation", "charity", "charitable", "community", "voluntary", "volunteer",
             "volunteers", "church", "mosque", "temple", "gurdwara", "synagogue", "hospice",
             "scouts", "guides", "tenants", "residents"]
COUNCILS = ["town council", "parish council", "county council", "district council",
            "city council", "borough council"]
# SPEC.md's list ("at least"); fundflow's extras are in docs/METHOD.md, none in these files.
TYPES = {
    "statutory": ["public body", "local authority", "nhs", "government department"],
    "vcse": ["registered charity", "unregistered charity",
             "charitable incorporated organisation", "community group",
             "community foundation", "trust", "cic", "c i c", "community interest company",
             "community benefit society", "company limited by guarantee",
             "registered society", "industrial and provident society",
             "co-operative society", "unincorporated association"],
    "private": ["company", "private limited company", "company limited by shares",
                "limited liability partnership", "sole trader"],
    "individual": ["individual"],
}
EDUCATION = ["school/educational establishment", "school", "university"]


def type_key(t):
    return " ".join(t.lower().replace(".", "").split())


def words(text):
    return [w for w in re.split(r"[\W_]+", text.lower()) if w]


def has_words(text, phrase):
    w, p = words(text), phrase.split()
    return any(w[i:i + len(p)] == p for i in range(len(w) - len(p) + 1))


def has_prefix(i, p):
    return i == p or i.startswith(p + "-")


def type_class(t):
    k = type_key(t)
    if has_words(k, "cic") or has_words(k, "c i c") or has_words(k, "community interest company"):
        return "vcse"
    if k in EDUCATION:
        return "education"
    for sector, names in TYPES.items():
        if k in names:
            return sector
    return None


def infer(i, o):
    cls = type_class(o["type"]) if o["type"] else None
    if cls and cls != "education":
        return cls, "org-type"
    if o["charity"].strip() or any(has_prefix(i, p) for p in CHARITY_PREFIXES):
        return "vcse", "charity-evidence"
    if cls == "education":
        return "statutory", "education-type"
    if any(has_prefix(i, p) for p in STATUTORY_PREFIXES):
        return "statutory", "id-prefix"
    if any(has_prefix(i, p) for p in VCSE_PREFIXES):
        return "vcse", "id-prefix"
    if has_prefix(i, "GB-COH"):
        name = o["name"]
        if has_words(name.replace(".", ""), "cic") or \
                has_words(name.replace(".", ""), "community interest company"):
            return "vcse", "company-cic-name"
        numbers = [i[len("GB-COH-"):], o["company"]]
        if any(n.strip().upper()[:2] in ("RS", "IP") for n in numbers):
            return "vcse", "company-society-number"
        if any(has_words(name, v) for v in VOLUNTARY):
            return "vcse", "company-voluntary-name"
        return "private", "company"
    if any(o["name"].strip().lower().endswith(c) for c in COUNCILS):
        return "statutory", "council-name"
    return "unknown", "no-rule"


def date(s):
    s = s.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", s):
        return datetime.date.fromisoformat(s[:10])
    d, m, y = s.split("/")
    return datetime.date(int(y), int(m), int(d))


def money(s):
    return Decimal(str(s).replace("£", "").replace(",", "").strip())


def rows(path):
    """Flat rows: (funder id, funder name, recipient id, name, type, charity, company,
    individual id, amount, award date)."""
    if path.endswith(".json"):
        for g in json.load(open(path, encoding="utf-8-sig"))["grants"]:
            r = (g.get("recipientOrganization") or [{}])[0]
            f = (g.get("fundingOrganization") or [{}])[0]
            t = r.get("organisationType") or ""
            if isinstance(t, list):
                t = t[0] if t else ""
            yield (f.get("id", ""), f.get("name", ""), r.get("id", ""), r.get("name", ""),
                   t, str(r.get("charityNumber") or ""), str(r.get("companyNumber") or ""),
                   (g.get("recipientIndividual") or {}).get("id", ""),
                   money(g["amountAwarded"]), date(g["awardDate"]))
    else:
        for x in csv.DictReader(open(path, encoding="utf-8-sig", newline="")):
            yield (x["Funding Org:Identifier"], x["Funding Org:Name"],
                   x.get("Recipient Org:Identifier", ""), x.get("Recipient Org:Name", ""),
                   x.get("Recipient Org:Org Type", ""), x.get("Recipient Org:Charity Number", ""),
                   x.get("Recipient Org:Company Number", ""), x.get("Recipient Ind:Identifier", ""),
                   money(x["Amount Awarded"]), date(x["Award Date"]))


def main():
    path = sys.argv[1]
    orgs, grants = {}, []

    def seen(i, at, name, typ="", charity="", company=""):
        o = orgs.setdefault(i, {"name": "", "name_at": None, "type": "", "type_at": None,
                                "charity": "", "company": "", "received": Decimal(0)})
        name, typ = name.strip(), typ.strip()
        if name and (o["name_at"] is None or at >= o["name_at"]):
            o["name"], o["name_at"] = name, at
        if typ and (o["type_at"] is None or at >= o["type_at"]):
            o["type"], o["type_at"] = typ, at
        if not o["charity"] and charity.strip():
            o["charity"] = charity.strip()
        if not o["company"] and company.strip():
            o["company"] = company.strip()
        return o

    for seq, (fid, fname, rid, rname, typ, charity, company, ind, amount, award) in \
            enumerate(rows(path)):
        at = (award, seq)
        seen(fid.strip().upper(), at, fname)
        rid = rid.strip().upper()
        if rid and type_key(typ) == "individual":
            grants.append(("individual", None, amount))   # a person: no name kept
        elif rid:
            seen(rid, at, rname, typ, charity, company)["received"] += amount
            grants.append((None, rid, amount))
        else:
            grants.append(("individual", None, amount))
    out = {}
    for i, o in sorted(orgs.items()):
        sector, rule = infer(i, o)
        out[i] = {"name": o["name"] or i, "sector": sector, "rule": rule,
                  "received": float(o["received"])}
    by_sector = {}
    for fixed, rid, amount in grants:
        s = fixed or out[rid]["sector"]
        e = by_sector.setdefault(s, {"grants": 0, "amount": Decimal(0)})
        e["grants"] += 1
        e["amount"] += amount
    total = sum(a for _, _, a in grants)
    result = {"organisations": out,
              "by_sector": {s: {"grants": e["grants"], "amount": float(e["amount"])}
                            for s, e in sorted(by_sector.items())},
              "amount": float(total)}
    if "--summary" in sys.argv:
        for s, e in sorted(by_sector.items()):
            print(f"{s:<10} {e['grants']:>4} grants  £{e['amount']:>14,.2f}  "
                  f"{e['amount'] / total:.6f}")
        rules = {}
        for o in out.values():
            rules[(o["rule"], o["sector"])] = rules.get((o["rule"], o["sector"]), 0) + 1
        for (r, s), n in sorted(rules.items()):
            print(f"  {r:<24} {s:<10} {n}")
    else:
        json.dump(result, sys.stdout, indent=1, sort_keys=True)
        print()


if __name__ == "__main__":
    main()
