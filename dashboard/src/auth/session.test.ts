import { describe, expect, it } from 'vitest';
import { GUEST_USER, SESSION_KEY, canOperate, clearSession, displayName, loadSession, makeSession, saveSession } from './session';

describe('session', () => {
  it('keeps a guest a guest across a reload (the reference turned it into demo_user)', () => {
    const s = makeSession('tok', 3600, GUEST_USER, true, 1000);
    saveSession(localStorage, s);
    const back = loadSession(localStorage, 2000);
    expect(back?.guest).toBe(true);
    expect(displayName(back)).toBe('Guest User');
    expect(back?.user.role).toBe('guest');
  });

  it('drops an expired session', () => {
    saveSession(localStorage, makeSession('tok', 10, GUEST_USER, true, 0));
    expect(loadSession(localStorage, 9_999)).not.toBeNull();
    expect(loadSession(localStorage, 10_000)).toBeNull();
  });

  it('drops malformed storage', () => {
    localStorage.setItem(SESSION_KEY, '{not json');
    expect(loadSession(localStorage)).toBeNull();
    localStorage.setItem(SESSION_KEY, JSON.stringify({ token: 'x', expiresAt: Date.now() + 1000 }));
    expect(loadSession(localStorage)).toBeNull();
    clearSession(localStorage);
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('lets only analysts and admins operate', () => {
    expect(canOperate('analyst')).toBe(true);
    expect(canOperate('admin')).toBe(true);
    expect(canOperate('guest')).toBe(false);
    expect(canOperate(undefined)).toBe(false);
  });

  it('shows a user by name', () => {
    const s = makeSession('t', 60, { id: 3, username: 'ana', email: 'a@x.io', role: 'analyst' }, false);
    expect(displayName(s)).toBe('ana');
  });
});
