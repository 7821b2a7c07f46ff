// "Continue as Guest": a read-only demo token from /api/auth/demo.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../api/errors';
import { useAuth } from '../auth/AuthContext';

export function GuestButton({ onError }: { onError: (messages: string[]) => void }) {
  const { guest } = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      await guest();
      navigate('/', { replace: true });
    } catch (err) {
      onError(err instanceof ApiError ? err.messages : ['Failed to start demo. Please try again.']);
      setBusy(false);
    }
  };
  return (
    <button type="button" className="btn btn-secondary btn-block" onClick={go} disabled={busy}>
      {busy ? 'Starting demo…' : 'Continue as Guest'}
    </button>
  );
}
