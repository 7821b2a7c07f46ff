// Test environment: what jsdom lacks (matchMedia, ResizeObserver, EventSource) and a clean
// localStorage.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

if (!window.matchMedia) {
  window.matchMedia = (query: string) => ({
    matches: false, media: query, onchange: null,
    addEventListener: () => undefined, removeEventListener: () => undefined,
    addListener: () => undefined, removeListener: () => undefined, dispatchEvent: () => false,
  }) as MediaQueryList;
}
if (!('ResizeObserver' in window)) {
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() { /* no layout in jsdom */ }
    unobserve() { /* nothing */ }
    disconnect() { /* nothing */ }
  };
}

// jsdom has no EventSource. A test that wants live events stubs its own (vi.stubGlobal); any
// other tree that mounts the live provider, or one still mounted while a test's stubs are
// being undone, gets this one, which never connects, instead of a ReferenceError.
if (!('EventSource' in window)) {
  (window as unknown as { EventSource: unknown }).EventSource = class {
    readyState = 0;
    onopen = null;
    onerror = null;
    addEventListener() { /* never delivers */ }
    close() { /* nothing */ }
  };
}

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
