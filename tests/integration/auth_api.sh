# Accounts, tokens, roles and limits against a real collector and PostgreSQL (issue 9):
# every route x every role -> 2xx/401/403 (WWW-Authenticate on every 401), the catalogue of
# rejected tokens (none, empty, garbage, alg none, empty or guessed key, tampered role or
# exp, another algorithm, expired, disabled user, issued before a password change, 100 KB),
# signup/login/demo/me shapes, the CLI, ingest tokens working on their first request, the
# rate limits (61st request -> 429 and refill, login brute force per address, 100,000
# proxied client addresses within the bucket bound), CORS, the dashboard's headers and
# /metrics for a browser, and a scan of logs, error bodies and ps for secrets.
# The collector trusts 127.0.0.1 as a proxy, so each phase speaks as its own client address
# (X-Forwarded-For) with the default limits.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/collector_api_lib.bash"
# Under AddressSanitizer freed memory waits in a quarantine (256 MB by default): keep it
# small so the process's size still tells whether 100,000 clients grew it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=8"
mkdir -p "$scratch/dist"
echo '<html><body>securaflow dashboard</body></html>' >"$scratch/dist/index.html"
start_collector --rate-limit 60 --login-rate-limit 10 --trusted-proxies 127.0.0.1 \
  --rate-limit-clients 20000 --cors-origins http://localhost:3000 --dashboard-dir "$scratch/dist"
cli() { "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" "$@" 2>>"$scratch/cli.log"; }
check "the first account (the test helper's) is admin" [ -n "$(token_for admin)" ]

# CLI: accounts (password on stdin, never an argument) and ingest tokens.
check "cli: user add (password on stdin)" bash -c "printf 'cli-password-1\n' | '$SF_BIN/securaflow-collector' --data-dir '$scratch/var' user add cli-analyst --role analyst --email cli@example.com >/dev/null 2>>'$scratch/cli.log'"
printf 'cli-password-2\n' >"$scratch/pw"
check "cli: user add (password from a file)" cli user add cli-victim --role analyst --password-file "$scratch/pw"
check "cli: user add refuses a short password" bash -c "! printf 'short\n' | '$SF_BIN/securaflow-collector' --data-dir '$scratch/var' user add shorty --role analyst 2>/dev/null"
check "cli: user add needs a role" bash -c "! printf 'long enough 1\n' | '$SF_BIN/securaflow-collector' --data-dir '$scratch/var' user add norole 2>/dev/null"
check "cli: user list" bash -c "'$SF_BIN/securaflow-collector' --data-dir '$scratch/var' user list 2>/dev/null | grep -q 'cli-victim.*analyst.*yes'"
token=$(cli token create itest-ingest)
check "cli: token create" [ "${#token}" -ge 40 ]
check "cli: token list shows names, never tokens" bash -c "out=\$('$SF_BIN/securaflow-collector' --data-dir '$scratch/var' token list 2>/dev/null); grep -q itest-ingest <<<\"\$out\" && ! grep -q '$token' <<<\"\$out\""
echo "$token" >"$scratch/ingest.token"
export SCRATCH=$scratch SF_BIN

run_checks "auth checks" <<'PYEOF'
import base64, hashlib, hmac, http.client, json, os, socket, subprocess, sys, threading, time
import urllib.parse
from collector_api_lib import *

host, port = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
scratch = os.environ["SCRATCH"]
binary = os.environ["SF_BIN"] + "/securaflow-collector"
secrets = []  # everything that must never appear in a log, a body or ps

def req(method, path, token=None, client="10.0.0.1", body=None, headers=None, stream=False):
    """(status, headers, body text) from a fresh connection, as `client` behind the proxy."""
    h = {"X-Forwarded-For": client}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    c = http.client.HTTPConnection(host, port, timeout=60)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    if data is not None and "Content-Type" not in h:
        h["Content-Type"] = "application/json"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = "" if stream else r.read().decode(errors="replace")
    c.close()
    return r.status, r.headers, text

def detail(text):
    try:
        return json.loads(text).get("detail")
    except (ValueError, AttributeError):
        return None

def signup(name, password, email=None, client="10.1.0.1"):
    return req("POST", "/api/auth/signup", client=client,
               body={"email": email or name + "@example.com", "username": name, "password": password})

def form_login(name, password, client="10.1.0.1"):
    s, _, t = req("POST", "/api/auth/login", client=client,
                  body=urllib.parse.urlencode({"username": name, "password": password}).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    return s, t

# --- accounts: the first signup is admin, later ones analyst ---
admin = token_for("admin")             # the helper's admin: the first account
analyst = token_for("analyst")
guest = token_for("guest")
secrets += [admin, analyst, guest, TEST_PASSWORD]
ingest_token = open(scratch + "/ingest.token").read().strip()
secrets.append(ingest_token)
s, _, t = signup("carol", "carol-password-9")
u = json.loads(t)
check("signup: 201 with the user shape, analyst, no password", s == 201 and
      set(u) == {"id", "email", "username", "role", "is_active", "created_at"} and
      u["role"] == "analyst" and u["is_active"] is True and u["created_at"].endswith("Z"))
secrets.append("carol-password-9")
check("signup: email taken -> 400", detail(signup("carol2", "carol-password-9", "CAROL@example.com")[2]) == "Email already registered")
check("signup: username taken -> 400", detail(signup("carol", "carol-password-9", "c3@example.com")[2]) == "Username already taken")
for body, field in [({"email": "a@b", "username": "abc", "password": "12345678"}, "email"),
                    ({"email": "invalid-email", "username": "abc", "password": "12345678"}, "email"),
                    ({"email": "x@example.com", "username": "ab", "password": "12345678"}, "username"),
                    ({"email": "x@example.com", "username": "abcd", "password": "1234567"}, "password"),
                    ({"email": "x@example.com", "username": "abcd", "password": "ééééééé"}, "password"),
                    ({"email": "x@example.com", "username": "abcd"}, "password"),
                    ({"email": "x@example.com", "username": "abcd", "password": "x" * 1025}, "password")]:
    s, _, t = req("POST", "/api/auth/signup", body=body, client="10.1.0.2")
    check("signup: 422 on %s (%s)" % (field, str(body)[:60]), s == 422 and
          any(d["loc"] == ["body", field] for d in json.loads(t)["detail"]))
check("signup: 8 code points of UTF-8 are enough", signup("unicode", "éééééééé", client="10.1.0.3")[0] == 201)

# --- login: form or JSON, by username or email; errors ---
s, t = form_login("carol", "carol-password-9")
tok = json.loads(t)
check("login (form): token, bearer, expires_in", s == 200 and tok["token_type"] == "bearer" and
      tok["expires_in"] == 43200 and tok["access_token"].count(".") == 2)
carol = tok["access_token"]
secrets.append(carol)
s, _, t = req("POST", "/api/auth/login", body={"username": "carol@example.com", "password": "carol-password-9"}, client="10.1.0.4")
check("login (JSON, by email)", s == 200 and json.loads(t)["access_token"])
secrets.append(json.loads(t)["access_token"])
s, h, t = req("POST", "/api/auth/login", body={"username": "carol", "password": "wrong-password"}, client="10.1.0.4")
check("login: wrong password -> 401 + WWW-Authenticate", s == 401 and detail(t) == "Incorrect username or password" and h["WWW-Authenticate"] == "Bearer")
s, _, t = req("POST", "/api/auth/login", body={"username": "nobody", "password": "wrong-password"}, client="10.1.0.4")
check("login: unknown user -> the same 401", s == 401 and detail(t) == "Incorrect username or password")
check("login: missing fields -> 422", req("POST", "/api/auth/login", body={"username": "carol"}, client="10.1.0.4")[0] == 422)
check("login: grant_type other than password -> 422", req("POST", "/api/auth/login", client="10.1.0.4",
      body=b"username=carol&password=x&grant_type=client_credentials",
      headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 422)
# a login for an unknown account costs as much as one for a known account
def timed(name):
    t0 = time.monotonic(); req("POST", "/api/auth/login", body={"username": name, "password": "not-the-password"}, client="10.1.0.5"); return time.monotonic() - t0
known = sorted(timed("carol") for _ in range(3))[1]
unknown = sorted(timed("nobody-at-all") for _ in range(3))[1]
print("login cost: known %.1f ms, unknown %.1f ms" % (known * 1000, unknown * 1000))
check("login: unknown user costs the same as a known one (%.0f vs %.0f ms)" % (unknown * 1000, known * 1000),
      0.5 < unknown / known < 2.0)

# --- me and demo ---
s, _, t = req("GET", "/api/auth/me", carol)
check("me: the user", s == 200 and json.loads(t)["username"] == "carol" and json.loads(t)["email"] == "carol@example.com")
s, _, t = req("GET", "/api/auth/me", guest, client="10.1.0.6")
me = json.loads(t)
check("me (guest): demo_user", s == 200 and me["id"] == 0 and me["username"] == "demo_user" and
      me["email"] == "demo@securaflow.com" and me["role"] == "guest")
s, _, t = req("POST", "/api/auth/demo", client="10.1.0.6")
check("demo: a guest token", s == 200 and json.loads(t)["token_type"] == "bearer" and json.loads(t)["expires_in"] > 0)
secrets.append(json.loads(t)["access_token"])

# --- every route x every role ---
ANY, AN, ADM = {"guest", "analyst", "admin"}, {"analyst", "admin"}, {"admin"}
OPEN = {"anonymous", "guest", "analyst", "admin", "ingest"}
routes = [  # method, path, who may, query/body
    ("GET", "/api", OPEN), ("GET", "/api/health", OPEN), ("GET", "/api/openapi.json", OPEN),
    ("POST", "/api/auth/signup", OPEN), ("POST", "/api/auth/login", OPEN), ("POST", "/api/auth/demo", OPEN),
    ("GET", "/api/auth/me", ANY),
    ("POST", "/api/traffic", {"ingest", "analyst", "admin"}), ("POST", "/api/traffic/batch", {"ingest", "admin"}),
    ("GET", "/api/metrics", ANY), ("GET", "/api/anomalies", ANY),
    ("POST", "/api/anomalies/999999/resolve", AN), ("POST", "/api/anomalies/999999/label", AN),
    ("GET", "/api/endpoints", ANY), ("GET", "/api/model-metrics", ANY),
    ("POST", "/api/model-metrics/evaluate", AN), ("POST", "/api/demo/generate?count=1", ANY),
    ("DELETE", "/api/demo", AN), ("GET", "/api/sensors", ANY), ("POST", "/api/sensors", ADM),
    ("POST", "/api/sensors/heartbeat", {"ingest", "admin"}), ("GET", "/api/stream", ANY),
    ("GET", "/api/model", ANY), ("POST", "/api/model/train", AN), ("GET", "/metrics", ADM),
]
tokens = {"anonymous": None, "guest": guest, "analyst": analyst, "admin": admin, "ingest": ingest_token}
for i, role in enumerate(["anonymous", "guest", "analyst", "admin", "ingest"]):
    for method, path, who in routes:
        s, h, _ = req(method, path, tokens[role], client="10.2.%d.1" % i,
                      body=b"{}" if method == "POST" else None, stream=path == "/api/stream")
        if role in who:
            ok = s < 500 and s not in (401, 403, 429)
        else:
            ok = s == (401 if role == "anonymous" else 403)
        if s == 401:
            ok = ok and h.get("WWW-Authenticate") == "Bearer"
        check("%s %s as %s -> %d" % (method, path, role, s), ok)
# the document lists exactly the routes that exist
s, _, t = req("GET", "/api/openapi.json")
doc = json.loads(t)
listed = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
existing = {(m, p.split("?")[0].replace("999999", "{id}")) for m, p, _ in routes}
check("openapi: exactly the routes that exist (%s)" % (listed ^ existing), listed == existing)
check("openapi: open routes say so, others need bearer",
      all((ops[m].get("security") == []) == ((m.upper(), p) in {(a, b.split("?")[0]) for a, b, w in routes if w == OPEN})
          for p, ops in doc["paths"].items() for m in ops if p != "/metrics"))

# --- the 401 catalogue (GET /api/anomalies: any user role) ---
def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

def jwt(header, claims, key, alg=hashlib.sha256):
    signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    return signing + "." + b64(hmac.new(key, signing.encode(), alg).digest())

def claims_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

key = open(scratch + "/var/jwt.key", "rb").read().strip()
secrets.append(key.decode())
now = int(time.time())
good = claims_of(analyst)
tampered_role = analyst.split(".")[0] + "." + b64(json.dumps(dict(good, role="admin")).encode()) + "." + analyst.split(".")[2]
tampered_exp = analyst.split(".")[0] + "." + b64(json.dumps(dict(good, exp=good["exp"] + 86400)).encode()) + "." + analyst.split(".")[2]
cases = [
    ("no token", None, "Not authenticated"),
    ("empty bearer", "", "Not authenticated"),
    ("garbage", "garbage", "Invalid authentication credentials"),
    ("three garbage parts", "a.b.c", "Invalid authentication credentials"),
    ("alg none", b64(b'{"alg":"none","typ":"JWT"}') + "." + b64(json.dumps(dict(good, role="admin")).encode()) + ".", "Invalid authentication credentials"),
    ("HS256 with an empty key", jwt({"alg": "HS256", "typ": "JWT"}, dict(good, role="admin"), b""), "Invalid authentication credentials"),
    ("HS256 with a guessed key", jwt({"alg": "HS256", "typ": "JWT"}, dict(good, role="admin"), b"your-secret-key-change-in-production"), "Invalid authentication credentials"),
    ("tampered role", tampered_role, "Invalid authentication credentials"),
    ("tampered exp", tampered_exp, "Invalid authentication credentials"),
    ("HS512 with the real key", jwt({"alg": "HS512", "typ": "JWT"}, good, key, hashlib.sha512), "Invalid authentication credentials"),
    ("RS256 header, HMAC with the real key", jwt({"alg": "RS256", "typ": "JWT"}, good, key), "Invalid authentication credentials"),
    ("expired (real key)", jwt({"alg": "HS256", "typ": "JWT"}, dict(good, iat=now - 7200, exp=now - 3600), key), "Invalid authentication credentials"),
    ("no exp (real key)", jwt({"alg": "HS256", "typ": "JWT"}, {k: v for k, v in good.items() if k != "exp"}, key), "Invalid authentication credentials"),
    ("no such account (real key)", jwt({"alg": "HS256", "typ": "JWT"}, dict(good, user_id=987654), key), "Invalid authentication credentials"),
    ("issued in the future (real key)", jwt({"alg": "HS256", "typ": "JWT"}, dict(good, iat=now + 3600, exp=now + 7200), key), "Invalid authentication credentials"),
    ("100 KB token", "x" * 100000, "Invalid authentication credentials"),
    ("100 KB of dots", "." * 100000, "Invalid authentication credentials"),
    ("an ingest token on a read route", ingest_token, "Forbidden"),
    ("an unknown ingest token", "sfi_" + "A" * 43, "Invalid authentication credentials"),
]
for i, (what, tok, want) in enumerate(cases):
    s, h, t = req("GET", "/api/anomalies", tok, client="10.3.%d.1" % i)
    code = 403 if want == "Forbidden" else 401
    check("401 catalogue: %s -> %d %s (got %d %s)" % (what, code, want, s, detail(t)),
          s == code and detail(t) == want and (code != 401 or h.get("WWW-Authenticate") == "Bearer"))
check("a properly signed token is accepted", req("GET", "/api/anomalies", jwt({"alg": "HS256", "typ": "JWT"}, good, key), client="10.3.99.1")[0] == 200)
check("open routes ignore a bad token", req("GET", "/api/health", "garbage", client="10.3.98.1")[0] == 200)
check("the stream takes ?access_token=", req("GET", "/api/stream?access_token=" + guest, client="10.3.97.1", stream=True)[0] == 200)
check("no other route does", req("GET", "/api/anomalies?access_token=" + guest, client="10.3.96.1")[0] == 401)
check("the daemon is still up", req("GET", "/api/health")[0] == 200)

# --- disabled account; password change ends older tokens ---
def until(cond, seconds=8):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False

s, t = form_login("cli-victim", "cli-password-2", client="10.4.0.1")
victim = json.loads(t)["access_token"]
secrets += [victim, "cli-password-2", "cli-password-1"]
check("a CLI-made account logs in", s == 200 and req("GET", "/api/anomalies", victim, client="10.4.0.2")[0] == 200)
subprocess.run([binary, "--data-dir", scratch + "/var", "user", "passwd", "cli-victim"],
               input=b"cli-password-3\n", check=True, capture_output=True)
secrets.append("cli-password-3")
check("a token issued before a password change -> 401",
      until(lambda: req("GET", "/api/anomalies", victim, client="10.4.0.3")[0] == 401))
check("the old password no longer logs in", form_login("cli-victim", "cli-password-2", client="10.4.0.4")[0] == 401)
s, t = form_login("cli-victim", "cli-password-3", client="10.4.0.4")
fresh = json.loads(t)["access_token"]
secrets.append(fresh)
check("the new password does, and its token works", s == 200 and req("GET", "/api/anomalies", fresh, client="10.4.0.5")[0] == 200)
subprocess.run([binary, "--data-dir", scratch + "/var", "user", "disable", "cli-victim"], check=True, capture_output=True)
check("a disabled user's token -> 401", until(lambda: req("GET", "/api/anomalies", fresh, client="10.4.0.6")[0] == 401))
s, t = form_login("cli-victim", "cli-password-3", client="10.4.0.7")
check("a disabled user's login -> 403 Inactive user", s == 403 and detail(t) == "Inactive user")

# --- ingest tokens: a new one works on its very next request; a revoked one stops ---
s, _, t = req("POST", "/api/sensors", admin, client="10.5.0.1", body={"name": "fresh-sensor"})
fresh_ingest = json.loads(t)["token"]
secrets.append(fresh_ingest)
beat = {"sensor_id": "fresh-sensor", "stats": {"packets": 1}}
check("POST /api/sensors token works on the next request",
      req("POST", "/api/sensors/heartbeat", fresh_ingest, client="10.5.0.1", body=beat)[0] == 200)
cli_token = subprocess.run([binary, "--data-dir", scratch + "/var", "token", "create", "cli-fresh"],
                           check=True, capture_output=True).stdout.decode().strip()
secrets.append(cli_token)
check("a CLI token works on the next request",
      req("POST", "/api/sensors/heartbeat", cli_token, client="10.5.0.1", body=beat)[0] == 200)
subprocess.run([binary, "--data-dir", scratch + "/var", "token", "revoke", "cli-fresh"], check=True, capture_output=True)
check("a revoked token stops working",
      until(lambda: req("POST", "/api/sensors/heartbeat", cli_token, client="10.5.0.1", body=beat)[0] == 401))

# --- rate limits ---
# Until the first 429: the bucket holds 60 and refills one a second while we go.
t0, seen = time.monotonic(), []
while len(seen) < 300:
    seen.append(req("GET", "/api/health", client="10.6.0.1"))
    if seen[-1][0] == 429:
        break
elapsed = time.monotonic() - t0
s, h, t = seen[-1]
allowed = len(seen) - 1
check("60 requests a minute pass (%d in %.1f s), with X-RateLimit-* headers" % (allowed, elapsed),
      60 <= allowed <= 60 + elapsed + 1 and seen[0][1]["X-RateLimit-Limit"] == "60" and
      seen[0][1]["X-RateLimit-Remaining"] == "59" and int(seen[0][1]["X-RateLimit-Reset"]) >= 1)
check("then 429 with Retry-After and X-RateLimit-*", s == 429 and detail(t) == "Rate limit exceeded"
      and 1 <= int(h["Retry-After"]) <= 2 and h["X-RateLimit-Remaining"] == "0" and h["X-RateLimit-Limit"] == "60"
      and 59 <= int(h["X-RateLimit-Reset"]) <= 60)
check("another client is not limited", req("GET", "/api/health", client="10.6.0.2")[0] == 200)
time.sleep(int(h["Retry-After"]) + 0.1)
check("the bucket refills (one a second)", req("GET", "/api/health", client="10.6.0.1")[0] == 200)
check("and is empty again right after", req("GET", "/api/health", client="10.6.0.1")[0] == 429)
t0, tries = time.monotonic(), []
while len(tries) < 40 and 429 not in tries:
    tries.append(form_login("carol", "guess-%d" % len(tries), client="10.7.0.1")[0])
elapsed = time.monotonic() - t0
check("login brute force: 10 tries a minute per address, then 429 (%d in %.1f s)" % (len(tries) - 1, elapsed),
      tries[-1] == 429 and set(tries[:-1]) == {401} and 10 <= len(tries) - 1 <= 10 + elapsed / 6 + 1)
check("the right password from there is throttled too", form_login("carol", "carol-password-9", client="10.7.0.1")[0] == 429)
check("from another address the login works", form_login("carol", "carol-password-9", client="10.7.0.2")[0] == 200)
check("users are counted per user, not per address", all(
      req("GET", "/api/anomalies", carol, client="10.6.0.1")[0] == 200 for _ in range(3)))

# 100,000 client addresses through the trusted proxy: buckets stay within their bound.
def scrape():
    text = req("GET", "/metrics", admin, client="10.8.0.1")[2]
    return {l.split(" ")[0]: float(l.split(" ")[1]) for l in text.splitlines() if l and not l.startswith("#")}

def rss_kb():
    pid = subprocess.run(["pgrep", "-f", "listen 127.0.0.1:%d" % port], capture_output=True).stdout.split()[0]
    return int([l for l in open("/proc/%s/status" % pid.decode()) if l.startswith("VmRSS")][0].split()[1])

before, rss_before = scrape(), rss_kb()
def flood(part, n):
    sock = socket.create_connection((host, port), timeout=60)
    chunk = 2000
    for start in range(0, n, chunk):
        reqs = b"".join(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.%d.%d.%d\r\n\r\n"
                        % (100 + part, (i >> 8) & 255, i & 255) for i in range(start, min(n, start + chunk)))
        sock.sendall(reqs)
        got = 0
        buf = b""
        while got < min(chunk, n - start):
            data = sock.recv(1 << 20)
            if not data:
                raise RuntimeError("closed")
            buf += data
            got = buf.count(b"HTTP/1.1 200")
    sock.close()

t0 = time.monotonic()
threads = [threading.Thread(target=flood, args=(p, 25000)) for p in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
after, rss_after = scrape(), rss_kb()
print("100,000 proxied clients in %.1f s; buckets %d of %d, %d bytes, evictions %d; RSS %d -> %d kB" % (
      time.monotonic() - t0, after["securaflow_rate_limit_buckets"], after["securaflow_rate_limit_buckets_max"],
      after["securaflow_rate_limit_memory_bytes"], after["securaflow_rate_limit_evictions_total"], rss_before, rss_after))
check("100,000 client addresses: buckets stay at their bound",
      after["securaflow_rate_limit_buckets"] == after["securaflow_rate_limit_buckets_max"] == 20000 and
      after["securaflow_rate_limit_evictions_total"] - before["securaflow_rate_limit_evictions_total"] >= 80000)
check("bucket memory is fixed (%d bytes)" % after["securaflow_rate_limit_memory_bytes"],
      after["securaflow_rate_limit_memory_bytes"] == before["securaflow_rate_limit_memory_bytes"] < 2e6)
check("the process did not grow with the clients (%d kB)" % (rss_after - rss_before), rss_after - rss_before < 64 * 1024)
check("refusals are counted", after["securaflow_rate_limited_total"] >= 3)

# --- CORS and the dashboard's headers ---
s, h, _ = req("OPTIONS", "/api/auth/login", client="10.9.0.1", headers={"Origin": "http://localhost:3000",
              "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"})
check("preflight from an allowed origin: 204 with methods, headers, max-age", s == 204 and
      h["Access-Control-Allow-Origin"] == "http://localhost:3000" and "POST" in h["Access-Control-Allow-Methods"] and
      "Authorization" in h["Access-Control-Allow-Headers"] and "Content-Type" in h["Access-Control-Allow-Headers"] and
      h["Access-Control-Max-Age"])
s, h, _ = req("OPTIONS", "/api/metrics", client="10.9.0.1", headers={"Origin": "http://evil.example"})
check("preflight from another origin: 204 without allow headers", s == 204 and
      "Access-Control-Allow-Origin" not in h and "Access-Control-Allow-Methods" not in h)
s, h, _ = req("GET", "/api/metrics", client="10.9.0.2", headers={"Origin": "http://localhost:3000"})
check("an error (401) carries the allow header too", s == 401 and h["Access-Control-Allow-Origin"] == "http://localhost:3000"
      and "Origin" in h["Vary"])
check("another origin gets none", "Access-Control-Allow-Origin" not in req("GET", "/api/health", client="10.9.0.2", headers={"Origin": "http://evil.example"})[1])
s, h, t = req("GET", "/", client="10.9.0.3")
check("dashboard: CSP with frame-ancestors 'none', nosniff, Referrer-Policy", s == 200 and
      "frame-ancestors 'none'" in h["Content-Security-Policy"] and h["X-Content-Type-Options"] == "nosniff" and
      h["Referrer-Policy"])
s, h, t = req("GET", "/metrics", client="10.9.0.3", headers={"Accept": "text/html,application/xhtml+xml"})
check("GET /metrics for a browser: the dashboard's page", s == 200 and "securaflow dashboard" in t and h["Content-Type"].startswith("text/html"))
s, h, t = req("GET", "/metrics", admin, client="10.9.0.4")
check("GET /metrics otherwise: Prometheus text", s == 200 and h["Content-Type"].startswith("text/plain") and "# TYPE" in t)

# --- no secret in an error body ---
bodies = [req("POST", "/api/auth/login", body={"username": "carol", "password": "carol-password-9x"}, client="10.10.0.1")[2],
          req("GET", "/api/anomalies", carol + "x", client="10.10.0.2")[2],
          req("POST", "/api/auth/signup", body={"email": "q@example.com", "username": "q", "password": "carol-password-9"}, client="10.10.0.3")[2]]
check("no password or token in error bodies", not any(s in b for s in secrets + ["carol-password-9x"] for b in bodies))
open(scratch + "/secrets.txt", "w").write("\n".join(secrets + ["$argon2id$"]) + "\n")
finish()
PYEOF

# A sensor given its token in a file: ps shows no token.
port_seen=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' <<<"$base")
"$SF_BIN/securaflow-sensor" -i lo --ports "$port_seen" --collector "$base" \
  --token-file "$scratch/ingest.token" --sensor-id ps-check --quiet >"$scratch/sensor.log" 2>&1 &
sensor_pid=$!
cleanup_hooks+=("kill -9 $sensor_pid 2>/dev/null")
sleep 2
ps -eo args >"$scratch/ps.txt"
kill -INT "$sensor_pid"; wait "$sensor_pid" 2>/dev/null
check "ps showed the sensor" grep -q 'securaflow-sensor.*--token-file' "$scratch/ps.txt"
check "the sensor refuses --token (it would be in ps)" bash -c "! '$SF_BIN/securaflow-sensor' -r /dev/null --token abc 2>/dev/null"
stop_collector
# Every secret the run made or used, against every log and ps.
found=0
while IFS= read -r secret; do
  [ -n "$secret" ] || continue
  if grep -qF -- "$secret" "$scratch/collector.log" "$scratch/cli.log" "$scratch/sensor.log" "$scratch/ps.txt"; then
    echo "secret found: ${secret:0:12}..."; found=1
  fi
done <"$scratch/secrets.txt"
check "no password, hash, key or token in the logs or ps ($(wc -l <"$scratch/secrets.txt") secrets)" [ "$found" = 0 ]
check "the log stayed small ($(wc -l <"$scratch/collector.log") lines)" [ "$(wc -l <"$scratch/collector.log")" -lt 2000 ]
finish
