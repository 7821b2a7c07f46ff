#!/usr/bin/env python3
"""A stand-in collector for tests/integration/uploader_*.sh: accepts
POST /api/traffic/batch (gzip, bearer token) and POST /api/sensors/heartbeat the way
api.md says, stores records idempotently by batch_id in a JSON-lines file (which it
reloads on start, so a restart keeps its "database"), and can misbehave on purpose:
--fail-first N answers the first N batch posts 503 with Retry-After: 1, --lose-ack K
stores the K-th batch post but closes the connection without answering."""
import argparse, gzip, json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--token", default="itest-token")
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--lose-ack", type=int, default=0)
args = ap.parse_args()

seen = set()
if os.path.exists(args.out):
    for line in open(args.out):
        seen.add(json.loads(line)["batch_id"])
state = {"posts": 0, "duplicates": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("fake-collector: " + (fmt % a) + "\n")

    def answer(self, code, obj, extra=()):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != "Bearer " + args.token:
            return self.answer(401, {"detail": "Not authenticated"})
        if self.path == "/api/sensors/heartbeat":
            with open(args.out + ".heartbeats", "a") as f:
                f.write(raw.decode() + "\n")
            return self.answer(200, {"ok": True})
        if self.path != "/api/traffic/batch":
            return self.answer(404, {"detail": "Not Found"})
        state["posts"] += 1
        if state["posts"] <= args.fail_first:
            return self.answer(503, {"detail": "busy"}, [("Retry-After", "1")])
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        batch = json.loads(raw)
        dup = batch["batch_id"] in seen
        if not dup:
            with open(args.out, "a") as f:
                for rec in batch["records"]:
                    f.write(json.dumps({"batch_id": batch["batch_id"],
                                        "sensor_id": batch["sensor_id"], "record": rec}) + "\n")
            seen.add(batch["batch_id"])
        else:
            state["duplicates"] += 1
            with open(args.out + ".duplicates", "a") as f:
                f.write(batch["batch_id"] + "\n")
        if state["posts"] == args.lose_ack:
            self.close_connection = True  # stored, but the sensor never hears of it
            return
        self.answer(200, {"accepted": 0 if dup else len(batch["records"]), "rejected": [],
                          "anomalies": 0, "duplicate": dup})


HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
