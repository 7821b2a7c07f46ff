// Loads one API resource for a panel: the last good data stays on screen while a reload
// runs (no flicker), an error is kept beside it, and a stale answer never overwrites a
// newer one. With `resync`, the resource reloads when the live stream comes back.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/errors';
import { useLiveEvent } from '../live/LiveContext';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  /** True until the first answer (or error): later reloads keep showing the data. */
  loading: boolean;
  reloading: boolean;
  reload: () => void;
  setData: (update: (old: T | undefined) => T | undefined) => void;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[],
  options: { resync?: boolean } = {}): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [reloading, setReloading] = useState(false);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setReloading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setDataState(value);
        setError(null);
        setLoading(false);
        setReloading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorText(err, 'Could not load this panel'));
        setLoading(false);
        setReloading(false);
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((update: (old: T | undefined) => T | undefined) => setDataState(update), []);
  useLiveEvent('resync', () => { if (options.resync) reload(); });
  return { data, error, loading, reloading, reload, setData };
}
