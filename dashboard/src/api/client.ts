// The typed API client: one function per route the dashboard calls. Adds the bearer token,
// turns error bodies into ApiError, and reports a 401 to the auth layer (which returns the
// user to the login page with a message).
import { ApiError, detailMessages } from './errors';
import type {
  AnomalyLabel, AnomalyPage, Anomaly, Bucket, DemoAnswer, EndpointsPage, Health, MetricRow,
  MetricsPage, ModelInfo, ModelMetrics, ModelMetricsPage, SensorsPage, TokenAnswer, User,
} from './types';

type Query = Record<string, string | number | boolean | undefined | null>;

interface Hooks {
  token: () => string | null;
  onUnauthorized: (message: string) => void;
}

const hooks: Hooks = { token: () => null, onUnauthorized: () => undefined };

/** Called once by the auth provider. */
export function configureClient(next: Partial<Hooks>): void {
  Object.assign(hooks, next);
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Query;
  json?: unknown;
  form?: Record<string, string>;
  /** Auth calls: a 401 there is a wrong password, not an expired session. */
  anonymous?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.anonymous ? null : hooks.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  let response: Response;
  try {
    response = await fetch(path + queryString(options.query), {
      method: options.method ?? 'GET', headers, body, signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, ['The collector cannot be reached. Check that it is running.']);
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  if (!response.ok) {
    const fallback = `Request failed (HTTP ${response.status})`;
    const error = new ApiError(response.status, detailMessages(parsed, fallback));
    if (response.status === 401 && !options.anonymous && token) {
      hooks.onUnauthorized('Your session has expired or is no longer valid. Please sign in again.');
    }
    throw error;
  }
  return parsed as T;
}

export interface MetricsQuery {
  start_time: string;
  end_time: string;
  bucket: Bucket;
  endpoint?: string;
}

const METRICS_PAGE = 10000;

/** Every row of a window, page by page (the server pages at `limit`). */
export async function fetchAllMetrics(q: MetricsQuery, signal?: AbortSignal): Promise<MetricRow[]> {
  const rows: MetricRow[] = [];
  for (let offset = 0; offset < 1_000_000; offset += METRICS_PAGE) {
    const page = await request<MetricsPage>('/api/metrics', {
      query: { ...q, limit: METRICS_PAGE, offset }, signal,
    });
    rows.push(...page.metrics);
    if (page.metrics.length < METRICS_PAGE || rows.length >= page.total) break;
  }
  return rows;
}

export interface AnomalyQuery {
  limit: number;
  offset: number;
  resolved?: boolean;
  type?: string;
  endpoint?: string;
  start_time?: string;
  end_time?: string;
}

export const api = {
  login: (username: string, password: string) =>
    request<TokenAnswer>('/api/auth/login', { method: 'POST', form: { username, password }, anonymous: true }),
  signup: (email: string, username: string, password: string) =>
    request<User>('/api/auth/signup', { method: 'POST', json: { email, username, password }, anonymous: true }),
  demo: () => request<TokenAnswer>('/api/auth/demo', { method: 'POST', anonymous: true }),
  me: () => request<User>('/api/auth/me'),
  health: () => request<Health>('/api/health'),
  anomalies: (q: AnomalyQuery, signal?: AbortSignal) =>
    request<AnomalyPage>('/api/anomalies', { query: { ...q }, signal }),
  resolve: (id: number) => request<Anomaly>(`/api/anomalies/${id}/resolve`, { method: 'POST' }),
  label: (id: number, label: AnomalyLabel) =>
    request<Anomaly>(`/api/anomalies/${id}/label`, { method: 'POST', json: { label } }),
  endpoints: (q: { start_time: string; end_time: string }, signal?: AbortSignal) =>
    request<EndpointsPage>('/api/endpoints', { query: { ...q, limit: 1000 }, signal }),
  sensors: (signal?: AbortSignal) => request<SensorsPage>('/api/sensors', { signal }),
  model: (signal?: AbortSignal) => request<ModelInfo>('/api/model', { signal }),
  train: () => request<{ status: string; message: string }>('/api/model/train', { method: 'POST' }),
  modelMetrics: (signal?: AbortSignal) =>
    request<ModelMetricsPage>('/api/model-metrics', { query: { limit: 20 }, signal }),
  evaluate: () => request<ModelMetrics>('/api/model-metrics/evaluate', { method: 'POST' }),
  generateDemo: () =>
    request<DemoAnswer>('/api/demo/generate', {
      method: 'POST', query: { count: 200, anomaly_rate: 0.15, hours_back: 24 },
    }),
};
