// The traffic of a window that ends now, one point per bucket with every route merged,
// kept current by the live stream: seconds that arrive are added to their bucket, and the
// window slides. Live seconds the loaded answer may already hold (stored before the query
// started, by the server's clock) are skipped, so nothing is counted twice.
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchAllMetrics } from '../api/client';
import { errorText } from '../api/errors';
import type { Bucket, LiveTraffic } from '../api/types';
import { applyLive, mergeEndpoints, type Series } from '../lib/aggregate';
import { BUCKET_MS, iso, windowEndingNow, type Window } from '../lib/timeRange';
import { useLive, useLiveEvent } from '../live/LiveContext';

export interface TrafficWindow {
  series: Series | null;
  window: Window | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** True when a live second may hold records the answer of a query started at `queryStartMs` already has. */
export function coveredByQuery(ev: LiveTraffic, queryStartMs: number): boolean {
  const t = Date.parse(ev.time);
  return Number.isNaN(t) || t < queryStartMs + 1000;
}

export function useTrafficWindow(rangeMs: number, bucket: Bucket, endpoint?: string): TrafficWindow {
  const { serverNow } = useLive();
  const [series, setSeries] = useState<Series | null>(null);
  const [window, setWindow] = useState<Window | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const queryStart = useRef(Number.POSITIVE_INFINITY);
  const pending = useRef<LiveTraffic[] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const now = serverNow();
    const w = windowEndingNow(rangeMs, bucket, now);
    queryStart.current = now;
    pending.current = [];
    fetchAllMetrics({ start_time: iso(w.startMs), end_time: iso(w.endMs), bucket, endpoint }, controller.signal).then(
      (rows) => {
        if (controller.signal.aborted) return;
        let s = mergeEndpoints(rows, BUCKET_MS[bucket], w.startMs, w.endMs + 1);
        for (const ev of pending.current ?? []) if (!coveredByQuery(ev, now)) s = applyLive(s, ev);
        pending.current = null;
        setSeries(s);
        setWindow(w);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        pending.current = null;
        setError(errorText(err, 'Could not load traffic'));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [rangeMs, bucket, endpoint, generation, serverNow]);

  useLiveEvent('traffic', (ev) => {
    if (endpoint || ev.requests <= 0) return; // live seconds are not split by route
    if (pending.current) { pending.current.push(ev); return; }
    if (coveredByQuery(ev, queryStart.current)) return;
    setSeries((s) => (s ? applyLive(s, ev) : s));
    setWindow((w) => (w ? { ...w, endMs: Math.max(w.endMs, Date.parse(ev.time)) } : w));
  });

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useLiveEvent('resync', reload);
  return { series, window, error, loading, reload };
}
