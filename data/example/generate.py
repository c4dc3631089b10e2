#!/usr/bin/env python3
"""Generate fundflow's built-in example dataset: the fictional borough of Northbridge.

Everything written here is synthetic. Northbridge does not exist; every organisation name,
identifier, person and amount is invented (identifier *prefixes* such as GB-CHC and GB-LAE
are real org-id schemes, the codes after them are not). The `Led By` tags are fictional.

    python3 data/example/generate.py

writes grants.csv, organisations.csv, partnerships.csv, meetings.csv, attendance.csv and
payments.csv next to this script. Standard library only; a fixed seed and sorted output make
the files byte-identical on every run. check.py recomputes the planted patterns from the CSVs.
"""

import calendar
import csv
import datetime as dt
import random
from pathlib import Path

SEED = 20261123
OUT = Path(__file__).resolve().parent
rng = random.Random(SEED)

FIRST_DAY = dt.date(2022, 4, 1)
LAST_DAY = dt.date(2025, 3, 31)  # the last P2 meeting is on this day, so as_of = 2025-03-31
YEARS = (2022, 2023, 2024)  # UK financial years 2022-23, 2023-24, 2024-25
WARDS = ("Northbridge Central", "Eastfield", "Riverside", "Hillcrest")


# ----------------------------------------------------------------------------- helpers
def add_months(d, n):
    y, m0 = divmod(d.month - 1 + n, 12)
    y += d.year
    last = calendar.monthrange(y, m0 + 1)[1]
    return dt.date(y, m0 + 1, min(d.day, last))


def nth_weekday(year, month, weekday, n):
    """The n-th given weekday (Monday = 0) of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def fy_months(fy):
    """(year, month) for April..March of financial year fy."""
    return [(fy, m) for m in range(4, 13)] + [(fy + 1, m) for m in range(1, 4)]


def rand_date(lo, hi):
    """A random date in [lo, hi] whose day of month is at most 28 (keeps month arithmetic
    unambiguous: start + 12 months - 1 day never needs clamping)."""
    while True:
        d = lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))
        if d.day <= 28:
            return d


def money(pence):
    """Plain number: whole pounds without decimals, otherwise two decimals."""
    pounds, p = divmod(pence, 100)
    return str(pounds) if p == 0 else f"{pounds}.{p:02d}"


def pounds_text(pence):
    pounds, p = divmod(pence, 100)
    return f"£{pounds:,}" if p == 0 else f"£{pounds:,}.{p:02d}"


def write_csv(name, header, rows):
    with open(OUT / name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


# ----------------------------------------------------------------------------- organisations
class Org:
    def __init__(self, key, ident, name, *, sector="", kind="", income=None, area="",
                 led_by="", in_csv=True, org_type="", charity_no="", company_no="",
                 typed=False):
        self.key = key
        self.id = ident
        self.name = name
        self.sector = sector      # written to organisations.csv (empty = leave to inference)
        self.kind = kind          # organisations.csv Type
        self.income = income      # pounds, organisations.csv Annual Income
        self.area = area
        self.led_by = led_by
        self.in_csv = in_csv      # listed in organisations.csv at all
        self.org_type = org_type  # 360Giving Recipient Org:Org Type label
        self.charity_no = charity_no
        self.company_no = company_no
        self.typed = typed        # funders that know it fill Org Type on its grants


ORGS = []


def org(*args, **kwargs):
    o = Org(*args, **kwargs)
    ORGS.append(o)
    return o


# Statutory bodies (all listed, sector given for some so inference by prefix is exercised too).
COUNCIL = org("council", "GB-LAE-NBR", "Northbridge Borough Council", sector="statutory",
              kind="local authority", area="Northbridge Central")
ICB = org("icb", "GB-NHS-QNB", "NHS Northbridge Integrated Care Board", sector="statutory",
          kind="ICB", area="Northbridge Central")
TRUST = org("trust", "GB-NHS-RNB", "Northbridge Hospitals NHS Foundation Trust",
            kind="NHS trust", area="Riverside")
LOTTERY = org("lottery", "GB-GOR-PC999", "People's Lottery Fund", kind="national funder")
SCHOOL = org("school", "GB-EDU-118342", "Hillcrest Primary School", area="Hillcrest",
             in_csv=False, org_type="School/Educational Establishment")

# The community foundation: VCSE itself; receives council money and regrants it.
CF = org("cf", "GB-CHC-1190001", "Northbridge Community Foundation", sector="vcse",
         kind="community foundation", income=1250000, area="Northbridge Central",
         org_type="Community Foundation", charity_no="1190001")


def charity(key, num, name, **kw):
    kw.setdefault("kind", "charity")
    return org(key, f"GB-CHC-{num}", name, org_type="Registered Charity", charity_no=str(num),
               **kw)


ADVICE = charity("advice", 1104417, "Northbridge Advice Centre", income=420000,
                 area="Northbridge Central", typed=True)
CARERS = charity("carers", 1112650, "Riverside Carers Centre", income=140000, area="Riverside",
                 typed=True)
AGEWELL = charity("agewell", 1108832, "Age Well Northbridge", income=560000,
                  area="Northbridge Central", sector="vcse")
YOUTH = charity("youth", 1121904, "Eastfield Youth Trust", income=310000, area="Eastfield")
MIND = charity("mind", 1115273, "Northbridge Mental Wellbeing", area="Northbridge Central",
               led_by="lived-experience", typed=True)
FOODBANK = charity("foodbank", 1160348, "Hillcrest Food Bank", income=95000, area="Hillcrest",
                   led_by="women-led")
WOMENSAID = charity("womensaid", 1109921, "Northbridge Women's Aid", income=380000,
                    area="Northbridge Central", led_by="women-led", typed=True)
ACCA = charity("acca", 1131786, "African Caribbean Community Association Northbridge",
               income=48000, area="Eastfield", led_by="black-and-minoritised", typed=True)
REFUGEE = charity("refugee", 1170254, "Northbridge Refugee Welcome", income=62000,
                  area="Riverside", led_by="black-and-minoritised")
SAWN = charity("sawn", 1178630, "South Asian Women's Network Northbridge", area="Eastfield",
               led_by="black-and-minoritised; women-led", typed=True)
DISAB = charity("disab", 1123349, "Northbridge Disability Forum", income=72000,
                area="Northbridge Central", led_by="disabled-led")
DEAF = charity("deaf", 1140875, "Deaf Connect Northbridge", area="Riverside",
               led_by="disabled-led", typed=True)
RECOVERY = charity("recovery", 1152290, "Recovery Together Northbridge", area="Riverside",
                   led_by="lived-experience")
HOMELESS = charity("homeless", 1119467, "Northbridge Homeless Action", income=230000,
                   area="Northbridge Central", led_by="lived-experience", sector="vcse")
SPORTS = charity("sports", 1127715, "Eastfield Sports Association", area="Eastfield",
                 income=35000)
ARTS = charity("arts", 1145502, "Riverside Arts Collective", area="Riverside", income=88000,
               typed=True)
SCOUTS = charity("scouts", 1103386, "1st Hillcrest Scout Group", area="Hillcrest",
                 in_csv=False)
CENTRE = charity("centre", 1149923, "Hillcrest Community Centre", area="Hillcrest",
                 income=120000, typed=True)
FAMILY = charity("family", 1166719, "Riverside Family Hub", area="Riverside", in_csv=False)
VETERANS = charity("veterans", 1158802, "Northbridge Veterans Support", area="Eastfield",
                   income=27000)
DEMENTIA = charity("dementia", 1138041, "Northbridge Dementia Carers Trust",
                   area="Northbridge Central", in_csv=False)


def coh(key, num, name, org_type, **kw):
    return org(key, f"GB-COH-{num}", name, org_type=org_type, company_no=str(num), **kw)


# CICs: vcse by name ("CIC", "C.I.C." or the words in full); two private companies.
CAFE = coh("cafe", 12688431, "Café Connect CIC", "Community Interest Company", kind="CIC",
           area="Riverside", led_by="women-led", income=64000)
GREEN = coh("green", 13104562, "Green Spaces Northbridge C.I.C.", "Community Interest Company",
            kind="CIC", area="Eastfield")
TUTOR = coh("tutor", 11873390, "Bright Minds Tutoring CIC", "Community Interest Company",
            in_csv=False)
BIKE = coh("bike", 14220917, "Riverside Bike Kitchen C.I.C.", "Community Interest Company",
           in_csv=False)
ROMA = coh("roma", 13755208, "Roma Voices Northbridge CIC", "Community Interest Company",
           kind="CIC", area="Eastfield", led_by="black-and-minoritised")
ENERGY = coh("energy", 12039984, "Eastfield Community Energy Community Interest Company",
             "Community Interest Company", in_csv=False)
BRIGHTPATH = coh("brightpath", 10984327, "Brightpath Care Services Ltd", "Company",
                 kind="care provider", area="Northbridge Central")
EVENTS = coh("events", 10577215, "Northbridge Events Ltd", "Company", in_csv=False)


def group(key, slug, name, **kw):
    kw.setdefault("in_csv", False)
    return org(key, f"360G-northbridge-{slug}", name, org_type="Community Group", **kw)


# Unregistered community groups (sector unknown unless organisations.csv or an Org Type says).
RESIDENTS = group("residents", "riverside-residents", "Riverside Residents Association",
                  in_csv=True, kind="community group", area="Riverside")
MENSSHED = group("mensshed", "mens-shed", "Northbridge Men's Shed", in_csv=True,
                 kind="community group", area="Northbridge Central")
SOMALI = group("somali", "eastfield-somali", "Eastfield Somali Community Group", in_csv=True,
               sector="vcse", kind="community group", area="Eastfield",
               led_by="black-and-minoritised")
CHINESE = group("chinese", "chinese-elders", "Northbridge Chinese Elders Club", in_csv=True,
                sector="vcse", kind="community group", area="Northbridge Central",
                led_by="black-and-minoritised")
PARENTS = group("parents", "parent-carers", "Northbridge Parent Carers Group", in_csv=True,
                sector="vcse", kind="community group", area="Hillcrest", led_by="women-led",
                typed=True)
KNIT = group("knit", "hillcrest-knit-natter", "Hillcrest Knit and Natter", typed=True)
ALLOT = group("allot", "eastfield-allotments", "Eastfield Allotment Society")
FRIENDS = group("friends", "friends-riverside-park", "Friends of Riverside Park")
CHOIR = group("choir", "community-choir", "Northbridge Community Choir", typed=True)
LITTER = group("litter", "eastfield-litter-pickers", "Eastfield Litter Pickers")
LUNCH = group("lunch", "riverside-lunch-club", "Riverside Lunch Club", typed=True)
YCLUB = group("yclub", "hillcrest-youth-club", "Hillcrest Youth Club")
WALK = group("walk", "walking-for-health", "Northbridge Walking for Health")
PRIDE = group("pride", "northbridge-pride", "Northbridge Pride")
TODDLER = group("toddler", "st-marks-toddlers", "St Mark's Toddler Group", typed=True)

STATUTORY = (COUNCIL, ICB, TRUST, LOTTERY, SCHOOL)

# Small-grant pools (lists, so the draw order is fixed).
SMALL_POOL = [CAFE, GREEN, TUTOR, BIKE, ENERGY, RESIDENTS, MENSSHED, KNIT, ALLOT, FRIENDS,
              CHOIR, LITTER, LUNCH, YCLUB, WALK, PRIDE, TODDLER, SPORTS, ARTS, SCOUTS, CENTRE,
              FAMILY, VETERANS, DEMENTIA, PARENTS, DISAB, DEAF, FOODBANK]
BME_POOL = [ACCA, REFUGEE, SAWN, ROMA, SOMALI, CHINESE]

# ----------------------------------------------------------------------------- grants
GRANTS = []


def grant(funder, recipient, pence, award, title, description, programme, *, start=None,
          end=None, months=None, location=None, regrant="", unrestricted=""):
    assert FIRST_DAY <= award <= LAST_DAY, award
    GRANTS.append(dict(funder=funder, recipient=recipient, pence=pence, award=award,
                       title=title, description=description, programme=programme,
                       start=start, end=end, months=months, location=location,
                       regrant=regrant, unrestricted=unrestricted))


def fy_label(fy):
    return f"{fy}-{(fy + 1) % 100:02d}"


def annual(fy, lo_month, lo_day, hi_month, hi_day):
    """Random award date inside a window of financial year fy (months 4..12 are in fy, 1..3
    in fy + 1)."""
    def mk(m, d):
        return dt.date(fy if m >= 4 else fy + 1, m, d)
    return rand_date(mk(lo_month, lo_day), mk(hi_month, hi_day))


def restricted_text(pence, purpose):
    return f"A restricted grant of {pounds_text(pence)} {purpose}."


def round_pence(lo, hi, step):
    return rng.randrange(lo // step, hi // step + 1) * step * 100


# --- Council: a few big annual contracts (12 months each, renewed yearly) + many small grants.
CONTRACTS = [  # recipient, FY2022, FY2023, FY2024 amounts in pence, service
    (ADVICE, 23000000, 24000000, 25000000, "Advice and Information Service"),
    (BRIGHTPATH, 19000000, 20500000, 21500000, "Home from Hospital Support Service"),
    (AGEWELL, 14000000, 15000000, 15000000, "Later Life Support Service"),
    (CARERS, 11500000, 12000000, 12450050, "Carers Support Service"),
    (WOMENSAID, 7200000, 7500000, 7800000, "Domestic Abuse Outreach Service"),
    (HOMELESS, 4500000, 4500000, 4500000, "Rough Sleeping Outreach Service"),
    (REFUGEE, 1800000, 2000000, 2200000, "Refugee Resettlement Welcome Service"),
]
CONTRACT_AWARD = {2022: dt.date(2022, 4, 5), 2023: dt.date(2023, 4, 4), 2024: dt.date(2024, 4, 2)}
for rec, a22, a23, a24, service in CONTRACTS:
    for fy, amt in zip(YEARS, (a22, a23, a24)):
        start = dt.date(fy, 4, 1)
        desc = (f"Annual contract for the {service.lower()} in Northbridge, "
                f"{fy_label(fy)}. Value {pounds_text(amt)}.")
        grant(COUNCIL, rec, amt, CONTRACT_AWARD[fy], f"{service} {fy_label(fy)}", desc,
              "Community Support Contracts", start=start, end=add_months(start, 12)
              - dt.timedelta(days=1), months=12, location=rec.area or None)

# Council -> community foundation: the programme money the foundation holds for P2.
CF_FUND = {2022: 12000000, 2023: 15000000, 2024: 18000000}
CF_AWARD = {2022: dt.date(2022, 5, 9), 2023: dt.date(2023, 5, 8), 2024: dt.date(2024, 5, 7)}
for fy in YEARS:
    start = dt.date(fy, 6, 1)
    grant(COUNCIL, CF, CF_FUND[fy], CF_AWARD[fy],
          f"Northbridge Communities Fund {fy_label(fy)} (regranting)",
          f"Funding of {pounds_text(CF_FUND[fy])} for the Community Foundation to regrant to "
          "small community groups through the Northbridge Communities Together panel.",
          "Northbridge Communities Fund", start=start,
          end=add_months(start, 12) - dt.timedelta(days=1), regrant="FRG010")

# ICB -> council: programme money the council holds for P3 (Mental Health Alliance).
MH_PROGRAMME = "Northbridge Mental Health Alliance Fund"
for fy in YEARS:
    start = dt.date(fy, 4, 1)
    grant(ICB, COUNCIL, 15000000, dt.date(fy, 4, 12),
          f"Mental Health Alliance pooled budget {fy_label(fy)}",
          "Pooled budget for community mental health support, held by the council as lead "
          "partner of the Northbridge Mental Health Alliance.", MH_PROGRAMME, start=start,
          end=add_months(start, 12) - dt.timedelta(days=1))

# Council passes part of it on (same programme title).
MH_PASS = {
    2022: [(MIND, 2500000), (RECOVERY, 1200000)],
    2023: [(MIND, 2500000), (RECOVERY, 1000000), (SAWN, 800000), (DEAF, 1000000)],
    2024: [(MIND, 3000000), (RECOVERY, 800000), (HOMELESS, 1500000), (SAWN, 1000000),
           (DEAF, 1000000)],
}
for fy in YEARS:
    for rec, amt in MH_PASS[fy]:
        start = dt.date(fy, 5, 1)
        grant(COUNCIL, rec, amt, annual(fy, 4, 14, 4, 28), "Community mental health support",
              restricted_text(amt, "for peer support and early help, awarded through the "
                              "Mental Health Alliance"), MH_PROGRAMME, start=start,
              months=12, location=rec.area or None)

# Council small grants: many recipients, mostly 12 months or less.
for fy in YEARS:
    n = (14, 16, 18)[fy - 2022]
    picks = rng.sample(SMALL_POOL, n) + rng.sample(BME_POOL, 2)
    for rec in picks:
        if rec is CAFE and fy == 2024:
            continue  # planted below
        amt = round_pence(500, 5000, 250) + rng.choice((0, 0, 0, 50))
        award = annual(fy, 5, 1, 2, 20)
        shape = rng.choice(("none", "none", "m12", "m6", "dates"))
        kw = {}
        if shape == "m12":
            kw["months"] = 12
        elif shape == "m6":
            kw["months"] = 6
        elif shape == "dates":
            s = add_months(dt.date(award.year, award.month, 1), 1)
            kw["start"], kw["end"] = s, add_months(s, 12) - dt.timedelta(days=1)
        core = rng.random() < 0.15
        title = "Small grant: contribution to core costs" if core else "Northbridge small grant"
        desc = (f"A grant of {pounds_text(amt)} towards core costs for the year."
                if core else restricted_text(amt, "towards a community project"))
        grant(COUNCIL, rec, amt, award, title, desc, "Northbridge Small Grants",
              location=rec.area if rec.area and rng.random() < 0.5 else None, **kw)
    # School and a private company get one small grant each in the first year.
    if fy == 2022:
        grant(COUNCIL, SCHOOL, 150000, dt.date(2022, 9, 14), "Holiday activities pilot",
              restricted_text(150000, "for a holiday activities and food pilot"),
              "Northbridge Small Grants", months=6, location="Hillcrest")
        grant(COUNCIL, EVENTS, 250000, dt.date(2022, 6, 8), "Northbridge Jubilee event",
              "Staging costs for the borough's community celebration.",
              "Northbridge Small Grants", months=6)

# Council winter warm spaces: 6-month grants each November.
for fy in YEARS:
    for rec in rng.sample([CENTRE, LUNCH, CHOIR, FAMILY, AGEWELL, CAFE, FOODBANK, KNIT], 5):
        amt = round_pence(1000, 3000, 100)
        grant(COUNCIL, rec, amt, annual(fy, 10, 20, 11, 10), "Warm Spaces grant",
              restricted_text(amt, "to open a warm space through the winter"),
              "Warm Spaces", months=6, location=rec.area or None)

# Council: two longer grants (so its short-term share is high but not 100%).
grant(COUNCIL, CENTRE, 4000000, dt.date(2023, 9, 19), "Community anchor: core costs",
      "Two-year contribution to core costs of the Hillcrest community anchor organisation.",
      "Community Anchors", start=dt.date(2023, 10, 1), months=24, location="Hillcrest")
grant(COUNCIL, YOUTH, 500000, dt.date(2024, 5, 21), "Youth club sessions",
      restricted_text(500000, "for weekly open-access youth sessions"),
      "Northbridge Small Grants", start=dt.date(2024, 4, 1), end=dt.date(2025, 3, 31),
      location="Eastfield")

# Planted FUNDING-CLIFF case: Café Connect CIC, two active grants both ending within 12 months.
grant(COUNCIL, CAFE, 480000, dt.date(2024, 5, 14), "Community café: food and friendship",
      restricted_text(480000, "for the community café's lunch sessions"),
      "Northbridge Small Grants", start=dt.date(2024, 6, 1), end=dt.date(2025, 5, 31),
      location="Riverside")

# --- ICB
SP = "Social Prescribing Service"
grant(ICB, AGEWELL, 18000000, dt.date(2022, 6, 20), "Social prescribing link workers",
      "Three-year contract for social prescribing link workers in primary care networks.",
      SP, start=dt.date(2022, 7, 1), end=dt.date(2025, 6, 30), location="Northbridge Central")
grant(ICB, RECOVERY, 13500000, dt.date(2022, 6, 20), "Recovery-focused social prescribing",
      "Three-year contract for peer-led social prescribing for people in recovery.",
      SP, start=dt.date(2022, 7, 1), end=dt.date(2025, 6, 30), location="Riverside")
grant(ICB, YOUTH, 9600000, dt.date(2023, 12, 5), "Young people's mental health support",
      "Three-year contract for early mental health support for young people.",
      "Children and Young People's Mental Health", start=dt.date(2024, 1, 1), months=36,
      location="Eastfield")

# P1 pass-on: the ICB passes on a little of its Healthy Northbridge programme money.
HN_PROGRAMME = "Healthy Northbridge Programme"
HN_PASS = {
    2022: [(ACCA, 600000), (FOODBANK, 500000)],
    2023: [(DISAB, 750000), (CARERS, 600000)],
    2024: [(ACCA, 800000), (FOODBANK, 600000), (MIND, 900000), (AGEWELL, 1200000)],
}
for fy in YEARS:
    for rec, amt in HN_PASS[fy]:
        award = annual(fy, 9, 1, 10, 28)
        grant(ICB, rec, amt, award, "Healthy Northbridge community grant",
              restricted_text(amt, "for community health activity under the Healthy "
                              "Northbridge Programme"), HN_PROGRAMME, months=12,
              location=rec.area or None)

# ICB winter wellbeing grants: 6 months, each autumn.
for fy in YEARS:
    for rec in rng.sample([LUNCH, WALK, CHINESE, SOMALI, VETERANS, DEMENTIA, CAFE, KNIT,
                           MENSSHED, FAMILY], 5):
        amt = round_pence(2000, 5000, 250)
        grant(ICB, rec, amt, annual(fy, 10, 1, 10, 28), "Winter wellbeing grant",
              restricted_text(amt, "for winter wellbeing activity"), "Winter Wellbeing",
              months=6, location=rec.area or None)

# --- People's Lottery Fund (national; records Unrestricted yes/no).
HN_TO_ICB = [(60000000, dt.date(2022, 6, 15), 36), (15000000, dt.date(2023, 9, 12), 12)]
for amt, award, months in HN_TO_ICB:
    grant(LOTTERY, ICB, amt, award, "Healthy Northbridge Partnership",
          f"Partnership funding of {pounds_text(amt)} held by the ICB as lead partner of the "
          "Healthy Northbridge Partnership.", HN_PROGRAMME, months=months, unrestricted="no")

LOTTERY_LONG = [  # recipient, pence, award, start, end, months, unrestricted
    (ADVICE, 15000000, dt.date(2023, 1, 16), dt.date(2023, 2, 1), dt.date(2026, 1, 31), None, "yes"),
    (YOUTH, 18000000, dt.date(2023, 9, 12), dt.date(2023, 10, 1), dt.date(2026, 9, 30), None, "no"),
    (WOMENSAID, 21000000, dt.date(2022, 11, 3), None, None, 36, "yes"),
    (HOMELESS, 12000000, dt.date(2024, 2, 6), None, None, 36, "yes"),
    (DISAB, 7500000, dt.date(2024, 7, 9), dt.date(2024, 8, 1), None, 36, "yes"),
    (ACCA, 7500000, dt.date(2024, 1, 23), dt.date(2024, 3, 1), dt.date(2027, 2, 28), None, "no"),
    (ARTS, 9000000, dt.date(2022, 8, 10), None, None, 24, "no"),
    (CARERS, 6000000, dt.date(2022, 5, 10), dt.date(2022, 6, 1), dt.date(2024, 5, 31), None, "no"),
]
for rec, amt, award, start, end, months, unr in LOTTERY_LONG:
    span = months or ((end.year - start.year) * 12 + end.month - start.month + 1)
    grant(LOTTERY, rec, amt, award, f"{rec.name}: People's Lottery Community Fund",
          f"{'Unrestricted' if unr == 'yes' else 'Project'} funding of {pounds_text(amt)} "
          f"over {span} months.",
          "People's Lottery Community Fund", start=start, end=end, months=months,
          location=rec.area or None, unrestricted=unr)

for fy in YEARS:
    for rec in rng.sample([SPORTS, CENTRE, FAMILY, VETERANS, PARENTS, ROMA, BIKE, ENERGY,
                           GREEN, TUTOR], 4):
        amt = round_pence(3000, 10000, 500)
        grant(LOTTERY, rec, amt, annual(fy, 5, 1, 3, 20), "Awards for All Northbridge",
              f"Small grant of {pounds_text(amt)} for a community project.",
              "Awards for All", months=12, location=rec.area or None,
              unrestricted=rng.choice(("yes", "no", "no")))

# --- Community foundation: regrants the Communities Fund (P2 passes on most of it).
PANEL_MONTHS = (5, 8, 11, 2)
CF_POOL = [CAFE, GREEN, RESIDENTS, MENSSHED, SOMALI, CHINESE, KNIT, ALLOT, FRIENDS, CHOIR,
           LITTER, LUNCH, YCLUB, WALK, PRIDE, TODDLER, PARENTS, ROMA, BIKE, TUTOR, SCOUTS,
           FAMILY, REFUGEE, ACCA, SPORTS, VETERANS, FOODBANK, SCHOOL]
CF_SHARE = {2022: 0.70, 2023: 0.74, 2024: 0.72}
CF_AMOUNTS = (50000, 75000, 100000, 150000, 200000, 250000, 300000, 400000, 500000, 750000)
for fy in YEARS:
    budget = int(CF_FUND[fy] * CF_SHARE[fy])
    spent = 0
    panels = []
    for m in PANEL_MONTHS:
        y = fy if m >= 4 else fy + 1
        d = nth_weekday(y, m, 2, 3) + dt.timedelta(days=7)
        if d > CF_AWARD[fy]:
            panels.append(d)
    # Each panel funds a fresh draw from the pool (no group gets two awards at one panel).
    queues = [rng.sample(CF_POOL, len(CF_POOL)) for _ in panels]
    i = 0
    while True:
        amt = rng.choice(CF_AMOUNTS) + rng.choice((0, 0, 0, 25, 50))
        if spent + amt > budget:
            break
        award = panels[i % len(panels)]
        rec = queues[i % len(panels)][i // len(panels)]
        i += 1
        shape = rng.choice(("none", "m12", "m12", "m6", "dates"))
        kw = {}
        if shape == "m12":
            kw["months"] = 12
        elif shape == "m6":
            kw["months"] = 6
        elif shape == "dates":
            s = add_months(dt.date(award.year, award.month, 1), 1)
            kw["start"], kw["end"] = s, add_months(s, 12) - dt.timedelta(days=1)
        grant(CF, rec, amt, award, f"Communities Fund grant to {rec.name}",
              restricted_text(amt, "from the Northbridge Communities Fund"),
              "Northbridge Communities Fund",
              location=rec.area if rec.area and rng.random() < 0.6 else None, **kw)
        spent += amt

# Planted: second active grant for Café Connect (ends within 12 months of as_of).
grant(CF, CAFE, 350000, dt.date(2024, 10, 8), "Communities Fund grant to Café Connect CIC",
      restricted_text(350000, "for intergenerational lunches"), "Northbridge Communities Fund",
      months=12, location="Riverside")
# Planted: Recovery Together has a small foundation grant active at as_of.
grant(CF, RECOVERY, 200000, dt.date(2024, 11, 27), "Peer support volunteer expenses",
      restricted_text(200000, "for peer volunteers' expenses"), "Foundation Small Grants",
      months=12, location="Riverside")

# Foundation small grants from its own endowment, and two core-costs grants.
for fy in YEARS:
    for rec in rng.sample(CF_POOL + [DEAF, DISAB, CENTRE], 8):
        amt = round_pence(500, 2000, 100)
        grant(CF, rec, amt, annual(fy, 6, 1, 3, 15), "Foundation small grant",
              f"A small grant of {pounds_text(amt)} from the Foundation's endowment.",
              "Foundation Small Grants", location=rec.area if rec.area else None)
grant(CF, REFUGEE, 1500000, dt.date(2023, 6, 13), "Core funding for a volunteer coordinator",
      "Two-year contribution to core costs.", "Foundation Core Grants", months=24,
      location="Riverside")
grant(CF, SAWN, 1200000, dt.date(2024, 6, 11), "Core funding",
      "Two-year grant towards core costs and running costs.", "Foundation Core Grants",
      months=24, location="Eastfield")

# Foundation grants to individuals (hardship), never listed by identifier in outputs.
ind_no = 0
for fy in YEARS:
    for _ in range(3 + fy - 2022):
        ind_no += 1
        amt = round_pence(150, 500, 25)
        GRANTS.append(dict(funder=CF, recipient=None, ind=f"360G-nbr-ind-{ind_no:03d}",
                           pence=amt, award=annual(fy, 4, 20, 3, 25),
                           title="Individual hardship grant",
                           description="A one-off grant to a Northbridge resident in "
                                       "financial hardship.",
                           programme="Individual Hardship Grants", start=None, end=None,
                           months=None, location=None, regrant="", unrestricted=""))

# --- Hospital trust: a handful of small charitable-funds grants.
for rec, amt, award in [(AGEWELL, 500000, dt.date(2022, 11, 15)), (DEAF, 300000,
                        dt.date(2023, 7, 11)), (CARERS, 450000, dt.date(2024, 1, 9)),
                        (MENSSHED, 150000, dt.date(2024, 9, 17))]:
    grant(TRUST, rec, amt, award, "Hospital volunteer partnership grant",
          restricted_text(amt, "for volunteers supporting patients leaving hospital"),
          "Hospital Charity Volunteer Grants", months=12, location=rec.area or None)


def grant_rows():
    def sort_key(g):
        rid = g["recipient"].id if g.get("recipient") else g["ind"]
        return (g["award"], g["funder"].id, rid, g["title"], g["pence"])

    rows = []
    for n, g in enumerate(sorted(GRANTS, key=sort_key), start=1):
        rec = g.get("recipient")
        f = g["funder"]
        # Funders that know a recipient fill Org Type / numbers (the lottery always records
        # charity and company numbers; the foundation fills Org Type for groups it knows).
        show_type = rec is not None and rec.typed and f in (COUNCIL, CF)
        if rec is SCHOOL or (rec is not None and f is LOTTERY and rec.org_type ==
                             "Community Interest Company"):
            show_type = True
        show_numbers = rec is not None and (f is LOTTERY or (f is COUNCIL and rec.typed))
        start, end, months = g["start"], g["end"], g["months"]
        rows.append([
            f"360G-NBR-{n:05d}",
            g["title"],
            g["description"],
            "GBP",
            money(g["pence"]),
            g["award"].isoformat(),
            start.isoformat() if start else "",
            end.isoformat() if end else "",
            str(months) if months else "",
            rec.id if rec else "",
            rec.name if rec else "",
            rec.charity_no if rec and show_numbers else "",
            rec.company_no if rec and show_numbers else "",
            rec.org_type if rec and show_type else "",
            "" if rec else g["ind"],
            f.id,
            f.name,
            g["programme"],
            g["location"] or "",
            g["regrant"],
            g["unrestricted"],
        ])
    return rows


GRANT_HEADER = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
                "Planned Dates:Start Date", "Planned Dates:End Date",
                "Planned Dates:Duration (months)", "Recipient Org:Identifier",
                "Recipient Org:Name", "Recipient Org:Charity Number",
                "Recipient Org:Company Number", "Recipient Org:Org Type",
                "Recipient Ind:Identifier", "Funding Org:Identifier", "Funding Org:Name",
                "Grant Programme:Title", "Beneficiary Location:Name", "For Regrant Type",
                "Unrestricted"]

# ----------------------------------------------------------------------------- partnerships
P1, P2, P3 = "P1", "P2", "P3"
PARTNERSHIPS = [
    (P1, "Healthy Northbridge Partnership", ICB, HN_PROGRAMME),
    (P2, "Northbridge Communities Together", CF, "Northbridge Communities Fund"),
    (P3, "Northbridge Mental Health Alliance", COUNCIL, MH_PROGRAMME),
]

# People: each belongs to one organisation, or is a community member (org None).
PEOPLE = []  # (key, org or None)


def person(key, o):
    PEOPLE.append((key, o))
    return key


# Rosters: (person key, organisation, attendance propensity). Propensities are per-meeting
# chances of attending; they are adjusted below by meeting type, year and payment.
ROSTER = {P1: [], P2: [], P3: []}


def seat(p, key, o, prob, **extra):
    if not any(k == key for k, _ in PEOPLE):
        person(key, o)
    ROSTER[p].append(dict(key=key, org=o, prob=prob, **extra))


# P1 Healthy Northbridge Partnership (ICB holds the money; daytime board + evening forums).
for k in ("icb-a", "icb-b", "icb-c"):
    seat(P1, k, ICB, 0.95)
seat(P1, "council-a", COUNCIL, 0.90)
seat(P1, "trust-a", TRUST, 0.88)
seat(P1, "trust-b", TRUST, 0.85, board_only=True)
for k, o, p in [("agewell-a", AGEWELL, 0.52), ("agewell-b", AGEWELL, 0.45),
                ("mind-a", MIND, 0.50), ("mind-b", MIND, 0.45), ("advice-a", ADVICE, 0.48),
                ("advice-b", ADVICE, 0.42), ("foodbank-a", FOODBANK, 0.45),
                ("recovery-a", RECOVERY, 0.30), ("carers-a", CARERS, 0.28),
                ("disab-a", DISAB, 0.30), ("acca-a", ACCA, 0.25),
                ("homeless-a", HOMELESS, 0.28)]:
    seat(P1, k, o, p)
# Ten community members: two lived-experience representatives sit on the board as well and
# carry most of the hours; the rest come to the evening forums now and then.
for i in range(1, 11):
    heavy = i <= 2
    seat(P1, f"member-{i:02d}", None, 0.85 if heavy else 0.22 + 0.03 * (i % 4),
         board_too=heavy)

# P2 Northbridge Communities Together (community foundation; rotating host and chair; paid).
seat(P2, "cf-a", CF, 0.97)
seat(P2, "cf-b", CF, 0.95)
seat(P2, "cf-c", CF, 0.90)
seat(P2, "council-b", COUNCIL, 0.85)
seat(P2, "icb-c", ICB, 0.80)
for k, o, p in [("agewell-a", AGEWELL, 0.90), ("agewell-c", AGEWELL, 0.85),
                ("mind-a", MIND, 0.88), ("mind-f", MIND, 0.85), ("foodbank-a", FOODBANK, 0.90),
                ("foodbank-b", FOODBANK, 0.85), ("advice-c", ADVICE, 0.85),
                ("cafe-a", CAFE, 0.80), ("residents-a", RESIDENTS, 0.80),
                ("somali-a", SOMALI, 0.70), ("mensshed-a", MENSSHED, 0.72),
                ("green-a", GREEN, 0.75), ("refugee-a", REFUGEE, 0.70),
                ("chinese-a", CHINESE, 0.70), ("acca-a", ACCA, 0.72)]:
    seat(P2, k, o, p)
for k, p in [("member-01", 0.80), ("member-11", 0.75), ("member-12", 0.70)]:
    seat(P2, k, None, p)

# P3 Northbridge Mental Health Alliance (council holds the money; paid in 2023-24 only).
seat(P3, "council-a", COUNCIL, 0.95)
seat(P3, "council-c", COUNCIL, 0.90)
seat(P3, "icb-b", ICB, 0.88)
seat(P3, "trust-c", TRUST, 0.85)
seat(P3, "brightpath-a", BRIGHTPATH, 0.60)
for k, o, p in [("mind-c", MIND, 0.62), ("mind-d", MIND, 0.60), ("mind-e", MIND, 0.55),
                ("agewell-d", AGEWELL, 0.60), ("agewell-e", AGEWELL, 0.55),
                ("advice-d", ADVICE, 0.58), ("advice-e", ADVICE, 0.52),
                ("foodbank-c", FOODBANK, 0.55), ("foodbank-d", FOODBANK, 0.50),
                ("recovery-b", RECOVERY, 0.50),
                ("homeless-b", HOMELESS, 0.48), ("deaf-a", DEAF, 0.45),
                ("sawn-a", SAWN, 0.45)]:
    seat(P3, k, o, p)

PERSON_ID = {key: f"PER-{n:04d}" for n, (key, _) in enumerate(PEOPLE, start=1)}
PERSON_ORG = dict(PEOPLE)

# ----------------------------------------------------------------------------- meetings
MEETINGS = []  # dicts


def meeting(p, date, hours, host, chair, decision, mtype, start_time):
    assert FIRST_DAY <= date <= LAST_DAY, date
    MEETINGS.append(dict(id=f"{p}-{date.year}-{date.month:02d}", p=p, date=date, hours=hours,
                         host=host, chair=chair, decision=decision, type=mtype,
                         start=start_time))


# P1: monthly, second Tuesday. Boards at 10:00 decide; evening forums at 18:00 do not.
# The ICB hosts and chairs everything until 2024-25, when two forums move to members.
P1_FORUM_MONTHS = (6, 9, 12, 3)
P1_HANDOVER = {(2024, 9): (AGEWELL, AGEWELL), (2025, 3): (FOODBANK, MIND)}
for fy in YEARS:
    for y, m in fy_months(fy):
        d = nth_weekday(y, m, 1, 2)
        forum = m in P1_FORUM_MONTHS
        host, chair = P1_HANDOVER.get((y, m), (ICB, ICB))
        meeting(P1, d, 1.5 if forum else 2.0, host, chair, "no" if forum else "yes",
                "community forum" if forum else "partnership board",
                "18:00" if forum else "10:00")

# P2: monthly, third Wednesday (last one moved to Monday 31 March 2025). Host and chair
# rotate; grants panels (decisions) every quarter.
P2_HOSTS = [CF, CAFE, RESIDENTS, AGEWELL, FOODBANK, COUNCIL, SOMALI, CF, MENSSHED, REFUGEE,
            CF, CHINESE]
P2_CHAIRS = [RESIDENTS, CF, CAFE, SOMALI, AGEWELL, FOODBANK, CF, MENSSHED, None, ACCA,
             GREEN, CF]
for fy in YEARS:
    for i, (y, m) in enumerate(fy_months(fy)):
        d = nth_weekday(y, m, 2, 3)
        if (y, m) == (2025, 3):
            d = LAST_DAY
        host = P2_HOSTS[(i + 3 * (fy - 2022)) % 12]
        chair = P2_CHAIRS[(i + 5 * (fy - 2022)) % 12]
        panel = m in PANEL_MONTHS
        mtype = "annual review" if d == LAST_DAY else ("grants panel" if panel else
                                                       "network meeting")
        st = "" if rng.random() < 0.15 else rng.choice(("10:30", "13:00", "18:30"))
        meeting(P2, d, 2.5 if panel else 2.0, host, chair, "yes" if panel else "no", mtype, st)

# P3: first Thursday, no August meeting. Council hosts a little over half; chairs rotate.
P3_HOSTS = {
    2022: [COUNCIL, COUNCIL, ICB, COUNCIL, MIND, COUNCIL, COUNCIL, RECOVERY, COUNCIL, TRUST,
           COUNCIL],
    2023: [COUNCIL, ICB, COUNCIL, COUNCIL, None, COUNCIL, MIND, COUNCIL, ICB, COUNCIL,
           RECOVERY],
    2024: [COUNCIL, COUNCIL, MIND, COUNCIL, ICB, COUNCIL, RECOVERY, COUNCIL, TRUST, COUNCIL,
           MIND],
}
P3_CHAIRS = [COUNCIL, MIND, COUNCIL, RECOVERY, MIND, COUNCIL, ICB, MIND, COUNCIL, RECOVERY,
             MIND]
for fy in YEARS:
    months = [ym for ym in fy_months(fy) if ym[1] != 8]
    for i, (y, m) in enumerate(months):
        d = nth_weekday(y, m, 3, 1)
        host = P3_HOSTS[fy][i]
        chair = P3_CHAIRS[(i + fy - 2022) % len(P3_CHAIRS)]
        mtype = "workshop" if host is None else "alliance meeting"
        decision = "yes" if m in (4, 7, 10, 1) else "no"
        st = "" if host is None else ("09:30" if i % 3 else "14:00")
        meeting(P3, d, 1.5 if host is None else 2.0, host, chair, decision, mtype, st)

MEETINGS.sort(key=lambda r: r["id"])
MEETING_BY_ID = {r["id"]: r for r in MEETINGS}

# ----------------------------------------------------------------------------- attendance
ATTENDANCE = []  # dicts: meeting, person key, org, status, hours(str)


def fy_of(d):
    return d.year if d.month >= 4 else d.year - 1


P3_PAID_FY = 2023
BACKFILL = (GREEN, dt.date(2024, 7, 1), dt.date(2024, 9, 30))


def status_for(prob):
    if rng.random() < prob:
        return "attended"
    return "apologies" if rng.random() < 0.6 else "absent"


for mt in MEETINGS:
    p, fy = mt["p"], fy_of(mt["date"])
    forum = mt["type"] == "community forum"
    for s in ROSTER[p]:
        o = s["org"]
        prob = s["prob"]
        statutory = o in STATUTORY
        if p == P1:
            if forum and s.get("board_only"):
                continue
            if not forum and o is None and not s.get("board_too"):
                continue  # community members only come to the board if they sit on it
            if statutory and forum:
                prob -= 0.08
            if not statutory and o is not None and forum:
                prob += 0.12  # evening forums suit VCSE staff and volunteers better
            if not statutory:
                prob += -0.06 if fy < 2024 else 0.10  # 2024-25: slightly better
        if p == P3 and not statutory and o is not BRIGHTPATH:
            prob += 0.25 if fy == P3_PAID_FY else -0.05  # paid in 2023-24 only
        st = status_for(min(prob, 0.98))
        hours = ""
        if st == "attended" and rng.random() < 0.06:
            hours = f"{mt['hours'] - 0.5:g}"  # left early / arrived late
        ATTENDANCE.append(dict(meeting=mt["id"], key=s["key"], org=o, status=st, hours=hours))

ATTENDANCE.sort(key=lambda r: (r["meeting"], PERSON_ID[r["key"]]))

# ----------------------------------------------------------------------------- payments
PAYMENTS = []  # dicts


def pay(payer, person_key, payee_org, meeting_id, period, pence, ptype, date):
    PAYMENTS.append(dict(payer=payer, person=person_key, org=payee_org, meeting=meeting_id,
                         period=period, pence=pence, type=ptype, date=date))


P2_DECLINE = {"agewell-a", "agewell-c"}  # a larger charity that does not claim
for a in ATTENDANCE:
    mt = MEETING_BY_ID[a["meeting"]]
    o = a["org"]
    if a["status"] != "attended":
        continue
    hours = float(a["hours"]) if a["hours"] else mt["hours"]
    if mt["p"] == P2 and o is not CF and o not in STATUTORY and a["key"] not in P2_DECLINE:
        in_backfill = o is BACKFILL[0] and BACKFILL[1] <= mt["date"] <= BACKFILL[2]
        if not in_backfill:
            pay(CF, a["key"], None, mt["id"], None, int(round(hours * 2000)), "involvement",
                mt["date"])
        if o is None and rng.random() < 0.5:
            pay(CF, a["key"], None, mt["id"], None, rng.choice((450, 540, 620, 1200)),
                "expenses", mt["date"])
    if mt["p"] == P1 and o is None and rng.random() < 0.6:
        # Travel expenses only: these do not resource attendance.
        pay(ICB, a["key"], None, mt["id"], None, rng.choice((450, 540, 620, 880)), "expenses",
            mt["date"])

# One standing backfill arrangement for a quarter (covers the org's people at any meeting).
pay(CF, None, BACKFILL[0], None, (BACKFILL[1], BACKFILL[2]), 75000, "backfill", BACKFILL[1])

# P3: quarterly honoraria to every VCSE member's representative in 2023-24 only.
for s in ROSTER[P3]:
    o = s["org"]
    if o in STATUTORY or o is BRIGHTPATH:
        continue
    for q in range(4):
        ps = add_months(dt.date(P3_PAID_FY, 4, 1), 3 * q)
        pe = add_months(ps, 3) - dt.timedelta(days=1)
        pay(COUNCIL, s["key"], None, None, (ps, pe), 15000, "honorarium", ps)

PAYMENTS.sort(key=lambda r: (r["date"], r["payer"].id, r["meeting"] or "",
                             PERSON_ID[r["person"]] if r["person"] else r["org"].id,
                             r["type"], r["pence"]))

# ----------------------------------------------------------------------------- write
def main():
    write_csv("grants.csv", GRANT_HEADER, grant_rows())

    org_rows = []
    for o in sorted(ORGS, key=lambda o: o.id):
        if not o.in_csv:
            continue
        org_rows.append([o.id, o.name, o.sector, o.kind,
                         str(o.income) if o.income is not None else "", o.area, o.led_by])
    write_csv("organisations.csv",
              ["Identifier", "Name", "Sector", "Type", "Annual Income", "Area", "Led By"],
              org_rows)

    write_csv("partnerships.csv", ["Partnership ID", "Name", "Fundholder", "Programme"],
              [[pid, name, fh.id, prog] for pid, name, fh, prog in PARTNERSHIPS])

    write_csv("meetings.csv",
              ["Meeting ID", "Partnership ID", "Date", "Duration Hours", "Host", "Chair",
               "Decision", "Type", "Start Time"],
              [[m["id"], m["p"], m["date"].isoformat(), f"{m['hours']:g}",
                m["host"].id if m["host"] else "", m["chair"].id if m["chair"] else "",
                m["decision"], m["type"], m["start"]] for m in MEETINGS])

    write_csv("attendance.csv", ["Meeting ID", "Person ID", "Org ID", "Status", "Hours"],
              [[a["meeting"], PERSON_ID[a["key"]], a["org"].id if a["org"] else "",
                a["status"], a["hours"]] for a in ATTENDANCE])

    write_csv("payments.csv",
              ["Payment ID", "Payer", "Payee Person ID", "Payee Org ID", "Meeting ID",
               "Period Start", "Period End", "Amount", "Type", "Date"],
              [[f"PAY-{n:05d}", r["payer"].id, PERSON_ID[r["person"]] if r["person"] else "",
                r["org"].id if r["org"] else "", r["meeting"] or "",
                r["period"][0].isoformat() if r["period"] else "",
                r["period"][1].isoformat() if r["period"] else "",
                money(r["pence"]), r["type"], r["date"].isoformat()]
               for n, r in enumerate(PAYMENTS, start=1)])


if __name__ == "__main__":
    main()
