"""Helpers for the collector API tests (collector_api_*.sh): HTTP calls that return
(status, headers, parsed JSON), batch ingestion, and checks that count like lib.bash's.

Tokens: every call carries `Authorization: Bearer <token>` of the current role, admin by
default. The admin token is made on first use: the first signup on an empty database is
admin (user "itest-admin", password below); an analyst account is signed up the same way
and a guest token comes from POST /api/auth/demo. Change the role with use_role("guest" |
"analyst" | "admin" | None for anonymous calls), get a token with token_for(role), or pass
your own headers={"Authorization": ...} (which wins). Start the collector with the
collector_api_lib.bash start_collector, which raises the rate limit so tests are not
throttled (tests of the limits themselves set their own)."""
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


ADMIN_USER, ANALYST_USER, TEST_PASSWORD = "itest-admin", "itest-analyst", "itest-password-1"
_tokens = {}
_role = ["admin"]


def _raw_post(path, data, content_type):
    req = urllib.request.Request(BASE + path, data=data, method="POST",
                                 headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def login(username, password):
    """A token for an account (form-encoded login, as the reference's frontend sends)."""
    status, doc = _raw_post("/api/auth/login", urllib.parse.urlencode(
        {"username": username, "password": password}).encode(), "application/x-www-form-urlencoded")
    assert status == 200, (status, doc)
    return doc["access_token"]


def token_for(role):
    """A token of role "admin", "analyst" or "guest" (accounts are made on first use)."""
    if role in _tokens:
        return _tokens[role]
    if role == "guest":
        status, doc = _raw_post("/api/auth/demo", b"", "application/json")
        assert status == 200, (status, doc)
        _tokens[role] = doc["access_token"]
        return _tokens[role]
    if role == "analyst":
        token_for("admin")  # the first account is admin: make that one first
    name = ADMIN_USER if role == "admin" else ANALYST_USER
    status, doc = _raw_post("/api/auth/signup", json.dumps(
        {"email": name + "@example.com", "username": name, "password": TEST_PASSWORD}).encode(),
        "application/json")
    assert status in (201, 400), (status, doc)
    assert status == 400 or doc["role"] == role, ("the test database was not empty", doc)
    _tokens[role] = login(name, TEST_PASSWORD)
    return _tokens[role]


def use_role(role):
    """Later calls carry this role's token (None: no token)."""
    _role[0] = role


def auth_header(role=None):
    return {"Authorization": "Bearer " + token_for(role or _role[0])}


def call(method, path, params=None, body=None, headers=None, raw=None, anon=False):
    """anon=True: no token, whatever the current role."""
    headers = dict(headers or {})
    if _role[0] and not anon and "Authorization" not in headers:
        headers.update(auth_header())
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
