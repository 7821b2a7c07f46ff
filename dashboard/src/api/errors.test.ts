import { describe, expect, it } from 'vitest';
import { ApiError, detailMessages, errorText } from './errors';

describe('detailMessages', () => {
  it('takes a plain detail string', () => {
    expect(detailMessages({ detail: 'Email already registered' }, 'x')).toEqual(['Email already registered']);
  });

  it('lists every entry of a 422 (the reference crashed on it)', () => {
    const body = { detail: [
      { type: 'value_error', loc: ['body', 'email'], msg: 'value is not a valid email address' },
      { type: 'string_too_short', loc: ['body', 'password'], msg: 'String should have at least 8 characters' },
    ] };
    expect(detailMessages(body, 'x')).toEqual([
      'email: value is not a valid email address', 'password: String should have at least 8 characters',
    ]);
  });

  it('falls back for bodies it does not understand', () => {
    expect(detailMessages(null, 'Signup failed')).toEqual(['Signup failed']);
    expect(detailMessages({ detail: [{ nope: 1 }] }, 'Signup failed')).toEqual(['Signup failed']);
    expect(detailMessages({ detail: 42 }, 'Signup failed')).toEqual(['Signup failed']);
    expect(detailMessages('text', 'Signup failed')).toEqual(['Signup failed']);
  });

  it('turns anything thrown into text', () => {
    expect(errorText(new ApiError(400, ['a', 'b']), 'f')).toBe('a\nb');
    expect(errorText(new Error('boom'), 'Failed')).toBe('Failed (boom)');
    expect(errorText('??', 'Failed')).toBe('Failed');
  });
});
