import { useId, useState } from 'react';
import { ApiError } from '../app/api';
import { formatInstant, formatMoney } from '../app/format';
import { Dialog, fieldError, FormProblem, TextField } from './Dialog';
import { LEDGER_KIND_LABEL } from './labels';
import { resolveCharge, type HandResolution, type LedgerEntry, type OrderPayments } from './payments-api';

type Outcome = HandResolution['outcome'];

interface Props {
  orderId: string;
  /** The order's payment method: an accepted e-check is submitted, not yet paid. */
  paymentMethod: string;
  /** A sale or authorization whose answer was lost (isResolvableByHand). */
  entry: LedgerEntry;
  onDone: (after: OrderPayments, outcome: Outcome) => void;
  /** The entry changed meanwhile (a colleague recorded it, a notification came): the panel reads it again. */
  onStale: () => void;
  onClose: () => void;
}

/** What each outcome does to the order; an e-check the gateway accepted still has to clear. */
function outcomes(echeck: boolean): readonly { value: Outcome; label: string; hint: string }[] {
  return [
    {
      value: 'approved', label: 'Approved',
      hint: echeck ? 'The gateway accepted the e-check: the order waits in Pending Clearance for the gateway\'s clearing notification.'
        : 'The gateway approved it: the order\'s payment and stage follow as if it had answered.',
    },
    { value: 'failed', label: 'Failed', hint: 'Nothing was taken: the payment is collected again, as after any failed charge.' },
  ];
}

/** The one sentence that says why a person records this, and what to do first. */
function why(entry: LedgerEntry, echeck: boolean): string {
  const what = `this ${LEDGER_KIND_LABEL[entry.kind].toLowerCase()} of ${formatMoney(entry.amount, entry.currency)} (sent ${formatInstant(entry.createdAt)})`;
  return echeck
    ? `Orderdeck never got the gateway's answer to ${what} and cannot ask again, as an e-check's account number is not kept: check with the gateway first, then record what it says.`
    : `Orderdeck never got the gateway's answer to ${what} and has not learned it since: check with the gateway first, then record what it says.`;
}

/**
 * Records by hand what the gateway says happened to a charge whose answer was lost (an e-check cannot be
 * asked about again: its account number is not kept). The server checks the order's desk permission and
 * that the entry is still open; its problems are shown at their field, or above the buttons.
 */
export function ResolveChargeDialog({ orderId, paymentMethod, entry, onDone, onStale, onClose }: Props) {
  const id = useId();
  const echeck = paymentMethod === 'e_check';
  const known = entry.gatewayReference;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [reference, setReference] = useState(known ?? '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const clear = (key: string) => setMissing((m) => (m[key] ? { ...m, [key]: '' } : m));
  const referenceNeeded = outcome === 'approved' && !known;

  const submit = async () => {
    const need: Record<string, string> = {};
    if (!outcome) need.outcome = 'Choose what the gateway says happened.';
    if (referenceNeeded && !reference.trim()) need.gatewayReference = 'Give the gateway\'s transaction reference: an approved charge needs it.';
    if (!note.trim()) need.note = 'Say how you confirmed it: the gateway dashboard, a support ticket…';
    setMissing(need);
    if (Object.values(need).some(Boolean) || !outcome) return;
    setBusy(true);
    setError(null);
    const ref = reference.trim();
    try {
      onDone(await resolveCharge(orderId, entry.id, { outcome, note: note.trim(), ...(outcome === 'approved' && ref ? { gatewayReference: ref } : {}) }), outcome);
    } catch (e) {
      setError(e);
      setBusy(false);
      if (e instanceof ApiError && e.status === 409) onStale();
    }
  };

  const outcomeError = missing.outcome || fieldError(error, '/outcome');
  const choices = outcomes(echeck);
  const chosen = choices.find((o) => o.value === outcome);
  return (
    <Dialog title={`Record the outcome of entry ${entry.id}`} confirmLabel="Save" busy={busy} onClose={onClose} onSubmit={() => void submit()}>
      <p className="muted pay-why">{why(entry, echeck)}</p>
      <fieldset className="pay-fieldset" aria-describedby={[chosen ? `${id}-h` : '', outcomeError ? `${id}-e` : ''].filter(Boolean).join(' ') || undefined}>
        <legend>What the gateway says</legend>
        <div className="segmented">
          {choices.map((o) => (
            <label key={o.value} className="segmented-option">
              <input type="radio" name={`${id}-outcome`} value={o.value} checked={outcome === o.value} aria-invalid={outcomeError ? true : undefined}
                onChange={() => { setOutcome(o.value); clear('outcome'); clear('gatewayReference'); }} /><span>{o.label}</span>
            </label>
          ))}
        </div>
        {chosen && <span className="field-hint pay-outcome-hint" id={`${id}-h`}>{chosen.hint}</span>}
        {outcomeError && <span className="field-error pay-outcome-hint" id={`${id}-e`}>{outcomeError}</span>}
      </fieldset>
      <TextField label="Gateway reference" value={reference} maxLength={200} required={referenceNeeded}
        onChange={(v) => { setReference(v); clear('gatewayReference'); }}
        error={missing.gatewayReference || fieldError(error, '/gatewayReference')}
        hint={outcome === 'failed' ? 'Not needed for a failed charge.'
          : known ? 'As Orderdeck has it; change it only if the gateway shows another.'
            : 'The transaction id the gateway shows for this charge; required to record it approved.'} />
      <TextField label="How did you confirm it?" value={note} multiline required maxLength={1000}
        onChange={(v) => { setNote(v); clear('note'); }} error={missing.note || fieldError(error, '/note')}
        hint="Goes into the order's history, e.g. “not on the gateway dashboard, checked 10:40”." />
      <FormProblem error={error} fields={['/outcome', '/gatewayReference', '/note']} />
    </Dialog>
  );
}
