// Resolve and label buttons for analysts and admins; a guest sees why they are missing.
import { useState } from 'react';
import { api } from '../api/client';
import { errorText } from '../api/errors';
import type { Anomaly, AnomalyLabel } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { canOperate } from '../auth/session';

interface Props {
  anomaly: Anomaly;
  onChange: (a: Anomaly) => void;
  compact?: boolean;
}

export function AnomalyActions({ anomaly, onChange, compact }: Props) {
  const { session } = useAuth();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!canOperate(session?.user.role)) {
    return compact ? null : <p className="muted small">Sign in as an analyst or admin to resolve or label anomalies.</p>;
  }
  const act = async (what: string, call: () => Promise<Anomaly>) => {
    setBusy(what);
    setError(null);
    try {
      onChange(await call());
    } catch (err) {
      setError(errorText(err, `Could not ${what}`));
    } finally {
      setBusy(null);
    }
  };
  const label = (l: AnomalyLabel) => act('label', () => api.label(anomaly.id, l));
  const which = <span className="sr-only"> (anomaly {anomaly.id})</span>;
  return (
    <div className="actions" data-testid={`actions-${anomaly.id}`}>
      <button type="button" className="btn btn-small" disabled={anomaly.is_resolved || busy !== null}
        onClick={() => act('resolve', () => api.resolve(anomaly.id))}>
        {anomaly.is_resolved ? 'Resolved' : busy === 'resolve' ? 'Resolving…' : 'Resolve'}{which}
      </button>
      <button type="button" className="btn btn-small" disabled={busy !== null} aria-pressed={anomaly.label === 'true_positive'}
        onClick={() => label('true_positive')} title="Label it a real problem (true positive)">
        {compact ? 'True +' : 'True positive'}{which}
      </button>
      <button type="button" className="btn btn-small" disabled={busy !== null} aria-pressed={anomaly.label === 'false_positive'}
        onClick={() => label('false_positive')} title="Label it a false alarm (false positive)">
        {compact ? 'False +' : 'False positive'}{which}
      </button>
      {error && <span className="bad small" role="alert">{error}</span>}
    </div>
  );
}
