// System health: status, database, model, uptime (counted on locally between loads),
// live sensors and the ingest queue. Reloads when a sensor appears or goes quiet.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Health } from '../api/types';
import { useResource } from '../hooks/useResource';
import { formatCount, formatUptime } from '../lib/format';
import { useLiveEvent } from '../live/LiveContext';
import { Panel } from './Panel';
import { ErrorNote, Loading } from './States';

function useSecondsSince(start: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  return Math.max(0, (now - start) / 1000);
}

const TONE: Record<string, string> = { healthy: 'tone-green', degraded: 'tone-yellow', unhealthy: 'tone-red' };

function HealthCells({ h, loadedAt }: { h: Health; loadedAt: number }) {
  const since = useSecondsSince(loadedAt);
  return (
    <dl className="health-grid" data-testid="health">
      <div><dt>Status</dt><dd><span className={`badge ${TONE[h.status] ?? 'tone-red'}`}>{h.status}</span></dd></div>
      <div><dt>Database</dt><dd className={h.database === 'connected' ? 'ok' : 'bad'}>{h.database === 'connected' ? '✓ Connected' : '✗ Disconnected'}</dd></div>
      <div><dt>Model</dt><dd className={h.model_loaded ? 'ok' : 'bad'}>{h.model_loaded ? `✓ v${h.model_version ?? '?'} loaded` : '✗ Not loaded'}</dd></div>
      <div><dt>Uptime</dt><dd>{formatUptime(h.uptime_seconds + since)}</dd></div>
      <div><dt>Live sensors</dt><dd>{formatCount(h.sensors ?? 0)}</dd></div>
      <div><dt>Ingest queue</dt><dd>{formatCount(h.ingest_queue ?? 0)} waiting</dd></div>
    </dl>
  );
}

export function HealthPanel() {
  const health = useResource(async () => ({ h: await api.health(), at: Date.now() }), [], { resync: true });
  useLiveEvent('sensor', () => health.reload());
  return (
    <Panel title="System health">
      {health.loading && <Loading rows={1} />}
      {!health.data && health.error && <ErrorNote message={health.error} onRetry={health.reload} />}
      {health.data && <HealthCells h={health.data.h} loadedAt={health.data.at} />}
    </Panel>
  );
}
