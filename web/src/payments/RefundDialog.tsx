import { useMemo, useState } from 'react';
import { ApiError } from '../app/api';
import { formatMoney, minorDigits, readMoney } from '../app/format';
import { useApiData } from '../app/use-api';
import type { Order } from '../orders/types';
import { Dialog, fieldError, FormProblem, TextField } from './Dialog';
import { idempotencyKey, refundOrder, type OrderPayments, type RefundRequest, type RefundResult } from './payments-api';
import { useRefundPreview } from './use-refund-preview';

interface Props {
  order: Order;
  payments: OrderPayments;
  /** Whether the person may also reject the order ("refund then reject"). */
  canReject: boolean;
  /** Opened from a reject: "then reject" ticked and everything refundable filled in as a custom amount. */
  thenReject?: boolean;
  onDone: (result: RefundResult) => void;
  onClose: () => void;
}

interface Draft {
  quantities: Record<number, string>;
  shipping: string;
  tax: string;
  custom: boolean;
  amount: string;
}

/** An amount as typed in the form: 5795 USD → "57.95". */
const majorUnits = (minor: number, currency: string) => (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));

/** The request the form describes, the lines in the order sent (so `/items/<i>` errors find their line), or the fields that are not numbers. */
function requestOf(draft: Draft, currency: string) {
  const invalid: Record<string, string> = {};
  const request: RefundRequest = {};
  const lineNos: number[] = [];
  const items = [];
  for (const [lineNo, text] of Object.entries(draft.quantities)) {
    if (!text.trim()) continue;
    const quantity = Number(text);
    if (!Number.isInteger(quantity) || quantity < 0) { invalid[`line-${lineNo}`] = 'A whole number'; continue; }
    if (quantity > 0) { items.push({ lineNo: Number(lineNo), quantity }); lineNos.push(Number(lineNo)); }
  }
  if (items.length) request.items = items;
  const money = (text: string, key: 'shipping' | 'tax' | 'amount') => {
    if (!text.trim()) return;
    const read = readMoney(text, currency);
    if ('problem' in read) invalid[key] = read.problem;
    else if (read.minor < 0) invalid[key] = `Not an amount in ${currency}: below zero`;
    else if (read.minor > 0) request[key] = read.minor;
  };
  money(draft.shipping, 'shipping');
  money(draft.tax, 'tax');
  if (draft.custom) money(draft.amount, 'amount');
  const empty = !request.items && !request.shipping && !request.tax && !request.amount;
  return { request: empty || Object.keys(invalid).length ? null : request, lineNos, invalid };
}

/** The server's message for a field of the refund, including the `/items/<i>/…` of one line. */
function errorFor(error: unknown, key: string, lineNos: number[]): string | undefined {
  if (!(error instanceof ApiError) || !error.problem.field) return undefined;
  const m = /^\/items\/(\d+)\//.exec(error.problem.field);
  if (m) return key === `line-${lineNos[Number(m[1])]}` ? fieldError(error, error.problem.field) : undefined;
  return fieldError(error, `/${key}`);
}

/**
 * Refund items, shipping, tax or a custom amount, through the gateway or recorded as made elsewhere.
 * The server computes the figures (a preview while the form is filled in) and refuses what is over
 * the refundable amount, naming the field.
 */
export function RefundDialog({ order, payments, canReject, thenReject = false, onDone, onClose }: Props) {
  const reasons = useApiData<{ reasons: string[] }>('/payments/refund-reasons');
  const usedGateway = payments.entries.some((e) => (e.kind === 'sale' || e.kind === 'capture') && e.status === 'approved' && e.gatewayReference);
  const [draft, setDraft] = useState<Draft>(() => ({
    quantities: {}, shipping: '', tax: '', custom: thenReject, amount: thenReject ? majorUnits(payments.refundable, payments.currency) : '',
  }));
  const [reason, setReason] = useState('');
  const [method, setMethod] = useState<'gateway' | 'external'>(usedGateway ? 'gateway' : 'external');
  const [reference, setReference] = useState('');
  const [rejectAfter, setRejectAfter] = useState(thenReject && canReject);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [key] = useState(idempotencyKey);
  const { currency } = payments;
  const m = (n: number) => formatMoney(n, currency);

  const { request, lineNos, invalid } = useMemo(() => requestOf(draft, currency), [draft, currency]);
  const preview = useRefundPreview(order.orderId, request);
  const shown = error ?? preview.error;
  const problem = (k: string) => invalid[k] ?? missing[k] ?? errorFor(shown, k, lineNos);
  const set = (change: Partial<Draft>) => { setDraft((d) => ({ ...d, ...change })); setError(null); };

  const submit = async () => {
    const need: Record<string, string> = {};
    if (!request) need.what = 'Choose what to refund: quantities, shipping, tax or an amount.';
    if (!reason) need.reason = 'Choose a reason.';
    if (method === 'external' && !reference.trim()) need.externalReference = 'Give the reference of the refund made elsewhere.';
    setMissing(need);
    if (Object.keys(need).length || !request) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await refundOrder(order.orderId, {
        ...request, reason, method, rejectAfter: rejectAfter || undefined, version: order.version,
        ...(method === 'external' ? { externalReference: reference.trim() } : {}),
      }, key));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const fields = ['/shipping', '/tax', '/amount', '/reason', '/method', '/externalReference', '/rejectAfter'];
  /** Errors at a line are shown on the line; the rest at their field, or above the buttons. */
  const atLine = (e: unknown) => e instanceof ApiError && /^\/items\/\d+\//.test(e.problem.field ?? '');
  const general = error ?? preview.error;
  const total = preview.preview?.total;
  return (
    <Dialog title={`Refund ${order.orderId}`} wide busy={busy} onClose={onClose} onSubmit={() => void submit()}
      confirmLabel={total ? `Refund ${m(total)}` : 'Refund'} danger={rejectAfter}>
      <p className="muted">Up to <strong>{m(payments.refundable)}</strong> may be refunded ({m(payments.paid)} paid, {m(payments.refunded)} refunded).</p>
      <fieldset className="pay-fieldset">
        <legend>Items</legend>
        <table className="table table-compact pay-refund-lines">
          <thead><tr><th scope="col">Item</th><th scope="col" className="num">Left</th><th scope="col" className="num">Refund</th></tr></thead>
          <tbody>
            {order.items.map((item) => {
              const left = item.quantity - item.quantityRefunded;
              const err = problem(`line-${item.lineNo}`);
              return (
                <tr key={item.lineNo}>
                  <td><span className="mono">{item.sku}</span> {item.description}</td>
                  <td className="num">{left} of {item.quantity}</td>
                  <td className="num">
                    <input className="input pay-qty" type="number" min={0} max={left} inputMode="numeric" disabled={left === 0}
                      aria-label={`Quantity to refund of ${item.sku}`} aria-invalid={err ? true : undefined}
                      value={draft.quantities[item.lineNo] ?? ''} placeholder="0"
                      onChange={(e) => set({ quantities: { ...draft.quantities, [item.lineNo]: e.target.value } })} />
                    {err && <span className="field-error pay-line-error">{err}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      <div className="form-grid">
        <TextField label={`Shipping (${currency})`} value={draft.shipping} inputMode="decimal" error={problem('shipping')}
          hint="Its share of the shipping tax goes back with it" onChange={(v) => set({ shipping: v })} />
        <TextField label={`Extra tax (${currency})`} value={draft.tax} inputMode="decimal" error={problem('tax')} onChange={(v) => set({ tax: v })} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={draft.custom} onChange={(e) => set({ custom: e.target.checked })} /> Refund a custom amount instead
      </label>
      {draft.custom && (
        <TextField label={`Amount to refund (${currency})`} value={draft.amount} inputMode="decimal" error={problem('amount')} onChange={(v) => set({ amount: v })} />
      )}
      {missing.what && <p className="field-error">{missing.what}</p>}
      <RefundFigures preview={preview} currency={currency} custom={draft.custom} />
      <div className="field">
        <label htmlFor="refund-reason" className="field-label">Reason</label>
        <select id="refund-reason" className="select" value={reason} aria-invalid={problem('reason') ? true : undefined}
          onChange={(e) => { setReason(e.target.value); setMissing((x) => ({ ...x, reason: '' })); }}>
          <option value="">{reasons.data ? 'Choose a reason…' : 'Loading reasons…'}</option>
          {reasons.data?.reasons.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        {problem('reason') && <span className="field-error">{problem('reason')}</span>}
      </div>
      <fieldset className="segmented" aria-label="How the money goes back">
        <legend className="visually-hidden">How the money goes back</legend>
        {([['gateway', 'Through the gateway'], ['external', 'Refunded elsewhere']] as const).map(([value, label]) => (
          <label key={value} className="segmented-option">
            <input type="radio" name="refund-method" checked={method === value} onChange={() => setMethod(value)} /><span>{label}</span>
          </label>
        ))}
      </fieldset>
      {problem('method') && <span className="field-error">{problem('method')}</span>}
      {method === 'external' && (
        <TextField label="Reference of the refund" value={reference} onChange={setReference} maxLength={200} error={problem('externalReference')}
          hint="Cash receipt, store credit number, the provider's refund id…" />
      )}
      {canReject && (
        <label className="checkbox pay-reject">
          <input type="checkbox" checked={rejectAfter} onChange={(e) => setRejectAfter(e.target.checked)} /> Refund then reject the order
        </label>
      )}
      {problem('rejectAfter') && <span className="field-error">{problem('rejectAfter')}</span>}
      {general !== null && !atLine(general) && <FormProblem error={general} fields={fields} />}
    </Dialog>
  );
}

function RefundFigures({ preview, currency, custom }: { preview: ReturnType<typeof useRefundPreview>; currency: string; custom: boolean }) {
  const p = preview.preview;
  const m = (n: number) => formatMoney(n, currency);
  if (!p) return <p className="muted pay-preview" aria-live="polite">{preview.loading ? 'Working out the refund…' : 'The refund is worked out as you fill this in.'}</p>;
  const items = p.lines.reduce((s, l) => s + l.amount, 0);
  return (
    <dl className="od-summary pay-preview" aria-label="Refund preview" aria-live="polite">
      <dt>Items</dt><dd>{m(items)}</dd>
      <dt>Shipping</dt><dd>{m(p.shipping + p.shippingTax)}</dd>
      <dt>Extra tax</dt><dd>{m(p.tax)}</dd>
      {custom && <><dt>Computed</dt><dd>{m(p.computed)}</dd></>}
      <dt className="od-summary-total">To refund</dt><dd className="od-summary-total" data-testid="refund-total">{m(p.total)}</dd>
    </dl>
  );
}
