// How numbers, durations, percentages, times and anomaly types are written on screen.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return integer.format(n);
}

/** Latency: µs below 1 ms, one decimal below 100 ms, whole ms below 10 s, then seconds. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A ratio (0..1) as a percentage; `digits` decimals. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** A model score in 0..1 with three decimals ("—" when the server had none). */
export function formatScore(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v.toFixed(3);
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  if (perSecond >= 10) return `${integer.format(perSecond)}/s`;
  if (perSecond >= 0.1) return `${perSecond.toFixed(1)}/s`;
  const perMinute = perSecond * 60;
  if (perMinute >= 0.1) return `${perMinute.toFixed(1)}/min`;
  return `${(perMinute * 60).toFixed(1)}/h`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function pad(n: number): string { return n < 10 ? `0${n}` : String(n); }

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Dec 4, 14:03:07" in the browser's zone (with the year when it is not this year). */
export function formatDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const year = d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${MONTHS[d.getMonth()]} ${d.getDate()}${year}, ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 s ago", "5 min ago", "2 h ago", "3 d ago". */
export function formatAgo(iso: string | null | undefined, nowMs: number = Date.now()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '—';
  const s = Math.max(0, Math.round((nowMs - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatUptime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${s % 60}s`;
  return `${m}m ${s % 60}s`;
}

/** "response_time_spike" → "Response time spike" (every underscore, unlike the reference). */
export function typeLabel(type: string | null | undefined): string {
  if (!type) return 'Unknown';
  const words = type.replace(/[_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A feature name such as "ctx.client_rate_1m" in words. */
export function featureLabel(name: string): string {
  const known: Record<string, string> = {
    'meta.latency_ms_log': 'Latency (log ms)',
    'meta.request_bytes_log': 'Request size (log bytes)',
    'meta.response_bytes_log': 'Response size (log bytes)',
    'meta.status_class': 'Status class',
    'meta.method': 'Method code',
    'meta.hour_utc': 'Hour (UTC)',
    'meta.user_agent_length': 'User-Agent length',
    'ctx.client_rate_1m': 'Client requests in the last minute',
    'ctx.client_error_ratio_1m': 'Client error ratio, last minute',
    'ctx.client_distinct_paths_1m': 'Client distinct paths, last minute',
  };
  if (known[name]) return known[name];
  if (name.startsWith('kw.')) return `Payload looks like ${name.slice(3).replace(/_/g, ' ')}`;
  return typeLabel(name.replace(/^[a-z]+\./, ''));
}

/** Short axis labels: "14:05" within a day, "Dec 4" beyond. */
export function formatAxisTime(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs > 3 * 86400_000) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
