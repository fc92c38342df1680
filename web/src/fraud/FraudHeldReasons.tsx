import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, describeError } from '../app/api';
import type { Order } from '../orders/types';
import { ruleLabel } from '../payments/labels';

const SHOWN = 10;
/** The 0-point reason an exempt order (trusted customer, exempt IP) keeps: the rules did not run for it. */
export const EXEMPT_RULE = 'exempt';
type Fraud = Order['fraud'];

/** Why each picked order was held: its score and the rules that fired, read from the order itself. */
export function FraudHeldReasons({ orderIds }: { orderIds: readonly string[] }) {
  const [loaded, setLoaded] = useState<ReadonlyMap<string, Fraud | { error: string }>>(new Map());
  const ids = orderIds.slice(0, SHOWN);
  const key = ids.join(',');

  useEffect(() => {
    const controller = new AbortController();
    for (const id of key ? key.split(',') : []) {
      if (loaded.has(id)) continue;
      api<Order>(`/orders/${encodeURIComponent(id)}`, { signal: controller.signal }).then(
        (order) => setLoaded((m) => new Map(m).set(id, order.fraud)),
        (e: unknown) => { if (!controller.signal.aborted) setLoaded((m) => new Map(m).set(id, { error: describeError(e) })); },
      );
    }
    return () => controller.abort();
    // `loaded` is read, not watched: only a change of the picked orders loads more.
  }, [key]);

  if (!ids.length) return <p className="muted fr-hint">Select orders to see why they were held and to approve, reject or block.</p>;
  return (
    <section className="fr-held" aria-label="Why these orders were held">
      {ids.map((id) => {
        const fraud = loaded.get(id);
        return (
          <article key={id} className="fr-held-order" aria-label={`Fraud check of ${id}`}>
            <header>
              <Link to={`/orders/${encodeURIComponent(id)}`} className="mono">{id}</Link>
              {fraud && 'score' in fraud && (
                <span className={`badge ${fraud.score !== null && fraud.score >= 50 ? 'badge-danger' : 'badge-warning'}`}>
                  Score {fraud.score ?? '—'}
                </span>
              )}
            </header>
            {!fraud ? <span className="muted">Loading…</span>
              : 'error' in fraud ? <span className="od-fail">{fraud.error}</span>
                : fraud.reasons.length === 0 ? <span className="muted">No rule fired: held by hand or by the storefront.</span>
                  : (
                    <ul>
                      {fraud.reasons.map((r, i) => (
                        <li key={`${r.rule}-${i}`}>
                          {r.rule === EXEMPT_RULE
                            ? <><span className="badge badge-warning">Exempt</span> <strong>No rule ran</strong></>
                            : <><span className="mono">+{r.points}</span> <strong>{ruleLabel(r.rule)}</strong></>}
                          {r.detail && <span className="muted">: {r.detail}</span>}
                        </li>
                      ))}
                    </ul>
                  )}
          </article>
        );
      })}
      {orderIds.length > SHOWN && <p className="muted">and {orderIds.length - SHOWN} more selected.</p>}
    </section>
  );
}
