import { useMemo, useRef } from 'react';
import { NetworkError } from '../app/api';
import { idempotencyKey } from './payments-api';

/**
 * The Idempotency-Key of one user action: made on first use, kept after a network failure (the answer may
 * have been lost, so clicking again repeats the same action), replaced once the server has answered.
 * `scope` names what the action is about (a selection's order ids): a key kept for one selection is not
 * reused for another, which the server would refuse (422) as a different request under the same key.
 */
export function useActionKey(): { key: (scope?: string) => string; settled: (error?: unknown) => void } {
  const current = useRef<{ key: string; scope: string | undefined } | null>(null);
  return useMemo(() => ({
    key: (scope?: string) => {
      if (current.current?.scope !== scope) current.current = null;
      return (current.current ??= { key: idempotencyKey(), scope }).key;
    },
    settled: (error?: unknown) => { if (!(error instanceof NetworkError)) current.current = null; },
  }), []);
}
