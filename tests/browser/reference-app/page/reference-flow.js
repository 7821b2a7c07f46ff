// The reference frontend's requests (reference-system.md section 12), made the way its
// axios client makes them: Authorization: Bearer <localStorage.token> on every call,
// JSON bodies with Content-Type: application/json, the login as an OAuth2 password form
// (application/x-www-form-urlencoded). ?api=<base> makes them cross-origin (the page is
// then served from another origin); without it they go to the page's own origin.
// ?step= picks what to do; results land in window.__results (and #log) for the runner.
'use strict';

const params = new URLSearchParams(location.search);
const API = params.get('api') || '';
const STEP = params.get('step') || 'none';
const results = { step: STEP, calls: [], errors: [] };

function note(call) {
  results.calls.push(call);
  document.getElementById('log').textContent += `${call.method} ${call.path} -> ${call.status}\n`;
}

// One request as axios would send it; returns {status, data, correlation}.
async function call(method, path, { json, form, noBody } = {}) {
  const headers = {};
  const token = localStorage.getItem('token');
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  } else if (!noBody && method === 'POST') {
    headers['Content-Type'] = 'application/json'; // axios' instance default, no data
  }
  const entry = { method, path, status: 0 };
  try {
    const r = await fetch(API + path, { method, headers, body });
    entry.status = r.status;
    entry.correlation = r.headers.get('X-Correlation-ID'); // exposed by CORS
    const text = await r.text();
    try { entry.data = JSON.parse(text); } catch { entry.data = text; }
  } catch (e) {
    entry.error = String(e); // a CORS refusal lands here: the browser hides the answer
  }
  note({ method, path, status: entry.status, correlation: entry.correlation, error: entry.error });
  return entry;
}

const isoNow = () => new Date().toISOString();
const isoHoursAgo = (h) => new Date(Date.now() - h * 3600 * 1000).toISOString();

async function dashboard() { // the Dashboard's three parallel calls
  const [metrics, anomalies, health] = await Promise.all([
    call('GET', '/api/metrics'),
    call('GET', '/api/anomalies?limit=10&resolved=false'),
    call('GET', '/api/health'),
  ]);
  return { metrics, anomalies, health };
}

async function pages(expectEvaluate) {
  const before = await dashboard();
  const generated = await call('POST', '/api/demo/generate?count=200&anomaly_rate=0.15&hours_back=24');
  const after = await dashboard();
  const anomaliesPage = await call('GET', '/api/anomalies?limit=50&offset=0&resolved=false');
  const allAnomalies = await call('GET', '/api/anomalies?limit=50&offset=0');
  const metricsPage = await call('GET', `/api/metrics?start_time=${encodeURIComponent(isoHoursAgo(24))}&end_time=${encodeURIComponent(isoNow())}`);
  const evaluate = await call('POST', '/api/model-metrics/evaluate');
  const modelMetrics = await call('GET', '/api/model-metrics?limit=10');
  const sum = (m) => (m.data && m.data.metrics ? m.data.metrics.reduce((s, x) => s + x.request_count, 0) : -1);
  results.summary = {
    generated: generated.data && generated.data.traffic_logs_created,
    totalBefore: sum(before.metrics),
    totalAfter: sum(after.metrics),
    metricsPageTotal: sum(metricsPage),
    metricsRows: after.metrics.data && after.metrics.data.metrics ? after.metrics.data.metrics.length : -1,
    activeAnomalies: after.anomalies.data && after.anomalies.data.anomalies ? after.anomalies.data.anomalies.length : -1,
    anomaliesTotal: anomaliesPage.data && anomaliesPage.data.total,
    allAnomaliesTotal: allAnomalies.data && allAnomalies.data.total,
    healthStatus: after.health.data && after.health.data.status,
    database: after.health.data && after.health.data.database,
    evaluateStatus: evaluate.status,
    modelMetricsTotal: modelMetrics.data && modelMetrics.data.total,
    precision: modelMetrics.data && modelMetrics.data.metrics && modelMetrics.data.metrics[0]
      ? modelMetrics.data.metrics[0].precision : null,
    expectEvaluate,
  };
}

const steps = {
  async guest() { // "Continue as Guest", then every page
    localStorage.removeItem('token');
    const r = await call('POST', '/api/auth/demo');
    if (r.data && r.data.access_token) localStorage.setItem('token', r.data.access_token);
    await pages(false);
  },
  async signup() { // "Sign Up": signup, then the same login as the Sign In form
    localStorage.removeItem('token');
    const name = params.get('user');
    const password = params.get('password');
    const s = await call('POST', '/api/auth/signup', { json: { email: `${name}@example.com`, username: name, password } });
    results.signup = s.data;
    const l = await call('POST', '/api/auth/login', { form: { username: name, password } });
    if (l.data && l.data.access_token) localStorage.setItem('token', l.data.access_token);
    const me = await call('GET', '/api/auth/me');
    results.me = me.data;
  },
  async reload() { // a reload: the stored token is checked with /me
    const me = await call('GET', '/api/auth/me');
    results.me = me.data;
    if (me.status !== 200) localStorage.removeItem('token');
  },
  async work() { // the logged-in user's pages, Evaluate Model included
    await pages(true);
  },
  async badlogin() {
    localStorage.removeItem('token');
    const l = await call('POST', '/api/auth/login', { form: { username: params.get('user'), password: 'wrong password' } });
    results.loginDetail = l.data && l.data.detail;
  },
};

(async () => {
  try {
    if (steps[STEP]) await steps[STEP]();
  } catch (e) {
    results.errors.push(String(e));
  }
  results.token = Boolean(localStorage.getItem('token'));
  window.__results = results;
})();
