// Time ranges the pages offer, their bucket sizes, and the ISO window each one asks for.
import type { Bucket } from '../api/types';

export type RangeKey = '1h' | '6h' | '24h' | '7d';

export const RANGES: { key: RangeKey; label: string; ms: number; bucket: Bucket }[] = [
  { key: '1h', label: 'Last hour', ms: 3600_000, bucket: '1m' },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3600_000, bucket: '5m' },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3600_000, bucket: '5m' },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000, bucket: '1h' },
];

export const BUCKET_MS: Record<Bucket, number> = {
  '1m': 60_000, '5m': 300_000, '1h': 3600_000, '1d': 86400_000,
};

export const BUCKET_LABEL: Record<Bucket, string> = {
  '1m': '1 minute', '5m': '5 minutes', '1h': '1 hour', '1d': '1 day',
};

export function rangeInfo(key: RangeKey) {
  const found = RANGES.find((r) => r.key === key);
  if (!found) throw new Error(`unknown range ${key}`);
  return found;
}

export interface Window {
  startMs: number;
  endMs: number;
}

/** The window ending now, its start aligned down to the bucket so the first bucket is whole. */
export function windowEndingNow(rangeMs: number, bucket: Bucket, nowMs: number = Date.now()): Window {
  const size = BUCKET_MS[bucket];
  const startMs = Math.floor((nowMs - rangeMs) / size) * size;
  return { startMs, endMs: nowMs };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Buckets a window holds at a size: how many points a chart will draw. */
export function bucketCount(rangeMs: number, bucket: Bucket): number {
  return Math.ceil(rangeMs / BUCKET_MS[bucket]);
}
