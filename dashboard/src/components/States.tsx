// The three states every panel can be in besides "has data": loading, empty, failed.
import type { ReactNode } from 'react';

export function Loading({ label = 'Loading…', rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => <div key={i} className="skeleton" aria-hidden="true" />)}
    </div>
  );
}

export function Empty({ title, hint, children }: { title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {hint && <span className="muted">{hint}</span>}
      {children}
    </div>
  );
}

export function ErrorNote({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load</strong>
      <span className="muted pre-line">{message}</span>
      {onRetry && <button type="button" className="btn btn-small" onClick={onRetry}>Retry</button>}
    </div>
  );
}

/** Data with an error beside it: the data stays, a small line says the refresh failed. */
export function StaleNote({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="stale-note" role="status">
      Refresh failed: {message}{' '}
      <button type="button" className="link-button" onClick={onRetry}>Retry</button>
    </div>
  );
}
