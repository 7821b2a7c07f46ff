# Read API against a real collector and PostgreSQL: GET /api/metrics (rollups, buckets,
# percentiles, windows, filters, pages), GET /api/endpoints, and GET /api/anomalies with
# resolve and label — defaults, limits (422 naming the parameter), shapes, ordering,
# pagination, and the reference's acceptance cases (reference-system.md §13,
# test_metrics/test_anomalies).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/collector_api_lib.bash"
start_collector --allow-anonymous-ingest
export SF_ROUTES_C="$(dirname "$0")/../../collector/routes.c"

run_checks "read API checks" <<'EOF'
import datetime
from collector_api_lib import *
import json as _json
import urllib.request

# --- empty database (test_metrics 1, test_anomalies 1) ---
s, h, d = get("/api/metrics")
check("empty metrics: 200 with metrics, total and the default page",
      s == 200 and d == {"metrics": [], "total": 0, "limit": None, "offset": 0})
check("X-Response-Time on reads", h.get("X-Response-Time", "").endswith("ms"))
s, _, d = get("/api/anomalies")
check("empty anomalies", s == 200 and d["anomalies"] == [] and d["total"] == 0
      and d["limit"] == 50 and d["offset"] == 0)

# --- the OpenAPI document covers the route table and the contract's parameters ---
import os, re
s, _, doc = get("/api/openapi.json")
check("openapi: 3.1 document", s == 200 and doc["openapi"] == "3.1.0" and doc["info"]["title"] == "SecuraFlow API")
routes = re.findall(r'\{EVHTTP_REQ_(\w+), "([^"]+)"', open(os.environ["SF_ROUTES_C"]).read())
missing = [(m, p) for m, p in routes if m.lower() not in doc["paths"].get(p, {})]
check("openapi: every route of the table %s" % missing, routes and not missing)
def params(path, method="get"):
    return {q["name"]: q["schema"] for q in doc["paths"][path][method].get("parameters", [])}
m = params("/api/metrics")
check("openapi: metrics parameters", set(m) >= {"start_time", "end_time", "endpoint", "bucket"}
      and m["limit"]["maximum"] == 10000 and "default" not in m["limit"] and m["offset"]["minimum"] == 0)
a = params("/api/anomalies")
check("openapi: anomalies limits", a["limit"]["maximum"] == 1000 and a["limit"]["default"] == 50
      and a["offset"]["minimum"] == 0 and set(a) >= {"resolved", "type", "endpoint", "start_time", "end_time"})
d = params("/api/demo/generate", "post")
check("openapi: demo limits", d["count"]["maximum"] == 1000 and d["anomaly_rate"]["default"] == 0.15
      and d["hours_back"]["maximum"] == 168)
check("openapi: evaluate limits", params("/api/model-metrics/evaluate", "post")["limit"]["minimum"] == 50)
text = _json.dumps(doc)
refs = set(re.findall(r'"#/components/(\w+)/(\w+)"', text))
check("openapi: every $ref resolves", all(n in doc["components"][k] for k, n in refs))

# --- known traffic: one minute t0 with 100 requests on /api/users/{id} (1..100 ms,
# 10 x 404, 5 x 503) and 10 on /api/products, one at t0+2 min, one 30 h ago ---
now = utcnow()
t0 = (now - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
t0 = t0.replace(minute=t0.minute - t0.minute % 5)
recs = []
for i in range(100):
    st = 404 if i < 10 else 503 if i < 15 else 200
    recs.append(record("/api/users/%d" % (i + 1), t0 + datetime.timedelta(seconds=i % 60),
                       status=st, ms=float(i + 1), ip="10.2.0.%d" % (i % 50)))
for i in range(10):
    recs.append(record("/api/products", t0 + datetime.timedelta(seconds=5 * i), ms=20.0 + i))
recs.append(record("/api/products", t0 + datetime.timedelta(minutes=2, seconds=3), ms=30.0))
recs.append(record("/api/products", now - datetime.timedelta(hours=30), ms=30.0))
ans = ingest(recs)
check("batch accepted", ans["accepted"] == len(recs) and ans["rejected"] == [])

s, _, d = get("/api/metrics")
rows = d["metrics"]
check("metrics: 200, total is the row count", s == 200 and d["total"] == len(rows) > 0)
times = [r["time_window"] for r in rows]
check("metrics: newest first", times == sorted(times, reverse=True))
check("metrics: default window is the last 24 h (30 h old record left out)",
      sum(r["request_count"] for r in rows) == len(recs) - 1)
check("metrics: every field of the contract",
      all(set(r) >= {"time_window", "endpoint", "request_count", "avg_response_time_ms",
                     "error_count", "server_error_count", "p95_response_time_ms",
                     "p99_response_time_ms"} for r in rows))
check("metrics: times are RFC 3339 UTC with Z", all(t.endswith("Z") for t in times))
users = [r for r in rows if r["endpoint"] == "/api/users/{id}"]
check("metrics: route templates group ids", len(users) == 1 and users[0]["request_count"] == 100)
u = users[0]
check("metrics: time_window is the minute", parse_time(u["time_window"]) == t0)
check("metrics: mean latency", abs(u["avg_response_time_ms"] - 50.5) < 1e-6)
check("metrics: error_count counts >= 400", u["error_count"] == 15)
check("metrics: server_error_count counts 5xx", u["server_error_count"] == 5)
check("metrics: p95 is a real estimate (within 5 %)", abs(u["p95_response_time_ms"] - 95) <= 95 * 0.05)
check("metrics: p99 within 5 %", abs(u["p99_response_time_ms"] - 99) <= 99 * 0.05)
check("metrics: percentiles > 0 (test_metrics 6)", all(
    r["p95_response_time_ms"] > 0 and r["p99_response_time_ms"] > 0 for r in rows))
check("metrics: error_count >= 0 (test_metrics 7)", all(r["error_count"] >= 0 for r in rows))

# endpoint filter (test_metrics 4)
s, _, d = get("/api/metrics", endpoint="/api/products")
check("metrics: endpoint filter", s == 200 and d["total"] == 2 and
      all(r["endpoint"] == "/api/products" for r in d["metrics"]))
s, _, d = get("/api/metrics", endpoint="' OR 1=1 --")
check("metrics: SQL text in endpoint is only text", s == 200 and d["total"] == 0)

# buckets
s, _, d = get("/api/metrics", bucket="5m", endpoint="/api/products")
check("metrics: 5m bucket merges minutes", s == 200 and d["total"] == 1 and
      d["metrics"][0]["request_count"] == 11 and parse_time(d["metrics"][0]["time_window"]) == t0)
s, _, d = get("/api/metrics", bucket="1h")
check("metrics: 1h buckets start on the hour", s == 200 and all(
    parse_time(r["time_window"]).minute == 0 for r in d["metrics"]))
s, _, d = get("/api/metrics", bucket="1d", start_time=iso(now - datetime.timedelta(days=3)))
check("metrics: 1d buckets at midnight UTC and include the 30 h old record",
      s == 200 and sum(r["request_count"] for r in d["metrics"]) == len(recs) and all(
          parse_time(r["time_window"]).hour == 0 for r in d["metrics"]))
s, _, d = get("/api/metrics", bucket="1d", endpoint="/api/users/{id}",
              start_time=iso(now - datetime.timedelta(days=3)))
check("metrics: merged histogram keeps the percentiles",
      s == 200 and abs(d["metrics"][0]["p95_response_time_ms"] - 95) <= 95 * 0.05)

# explicit windows (test_metrics 3 and 8)
s, _, d = get("/api/metrics", start_time=iso(t0), end_time=iso(t0 + datetime.timedelta(seconds=59)))
check("metrics: explicit window", s == 200 and sum(r["request_count"] for r in d["metrics"]) == 110)
s, _, d = get("/api/metrics", start_time=(t0 + datetime.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
              end_time=(t0 + datetime.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S"))
check("metrics: offsets and zone-less times accepted", s == 200 and d["total"] == 1)
s, _, d = get("/api/metrics", start_time=iso(now), end_time=iso(now - datetime.timedelta(hours=1)))
check("metrics: start after end is an empty 200", s == 200 and d["total"] == 0)

# validation: 422 naming the parameter
check("metrics: unknown bucket", is_422_for(get("/api/metrics", bucket="2m"), "query", "bucket"))
check("metrics: bad start_time", is_422_for(get("/api/metrics", start_time="yesterday"), "query", "start_time"))
check("metrics: bad end_time", is_422_for(get("/api/metrics", end_time="2026-13-01T00:00:00Z"), "query", "end_time"))
check("metrics: empty endpoint", is_422_for(get("/api/metrics", endpoint=""), "query", "endpoint"))
check("metrics: limit=0 -> 422", is_422_for(get("/api/metrics", limit=0), "query", "limit"))
check("metrics: limit=10001 -> 422", is_422_for(get("/api/metrics", limit=10001), "query", "limit"))
check("metrics: offset=-1 -> 422", is_422_for(get("/api/metrics", offset=-1), "query", "offset"))
check("metrics: limit=abc -> 422", is_422_for(get("/api/metrics", limit="abc"), "query", "limit"))
check("metrics: offset=x -> 422", is_422_for(get("/api/metrics", offset="x"), "query", "offset"))

# --- GET /api/endpoints over the same rollups ---
s, _, d = get("/api/endpoints")
eps = d["endpoints"]
check("endpoints: 200 with rows and total", s == 200 and d["total"] == len(eps) >= 2)
check("endpoints: busiest first", [e["requests"] for e in eps] == sorted((e["requests"] for e in eps), reverse=True))
u = [e for e in eps if e["endpoint"] == "/api/users/{id}" and e["method"] == "GET"]
check("endpoints: one row per route template and method", len(u) == 1)
u = u[0]
check("endpoints: shape", set(u) >= {"endpoint", "method", "requests", "rps", "avg_response_time_ms",
      "p50_response_time_ms", "p95_response_time_ms", "p99_response_time_ms", "error_rate",
      "anomalies", "first_seen", "last_seen"})
check("endpoints: counts and rates", u["requests"] == 100 and u["errors"] == 15 and
      u["server_errors"] == 5 and abs(u["error_rate"] - 0.15) < 1e-9 and
      abs(u["server_error_rate"] - 0.05) < 1e-9 and u["anomalies"] >= 5)
check("endpoints: percentiles within 5 %", abs(u["p50_response_time_ms"] - 50) <= 2.5 and
      abs(u["p95_response_time_ms"] - 95) <= 4.75 and abs(u["p99_response_time_ms"] - 99) <= 4.95)
check("endpoints: rps over the window", abs(u["rps"] - 100 / (86400 + 60)) < 1e-6)
check("endpoints: first and last seen", parse_time(u["first_seen"]) == t0 == parse_time(u["last_seen"]))
s, _, d = get("/api/endpoints", limit=1)
check("endpoints: limit", s == 200 and len(d["endpoints"]) == 1 and d["total"] >= 2)
s, _, d = get("/api/endpoints", start_time=iso(now - datetime.timedelta(days=3)))
check("endpoints: window", s == 200 and sum(e["requests"] for e in d["endpoints"]) == len(recs))
check("endpoints: limit=0 -> 422", is_422_for(get("/api/endpoints", limit=0), "query", "limit"))
check("endpoints: bad end_time -> 422", is_422_for(get("/api/endpoints", end_time="soon"), "query", "end_time"))

# --- anomalies are incidents: 15 server errors on one route over 14 minutes are one
# anomaly with its count and first and last seen; 15 on 15 routes are 15 ---
s, _, d = get("/api/anomalies", limit=1000)
base_total = d["total"]
errs = [record("/api/orders/%d" % i, now - datetime.timedelta(minutes=i), status=500, ms=80.0,
               ip="10.3.0.%d" % i) for i in range(15)]
a2 = ingest(errs)
check("server errors are flagged records", a2["anomalies"] == 15)
s, _, d = get("/api/anomalies", endpoint="/api/orders/{id}")
one = d["anomalies"][0] if d["anomalies"] else {}
check("one incident for the route, with count, first and last seen", s == 200 and d["total"] == 1
      and one["count"] == 15 and one["anomaly_type"] == "server_error"
      and parse_time(one["last_seen"]) - parse_time(one["first_seen"]) == datetime.timedelta(minutes=14)
      and one["subject"] == "route GET /api/orders/{id}" and one["traffic_log"]["status_code"] == 500)
check("its reasons say what was seen", any("status 500" in r for r in one["reasons"]))
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar"]
errs = [record("/api/stock/%s" % w, now - datetime.timedelta(minutes=i), status=500, ms=80.0,
               ip="10.3.1.%d" % i) for i, w in enumerate(words)]
a2 = ingest(errs)
check("server errors on 15 routes", a2["anomalies"] == 15)
expected_total = base_total + 16
s, _, d = get("/api/anomalies")
check("anomalies: total counts every incident", s == 200 and d["total"] == expected_total)
check("anomalies: default limit 50", d["limit"] == 50 and d["offset"] == 0 and
      len(d["anomalies"]) == min(50, expected_total))
item = d["anomalies"][0]
check("anomalies: item shape", set(item) >= {"id", "detected_at", "anomaly_score", "anomaly_type",
      "features", "is_resolved", "traffic_log", "severity", "reasons", "label", "count",
      "first_seen", "last_seen", "subject"})
check("anomalies: severity and reasons", all(a["severity"] in ("low", "medium", "high", "critical")
      and isinstance(a["reasons"], list) and a["reasons"] for a in d["anomalies"]))
check("anomalies: traffic_log shape", all(set(a["traffic_log"]) >= {"id", "endpoint", "method",
      "status_code", "response_time_ms", "timestamp"} for a in d["anomalies"]))
check("anomalies: label null until set", all(a["label"] is None for a in d["anomalies"]))
keys = [(a["detected_at"], a["id"]) for a in d["anomalies"]]
check("anomalies: newest detection first", keys == sorted(keys, reverse=True))
srv = [a for a in d["anomalies"] if a["traffic_log"]["endpoint"].startswith("/api/stock/")]
check("anomalies: traffic fields and server_error type (test_traffic 7)", len(srv) == 15 and all(
    a["anomaly_type"] == "server_error" and a["traffic_log"]["status_code"] == 500 and
    a["count"] == 1 for a in srv))
check("anomalies: scores are graded, not one constant", len({a["anomaly_score"] for a in d["anomalies"]}) > 1)

# pagination (test_anomalies 2, 5)
s, _, p1 = get("/api/anomalies", limit=10, offset=0)
check("anomalies: limit/offset echoed", s == 200 and p1["limit"] == 10 and p1["offset"] == 0
      and len(p1["anomalies"]) == 10)
pages, off = [], 0
while True:
    s, _, p = get("/api/anomalies", limit=7, offset=off)
    if not p["anomalies"]:
        break
    pages += [a["id"] for a in p["anomalies"]]
    off += 7
check("anomalies: pages cover everything once, in order", len(pages) == expected_total and
      len(set(pages)) == expected_total)
s, _, d = get("/api/anomalies", limit=1000)
check("anomalies: limit=1000 allowed (test_anomalies 8)", s == 200 and d["limit"] == 1000)
check("anomalies: limit=2000 -> 422", is_422_for(get("/api/anomalies", limit=2000), "query", "limit"))
check("anomalies: limit=0 -> 422", is_422_for(get("/api/anomalies", limit=0), "query", "limit"))
check("anomalies: offset=-1 -> 422", is_422_for(get("/api/anomalies", offset=-1), "query", "offset"))
check("anomalies: limit=abc -> 422", is_422_for(get("/api/anomalies", limit="abc"), "query", "limit"))
check("anomalies: resolved=maybe -> 422", is_422_for(get("/api/anomalies", resolved="maybe"), "query", "resolved"))
check("anomalies: bad start_time -> 422", is_422_for(get("/api/anomalies", start_time="x"), "query", "start_time"))

# filters
s, _, d = get("/api/anomalies", resolved="false", limit=1000)
check("anomalies: resolved=false (test_anomalies 3)", s == 200 and d["total"] == expected_total
      and all(not a["is_resolved"] for a in d["anomalies"]))
s, _, d = get("/api/anomalies", type="server_error", limit=1000)
check("anomalies: type filter", s == 200 and d["total"] >= 16 and
      all(a["anomaly_type"] == "server_error" for a in d["anomalies"]))
s, _, d = get("/api/anomalies", endpoint="/api/orders/{id}", limit=1000)
check("anomalies: endpoint filter by route template", s == 200 and d["total"] == 1)
s, _, d = get("/api/anomalies", type="server_error", endpoint="/api/stock/kilo")
s2, _, d2 = get("/api/anomalies", type="server_error|/api/stock/kilo")
check("anomalies: filters never share a cached answer", d["total"] == 1 and d2["total"] == 0)
s, _, d = get("/api/anomalies", endpoint="/api/orders/0")
check("anomalies: endpoint filter by exact endpoint (the record that opened it)", s == 200 and d["total"] == 1)
s, _, d = get("/api/anomalies", start_time=iso(now + datetime.timedelta(hours=1)))
check("anomalies: detected_at window", s == 200 and d["total"] == 0 and d["anomalies"] == [])
s, _, d = get("/api/anomalies", end_time=iso(utcnow()))
check("anomalies: window up to now holds them all", s == 200 and d["total"] == expected_total)
s, _, d = get("/api/anomalies", type="x' OR '1'='1")
check("anomalies: SQL text in filters is only text", s == 200 and d["total"] == 0)

# resolve (test_anomalies 4 with the API instead of the database)
target = srv[0]["id"]
s, _, d = post("/api/anomalies/%d/resolve" % target)
check("resolve: 200 with the anomaly resolved", s == 200 and d["id"] == target and d["is_resolved"])
s, _, d = post("/api/anomalies/%d/resolve/" % target)
check("resolve: again is harmless (trailing slash too)", s == 200 and d["is_resolved"])
s, _, d = get("/api/anomalies", resolved="true")
check("resolved=true lists only resolved", s == 200 and d["total"] == 1 and
      d["anomalies"][0]["id"] == target and d["anomalies"][0]["is_resolved"])
s, _, d = get("/api/anomalies", resolved="false")
check("resolved=false total follows at once", s == 200 and d["total"] == expected_total - 1)
s, _, d = post("/api/anomalies/999999999999/resolve")
check("resolve: unknown id 404", s == 404 and d == {"detail": "Anomaly not found"})
check("resolve: non-numeric id 422", is_422_for(post("/api/anomalies/abc/resolve"), "path", "id"))
check("resolve: negative id 422", is_422_for(post("/api/anomalies/-4/resolve"), "path", "id"))
s, h, _ = get("/api/anomalies/%d/resolve" % target)
check("resolve: GET is 405 with Allow", s == 405 and h.get("Allow") == "POST")

# label
s, _, d = post("/api/anomalies/%d/label" % target, {"label": "true_positive"})
check("label: true_positive", s == 200 and d["label"] == "true_positive")
s, _, d = post("/api/anomalies/%d/label" % target, {"label": "false_positive"})
check("label: can be corrected", s == 200 and d["label"] == "false_positive")
s, _, d = get("/api/anomalies", limit=1000)
check("label shows in the list", [a["label"] for a in d["anomalies"] if a["id"] == target] == ["false_positive"])
check("label: other value 422", is_422_for(post("/api/anomalies/%d/label" % target, {"label": "maybe"}), "body", "label"))
check("label: missing 422", is_422_for(post("/api/anomalies/%d/label" % target, {}), "body", "label"))
check("label: number 422", is_422_for(post("/api/anomalies/%d/label" % target, {"label": 1}), "body", "label"))
s, _, d = post("/api/anomalies/%d/label" % target, raw=b"{not json")
check("label: malformed JSON 422", s == 422)
s, _, d = post("/api/anomalies/999999999999/label", {"label": "true_positive"})
check("label: unknown id 404", s == 404)
check("label: non-numeric id 422", is_422_for(post("/api/anomalies/12a/label", {"label": "true_positive"}), "path", "id"))

# repeated questions are answered from the cache, gzip for clients that accept it
import gzip, json as _json
s1, _, plain = get("/api/anomalies", limit=1000)
s2, _, again = get("/api/anomalies", limit=1000)
check("cached answer equals the fresh one", s1 == s2 == 200 and plain == again)
req = urllib.request.Request(BASE + "/api/anomalies?limit=1000", headers=dict(auth_header(), **{"Accept-Encoding": "gzip"}))
with urllib.request.urlopen(req) as resp:
    enc, vary, raw = resp.headers.get("Content-Encoding"), resp.headers.get("Vary"), resp.read()
check("gzip when accepted", enc == "gzip" and vary == "Accept-Encoding" and
      _json.loads(gzip.decompress(raw)) == plain)

# many clients asking the same new question at once: one query, everyone answered alike
import concurrent.futures
end = iso(utcnow() + datetime.timedelta(minutes=7))
with concurrent.futures.ThreadPoolExecutor(24) as pool:
    answers = list(pool.map(lambda _: get("/api/metrics", end_time=end), range(48)))
check("concurrent identical questions all answered, alike", all(a[0] == 200 for a in answers)
      and all(a[2] == answers[0][2] for a in answers) and answers[0][2]["total"] > 0)

# a new anomaly shows at once in total (the cached count follows writes)
ingest([record("/api/late", utcnow(), status=502, ms=10.0, ip="10.9.9.9")])
s, _, d = get("/api/anomalies")
check("anomalies: total follows new writes", s == 200 and d["total"] == expected_total + 1)
check("and the new one is first", d["anomalies"][0]["traffic_log"]["endpoint"] == "/api/late")

# --- metrics pages: 1,200 more minutes of one route make the window larger than a page ---
now = utcnow()
ingest([record("/api/pages/%d" % i, now - datetime.timedelta(minutes=i + 1), ms=5.0 + i % 40,
               ip="10.4.%d.%d" % (i // 200, i % 200 + 1)) for i in range(1200)])
end = iso(now)
s, _, big = get("/api/metrics", end_time=end, limit=10000)
rows = big["metrics"]
check("metrics: a big page holds the whole window", s == 200 and big["limit"] == 10000 and
      big["total"] == len(rows) > 1200 and
      [r["time_window"] for r in rows] == sorted((r["time_window"] for r in rows), reverse=True))
s, _, d = get("/api/metrics", end_time=end)
check("metrics: without limit, the whole window (as the reference answered)", s == 200 and
      d["limit"] is None and d["offset"] == 0 and len(d["metrics"]) == big["total"] and
      d["total"] == big["total"] and d["metrics"] == rows)
pages = []
for off in range(0, big["total"] + 1, 333):
    s, _, p = get("/api/metrics", end_time=end, limit=333, offset=off)
    check("metrics: page at offset %d" % off, s == 200 and p["offset"] == off and p["limit"] == 333
          and p["total"] == big["total"] and len(p["metrics"]) == min(333, big["total"] - off))
    pages += p["metrics"]
check("metrics: pages concatenated == one big page (no overlap, no gap)", pages == rows)
s, _, d = get("/api/metrics", end_time=end, offset=big["total"] + 5)
check("metrics: offset past the end is an empty page with the total",
      s == 200 and d["metrics"] == [] and d["total"] == big["total"])
s, _, d = get("/api/metrics", end_time=end, endpoint="/api/pages/{id}", bucket="1h", limit=5, offset=3)
check("metrics: pages of a filtered, bucketed window", s == 200 and d["total"] in (20, 21) and
      [r["time_window"] for r in d["metrics"]] == [r["time_window"] for r in
      get("/api/metrics", end_time=end, endpoint="/api/pages/{id}", bucket="1h")[2]["metrics"][3:8]]
      and sum(r["request_count"] for r in get("/api/metrics", end_time=end, endpoint="/api/pages/{id}",
                                               bucket="1h")[2]["metrics"]) == 1200)
finish()
EOF
stop_collector
finish
