// Endpoints: every route template with its traffic, latency, error rate and a link to its
// anomalies.
import { api } from '../api/client';
import { Panel } from '../components/Panel';
import { RangePicker, useRangeParams } from '../components/RangePicker';
import { endpointsColumns } from '../components/RouteColumns';
import { SortableTable } from '../components/SortableTable';
import { Empty, ErrorNote, Loading, StaleNote } from '../components/States';
import { useResource } from '../hooks/useResource';
import { iso, rangeInfo } from '../lib/timeRange';

export default function EndpointsPage() {
  const { range, bucket } = useRangeParams('24h');
  const info = rangeInfo(range);
  const res = useResource((signal) => {
    const end = Date.now();
    return api.endpoints({ start_time: iso(end - info.ms), end_time: iso(end) }, signal);
  }, [range], { resync: true });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Endpoints</h1>
          <p className="muted">Route templates seen in the {info.label.toLowerCase()}; ids and numbers in paths are folded into {'{id}'}.</p>
        </div>
        <RangePicker range={range} bucket={bucket} />
      </div>
      <Panel title="Routes" subtitle={res.data ? `${res.data.total} routes` : undefined}>
        {res.loading && <Loading rows={6} />}
        {!res.data && res.error && <ErrorNote message={res.error} onRetry={res.reload} />}
        {res.data && res.error && <StaleNote message={res.error} onRetry={res.reload} />}
        {res.data && res.data.endpoints.length === 0 && <Empty title="No routes seen in this range" hint="Traffic from sensors or POST /api/traffic shows up here." />}
        {res.data && res.data.endpoints.length > 0 && (
          <SortableTable caption="Routes" columns={endpointsColumns} rows={res.data.endpoints}
            rowKey={(r) => `${r.method} ${r.endpoint}`} initialSort="requests" testId="endpoints-table" />
        )}
      </Panel>
    </div>
  );
}
