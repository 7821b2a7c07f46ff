// Metrics: a time range and bucket size, the merged traffic chart, and per-route latency
// percentiles (p50/p95/p99 from the server's merged histograms), sortable.
import { api } from '../api/client';
import { Panel } from '../components/Panel';
import { RangePicker, useRangeParams } from '../components/RangePicker';
import { metricsColumns } from '../components/RouteColumns';
import { SortableTable } from '../components/SortableTable';
import { Empty, ErrorNote, Loading, StaleNote } from '../components/States';
import { TrafficChart } from '../components/TrafficChart';
import { useResource } from '../hooks/useResource';
import { useTrafficWindow } from '../hooks/useTrafficWindow';
import { totals } from '../lib/aggregate';
import { formatCount, formatMs, formatPercent } from '../lib/format';
import { BUCKET_LABEL, iso, rangeInfo } from '../lib/timeRange';

export default function MetricsPage() {
  const { range, bucket } = useRangeParams('24h');
  const info = rangeInfo(range);
  const traffic = useTrafficWindow(info.ms, bucket);
  const routes = useResource((signal) => {
    const end = Date.now();
    return api.endpoints({ start_time: iso(end - info.ms), end_time: iso(end) }, signal);
  }, [range], { resync: true });
  const t = traffic.series ? totals(traffic.series) : null;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Metrics</h1>
          <p className="muted">{info.label} in buckets of {BUCKET_LABEL[bucket]}; every route merged in the chart.</p>
        </div>
        <RangePicker range={range} bucket={bucket} />
      </div>
      <Panel title="Traffic" subtitle={t ? `${formatCount(t.requests)} requests · average ${formatMs(t.avgMs)} · ${formatPercent(t.errorRate, 2)} errors` : undefined}>
        {traffic.loading && <Loading rows={4} />}
        {!traffic.series && traffic.error && <ErrorNote message={traffic.error} onRetry={traffic.reload} />}
        {traffic.series && traffic.error && <StaleNote message={traffic.error} onRetry={traffic.reload} />}
        {traffic.series && (t?.requests === 0
          ? <Empty title={`No metrics for the ${info.label.toLowerCase()}`} hint="Generate some traffic to see metrics." />
          : <TrafficChart series={traffic.series} label={`Traffic, ${info.label.toLowerCase()}`} height={320} />)}
      </Panel>
      <Panel title="Latency by route" subtitle="Percentiles over the whole range; click a header to sort">
        {routes.loading && <Loading rows={5} />}
        {!routes.data && routes.error && <ErrorNote message={routes.error} onRetry={routes.reload} />}
        {routes.data && routes.data.endpoints.length === 0 && <Empty title="No routes in this range" />}
        {routes.data && routes.data.endpoints.length > 0 && (
          <SortableTable caption="Latency by route" columns={metricsColumns} rows={routes.data.endpoints}
            rowKey={(r) => `${r.method} ${r.endpoint}`} initialSort="p95" testId="route-table" />
        )}
      </Panel>
    </div>
  );
}
