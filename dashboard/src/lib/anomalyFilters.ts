// The Anomalies page's filters, kept in the URL (?type=…&severity=…) so a link or a reload
// shows the same list, and turned into the API's query.
import type { AnomalyQuery } from '../api/client';
import type { Severity } from '../api/types';

export const PAGE_SIZE = 50;
/** A severity filter is applied here (the API has none) over this many newest matches. */
export const SEVERITY_SCAN = 1000;

/** The detectors' types, strongest first (collector/detect_verdict.c). */
export const TYPES = ['sql_injection', 'xss', 'path_traversal', 'injection_attempt', 'brute_force', 'endpoint_scan',
  'request_flood', 'error_rate_spike', 'server_error', 'latency_regression', 'response_time_spike', 'traffic_drop',
  'sensor_silence', 'large_request', 'large_response', 'pattern_anomaly'];
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
export const TIME_RANGES: { key: string; label: string; ms: number | null }[] = [
  { key: '', label: 'Any time', ms: null },
  { key: '1h', label: 'Last hour', ms: 3600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86400_000 },
];

export interface Filters {
  resolved: '' | 'true' | 'false';
  type: string;
  severity: '' | Severity;
  endpoint: string;
  range: string;
  offset: number;
}

export function readFilters(params: URLSearchParams): Filters {
  const resolved = params.get('resolved');
  const severity = params.get('severity');
  const offset = Number(params.get('offset') ?? '0');
  return {
    resolved: resolved === 'true' || resolved === 'false' ? resolved : resolved === 'all' ? '' : 'false',
    type: params.get('type') ?? '',
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : '',
    endpoint: params.get('endpoint') ?? '',
    range: params.get('range') ?? '',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** Changing any filter goes back to the first page (the reference kept the page). */
export function writeFilters(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  p.set('resolved', f.resolved === '' ? 'all' : f.resolved);
  if (f.type) p.set('type', f.type);
  if (f.severity) p.set('severity', f.severity);
  if (f.endpoint) p.set('endpoint', f.endpoint);
  if (f.range) p.set('range', f.range);
  if (f.offset > 0) p.set('offset', String(f.offset));
  return p;
}

export function toQuery(f: Filters, nowMs: number): AnomalyQuery {
  const range = TIME_RANGES.find((r) => r.key === f.range);
  const q: AnomalyQuery = {
    limit: f.severity ? SEVERITY_SCAN : PAGE_SIZE,
    offset: f.severity ? 0 : f.offset,
  };
  if (f.resolved) q.resolved = f.resolved === 'true';
  if (f.type) q.type = f.type;
  if (f.endpoint) q.endpoint = f.endpoint;
  if (range?.ms) q.start_time = new Date(nowMs - range.ms).toISOString();
  return q;
}
