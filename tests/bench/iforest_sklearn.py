#!/usr/bin/python3
"""scikit-learn's IsolationForest under the same protocol as `securaflow-model bench`:
for each seed, fit on all rows (timed), score_samples on all rows (timed), ROC AUC and
average precision against the label column. Prints one JSON object like ours.

Usage: iforest_sklearn.py FILE.csv[.gz] TREES SAMPLE_SIZE FIRST_SEED SEEDS
Single thread: run with OMP_NUM_THREADS=1 (the wrapper script does); n_jobs stays 1."""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score


def main():
    path, trees, psi, first_seed, seeds = sys.argv[1], *map(int, sys.argv[2:6])
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    x, y = data[:, :-1].astype(np.float32), data[:, -1] != 0
    runs = []
    for seed in range(first_seed, first_seed + seeds):
        forest = IsolationForest(n_estimators=trees, max_samples=min(psi, len(x)),
                                 contamination="auto", random_state=seed, n_jobs=1)
        t0 = time.perf_counter()
        forest.fit(x)
        t1 = time.perf_counter()
        scores = -forest.score_samples(x)  # sklearn: lower = more abnormal
        t2 = time.perf_counter()
        runs.append({"seed": seed, "train_seconds": t1 - t0, "score_seconds": t2 - t1,
                     "roc_auc": roc_auc_score(y, scores),
                     "pr_auc": average_precision_score(y, scores)})
    mean = lambda key: sum(r[key] for r in runs) / len(runs)
    print(json.dumps({"rows": len(x), "features": x.shape[1], "trees": trees,
                      "sample_size": psi, "runs": runs, "roc_auc_mean": mean("roc_auc"),
                      "pr_auc_mean": mean("pr_auc"), "train_seconds_mean": mean("train_seconds"),
                      "score_seconds_mean": mean("score_seconds"),
                      "score_rows_per_second": len(x) / mean("score_seconds")}))


if __name__ == "__main__":
    main()
