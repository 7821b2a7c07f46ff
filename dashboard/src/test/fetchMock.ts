// A fetch stand-in for component tests: answers by "METHOD path" with a status and JSON body.
import { vi } from 'vitest';

export type Route = { status?: number; body: unknown } | ((url: URL, init: RequestInit | undefined) => { status?: number; body: unknown });

export function mockFetch(routes: Record<string, Route>) {
  const calls: { method: string; url: URL; init: RequestInit | undefined }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    calls.push({ method, url, init });
    const route = routes[`${method} ${url.pathname}`];
    if (!route) return new Response(JSON.stringify({ detail: 'Not Found' }), { status: 404 });
    const r = typeof route === 'function' ? route(url, init) : route;
    return new Response(JSON.stringify(r.body), { status: r.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}
