// Overview: health, the last 24 hours in four honest cards and one chart (every route
// merged per 5-minute bucket), the newest anomalies, and "Generate Demo Data". All of it
// follows the live stream; nothing polls.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { errorText } from '../api/errors';
import { AnomalyList, prependAnomaly } from '../components/AnomalyList';
import { HealthPanel } from '../components/HealthPanel';
import { Panel } from '../components/Panel';
import { StatCard } from '../components/StatCard';
import { Empty, ErrorNote, Loading, StaleNote } from '../components/States';
import { TrafficChart } from '../components/TrafficChart';
import { useResource } from '../hooks/useResource';
import { useSoon } from '../hooks/useSoon';
import { useTrafficWindow } from '../hooks/useTrafficWindow';
import { totals, type Series } from '../lib/aggregate';
import { formatCount, formatMs, formatPercent } from '../lib/format';
import { iso } from '../lib/timeRange';
import { useLiveEvent } from '../live/LiveContext';

const DAY_MS = 24 * 3600_000;
const RECENT = 8;

function Cards({ series, active }: { series: Series; active: number | undefined }) {
  const t = totals(series);
  const errorTone = t.errorRate === null ? undefined : t.errorRate > 0.05 ? 'bad' : t.errorRate > 0.01 ? 'warn' : 'good';
  return (
    <div className="cards" data-testid="cards">
      <StatCard testId="card-requests" raw={t.requests} title="Requests · last 24 h" value={formatCount(t.requests)}
        detail={`${formatCount(t.requests / 24)} per hour on average`} />
      <StatCard testId="card-latency" raw={t.avgMs} title="Avg latency · last 24 h" value={formatMs(t.avgMs)}
        detail={`weighted by requests · p95 ≤ ${formatMs(t.p95Max)}`} />
      <StatCard testId="card-errors" raw={t.errors} title="Error rate · last 24 h" value={formatPercent(t.errorRate, 2)} tone={errorTone}
        detail={`${formatCount(t.errors)} errors (4xx+5xx), ${formatCount(t.serverErrors)} server (5xx)`} />
      <StatCard testId="card-anomalies" raw={active ?? null} title="Active anomalies · all time" value={formatCount(active)}
        tone={active ? 'warn' : 'good'} detail="unresolved, newest first below" />
    </div>
  );
}

function DemoButton({ onDone }: { onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const run = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await api.generateDemo();
      setMessage({ ok: true, text: `Created ${formatCount(r.traffic_logs_created)} requests over the last 24 h, ${formatCount(r.anomalies_created)} flagged as anomalies.` });
      onDone();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err, 'Failed to generate demo data') });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="demo">
      <button type="button" className="btn btn-primary" onClick={run} disabled={busy} data-testid="generate-demo">
        {busy ? 'Generating…' : '⚡ Generate Demo Data'}
      </button>
      <span className={`small ${message?.ok === false ? 'bad' : 'muted'}`} role="status" data-testid="demo-result">{message?.text}</span>
    </div>
  );
}

export function OverviewPage() {
  const traffic = useTrafficWindow(DAY_MS, '5m');
  const active = useResource((signal) => api.anomalies({ limit: 1, offset: 0, resolved: false }, signal).then((p) => p.total), [], { resync: true });
  const recent = useResource((signal) => api.anomalies({ limit: RECENT, offset: 0 }, signal).then((p) => p.anomalies), [], { resync: true });

  // A live anomaly shows at once; its stored row (the id to link to) follows in one fetch.
  const refetchRecent = useSoon(() => recent.reload(), 1500);
  useLiveEvent('anomaly', (a) => {
    recent.setData((list) => (list ? prependAnomaly(list, a, RECENT) : list));
    active.setData((n) => (n === undefined ? n : n + 1));
    refetchRecent();
  });

  const reloadAll = () => { traffic.reload(); active.reload(); recent.reload(); };
  const w = traffic.window;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="muted">Every route merged; the window ends now and follows the live stream.</p>
        </div>
        <DemoButton onDone={reloadAll} />
      </div>
      <HealthPanel />
      <section aria-label="Last 24 hours" data-testid="window" data-start={w ? iso(w.startMs) : ''} data-end={w ? iso(w.endMs) : ''}>
        {traffic.loading && <Loading rows={1} label="Loading traffic…" />}
        {!traffic.series && traffic.error && <ErrorNote message={traffic.error} onRetry={traffic.reload} />}
        {traffic.series && <Cards series={traffic.series} active={active.data} />}
      </section>
      <div className="grid-2">
        <Panel title="Traffic" subtitle="Last 24 hours, 5-minute buckets">
          {traffic.series && traffic.error && <StaleNote message={traffic.error} onRetry={traffic.reload} />}
          {traffic.loading && <Loading rows={4} />}
          {!traffic.series && traffic.error && <ErrorNote message={traffic.error} onRetry={traffic.reload} />}
          {traffic.series && (totals(traffic.series).requests === 0
            ? <Empty title="No traffic in the last 24 hours" hint="Point a sensor at your API, send records to POST /api/traffic, or generate demo data." />
            : <TrafficChart series={traffic.series} label="Traffic, last 24 hours" height={320} />)}
        </Panel>
        <Panel title="Recent anomalies" actions={<Link to="/anomalies">View all →</Link>}>
          {recent.loading && <Loading rows={4} />}
          {!recent.data && recent.error && <ErrorNote message={recent.error} onRetry={recent.reload} />}
          {recent.data && recent.data.length === 0 && <Empty title="No anomalies detected" hint="System is operating normally." />}
          {recent.data && recent.data.length > 0 && <AnomalyList items={recent.data} />}
        </Panel>
      </div>
    </div>
  );
}
