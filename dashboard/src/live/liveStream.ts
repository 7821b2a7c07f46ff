// The connection to /api/stream (Server-Sent Events), kept open by itself: a failed or
// silent connection is closed and reopened with a growing delay (1 s, 2 s, 4 s … 15 s), a
// reopened one asks the pages to refetch what they may have missed, and every change of
// state is reported so the header can say "Live" or "Offline". Plain TypeScript, no React,
// so the reconnection logic is tested with a fake EventSource and fake timers.
import type { Anomaly, LiveSensorChange, LiveTraffic } from '../api/types';

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export interface LiveHandlers {
  traffic?: (ev: LiveTraffic) => void;
  anomaly?: (ev: Anomaly) => void;
  sensor?: (ev: LiveSensorChange) => void;
  status?: (status: LiveStatus) => void;
  /** The stream came back after a break: refetch what may have been missed. */
  resync?: () => void;
  /** Several attempts failed in a row: check whether the token still works. */
  failing?: () => void;
}

export interface LiveOptions {
  url: () => string | null;
  createSource?: (url: string) => EventSourceLike;
  /** No event for this long means the connection is dead (the server sends one a second). */
  staleMs?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];

export class LiveStream {
  private source: EventSourceLike | null = null;
  private status: LiveStatus = 'offline';
  private attempt = 0;
  private everOpened = false;
  private retryTimer: unknown = null;
  private staleTimer: unknown = null;
  private stopped = true;
  /** Server clock minus this clock, ms (from the traffic events' second stamps). */
  serverOffsetMs = 0;
  lastEventAt = 0;

  private readonly opts: Required<Omit<LiveOptions, 'url'>> & { url: () => string | null };

  constructor(options: LiveOptions, private readonly handlers: LiveHandlers) {
    this.opts = {
      url: options.url,
      createSource: options.createSource ?? ((u) => new EventSource(u) as unknown as EventSourceLike),
      staleMs: options.staleMs ?? 8000,
      setTimeout: options.setTimeout ?? ((fn, ms) => window.setTimeout(fn, ms)),
      clearTimeout: options.clearTimeout ?? ((h) => window.clearTimeout(h as number)),
      now: options.now ?? (() => Date.now()),
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.source?.close();
    this.source = null;
    this.setStatus('offline');
  }

  getStatus(): LiveStatus { return this.status; }

  private setStatus(s: LiveStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.handlers.status?.(s);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.opts.clearTimeout(this.retryTimer);
    if (this.staleTimer !== null) this.opts.clearTimeout(this.staleTimer);
    this.retryTimer = null;
    this.staleTimer = null;
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    const url = this.opts.url();
    if (!url) { this.setStatus('offline'); return; }
    this.setStatus('connecting');
    const src = this.opts.createSource(url);
    this.source = src;
    src.onopen = () => {
      if (src !== this.source) return;
      const reopened = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.setStatus('live');
      this.armStale();
      if (reopened) this.handlers.resync?.();
    };
    src.onerror = () => { if (src === this.source) this.fail(); };
    src.addEventListener('traffic', (ev) => this.onMessage(src, ev, (data) => {
      const t = data as LiveTraffic;
      const stamp = Date.parse(t.time);
      if (!Number.isNaN(stamp)) this.serverOffsetMs = stamp - this.opts.now();
      this.handlers.traffic?.(t);
    }));
    src.addEventListener('anomaly', (ev) => this.onMessage(src, ev, (d) => this.handlers.anomaly?.(d as Anomaly)));
    src.addEventListener('sensor', (ev) => this.onMessage(src, ev, (d) => this.handlers.sensor?.(d as LiveSensorChange)));
    this.armStale();
  }

  private onMessage(src: EventSourceLike, ev: MessageEvent, deliver: (data: unknown) => void): void {
    if (src !== this.source) return;
    this.lastEventAt = this.opts.now();
    if (this.status !== 'live') {
      // Some servers deliver data before (or without) an open event reaching us.
      this.setStatus('live');
      this.attempt = 0;
    }
    this.armStale();
    let data: unknown;
    try { data = JSON.parse(String(ev.data)); } catch { return; }
    if (data && typeof data === 'object') deliver(data);
  }

  private armStale(): void {
    if (this.staleTimer !== null) this.opts.clearTimeout(this.staleTimer);
    this.staleTimer = this.opts.setTimeout(() => { this.staleTimer = null; this.fail(); }, this.opts.staleMs);
  }

  /** Closes the connection and schedules the next attempt. */
  private fail(): void {
    if (this.stopped) return;
    this.clearTimers();
    this.source?.close();
    this.source = null;
    this.setStatus('offline');
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 15000;
    this.attempt++;
    if (this.attempt === 3) this.handlers.failing?.();
    this.retryTimer = this.opts.setTimeout(() => this.connect(), delay);
  }
}
