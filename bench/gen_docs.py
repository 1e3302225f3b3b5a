#!/usr/bin/env python3
"""The dataset of the Council documents benchmark (bench/docs.sh; see the "Council documents"
section of bench/RESULTS.md).

    python3 bench/gen_docs.py [--seed N] [--actions 60] OUT.json

Writes one dataset (docs/dataset.md) that a database made by `empact init` (without --demo)
loads in one `empact load`: the organisations of data/organisations.json, then the 2018 OAP of
data/oap-2018-illegal-immigration.json (its cycle, its thirteen sections, its Council document
13874/17 with its passages, and the EXT 1 version with its redaction map) exactly as shipped,
plus what the seed file does not hold because the annex was never declassified:

- six strategic goals for priority 3 of 2018-2021 (synthetic wording), and
- ACTIONS operational actions (default 60) in the OAP, which the document's annex lists: a
  number "G.K" under goal G, a title and description, what/when/where/who/how on about half, a
  Member State as Action Leader, 0-2 co-leaders, 3-14 participants with statuses, one or two
  goals, 2018 dates, possible_jad on about a third, 0-2 cross-references to other actions of the
  OAP, a documentation reference on about 70%, 1-2 KPIs and a budget on 60%. Classification:
  RESTREINT UE (the annex's level) with probability 0.8, else unclassified; LIMITE with
  probability 0.1 (the default seed gives 46 RESTREINT UE and 12 LIMITE of 60).

A database made by `init --demo` already holds this OAP (with three demo actions), and a dataset
cannot add actions to an OAP the database holds, so bench/docs.sh loads this file into a plain
`init` database instead. The output is deterministic: the same seed gives the same bytes. Only
the Python standard library is used.
"""
import argparse
import json
import os
import random
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OAP_REF = "2018-2021/3/2018"

MEMBER_STATES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
                 "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "UK"]
AGENCIES = ["EUROPOL", "FRONTEX", "EUROJUST", "CEPOL", "EU_LISA", "INTERPOL"]

GOALS = [
    (1, "To improve the intelligence picture of the organised crime groups facilitating illegal immigration "
        "along the main migratory routes, through the systematic exchange of information with Europol, "
        "Frontex and the third countries concerned."),
    (2, "To disrupt the organised crime groups that offer facilitation services online and on social media, "
        "and to remove the content they use to advertise them."),
    (3, "To detect and dismantle the networks that produce and supply fraudulent documents used for "
        "facilitated illegal immigration and for secondary movements within the EU."),
    (4, "To increase the number of joint investigations, joint action days and financial investigations "
        "targeting the facilitators and the proceeds of their crimes."),
    (5, "To strengthen cooperation with third countries of origin and transit, including through the "
        "Common Security and Defence Policy missions and the European Migration Liaison Officers."),
    (6, "To prevent the exploitation of legal migration channels, such as visas, marriages of convenience and "
        "fraudulent employment, by organised crime groups."),
]

# Title patterns per goal: (verb phrase, object), combined with a route or place.
TITLES = {
    1: ["Operational analysis of", "Intelligence-gathering on", "Joint risk analysis of", "Information exchange on",
        "Mapping of"],
    2: ["Referral action days against", "Online investigation of", "Monitoring of social media advertising by",
        "Cyber-patrolling targeting", "Disruption of the online presence of"],
    3: ["Detection of document fraud used by", "Dismantling of the document supply chain of",
        "Forensic examination of false documents seized from", "Training of first-line officers on the documents of",
        "Exchange of specimens of fraudulent documents used by"],
    4: ["Joint action days against", "Joint investigation team on", "Financial investigation of",
        "Asset recovery targeting", "Coordinated arrests of high-value targets in"],
    5: ["Capacity building with third countries on", "Liaison officer network on", "Operational cooperation with the authorities of origin countries against",
        "Joint operational partnership against", "Exchange of liaison officers on"],
    6: ["Detection of marriages of convenience arranged by", "Investigation of visa fraud by",
        "Targeting of fraudulent employment schemes used by", "Administrative approach against the legal-business fronts of",
        "Detection of abuse of student and work visas by"],
}
TARGETS = ["facilitation networks on the Central Mediterranean route", "smuggling networks on the Eastern Mediterranean route",
           "facilitators on the Western Balkans route", "organised crime groups on the Western Mediterranean route",
           "networks moving migrants in lorries across internal borders", "facilitators using small boats across the Channel",
           "high-value targets facilitating secondary movements", "networks using air routes and transit airports",
           "organised crime groups exploiting unaccompanied minors", "hawala banking used by facilitation networks"]
WHENS = ["Q1-Q2 2018", "Throughout 2018", "Q2 2018", "Q3-Q4 2018", "Two action days in 2018", "Q4 2018"]
JAD_WORDS = ["Action day(s) coordinated by Europol's EMSC", "Joint Action Day in the EMPACT framework"]
KPI_NAMES = [("Arrests", "persons", "increase"), ("Operational meetings", "meetings", "increase"),
             ("Intelligence reports", "reports", "increase"), ("Documents seized", "documents", "increase"),
             ("Online content referred", "items", "increase"), ("Officers trained", "persons", "increase")]


def sentence(rng, title, target):
    return ("%s. The action brings together the Member States and agencies most affected by %s, "
            "shares the results through the Europol Analysis Projects and SIENA, and reports to the "
            "Driver at each NEC meeting. Expected results: %s." % (
                title, target, rng.choice(["new operational cases opened", "targets identified and arrested",
                                           "an updated intelligence picture", "networks disrupted",
                                           "content removed and cases opened", "trained and equipped officers"])))


def actions(rng, n):
    per_goal = [n // len(GOALS) + (1 if i < n % len(GOALS) else 0) for i in range(len(GOALS))]
    out = []
    for g, count in zip(range(1, len(GOALS) + 1), per_goal):
        for k in range(1, count + 1):
            out.append("%d.%d" % (g, k))
    acts = []
    titles = set()
    for number in out:
        g = int(number.split(".")[0])
        while True:  # every title once
            target = rng.choice(TARGETS)
            title = "%s %s" % (rng.choice(TITLES[g]), target)
            if title not in titles:
                titles.add(title)
                break
        leader = rng.choice(MEMBER_STATES)
        others = [m for m in MEMBER_STATES if m != leader]
        co = []
        r = rng.random()
        if r < 0.45:
            co = [rng.choice(["EUROPOL", "FRONTEX"])]
        elif r < 0.65:
            co = [rng.choice(others), rng.choice(["EUROPOL", "FRONTEX", "EUROJUST"])]
        pool = [m for m in others if m not in co] + [a for a in AGENCIES if a not in co]
        parts = []
        for org in rng.sample(pool, rng.randint(3, 14)):
            x = rng.random()
            st = "confirmed" if x < 0.7 else "invited" if x < 0.9 else "declined" if x < 0.96 else "withdrawn"
            parts.append({"org": org, "status": st})
        goals = [g] if rng.random() < 0.6 else sorted({g, rng.randint(1, len(GOALS))})
        a = {
            "number": number,
            "title": title,
            "description": sentence(rng, title, target),
        }
        if rng.random() < 0.5:
            a.update({
                "what": "Operational meetings, exchange of intelligence and coordinated investigative measures.",
                "when": rng.choice(WHENS),
                "where": rng.choice(["EU-wide", "Member States on the route", "Europol HQ and the MS concerned",
                                     "Hotspots and external borders"]),
                "who": "The Action Leader with the participants; Europol and Frontex in support.",
                "how": "Through the Europol Analysis Projects, SIENA and operational meetings funded by EMPACT grants.",
            })
        if rng.random() < 0.7:
            a["documentation_ref"] = "OA %s fiche, EMPACT %s" % (number, rng.choice(
                ["Operational Action sheet", "Action plan template", "Grant application", "JAD concept note"]))
        a["leader"] = leader
        if co:
            a["co_leaders"] = co
        a["participants"] = parts
        a["goals"] = goals
        m0 = rng.randint(1, 7)
        a["start_date"] = "2018-%02d-01" % m0
        a["end_date"] = "2018-%02d-%02d" % (rng.randint(max(m0, 9), 12), 28)
        a["possible_jad"] = rng.random() < 0.33
        a["kpis"] = []
        for name, unit, direction in rng.sample(KPI_NAMES, rng.randint(1, 2)):
            k = {"name": name, "unit": unit, "target": rng.choice([5, 10, 20, 40, 100, 250]), "direction": direction}
            if rng.random() < 0.7:
                k["baseline"] = 0
            a["kpis"].append(k)
        if rng.random() < 0.6:
            a["budget_cents"] = rng.choice([25000, 50000, 80000, 120000, 200000, 350000]) * 100
        a["status"] = rng.choice(["planned", "planned", "proposed", "ongoing"])
        a["classification"] = "restreint_ue" if rng.random() < 0.8 else "unclassified"
        a["marking"] = "limite" if rng.random() < 0.1 else "none"
        acts.append(a)
    numbers = [a["number"] for a in acts]
    for a in acts:
        x = rng.random()
        refs = 0 if x < 0.6 else 1 if x < 0.9 else 2
        if refs:
            cands = [n for n in numbers if n != a["number"]]
            a["cross_references"] = [{"action": "%s/%s" % (OAP_REF, n),
                                      "note": "Shares targets and intelligence with OA %s" % n}
                                     for n in sorted(rng.sample(cands, refs), key=lambda s: [int(p) for p in s.split(".")])]
    return acts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--actions", type=int, default=60)
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(os.path.join(ROOT, "data", "organisations.json")) as f:
        orgs = json.load(f)["organisations"]
    with open(os.path.join(ROOT, "data", "oap-2018-illegal-immigration.json")) as f:
        seed = json.load(f)
    for cy in seed["cycles"]:
        for pr in cy["priorities"]:
            if cy["label"] == "2018-2021" and pr["code"] == "3":
                pr["goals"] = [{"number": n, "text": t} for n, t in GOALS]
    oap = [o for o in seed["oaps"] if "%s/%s/%d" % (o["cycle"], o["priority"], o["first_year"]) == OAP_REF][0]
    oap["actions"] = actions(rng, args.actions)
    ds = {"format": "empact-dataset/1", "organisations": orgs, "cycles": seed["cycles"], "oaps": seed["oaps"],
          "documents": seed["documents"]}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(ds, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, args.out)
    n = len(oap["actions"])
    restreint = sum(1 for a in oap["actions"] if a["classification"] == "restreint_ue")
    limite = sum(1 for a in oap["actions"] if a["marking"] == "limite")
    xrefs = sum(len(a.get("cross_references", [])) for a in oap["actions"])
    parts = sum(len(a["participants"]) for a in oap["actions"])
    print("gen_docs: %s: OAP %s with %d actions (%d restreint_ue, %d limite), %d participants, %d cross-references, "
          "%d goals; %d bytes" % (args.out, OAP_REF, n, restreint, limite, parts, xrefs, len(GOALS),
                                  os.path.getsize(args.out)))


if __name__ == "__main__":
    sys.exit(main())
