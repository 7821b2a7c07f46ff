// Test environment: what jsdom lacks (matchMedia, ResizeObserver) and a clean localStorage.
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

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
