// Anomalies: filters (state, type, severity, route, time), pages of 50, resolve and label
// in place for analysts and admins; new anomalies that match arrive live at the top.
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Anomaly } from '../api/types';
import { AnomalyActions } from '../components/AnomalyActions';
import { CountBadge, ResolvedBadge, SeverityBadge, TypeBadge, LabelBadge } from '../components/Badges';
import { describeRequest } from '../components/AnomalyList';
import { Pagination } from '../components/Pagination';
import { Panel } from '../components/Panel';
import { Empty, ErrorNote, Loading, StaleNote } from '../components/States';
import { useResource } from '../hooks/useResource';
import { useSoon } from '../hooks/useSoon';
import { PAGE_SIZE, SEVERITIES, SEVERITY_SCAN, TIME_RANGES, TYPES, readFilters, toQuery, writeFilters, type Filters } from '../lib/anomalyFilters';
import { formatDateTime, formatPercent, typeLabel } from '../lib/format';
import { useLiveEvent } from '../live/LiveContext';

interface Loaded { items: Anomaly[]; total: number }

function matchesLive(a: Anomaly, f: Filters): boolean {
  if (f.offset > 0 || f.range || f.resolved === 'true') return false;
  if (f.type && a.anomaly_type !== f.type) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.endpoint && a.traffic_log?.endpoint !== f.endpoint && a.subject !== f.endpoint) return false;
  return true;
}

function FilterBar({ f, set }: { f: Filters; set: (next: Partial<Filters>) => void }) {
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Anomaly filters">
      <label>State
        <select value={f.resolved} onChange={(e) => set({ resolved: e.target.value as Filters['resolved'] })}>
          <option value="false">Unresolved</option>
          <option value="true">Resolved</option>
          <option value="">All</option>
        </select>
      </label>
      <label>Type
        <select value={f.type} onChange={(e) => set({ type: e.target.value })}>
          <option value="">All types</option>
          {TYPES.map((t) => <option key={t} value={t}>{typeLabel(t)}</option>)}
        </select>
      </label>
      <label>Severity
        <select value={f.severity} onChange={(e) => set({ severity: e.target.value as Filters['severity'] })}>
          <option value="">All severities</option>
          {SEVERITIES.map((s) => <option key={s} value={s}>{typeLabel(s)}</option>)}
        </select>
      </label>
      <label>Route or path
        <input type="search" defaultValue={f.endpoint} placeholder="/api/users/{id}"
          onKeyDown={(e) => { if (e.key === 'Enter') set({ endpoint: e.currentTarget.value.trim() }); }}
          onBlur={(e) => { if (e.currentTarget.value.trim() !== f.endpoint) set({ endpoint: e.currentTarget.value.trim() }); }} />
      </label>
      <label>Detected
        <select value={f.range} onChange={(e) => set({ range: e.target.value })}>
          {TIME_RANGES.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
        </select>
      </label>
    </form>
  );
}

function Row({ a, onChange }: { a: Anomaly; onChange: (a: Anomaly) => void }) {
  const what = describeRequest(a);
  return (
    <tr data-testid="anomaly-row" data-id={a.fromStream ? undefined : a.id}>
      <td className="nowrap"><time dateTime={a.detected_at}>{formatDateTime(a.detected_at)}</time></td>
      <td><SeverityBadge severity={a.severity} /></td>
      <td className="nowrap"><TypeBadge type={a.anomaly_type} /> <CountBadge count={a.count} /></td>
      <td className="num hide-narrow">{formatPercent(a.anomaly_score, 1)}</td>
      <td className="mono ellipsis wide" title={what}>
        {a.fromStream ? what : <Link to={`/anomalies/${a.id}?at=${encodeURIComponent(a.detected_at)}`}>{what}</Link>}
        <div className="muted small reason">{a.reasons?.[0] ?? ''}</div>
      </td>
      <td><ResolvedBadge resolved={a.is_resolved} /> <LabelBadge label={a.label} /></td>
      <td className="nowrap span2">{a.fromStream ? <span className="muted small">just detected</span> : <AnomalyActions anomaly={a} onChange={onChange} compact />}</td>
    </tr>
  );
}

export default function AnomaliesPage() {
  const [params, setParams] = useSearchParams();
  const f = useMemo(() => readFilters(params), [params]);
  const key = params.toString();
  const res = useResource<Loaded>(async (signal) => {
    const page = await api.anomalies(toQuery(f, Date.now()), signal);
    if (!f.severity) return { items: page.anomalies, total: page.total };
    const matching = page.anomalies.filter((a) => a.severity === f.severity);
    return { items: matching.slice(f.offset, f.offset + PAGE_SIZE), total: matching.length };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key], { resync: true });

  const set = (next: Partial<Filters>) => setParams(writeFilters({ ...f, offset: 0, ...next }));
  const replace = (a: Anomaly) => res.setData((d) => d && {
    ...d, items: d.items.map((x) => (x.id === a.id ? a : x)),
  });
  const refetch = useSoon(() => res.reload(), 1500);
  useLiveEvent('anomaly', (a) => {
    if (!matchesLive(a, f)) return;
    res.setData((d) => (d ? { items: [{ ...a, fromStream: true }, ...d.items].slice(0, PAGE_SIZE), total: d.total + 1 } : d));
    refetch();
  });

  const data = res.data;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Anomalies</h1>
          <p className="muted">Detected anomalies and why; new ones appear at the top as they are detected.</p>
        </div>
      </div>
      <Panel title="Filters">
        <FilterBar f={f} set={set} />
        {f.severity && <p className="muted small">The severity filter looks at the newest {SEVERITY_SCAN} anomalies that match the other filters.</p>}
      </Panel>
      <Panel title="Anomaly list" testId="anomaly-table">
        {res.loading && <Loading rows={6} />}
        {!data && res.error && <ErrorNote message={res.error} onRetry={res.reload} />}
        {data && res.error && <StaleNote message={res.error} onRetry={res.reload} />}
        {data && data.items.length === 0 && (
          <Empty title="No anomalies found"
            hint={f.resolved === 'false' ? 'No unresolved anomalies match. System is operating normally.' : 'Nothing matches these filters.'} />
        )}
        {data && data.items.length > 0 && (
          <>
            <div className="table-wrap">
              <table className="table stack">
                <thead>
                  <tr><th scope="col">Detected</th><th scope="col">Severity</th><th scope="col">Type</th><th scope="col" className="num hide-narrow">Score</th><th scope="col">Request and reason</th><th scope="col">State</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
                </thead>
                <tbody>{data.items.map((a) => <Row key={`${a.fromStream ? 's' : 'r'}${a.id}`} a={a} onChange={replace} />)}</tbody>
              </table>
            </div>
            <Pagination offset={f.offset} pageSize={PAGE_SIZE} total={data.total} noun="anomalies"
              onOffset={(offset) => setParams(writeFilters({ ...f, offset }))} />
          </>
        )}
      </Panel>
    </div>
  );
}
