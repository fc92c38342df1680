import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError, apiRequest, NetworkError } from '../app/api';
import { formatInstant, formatMoney } from '../app/format';
import './pay.css';

/*
 * The page behind a pay link emailed by Accounts Receivable. Public: no sign-in, no session, no back office
 * shell, and nothing loaded from anywhere else. The card goes to POST /api/v1/pay/:token, which keeps it in
 * the vault; the page forgets the number and security code as soon as an answer comes back.
 */

interface PayLink {
  orderId: string;
  amountDue: number;
  currency: string;
  items: { description: string; quantity: number }[];
  merchantName: string;
  expiresAt: string;
  attemptsLeft: number;
}

interface PayResult {
  status: 'paid' | 'declined' | 'processing';
  orderId: string;
  message?: string;
  attemptsLeft?: number;
}

type View =
  | { kind: 'loading' }
  | { kind: 'open'; link: PayLink }
  | { kind: 'paid'; link: PayLink }
  | { kind: 'processing'; link: PayLink }
  | { kind: 'closed'; title: string; text: string };

type Field = 'number' | 'expMonth' | 'expYear' | 'cvc' | 'holderName';
const FIELD_OF: Record<string, Field> = { '/number': 'number', '/expMonth': 'expMonth', '/expYear': 'expYear', '/cvc': 'cvc', '/holderName': 'holderName' };

/** 404 and 410 close the page; their text comes from the server, which says why in plain words. */
function closedView(error: unknown): View {
  if (error instanceof ApiError && error.status === 404) {
    return { kind: 'closed', title: 'This payment link is not valid', text: 'Check that the whole link from the email was opened, or ask the store for a new one.' };
  }
  if (error instanceof ApiError && error.status === 410) {
    const paid = error.code === 'pay_link_used' || error.code === 'pay_link_settled';
    return { kind: 'closed', title: paid ? 'Nothing to pay' : 'This payment link no longer works', text: sentence(error.message) };
  }
  if (error instanceof ApiError && error.status === 429) return { kind: 'closed', title: 'Too many tries', text: 'Wait a minute, then reload this page.' };
  if (error instanceof NetworkError) return { kind: 'closed', title: 'Could not reach the store', text: 'Check your connection, then reload this page.' };
  return { kind: 'closed', title: 'Something went wrong', text: 'Reload this page in a moment. If it keeps happening, contact the store.' };
}

const sentence = (text: string) => (text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.`.replace(/\.\.$/, '.') : '');

/**
 * What the customer reads after a decline: the gateway's reason, said once. "The card was declined" is not
 * put before a reason that says so already ("the card was declined: the card was declined").
 */
export function declineText(message: string | undefined, attemptsLeft: number): string {
  const reason = (message ?? '').trim().replace(/[.\s]+$/, '');
  const said = !reason ? 'The card was declined.' : /\bdeclined\b/i.test(reason) ? sentence(reason) : `The card was declined: ${reason}.`;
  return `${said} Try another card.${attemptsLeft === 1 ? ' One try is left.' : ''}`;
}
const digitsOnly = (value: string) => value.replace(/[^\d ]/g, '').slice(0, 23);

export default function PayPage() {
  const { token = '' } = useParams();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [number, setNumber] = useState('');
  const [expMonth, setExpMonth] = useState('');
  const [expYear, setExpYear] = useState('');
  const [cvc, setCvc] = useState('');
  const [holderName, setHolderName] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<{ text: string; field?: Field; kind: 'error' | 'warning' } | null>(null);
  // A fresh alert element per answer, so a screen reader announces a repeated decline again.
  const [answer, setAnswer] = useState(0);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | HTMLSelectElement | null>>>({});
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    apiRequest<PayLink>(`/pay/${encodeURIComponent(token)}`, { signal: controller.signal })
      .then(({ data }) => setView({ kind: 'open', link: data }))
      .catch((error: unknown) => { if (!controller.signal.aborted) setView(closedView(error)); });
    return () => controller.abort();
  }, [token]);

  const merchant = view.kind === 'open' || view.kind === 'paid' || view.kind === 'processing' ? view.link.merchantName : null;
  useEffect(() => { document.title = merchant ? `Pay ${merchant}` : 'Payment'; }, [merchant]);
  useEffect(() => { if (view.kind !== 'open' && view.kind !== 'loading') heading.current?.focus(); }, [view.kind]);

  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: 21 }, (_, i) => thisYear + i);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (view.kind !== 'open' || submitting) return;
    const missing: [Field, string] | undefined = !number.trim() ? ['number', 'Enter the card number.']
      : !expMonth ? ['expMonth', 'Choose the expiry month.'] : !expYear ? ['expYear', 'Choose the expiry year.'] : undefined;
    if (missing) {
      setProblem({ kind: 'error', text: missing[1], field: missing[0] });
      setAnswer((n) => n + 1);
      inputs.current[missing[0]]?.focus();
      return;
    }
    setSubmitting(true);
    setProblem(null);
    const body = {
      number: number.trim(), expMonth: Number(expMonth), expYear: Number(expYear),
      ...(cvc.trim() ? { cvc: cvc.trim() } : {}), ...(holderName.trim() ? { holderName: holderName.trim() } : {}),
    };
    try {
      const { data } = await apiRequest<PayResult>(`/pay/${encodeURIComponent(token)}`, { method: 'POST', body });
      setNumber('');
      setCvc('');
      if (data.status === 'paid') setView({ kind: 'paid', link: view.link });
      else if (data.status === 'processing') setView({ kind: 'processing', link: view.link });
      else {
        const left = data.attemptsLeft ?? view.link.attemptsLeft - 1;
        setView({ kind: 'open', link: { ...view.link, attemptsLeft: left } });
        setProblem({ kind: 'warning', text: declineText(data.message, left) });
        inputs.current.number?.focus();
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const field = error.problem.field ? FIELD_OF[error.problem.field] : undefined;
        setProblem({ kind: 'error', text: sentence(error.message), ...(field ? { field } : {}) });
        if (field) inputs.current[field]?.focus();
      } else if (error instanceof ApiError && error.status === 409) {
        setProblem({ kind: 'error', text: sentence(error.message) });
      } else {
        setNumber('');
        setCvc('');
        setView(closedView(error));
      }
    } finally {
      setSubmitting(false);
      setAnswer((n) => n + 1);
    }
  };

  const invalid = (field: Field) => (problem?.kind === 'error' && problem.field === field ? true : undefined);
  const describedBy = (field: Field) => (problem?.field === field ? 'pay-problem' : undefined);

  return (
    <main className="pay" id="main">
      <div className="pay-card">
        {view.kind === 'loading' && <div role="status" aria-live="polite"><span className="spinner" aria-hidden="true" /> Loading the payment…</div>}

        {view.kind === 'closed' && (
          <div className="pay-state">
            <h1 className="pay-title" tabIndex={-1} ref={heading}>{view.title}</h1>
            <p>{view.text}</p>
          </div>
        )}

        {(view.kind === 'paid' || view.kind === 'processing') && (
          <div className="pay-state">
            <p className="pay-merchant">{view.link.merchantName}</p>
            <h1 className="pay-title" tabIndex={-1} ref={heading}>{view.kind === 'paid' ? 'Thank you — payment received' : 'Payment submitted'}</h1>
            <div role="status" className={`alert ${view.kind === 'paid' ? 'alert-success' : 'alert-info'}`}>
              {view.kind === 'paid'
                ? `${formatMoney(view.link.amountDue, view.link.currency)} was paid for order ${view.link.orderId}. You can close this page.`
                : `Your card is being processed for order ${view.link.orderId}. The store will confirm by email; do not pay again.`}
            </div>
          </div>
        )}

        {view.kind === 'open' && (
          <>
            <p className="pay-merchant">{view.link.merchantName}</p>
            <h1 className="pay-title">Pay for your order</h1>
            <p className="pay-amount">{formatMoney(view.link.amountDue, view.link.currency)}</p>
            <p className="pay-order">Order {view.link.orderId} · this link works until {formatInstant(view.link.expiresAt)}</p>
            <ul className="pay-items" aria-label="Items in the order">
              {view.link.items.map((item, i) => (
                <li key={i}><span>{item.description}</span><span className="pay-qty">× {item.quantity}</span></li>
              ))}
            </ul>

            {problem && (
              <div key={answer} id="pay-problem" className={`alert alert-${problem.kind}`} role="alert">{problem.text}</div>
            )}

            <form onSubmit={(event) => void submit(event)} noValidate aria-label="Card payment">
              <div className="field">
                <label htmlFor="pay-number">Card number</label>
                <input id="pay-number" ref={(el) => { inputs.current.number = el; }} className="input" name="cardnumber" autoComplete="cc-number"
                  inputMode="numeric" spellCheck={false} value={number} onChange={(e) => setNumber(digitsOnly(e.target.value))}
                  required aria-invalid={invalid('number')} aria-describedby={describedBy('number')} />
              </div>
              <fieldset>
                <legend>Expiry and security code</legend>
                <div className="pay-row">
                  <div className="field">
                    <label htmlFor="pay-exp-month">Month</label>
                    <select id="pay-exp-month" ref={(el) => { inputs.current.expMonth = el; }} className="select" autoComplete="cc-exp-month"
                      value={expMonth} onChange={(e) => setExpMonth(e.target.value)} required aria-invalid={invalid('expMonth')} aria-describedby={describedBy('expMonth')}>
                      <option value="">MM</option>
                      {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => <option key={m} value={m}>{String(m).padStart(2, '0')}</option>)}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor="pay-exp-year">Year</label>
                    <select id="pay-exp-year" ref={(el) => { inputs.current.expYear = el; }} className="select" autoComplete="cc-exp-year"
                      value={expYear} onChange={(e) => setExpYear(e.target.value)} required aria-invalid={invalid('expYear')} aria-describedby={describedBy('expYear')}>
                      <option value="">YYYY</option>
                      {years.map((y) => <option key={y} value={y}>{y}</option>)}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor="pay-cvc">Security code</label>
                    <input id="pay-cvc" ref={(el) => { inputs.current.cvc = el; }} className="input" name="cvc" autoComplete="cc-csc" inputMode="numeric"
                      maxLength={4} value={cvc} onChange={(e) => setCvc(e.target.value.replace(/\D/g, ''))}
                      aria-invalid={invalid('cvc')} aria-describedby={describedBy('cvc') ?? 'pay-cvc-hint'} />
                  </div>
                </div>
                <p id="pay-cvc-hint" className="field-hint">The 3 digits on the back (4 on the front of an American Express card).</p>
              </fieldset>
              <div className="field">
                <label htmlFor="pay-name">Name on the card</label>
                <input id="pay-name" ref={(el) => { inputs.current.holderName = el; }} className="input" name="ccname" autoComplete="cc-name"
                  maxLength={120} value={holderName} onChange={(e) => setHolderName(e.target.value)}
                  aria-invalid={invalid('holderName')} aria-describedby={describedBy('holderName')} />
              </div>
              <button type="submit" className="btn btn-primary btn-block" disabled={submitting} aria-busy={submitting || undefined}>
                {submitting && <span className="spinner spinner-light" aria-hidden="true" />}
                {submitting ? 'Paying…' : `Pay ${formatMoney(view.link.amountDue, view.link.currency)}`}
              </button>
              <p className="pay-note">
                Your card is charged only for this order.{view.link.attemptsLeft <= 2 ? ` ${view.link.attemptsLeft} ${view.link.attemptsLeft === 1 ? 'try' : 'tries'} left with this link.` : ''}
              </p>
            </form>
          </>
        )}
      </div>
      <p className="pay-footer">Secure payment page</p>
    </main>
  );
}
