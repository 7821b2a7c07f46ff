// Create an account, then sign in with it. The server's errors are listed as they come,
// a 422's list included (it crashed the reference's page).
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/errors';
import { useAuth } from '../auth/AuthContext';
import { AuthCard, FormErrors } from './AuthCard';
import { GuestButton } from './GuestButton';

export const MIN_PASSWORD = 8;

export function signupProblems(password: string, confirm: string): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD) problems.push(`Password must be at least ${MIN_PASSWORD} characters`);
  if (password !== confirm) problems.push('Passwords do not match');
  return problems;
}

export function SignupPage() {
  const { signup } = useAuth();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = signupProblems(password, confirm);
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      await signup(email, username, password);
      navigate('/', { replace: true });
    } catch (err) {
      setErrors(err instanceof ApiError ? err.messages : ['Signup failed. Please try again.']);
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Create account">
      <form onSubmit={submit} className="form" noValidate>
        <label htmlFor="signup-email">Email</label>
        <input id="signup-email" type="email" autoComplete="email" required value={email}
          onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="signup-username">Username</label>
        <input id="signup-username" autoComplete="username" required minLength={3} maxLength={100} value={username}
          onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="signup-password">Password <span className="muted small">(at least {MIN_PASSWORD} characters)</span></label>
        <input id="signup-password" type="password" autoComplete="new-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} />
        <label htmlFor="signup-confirm">Confirm password</label>
        <input id="signup-confirm" type="password" autoComplete="new-password" required value={confirm}
          onChange={(e) => setConfirm(e.target.value)} />
        <FormErrors messages={errors} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
      <div className="divider"><span>or</span></div>
      <GuestButton onError={setErrors} />
      <p className="muted small center">Already have an account? <Link to="/login">Sign in</Link></p>
    </AuthCard>
  );
}
