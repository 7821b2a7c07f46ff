// Merges /api/metrics rows (one per bucket per route) into one point per bucket, and folds
// live per-second traffic into it. Counts add up; the average latency is weighted by
// requests (the reference averaged averages); percentiles cannot be merged from per-route
// percentiles, so the series carries the highest route p95/p99 of each bucket, which is an
// upper bound of the true overall percentile (every route has 95% of its requests below
// its own p95, hence 95% of all requests are below the highest one).
import type { LiveTraffic, MetricRow } from '../api/types';

export interface Series {
  bucketMs: number;
  /** Bucket starts, ms since the epoch, ascending, one per bucket of the window. */
  times: number[];
  requests: number[];
  errors: number[];
  serverErrors: number[];
  /** Σ latency·requests per bucket (the weighted average is latencySum / requests). */
  latencySum: number[];
  /** Highest route p95 in the bucket; null when the bucket had no requests. */
  p95: (number | null)[];
  p99: (number | null)[];
}

export interface Totals {
  requests: number;
  errors: number;
  serverErrors: number;
  /** Request-weighted mean latency; null with no requests. */
  avgMs: number | null;
  errorRate: number | null;
  /** Highest bucket p95 upper bound; null with no requests. */
  p95Max: number | null;
}

function emptySeries(bucketMs: number, startMs: number, endMs: number): Series {
  const first = Math.floor(startMs / bucketMs) * bucketMs;
  const s: Series = {
    bucketMs, times: [], requests: [], errors: [], serverErrors: [], latencySum: [], p95: [], p99: [],
  };
  for (let t = first; t < endMs; t += bucketMs) pushBucket(s, t);
  return s;
}

function pushBucket(s: Series, t: number): void {
  s.times.push(t);
  s.requests.push(0);
  s.errors.push(0);
  s.serverErrors.push(0);
  s.latencySum.push(0);
  s.p95.push(null);
  s.p99.push(null);
}

function maxOf(a: number | null | undefined, b: number | null | undefined): number | null {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null) return y;
  if (y === null) return x;
  return Math.max(x, y);
}

/** One point per bucket of [startMs, endMs), every route of a bucket merged into it. */
export function mergeEndpoints(rows: readonly MetricRow[], bucketMs: number, startMs: number, endMs: number): Series {
  const s = emptySeries(bucketMs, startMs, endMs);
  const first = s.times[0] ?? 0;
  for (const row of rows) {
    const t = Date.parse(row.time_window);
    if (Number.isNaN(t)) continue;
    const i = Math.floor((t - first) / bucketMs);
    if (i < 0 || i >= s.times.length) continue;
    const n = row.request_count;
    s.requests[i] = (s.requests[i] ?? 0) + n;
    s.errors[i] = (s.errors[i] ?? 0) + row.error_count;
    s.serverErrors[i] = (s.serverErrors[i] ?? 0) + (row.server_error_count ?? 0);
    s.latencySum[i] = (s.latencySum[i] ?? 0) + row.avg_response_time_ms * n;
    if (n > 0) {
      s.p95[i] = maxOf(s.p95[i], row.p95_response_time_ms);
      s.p99[i] = maxOf(s.p99[i], row.p99_response_time_ms);
    }
  }
  return s;
}

export function averageLatency(s: Series, i: number): number | null {
  const n = s.requests[i] ?? 0;
  return n > 0 ? (s.latencySum[i] ?? 0) / n : null;
}

export function totals(s: Series): Totals {
  let requests = 0, errors = 0, serverErrors = 0, latency = 0;
  let p95Max: number | null = null;
  for (let i = 0; i < s.times.length; i++) {
    requests += s.requests[i] ?? 0;
    errors += s.errors[i] ?? 0;
    serverErrors += s.serverErrors[i] ?? 0;
    latency += s.latencySum[i] ?? 0;
    p95Max = maxOf(p95Max, s.p95[i]);
  }
  return {
    requests, errors, serverErrors,
    avgMs: requests > 0 ? latency / requests : null,
    errorRate: requests > 0 ? errors / requests : null,
    p95Max,
  };
}

/**
 * Adds one live second to the series (a new object; the arrays are copied only when the
 * window slides). Buckets past the end are appended and as many are dropped from the front,
 * so a "last N hours" window keeps its length.
 */
export function applyLive(s: Series, ev: LiveTraffic): Series {
  const t = Date.parse(ev.time);
  if (Number.isNaN(t) || ev.requests <= 0 || s.times.length === 0) return s;
  const bucket = Math.floor(t / s.bucketMs) * s.bucketMs;
  const first = s.times[0] ?? 0;
  if (bucket < first) return s;
  const next: Series = {
    bucketMs: s.bucketMs, times: s.times.slice(), requests: s.requests.slice(), errors: s.errors.slice(),
    serverErrors: s.serverErrors.slice(), latencySum: s.latencySum.slice(), p95: s.p95.slice(), p99: s.p99.slice(),
  };
  let last = next.times[next.times.length - 1] ?? bucket;
  let added = 0;
  while (last < bucket) {
    last += s.bucketMs;
    pushBucket(next, last);
    added++;
  }
  if (added > 0) {
    for (const key of ['times', 'requests', 'errors', 'serverErrors', 'latencySum', 'p95', 'p99'] as const) {
      (next[key] as unknown[]).splice(0, added);
    }
  }
  const i = next.times.indexOf(bucket);
  if (i < 0) return next;
  next.requests[i] = (next.requests[i] ?? 0) + ev.requests;
  next.errors[i] = (next.errors[i] ?? 0) + ev.errors;
  next.serverErrors[i] = (next.serverErrors[i] ?? 0) + ev.server_errors;
  next.latencySum[i] = (next.latencySum[i] ?? 0) + ev.avg_response_time_ms * ev.requests;
  next.p95[i] = maxOf(next.p95[i], ev.p95_response_time_ms);
  next.p99[i] = maxOf(next.p99[i], ev.p99_response_time_ms);
  return next;
}
