// Shares one /api/stream connection with every panel: its status for the header, and
// subscriptions to its events (traffic, anomaly, sensor, resync).
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Anomaly, LiveSensorChange, LiveTraffic } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { LiveStream, type LiveStatus } from './liveStream';

export interface LiveEvents {
  traffic: LiveTraffic;
  anomaly: Anomaly;
  sensor: LiveSensorChange;
  resync: null;
}
type Listener<K extends keyof LiveEvents> = (ev: LiveEvents[K]) => void;

class Hub {
  private listeners: { [K in keyof LiveEvents]: Set<Listener<K>> } = {
    traffic: new Set(), anomaly: new Set(), sensor: new Set(), resync: new Set(),
  };
  on<K extends keyof LiveEvents>(type: K, fn: Listener<K>): () => void {
    this.listeners[type].add(fn);
    return () => { this.listeners[type].delete(fn); };
  }
  emit<K extends keyof LiveEvents>(type: K, ev: LiveEvents[K]): void {
    for (const fn of this.listeners[type]) fn(ev);
  }
}

interface LiveState {
  status: LiveStatus;
  hub: Hub;
  /** This clock, corrected to the server's (ms since the epoch). */
  serverNow: () => number;
}

const LiveContext = createContext<LiveState | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const token = session?.token ?? null;
  const [status, setStatus] = useState<LiveStatus>('offline');
  const hub = useMemo(() => new Hub(), []);
  const streamRef = useRef<LiveStream | null>(null);

  useEffect(() => {
    if (!token) return undefined;
    const stream = new LiveStream(
      { url: () => `/api/stream?access_token=${encodeURIComponent(token)}` },
      {
        traffic: (ev) => hub.emit('traffic', ev),
        anomaly: (ev) => hub.emit('anomaly', ev),
        sensor: (ev) => hub.emit('sensor', ev),
        status: setStatus,
        resync: () => hub.emit('resync', null),
        // A stream that keeps failing may be a token the server no longer takes: a plain
        // call finds out, and its 401 signs the user out with a message.
        failing: () => { api.me().catch(() => undefined); },
      },
    );
    streamRef.current = stream;
    stream.start();
    return () => { stream.stop(); streamRef.current = null; };
  }, [token, hub]);

  const serverNow = useCallback(() => Date.now() + (streamRef.current?.serverOffsetMs ?? 0), []);
  const value = useMemo<LiveState>(() => ({ status, hub, serverNow }), [status, hub, serverNow]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('useLive outside LiveProvider');
  return ctx;
}

/** Calls `fn` for each event of a type while the component is mounted (latest fn, no resubscribe). */
export function useLiveEvent<K extends keyof LiveEvents>(type: K, fn: Listener<K>): void {
  const { hub } = useLive();
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => hub.on(type, (ev) => ref.current(ev)), [hub, type]);
}
