#!/usr/bin/env python3
"""Synthetic monitoring cycle for the roll-up benchmark (bench/monitor.sh).

usage: gen_monitoring.py [--seed S] [--year Y] SCALE DB

Fills DB, an empact database made beforehand with `empact --db DB init` (schema 5: migrations
0001 to 0005), directly through SQL, in one transaction, with foreign keys on:

  organisations   the 27 Member States (code = country code, kind member_state), the
                  Commission (COMMISSION, for the benchmark's Administrator), Europol, Eurojust
                  and Frontex; those whose code the database already holds are reused
  one cycle       "Y-(Y+3)", one-year OAPs, status active
  10 x SCALE      priorities, each with one Driver (priority_drivers), 3 strategic goals with
                  2 KPIs each, and 2 OAPs (years Y and Y+1, in_implementation, unclassified)
                  with one Driver (oap_drivers) and 2 OAP KPIs
  60 per OAP      operational actions, status ongoing, classification mostly 0 (about 10% are
                  RESTREINT UE, about 3% LIMITE), one Action Leader (a Member State) and 2-3
                  participants (other Member States or Europol) with mixed statuses, one goal link
  8 per action    KPIs with varied units, baselines, targets and directions; the first feeds
                  one of the OAP's 2 KPIs and the second one of the priority's 6 goal KPIs (same
                  name and unit)
  4 rounds        Y-H1, Y-H2, (Y+1)-H1 closed, (Y+1)-H2 open
  reports         one per action and per round of the year its OAP covers (so 2 per action),
                  statuses spread over requested ... transmitted_to_cosi (later states in the
                  closed rounds, earlier ones in the open round), the reported action status,
                  resources in cents and, for some, problems
  kpi_actuals     one per KPI of the action per report (8 per report), with report_id

SCALE 10 gives 10x the data (100 priorities, the same shape below them). Deterministic: the
same SCALE, seed and year give the same rows. Any constraint error (CHECK, UNIQUE, NOT NULL,
foreign key) aborts the transaction and exits with status 1. Prints the row counts at the end.
Standard library only.
"""
import argparse
import os
import random
import sqlite3
import sys
import time

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
    ("COMMISSION", "eu_institution", "European Commission", None, None),
    ("EUROPOL", "eu_agency", "European Union Agency for Law Enforcement Cooperation (Europol)", None, "police"),
    ("EUROJUST", "eu_agency", "European Union Agency for Criminal Justice Cooperation (Eurojust)", None, "judicial"),
    ("FRONTEX", "eu_agency", "European Border and Coast Guard Agency (Frontex)", None, "border"),
]

THEMES = ["high-risk criminal networks", "cyber-attacks", "trafficking in human beings", "child sexual exploitation",
          "migrant smuggling", "drug trafficking", "fraud and economic crime", "organised property crime",
          "environmental crime", "firearms trafficking"]
ACTION_VERBS = ["Organise", "Conduct", "Coordinate", "Develop", "Set up", "Support", "Carry out", "Map"]
ACTION_OBJECTS = ["joint action days against", "an operational sprint targeting", "a strategic analysis of",
                  "a training course on", "financial investigations into", "cross-border operations against"]

# name, unit: the action KPIs' vocabulary
KPI_NAMES = [("Arrests", "persons"), ("Operational meetings held", "meetings"), ("Cases initiated", "cases"),
             ("Officers trained", "persons"), ("Intelligence packages produced", "packages"),
             ("Seizures", "kg"), ("Criminal assets frozen", "EUR"), ("Victims identified", "persons"),
             ("Joint investigation teams set up", "teams"), ("SIENA messages exchanged", "messages"),
             ("Websites taken down", None), ("Participating countries", "countries"),
             ("Average response time", "days"), ("Share of cases with a financial investigation", "%")]
OAP_KPIS = [("Arrests", "persons", "sum"), ("Operational meetings held", "meetings", "sum")]
GOAL_KPIS = [("Cases initiated", "cases", "sum"), ("Officers trained", "persons", "sum"),
             ("Intelligence packages produced", "packages", "sum"), ("Seizures", "kg", "sum"),
             ("Participating countries", "countries", "max"), ("Victims identified", "persons", "latest")]

PARTICIPANT_STATUSES = [("confirmed", 70), ("invited", 18), ("declined", 8), ("withdrawn", 4)]
# Report states: a closed round mostly went the whole way, the open one is under way.
CLOSED_REPORT_STATUSES = [("transmitted_to_cosi", 45), ("discussed_at_nec", 15), ("compiled", 20),
                          ("submitted", 6), ("returned", 4), ("draft", 5), ("requested", 5)]
OPEN_REPORT_STATUSES = [("requested", 20), ("draft", 20), ("submitted", 25), ("returned", 5),
                        ("consolidated", 30)]
REPORTED_ACTION_STATUSES = [("ongoing", 70), ("planned", 7), ("completed", 10), ("not_completed", 5),
                            ("cancelled", 3), ("status_unclear", 5)]
SUBMITTED_OR_LATER = {"submitted", "returned", "consolidated", "compiled", "discussed_at_nec",
                      "transmitted_to_cosi"}
PROBLEMS = ["Delays in the exchange of information with third countries.",
            "Not enough participating Member States confirmed their participation.",
            "The operational meeting had to be postponed; budget partly unused.",
            "Legal obstacles to cross-border evidence gathering.",
            "Staff shortages at the Action Leader's authority."]
NARRATIVES = ["The action progressed as planned. **Two** operational meetings were held and intelligence "
              "was exchanged through SIENA.",
              "Joint action days took place in the reporting period; results were shared with Europol.",
              "Training was delivered to frontline officers; a *handbook* is being drafted.",
              "The analysis was completed and presented at the NEC meeting."]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.randrange(total)
    for v, w in pairs:
        if x < w:
            return v
        x -= w
    raise AssertionError


def kpi_numbers(rng, unit):
    """baseline (or None), target, direction for an action KPI, consistent with each other."""
    direction = weighted(rng, [("increase", 70), ("decrease", 15), ("maintain", 15)])
    scale = {"EUR": 100000, "kg": 500, "%": 1, "days": 1}.get(unit, 10)
    if direction == "increase":
        baseline = None if rng.random() < 0.3 else float(rng.randint(0, 20) * scale)
        target = float((baseline or 0) + rng.randint(5, 60) * scale)
    elif direction == "decrease":
        baseline = float(rng.randint(30, 90) * scale)
        target = float(int(baseline * rng.uniform(0.4, 0.9)))
    else:
        baseline = float(rng.randint(5, 50) * scale)
        target = baseline
    if unit == "%":
        baseline = None if baseline is None else min(baseline, 100.0)
        target = min(target, 100.0)
    return baseline, target, direction


def actual_value(rng, baseline, target, direction, progress):
    """An actual at some point of the way from the baseline to the target (progress 0..1+)."""
    b = baseline or 0.0
    if direction == "maintain":
        v = target * rng.uniform(0.8, 1.1)
    else:
        v = b + (target - b) * progress * rng.uniform(0.6, 1.3)
    return float(max(0, round(v, 1)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scale", type=int, help="1 for 10 priorities, 10 for 100, ...")
    ap.add_argument("db", help="an empact database made by `empact --db DB init`")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--year", type=int, default=2026, help="the first OAP year Y (default 2026)")
    a = ap.parse_args()
    if a.scale < 1:
        sys.exit("gen_monitoring.py: SCALE must be at least 1")
    t0 = time.perf_counter()
    rng = random.Random(a.seed * 1000 + a.scale)
    Y = a.year

    if not os.path.isfile(a.db):
        sys.exit("gen_monitoring.py: no database %s; make it with `empact --db DB init`" % a.db)
    con = sqlite3.connect(a.db, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA busy_timeout = 10000")
    try:
        (ver,) = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except sqlite3.Error as e:
        sys.exit("gen_monitoring.py: %s is not an empact database (%s); make it with `empact --db DB init`"
                 % (a.db, e))
    if ver is None or ver < 5:
        sys.exit("gen_monitoring.py: %s is at schema %s, the monitoring tables need schema 5 (empact migrate)"
                 % (a.db, ver))

    def next_id(table):
        return con.execute("SELECT coalesce(max(id), 0) + 1 FROM %s" % table).fetchone()[0]

    rows = {}  # table -> list of tuples
    cols = {}  # table -> column names

    def add(table, names, values):
        if table not in cols:
            cols[table] = names
            rows[table] = []
        rows[table].append(values)

    con.execute("BEGIN IMMEDIATE")
    try:
        # ---- organisations: reuse by code, insert the missing ones ----
        have = dict(con.execute("SELECT code, id FROM organisations"))
        oid = next_id("organisations")
        wanted = [(c, "member_state", n, c, None) for c, n in MEMBER_STATES] + OTHER_ORGS
        org_rows = []
        for code, kind, name, country, disc in wanted:
            if code not in have:
                org_rows.append((oid, code, kind, name, country, disc))
                have[code] = oid
                oid += 1
        con.executemany("INSERT INTO organisations (id, code, kind, name, country, discipline) VALUES (?, ?, ?, ?, ?, ?)",
                        org_rows)
        ms = [have[c] for c, _ in MEMBER_STATES]
        partners = ms + [have["EUROPOL"]]

        # ---- the cycle and its rounds ----
        cycle_id = next_id("cycles")
        label = "%d-%d" % (Y, Y + 3)
        con.execute("INSERT INTO cycles (id, label, first_year, last_year, oap_period_years, threat_assessment, "
                    "priorities_document, status) VALUES (?, ?, ?, ?, 1, ?, ?, 'active')",
                    (cycle_id, label, Y, Y + 3, "EU SOCTA %d (synthetic)" % (Y - 1),
                     "Council conclusions on the EU priorities %s (synthetic)" % label))
        rid = next_id("reporting_rounds")
        rounds = []  # (id, year, half, status, index)
        for k, (year, half) in enumerate(((Y, 1), (Y, 2), (Y + 1, 1), (Y + 1, 2))):
            status = "open" if k == 3 else "closed"
            opens = "%d-%02d-01" % (year, 6 if half == 1 else 12)
            closes = "%d-%02d-%02d" % (year, 6 if half == 1 else 12, 30 if half == 1 else 31)
            add("reporting_rounds", ("id", "cycle_id", "label", "opens_on", "closes_on", "nec_meeting", "status"),
                (rid, cycle_id, "%d-H%d" % (year, half), opens, closes,
                 "NEC meeting %d-%02d" % ((year, 7) if half == 1 else (year + 1, 1)), status))
            rounds.append((rid, year, half, status, k))
            rid += 1

        # ---- priorities, goals, OAPs, actions, KPIs, reports, actuals ----
        pid, gid, opid, aid, kid, rpid = (next_id(t) for t in
                                          ("priorities", "strategic_goals", "oaps", "actions", "kpis",
                                           "progress_reports"))
        n_prio = 10 * a.scale
        for p in range(n_prio):
            theme = THEMES[p % len(THEMES)]
            code = str(p + 1)
            driver = ms[p % len(ms)]
            add("priorities", ("id", "cycle_id", "code", "position", "short_name", "aim"),
                (pid, cycle_id, code, p + 1, "%s (%s)" % (theme.capitalize(), code),
                 "To disrupt %s operating in the EU (synthetic priority %s)." % (theme, code)))
            add("priority_drivers", ("priority_id", "org_id", "role", "position"), (pid, driver, "driver", 1))
            # 3 strategic goals with 2 KPIs each: goal_kpis[g][j] = (kpi id, name, unit)
            goal_kpis, goal_ids = [], []
            for g in range(3):
                add("strategic_goals", ("id", "priority_id", "number", "text"),
                    (gid, pid, g + 1, "To strengthen operational cooperation against %s, objective %d." % (theme, g + 1)))
                goal_ids.append(gid)
                ks = []
                for j in range(2):
                    name, unit, agg = GOAL_KPIS[2 * g + j]
                    add("kpis", ("id", "action_id", "oap_id", "goal_id", "shared_goal_id", "position", "name", "unit",
                                 "baseline", "target", "direction", "aggregation", "feeds_kpi_id"),
                        (kid, None, None, gid, None, j + 1, name, unit, None,
                         float(rng.randint(50, 400) * (50 if unit == "kg" else 1)), "increase", agg, None))
                    ks.append((kid, name, unit))
                    kid += 1
                goal_kpis.append(ks)
                gid += 1
            for year in (Y, Y + 1):
                oap_id = opid
                add("oaps", ("id", "priority_id", "first_year", "last_year", "revision", "title", "status",
                             "classification", "marking"),
                    (oap_id, pid, year, year, 0, "Operational Action Plan %d: %s" % (year, theme),
                     "in_implementation", 0, 0))
                add("oap_drivers", ("oap_id", "org_id", "role", "position"), (oap_id, driver, "driver", 1))
                oap_kpis = []
                for j, (name, unit, agg) in enumerate(OAP_KPIS):
                    add("kpis", ("id", "action_id", "oap_id", "goal_id", "shared_goal_id", "position", "name", "unit",
                                 "baseline", "target", "direction", "aggregation", "feeds_kpi_id"),
                        (kid, None, oap_id, None, None, j + 1, name, unit, float(rng.randint(0, 50)),
                         float(rng.randint(100, 600)), "increase", agg, None))
                    oap_kpis.append((kid, name, unit))
                    kid += 1
                opid += 1
                my_rounds = [r for r in rounds if r[1] == year]
                for i in range(60):
                    cls = 1 if rng.random() < 0.10 else 0
                    marking = 1 if rng.random() < 0.03 else 0
                    budget = rng.randrange(1000000, 50000000, 100) if rng.random() < 0.7 else None
                    add("actions", ("id", "oap_id", "number", "position", "title", "description", "start_date",
                                    "end_date", "budget_cents", "status", "classification", "marking"),
                        (aid, oap_id, "%d.%d" % (1 + i // 20, 1 + i % 20), i + 1,
                         "%s %s %s" % (rng.choice(ACTION_VERBS), rng.choice(ACTION_OBJECTS), theme),
                         "Synthetic operational action %d of the %d OAP of priority %s." % (i + 1, year, code),
                         "%d-%02d-01" % (year, rng.randint(1, 3)), "%d-12-%02d" % (year, rng.randint(1, 31)),
                         budget, "ongoing", cls, marking))
                    # one leader, 2-3 participants (not the leader)
                    picked = rng.sample(partners, 4)
                    leader = picked[0] if picked[0] in ms else picked[1]
                    parts = [o for o in picked if o != leader][:rng.randint(2, 3)]
                    add("action_leaders", ("action_id", "org_id", "role", "position"), (aid, leader, "leader", 1))
                    for j, org in enumerate(parts):
                        st = weighted(rng, PARTICIPANT_STATUSES)
                        add("action_participants", ("action_id", "org_id", "position", "status", "decided_at"),
                            (aid, org, j + 1, st,
                             None if st == "invited" else "%d-02-%02dT10:00:00Z" % (year, rng.randint(1, 28))))
                    g = i % 3
                    add("action_goals", ("action_id", "goal_id", "position"), (aid, goal_ids[g], 1))
                    # 8 KPIs: #1 feeds an OAP KPI, #2 a goal KPI, the other 6 from the vocabulary
                    kpis = []  # (kpi id, baseline, target, direction)
                    fed_oap = oap_kpis[i % 2]
                    fed_goal = goal_kpis[g][(i // 3) % 2]
                    others = rng.sample(KPI_NAMES, 6)
                    specs = [(fed_oap[1], fed_oap[2], fed_oap[0]), (fed_goal[1], fed_goal[2], fed_goal[0])] + \
                            [(n, u, None) for n, u in others]
                    for j, (name, unit, feeds) in enumerate(specs):
                        baseline, target, direction = kpi_numbers(rng, unit)
                        if feeds is not None:  # a feeder counts up to its target
                            direction = "increase"
                            if baseline is not None and target <= baseline:
                                target = baseline + 10
                        add("kpis", ("id", "action_id", "oap_id", "goal_id", "shared_goal_id", "position", "name",
                                     "unit", "baseline", "target", "direction", "aggregation", "feeds_kpi_id"),
                            (kid, aid, None, None, None, j + 1, name, unit, baseline, target, direction,
                             "sum", feeds))
                        kpis.append((kid, baseline, target, direction))
                        kid += 1
                    # a report per round of the OAP's year, each with 8 actuals
                    allocated = budget or rng.randrange(500000, 20000000, 100)
                    used = 0
                    for r_id, r_year, half, r_status, r_index in my_rounds:
                        st = weighted(rng, OPEN_REPORT_STATUSES if r_status == "open" else CLOSED_REPORT_STATUSES)
                        touched = st != "requested"
                        done = st in SUBMITTED_OR_LATER
                        if done or (st == "draft" and rng.random() < 0.5):
                            a_status = weighted(rng, REPORTED_ACTION_STATUSES)
                        else:
                            a_status = None
                        if touched:
                            used = min(allocated, used + int(allocated * rng.uniform(0.2, 0.5)))
                        when = "%d-%02d-%02dT%02d:%02d:00Z" % (r_year, 6 if half == 1 else 12, rng.randint(1, 28),
                                                               rng.randint(8, 18), rng.randint(0, 59))
                        add("progress_reports",
                            ("id", "round_id", "action_id", "oap_id", "author_id", "narrative", "action_status",
                             "resources_allocated_cents", "resources_used_cents", "problems", "status",
                             "return_comment", "classification", "marking", "updated_at", "practices",
                             "submitted_at"),
                            (rpid, r_id, aid, None, None, rng.choice(NARRATIVES) if (done or touched) else None,
                             a_status, allocated if touched else None, used if touched else None,
                             rng.choice(PROBLEMS) if touched and rng.random() < 0.25 else None, st,
                             "Please complete the KPI figures." if st == "returned" else None, cls, marking,
                             when if touched else None, None, when if done else None))
                        progress = (half / 2.0) if r_year == year else 1.0
                        for k_id, baseline, target, direction in kpis:
                            add("kpi_actuals", ("kpi_id", "round_id", "report_id", "value", "note"),
                                (k_id, r_id, rpid, actual_value(rng, baseline, target, direction, progress),
                                 "estimate" if rng.random() < 0.05 else None))
                        rpid += 1
                    aid += 1
            pid += 1

        # parents before children: foreign keys are checked at each statement
        order = ["reporting_rounds", "priorities", "priority_drivers", "strategic_goals", "oaps", "oap_drivers",
                 "actions", "action_leaders", "action_participants", "action_goals", "kpis", "progress_reports",
                 "kpi_actuals"]
        assert set(order) == set(rows), set(order) ^ set(rows)
        t_gen = time.perf_counter()
        for table in order:
            names = cols[table]
            con.executemany("INSERT INTO %s (%s) VALUES (%s)" % (table, ", ".join(names), ", ".join("?" * len(names))),
                            rows[table])
        bad = con.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise sqlite3.IntegrityError("foreign key check: %d violations, first %r" % (len(bad), bad[0]))
        t_ins = time.perf_counter()
        con.execute("COMMIT")
    except (sqlite3.Error, AssertionError) as e:
        if con.in_transaction:
            con.execute("ROLLBACK")
        sys.exit("gen_monitoring.py: %s: %s (nothing written)" % (type(e).__name__, e))
    t_end = time.perf_counter()

    print("gen_monitoring.py: scale %d into %s: cycle %s (id %d), %d organisations added (%d reused)"
          % (a.scale, a.db, label, cycle_id, len(org_rows), len(wanted) - len(org_rows)))
    print("  %-20s %10s" % ("table", "rows"))
    total = 0
    for table in ["organisations"] + order:
        n = con.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
        total += n
        print("  %-20s %10d" % (table, n))
    print("  %-20s %10d" % ("total", total))
    by = con.execute("SELECT r.label, r.status, count(p.id) FROM reporting_rounds r LEFT JOIN progress_reports p "
                     "ON p.round_id = r.id WHERE r.cycle_id = ? GROUP BY r.id ORDER BY r.id", (cycle_id,)).fetchall()
    print("  reports by round: " + ", ".join("%s (%s) %d" % x for x in by))
    st = con.execute("SELECT status, count(*) FROM progress_reports GROUP BY status ORDER BY count(*) DESC").fetchall()
    print("  reports by status: " + ", ".join("%s %d" % x for x in st))
    print("  time: generate %.2f s, insert %.2f s, commit %.2f s, total %.2f s"
          % (t_gen - t0, t_ins - t_gen, t_end - t_ins, t_end - t0))
    con.close()


if __name__ == "__main__":
    main()
