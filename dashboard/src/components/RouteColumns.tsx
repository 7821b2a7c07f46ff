// Columns of the per-route tables (Metrics and Endpoints pages), from /api/endpoints rows.
import { Link } from 'react-router-dom';
import type { EndpointRow } from '../api/types';
import { formatAgo, formatCount, formatMs, formatPercent, formatRate } from '../lib/format';
import type { Column } from './SortableTable';

export const routeColumn: Column<EndpointRow> = {
  key: 'endpoint', title: 'Route', value: (r) => r.endpoint,
  render: (r) => <span className="mono"><span className="method">{r.method}</span> {r.endpoint}</span>,
};

export const requestsColumn: Column<EndpointRow> = { key: 'requests', title: 'Requests', numeric: true, value: (r) => r.requests, render: (r) => formatCount(r.requests) };

export const percentileColumns: Column<EndpointRow>[] = [
  { key: 'p50', title: 'p50', numeric: true, value: (r) => r.p50_response_time_ms, render: (r) => formatMs(r.p50_response_time_ms) },
  { key: 'p95', title: 'p95', numeric: true, value: (r) => r.p95_response_time_ms, render: (r) => formatMs(r.p95_response_time_ms) },
  { key: 'p99', title: 'p99', numeric: true, value: (r) => r.p99_response_time_ms, render: (r) => formatMs(r.p99_response_time_ms) },
];

export const errorRateColumn: Column<EndpointRow> = {
  key: 'error_rate', title: 'Error rate', numeric: true, value: (r) => r.error_rate,
  render: (r) => <span className={r.error_rate > 0.05 ? 'bad' : ''}>{formatPercent(r.error_rate, 1)}</span>,
};

export const endpointsColumns: Column<EndpointRow>[] = [
  routeColumn, requestsColumn,
  { key: 'rps', title: 'Rate', numeric: true, value: (r) => r.rps, render: (r) => formatRate(r.rps) },
  { key: 'avg', title: 'Avg', numeric: true, value: (r) => r.avg_response_time_ms, render: (r) => formatMs(r.avg_response_time_ms) },
  ...percentileColumns,
  errorRateColumn,
  {
    key: 'anomalies', title: 'Anomalies', numeric: true, value: (r) => r.anomalies,
    render: (r) => (r.anomalies > 0
      ? <Link to={`/anomalies?resolved=all&endpoint=${encodeURIComponent(r.endpoint)}`} aria-label={`${r.anomalies} anomalies on ${r.method} ${r.endpoint}`}>{formatCount(r.anomalies)}</Link>
      : '0'),
  },
  { key: 'last_seen', title: 'Last seen', value: (r) => r.last_seen, render: (r) => formatAgo(r.last_seen) },
];

export const metricsColumns: Column<EndpointRow>[] = [
  routeColumn, requestsColumn,
  { key: 'avg', title: 'Avg', numeric: true, value: (r) => r.avg_response_time_ms, render: (r) => formatMs(r.avg_response_time_ms) },
  ...percentileColumns,
  { key: 'max', title: 'Max', numeric: true, value: (r) => r.max_response_time_ms, render: (r) => formatMs(r.max_response_time_ms) },
  errorRateColumn,
  { key: 'server_error_rate', title: '5xx rate', numeric: true, value: (r) => r.server_error_rate, render: (r) => formatPercent(r.server_error_rate, 1) },
];
