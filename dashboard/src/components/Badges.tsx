// Small coloured labels: anomaly type, severity, resolved state, operator label.
import type { AnomalyLabel, Severity } from '../api/types';
import { typeLabel } from '../lib/format';

const TYPE_TONE: Record<string, string> = {
  server_error: 'red', client_error: 'orange', response_time_spike: 'yellow', large_request: 'purple',
  large_response: 'purple', pattern_anomaly: 'blue', sql_injection: 'red', xss: 'red', path_traversal: 'red',
  injection_attempt: 'red', brute_force: 'red', endpoint_scan: 'orange', request_flood: 'orange',
  error_rate_spike: 'red', latency_regression: 'yellow', traffic_drop: 'orange', sensor_silence: 'orange',
};

export function TypeBadge({ type }: { type: string }) {
  return <span className={`badge tone-${TYPE_TONE[type] ?? 'grey'}`}>{typeLabel(type)}</span>;
}

const SEVERITY_TONE: Record<Severity, string> = { low: 'grey', medium: 'yellow', high: 'orange', critical: 'red' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge tone-${SEVERITY_TONE[severity] ?? 'grey'}`}>{typeLabel(severity)}</span>;
}

/** "×42" when an incident covers more than one record. */
export function CountBadge({ count }: { count: number | undefined }) {
  if (!count || count <= 1) return null;
  return <span className="badge tone-grey" title={`${count} records in this incident`}>×{count.toLocaleString('en-US')}</span>;
}

export function ResolvedBadge({ resolved }: { resolved: boolean }) {
  return resolved
    ? <span className="badge tone-green">Resolved</span>
    : <span className="badge tone-red">Active</span>;
}

export function LabelBadge({ label }: { label: AnomalyLabel | null }) {
  if (!label) return null;
  return label === 'true_positive'
    ? <span className="badge tone-red-outline">True positive</span>
    : <span className="badge tone-green-outline">False positive</span>;
}
