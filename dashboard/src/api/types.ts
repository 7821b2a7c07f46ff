// Types of the collector's JSON answers, as ../shared/spec/api.md defines them.

export type Role = 'admin' | 'analyst' | 'guest';

export interface User {
  id: number;
  username: string;
  email: string;
  role: Role;
  is_active?: boolean;
  created_at?: string;
}

export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export interface Health {
  status: 'healthy' | 'degraded' | 'unhealthy';
  database: string;
  model_loaded: boolean;
  uptime_seconds: number;
  model_version?: number | null;
  sensors?: number;
  ingest_queue?: number;
}

export interface MetricRow {
  time_window: string;
  endpoint: string;
  request_count: number;
  avg_response_time_ms: number;
  error_count: number;
  server_error_count?: number;
  p95_response_time_ms: number | null;
  p99_response_time_ms: number | null;
}

export interface MetricsPage {
  metrics: MetricRow[];
  total: number;
}

export type Bucket = '1m' | '5m' | '1h' | '1d';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type AnomalyLabel = 'true_positive' | 'false_positive';

export interface TrafficLog {
  /** null for an incident no single record opened (a route gone quiet, a silent sensor). */
  id: number | null;
  endpoint: string;
  method: string;
  status_code: number;
  response_time_ms: number;
  timestamp: string;
}

export interface Anomaly {
  id: number;
  detected_at: string;
  anomaly_score: number;
  anomaly_type: string;
  features: Record<string, number> | null;
  is_resolved: boolean;
  severity: Severity;
  reasons: string[] | null;
  label: AnomalyLabel | null;
  detector?: string;
  model_version?: number;
  traffic_log: TrafficLog | null;
  /** An anomaly is an incident: the records it covers, when (traffic time), and about whom. */
  count?: number;
  first_seen?: string | null;
  last_seen?: string | null;
  subject?: string | null;
  /** Set by the dashboard on items from the live stream until the stored row replaces them. */
  fromStream?: boolean;
}

export interface AnomalyPage {
  anomalies: Anomaly[];
  total: number;
  limit: number;
  offset: number;
}

export interface EndpointRow {
  endpoint: string;
  method: string;
  requests: number;
  rps: number;
  avg_response_time_ms: number;
  max_response_time_ms?: number;
  p50_response_time_ms: number | null;
  p95_response_time_ms: number | null;
  p99_response_time_ms: number | null;
  error_rate: number;
  server_error_rate?: number;
  errors?: number;
  server_errors?: number;
  anomalies: number;
  first_seen: string;
  last_seen: string;
}

export interface EndpointsPage {
  endpoints: EndpointRow[];
  total: number;
  start_time?: string;
  end_time?: string;
}

export interface Sensor {
  id: string;
  hostname: string | null;
  interface: string | null;
  version: string | null;
  first_seen: string;
  last_seen: string;
  online: boolean;
  stats: Partial<Record<string, number>>;
}

export interface SensorsPage {
  sensors: Sensor[];
  total: number;
}

export interface TrainingStatus {
  state: 'idle' | 'training' | 'failed' | string;
  source?: string;
  active_version?: number;
  started_at: string | null;
  finished_at: string | null;
  rows: number;
  last_error: string | null;
}

export interface ModelInfo {
  version: number | null;
  trained_at?: string;
  training_rows?: number;
  feature_names?: string[];
  threshold?: number;
  contamination?: number;
  trees?: number;
  sample_size?: number;
  source?: string;
  training?: TrainingStatus;
}

export interface ModelMetrics {
  id?: number;
  model_version: string;
  evaluation_date: string;
  total_predictions: number;
  true_positives: number;
  false_positives: number;
  true_negatives: number;
  false_negatives: number;
  precision: number | null;
  recall: number | null;
  f1_score: number | null;
  accuracy: number | null;
  auc_roc: number | null;
  avg_anomaly_score?: number | null;
  threshold_used?: number | null;
  labels?: { operator: number; demo: number };
}

export interface ModelMetricsPage {
  metrics: ModelMetrics[];
  total: number;
}

export interface DemoAnswer {
  success: boolean;
  message: string;
  traffic_logs_created: number;
  anomalies_created: number;
  time_range: { start: string; end: string };
}

/** One second of stored traffic, from `event: traffic` on /api/stream. */
export interface LiveTraffic {
  time: string;
  requests: number;
  errors: number;
  server_errors: number;
  anomalies: number;
  avg_response_time_ms: number;
  p95_response_time_ms: number;
  p99_response_time_ms: number;
}

export interface LiveSensorChange {
  live_sensors: number;
  previous: number;
}
