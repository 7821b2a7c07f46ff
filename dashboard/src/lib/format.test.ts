import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatCount, formatMs, formatPercent, formatRate, formatUptime, typeLabel } from './format';

describe('format', () => {
  it('writes latencies with a unit that fits', () => {
    expect(formatMs(0.25)).toBe('250 µs');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(337.4)).toBe('337 ms');
    expect(formatMs(8598)).toBe('8598 ms');
    expect(formatMs(12_500)).toBe('12.5 s');
    expect(formatMs(0)).toBe('0 ms');
  });

  it('never writes "N/Ams" for missing values (the reference did)', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(undefined)).toBe('—');
    expect(formatMs(Number.NaN)).toBe('—');
    expect(formatPercent(null)).toBe('—');
    expect(formatCount(undefined)).toBe('—');
  });

  it('formats counts, percentages, rates and sizes', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatPercent(0.0704, 2)).toBe('7.04%');
    expect(formatRate(25)).toBe('25/s');
    expect(formatRate(0.5)).toBe('0.5/s');
    expect(formatRate(0.01)).toBe('0.6/min');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(512)).toBe('512 B');
  });

  it('replaces every underscore in type names (the reference replaced only the first)', () => {
    expect(typeLabel('response_time_spike')).toBe('Response time spike');
    expect(typeLabel('sql_injection')).toBe('Sql injection');
    expect(typeLabel('')).toBe('Unknown');
  });

  it('says how long ago and how long up', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(formatAgo('2026-12-04T11:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2026-12-04T11:50:00Z', now)).toBe('10 min ago');
    expect(formatAgo('2026-12-04T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo(null, now)).toBe('never');
    expect(formatUptime(3725)).toBe('1h 2m 5s');
    expect(formatUptime(90061)).toBe('1d 1h 1m');
  });
});
