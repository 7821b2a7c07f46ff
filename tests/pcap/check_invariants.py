#!/usr/bin/env python3
"""Checks the sensor's JSON lines against when the capture's packets were seen
(securaflow-capture-spans output). Every time a record gives must be possible:

  - securaflow.ttfb_us and event.duration are >= 0 and <= the capture's span;
  - the request's first and last bytes lie within the client->server direction's packets,
    the response's first and last bytes within the server->client direction's (no end time
    after the last packet of its direction);
  - a response whose bytes include a whole status line has a status code.

usage: check_invariants.py SPANS JSONL [NAME]
       check_invariants.py --dir DIR NAME...    (DIR/NAME.spans and DIR/NAME.jsonl)
Prints one line per violation (at most 20 per capture, then a count) and exits 1 if
there is any. SF_INVARIANTS_SUMMARY=1 adds "invariants: N records, M violations in K
captures" as the last line.
"""
import calendar
import json
import os
import sys

STATUS_LINE_MIN = 14  # "HTTP/1.1 200\r\n": fewer bytes may be a status line cut short


def epoch_us(ts):
    """RFC 3339 UTC with microseconds, as the sensor writes @timestamp."""
    date, clock = ts.rstrip("Z").split("T")
    hms, _, frac = clock.partition(".")
    y, mo, d = (int(x) for x in date.split("-"))
    h, mi, s = (int(x) for x in hms.split(":"))
    return calendar.timegm((y, mo, d, h, mi, s)) * 1000000 + int((frac + "000000")[:6])


def load_spans(path):
    dirs, first, last = {}, None, None
    with open(path) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[0] == "CAPTURE":
                first, last = int(c[1]), int(c[2])
            elif c[0] == "DIR":
                dirs[(c[1], c[2], c[3], c[4])] = (int(c[5]), int(c[6]))
    return first, last, dirs


def violations(rec, span_us, dirs):
    cli = (rec.get("source.ip"), str(rec.get("source.port")))
    srv = (rec.get("destination.ip"), str(rec.get("destination.port")))
    up, down = dirs.get(cli + srv), dirs.get(srv + cli)
    out = []
    ttfb = rec.get("securaflow.ttfb_us")
    if ttfb is not None and not 0 <= ttfb <= span_us:
        out.append(f"ttfb_us {ttfb} outside [0, {span_us}]")
    dur = rec.get("event.duration")
    if dur is not None and not 0 <= dur / 1000 <= span_us:
        out.append(f"duration_us {dur / 1000:.0f} outside [0, {span_us}]")
    times = []
    if "http.request.method" in rec:
        times.append(("request start", epoch_us(rec["@timestamp"]), up))
    if "securaflow.request_end_us" in rec:
        times.append(("request end", rec["securaflow.request_end_us"], up))
    for k, what in (("securaflow.response_start_us", "response start"),
                    ("securaflow.response_end_us", "response end")):
        if k in rec:
            times.append((what, rec[k], down))
    for what, t, d in times:
        if d is None:
            out.append(f"{what} {t}: no packet of that direction in the capture")
        elif not d[0] <= t <= d[1]:
            out.append(f"{what} {t} outside its direction's packets [{d[0]}, {d[1]}] by "
                       f"{(t - d[1] if t > d[1] else t - d[0]) / 1e6:+.6f} s")
    if rec.get("http.response.bytes", 0) >= STATUS_LINE_MIN and "http.response.status_code" not in rec:
        out.append(f"response of {rec['http.response.bytes']} bytes without a status")
    return out


def check(spans, jsonl, name):
    """Returns (records, records with violations), printing the first 20 of them."""
    first, last, dirs = load_spans(spans)
    span_us = (last - first) if first is not None else 0
    n = bad = 0
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            n += 1
            v = violations(rec, span_us, dirs)
            if v:
                bad += 1
                if bad <= 20:
                    print(f"{name}: {rec.get('http.request.method', '-')} {rec.get('url.original', '')[:80]}"
                          f" {cli_text(rec)}: " + "; ".join(v))
    if bad > 20:
        print(f"{name}: ... {bad} records with violations in all")
    return n, bad


def main():
    if sys.argv[1] == "--dir":   # --dir DIR NAME...: DIR/NAME.spans and DIR/NAME.jsonl
        d, names = sys.argv[2], sys.argv[3:]
        pairs = [(f"{d}/{x}.spans", f"{d}/{x}.jsonl", x) for x in names]
    else:
        pairs = [(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else sys.argv[2])]
    n = bad = files = 0
    for spans, jsonl, name in pairs:
        r, b = check(spans, jsonl, name)
        n, bad, files = n + r, bad + b, files + (b > 0)
    if os.environ.get("SF_INVARIANTS_SUMMARY") == "1":
        print(f"invariants: {n} records, {bad} violations in {files} captures")
    return 1 if bad else 0


def cli_text(rec):
    return f"{rec.get('source.ip')}:{rec.get('source.port')}->{rec.get('destination.ip')}:{rec.get('destination.port')}"


if __name__ == "__main__":
    sys.exit(main())
