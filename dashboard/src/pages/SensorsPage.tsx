// Sensors: capture health per sensor (packets, drops, capture loss, transactions per second,
// last heartbeat). A sensor not heard from for 5 minutes is marked quiet, here as on the
// server; the page reloads when the stream reports a sensor appearing or going quiet.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Sensor } from '../api/types';
import { Panel } from '../components/Panel';
import { Empty, ErrorNote, Loading, StaleNote } from '../components/States';
import { useResource } from '../hooks/useResource';
import { formatAgo, formatBytes, formatCount, formatDateTime } from '../lib/format';
import { useLiveEvent } from '../live/LiveContext';

export const QUIET_MS = 5 * 60_000;

export function isQuiet(s: Sensor, nowMs: number): boolean {
  const last = Date.parse(s.last_seen);
  return Number.isNaN(last) || nowMs - last >= QUIET_MS;
}

/** Transactions per second over the sensor's life (its counters are cumulative). */
export function transactionsPerSecond(s: Sensor): number | null {
  const tx = s.stats.transactions;
  const span = (Date.parse(s.last_seen) - Date.parse(s.first_seen)) / 1000;
  if (tx === undefined || !Number.isFinite(span) || span <= 0) return null;
  return tx / span;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

function SensorCard({ s, now }: { s: Sensor; now: number }) {
  const quiet = isQuiet(s, now);
  const loss = s.stats.capture_loss_pct;
  const drops = (s.stats.kernel_drops ?? 0) + (s.stats.interface_drops ?? 0);
  const tps = transactionsPerSecond(s);
  return (
    <article className={`card sensor ${quiet ? 'sensor-quiet' : ''}`} data-testid="sensor" aria-label={`Sensor ${s.id}${quiet ? ', quiet' : ''}`}>
      <header className="sensor-head">
        <div>
          <h3 className="mono">{s.id}</h3>
          <p className="muted small">{s.hostname ?? 'unknown host'} · {s.interface ?? 'no interface'} · {s.version ?? 'unknown version'}</p>
        </div>
        {quiet ? <span className="badge tone-red">Quiet since {formatAgo(s.last_seen, now)}</span> : <span className="badge tone-green">Reporting</span>}
      </header>
      <dl className="sensor-stats">
        <div><dt>Packets</dt><dd>{formatCount(s.stats.packets)}</dd></div>
        <div><dt>Drops</dt><dd className={drops > 0 ? 'bad' : ''}>{formatCount(drops)}</dd></div>
        <div><dt>Capture loss</dt><dd className={(loss ?? 0) > 1 ? 'bad' : ''}>{loss === undefined ? '—' : `${loss.toFixed(2)}%`}</dd></div>
        <div><dt>Transactions/s</dt><dd title="average since first seen">{tps === null ? '—' : tps.toFixed(tps < 10 ? 2 : 0)}</dd></div>
        <div><dt>Parse errors</dt><dd>{formatCount(s.stats.parse_errors)}</dd></div>
        <div><dt>TCP gaps</dt><dd>{formatCount(s.stats.tcp_gaps)}</dd></div>
        <div><dt>Spooled</dt><dd>{formatBytes(s.stats.spooled_bytes)}</dd></div>
        <div><dt>Last heartbeat</dt><dd title={formatDateTime(s.last_seen)}>{formatAgo(s.last_seen, now)}</dd></div>
      </dl>
    </article>
  );
}

export default function SensorsPage() {
  const res = useResource((signal) => api.sensors(signal), [], { resync: true });
  useLiveEvent('sensor', () => res.reload());
  const now = useNow(5000);
  const sensors = res.data?.sensors ?? [];
  const quiet = sensors.filter((s) => isQuiet(s, now)).length;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Sensors</h1>
          <p className="muted">Capture health from each sensor&apos;s heartbeat (every 10 s). Quiet = no heartbeat for 5 minutes.</p>
        </div>
        <button type="button" className="btn" onClick={res.reload} disabled={res.reloading}>{res.reloading ? 'Refreshing…' : 'Refresh'}</button>
      </div>
      <Panel title="Capture health" subtitle={res.data ? `${sensors.length} sensors, ${quiet} quiet` : undefined}>
        {res.loading && <Loading rows={3} />}
        {!res.data && res.error && <ErrorNote message={res.error} onRetry={res.reload} />}
        {res.data && res.error && <StaleNote message={res.error} onRetry={res.reload} />}
        {res.data && sensors.length === 0 && (
          <Empty title="No sensor has reported yet" hint="Start securaflow-sensor with an ingest token; it sends a heartbeat every 10 seconds." />
        )}
        <div className="sensor-grid">{sensors.map((s) => <SensorCard key={s.id} s={s} now={now} />)}</div>
      </Panel>
    </div>
  );
}
