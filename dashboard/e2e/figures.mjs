// The dashboard's figures (tests/bench/dashboard_figures.sh): first contentful paint beside a
// floor page, ingest → anomaly on screen delay over 20 tries, and the chart's update time with
// 24 h of 1-minute buckets on screen while live points arrive. Prints a markdown table.
//   node e2e/figures.mjs BASE_URL
import { createServer } from 'node:http';
import { Api, launch, sleep } from './browser.mjs';

const [base] = process.argv.slice(2);
const api = new Api(base);
const PASSWORD = 'figures password';
const admin = await api.account('fig_admin', PASSWORD);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const fmt = (x) => (x === undefined || x === null ? 'n/a' : x.toFixed(1));
const rows = [];

// Data: 3 × 1000 demo records over the last 24 h, so the chart has real buckets to draw.
for (let i = 0; i < 3; i++) await api.call('POST', '/api/demo/generate?count=1000&hours_back=24', { token: admin });

const browser = await launch();
const guest = (await api.call('POST', '/api/auth/demo')).access_token;
const sessionScript = (token) => `localStorage.setItem('securaflow.session', JSON.stringify({ token: ${JSON.stringify(token)}, guest: true, user: { id: 0, username: 'demo_user', email: 'demo@securaflow.com', role: 'guest' }, expiresAt: Date.now() + 3600e3 }));`;

// --- First contentful paint: the dashboard's login page and overview vs a floor page -----------
const floor = createServer((_q, r) => { r.writeHead(200, { 'Content-Type': 'text/html' }); r.end('<!doctype html><title>floor</title><h1>SecuraFlow</h1>'); });
await new Promise((ok) => floor.listen(0, '127.0.0.1', ok));
const floorUrl = `http://127.0.0.1:${floor.address().port}/`;
async function fcp(url, init) {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } }); // cold cache each time
    if (init) await ctx.addInitScript(init);
    const page = await ctx.newPage();
    await page.goto(url);
    const t = await page.evaluate(() => new Promise((ok) => {
      const e = performance.getEntriesByName('first-contentful-paint')[0];
      if (e) return ok(e.startTime);
      new PerformanceObserver((l) => ok(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
    }));
    times.push(t);
    await ctx.close();
  }
  return times;
}
const fFloor = await fcp(floorUrl);
const fLogin = await fcp(`${base}/login`);
const fOverview = await fcp(`${base}/`, sessionScript(guest));
floor.close();
rows.push(['First contentful paint, floor page (one <h1>, same browser)', `median ${fmt(pct(fFloor, 50))} ms, p95 ${fmt(pct(fFloor, 95))} ms`, '']);
rows.push(['First contentful paint, /login (cold cache, 10 loads)', `median ${fmt(pct(fLogin, 50))} ms, p95 ${fmt(pct(fLogin, 95))} ms`, `${(pct(fLogin, 50) / pct(fFloor, 50)).toFixed(2)}× floor; goal < 1000 ms`]);
rows.push(['First contentful paint, overview signed in (cold cache, 10 loads)', `median ${fmt(pct(fOverview, 50))} ms, p95 ${fmt(pct(fOverview, 95))} ms`, `${(pct(fOverview, 50) / pct(fFloor, 50)).toFixed(2)}× floor; goal < 1000 ms`]);

// --- Ingest → anomaly on screen, 20 tries (each on its own route: one route's 5xx are one incident) ---
{
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(sessionScript(guest));
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('[data-testid=live-status][data-status=live]');
  await page.waitForSelector('[data-testid=recent-anomalies]');
  await page.evaluate(() => {
    window.__seen = {};
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=recent-anomalies]')?.textContent ?? '';
      for (const m of text.matchAll(/\/fig-(\d+)\//g)) if (!window.__seen[m[1]]) window.__seen[m[1]] = Date.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const delays = [];
  for (let i = 0; i < 20; i++) {
    const id = String(1000 + i);
    const sent = Date.now();
    await api.call('POST', '/api/traffic', { token: admin, json: { endpoint: `/fig-${id}/check`, method: 'GET', status_code: 503, response_time_ms: 12000 } });
    const seen = await page.waitForFunction((k) => window.__seen[k], id, { timeout: 10000 }).then((h) => h.jsonValue()).catch(() => null);
    delays.push(seen ? seen - sent : Number.POSITIVE_INFINITY);
    await sleep(300 + Math.random() * 700); // land at different points of the stream's second
  }
  const missed = delays.filter((d) => !Number.isFinite(d)).length;
  rows.push(['Ingest call → anomaly on screen (20 tries)', `p50 ${fmt(pct(delays, 50))} ms, p95 ${fmt(pct(delays, 95))} ms, max ${fmt(Math.max(...delays))} ms${missed ? `, ${missed} missed` : ''}`, 'goal p95 < 2000 ms']);
  await ctx.close();
}

// --- Chart update with 24 h of 1-minute buckets while live points arrive ----------------------
{
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(sessionScript(guest));
  await ctx.addInitScript('window.__sfChartTimings = [];');
  const page = await ctx.newPage();
  await page.goto(`${base}/metrics?range=24h&bucket=1m`);
  await page.waitForSelector('[data-testid=traffic-chart] canvas');
  await page.waitForSelector('[data-testid=live-status][data-status=live]');
  const buckets = Number(await page.getAttribute('[data-testid=traffic-chart]', 'data-buckets'));
  await page.evaluate(() => {
    window.__sfChartTimings.length = 0;
    window.__frames = [];
    window.__long = 0;
    new PerformanceObserver((l) => { window.__long += l.getEntries().length; }).observe({ type: 'longtask' });
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 100000) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const until = Date.now() + 30000;
  let sent = 0;
  while (Date.now() < until) {
    await api.call('POST', '/api/traffic', { token: admin, json: { endpoint: `/api/live/${sent % 7}`, method: 'GET', status_code: 200, response_time_ms: 5 + (sent % 40) } });
    sent++;
    await sleep(100);
  }
  await sleep(1500);
  const r = await page.evaluate(() => ({ updates: [...window.__sfChartTimings], frames: window.__frames.slice(5), long: window.__long }));
  rows.push([`Chart update, ${buckets} one-minute buckets on screen, live second arriving (${r.updates.length} updates, ${sent} records in 30 s)`,
    `p50 ${fmt(pct(r.updates, 50))} ms, p95 ${fmt(pct(r.updates, 95))} ms, max ${fmt(Math.max(...r.updates))} ms`, 'goal < 16 ms (one frame at 60 Hz)']);
  rows.push(['Frame interval during that time (requestAnimationFrame)', `p50 ${fmt(pct(r.frames, 50))} ms, p95 ${fmt(pct(r.frames, 95))} ms, max ${fmt(Math.max(...r.frames))} ms; ${r.long} long tasks (> 50 ms)`, 'headless chromium, vsync 16.7 ms']);
  await ctx.close();
}

await browser.close();
console.log('| figure | measured | against |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
