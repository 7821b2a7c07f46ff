// A table whose column headers sort it (click or Enter/Space; aria-sort tells screen readers).
import { useMemo, useState, type ReactNode } from 'react';
import { sortRows, type Direction } from '../lib/sort';

export interface Column<T> {
  key: string;
  title: string;
  value: (row: T) => number | string | null | undefined;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

interface Props<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  initialSort: string;
  initialDir?: Direction;
  caption: string;
  testId?: string;
}

export function SortableTable<T>({ columns, rows, rowKey, initialSort, initialDir = 'desc', caption, testId }: Props<T>) {
  const [sortKey, setSortKey] = useState(initialSort);
  const [dir, setDir] = useState<Direction>(initialDir);
  const column = columns.find((c) => c.key === sortKey) ?? columns[0];
  const sorted = useMemo(() => (column ? sortRows(rows, column.value, dir) : rows), [rows, column, dir]);
  const onSort = (key: string) => {
    if (key === sortKey) setDir(dir === 'asc' ? 'desc' : 'asc');
    else { setSortKey(key); setDir(columns.find((c) => c.key === key)?.numeric ? 'desc' : 'asc'); }
  };
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : ''}
                aria-sort={c.key === sortKey ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="sort" onClick={() => onSort(c.key)}>
                  {c.title}<span aria-hidden="true">{c.key === sortKey ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : ''}>{c.render ? c.render(row) : String(c.value(row) ?? '—')}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
