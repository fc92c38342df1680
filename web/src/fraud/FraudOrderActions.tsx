import { useState } from 'react';
import { describeError } from '../app/api';
import { refreshStageCounts } from '../app/stage-counts';
import type { Order } from '../orders/types';
import { type FraudAction } from './fraud-api';
import { FraudActionDialog, runFraudAction } from './FraudReviewActions';
import './fraud.css';

/** Approve, Reject or Block customer from the order page, for an order waiting in Fraud Review. */
export function FraudOrderActions({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const [action, setAction] = useState<FraudAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const confirm = async (reason: string, block: boolean) => {
    if (!action) return;
    setError(null);
    try {
      setDone(await runFraudAction(action, order.orderId, reason, block));
      setAction(null);
      void refreshStageCounts();
      onChanged();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const open = (a: FraudAction) => { setError(null); setDone(null); setAction(a); };
  return (
    <section className="panel od-panel fr-order-actions" aria-label="Fraud Review decision">
      <div className="panel-body">
        <p className="fr-order-title"><strong>Fraud Review</strong>: decide on this order.</p>
        <div className="cluster">
          <button type="button" className="btn btn-primary btn-sm" onClick={() => open('approve')}>Approve</button>
          <button type="button" className="btn btn-danger btn-sm" onClick={() => open('reject')}>Reject</button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => open('block')}>Block customer</button>
        </div>
        {done && <p className="od-ok" role="status">{done}.</p>}
      </div>
      {action && <FraudActionDialog action={action} orderIds={[order.orderId]} error={error} onClose={() => setAction(null)} onConfirm={confirm} />}
    </section>
  );
}
