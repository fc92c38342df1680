import { useState } from 'react';
import { ApiError } from '../app/api';
import { formatInstant, formatMoney } from '../app/format';
import { actorName } from '../orders/labels';
import { Dialog, fieldError, FormProblem, TextField } from './Dialog';
import { correctReference, handReferenceOf, type LedgerEntry, type OrderPayments } from './payments-api';
import { useActionKey } from './use-action-key';

interface Props {
  orderId: string;
  /** The order version the page shows: a correction decided on a stale page is refused, not applied. */
  version: number;
  /** A pending charge whose reference was typed in by hand (isReferenceCorrectable). */
  entry: LedgerEntry;
  onDone: (after: OrderPayments) => void;
  /** The entry or the order changed meanwhile (a notification came, a colleague corrected it): the page reads it again. */
  onStale: () => void;
  onClose: () => void;
}

/**
 * Corrects the gateway reference typed in when the charge was recorded by hand. Notifications are matched
 * by reference, so a wrong one keeps the order in Pending Clearance for good; once corrected, a notification
 * already received for the right reference is applied at once. The server checks the desk, that the
 * reference is not another payment's, and that the entry still awaits clearance; its problems show at
 * their field, or above the buttons.
 */
export function CorrectReferenceDialog({ orderId, version, entry, onDone, onStale, onClose }: Props) {
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const actionKey = useActionKey();
  const typed = handReferenceOf(entry);

  const submit = async () => {
    const ref = reference.trim();
    const need: Record<string, string> = {};
    if (!ref) need.gatewayReference = 'Give the transaction reference exactly as the gateway shows it.';
    else if (ref === entry.gatewayReference) need.gatewayReference = 'That is the reference on record already.';
    if (!reason.trim()) need.reason = 'Say why it is wrong and where you found the right one.';
    setMissing(need);
    if (Object.keys(need).length) return;
    setBusy(true);
    setError(null);
    try {
      const after = await correctReference(orderId, entry.id, { gatewayReference: ref, reason: reason.trim(), version }, actionKey.key());
      actionKey.settled();
      onDone(after);
    } catch (e) {
      actionKey.settled(e);
      setError(e);
      setBusy(false);
      // A taken reference is the person's to fix; anything else refused as a conflict means the page is stale.
      if (e instanceof ApiError && (e.status === 412 || (e.status === 409 && e.problem.field !== '/gatewayReference'))) onStale();
    }
  };

  return (
    <Dialog title={`Correct the reference of entry ${entry.id}`} confirmLabel="Correct reference" busy={busy} onClose={onClose} onSubmit={() => void submit()}>
      <p className="muted pay-why">
        {`This charge of ${formatMoney(entry.amount, entry.currency)} was recorded by hand under the reference `}
        <span className="mono">{entry.gatewayReference}</span>
        {typed ? ` (${actorName(typed.actor).name}, ${formatInstant(typed.at)})` : ''}
        {'. The gateway\'s notifications name the transaction by its own reference, so a wrong one keeps the order in Pending Clearance. '}
        {'Once corrected, a notification already received for the right reference is applied at once: the order moves on if the payment cleared, or goes back to Accounts Receivable if it failed.'}
      </p>
      <TextField label="Correct gateway reference" value={reference} required maxLength={200} autoFocus
        onChange={(v) => { setReference(v); setMissing((m) => ({ ...m, gatewayReference: '' })); }}
        error={missing.gatewayReference || fieldError(error, '/gatewayReference')}
        hint="The transaction id the gateway dashboard shows for this e-check." />
      <TextField label="Reason" value={reason} multiline required maxLength={1000}
        onChange={(v) => { setReason(v); setMissing((m) => ({ ...m, reason: '' })); }}
        error={missing.reason || fieldError(error, '/reason')}
        hint="Goes into the order's history with the old and new reference." />
      <FormProblem error={error} fields={['/gatewayReference', '/reason']} />
    </Dialog>
  );
}
