// The reference frontend's requests from a real browser (Debian's chromium driven by
// playwright-core), against a running collector:
//   node run.mjs COLLECTOR_BASE PAGE_PORT
// The collector must serve ./page as its dashboard (--dashboard-dir) and allow the origin
// http://127.0.0.1:PAGE_PORT (--cors-origins). This script serves ./page itself on that
// port, so the same requests run once cross-origin (real CORS preflights: every call
// carries Authorization) and once same-origin; a page from an origin not allowed must be
// refused by the browser. Prints "checks: N passed, M failed".
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [collector, pagePort] = [process.argv[2], Number(process.argv[3])];
const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'page');
let passed = 0;
let failed = 0;
function check(what, cond, detail = '') {
  if (cond) passed++;
  else { failed++; console.log(`FAILED: ${what} ${detail}`); }
}

// The other origin: a plain static server for ./page.
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const name = path === '/' ? 'index.html' : path.slice(1);
  if (!/^[a-z-]+\.(html|js)$/.test(name)) { res.writeHead(404); res.end(); return; }
  try {
    const body = await readFile(join(pageDir, name));
    res.writeHead(200, { 'Content-Type': types[name.slice(name.lastIndexOf('.'))] });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((ok) => server.listen(pagePort, '127.0.0.1', ok));

const browser = await chromium.launch({
  executablePath: process.env.SF_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function step(page, origin, apiBase, name, extra = '') {
  const api = apiBase ? `&api=${encodeURIComponent(apiBase)}` : '';
  await page.goto(`${origin}/index.html?step=${name}${api}${extra}`);
  await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 120000 });
  return page.evaluate(() => window.__results);
}

const consoleErrors = [];
async function run(label, origin, apiBase, user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => consoleErrors.push(`${label}: ${e.message}`));
  const guest = await step(page, origin, apiBase, 'guest');
  const failedCalls = guest.calls.filter((c) => c.error || (c.status !== 200 && !(c.path.includes('evaluate') && c.status === 403)));
  check(`${label}: Continue as Guest, then Dashboard, Anomalies, Metrics, Model Performance`,
    guest.calls.length === 13 && failedCalls.length === 0 && guest.errors.length === 0, JSON.stringify(failedCalls));
  check(`${label}: a guest may not evaluate the model (403)`, guest.summary.evaluateStatus === 403);
  check(`${label}: every answer's X-Correlation-ID is readable`, guest.calls.every((c) => c.correlation));
  const s = guest.summary;
  check(`${label}: System Health shows healthy and connected`, s.healthStatus === 'healthy' && s.database === 'connected', JSON.stringify(s));
  check(`${label}: demo data generated (${s.generated})`, s.generated === 200);
  check(`${label}: the cards and the Metrics page have rows`, s.metricsRows > 0 && s.totalAfter > 0 && s.metricsPageTotal > 0, JSON.stringify(s));
  check(`${label}: Anomalies lists what was found`, s.allAnomaliesTotal > 0 && s.activeAnomalies > 0, JSON.stringify(s));

  const signup = await step(page, origin, apiBase, 'signup', `&user=${user}&password=correct-horse-9`);
  const [su, li, me] = signup.calls;
  check(`${label}: Sign Up (201), Sign In form (200), /me`, su.status === 201 && li.status === 200 && me.status === 200
    && signup.me.username === user && signup.token, JSON.stringify(signup.calls));
  const reload = await step(page, origin, apiBase, 'reload');
  check(`${label}: a reload keeps the session (/api/auth/me)`, reload.calls[0].status === 200 && reload.me.username === user && reload.token);
  const work = await step(page, origin, apiBase, 'work');
  const bad = work.calls.filter((c) => c.status !== 200);
  check(`${label}: the signed-up analyst's pages, Evaluate Model included`, bad.length === 0 && work.summary.modelMetricsTotal >= 1
    && work.summary.precision !== null, JSON.stringify(bad) + JSON.stringify(work.summary));
  const wrong = await step(page, origin, apiBase, 'badlogin', `&user=${user}`);
  check(`${label}: a wrong password shows the server's detail (401 readable)`, wrong.calls[0].status === 401
    && wrong.loginDetail === 'Incorrect username or password');
  await context.close();
  return guest.summary.generated + work.summary.generated;
}

let generated = 0;
generated += await run('cross-origin', `http://127.0.0.1:${pagePort}`, collector, `xo_user_${Date.now() % 100000}`);
generated += await run('same-origin', collector, '', `so_user_${Date.now() % 100000}`);

// An origin not in cors_origins ("localhost" is not "127.0.0.1"): the browser refuses.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  const r = await step(page, `http://localhost:${pagePort}`, collector, 'guest');
  check('another origin: the browser refuses every answer', r.calls.length > 0 && r.calls.every((c) => c.error && c.status === 0),
    JSON.stringify(r.calls.slice(0, 2)));
  await context.close();
}

// Reloading the app's own routes gets the app (not Prometheus text, not a 404).
{
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const route of ['/metrics', '/anomalies', '/model-metrics']) {
    const resp = await page.goto(collector + route);
    const title = await page.title();
    check(`reload of ${route} gets the app`, resp.status() === 200 && title.startsWith('SecuraFlow')
      && (resp.headers()['content-security-policy'] || '').includes("frame-ancestors 'none'"), `${resp.status()} ${title}`);
  }
  await context.close();
}

// The cards' totals: without limit, /api/metrics is the whole window even above 1,000 rows.
{
  const post = (path, body, headers = {}) => fetch(collector + path, { method: 'POST', body, headers });
  const j = (r) => r.json();
  await post('/api/auth/signup', JSON.stringify({ email: 'figures@example.com', username: 'figures_analyst', password: 'correct-horse-9' }),
    { 'Content-Type': 'application/json' });
  const tok = (await j(await post('/api/auth/login', 'username=figures_analyst&password=correct-horse-9',
    { 'Content-Type': 'application/x-www-form-urlencoded' }))).access_token;
  const auth = { Authorization: `Bearer ${tok}` };
  let made = generated; // by the pages above
  for (let i = 0; i < 2; i++) {
    const g = await j(await post('/api/demo/generate?count=1000&anomaly_rate=0.15&hours_back=24', undefined, auth));
    made += g.traffic_logs_created;
  }
  let whole = null;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    whole = await j(await fetch(`${collector}/api/metrics`, { headers: auth }));
    const sum = whole.metrics.reduce((s, m) => s + m.request_count, 0);
    if (sum >= made - 5) break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  const sum = whole.metrics.reduce((s, m) => s + m.request_count, 0);
  console.log(`metrics without limit: ${whole.metrics.length} rows, ${sum} requests (${made} generated)`);
  check(`/api/metrics without limit: all ${whole.total} rows (more than 1,000) and every request counted (${sum} of ${made})`,
    whole.metrics.length === whole.total && whole.total > 1000 && sum >= made - 5 && sum <= made);
}

check('no script errors in the page', consoleErrors.length === 0, consoleErrors.join('; '));
await browser.close();
server.close();
console.log(`checks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
