#!/usr/bin/env python3
"""Synthetic EMPACT dataset for the load/export benchmark (bench/run.sh).

Writes, into OUTDIR:

  dataset.json   an empact-dataset/1 file: ~60 organisations, one cycle with 10 priorities of
                 5-7 strategic goals each, one OAP per priority and year (2 years, 20 OAPs)
                 holding together exactly N operational actions (default 100,000), each with a
                 leader, 0-2 co-leaders, 2-6 participants, 1-3 goal links, 1-2 KPIs, texts,
                 dates, status and classification; ~10% of the actions cross-reference others
                 (some across priorities) and some second-year actions continue a first-year
                 one (predecessor).
  csv/TABLE.csv  the rows the database holds after `empact load dataset.json` into an empty
                 database, one file per table, header line first, with the ids the load assigns
                 (insertion order from 1) and every column of the table in declaration order.
                 An empty field stands for NULL (the data has no empty texts).
  import.sql     a script for the sqlite3 shell that imports every CSV with `.import --csv
                 --skip 1` inside one transaction, with empact's settings (foreign keys on, WAL,
                 synchronous FULL): one INSERT per CSV row, as .import does. The shell's .import
                 cannot write NULL (an empty field becomes ''), so a table whose rows hold NULLs
                 is imported through a TEMP view whose INSTEAD OF trigger inserts the row into
                 the real table with NULLIF(x, '') on the columns that hold NULLs; tables
                 without NULLs are imported directly.
  import_bulk.sql  the same, but a table with NULLs is imported into an in-memory TEMP staging
                 table and copied into the real table with one INSERT ... SELECT (one statement
                 for all its rows instead of one per row).
  tables.txt     each table and its row count.

Deterministic: the same seed and size always give the same bytes. Standard library only.

usage: gen_dataset.py [--actions N] [--seed S] OUTDIR
"""
import argparse
import csv
import json
import os
import random
import sys

CYCLE = "2022-2025"
YEARS = (2022, 2023)

# ---- organisations ----

MEMBER_STATES = [
    ("AT", "Austria"), ("BE", "Belgium"), ("BG", "Bulgaria"), ("HR", "Croatia"), ("CY", "Cyprus"),
    ("CZ", "Czechia"), ("DK", "Denmark"), ("EE", "Estonia"), ("FI", "Finland"), ("FR", "France"),
    ("DE", "Germany"), ("EL", "Greece"), ("HU", "Hungary"), ("IE", "Ireland"), ("IT", "Italy"),
    ("LV", "Latvia"), ("LT", "Lithuania"), ("LU", "Luxembourg"), ("MT", "Malta"), ("NL", "Netherlands"),
    ("PL", "Poland"), ("PT", "Portugal"), ("RO", "Romania"), ("SK", "Slovakia"), ("SI", "Slovenia"),
    ("ES", "Spain"), ("SE", "Sweden"),
]
# code, kind, name, country, discipline
OTHER_ORGS = [
    ("EUROPOL", "eu_agency", "European Union Agency for Law Enforcement Cooperation (Europol)", None, "police"),
    ("EUROJUST", "eu_agency", "European Union Agency for Criminal Justice Cooperation (Eurojust)", None, "judicial"),
    ("CEPOL", "eu_agency", "European Union Agency for Law Enforcement Training (CEPOL)", None, "police"),
    ("FRONTEX", "eu_agency", "European Border and Coast Guard Agency (Frontex)", None, "border"),
    ("EUDA", "eu_agency", "European Union Drugs Agency (EUDA)", None, None),
    ("EU_LISA", "eu_agency", "European Union Agency for the Operational Management of Large-Scale IT Systems (eu-LISA)", None, None),
    ("EMSA", "eu_agency", "European Maritime Safety Agency (EMSA)", None, None),
    ("EUAA", "eu_agency", "European Union Agency for Asylum (EUAA)", None, "immigration"),
    ("ENISA", "eu_agency", "European Union Agency for Cybersecurity (ENISA)", None, None),
    ("EPPO", "eu_body", "European Public Prosecutor's Office (EPPO)", None, "judicial"),
    ("OLAF", "eu_body", "European Anti-Fraud Office (OLAF)", None, "customs"),
    ("COMMISSION", "eu_institution", "European Commission", None, None),
    ("INTERPOL", "international_organisation", "International Criminal Police Organization (INTERPOL)", None, "police"),
    ("NO", "third_country", "Norway", "NO", None),
    ("CH", "third_country", "Switzerland", "CH", None),
    ("IS", "third_country", "Iceland", "IS", None),
    ("UA", "third_country", "Ukraine", "UA", None),
    ("DE_BKA", "member_state_authority", "Bundeskriminalamt", "DE", "police"),
    ("DE_ZOLL", "member_state_authority", "Generalzolldirektion", "DE", "customs"),
    ("FR_OCRIEST", "member_state_authority", "Office central pour la répression de l'immigration irrégulière et de l'emploi d'étrangers sans titre", "FR", "immigration"),
    ("FR_DGDDI", "member_state_authority", "Direction générale des douanes et droits indirects", "FR", "customs"),
    ("IT_DCSA", "member_state_authority", "Direzione Centrale per i Servizi Antidroga", "IT", "police"),
    ("IT_GDF", "member_state_authority", "Guardia di Finanza", "IT", "tax"),
    ("ES_GC", "member_state_authority", "Guardia Civil", "ES", "police"),
    ("ES_PN", "member_state_authority", "Policía Nacional", "ES", "police"),
    ("NL_POLITIE", "member_state_authority", "Politie Nederland, Landelijke Eenheid", "NL", "police"),
    ("NL_KMAR", "member_state_authority", "Koninklijke Marechaussee", "NL", "border"),
    ("BE_FGP", "member_state_authority", "Federale Gerechtelijke Politie", "BE", "police"),
    ("PL_CBZC", "member_state_authority", "Centralne Biuro Zwalczania Cyberprzestępczości", "PL", "police"),
    ("RO_IGPR", "member_state_authority", "Inspectoratul General al Poliției Române", "RO", "police"),
    ("AT_BK", "member_state_authority", "Bundeskriminalamt Österreich", "AT", "police"),
    ("PT_PJ", "member_state_authority", "Polícia Judiciária", "PT", "police"),
    ("SE_NOA", "member_state_authority", "Polisens Nationella operativa avdelning", "SE", "police"),
    ("EL_HP", "member_state_authority", "Hellenic Police", "EL", "police"),
    ("FI_NBI", "member_state_authority", "National Bureau of Investigation (KRP)", "FI", "police"),
    ("IE_GNBCI", "member_state_authority", "Garda National Bureau of Criminal Investigation", "IE", "police"),
]

# ---- priorities: code, short name, aim, theme words for titles ----

PRIORITIES = [
    ("1", "High-risk criminal networks", "To identify, investigate and disrupt the high-risk criminal networks active in the EU, their leaders and their infiltration of the legal economy.",
     ["high-risk criminal networks", "mafia-type organisations", "criminal leaders", "money-laundering cells"]),
    ("2", "Cyber attacks", "To target the criminal offenders orchestrating cyber attacks, particularly those offering specialised criminal services online.",
     ["ransomware affiliates", "botnet operators", "crime-as-a-service providers", "malware developers"]),
    ("3", "Trafficking in human beings", "To disrupt criminal networks involved in trafficking in human beings for all forms of exploitation, with a focus on child trafficking.",
     ["labour exploitation networks", "sexual exploitation networks", "child trafficking", "online recruitment of victims"]),
    ("4", "Child sexual exploitation", "To combat child sexual abuse online and offline, including the production and dissemination of child abuse material.",
     ["offenders sharing abuse material", "live-distant child abuse", "grooming platforms", "victim identification"]),
    ("5", "Migrant smuggling", "To disrupt criminal networks involved in migrant smuggling along the main migratory routes and in document fraud.",
     ["smuggling networks on the Balkan route", "document fraud", "secondary movements", "maritime smuggling"]),
    ("6", "Drug trafficking: cannabis, cocaine and heroin", "To identify and target the most threatening criminal networks trafficking cannabis, cocaine and heroin to the EU.",
     ["cocaine trafficking via container ports", "cannabis production sites", "heroin routes", "corrupt port insiders"]),
    ("7", "Drug trafficking: synthetic drugs and NPS", "To disrupt the production and trafficking of synthetic drugs and new psychoactive substances.",
     ["synthetic drug laboratories", "precursor diversion", "new psychoactive substances", "dark web vendors"]),
    ("8", "Fraud, economic and financial crimes", "To combat online fraud schemes, excise fraud, MTIC fraud, intellectual property crime and money laundering.",
     ["online investment fraud", "MTIC fraud carousels", "excise fraud", "counterfeit goods"]),
    ("9", "Organised property crime", "To target the criminal networks involved in organised burglaries, thefts and robberies, and in motor vehicle crime.",
     ["organised burglary gangs", "motor vehicle crime", "cargo theft", "ATM attacks"]),
    ("10", "Environmental crime", "To disrupt criminal networks involved in environmental crime, in particular waste and wildlife trafficking.",
     ["illegal waste shipments", "wildlife trafficking", "illegal logging", "pollution crime"]),
]

GOAL_VERBS = ["To enhance", "To strengthen", "To develop", "To improve", "To support", "To increase"]
GOAL_OBJECTS = [
    "the intelligence picture of {t}", "operational cooperation against {t}", "financial investigations into {t}",
    "the capacity of Member States to counter {t}", "cooperation with third countries on {t}",
    "the identification and protection of victims of {t}", "the use of EU information systems against {t}",
    "prevention and awareness-raising concerning {t}", "training and knowledge sharing on {t}",
]

ACTION_VERBS = ["Organise", "Conduct", "Coordinate", "Develop", "Set up", "Support", "Carry out", "Establish",
                "Strengthen", "Map", "Deliver", "Facilitate"]
ACTION_OBJECTS = ["joint action days against", "an operational sprint targeting", "a joint investigation team on",
                  "a strategic analysis of", "a training course on", "an information exchange platform on",
                  "financial investigations into", "a threat assessment of", "cross-border operations against",
                  "a network of experts on", "a workshop for practitioners on", "online patrolling focused on"]
ACTION_PLACES = ["at EU level", "in the Western Balkans", "in the Mediterranean region", "along the Eastern border",
                 "in the main EU ports", "in cooperation with third countries", "across the Schengen area",
                 "in the Baltic Sea region", "at the EU external borders", "in online marketplaces"]
SENTENCES = [
    "The action builds on the results of previous operational action plans and on the latest EU SOCTA findings.",
    "Participants exchange intelligence through SIENA and feed the analysis projects at Europol.",
    "The Action Leader coordinates the national contact points and reports to the Driver twice a year.",
    "Operational meetings are held at least every quarter, alternating between physical and online formats.",
    "The results are shared with the EMPACT Support Team and presented at the NEC meeting.",
    "Special attention is paid to the financial dimension and to the recovery of criminal assets.",
    "Cooperation with Eurojust is sought at an early stage to support the judicial follow-up.",
    "Third countries and private partners are involved where their contribution adds operational value.",
    "Good practices and lessons learned are documented for the next planning cycle.",
    "The action makes use of the EMPACT grants to fund travel and operational expenses.",
    "Language and legal obstacles to cross-border evidence gathering are identified and addressed.",
    "A common risk indicators list is drafted and disseminated to frontline officers.",
]
WHEN_TEXTS = ["Throughout the year", "First half of the year", "Second half of the year", "Quarterly", "Q2 and Q4",
              "During the action days in autumn"]
WHERE_TEXTS = ["EU-wide", "Participating Member States", "Europol headquarters, The Hague", "Online",
               "Main EU ports and airports", "Western Balkans and EU Member States"]
HOW_TEXTS = ["Operational meetings, SIENA exchanges and joint action days.",
             "Analysis of seized data and targeted financial investigations.",
             "Training sessions, exchange of experts and a practitioners' handbook.",
             "Coordinated controls at the borders and in the main transport hubs."]

KPI_NAMES = [("Arrests", "persons"), ("Operational meetings held", "meetings"), ("Cases initiated", "cases"),
             ("Officers trained", "persons"), ("Intelligence packages produced", "packages"),
             ("Seizures", "kg"), ("Criminal assets frozen", "EUR"), ("Victims identified", "persons"),
             ("Joint investigation teams set up", "teams"), ("SIENA messages exchanged", "messages"),
             ("Websites taken down", None), ("Participating countries", "countries")]

ACTION_STATUSES = [("planned", 30), ("ongoing", 35), ("completed", 20), ("not_completed", 5), ("cancelled", 3),
                   ("proposed", 5), ("continued", 2)]
PARTICIPANT_STATUSES = [("confirmed", 70), ("invited", 20), ("declined", 7), ("withdrawn", 3)]

CLASS = {"unclassified": 0, "restreint_ue": 1}


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.randrange(total)
    for v, w in pairs:
        if x < w:
            return v
        x -= w
    raise AssertionError


def text_between(rng, lo, hi, first):
    """A paragraph of lo..hi bytes: first sentence, then stock sentences."""
    s = first
    pool = SENTENCES[:]
    rng.shuffle(pool)
    for extra in pool:
        if len(s.encode()) >= lo:
            break
        if len((s + " " + extra).encode()) > hi:
            continue
        s += " " + extra
    return s


def split_total(rng, total, parts):
    """Splits total into parts integers of roughly equal size (+-30%), summing exactly to total."""
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    ws = sum(weights)
    sizes = [int(total * w / ws) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


class Tables:
    """The rows each table holds after the load, in insertion order; None is NULL."""

    COLUMNS = {
        "organisations": ["id", "code", "kind", "name", "country", "discipline", "archived", "version"],
        "cycles": ["id", "label", "first_year", "last_year", "oap_period_years", "threat_assessment",
                   "priorities_document", "status", "version"],
        "priorities": ["id", "cycle_id", "code", "position", "short_name", "aim", "archived", "version"],
        "priority_drivers": ["priority_id", "org_id", "role", "position"],
        "priority_agencies": ["priority_id", "org_id", "position"],
        "strategic_goals": ["id", "priority_id", "number", "subgroup", "text", "archived", "version"],
        "oaps": ["id", "priority_id", "first_year", "last_year", "revision", "title", "status", "classification",
                 "marking", "supersedes_id", "archived", "version"],
        "oap_drivers": ["oap_id", "org_id", "role", "position"],
        "actions": ["id", "oap_id", "number", "position", "title", "description", "what", "when_text", "where_text",
                    "who", "how", "documentation_ref", "start_date", "end_date", "possible_jad", "predecessor_id",
                    "budget_cents", "status", "classification", "marking", "archived", "version"],
        "action_leaders": ["action_id", "org_id", "role", "position"],
        "action_participants": ["action_id", "org_id", "position", "status", "decided_at", "decided_by", "version"],
        "action_goals": ["action_id", "goal_id", "position"],
        "kpis": ["id", "action_id", "oap_id", "goal_id", "shared_goal_id", "position", "name", "unit", "baseline",
                 "target", "direction", "aggregation", "feeds_kpi_id", "version"],
        "action_xrefs": ["from_action_id", "to_action_id", "position", "note"],
    }
    # The order the CSVs are imported in: parents before children (foreign keys are immediate).
    ORDER = ["organisations", "cycles", "priorities", "priority_drivers", "priority_agencies", "strategic_goals",
             "oaps", "oap_drivers", "actions", "action_leaders", "action_participants", "action_goals", "kpis",
             "action_xrefs"]

    def __init__(self):
        self.rows = {t: [] for t in self.ORDER}

    def add(self, table, **kw):
        cols = self.COLUMNS[table]
        assert set(kw) == set(cols), (table, set(kw) ^ set(cols))
        row = [kw[c] for c in cols]
        for v in row:
            assert v != "", (table, row)  # '' is how the CSV says NULL
        self.rows[table].append(row)
        return len(self.rows[table])  # the id the load assigns (insertion order from 1)


def csv_value(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def generate(n_actions, seed):
    rng = random.Random(seed)
    T = Tables()
    ds = {"format": "empact-dataset/1", "organisations": [], "cycles": [], "oaps": []}

    # organisations, in file order (= id order)
    org_id = {}
    orgs = [(c, "member_state", n, c, None) for c, n in MEMBER_STATES] + OTHER_ORGS
    orgs.sort(key=lambda o: o[0])
    for code, kind, name, country, disc in orgs:
        o = {"code": code, "kind": kind, "name": name}
        if country:
            o["country"] = country
        if disc:
            o["discipline"] = disc
        ds["organisations"].append(o)
        org_id[code] = T.add("organisations", id=len(T.rows["organisations"]) + 1, code=code, kind=kind, name=name,
                             country=country, discipline=disc, archived=0, version=1)
    ms_codes = [c for c, _ in MEMBER_STATES]
    authorities = [o[0] for o in OTHER_ORGS if o[1] == "member_state_authority"]
    agencies = [o[0] for o in OTHER_ORGS if o[1] in ("eu_agency", "eu_body")]
    third = [o[0] for o in OTHER_ORGS if o[1] in ("third_country", "international_organisation")]
    leader_pool = ms_codes * 3 + authorities + ["EUROPOL", "EUROPOL", "FRONTEX", "EUROJUST", "CEPOL"]
    participant_pool = ms_codes * 2 + authorities + agencies + third

    # the cycle, its priorities and goals
    cycle = {"label": CYCLE, "first_year": 2022, "last_year": 2025, "oap_period_years": 1,
             "threat_assessment": "EU SOCTA 2021", "priorities_document": "8665/21", "status": "active",
             "priorities": []}
    cycle_id = T.add("cycles", id=1, label=CYCLE, first_year=2022, last_year=2025, oap_period_years=1,
                     threat_assessment="EU SOCTA 2021", priorities_document="8665/21", status="active", version=1)
    ds["cycles"].append(cycle)
    prios = []  # (code, id, short, themes, goal numbers -> goal ids, driver, co_drivers)
    for pos, (code, short, aim, themes) in enumerate(PRIORITIES, 1):
        driver = rng.choice(ms_codes)
        co = rng.sample([c for c in ms_codes if c != driver], rng.randint(1, 2))
        ag = rng.sample(["EUROPOL", "EUROJUST", "CEPOL", "FRONTEX", "EUDA", "OLAF", "EUAA"], rng.randint(2, 4))
        p = {"code": code, "short_name": short, "aim": aim, "driver": driver, "co_drivers": co,
             "supporting_agencies": ag, "goals": []}
        pid = T.add("priorities", id=len(T.rows["priorities"]) + 1, cycle_id=cycle_id, code=code, position=pos,
                    short_name=short, aim=aim, archived=0, version=1)
        T.add("priority_drivers", priority_id=pid, org_id=org_id[driver], role="driver", position=1)
        for i, c in enumerate(co, 1):
            T.add("priority_drivers", priority_id=pid, org_id=org_id[c], role="co_driver", position=i)
        for i, c in enumerate(ag, 1):
            T.add("priority_agencies", priority_id=pid, org_id=org_id[c], position=i)
        ngoals = rng.randint(5, 7)
        goal_ids = {}
        for num in range(1, ngoals + 1):
            text = "%s %s." % (rng.choice(GOAL_VERBS), rng.choice(GOAL_OBJECTS).format(t=rng.choice(themes)))
            group = "Operational goals" if num >= ngoals - 1 and pos % 3 == 0 else None
            g = {"number": num, "text": text}
            if group:
                g["group"] = group
            p["goals"].append(g)
            goal_ids[num] = T.add("strategic_goals", id=len(T.rows["strategic_goals"]) + 1, priority_id=pid,
                                  number=num, subgroup=group, text=text, archived=0, version=1)
        cycle["priorities"].append(p)
        prios.append((code, pid, short, themes, goal_ids, driver, co))

    # OAPs and their actions
    oap_specs = [(year, pr) for year in YEARS for pr in prios]
    sizes = split_total(rng, n_actions, len(oap_specs))
    all_actions = []  # (ref, action id, priority code, year, action dict)
    by_oap = {}  # (prio code, year) -> list of indexes into all_actions
    for (year, pr), size in zip(oap_specs, sizes):
        code, pid, short, themes, goal_ids, driver, co = pr
        title = "Operational Action Plan %d: %s" % (year, short)
        oap = {"cycle": CYCLE, "priority": code, "first_year": year, "last_year": year, "revision": 0,
               "title": title, "status": "in_implementation" if year == YEARS[0] else "adopted",
               "classification": "restreint_ue", "marking": "none", "driver": driver, "co_drivers": co,
               "actions": []}
        oid = T.add("oaps", id=len(T.rows["oaps"]) + 1, priority_id=pid, first_year=year, last_year=year, revision=0,
                    title=title, status=oap["status"], classification=1, marking=0, supersedes_id=None, archived=0,
                    version=1)
        T.add("oap_drivers", oap_id=oid, org_id=org_id[driver], role="driver", position=1)
        for i, c in enumerate(co, 1):
            T.add("oap_drivers", oap_id=oid, org_id=org_id[c], role="co_driver", position=i)
        ds["oaps"].append(oap)
        ngoals = len(goal_ids)
        counters = {}
        idxs = by_oap.setdefault((code, year), [])
        for i in range(size):
            primary = 1 + i * ngoals // size
            counters[primary] = counters.get(primary, 0) + 1
            number = "%d.%d" % (primary, counters[primary])
            others = [g for g in goal_ids if g != primary]
            goals = [primary] + rng.sample(others, rng.randint(0, min(2, len(others))))
            theme = rng.choice(themes)
            atitle = "%s %s %s %s" % (rng.choice(ACTION_VERBS), rng.choice(ACTION_OBJECTS), theme,
                                      rng.choice(ACTION_PLACES))
            desc = text_between(rng, 100, 300, "This action addresses %s through %s." % (
                theme, rng.choice(["operational cooperation", "intelligence-led policing", "joint investigations",
                                   "capacity building", "information exchange", "financial investigations"])))
            leader = rng.choice(leader_pool)
            taken = {leader}
            co_leaders = []
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                c = rng.choice(leader_pool)
                if c not in taken:
                    taken.add(c)
                    co_leaders.append(c)
            participants = []
            for _ in range(rng.randint(2, 6)):
                c = rng.choice(participant_pool)
                while c in taken:
                    c = rng.choice(participant_pool)
                taken.add(c)
                participants.append({"org": c, "status": weighted(rng, PARTICIPANT_STATUSES)})
            m1 = rng.randint(1, 9)
            start = "%d-%02d-%02d" % (year, m1, rng.randint(1, 28))
            m2 = rng.randint(m1 + 1, 12)
            end = "%d-%02d-%02d" % (year, m2, rng.randint(1, 28))
            status = weighted(rng, ACTION_STATUSES)
            cls = "restreint_ue" if rng.random() < 0.4 else "unclassified"
            a = {"number": number, "title": atitle, "description": desc}
            detailed = rng.random() < 0.5
            if detailed:
                a["what"] = atitle + "."
                a["when"] = rng.choice(WHEN_TEXTS)
                a["where"] = rng.choice(WHERE_TEXTS)
                a["who"] = "%s (Action Leader)%s" % (leader, "".join(", " + c for c in co_leaders))
                a["how"] = rng.choice(HOW_TEXTS)
            docref = "OAP %d/%s/%s" % (year, code, number) if rng.random() < 0.2 else None
            if docref:
                a["documentation_ref"] = docref
            a["leader"] = leader
            if co_leaders:
                a["co_leaders"] = co_leaders
            a["participants"] = participants
            a["goals"] = goals
            a["start_date"] = start
            a["end_date"] = end
            jad = rng.random() < 0.15
            if jad:
                a["possible_jad"] = True
            kpis = []
            for kname, unit in rng.sample(KPI_NAMES, rng.randint(1, 2)):
                k = {"name": kname}
                if unit:
                    k["unit"] = unit
                if rng.random() < 0.6:
                    k["baseline"] = rng.randint(0, 50)
                k["target"] = rng.randint(1, 500) + (0.5 if rng.random() < 0.1 else 0)
                k["direction"] = weighted(rng, [("increase", 80), ("decrease", 12), ("maintain", 8)])
                kpis.append(k)
            a["kpis"] = kpis
            budget = rng.randrange(500000, 50000000, 100) if rng.random() < 0.6 else None
            if budget is not None:
                a["budget_cents"] = budget
            a["status"] = status
            a["classification"] = cls
            a["marking"] = "none"
            oap["actions"].append(a)

            aid = T.add("actions", id=len(T.rows["actions"]) + 1, oap_id=oid, number=number, position=i + 1,
                        title=atitle, description=desc, what=a.get("what"), when_text=a.get("when"),
                        where_text=a.get("where"), who=a.get("who"), how=a.get("how"), documentation_ref=docref,
                        start_date=start, end_date=end, possible_jad=1 if jad else 0, predecessor_id=None,
                        budget_cents=budget, status=status, classification=CLASS[cls], marking=0, archived=0,
                        version=1)
            T.add("action_leaders", action_id=aid, org_id=org_id[leader], role="leader", position=1)
            for j, c in enumerate(co_leaders, 1):
                T.add("action_leaders", action_id=aid, org_id=org_id[c], role="co_leader", position=j)
            for j, p in enumerate(participants, 1):
                T.add("action_participants", action_id=aid, org_id=org_id[p["org"]], position=j, status=p["status"],
                      decided_at=None, decided_by=None, version=1)
            for j, g in enumerate(goals, 1):
                T.add("action_goals", action_id=aid, goal_id=goal_ids[g], position=j)
            for j, k in enumerate(kpis, 1):
                T.add("kpis", id=len(T.rows["kpis"]) + 1, action_id=aid, oap_id=None, goal_id=None,
                      shared_goal_id=None, position=j, name=k["name"], unit=k.get("unit"),
                      baseline=float(k["baseline"]) if "baseline" in k else None, target=float(k["target"]),
                      direction=k["direction"], aggregation="sum", feeds_kpi_id=None, version=1)
            ref = "%s/%s/%d/%s" % (CYCLE, code, year, number)
            idxs.append(len(all_actions))
            all_actions.append((ref, aid, code, year, a))

    # Predecessors: ~15% of the second-year actions continue an action of the same priority's
    # first-year OAP. The load sets them after all actions are written; the row ends up the same.
    actions_rows = T.rows["actions"]
    pred_col = Tables.COLUMNS["actions"].index("predecessor_id")
    for (code, year), idxs in by_oap.items():
        if year != YEARS[1]:
            continue
        prev = by_oap[(code, YEARS[0])]
        for ix in idxs:
            if rng.random() < 0.15:
                ref, aid, _, _, a = all_actions[ix]
                pref, paid, _, _, _ = all_actions[rng.choice(prev)]
                a["predecessor"] = pref
                actions_rows[aid - 1][pred_col] = paid

    # Cross-references: ~10% of the actions refer to 1-2 other actions, a third of them in
    # another priority. Written by the load in a last pass, in action order.
    for ix, (ref, aid, code, year, a) in enumerate(all_actions):
        if rng.random() >= 0.10:
            continue
        xrefs = []
        seen = {ix}
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.33:
                pool = by_oap[(rng.choice([p[0] for p in prios if p[0] != code]), rng.choice(YEARS))]
            else:
                pool = by_oap[(code, year)]
            t = rng.choice(pool)
            if t in seen:
                continue
            seen.add(t)
            tref, taid, tcode, _, _ = all_actions[t]
            x = {"action": tref}
            note = None
            if rng.random() < 0.5:
                note = ("Contributes to priority %s" % tcode) if tcode != code else "Related action in the same OAP"
                x["note"] = note
            xrefs.append(x)
            T.add("action_xrefs", from_action_id=aid, to_action_id=taid, position=len(xrefs), note=note)
        if xrefs:
            a["cross_references"] = xrefs
    return ds, T


def write_outputs(ds, T, outdir):
    os.makedirs(os.path.join(outdir, "csv"), exist_ok=True)
    with open(os.path.join(outdir, "dataset.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(ds, f, ensure_ascii=False, indent=2)  # laid out like `empact export`
        f.write("\n")
    head = [
        ".bail on",
        "PRAGMA journal_mode = WAL;",
        "PRAGMA synchronous = FULL;",
        "PRAGMA foreign_keys = ON;",
    ]
    perrow = ["-- Generated by bench/gen_dataset.py: imports csv/*.csv into an empty `empact init` database",
              "-- with the sqlite3 shell, in one transaction, with empact's settings. One INSERT per CSV row;",
              "-- tables with NULLs go through a TEMP view whose INSTEAD OF trigger writes NULL for ''."] + head
    bulk = ["-- Generated by bench/gen_dataset.py: like import.sql, but tables with NULLs are imported into",
            "-- an in-memory TEMP staging table and copied with one INSERT ... SELECT each."] + head + [
            "PRAGMA temp_store = MEMORY;"]
    views, perrow_body, bulk_body = [], [], []
    for t in Tables.ORDER:
        cols = Tables.COLUMNS[t]
        rows = T.rows[t]
        with open(os.path.join(outdir, "csv", t + ".csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(cols)
            for r in rows:
                w.writerow([csv_value(v) for v in r])
        nullable = [c for j, c in enumerate(cols) if any(r[j] is None for r in rows)]
        if not nullable:
            perrow_body.append(".import --csv --skip 1 csv/%s.csv %s" % (t, t))
            bulk_body.append(".import --csv --skip 1 csv/%s.csv %s" % (t, t))
            continue
        vals = ", ".join("NULLIF(%s, '')" % c if c in nullable else c for c in cols)
        views.append("CREATE TEMP VIEW import_%s AS SELECT * FROM main.%s;" % (t, t))
        views.append("CREATE TEMP TRIGGER import_%s_row INSTEAD OF INSERT ON import_%s BEGIN INSERT INTO %s (%s)"
                     " VALUES (%s); END;" % (t, t, t, ", ".join(cols), ", ".join(
                         "NULLIF(NEW.%s, '')" % c if c in nullable else "NEW." + c for c in cols)))
        perrow_body.append(".import --csv --skip 1 csv/%s.csv import_%s" % (t, t))
        stage = "stage_" + t
        bulk_body.append("CREATE TEMP TABLE %s (%s);" % (stage, ", ".join(cols)))
        bulk_body.append(".import --csv --skip 1 csv/%s.csv %s" % (t, stage))
        bulk_body.append("INSERT INTO main.%s (%s) SELECT %s FROM temp.%s;" % (t, ", ".join(cols), vals, stage))
        bulk_body.append("DROP TABLE temp.%s;" % stage)
    scripts = {
        "import.sql": perrow + views + ["BEGIN;"] + perrow_body + ["COMMIT;"],
        "import_bulk.sql": bulk + ["BEGIN;"] + bulk_body + ["COMMIT;"],
    }
    for name, lines in scripts.items():
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(outdir, "tables.txt"), "w", encoding="utf-8", newline="\n") as f:
        for t in Tables.ORDER:
            f.write("%s %d\n" % (t, len(T.rows[t])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--actions", type=int, default=100000, help="number of operational actions (default 100000)")
    ap.add_argument("--seed", type=int, default=20260101, help="random seed (default 20260101)")
    ap.add_argument("outdir")
    args = ap.parse_args()
    if args.actions < 40:
        sys.exit("gen_dataset.py: --actions must be at least 40")
    ds, T = generate(args.actions, args.seed)
    assert sum(len(o["actions"]) for o in ds["oaps"]) == args.actions
    write_outputs(ds, T, args.outdir)
    print("gen_dataset.py: %s: %d actions in %d OAPs; rows: %s" % (
        args.outdir, args.actions, len(ds["oaps"]),
        ", ".join("%s %d" % (t, len(T.rows[t])) for t in Tables.ORDER)))


if __name__ == "__main__":
    main()
