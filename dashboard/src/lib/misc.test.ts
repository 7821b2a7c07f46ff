import { describe, expect, it } from 'vitest';
import { coveredByQuery } from '../hooks/useTrafficWindow';
import { isQuiet, transactionsPerSecond } from '../pages/SensorsPage';
import { readFilters, toQuery, writeFilters } from './anomalyFilters';
import { findTemplate, templateMatches } from './routeMatch';
import { sortRows } from './sort';
import { windowEndingNow } from './timeRange';
import type { Sensor } from '../api/types';

describe('anomaly filters', () => {
  it('defaults to unresolved, first page', () => {
    const f = readFilters(new URLSearchParams(''));
    expect(f.resolved).toBe('false');
    expect(toQuery(f, 0)).toEqual({ limit: 50, offset: 0, resolved: false });
  });

  it('round-trips through the URL and maps to the API query', () => {
    const f = readFilters(new URLSearchParams('resolved=all&type=server_error&endpoint=%2Fapi%2Fx&range=1h&offset=100'));
    expect(f).toMatchObject({ resolved: '', type: 'server_error', endpoint: '/api/x', range: '1h', offset: 100 });
    const q = toQuery(f, Date.parse('2026-12-04T12:00:00Z'));
    expect(q).toEqual({ limit: 50, offset: 100, type: 'server_error', endpoint: '/api/x', start_time: '2026-12-04T11:00:00.000Z' });
    expect(readFilters(writeFilters(f))).toEqual(f);
  });

  it('scans the newest 1000 when filtering by severity (the API has no such filter)', () => {
    const q = toQuery(readFilters(new URLSearchParams('severity=critical&offset=50')), 0);
    expect(q.limit).toBe(1000);
    expect(q.offset).toBe(0);
  });

  it('rejects nonsense in the URL', () => {
    const f = readFilters(new URLSearchParams('severity=extreme&offset=-5'));
    expect(f.severity).toBe('');
    expect(f.offset).toBe(0);
  });
});

describe('route templates', () => {
  it('matches concrete paths to templates', () => {
    expect(templateMatches('/api/users/{id}', '/api/users/42')).toBe(true);
    expect(templateMatches('/api/users/{id}', '/api/users')).toBe(false);
    expect(templateMatches('/api/users/{id}', '/api/users/42?x=1')).toBe(true);
    expect(findTemplate(['/api/users/{id}', '/api/users/me', '/api/{a}/{b}'], '/api/users/me')).toBe('/api/users/me');
    expect(findTemplate(['/api/{a}/{b}', '/api/users/{id}'], '/api/users/7')).toBe('/api/users/{id}');
    expect(findTemplate(['/api/a'], '/api/b')).toBeNull();
  });
});

describe('sortRows', () => {
  it('sorts numbers and text both ways with nulls last', () => {
    const rows = [{ v: 3 }, { v: null }, { v: 1 }, { v: 2 }];
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.v)).toEqual([1, 2, 3, null]);
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.v)).toEqual([3, 2, 1, null]);
    expect(sortRows([{ s: 'b' }, { s: 'a' }], (r) => r.s, 'asc').map((r) => r.s)).toEqual(['a', 'b']);
  });
});

describe('live cut-off', () => {
  it('skips seconds the loaded answer may already hold', () => {
    const start = Date.parse('2026-12-04T10:00:00.500Z');
    const ev = (t: string) => ({ time: t, requests: 1, errors: 0, server_errors: 0, anomalies: 0, avg_response_time_ms: 1, p95_response_time_ms: 1, p99_response_time_ms: 1 });
    expect(coveredByQuery(ev('2026-12-04T10:00:01Z'), start)).toBe(true);
    expect(coveredByQuery(ev('2026-12-04T10:00:02Z'), start)).toBe(false);
  });

  it('aligns a window start to its bucket', () => {
    const w = windowEndingNow(3600_000, '5m', Date.parse('2026-12-04T10:07:30Z'));
    expect(new Date(w.startMs).toISOString()).toBe('2026-12-04T09:05:00.000Z');
  });
});

describe('sensors', () => {
  const s: Sensor = { id: 's1', hostname: 'h', interface: 'eth0', version: '1', first_seen: '2026-12-04T10:00:00Z', last_seen: '2026-12-04T10:10:00Z', online: true, stats: { transactions: 6000 } };
  it('marks a sensor quiet after 5 minutes without a heartbeat', () => {
    expect(isQuiet(s, Date.parse('2026-12-04T10:14:59Z'))).toBe(false);
    expect(isQuiet(s, Date.parse('2026-12-04T10:15:00Z'))).toBe(true);
  });
  it('averages transactions per second over its life', () => {
    expect(transactionsPerSecond(s)).toBe(10);
    expect(transactionsPerSecond({ ...s, stats: {} })).toBeNull();
  });
});
