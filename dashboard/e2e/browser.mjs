// Shared by the browser tests and the figures script: Debian's chromium driven by
// playwright-core (never a downloaded browser), a small API client with tokens, and axe-core.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  const executablePath = process.env.SF_CHROMIUM ?? '/usr/bin/chromium';
  // playwright-core gives each launch a fresh temporary profile (a new --user-data-dir).
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export class Api {
  constructor(base) { this.base = base; }
  async call(method, path, { token, json, form } = {}) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body;
    if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
    if (form) { headers['Content-Type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(form).toString(); }
    const r = await fetch(this.base + path, { method, headers, body });
    const text = await r.text();
    let doc = null;
    try { doc = JSON.parse(text); } catch { doc = text; }
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
    return doc;
  }
  async account(username, password) {
    await this.call('POST', '/api/auth/signup', { json: { email: `${username}@example.com`, username, password } });
    const t = await this.call('POST', '/api/auth/login', { form: { username, password } });
    return t.access_token;
  }
  /** Every /api/metrics row of a window (paged). */
  async metrics(token, query) {
    const rows = [];
    for (let offset = 0; ; offset += 10000) {
      const q = new URLSearchParams({ ...query, limit: '10000', offset: String(offset) });
      const page = await this.call('GET', `/api/metrics?${q}`, { token });
      rows.push(...page.metrics);
      if (page.metrics.length < 10000) return rows;
    }
  }
}

const AXE = require.resolve('axe-core/axe.min.js');

/** axe-core on the page as it is; the serious and critical violations. */
export async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
