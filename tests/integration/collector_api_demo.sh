# Demo data and model evaluation against a real collector and PostgreSQL:
# POST /api/demo/generate (reference test_demo), DELETE /api/demo, GET /api/model-metrics
# and POST /api/model-metrics/evaluate (reference test_model_metrics, with ground truth
# only from demo labels and operator labels), 1,000 demo records at rate 0.15 evaluated
# against the generator's truth, and a threshold that moves precision and recall.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/collector_api_lib.bash"
start_collector --allow-anonymous-ingest

run_checks "demo and model-metrics checks" <<'EOF'
import datetime
from collector_api_lib import *

def gen(**params):
    return post("/api/demo/generate", params=params)

def evaluate(**params):
    return post("/api/model-metrics/evaluate", params=params)

# --- nothing labelled yet (test_model_metrics 1, 3) ---
s, _, d = get("/api/model-metrics")
check("model-metrics: empty list", s == 200 and d == {"metrics": [], "total": 0})
ingest([record("/api/users/1", utcnow(), status=500)])  # unlabelled traffic does not count
s, _, d = evaluate()
check("evaluate: 404 without labelled traffic", s == 404 and
      d == {"detail": "No labelled traffic found for evaluation"})

# --- validation ---
for name, value in (("count", 2000), ("count", 0), ("count", "x"), ("anomaly_rate", 1.5),
                    ("anomaly_rate", -0.1), ("anomaly_rate", "nan"), ("hours_back", 200),
                    ("hours_back", 0)):
    check("demo: %s=%s -> 422" % (name, value), is_422_for(gen(**{name: value}), "query", name))
for value in (49, 5001, "many"):
    check("evaluate: limit=%s -> 422" % value, is_422_for(evaluate(limit=value), "query", "limit"))
check("evaluate: threshold=2 -> 422", is_422_for(evaluate(threshold=2), "query", "threshold"))
for value in (0, 101):
    check("model-metrics: limit=%s -> 422" % value,
          is_422_for(get("/api/model-metrics", limit=value), "query", "limit"))

# --- test_demo ---
s, _, d = gen()
check("demo: default generates 100", s == 200 and d["success"] is True and
      d["traffic_logs_created"] == 100 and "anomalies_created" in d and
      d["message"] == "Generated 100 traffic logs")
tr = d["time_range"]
span = parse_time(tr["end"]) - parse_time(tr["start"])
check("demo: default window is 24 h", span == datetime.timedelta(hours=24))
check("demo: count=50", gen(count=50)[2]["traffic_logs_created"] == 50)
s, _, d = gen(count=100, anomaly_rate=0.3)
check("demo: count=100 rate 0.3", s == 200 and d["traffic_logs_created"] == 100 and d["anomalies_created"] >= 0)
s, _, d = gen(count=20, hours_back=12)
check("demo: hours_back=12", s == 200 and d["traffic_logs_created"] == 20 and
      parse_time(d["time_range"]["end"]) - parse_time(d["time_range"]["start"]) == datetime.timedelta(hours=12))
s, _, d = gen(count=100, anomaly_rate=0.5)
check("demo: rate 0.5 finds anomalies", s == 200 and d["anomalies_created"] > 0)
s, _, d = gen(count=50, anomaly_rate=0.0)
# The reference's rules never flagged normal demo traffic; a model calibrated to flag 1 %
# of normal traffic may flag one or two of 50.
check("demo: rate 0 -> (almost) no anomalies", s == 200 and d["generated_anomalies"] == 0 and
      d["anomalies_created"] <= 2)
s, _, m = get("/api/metrics")
check("demo rows land in the default metrics window (test_demo 13)", s == 200 and m["total"] > 0)
s, _, a = get("/api/anomalies", limit=1000)
check("demo anomalies are listed", s == 200 and a["total"] > 0)

# --- DELETE /api/demo: demo rows, their anomalies and their share of the rollups go ---
s, _, d = call("DELETE", "/api/demo")
check("delete demo", s == 200 and d["traffic_logs_deleted"] == 100 + 50 + 100 + 20 + 100 + 50)
s, _, m = get("/api/metrics", start_time=iso(utcnow() - datetime.timedelta(days=2)))
check("rollups keep only real traffic", s == 200 and sum(r["request_count"] for r in m["metrics"]) == 1)
s, _, a = get("/api/anomalies")
check("anomalies keep only real ones", s == 200 and a["total"] == 1)
s, _, d = evaluate()
check("evaluate: 404 again once demo data is gone", s == 404)

# --- 1,000 records at rate 0.15 against the generator's ground truth ---
s, _, d = gen(count=1000, anomaly_rate=0.15)
check("demo: count=1000 (test_demo 5)", s == 200 and d["traffic_logs_created"] == 1000)
truth = d["generated_anomalies"]
check("about 15 % generated as anomalies", 90 <= truth <= 210)
s, _, e = evaluate(limit=1000)
print("evaluation of 1000 demo records at rate 0.15: generated %d, flagged %d; "
      "TP %d FP %d TN %d FN %d; precision %.3f recall %.3f F1 %.3f accuracy %.3f AUC %.3f "
      "at threshold %.3f" % (truth, d["anomalies_created"], e["true_positives"], e["false_positives"],
      e["true_negatives"], e["false_negatives"], e["precision"], e["recall"], e["f1_score"],
      e["accuracy"], e["auc_roc"], e["threshold_used"]), flush=True)
check("evaluate: shape (test_model_metrics 4)", s == 200 and set(e) >= {"id", "model_version",
      "evaluation_date", "total_predictions", "true_positives", "false_positives",
      "true_negatives", "false_negatives", "precision", "recall", "f1_score", "accuracy",
      "auc_roc", "avg_anomaly_score", "threshold_used"})
check("evaluate: all 1000 records, truth from the generator",
      e["total_predictions"] == 1000 and e["labels"] == {"operator": 0, "demo": 1000} and
      e["true_positives"] + e["false_negatives"] == truth)
check("evaluate: TP+FP+TN+FN == total (test_model_metrics 8)", e["true_positives"] +
      e["false_positives"] + e["true_negatives"] + e["false_negatives"] == e["total_predictions"])
check("evaluate: ratios in [0,1] (test_model_metrics 7)", all(0 <= e[k] <= 1 for k in (
      "precision", "recall", "f1_score", "accuracy", "avg_anomaly_score", "auc_roc")))
check("evaluate: not tautological (the reference always said 1.0)", e["precision"] < 1 or e["recall"] < 1
      or e["auc_roc"] < 1)
check("evaluate: the detectors are useful (AUC > 0.8, recall > 0.6, precision > 0.5)",
      e["auc_roc"] > 0.8 and e["recall"] > 0.6 and e["precision"] > 0.5)
check("evaluate: anomalies_created matches flagged records", d["anomalies_created"] ==
      e["true_positives"] + e["false_positives"] or e["threshold_used"] > 0.8)

# moving the threshold moves precision and recall
_, _, low = evaluate(limit=1000, threshold=0.3)
_, _, high = evaluate(limit=1000, threshold=0.95)
print("threshold 0.30: precision %.3f recall %.3f; threshold %.3f: precision %.3f recall %.3f; "
      "threshold 0.95: precision %.3f recall %.3f" % (low["precision"], low["recall"],
      e["threshold_used"], e["precision"], e["recall"], high["precision"], high["recall"]), flush=True)
check("lower threshold: recall up, precision down", low["recall"] >= e["recall"] and
      low["precision"] < e["precision"] and low["threshold_used"] == 0.3)
check("higher threshold: recall down", high["recall"] < e["recall"])
check("AUC does not depend on the threshold", low["auc_roc"] == e["auc_roc"] == high["auc_roc"])

# smaller windows (test_model_metrics 5)
s, _, d = evaluate(limit=50)
check("evaluate: limit=50 evaluates 50", s == 200 and d["total_predictions"] == 50)

# --- operator labels are ground truth too, and win over generated labels ---
s, _, a = get("/api/anomalies", endpoint="/api/users/1")
real = a["anomalies"][0]["id"]
post("/api/anomalies/%d/label" % real, {"label": "false_positive"})
s, _, d = evaluate(limit=5000)
check("evaluate: operator label counted", s == 200 and d["labels"]["operator"] == 1 and
      d["total_predictions"] == 1001)

# --- the stored list (test_model_metrics 2, 6, 9) ---
s, _, l = get("/api/model-metrics", limit=100)
count = l["total"]
evaluate()
s, _, l2 = get("/api/model-metrics", limit=100)
check("evaluate adds exactly one stored row", l2["total"] == count + 1)
s, _, l3 = get("/api/model-metrics", limit=3)
check("limit=3 gives 3 and total 3", s == 200 and len(l3["metrics"]) == 3 and l3["total"] == 3)
s, _, l = get("/api/model-metrics")
dates = [m["evaluation_date"] for m in l["metrics"]]
check("default limit 10, newest first", len(l["metrics"]) == min(10, count + 1) and
      dates == sorted(dates, reverse=True))
finish()
EOF
stop_collector
finish
