// Who is signed in: login, signup, guest, logout, and the 401 path back to the login page
// with a message. The session survives a reload (guest included) until its token expires.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, configureClient } from '../api/client';
import { ApiError } from '../api/errors';
import type { User } from '../api/types';
import { GUEST_USER, clearSession, loadSession, makeSession, saveSession, type Session } from './session';

interface AuthState {
  session: Session | null;
  /** A message for the login page (expired session, failed profile load). */
  notice: string | null;
  login: (username: string, password: string) => Promise<void>;
  signup: (email: string, username: string, password: string) => Promise<void>;
  guest: () => Promise<void>;
  logout: (notice?: string) => void;
  clearNotice: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children, storage = window.localStorage }: { children: ReactNode; storage?: Storage }) {
  const [session, setSession] = useState<Session | null>(() => loadSession(storage));
  const [notice, setNotice] = useState<string | null>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const logout = useCallback((message?: string) => {
    clearSession(storage);
    sessionRef.current = null;
    setSession(null);
    setNotice(message ?? null);
  }, [storage]);

  // Set during render, not in an effect: the panels' effects (which call the API) run
  // before this provider's own effects would.
  const logoutRef = useRef(logout);
  logoutRef.current = logout;
  configureClient({
    token: () => sessionRef.current?.token ?? null,
    onUnauthorized: (message) => { if (sessionRef.current) logoutRef.current(message); },
  });

  // A token that expires while the page is open ends the session at that moment.
  useEffect(() => {
    if (!session) return undefined;
    const left = session.expiresAt - Date.now();
    const timer = window.setTimeout(() => logout('Your session has expired. Please sign in again.'),
      Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => window.clearTimeout(timer);
  }, [session, logout]);

  const start = useCallback((s: Session) => {
    saveSession(storage, s);
    sessionRef.current = s;
    setSession(s);
    setNotice(null);
  }, [storage]);

  const login = useCallback(async (username: string, password: string) => {
    const t = await api.login(username, password);
    const provisional = makeSession(t.access_token, t.expires_in, { ...GUEST_USER, username, role: 'guest' }, false);
    sessionRef.current = provisional;
    let user: User;
    try {
      user = await api.me();
    } catch (err) {
      sessionRef.current = null;
      const why = err instanceof ApiError ? err.messages.join('; ') : 'no answer';
      throw new ApiError(err instanceof ApiError ? err.status : 0,
        [`Signed in, but your profile could not be loaded (${why}). Please try again.`]);
    }
    start(makeSession(t.access_token, t.expires_in, user, false));
  }, [start]);

  const signup = useCallback(async (email: string, username: string, password: string) => {
    await api.signup(email, username, password);
    await login(username, password);
  }, [login]);

  const guest = useCallback(async () => {
    const t = await api.demo();
    start(makeSession(t.access_token, t.expires_in, GUEST_USER, true));
  }, [start]);

  const value = useMemo<AuthState>(() => ({
    session, notice, login, signup, guest, logout, clearNotice: () => setNotice(null),
  }), [session, notice, login, signup, guest, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
