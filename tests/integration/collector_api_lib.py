"""Helpers for the collector API tests (collector_api_*.sh): HTTP calls that return
(status, headers, parsed JSON), batch ingestion, and checks that count like lib.bash's."""
import datetime
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
passed = 0
failed = 0


def check(what, cond):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAILED: " + what, flush=True)
    return cond


def call(method, path, params=None, body=None, headers=None, raw=None):
    url = BASE + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, hdrs, text = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        status, hdrs, text = e.code, e.headers, e.read()
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        doc = text.decode(errors="replace")
    return status, hdrs, doc


def get(path, **params):
    return call("GET", path, params)


def post(path, body=None, params=None, **kw):
    return call("POST", path, params, body, **kw)


def is_422_for(resp, loc_kind, field):
    """The api.md validation shape naming the parameter."""
    status, _, doc = resp
    try:
        return status == 422 and any(d["loc"] == [loc_kind, field] and d["type"] and d["msg"]
                                     for d in doc["detail"])
    except (TypeError, KeyError):
        return False


_batch = [0]


def ingest(records, sensor="test-sensor", headers=None):
    """Sends records in one batch; returns the batch answer."""
    _batch[0] += 1
    status, _, doc = post("/api/traffic/batch", {"sensor_id": sensor,
                                                 "batch_id": "b-%d" % _batch[0],
                                                 "records": records}, headers=headers)
    assert status == 200, (status, doc)
    return doc


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)


def record(endpoint, ts, status=200, ms=50.0, method="GET", ip="10.1.0.1", **extra):
    r = {"endpoint": endpoint, "method": method, "status_code": status,
         "response_time_ms": ms, "timestamp": iso(ts), "ip_address": ip,
         "request_size_bytes": 200, "response_size_bytes": 1500, "user_agent": "Mozilla/5.0"}
    r.update(extra)
    return r


def finish():
    print("checks: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
