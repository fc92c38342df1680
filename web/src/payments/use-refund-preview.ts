import { useEffect, useState } from 'react';
import { isAbortError } from '../app/api';
import { previewRefund, type RefundBreakdown, type RefundRequest } from './payments-api';

export interface RefundPreviewState {
  preview: RefundBreakdown | null;
  /** The server refused this request (a field over what is left, nothing picked…). */
  error: unknown;
  loading: boolean;
}

/**
 * The refund as the server computes it, asked again a moment after the person stops typing; a newer
 * request aborts the older one, so the figures shown always belong to the form as it is now.
 */
export function useRefundPreview(orderId: string, request: RefundRequest | null): RefundPreviewState {
  const [state, setState] = useState<RefundPreviewState>({ preview: null, error: null, loading: false });
  const key = request ? JSON.stringify(request) : null;

  useEffect(() => {
    if (key === null) {
      setState({ preview: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      previewRefund(orderId, JSON.parse(key) as RefundRequest, controller.signal).then(
        (preview) => { if (!controller.signal.aborted) setState({ preview, error: null, loading: false }); },
        (error: unknown) => {
          if (controller.signal.aborted || isAbortError(error)) return;
          setState({ preview: null, error, loading: false });
        },
      );
    }, 250);
    return () => { clearTimeout(timer); controller.abort(); };
  }, [orderId, key]);

  return state;
}
