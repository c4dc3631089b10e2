#!/usr/bin/env python3
"""fundflow's core money measures, computed independently with pandas and networkx.

Written the way an analyst would in a notebook: read the CSVs, group, sum, apply. It is the
benchmark's "what would people use instead" (scripts/bench.sh times it) and a second opinion
on fundflow's numbers:

    reference.py DATASET RESULTS.json                 # compute; timings go in RESULTS.json
    reference.py --compare RESULTS.json FINDINGS.json # check against fundflow's findings.json

Measures (SPEC.md definitions, whole dataset, no window):
- per funder, over its recipients aggregated by identifier (each individual separately):
  total, HHI = sum (100 s_i)^2, Gini (sorted-rank formula), top-5 share;
- the same over all grants (findings.json `concentration.overall`);
- per recipient organisation: dependency = active annual value from its largest active
  funder / Annual Income (organisations.csv), else / all its active annual value; as_of is
  the latest award or meeting date; a grant's period is Planned Start (else award date) to
  Planned End (else start + Duration months - 1 day, else start + 12 months - 1 day);
  annual value = amount / max(1, days / 365.25);
- the grant network's connected components (funder - recipient organisation, direction
  ignored; grants to individuals left out).

Agreement: money to the penny, ratios to 1e-9 (relative for HHI), components exactly.
Limits: plain numeric amounts and ISO dates (what `fundflow synth` writes), whole months.
"""

import json
import sys
import time

import networkx as nx
import numpy as np
import pandas as pd


def gini(values):
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return None
    if n == 1:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * np.sum(ranks * x) / (n * x.sum())) - (n + 1) / n)


def concentration(pairs):
    """pairs: one row per recipient with its total in pence."""
    total = pairs["pence"].sum()
    shares = pairs["pence"] / total
    return {
        "total": total / 100,
        "hhi": float(((100 * shares) ** 2).sum()),
        "gini": gini(pairs["pence"]),
        "top5_share": float(shares.sort_values(ascending=False).head(5).sum()),
    }


def compute(dataset):
    timings = {}
    t0 = time.perf_counter()
    grants = pd.read_csv(f"{dataset}/grants.csv", dtype=str, keep_default_na=False)
    orgs = pd.read_csv(f"{dataset}/organisations.csv", dtype=str, keep_default_na=False)
    meetings = pd.read_csv(f"{dataset}/meetings.csv", dtype=str, keep_default_na=False)
    timings["read"] = time.perf_counter() - t0

    t = time.perf_counter()
    g = pd.DataFrame()
    g["funder"] = grants["Funding Org:Identifier"].str.strip().str.upper()
    org = grants["Recipient Org:Identifier"].str.strip().str.upper()
    g["is_org"] = org != ""
    g["recipient"] = org.where(g["is_org"], "IND:" + grants["Recipient Ind:Identifier"].str.strip())
    g["pence"] = (pd.to_numeric(grants["Amount Awarded"]) * 100).round().astype("int64")
    g["award"] = pd.to_datetime(grants["Award Date"], format="%Y-%m-%d")
    g["start"] = pd.to_datetime(grants["Planned Dates:Start Date"], format="%Y-%m-%d", errors="coerce")
    g["end"] = pd.to_datetime(grants["Planned Dates:End Date"], format="%Y-%m-%d", errors="coerce")
    g["months"] = pd.to_numeric(grants["Planned Dates:Duration (months)"], errors="coerce")
    timings["parse"] = time.perf_counter() - t

    # Concentration per funder and overall.
    t = time.perf_counter()
    pairs = g.groupby(["funder", "recipient"], as_index=False)["pence"].sum()
    funders = {}
    for funder, rows in pairs.groupby("funder"):
        funders[funder] = concentration(rows)
    overall = concentration(g.groupby("recipient", as_index=False)["pence"].sum())
    timings["concentration"] = time.perf_counter() - t

    # Dependency at as_of.
    t = time.perf_counter()
    as_of = max(g["award"].max(), pd.to_datetime(meetings["Date"], format="%Y-%m-%d").max())
    g["start"] = g["start"].fillna(g["award"])
    months = g["months"].fillna(12)
    computed_end = pd.Series(pd.NaT, index=g.index, dtype="datetime64[ns]")
    for m in months.unique():  # a few distinct durations: one vectorised offset each
        sel = months == m
        computed_end[sel] = g.loc[sel, "start"] + pd.DateOffset(months=int(m)) - pd.Timedelta(days=1)
    g["end"] = g["end"].fillna(computed_end)
    days = (g["end"] - g["start"]).dt.days + 1
    g["annual"] = (g["pence"] / 100) / np.maximum(1.0, days / 365.25)
    active = g[g["is_org"] & (g["award"] <= as_of) & (g["start"] <= as_of) & (g["end"] >= as_of)]
    by_funder = active.groupby(["recipient", "funder"], as_index=False)["annual"].sum()
    by_funder = by_funder.sort_values(["recipient", "annual", "funder"], ascending=[True, False, True])
    top = by_funder.groupby("recipient").first()
    total_active = active.groupby("recipient")["annual"].sum()
    income = pd.to_numeric(orgs["Annual Income"], errors="coerce")
    income.index = orgs["Identifier"].str.strip().str.upper()
    income = income.dropna()
    dep = pd.DataFrame({"top": top["annual"], "all": total_active})
    dep["income"] = income.reindex(dep.index)
    dep["dependency"] = np.where(dep["income"].notna(), dep["top"] / dep["income"], dep["top"] / dep["all"])
    dependency = {k: float(v) for k, v in dep["dependency"].items()}
    timings["dependency"] = time.perf_counter() - t

    # The grant network's connected components.
    t = time.perf_counter()
    graph = nx.Graph()
    org_grants = g[g["is_org"]]
    graph.add_edges_from(zip(org_grants["funder"], org_grants["recipient"]))
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    timings["components"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    return {
        "as_of": as_of.date().isoformat(),
        "grants": len(g),
        "amount": g["pence"].sum() / 100,
        "funders": funders,
        "overall": overall,
        "dependency": dependency,
        "components": components,
        "timings": timings,
    }


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def compare(results_path, findings_path):
    ours = json.load(open(results_path))
    theirs = json.load(open(findings_path))
    problems = []

    def check(what, a, b, tol):
        if not close(a, b, tol):
            problems.append(f"{what}: pandas {a!r}, fundflow {b!r}")

    check("grants", ours["grants"], theirs["totals"]["grants"], 0)
    check("amount", ours["amount"], theirs["totals"]["amount"], 0.005)
    check("as_of", ours["as_of"] == theirs["as_of"], True, 0)
    fundflow_funders = {f["id"]: f for f in theirs["funders"]}
    if set(ours["funders"]) != set(fundflow_funders):
        problems.append(f"funders differ: {sorted(set(ours['funders']) ^ set(fundflow_funders))[:5]}")
    for fid, mine in ours["funders"].items():
        f = fundflow_funders.get(fid)
        if f is None:
            continue
        check(f"{fid} total", mine["total"], f["total"], 0.005)
        check(f"{fid} hhi", mine["hhi"], f["hhi"], 1e-9 * max(1.0, abs(f["hhi"] or 0)))
        check(f"{fid} gini", mine["gini"], f["gini"], 1e-9)
        check(f"{fid} top5_share", mine["top5_share"], f["top5_share"], 1e-9)
    o, fo = ours["overall"], theirs["concentration"]["overall"]
    check("overall total", o["total"], fo["total"], 0.005)
    check("overall hhi", o["hhi"], fo["hhi"], 1e-9 * max(1.0, fo["hhi"]))
    check("overall gini", o["gini"], fo["gini"], 1e-9)
    check("overall top5_share", o["top5_share"], fo["top5_share"], 1e-9)
    deps = 0
    for r in theirs["recipients"]:
        if r["id"].startswith("individuals:"):
            continue
        deps += 1
        check(f"{r['id']} dependency", ours["dependency"].get(r["id"]), r["dependency"], 1e-9)
    clusters = theirs["regranting"]["clusters"]
    if ours["components"] != clusters:
        problems.append(
            f"components: pandas {len(ours['components'])} (largest {len(ours['components'][0]) if ours['components'] else 0}), "
            f"fundflow {len(clusters)} (largest {len(clusters[0]) if clusters else 0})"
        )
    if problems:
        print(f"DISAGREE ({len(problems)}):", *problems[:20], sep="\n  ")
        return 1
    print(
        f"agree: {len(ours['funders'])} funders (total, HHI, Gini, top-5), overall concentration, "
        f"{deps} recipients' dependency, {len(clusters)} components"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    results = compute(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        json.dump(results, f)
