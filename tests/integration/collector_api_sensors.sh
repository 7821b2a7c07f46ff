# Sensors against a real collector and PostgreSQL, with ingest tokens enforced (no
# anonymous ingest): POST /api/sensors makes a token (shown once), heartbeats need one,
# are validated and upserted, and GET /api/sensors and /api/health show the sensor.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/collector_api_lib.bash"
# sensor_silence after 5 s here (the minimum; 60 s by default) so the test need not wait long
start_collector --detect-sensor-silence 5s

run_checks "sensor checks" <<'EOF'
import time
from collector_api_lib import *

s, _, d = get("/api/sensors")
check("no sensors yet", s == 200 and d == {"sensors": [], "total": 0})
beat = {"sensor_id": "edge-1", "hostname": "web-01", "interface": "eth0", "version": "0.1.0",
        "stats": {"packets": 1000, "kernel_drops": 3, "interface_drops": 1,
                  "capture_loss_pct": 0.25, "flows": 40, "transactions": 900,
                  "parse_errors": 2, "tcp_gaps": 5, "spooled_bytes": 0, "records_sent": 880}}
s, h, d = post("/api/sensors/heartbeat", beat, anon=True)
check("heartbeat without a token: 401", s == 401 and d == {"detail": "Not authenticated"}
      and h.get("WWW-Authenticate") == "Bearer")

# a token for the sensor
check("POST /api/sensors needs an admin token",
      post("/api/sensors", {"name": "edge-1"}, anon=True)[0] == 401 and
      post("/api/sensors", {"name": "edge-1"}, headers=auth_header("analyst"))[0] == 403)
s, _, d = post("/api/sensors", {"name": "edge-1"})
check("POST /api/sensors: 201 with the token", s == 201 and d["name"] == "edge-1" and
      d["token"].startswith("sfi_") and len(d["token"]) >= 40)
token = d["token"]
s, _, d = post("/api/sensors", {"name": "edge-1"})
check("same name again: 409", s == 409)
check("bad name: 422", is_422_for(post("/api/sensors", {"name": "a b"}), "body", "name"))
check("no name: 422", is_422_for(post("/api/sensors", {}), "body", "name"))
check("not JSON: 422", post("/api/sensors", raw=b"name=x")[0] == 422)

auth = {"Authorization": "Bearer " + token}
s, _, d = call("POST", "/api/sensors/heartbeat", body=beat, headers=auth)
check("heartbeat with the token, on the very next request", s == 200 and d["sensor_id"] == "edge-1")
s, _, d = call("POST", "/api/sensors/heartbeat", body=beat, headers={"Authorization": "Bearer sfi_wrong"})
check("wrong token: 401", s == 401 and d == {"detail": "Invalid authentication credentials"})

def beat_with(**changes):
    b = dict(beat)
    b.update(changes)
    return call("POST", "/api/sensors/heartbeat", body=b, headers=auth)

check("heartbeat: sensor_id missing", is_422_for(beat_with(sensor_id=None), "body", "sensor_id"))
check("heartbeat: sensor_id not a string", is_422_for(beat_with(sensor_id=5), "body", "sensor_id"))
check("heartbeat: sensor_id too long", is_422_for(beat_with(sensor_id="x" * 300), "body", "sensor_id"))
check("heartbeat: stats not an object", is_422_for(beat_with(stats=[1, 2]), "body", "stats"))
check("heartbeat: malformed JSON", call("POST", "/api/sensors/heartbeat", raw=b"{", headers=auth)[0] == 422)
check("heartbeat: deep nesting refused", call("POST", "/api/sensors/heartbeat",
      raw=b'{"sensor_id":"n","stats":' + b'{"a":' * 40 + b'1' + b'}' * 41, headers=auth)[0] == 422)

s, _, d = get("/api/sensors")
check("one sensor listed", s == 200 and d["total"] == 1)
e = d["sensors"][0]
check("sensor fields", e["id"] == "edge-1" and e["hostname"] == "web-01" and e["interface"] == "eth0"
      and e["version"] == "0.1.0" and e["online"] is True and e["last_seen"].endswith("Z"))
check("sensor counters", e["packets"] == 1000 and e["kernel_drops"] == 3 and e["interface_drops"] == 1
      and e["capture_loss_pct"] == 0.25 and e["flows"] == 40 and e["transactions"] == 900
      and e["parse_errors"] == 2 and e["gaps"] == 5 and e["spooled_bytes"] == 0)
first_seen, last_seen = e["first_seen"], e["last_seen"]

time.sleep(0.05)
s, _, _ = beat_with(stats={"packets": "lots", "flows": 41}, hostname="web-02")
s, _, d = get("/api/sensors")
e = d["sensors"][0]
check("next heartbeat replaces stats; junk values show as null", e["packets"] is None and
      e["flows"] == 41 and e["hostname"] == "web-02" and e["first_seen"] == first_seen and
      e["last_seen"] > last_seen)
s, _, _ = beat_with(sensor_id="edge-2'; DROP TABLE sensors; --", stats=None)
s, _, d = get("/api/sensors")
check("SQL text in a sensor id is only text", s == 200 and d["total"] == 2 and
      "edge-2'; DROP TABLE sensors; --" in [x["id"] for x in d["sensors"]])
s, _, d = get("/api/health")
check("health counts live sensors", d["sensors"] == 2)

# the token also ingests
ans = ingest([record("/api/x", utcnow())], sensor="edge-1", headers=auth)
check("ingest with the sensor's token", ans["accepted"] == 1)
ans = ingest([record("/api/x", utcnow())], sensor="batches-only", headers=auth)
s, _, d = get("/api/sensors")
x = [e for e in d["sensors"] if e["id"] == "batches-only"]
check("a sender of batches that never sends heartbeats is listed", ans["accepted"] == 1 and
      len(x) == 1 and x[0]["online"] is True and x[0]["packets"] is None and d["total"] == 3)
s, _, d = get("/api/sensors")
last = [e for e in d["sensors"] if e["id"] == "edge-1"][0]["last_seen"]
check("a batch moves its sender's last_seen", last > last_seen)

# --- GET /metrics: Prometheus text ---
beat_with(sensor_id='edge"3\\', stats={"packets": 7})
ingest([record("/api/y", utcnow(), status=503)], sensor="edge-1", headers=auth)
import re, urllib.request
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_]+="([^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+$')

def scrape():
    with urllib.request.urlopen(BASE + "/metrics") as resp:
        ctype, text = resp.headers["Content-Type"], resp.read().decode()
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    return ctype, text, lines, {l.rsplit(" ", 1)[0]: float(l.rsplit(" ", 1)[1]) for l in lines}

ctype, text, lines, values = scrape()
check("/metrics: Prometheus content type", ctype.startswith("text/plain; version=0.0.4"))
bad = [l for l in lines if not sample.match(l)]
check("/metrics: every sample line is well formed %s" % bad[:3], not bad)
check("/metrics: records stored", values.get("securaflow_records_stored_total", 0) >= 1)
check("/metrics: database up, queue gauge", values.get("securaflow_database_up") == 1 and
      "securaflow_ingest_queue_records" in values and "securaflow_database_errors_total" in values)
check("/metrics: per-sensor counters", values.get('securaflow_sensor_flows{sensor="edge-1"}') == 41)
check("/metrics: label values escaped", values.get('securaflow_sensor_packets{sensor="edge\\"3\\\\"}') == 7)
check("/metrics: anomalies by type", values.get('securaflow_anomalies{type="server_error"}') == 1 and
      values.get('securaflow_anomalies_unresolved{type="server_error"}') == 1)
check("/metrics: every HELP has a TYPE", text.count("# HELP") == text.count("# TYPE") > 10)

# the ingest answer histogram and counts
H = "securaflow_ingest_request_seconds"
def buckets(values):
    les = [(k[len(H + '_bucket{le="'):-2], v) for k, v in values.items() if k.startswith(H + "_bucket{")]
    return sorted(les, key=lambda b: float(b[0]))  # "+Inf" sorts last
b = buckets(values)
check("/metrics: ingest histogram typed", "# TYPE %s histogram" % H in text)
check("/metrics: ingest histogram buckets %s" % [x[0] for x in b],
      [x[0] for x in b] == ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
                            "5", "10", "+Inf"])
check("/metrics: ingest buckets are cumulative, +Inf is the count",
      all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1)) and b[-1][1] == values.get(H + "_count"))
count, ok = values.get(H + "_count", 0), values.get('securaflow_ingest_requests_total{status="200"}', 0)
check("/metrics: ingest 200s counted (the 3 batches so far)", count == 3 and ok == count and values.get(H + "_sum", -1) > 0)
invalid = values.get('securaflow_ingest_requests_total{status="422"}', -1)
check("/metrics: every ingest status has its counter", invalid >= 0 and
      'securaflow_ingest_requests_total{status="503"}' in values and
      'securaflow_ingest_requests_total{status="other"}' in values)
ingest([record("/api/z", utcnow())], sensor="edge-1", headers=auth)
ingest([record("/api/z", utcnow())], sensor="edge-1", headers=auth)
call("POST", "/api/traffic", raw=b"{", headers=auth)
_, _, _, after = scrape()
b = buckets(after)
check("/metrics: ingest _count grows by the two answered batches",
      after.get(H + "_count") == count + 2 and after.get('securaflow_ingest_requests_total{status="200"}') == ok + 2)
check("/metrics: still cumulative after", all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1))
      and b[-1][1] == after[H + "_count"] and after[H + "_sum"] >= values[H + "_sum"])
check("/metrics: the malformed record counted as 422",
      after.get('securaflow_ingest_requests_total{status="422"}') == invalid + 1)

# a sensor that reported and then stops: one sensor_silence incident, with the silence in words
beat_with(sensor_id="quiet-1")
beat_with(sensor_id="quiet-1")
found, deadline = [], time.time() + 20
while not found and time.time() < deadline:
    time.sleep(1)
    found = [a for a in get("/api/anomalies", type="sensor_silence", limit=100)[2]["anomalies"]
             if a["subject"] == "sensor quiet-1"]
check("a silent sensor becomes one sensor_silence anomaly", len(found) == 1 and found[0]["count"] == 1
      and found[0]["traffic_log"]["id"] is None and "stopped reporting" in found[0]["reasons"][0])
time.sleep(6)
again = [a for a in get("/api/anomalies", type="sensor_silence", limit=100)[2]["anomalies"]
         if a["subject"] == "sensor quiet-1"]
check("the same silence is reported once", len(again) == 1 and again[0]["count"] == 1)
finish()
EOF
stop_collector
finish
