// Turns the collector's error bodies into words: {"detail": "text"} or a 422's
// {"detail": [{"loc": [...], "msg": "..."}]} list (which crashed the reference's signup page).

export class ApiError extends Error {
  readonly status: number;
  /** Every message the server gave, one per line; never empty. */
  readonly messages: string[];

  constructor(status: number, messages: string[]) {
    super(messages.join('; '));
    this.name = 'ApiError';
    this.status = status;
    this.messages = messages;
  }
}

interface FieldError {
  loc?: unknown;
  msg?: unknown;
}

function fieldName(loc: unknown): string {
  if (!Array.isArray(loc)) return '';
  const parts = loc.filter((p) => p !== 'body' && p !== 'query' && p !== 'path');
  return parts.map(String).join('.');
}

/** The messages in an error body's `detail`, whatever its shape. */
export function detailMessages(body: unknown, fallback: string): string[] {
  if (body === null || typeof body !== 'object') return [fallback];
  const detail = (body as { detail?: unknown }).detail;
  if (typeof detail === 'string' && detail.trim() !== '') return [detail];
  if (Array.isArray(detail)) {
    const lines = detail
      .map((item: FieldError) => {
        const msg = typeof item?.msg === 'string' ? item.msg : '';
        const field = fieldName(item?.loc);
        if (!msg) return '';
        return field ? `${field}: ${msg}` : msg;
      })
      .filter((line) => line !== '');
    if (lines.length > 0) return lines;
  }
  return [fallback];
}

/** A message for anything a request can throw. */
export function errorText(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.messages.join('\n');
  if (err instanceof Error && err.message) return `${fallback} (${err.message})`;
  return fallback;
}
