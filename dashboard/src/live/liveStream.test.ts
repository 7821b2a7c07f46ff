import { describe, expect, it } from 'vitest';
import { LiveStream, type EventSourceLike, type LiveStatus } from './liveStream';

class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  listeners = new Map<string, (ev: MessageEvent) => void>();
  constructor(readonly url: string) {}
  addEventListener(type: string, fn: (ev: MessageEvent) => void) { this.listeners.set(type, fn); }
  close() { this.closed = true; }
  open() { this.readyState = 1; this.onopen?.(new Event('open')); }
  fail() { this.readyState = 2; this.onerror?.(new Event('error')); }
  send(type: string, data: unknown) { this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) })); }
}

/** Timers under the test's control. */
class Clock {
  now = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  setTimeout = (fn: () => void, ms: number) => { const id = this.next++; this.timers.push({ at: this.now + ms, fn, id }); return id; };
  clearTimeout = (id: unknown) => { this.timers = this.timers.filter((t) => t.id !== id); };
  advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers[0];
      if (!t || t.at > end) break;
      this.timers.shift();
      this.now = t.at;
      t.fn();
    }
    this.now = end;
  }
}

function setup() {
  const clock = new Clock();
  const sources: FakeSource[] = [];
  const statuses: LiveStatus[] = [];
  const seen = { traffic: 0, anomaly: 0, resync: 0, failing: 0 };
  const stream = new LiveStream({
    url: () => '/api/stream?access_token=t',
    createSource: (u) => { const s = new FakeSource(u); sources.push(s); return s; },
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: () => clock.now, staleMs: 8000,
  }, {
    status: (s) => statuses.push(s),
    traffic: () => { seen.traffic++; },
    anomaly: () => { seen.anomaly++; },
    resync: () => { seen.resync++; },
    failing: () => { seen.failing++; },
  });
  return { clock, sources, statuses, seen, stream };
}

const second = { time: '2026-12-04T10:00:00Z', requests: 1, errors: 0, server_errors: 0, anomalies: 0, avg_response_time_ms: 1, p95_response_time_ms: 1, p99_response_time_ms: 1 };

describe('LiveStream', () => {
  it('connects with the token in the URL and reports live', () => {
    const { sources, statuses, stream, seen } = setup();
    stream.start();
    expect(sources[0]?.url).toBe('/api/stream?access_token=t');
    sources[0]?.open();
    sources[0]?.send('traffic', second);
    sources[0]?.send('anomaly', { id: 1 });
    expect(statuses).toEqual(['connecting', 'live']);
    expect(seen.traffic).toBe(1);
    expect(seen.anomaly).toBe(1);
  });

  it('reconnects by itself after an error, with a growing delay, and asks for a resync', () => {
    const { clock, sources, statuses, stream, seen } = setup();
    stream.start();
    sources[0]?.open();
    sources[0]?.fail();
    expect(sources[0]?.closed).toBe(true);
    expect(statuses.at(-1)).toBe('offline');
    clock.advance(999);
    expect(sources).toHaveLength(1);
    clock.advance(1);
    expect(sources).toHaveLength(2); // after 1 s
    sources[1]?.fail();
    clock.advance(1999);
    expect(sources).toHaveLength(2);
    clock.advance(1);
    expect(sources).toHaveLength(3); // after 2 s more
    sources[2]?.open();
    expect(statuses.at(-1)).toBe('live');
    expect(seen.resync).toBe(1);
    sources[2]?.fail();
    clock.advance(1000);
    expect(sources).toHaveLength(4); // the delay starts again from 1 s after a success
  });

  it('treats a silent connection as dead', () => {
    const { clock, sources, stream, statuses } = setup();
    stream.start();
    sources[0]?.open();
    clock.advance(7000);
    sources[0]?.send('traffic', second); // keeps it alive
    clock.advance(7000);
    expect(sources).toHaveLength(1);
    clock.advance(1000);
    expect(statuses.at(-1)).toBe('offline');
    expect(sources[0]?.closed).toBe(true);
    clock.advance(1000);
    expect(sources).toHaveLength(2);
  });

  it('checks the token after three failures in a row', () => {
    const { clock, sources, stream, seen } = setup();
    stream.start();
    for (let i = 0; i < 3; i++) {
      sources[i]?.fail();
      clock.advance(20_000);
    }
    expect(seen.failing).toBe(1);
  });

  it('stops for good on stop()', () => {
    const { clock, sources, stream, statuses } = setup();
    stream.start();
    sources[0]?.open();
    stream.stop();
    expect(sources[0]?.closed).toBe(true);
    expect(statuses.at(-1)).toBe('offline');
    clock.advance(60_000);
    expect(sources).toHaveLength(1);
  });

  it('ignores events from a connection it already dropped, and malformed data', () => {
    const { clock, sources, stream, seen } = setup();
    stream.start();
    const first = sources[0];
    first?.fail();
    clock.advance(1000);
    first?.send('traffic', second);
    expect(seen.traffic).toBe(0);
    sources[1]?.listeners.get('traffic')?.(new MessageEvent('traffic', { data: '{oops' }));
    expect(seen.traffic).toBe(0);
  });

  it('learns the server clock offset from traffic stamps', () => {
    const { clock, sources, stream } = setup();
    clock.now = Date.parse('2026-12-04T10:00:00.400Z');
    stream.start();
    sources[0]?.send('traffic', { ...second, time: '2026-12-04T10:00:05Z' });
    expect(stream.serverOffsetMs).toBe(4600);
  });
});
