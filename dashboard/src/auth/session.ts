// The signed-in session as kept in localStorage: the token, whether it is a guest's, the
// user, and when the token expires. A guest stays a guest across a reload (the reference
// forgot it and showed "demo_user").
import type { Role, User } from '../api/types';

export const SESSION_KEY = 'securaflow.session';

export interface Session {
  token: string;
  guest: boolean;
  user: User;
  /** ms since the epoch. */
  expiresAt: number;
}

export const GUEST_USER: User = {
  id: 0, username: 'demo_user', email: 'demo@securaflow.com', role: 'guest', is_active: true,
};

function isUser(v: unknown): v is User {
  if (!v || typeof v !== 'object') return false;
  const u = v as Record<string, unknown>;
  return typeof u.username === 'string' && typeof u.role === 'string';
}

/** The stored session, or null if there is none, it is malformed or it has expired. */
export function loadSession(storage: Storage, nowMs: number = Date.now()): Session | null {
  let raw: string | null;
  try { raw = storage.getItem(SESSION_KEY); } catch { return null; }
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Session>;
    if (typeof v.token !== 'string' || !v.token || typeof v.expiresAt !== 'number' || !isUser(v.user)) return null;
    if (v.expiresAt <= nowMs) return null;
    return { token: v.token, guest: v.guest === true, user: v.user, expiresAt: v.expiresAt };
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, s: Session): void {
  try { storage.setItem(SESSION_KEY, JSON.stringify(s)); } catch { /* private mode: session lasts the tab */ }
}

export function clearSession(storage: Storage): void {
  try { storage.removeItem(SESSION_KEY); } catch { /* nothing stored */ }
}

export function makeSession(token: string, expiresInSeconds: number, user: User, guest: boolean, nowMs: number = Date.now()): Session {
  const seconds = Number.isFinite(expiresInSeconds) && expiresInSeconds > 0 ? expiresInSeconds : 3600;
  return { token, guest, user, expiresAt: nowMs + seconds * 1000 };
}

/** Analysts and admins may resolve, label, evaluate and retrain. */
export function canOperate(role: Role | undefined): boolean {
  return role === 'analyst' || role === 'admin';
}

export function displayName(s: Session | null): string {
  if (!s) return '';
  return s.guest ? 'Guest User' : s.user.username;
}
