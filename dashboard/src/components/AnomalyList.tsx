// A compact list of anomalies (newest first) linking to their detail pages.
import { Link } from 'react-router-dom';
import type { Anomaly } from '../api/types';
import { formatDateTime, formatMs } from '../lib/format';
import { CountBadge, ResolvedBadge, SeverityBadge, TypeBadge } from './Badges';

export function AnomalyList({ items }: { items: Anomaly[] }) {
  return (
    <ul className="anomaly-list" data-testid="recent-anomalies">
      {items.map((a) => {
        const body = (
          <>
            <span className="anomaly-top">
              <span className="anomaly-badges"><SeverityBadge severity={a.severity} /> <TypeBadge type={a.anomaly_type} /> <CountBadge count={a.count} />{a.is_resolved && <> <ResolvedBadge resolved /></>}</span>
              <time className="muted small" dateTime={a.detected_at}>{formatDateTime(a.detected_at)}</time>
            </span>
            <span className="mono ellipsis-line">{describeRequest(a)}</span>
            <span className="muted small ellipsis-line">
              {a.reasons?.[0] ?? 'No reason recorded'}
              {a.traffic_log ? ` · ${a.traffic_log.status_code} · ${formatMs(a.traffic_log.response_time_ms)}` : ''}
            </span>
          </>
        );
        return (
          <li key={`${a.fromStream ? 's' : 'r'}${a.id}`}>
            {a.fromStream
              ? <div className="anomaly-row">{body}</div>
              : <Link to={`/anomalies/${a.id}?at=${encodeURIComponent(a.detected_at)}`} className="anomaly-row">{body}</Link>}
          </li>
        );
      })}
    </ul>
  );
}

/** What the incident is about: the request that opened it, else its subject. */
export function describeRequest(a: Anomaly): string {
  if (a.traffic_log) return `${a.traffic_log.method} ${a.traffic_log.endpoint}`;
  return a.subject ?? 'Unknown endpoint';
}

/** Adds live anomalies to a newest-first list without duplicates, keeping at most `max`. */
export function prependAnomaly(list: Anomaly[], a: Anomaly, max: number): Anomaly[] {
  if (list.some((x) => x.fromStream && x.id === a.id)) return list;
  return [{ ...a, fromStream: true }, ...list].slice(0, max);
}
