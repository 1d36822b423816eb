import { useCallback, useState } from 'react';
import { ApiError } from './client.js';

/** Whatever a request threw, as the API's error (a failed fetch becomes a network error). */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
}

/**
 * A form's submission: `busy` while `run(work)` runs, `error` when it failed (cleared when the
 * next one starts). Resolves to whether the work succeeded.
 */
export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (work: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(asApiError(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
