import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './client.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Load again (after a change elsewhere, or on "try again"). */
  reload(): void;
  /** Replace what is shown without a round trip (after a write that answered the new state). */
  set(data: T): void;
}

/**
 * Load whenever `deps` (the values `load` reads) change, keep the last answer, and never apply
 * an answer that a newer load overtook.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly (string | number | boolean | null | undefined)[]): Resource<T> {
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; data: T | undefined; error: ApiError | undefined; loading: boolean }>({
    key,
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });
  useEffect(() => {
    let current = true;
    latest.current().then(
      (data) => current && setState({ key, data, error: undefined, loading: false }),
      (e: unknown) =>
        current &&
        setState((s) => ({
          key,
          data: s.key === key ? s.data : undefined,
          error: e instanceof ApiError ? e : new ApiError(0, 'internal', String(e)),
          loading: false,
        })),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    setGeneration((g) => g + 1);
  }, []);
  const set = useCallback((data: T) => setState({ key, data, error: undefined, loading: false }), [key]);
  // What an earlier `deps` loaded is not shown for the new one.
  if (state.key !== key) return { data: undefined, error: undefined, loading: true, reload, set };
  return { data: state.data, error: state.error, loading: state.loading, reload, set };
}
