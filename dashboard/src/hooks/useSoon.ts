// Runs a function once, `ms` after the last call: live anomalies are shown at once and the
// stored rows (with their stored ids) are fetched once the burst is over. One call per
// burst of events, never a timer loop.
import { useCallback, useEffect, useRef } from 'react';

export function useSoon(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => fnRef.current(), ms);
  }, [ms]);
}
