import { useState, type FormEvent } from 'react';
import { api } from '../app/api';
import { readMoney } from '../app/format';
import type { Assessment } from '../fraud/fraud-api';
import { fieldError, FormProblem, TextField } from '../payments/Dialog';
import { ruleLabel } from '../payments/labels';

const FIELDS = ['email', 'total', 'currency', 'ip', 'billingCountry', 'billingLine1', 'billingPostalCode', 'shippingCountry', 'avs', 'cvv'] as const;
type Facts = Record<(typeof FIELDS)[number], string>;

/**
 * A dry run of the saved rules: how they would score an order with these facts. Nothing is recorded.
 * It tests what is saved, so a change in the form above is tried after saving it.
 */
export function FraudTestForm() {
  const [facts, setFacts] = useState<Facts>({
    email: 'someone@example.com', total: '120.00', currency: 'USD', ip: '', billingCountry: 'US', billingLine1: '1 Main Street',
    billingPostalCode: '', shippingCountry: '', avs: '', cvv: '',
  });
  const [result, setResult] = useState<Assessment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Facts) => (v: string) => setFacts((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const read = readMoney(facts.total, facts.currency.trim().toUpperCase() || 'USD');
    if ('problem' in read) { setError({ local: read.problem }); return; }
    const total = read.minor;
    setBusy(true);
    setError(null);
    try {
      const billing = { line1: facts.billingLine1, country: facts.billingCountry.toUpperCase(), ...(facts.billingPostalCode ? { postalCode: facts.billingPostalCode } : {}) };
      setResult(await api<Assessment>('/fraud/assess', {
        method: 'POST',
        body: {
          currency: facts.currency.toUpperCase(), total, email: facts.email, billing,
          ...(facts.shippingCountry ? { shipping: { ...billing, country: facts.shippingCountry.toUpperCase() } } : {}),
          ...(facts.ip ? { ip: facts.ip } : {}), ...(facts.avs ? { avs: facts.avs } : {}), ...(facts.cvv ? { cvv: facts.cvv } : {}),
        },
      }));
    } catch (err) {
      setError(err);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };
  const local = error && typeof error === 'object' && 'local' in error ? (error as { local: string }).local : undefined;
  const at = (path: string) => fieldError(error, path);

  return (
    <section className="panel st-test" aria-labelledby="fraud-test-title">
      <header className="panel-header">
        <div>
          <h2 className="panel-title" id="fraud-test-title">Test these rules</h2>
          <p className="panel-subtitle">How the saved rules would score an order with these facts. Nothing is recorded.</p>
        </div>
      </header>
      <form className="panel-body" onSubmit={(e) => void submit(e)} aria-label="Test the fraud rules" noValidate>
        <div className="form-grid">
          <TextField label="Email" value={facts.email} onChange={set('email')} error={at('/email')} />
          <TextField label="Order total" value={facts.total} onChange={set('total')} inputMode="decimal" error={local ?? at('/total')} />
          <TextField label="Currency" value={facts.currency} onChange={set('currency')} maxLength={3} error={at('/currency')} />
          <TextField label="IP address" value={facts.ip} onChange={set('ip')} error={at('/ip')} />
          <TextField label="Billing street" value={facts.billingLine1} onChange={set('billingLine1')} error={at('/billing/line1')} />
          <TextField label="Billing postal code" value={facts.billingPostalCode} onChange={set('billingPostalCode')} error={at('/billing/postalCode')} />
          <TextField label="Billing country" value={facts.billingCountry} onChange={set('billingCountry')} maxLength={2} error={at('/billing/country')} />
          <TextField label="Shipping country" value={facts.shippingCountry} onChange={set('shippingCountry')} maxLength={2} hint="Empty: same as billing" error={at('/shipping/country')} />
          <TextField label="AVS result" value={facts.avs} onChange={set('avs')} maxLength={1} hint="A letter, e.g. N" error={at('/avs')} />
          <TextField label="CVV result" value={facts.cvv} onChange={set('cvv')} maxLength={1} hint="A letter, e.g. N" error={at('/cvv')} />
        </div>
        {!local && <FormProblem error={error} fields={['/email', '/total', '/currency', '/ip', '/billing/line1', '/billing/postalCode', '/billing/country', '/shipping/country', '/avs', '/cvv']} />}
        <button type="submit" className="btn btn-secondary" disabled={busy}>{busy ? 'Scoring…' : 'Score this order'}</button>
        {result && (
          <div className={`alert ${result.hold ? 'alert-error' : 'alert-success'} st-result`} role="status" aria-label="Test result">
            <p>
              <strong>Score {result.score}</strong> of {result.threshold} needed to hold:{' '}
              {result.exemptBy ? `exempt (${result.exemptBy.replace(/_/g, ' ')}), no rule ran` : result.hold ? 'would be held for Fraud Review' : 'would pass'}.
            </p>
            {result.contributions.length > 0 && (
              <ul>{result.contributions.map((c, i) => <li key={`${c.rule}-${i}`}><span className="mono">+{c.points}</span> {ruleLabel(c.rule)}: {c.detail}</li>)}</ul>
            )}
          </div>
        )}
      </form>
    </section>
  );
}
