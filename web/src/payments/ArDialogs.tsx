import { useState } from 'react';
import { formatInstant, formatMoney, readMoney } from '../app/format';
import { paymentMethodLabel } from '../orders/labels';
import { Dialog, fieldError, FormProblem, TextField } from './Dialog';
import { markPaid, requestPayment, type OrderPayments, type PaymentRequestResult } from './payments-api';

/** Records a check, wire, PO, COD or cash payment that arrived; the order moves on when it is paid in full. */
export function MarkPaidDialog({ orderId, method, currency, due, onDone, onClose }: {
  orderId: string; method: string; currency: string; due: number | null;
  onDone: (after: OrderPayments) => void; onClose: () => void;
}) {
  const [reference, setReference] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});

  const submit = async () => {
    const need: Record<string, string> = {};
    if (!reference.trim()) need.reference = 'Give the check number, wire reference or PO number.';
    const read = amount.trim() ? readMoney(amount, currency) : undefined;
    const minor = read && 'minor' in read ? read.minor : undefined;
    if (read && 'problem' in read) need.amount = read.problem;
    else if (minor !== undefined && minor <= 0) need.amount = `Not an amount in ${currency}: more than zero`;
    setMissing(need);
    if (Object.keys(need).length) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await markPaid(orderId, { reference: reference.trim(), ...(minor ? { amount: minor } : {}), ...(note.trim() ? { note: note.trim() } : {}) }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Mark paid: ${orderId}`} confirmLabel="Mark paid" busy={busy} onClose={onClose} onSubmit={() => void submit()}>
      <p className="muted">Paid by {paymentMethodLabel(method)}{due !== null && <>; {formatMoney(due, currency)} is due</>}.</p>
      <TextField label="Reference" value={reference} onChange={setReference} required autoFocus maxLength={200}
        error={missing.reference ?? fieldError(error, '/reference')} hint="Check number, wire reference, PO number…" />
      <TextField label={`Amount received (${currency})`} value={amount} onChange={setAmount} inputMode="decimal"
        error={missing.amount ?? fieldError(error, '/amount')} hint="Leave empty for the whole amount due" />
      <TextField label="Note" value={note} onChange={setNote} multiline maxLength={1000} error={fieldError(error, '/note')} />
      <FormProblem error={error} fields={['/reference', '/amount', '/note']} />
    </Dialog>
  );
}

/** Emails the customer a pay link for the amount due, then shows the link so it can be copied into a chat or a call. */
export function PaymentRequestDialog({ orderId, onDone, onClose }: { orderId: string; onDone?: (made: PaymentRequestResult) => void; onClose: () => void }) {
  const [hours, setHours] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<PaymentRequestResult | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);

  const submit = async () => {
    const expiresInHours = hours.trim() ? Number(hours) : undefined;
    if (expiresInHours !== undefined && (!Number.isInteger(expiresInHours) || expiresInHours < 1)) {
      setError({ local: 'A whole number of hours' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await requestPayment(orderId, { ...(expiresInHours ? { expiresInHours } : {}), ...(message.trim() ? { message: message.trim() } : {}) });
      setMade(result);
      onDone?.(result);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const copy = async (url: string) => {
    try { await navigator.clipboard.writeText(url); setCopied(true); } catch { setCopied(false); }
  };

  if (made) {
    return (
      <Dialog title={`Payment request sent: ${orderId}`} onClose={onClose} closeLabel="Done">
        <p>
          A link for <strong>{formatMoney(made.amountDue, made.currency)}</strong> is on its way to <strong>{made.emailTo}</strong>.
          It works until {formatInstant(made.expiresAt)}{made.revokedLinks > 0 && <>; {made.revokedLinks === 1 ? 'the earlier link no longer works' : `${made.revokedLinks} earlier links no longer work`}</>}.
        </p>
        <div className="pay-link">
          <input className="input mono" readOnly value={made.url} aria-label="Pay link" onFocus={(e) => e.target.select()} />
          <button type="button" className="btn btn-secondary" onClick={() => void copy(made.url)}>Copy link</button>
        </div>
        {copied === true && <p className="pay-small od-ok" role="status">Copied.</p>}
        {copied === false && <p className="pay-small muted" role="status">The browser did not allow copying; select the link and copy it.</p>}
      </Dialog>
    );
  }
  const localError = error && typeof error === 'object' && 'local' in error ? (error as { local: string }).local : undefined;
  return (
    <Dialog title={`Send payment request: ${orderId}`} confirmLabel="Send request" busy={busy} onClose={onClose} onSubmit={() => void submit()}>
      <p className="muted">The customer gets an email with a link to pay the amount due by card. An earlier link of this order stops working.</p>
      <TextField label="Link works for (hours)" value={hours} onChange={setHours} inputMode="numeric" hint="Leave empty for the default"
        error={localError ?? fieldError(error, '/expiresInHours')} />
      <TextField label="Message to the customer" value={message} onChange={setMessage} multiline maxLength={2000} error={fieldError(error, '/message')} />
      {!localError && <FormProblem error={error} fields={['/expiresInHours', '/message']} />}
    </Dialog>
  );
}
