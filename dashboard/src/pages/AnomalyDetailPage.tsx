// One anomaly: the reasons in words, the traffic record, the features it was scored on,
// the route's traffic from 30 minutes before to 30 minutes after, and the actions.
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, fetchAllMetrics } from '../api/client';
import type { Anomaly } from '../api/types';
import { AnomalyActions } from '../components/AnomalyActions';
import { CountBadge, LabelBadge, ResolvedBadge, SeverityBadge, TypeBadge } from '../components/Badges';
import { Panel } from '../components/Panel';
import { Empty, ErrorNote, Loading } from '../components/States';
import { TrafficChart } from '../components/TrafficChart';
import { useResource } from '../hooks/useResource';
import { mergeEndpoints, totals } from '../lib/aggregate';
import { featureLabel, formatDateTime, formatMs, formatPercent } from '../lib/format';
import { findTemplate } from '../lib/routeMatch';

const AROUND_MS = 30 * 60_000;

/** The anomaly by id: looked up in a narrow window around its detection time when the link carries it. */
async function loadAnomaly(id: number, at: string | null, signal: AbortSignal): Promise<Anomaly | null> {
  const t = at ? Date.parse(at) : Number.NaN;
  if (!Number.isNaN(t)) {
    const page = await api.anomalies({ limit: 1000, offset: 0, start_time: new Date(t - 1000).toISOString(), end_time: new Date(t + 1000).toISOString() }, signal);
    const found = page.anomalies.find((a) => a.id === id);
    if (found) return found;
  }
  // Without a time: look through the newest anomalies, a page at a time.
  for (let offset = 0; offset < 10_000; offset += 1000) {
    const page = await api.anomalies({ limit: 1000, offset }, signal);
    const found = page.anomalies.find((a) => a.id === id);
    if (found) return found;
    if (offset + 1000 >= page.total) break;
  }
  return null;
}

function Around({ a }: { a: Anomaly }) {
  const log = a.traffic_log;
  const res = useResource(async (signal) => {
    const when = log?.timestamp ?? a.first_seen ?? a.detected_at;
    const path = log?.endpoint ?? (a.subject?.startsWith('/') ? a.subject : null);
    const t = Date.parse(when);
    if (!path || Number.isNaN(t)) return null;
    const start = t - AROUND_MS, end = t + AROUND_MS;
    const routes = await api.endpoints({ start_time: new Date(start).toISOString(), end_time: new Date(end).toISOString() }, signal);
    const route = (log && findTemplate(routes.endpoints.filter((e) => e.method === log.method).map((e) => e.endpoint), path))
      ?? findTemplate(routes.endpoints.map((e) => e.endpoint), path);
    if (!route) return { route: null, series: null, row: null };
    const rows = await fetchAllMetrics({ start_time: new Date(start).toISOString(), end_time: new Date(end).toISOString(), bucket: '1m', endpoint: route }, signal);
    return { route, series: mergeEndpoints(rows, 60_000, start, end), row: routes.endpoints.find((e) => e.endpoint === route) ?? null };
  }, [a.id]);
  if (res.loading) return <Loading rows={3} />;
  if (res.error) return <ErrorNote message={res.error} onRetry={res.reload} />;
  if (!res.data?.route || !res.data.series) return <Empty title="No stored traffic for this route around that time" />;
  const t = totals(res.data.series);
  return (
    <>
      <p className="muted small">
        Route <span className="mono">{res.data.route}</span>: {t.requests === 1 ? '1 request' : `${t.requests} requests`}, average {formatMs(t.avgMs)},
        error rate {formatPercent(t.errorRate, 1)} within ±30 minutes.
      </p>
      <TrafficChart series={res.data.series} height={220} label={`Route ${res.data.route} around the anomaly`} />
    </>
  );
}

function Detail({ a, onChange }: { a: Anomaly; onChange: (a: Anomaly) => void }) {
  const log = a.traffic_log;
  const features = Object.entries(a.features ?? {});
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Anomaly {a.id}</h1>
          <p className="badges-line"><SeverityBadge severity={a.severity} /> <TypeBadge type={a.anomaly_type} /> <CountBadge count={a.count} /> <ResolvedBadge resolved={a.is_resolved} /> <LabelBadge label={a.label} /></p>
        </div>
        <AnomalyActions anomaly={a} onChange={onChange} />
      </div>
      <div className="grid-2">
        <Panel title="Why it was flagged">
          {a.reasons && a.reasons.length > 0
            ? <ul className="reasons" data-testid="reasons">{a.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
            : <p className="muted">The detector gave no reason.</p>}
          <dl className="kv">
            <dt>Score</dt><dd>{formatPercent(a.anomaly_score, 1)}</dd>
            <dt>Detector</dt><dd>{a.detector ?? '—'}{a.model_version ? ` (model v${a.model_version})` : ''}</dd>
            <dt>Detected</dt><dd>{formatDateTime(a.detected_at)}</dd>
            {a.subject && <><dt>About</dt><dd className="mono">{a.subject}</dd></>}
            {a.count !== undefined && <><dt>Records</dt><dd>{a.count === 1 ? '1 request' : `${a.count.toLocaleString('en-US')} requests from ${formatDateTime(a.first_seen)} to ${formatDateTime(a.last_seen)}`}</dd></>}
          </dl>
        </Panel>
        <Panel title="The request">
          {log ? (
            <dl className="kv">
              <dt>Request</dt><dd className="mono">{log.method} {log.endpoint}</dd>
              <dt>Status</dt><dd>{log.status_code}</dd>
              <dt>Response time</dt><dd>{formatMs(log.response_time_ms)}</dd>
              <dt>Time</dt><dd>{formatDateTime(log.timestamp)}</dd>
              <dt>Traffic id</dt><dd>{log.id ?? '—'}</dd>
            </dl>
          ) : <p className="muted">No single request opened this incident{a.subject ? ` (it is about ${a.subject})` : ''}.</p>}
        </Panel>
      </div>
      <Panel title="The route around that moment" subtitle="1-minute buckets, 30 minutes either side">
        <Around a={a} />
      </Panel>
      {features.length > 0 && (
        <Panel title="Features the model saw">
          <div className="table-wrap">
            <table className="table compact">
              <thead><tr><th scope="col">Feature</th><th scope="col" className="num">Value</th></tr></thead>
              <tbody>{features.map(([k, v]) => <tr key={k}><td>{featureLabel(k)} <span className="muted small mono">{k}</span></td><td className="num">{Number.isFinite(v) ? v.toFixed(3) : '—'}</td></tr>)}</tbody>
            </table>
          </div>
        </Panel>
      )}
    </>
  );
}

export default function AnomalyDetailPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const numeric = Number(id);
  const res = useResource((signal) => loadAnomaly(numeric, params.get('at'), signal), [numeric]);
  return (
    <div className="page">
      <p><Link to="/anomalies">← All anomalies</Link></p>
      {res.loading && <Loading rows={5} />}
      {res.error && <ErrorNote message={res.error} onRetry={res.reload} />}
      {!res.loading && !res.error && !res.data && <Empty title={`Anomaly ${id} was not found`} hint="It may have been removed with the demo data or by retention." />}
      {res.data && <Detail a={res.data} onChange={(a) => res.setData(() => a)} />}
    </div>
  );
}
