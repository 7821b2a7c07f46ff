// The traffic chart: one point per time bucket (every route merged), requests and errors on
// the left axis, average and p95 latency on the right. Drawn by uPlot on a canvas, created
// once per theme and fed with setData, so live points never rebuild the DOM or flicker.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { averageLatency, totals, type Series } from '../lib/aggregate';
import { formatAxisTime, formatCount, formatMs } from '../lib/format';
import { useTheme } from '../theme/ThemeContext';

interface Props {
  series: Series;
  height?: number;
  label: string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function chartData(s: Series): uPlot.AlignedData {
  const avg: (number | null)[] = s.times.map((_, i) => averageLatency(s, i));
  return [
    s.times.map((t) => t / 1000),
    s.requests,
    s.errors,
    s.p95,
    avg,
  ] as uPlot.AlignedData;
}

/** Whole numbers only on the count axis. */
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1e6, 1e7];

/** Latency axis (log scale) labelled at powers of ten only. */
function decades(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const out: number[] = [];
  if (!(max > 0)) return out;
  for (let e = Math.floor(Math.log10(Math.max(min, 1e-3))); e <= Math.ceil(Math.log10(max)); e++) {
    const v = 10 ** e;
    if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
  }
  return out;
}

/** Markers only where values are few, so isolated latency points (sparse traffic) are visible. */
function sparsePoints(color: string, size = 5): uPlot.Series.Points {
  return {
    size, fill: color, stroke: color,
    show: (u: uPlot, si: number) => {
      const values = u.data[si] ?? [];
      let n = 0;
      for (const v of values) if (v !== null && v !== undefined) n++;
      return n > 0 && n < Math.max(60, u.bbox.width / devicePixelRatio / 3);
    },
  };
}

function options(width: number, height: number, spanMs: number): uPlot.Options {
  const grid = { stroke: cssVar('--grid'), width: 1 };
  const axis = { stroke: cssVar('--muted'), grid, ticks: { stroke: cssVar('--grid'), width: 1 } };
  return {
    width, height,
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] }, ms: { distr: 3 } },
    axes: [
      { ...axis, values: (_u, splits) => splits.map((v) => formatAxisTime(v * 1000, spanMs)) },
      { ...axis, scale: 'count', size: 50, incrs: COUNT_INCRS, values: (_u, splits) => splits.map((v) => formatCount(v)) },
      { ...axis, scale: 'ms', side: 1, size: 64, grid: { show: false }, ticks: { show: false }, splits: decades, values: (_u, splits) => splits.map((v) => formatMs(v)) },
    ],
    series: [
      { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleString()) },
      { label: 'Requests', scale: 'count', stroke: cssVar('--chart-requests'), fill: cssVar('--chart-requests-fill'), width: 1.5, points: { show: false }, value: (_u, v) => formatCount(v) },
      { label: 'Errors (4xx+5xx)', scale: 'count', stroke: cssVar('--chart-errors'), width: 1.5, points: { show: false }, value: (_u, v) => formatCount(v) },
      { label: 'p95 (slowest route)', scale: 'ms', stroke: cssVar('--chart-p95'), width: 1, dash: [4, 4], points: sparsePoints(cssVar('--chart-p95'), 3), value: (_u, v) => formatMs(v) },
      { label: 'Avg latency', scale: 'ms', stroke: cssVar('--chart-latency'), width: 1.5, points: sparsePoints(cssVar('--chart-latency')), value: (_u, v) => formatMs(v) },
    ],
  };
}

export function TrafficChart({ series, height = 280, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { theme } = useTheme();
  const [width, setWidth] = useState(0);
  const spanMs = series.times.length > 1 ? (series.times[series.times.length - 1] ?? 0) - (series.times[0] ?? 0) : 0;
  const sum = useMemo(() => totals(series), [series]);

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Created once per theme and span class (axis format); data changes go through setData.
  const spanClass = spanMs > 3 * 86400_000 ? 'days' : 'hours';
  useEffect(() => {
    const el = box.current;
    if (!el || width === 0) return undefined;
    const u = new uPlot(options(width, height, spanMs), chartData(series), el);
    plot.current = u;
    return () => { u.destroy(); plot.current = null; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, height, spanClass, width > 0]);

  useEffect(() => { plot.current?.setSize({ width, height }); }, [width, height]);
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    // The figures script (tests/bench/dashboard_figures.sh) sets this array to time each
    // update: setData here, the redraw in uPlot's microtask, measured in the next one.
    const timings = (window as { __sfChartTimings?: number[] }).__sfChartTimings;
    const t0 = timings ? performance.now() : 0;
    u.setData(chartData(series));
    if (timings) queueMicrotask(() => timings.push(performance.now() - t0));
  }, [series]);

  const summary = `${label}: ${formatCount(sum.requests)} requests and ${formatCount(sum.errors)} errors in ${series.times.length} buckets`;
  return (
    <figure className="chart" aria-label={summary} data-testid="traffic-chart"
      data-total-requests={sum.requests} data-total-errors={sum.errors} data-buckets={series.times.length}>
      <div ref={box} className="chart-canvas" style={{ minHeight: height }} role="img" aria-label={summary} />
      <figcaption className="muted small">
        Percentiles of different routes cannot be averaged: the dashed line is the slowest route&apos;s p95 in each
        bucket, an upper bound of the overall p95.
      </figcaption>
    </figure>
  );
}
