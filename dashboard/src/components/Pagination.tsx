// "Showing a–b of n" with Previous / Next.
import { formatCount } from '../lib/format';

interface Props {
  offset: number;
  pageSize: number;
  total: number;
  onOffset: (offset: number) => void;
  noun: string;
}

export function Pagination({ offset, pageSize, total, onOffset, noun }: Props) {
  if (total === 0) return null;
  const last = Math.min(offset + pageSize, total);
  return (
    <nav className="pagination" aria-label={`${noun} pages`}>
      <span className="muted small" data-testid="page-info">Showing {formatCount(offset + 1)}–{formatCount(last)} of {formatCount(total)} {noun}</span>
      <span>
        <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>← Previous</button>{' '}
        <button type="button" className="btn btn-small" disabled={last >= total} onClick={() => onOffset(offset + pageSize)}>Next →</button>
      </span>
    </nav>
  );
}
