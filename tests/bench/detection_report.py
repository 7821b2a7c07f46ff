#!/usr/bin/env python3
"""Reads what detection_report.sh exported from a collector after an access-log replay and
writes the detection report (Markdown) to stdout: the share of real records flagged (after
the warm-up) by type, route, status and time; each planted scenario's detection (type,
requests and seconds to the first right-typed verdict, anomaly rows made); and the reasons
the collector gave on the real records it flagged. Also writes a JSON summary for the
goal checks.

usage: detection_report.py MANIFEST TRAFFIC.csv ANOMALIES.csv WARMUP_HOURS SUMMARY.json [PLANTED_NETS]
MANIFEST: JSON lines, an optional {"replay": {...}} line, then one line per scenario (the
replay's --manifest or the driver's --scenario-log). PLANTED_NETS: comma-separated networks
the scenarios' own records come from (default the RFC 5737 ones the replay uses); records
from them that are in no scenario window are "planted background". A scenario's records
are those from its clients within its window (and on its route when the clients are normal
visitors): they are not "real" either.
TRAFFIC.csv: id,epoch,ip,route,status,is_anomaly,type,score,user_agent
ANOMALIES.csv: id,traffic_id,type,score,reasons(json),epoch,count[,subject,first,last]
A scenario's anomaly rows: those opened by one of its records, and incidents whose subject
is one of its clients or its route and whose first..last seen overlaps its window.
"""
import csv
import ipaddress
import json
import re
import sys
from collections import Counter, defaultdict

PLANTED_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


def planted_ip(ip):
    if not ip:
        return False
    try:
        a = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(a in n for n in PLANTED_NETS)


def in_clients(ip, spec):
    if not ip:
        return False
    if "/" in spec:
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(spec)
        except ValueError:
            return False
    if "-" in spec.rsplit(".", 1)[-1]:
        base, rng = spec.rsplit(".", 1)
        lo, hi = (int(x) for x in rng.split("-"))
        head, last = ip.rsplit(".", 1)
        return head == base and lo <= int(last) <= hi
    return ip == spec


def epoch(rfc3339):
    from datetime import datetime
    return datetime.strptime(rfc3339[:26], "%Y-%m-%dT%H:%M:%S.%f").timestamp() - \
        (datetime(1970, 1, 1) - datetime.utcfromtimestamp(0)).total_seconds()


def incident_of(r, anomalies):
    """The open incident a flagged record joined: same type, its client or route as subject,
    its time within first..last seen (None when the collector keeps no incidents)."""
    for a in anomalies:
        if a["first"] is None or a["type"] != r["type"] or not (a["first"] - 1 <= r["t"] <= a["last"] + 1):
            continue
        kind, _, what = a["subject"].partition(" ")
        if (kind in ("client", "address") and what.split()[0] == r["ip"]) or \
           (kind == "route" and what.split()[-1] == r["route"]):
            return a
    return None


def pct(a, b):
    return "%.2f %%" % (100.0 * a / b) if b else "-"


def shape(reason):
    """A reason with its numbers taken out, to count which kinds of reasons were given."""
    return re.sub(r"-?\d[\d.,]*", "N", reason)


def main():
    manifest_path, traffic_path, anomalies_path, warmup_h, summary_path = sys.argv[1:6]
    if len(sys.argv) > 6:
        PLANTED_NETS[:] = [ipaddress.ip_network(n) for n in sys.argv[6].split(",")]
    warmup_s = float(warmup_h) * 3600
    lines = [json.loads(l) for l in open(manifest_path) if l.strip()]
    replay = lines[0]["replay"] if lines and "replay" in lines[0] else None
    scenarios = [l for l in lines if "name" in l]

    rows = []
    with open(traffic_path) as f:
        for r in csv.reader(f):
            rows.append({"id": int(r[0]), "t": float(r[1]), "ip": r[2], "route": r[3],
                         "status": int(r[4] or 0), "flag": r[5] == "t", "type": r[6],
                         "score": float(r[7] or 0), "ua": r[8] if len(r) > 8 else ""})
    anomalies = []
    with open(anomalies_path) as f:
        for r in csv.reader(f):
            anomalies.append({"id": int(r[0]), "traffic_id": int(r[1]), "type": r[2],
                              "score": float(r[3] or 0), "reasons": json.loads(r[4] or "[]"),
                              "t": float(r[5]), "count": int(float(r[6] or 1)),
                              "subject": r[7] if len(r) > 7 else "",
                              "first": float(r[8]) if len(r) > 8 and r[8] else None,
                              "last": float(r[9]) if len(r) > 9 and r[9] else None})
    by_row = {a["id"]: a for a in anomalies}
    anomalies_by_traffic = defaultdict(list)
    for a in anomalies:
        anomalies_by_traffic[a["traffic_id"]].append(a)

    if not replay:
        replay = {"log": "live traffic", "start": None, "end": None, "speed": 1}
    start = epoch(replay["start"]) if replay["start"] else min(r["t"] for r in rows)
    end = epoch(replay["end"]) if replay["end"] else max(r["t"] for r in rows)
    members = []
    for s in scenarios:
        t0, t1 = epoch(s["start"]), epoch(s["end"])
        normal_clients = not planted_ip(s["clients"].split("/")[0].split("-")[0])
        mine = [r for r in rows if in_clients(r["ip"], s["clients"]) and t0 - 0.001 <= r["t"] <= t1 + 0.001
                and (not normal_clients or r["route"] == s["route"] or r["route"].startswith(s["route"] + "?"))]
        mine.sort(key=lambda r: (r["t"], r["id"]))
        members.append(mine)
    attack_ids = {r["id"] for mine in members for r in mine}
    for sc, mine in zip(scenarios, members):
        if not mine: # the times or addresses stored are not the ones posted: say so loudly
            print("detection_report.py: no stored record of scenario %s (%s, from %s)" % (
                sc["name"], sc["start"], sc["clients"]), file=sys.stderr)

    out = []
    p = out.append
    real = [r for r in rows if not planted_ip(r["ip"]) and r["id"] not in attack_ids]
    warm = [r for r in real if r["t"] < start + warmup_s]
    measured = [r for r in real if r["t"] >= start + warmup_s]
    flagged = [r for r in measured if r["flag"]]
    warm_flagged = sum(r["flag"] for r in warm)
    p("### Real traffic (%s)\n" % replay["log"].split("/")[-1])
    span_h = (end - start) / 3600
    p("%d real records in time order over %s of traffic time%s; the first %s (%d records) are the "
      "warm-up, the other %d are measured. The scenarios' own records (%d) are not counted here.\n" % (
          len(real), "%.1f h" % span_h if span_h >= 2 else "%.0f min" % (span_h * 60),
          " (speed %g)" % replay["speed"] if replay["speed"] != 1 else "",
          "%g h" % float(warmup_h) if float(warmup_h) else "0 s", len(warm), len(measured),
          len(rows) - len(real)))
    p("| part | records | flagged | share |\n|---|---:|---:|---:|")
    p("| warm-up | %d | %d | %s |" % (len(warm), warm_flagged, pct(warm_flagged, len(warm))))
    p("| **measured** | %d | %d | **%s** |\n" % (len(measured), len(flagged), pct(len(flagged), len(measured))))

    p("By type (measured):\n\n| type | flagged | share of measured |\n|---|---:|---:|")
    for t, n in Counter(r["type"] or "(untyped)" for r in flagged).most_common():
        p("| %s | %d | %s |" % (t, n, pct(n, len(measured))))
    p("\nBy status class (measured):\n\n| status | records | flagged | share |\n|---|---:|---:|---:|")
    by_class = defaultdict(lambda: [0, 0])
    for r in measured:
        c = by_class["%dxx" % (r["status"] // 100)]
        c[0] += 1
        c[1] += r["flag"]
    for k in sorted(by_class):
        p("| %s | %d | %d | %s |" % (k, by_class[k][0], by_class[k][1], pct(by_class[k][1], by_class[k][0])))
    p("\nRoutes with the most flagged records (measured):\n\n| route | records | flagged | share | types |\n|---|---:|---:|---:|---|")
    by_route = defaultdict(list)
    for r in measured:
        by_route[r["route"]].append(r)
    worst = sorted(by_route.items(), key=lambda kv: -sum(x["flag"] for x in kv[1]))[:12]
    for route, rs in worst:
        n = sum(x["flag"] for x in rs)
        if not n:
            break
        types = Counter(x["type"] for x in rs if x["flag"])
        p("| `%s` | %d | %d | %s | %s |" % (route[:70], len(rs), n, pct(n, len(rs)),
                                          ", ".join("%s %d" % kv for kv in types.most_common(3))))
    p("\nClients with the most flagged records (measured):\n\n| client | records | flagged | types | user agent |\n|---|---:|---:|---|---|")
    by_client = defaultdict(list)
    for r in measured:
        by_client[r["ip"]].append(r)
    for ip, rs in sorted(by_client.items(), key=lambda kv: -sum(x["flag"] for x in kv[1]))[:8]:
        n = sum(x["flag"] for x in rs)
        if not n:
            break
        types = Counter(x["type"] for x in rs if x["flag"])
        p("| %s | %d | %d | %s | %s |" % (ip, len(rs), n, ", ".join("%s %d" % kv for kv in types.most_common(2)),
                                         rs[0]["ua"][:60].replace("|", "/")))
    p("\nFlagged share of real records per 6 h of traffic time (the settling curve):\n")
    p("| hours | records | flagged | share | |\n|---|---:|---:|---:|---|")
    slices = defaultdict(lambda: [0, 0])
    for r in real:
        s = slices[int((r["t"] - start) // 21600)]
        s[0] += 1
        s[1] += r["flag"]
    top = max([v[1] / v[0] for v in slices.values() if v[0]] + [0.01])
    for k in sorted(slices):
        share = slices[k][1] / slices[k][0] if slices[k][0] else 0
        p("| %d-%d | %d | %d | %s | `%s` |" % (6 * k, 6 * k + 6, slices[k][0], slices[k][1],
                                             pct(slices[k][1], slices[k][0]), "#" * round(30 * share / top) or "."))

    p("\nWhat the collector said about the measured real records it flagged: the first reason "
      "of the anomaly row each record opened or joined (its incident), numbers replaced by N:\n\n"
      "| reason | records | anomaly rows |\n|---|---:|---:|")
    reasons, rows_of = Counter(), defaultdict(set)
    for r in flagged:
        a = (anomalies_by_traffic.get(r["id"]) or [None])[0] or incident_of(r, anomalies)
        key = shape(a["reasons"][0]) if a and a["reasons"] else "(no anomaly row found for this record)"
        reasons[key] += 1
        if a:
            rows_of[key].add(a["id"])
    for reason, n in reasons.most_common(12):
        p("| %s | %d | %d |" % (reason.replace("|", "/")[:200], n, len(rows_of[reason])))
    # The forest's own first reason is its score; what it found unusual follows.
    features = Counter()
    opened = {r["id"] for r in flagged}
    for a in anomalies:
        if a["type"] == "pattern_anomaly" and a["traffic_id"] in opened:
            for reason in a["reasons"][1:3]:
                features[shape(reason)] += 1
    if features:
        p("\nWhat the forest found unusual on those (the next two reasons of each pattern_anomaly row "
          "opened by a measured real record):\n\n| reason | anomaly rows |\n|---|---:|")
        for reason, n in features.most_common(10):
            p("| %s | %d |" % (reason.replace("|", "/")[:200], n))

    # Scenarios.
    p("\n### Planted scenarios\n")
    p("Each scenario's records come from documentation addresses (RFC 5737); \"first right verdict\" "
      "is the first of its records whose verdict has one of the expected types, counted in "
      "its requests and in traffic-time seconds from its start; \"named rightly\" needs that and an "
      "anomaly row (the incident a user sees) of an expected type.\n")
    p("| scenario | what | named rightly | types given (records) | first right verdict | flagged / requests | anomaly rows (types) | ≤ 10 s |")
    p("|---|---|---|---|---|---:|---:|---|")
    results = []
    for s, mine in zip(scenarios, members):
        t0 = epoch(s["start"])
        expect = set(s["expect"].split(","))
        types = Counter(r["type"] for r in mine if r["flag"])
        first = next(((i + 1, r["t"] - t0) for i, r in enumerate(mine) if r["flag"] and r["type"] in expect), None)
        rows_made = {a["id"] for r in mine for a in anomalies_by_traffic.get(r["id"], [])}
        t1 = epoch(s["end"])
        for a in anomalies:
            if a["first"] is None or a["last"] < t0 or a["first"] > t1:
                continue
            kind, _, what = a["subject"].partition(" ")
            if (kind in ("client", "address") and in_clients(what.split()[0], s["clients"])) or \
               (kind == "route" and (what == s["route"] or what.endswith(" " + s["route"]))):
                rows_made.add(a["id"])
        incident_types = Counter(by_row[i]["type"] for i in rows_made)
        # Named rightly: a record's verdict and an incident (what a user sees in the list) of an
        # expected type.
        named = first is not None and any(t in expect for t in incident_types)
        ok10 = named and first[1] <= 10.0
        results.append({"name": s["name"], "requests": len(mine), "detected": named,
                        "record_typed": first is not None,
                        "incident_types": dict(incident_types),
                        "first_request": first[0] if first else None,
                        "first_seconds": round(first[1], 2) if first else None,
                        "within_10s": ok10, "anomaly_rows": len(rows_made),
                        "flagged": sum(r["flag"] for r in mine), "types": dict(types)})
        p("| %s | %s | %s | %s | %s | %d / %d | %s | %s |" % (
            s["name"], s["description"], "yes" if named else "**no**",
            ", ".join("%s %d" % kv for kv in types.most_common(4)) or "-",
            "request %d, %.1f s" % first if first else "-", sum(r["flag"] for r in mine), len(mine),
            "%d (%s)" % (len(rows_made), ", ".join(sorted(incident_types))) if rows_made else "0",
            "yes" if ok10 else "**no**"))
    background = [r for r in rows if planted_ip(r["ip"]) and r["id"] not in attack_ids]
    bg_flag = sum(r["flag"] for r in background)
    p("\nPlanted records outside the attacks (the replay's busy route around its two incidents; "
      "attackers' addresses outside their windows): %d records, %d flagged (%s)%s.\n" % (
          len(background), bg_flag, pct(bg_flag, len(background)),
          (": " + ", ".join("%s %d" % kv for kv in Counter(r["type"] for r in background if r["flag"]).most_common(3)))
          if bg_flag else ""))

    summary = {"real_measured": len(measured), "real_flagged": len(flagged),
               "real_flagged_share": len(flagged) / len(measured) if measured else None,
               "warmup_records": len(warm), "warmup_flagged": warm_flagged,
               "background_records": len(background), "background_flagged": bg_flag,
               "scenarios": results}
    json.dump(summary, open(summary_path, "w"), indent=1)
    print("\n".join(out))


if __name__ == "__main__":
    main()
