import { useMemo, useRef } from 'react';
import { NetworkError } from '../app/api';
import { idempotencyKey } from './payments-api';

/**
 * The Idempotency-Key of one user action: made on first use, kept after a network failure (the answer may
 * have been lost, so clicking again repeats the same action), replaced once the server has answered.
 */
export function useActionKey(): { key: () => string; settled: (error?: unknown) => void } {
  const current = useRef<string | null>(null);
  return useMemo(() => ({
    key: () => (current.current ??= idempotencyKey()),
    settled: (error?: unknown) => { if (!(error instanceof NetworkError)) current.current = null; },
  }), []);
}
