import { useState } from 'react';
import { ApiError } from '../app/api';
import { actorName } from '../orders/labels';
import type { HistoryEntry } from '../orders/types';
import { Dialog, fieldError, FormProblem, TextField } from './Dialog';
import { setRefundBlock, type OrderPayments } from './payments-api';

interface Props {
  orderId: string;
  /** The order version the page shows: a block decided on a stale page is refused, not applied. */
  version: number;
  /** Placing it when false; lifting it when true. */
  blocked: boolean;
  onDone: (after: OrderPayments) => void;
  /** Someone else changed the order meanwhile: the page reads it again. */
  onStale: () => void;
  onClose: () => void;
}

/**
 * Places a refund block (a dispute is known before the gateway reports it) or lifts one (the dispute is
 * over). The reason goes into the order's history; lifting is a manager's decision, which the server checks.
 */
export function RefundBlockDialog({ orderId, version, blocked, onDone, onStale, onClose }: Props) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async () => {
    if (!reason.trim()) {
      setMissing(blocked ? 'Say why refunds may go out again: the dispute\'s outcome.' : 'Say why refunds must stop: the dispute, its case number.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await setRefundBlock(orderId, { blocked: !blocked, reason: reason.trim(), version }));
    } catch (e) {
      setError(e);
      setBusy(false);
      if (e instanceof ApiError && (e.status === 409 || e.status === 412)) onStale();
    }
  };

  return (
    <Dialog title={blocked ? 'Lift the refund block' : 'Block refunds'} confirmLabel={blocked ? 'Lift block' : 'Block refunds'} danger={blocked}
      busy={busy} onClose={onClose} onSubmit={() => void submit()}>
      <p className="muted pay-why">
        {blocked
          ? 'Refunds are blocked while a dispute is open: a chargeback, or one staff expect. Lift the block only once the dispute is settled: a refund on top of a lost chargeback pays the money back twice.'
          : 'No refund can be made while the block is on, by anyone. A chargeback notification from the gateway places it on its own; place it yourself when you learn of a dispute first.'}
      </p>
      <TextField label="Reason" value={reason} multiline required maxLength={500}
        onChange={(v) => { setReason(v); setMissing(''); }} error={missing || fieldError(error, '/reason')}
        hint="Goes into the order's history." />
      <FormProblem error={error} fields={['/reason']} />
    </Dialog>
  );
}

/**
 * Why refunds are blocked, from the order's history: placed by hand (the reason given, by whom), or by the
 * gateway's chargeback notification — whichever came last.
 */
export function refundBlockCause(history: readonly HistoryEntry[]): { reason: string; by: string } | 'chargeback' {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.changes?.includes('refund block placed')) return { reason: h.reason?.trim() || 'no reason given', by: actorName(h.actor).name };
    if (h.actor.startsWith('system:gateway') && /chargeback/i.test(h.reason ?? '')) return 'chargeback';
  }
  return 'chargeback';
}

/** The note the payment panel shows while refunds are blocked. */
export function RefundBlockNote({ history }: { history: readonly HistoryEntry[] }) {
  const cause = refundBlockCause(history);
  return (
    <p className="alert alert-warning pay-blocked" role="note">
      <strong>Refunds are blocked</strong>
      {cause === 'chargeback' ? ': a chargeback is open on this order, or one was reported.' : <>: {cause.reason.replace(/[.\s]+$/, '')}, by {cause.by}.</>}
      {' '}They are possible again once a manager lifts the block.
    </p>
  );
}
