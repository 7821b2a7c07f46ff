import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { AppRoutes } from '../App';
import { ThemeProvider } from '../theme/ThemeContext';
import { AuthProvider } from './AuthContext';
import { GUEST_USER, SESSION_KEY, makeSession, saveSession } from './session';
import { mockFetch } from '../test/fetchMock';

class NoEventSource {
  readyState = 0; onopen = null; onerror = null;
  addEventListener() { /* never delivers */ }
  close() { /* nothing */ }
}

function renderApp(path: string) {
  vi.stubGlobal('EventSource', NoEventSource);
  return render(
    <ThemeProvider><AuthProvider><MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}><AppRoutes /></MemoryRouter></AuthProvider></ThemeProvider>,
  );
}

const token = { access_token: 'tok', token_type: 'bearer', expires_in: 3600 };
const emptyReads = {
  'GET /api/health': { body: { status: 'healthy', database: 'connected', model_loaded: true, uptime_seconds: 5 } },
  'GET /api/metrics': { body: { metrics: [], total: 0 } },
  'GET /api/anomalies': { body: { anomalies: [], total: 0, limit: 50, offset: 0 } },
};

afterEach(() => { vi.unstubAllGlobals(); });

describe('auth flow', () => {
  it('continues as a guest and stays a guest after a reload', async () => {
    mockFetch({ 'POST /api/auth/demo': { body: token }, ...emptyReads });
    const first = renderApp('/login');
    fireEvent.click(screen.getByRole('button', { name: 'Continue as Guest' }));
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    expect(screen.getByTestId('user-name').textContent).toContain('Guest User');
    first.unmount();
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    expect(screen.getByTestId('user-name').textContent).toContain('Guest User');
    expect(screen.getByTestId('user-name').textContent).not.toContain('demo_user');
  });

  it('signs in with a form post, loads the profile, and shows the server error on a wrong password', async () => {
    const calls = mockFetch({
      'POST /api/auth/login': (_u, init) => (String(init?.body).includes('password=right')
        ? { body: token } : { status: 401, body: { detail: 'Incorrect username or password' } }),
      'GET /api/auth/me': { body: { id: 2, username: 'ana', email: 'a@x.io', role: 'analyst' } },
      ...emptyReads,
    });
    renderApp('/login');
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'ana' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByTestId('form-error')).textContent).toBe('Incorrect username or password');
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    expect(screen.getByTestId('user-name').textContent).toContain('ana');
    const login = calls.find((c) => c.url.pathname === '/api/auth/login');
    expect((login?.init?.headers as Record<string, string>)['Content-Type']).toBe('application/x-www-form-urlencoded');
    const me = calls.find((c) => c.url.pathname === '/api/auth/me');
    expect((me?.init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });

  it('returns to the login page with a message when the server answers 401', async () => {
    saveSession(localStorage, makeSession('old', 3600, GUEST_USER, true));
    mockFetch({
      ...emptyReads,
      'GET /api/health': { status: 401, body: { detail: 'Invalid authentication credentials' } },
    });
    renderApp('/');
    expect((await screen.findByTestId('login-notice')).textContent).toContain('Please sign in again');
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('lists every error of a signup 422 instead of crashing', async () => {
    mockFetch({
      'POST /api/auth/signup': { status: 422, body: { detail: [
        { type: 'value_error', loc: ['body', 'email'], msg: 'value is not a valid email address' },
        { type: 'string_too_short', loc: ['body', 'username'], msg: 'String should have at least 3 characters' },
      ] } },
    });
    renderApp('/signup');
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'a@b' } });
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'ab' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'longenough' } });
    fireEvent.change(screen.getByLabelText('Confirm password'), { target: { value: 'longenough' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    const box = await screen.findByTestId('form-error');
    expect(box.querySelectorAll('li')).toHaveLength(2);
    expect(box.textContent).toContain('email: value is not a valid email address');
    expect(screen.getByRole('heading', { name: 'Create account' })).toBeTruthy();
  });

  it('checks the password locally before asking the server', async () => {
    const calls = mockFetch({});
    renderApp('/signup');
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'short' } });
    fireEvent.change(screen.getByLabelText('Confirm password'), { target: { value: 'other' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    const box = await screen.findByTestId('form-error');
    expect(box.textContent).toContain('at least 8 characters');
    expect(box.textContent).toContain('Passwords do not match');
    expect(calls).toHaveLength(0);
  });

  it('sends a signed-in user away from the login page', async () => {
    saveSession(localStorage, makeSession('t', 3600, GUEST_USER, true));
    mockFetch(emptyReads);
    renderApp('/login');
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Overview' })).toBeTruthy());
  });
});
