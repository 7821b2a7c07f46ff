// Sign in, or continue as a guest. Shows the server's own error text, and why the user was
// sent back here (an expired session).
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/errors';
import { useAuth } from '../auth/AuthContext';
import { AuthCard, FormErrors } from './AuthCard';
import { GuestButton } from './GuestButton';

export function LoginPage() {
  const { login, notice, clearNotice } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    try {
      await login(username, password);
      navigate(from, { replace: true });
    } catch (err) {
      setErrors(err instanceof ApiError ? err.messages : ['Login failed. Please try again.']);
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in">
      {notice && (
        <div className="notice" role="status" data-testid="login-notice">
          {notice} <button type="button" className="link-button" onClick={clearNotice}>Dismiss</button>
        </div>
      )}
      <form onSubmit={submit} className="form">
        <label htmlFor="login-username">Username or email</label>
        <input id="login-username" name="username" autoComplete="username" required value={username}
          onChange={(e) => setUsername(e.target.value)} placeholder="Enter your username" />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} placeholder="Enter your password" />
        <FormErrors messages={errors} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div className="divider"><span>or</span></div>
      <GuestButton onError={setErrors} />
      <p className="muted small center">
        Don&apos;t have an account? <Link to="/signup">Sign up</Link>
        <br />A guest can look at everything and generate demo data, but not resolve or label.
      </p>
    </AuthCard>
  );
}
