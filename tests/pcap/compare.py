#!/usr/bin/env python3
"""Compares the sensor's JSON lines with tshark's expected transactions (see
gen-expected.sh) for one or more captures, and prints one line per capture:

  file  t_req  our_req  matched  t_resp  our_resp  paired_same  pair_diff  status_diff  lat_diff  lat_max_ms  lat_diff_cut

t_req/t_resp: tshark's requests / final (non-1xx) responses over TCP (SSDP's HTTP over
UDP is left out). our_req/our_resp: our
records with a request / with a response. matched: tshark requests we also found on
the same connection with the same method and URI (aligned in order). paired_same:
matched requests that both tools answered with a response; pair_diff: matched requests
one tool paired and the other did not; status_diff: paired in both but different
status; lat_diff: |our (response end - request end) - tshark http.time| > 1 ms, on
complete responses; lat_max_ms: the largest such difference. lat_diff_cut: the same on
responses cut short, flagged `interrupted` or `parse_error`: ours end at the last byte
seen (or read before the error), tshark's at the frame that closed the connection (it
reads such a message to the close), so these may differ by the wait for the close.

usage: compare.py EXPECTED_DIR OUR_DIR NAME...   (NAME.tsv in EXPECTED_DIR, NAME.jsonl in OUR_DIR)
"""
import difflib
import json
import os
import sys

VERBOSE = os.environ.get("SF_COMPARE_VERBOSE") == "1"
ENDPOINT_MAX = 2048  # api.md's endpoint limit: longer URIs are reported cut there
from collections import defaultdict


def load_expected(path):
    """Requests by connection, and each request frame's final responses. tshark leaves
    http.request_in empty when several requests share a frame (pipelining); those
    responses are given, in order, to the connection's requests still unanswered
    before them (FIFO, as HTTP pairs them)."""
    reqs = defaultdict(list)   # (cip, cport, sip, sport) -> [(frame, method, uri)]
    resps = defaultdict(list)  # request frame -> [(code, http.time)] (final responses)
    unlinked = defaultdict(list)
    n_final = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if not c[4]:
                continue  # HTTP over UDP (SSDP): not TCP, out of the sensor's scope
            if c[0] == "REQ":
                reqs[(c[3], c[4], c[5], c[6])].append((int(c[1]), c[7], c[8] if len(c) > 8 else ""))
                continue
            code = int(c[7]) if c[7].isdigit() else 0
            if 100 <= code < 200 and code != 101:
                continue
            n_final += 1
            t = float(c[8]) if len(c) > 8 and c[8] else None
            if len(c) > 9 and c[9]:
                resps[int(c[9])].append((code, t))
            else:
                unlinked[(c[5], c[6], c[3], c[4])].append((int(c[1]), code, t))
    for key, lst in unlinked.items():
        linked = {fr: len(v) for fr, v in resps.items()}
        waiting = []
        for fr, _, _ in reqs.get(key, []):   # one slot per request, minus the linked ones
            if linked.get(fr, 0) > 0:
                linked[fr] -= 1
            else:
                waiting.append(fr)
        for frame, code, t in lst:
            if waiting and waiting[0] <= frame:
                resps[waiting.pop(0)].append((code, t))
    return reqs, resps, n_final


def load_ours(path):
    conns = defaultdict(list)
    n_req = n_resp = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if "http.response.status_code" in r:
                n_resp += 1
            if "http.request.method" not in r:
                continue
            n_req += 1
            key = (r["source.ip"], str(r["source.port"]), r["destination.ip"], str(r["destination.port"]))
            conns[key].append(r)
    for recs in conns.values():
        recs.sort(key=lambda r: (r["@timestamp"], r.get("securaflow.request_end_us", 0)))
    return conns, n_req, n_resp


def compare(expected, ours):
    reqs, resps, t_resp = load_expected(expected)
    conns, our_req, our_resp = load_ours(ours)
    t_req = sum(len(v) for v in reqs.values())
    matched = paired = pair_diff = status_diff = lat_diff = lat_diff_cut = 0
    lat_max = 0.0
    for key, treqs in reqs.items():
        mine = conns.get(key, [])
        a = [(m, u[:ENDPOINT_MAX]) for _, m, u in treqs]
        b = [(r["http.request.method"], r.get("url.original", "")) for r in mine]
        used = defaultdict(int)  # tshark frame -> responses consumed (several requests per frame)
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for blk in sm.get_matching_blocks():
            for k in range(blk.size):
                frame = treqs[blk.a + k][0]
                r = mine[blk.b + k]
                matched += 1
                lst = resps.get(frame, [])
                tr = lst[used[frame]] if used[frame] < len(lst) else None
                used[frame] += 1
                have = "http.response.status_code" in r
                if VERBOSE and ((tr is not None) != have or (tr and have and (tr[0] != r["http.response.status_code"]))):
                    print("  #", frame, a[blk.a + k], "tshark:", tr, "ours:", r.get("http.response.status_code"), r["securaflow.flags"], file=sys.stderr)
                if (tr is not None) != have:
                    pair_diff += 1
                    continue
                if tr is None:
                    continue
                paired += 1
                if tr[0] != r["http.response.status_code"]:
                    status_diff += 1
                    continue
                if tr[1] is not None and "securaflow.response_end_us" in r and "securaflow.request_end_us" in r:
                    ours_t = (r["securaflow.response_end_us"] - r["securaflow.request_end_us"]) / 1e6
                    d = abs(ours_t - tr[1]) * 1000
                    if {"interrupted", "parse_error"} & set(r.get("securaflow.flags", [])):
                        lat_diff_cut += d > 1.0
                        continue
                    lat_max = max(lat_max, d)
                    if d > 1.0:
                        lat_diff += 1
    return [t_req, our_req, matched, t_resp, our_resp, paired, pair_diff, status_diff, lat_diff,
            round(lat_max, 3), lat_diff_cut]


def main():
    exp_dir, our_dir = sys.argv[1], sys.argv[2]
    totals = [0] * 11
    print("file\tt_req\tour_req\tmatched\tt_resp\tour_resp\tpaired_same\tpair_diff\tstatus_diff\tlat_diff\tlat_max_ms\tlat_diff_cut")
    for name in sys.argv[3:]:
        row = compare(f"{exp_dir}/{name}.tsv", f"{our_dir}/{name}.jsonl")
        print("\t".join([name] + [str(x) for x in row]))
        totals[:9] = [t + x for t, x in zip(totals, row[:9])]
        totals[9] = max(totals[9], row[9])
        totals[10] += row[10]
    totals[9] = round(totals[9], 3)
    print("\t".join(["TOTAL"] + [str(x) for x in totals]))


if __name__ == "__main__":
    main()
