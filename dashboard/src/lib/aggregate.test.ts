import { describe, expect, it } from 'vitest';
import type { LiveTraffic, MetricRow } from '../api/types';
import { applyLive, averageLatency, mergeEndpoints, totals } from './aggregate';

const MIN = 60_000;
const t0 = Date.parse('2026-12-04T10:00:00Z');

function row(minute: number, endpoint: string, n: number, avg: number, errors: number, p95: number | null, server = 0): MetricRow {
  return {
    time_window: new Date(t0 + minute * MIN).toISOString(), endpoint, request_count: n, avg_response_time_ms: avg,
    error_count: errors, server_error_count: server, p95_response_time_ms: p95, p99_response_time_ms: p95 === null ? null : p95 * 2,
  };
}

function live(at: number, requests: number, avg: number, p95: number, errors = 0): LiveTraffic {
  return {
    time: new Date(at).toISOString(), requests, errors, server_errors: 0, anomalies: 0,
    avg_response_time_ms: avg, p95_response_time_ms: p95, p99_response_time_ms: p95,
  };
}

describe('mergeEndpoints', () => {
  it('gives one point per bucket whatever the number of routes (the reference drew one per route)', () => {
    const s = mergeEndpoints([row(0, '/a', 10, 10, 1, 20), row(0, '/b', 30, 50, 3, 90), row(2, '/a', 5, 5, 0, 6)], MIN, t0, t0 + 3 * MIN);
    expect(s.times).toEqual([t0, t0 + MIN, t0 + 2 * MIN]);
    expect(s.requests).toEqual([40, 0, 5]);
    expect(s.errors).toEqual([4, 0, 0]);
  });

  it('weights the average latency by requests (the reference averaged averages)', () => {
    const s = mergeEndpoints([row(0, '/fast', 90, 10, 0, 12), row(0, '/slow', 10, 1000, 0, 1500)], MIN, t0, t0 + MIN);
    expect(averageLatency(s, 0)).toBeCloseTo(109, 6); // (90·10 + 10·1000) / 100, not (10 + 1000) / 2
    expect(totals(s).avgMs).toBeCloseTo(109, 6);
  });

  it('keeps the highest route p95 as the bucket upper bound, and none for empty buckets', () => {
    const s = mergeEndpoints([row(0, '/a', 10, 10, 0, 20), row(0, '/b', 1, 50, 0, 90), row(0, '/c', 0, 0, 0, 500)], MIN, t0, t0 + 2 * MIN);
    expect(s.p95[0]).toBe(90); // the route with no requests does not count
    expect(s.p95[1]).toBeNull();
  });

  it('adds up totals across buckets and routes, 5xx apart', () => {
    const s = mergeEndpoints([row(0, '/a', 100, 10, 7, 20, 2), row(1, '/b', 100, 30, 1, 40, 1)], MIN, t0, t0 + 2 * MIN);
    const t = totals(s);
    expect(t.requests).toBe(200);
    expect(t.errors).toBe(8);
    expect(t.serverErrors).toBe(3);
    expect(t.errorRate).toBeCloseTo(0.04, 9);
    expect(t.avgMs).toBeCloseTo(20, 9);
  });

  it('ignores rows outside the window', () => {
    const s = mergeEndpoints([row(-1, '/a', 5, 1, 0, 1), row(5, '/a', 5, 1, 0, 1), row(1, '/a', 2, 1, 0, 1)], MIN, t0, t0 + 2 * MIN);
    expect(totals(s).requests).toBe(2);
  });

  it('has no average and no error rate without requests', () => {
    const t = totals(mergeEndpoints([], MIN, t0, t0 + MIN));
    expect(t.avgMs).toBeNull();
    expect(t.errorRate).toBeNull();
  });
});

describe('applyLive', () => {
  it('adds a live second to its bucket with a weighted latency', () => {
    const s = mergeEndpoints([row(0, '/a', 10, 10, 0, 20)], MIN, t0, t0 + MIN);
    const next = applyLive(s, live(t0 + 30_000, 10, 30, 100, 2));
    expect(next.requests[0]).toBe(20);
    expect(next.errors[0]).toBe(2);
    expect(averageLatency(next, 0)).toBeCloseTo(20, 9);
    expect(next.p95[0]).toBe(100);
    expect(s.requests[0]).toBe(10); // the old series is untouched (React state)
  });

  it('slides the window: a new bucket is appended and the oldest dropped', () => {
    const s = mergeEndpoints([row(0, '/a', 10, 10, 0, 20), row(1, '/a', 1, 1, 0, 1)], MIN, t0, t0 + 2 * MIN);
    const next = applyLive(s, live(t0 + 2 * MIN + 5000, 3, 5, 5));
    expect(next.times).toEqual([t0 + MIN, t0 + 2 * MIN]);
    expect(next.requests).toEqual([1, 3]);
    expect(totals(next).requests).toBe(4);
  });

  it('ignores empty seconds and seconds before the window', () => {
    const s = mergeEndpoints([row(0, '/a', 10, 10, 0, 20)], MIN, t0, t0 + MIN);
    expect(applyLive(s, live(t0 + 1000, 0, 0, 0))).toBe(s);
    expect(applyLive(s, live(t0 - 5000, 4, 1, 1))).toBe(s);
  });
});
