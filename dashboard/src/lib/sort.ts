// Sorting rows by one column, nulls last whichever the direction.
export type Direction = 'asc' | 'desc';

export function sortRows<T>(rows: readonly T[], value: (row: T) => number | string | null | undefined, dir: Direction): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const xNull = x === null || x === undefined || (typeof x === 'number' && Number.isNaN(x));
    const yNull = y === null || y === undefined || (typeof y === 'number' && Number.isNaN(y));
    if (xNull || yNull) return xNull === yNull ? 0 : xNull ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y)) * sign;
  });
}
