import { useApiData } from '../app/use-api';
import { ErrorState, Loading } from '../app/ui';
import type { Order } from '../orders/types';
import { Dialog } from './Dialog';
import { paymentsPath, type OrderPayments, type RefundResult } from './payments-api';
import { RefundDialog } from './RefundDialog';

/**
 * The first choice when rejecting an order that holds paid money: the refund dialog with "then reject"
 * ticked and everything refundable filled in, once the ledger (which the refund needs) is read.
 */
export function RefundThenReject({ order, onDone, onClose }: { order: Order; onDone: (result: RefundResult) => void; onClose: () => void }) {
  const ledger = useApiData<OrderPayments>(paymentsPath(order.orderId));
  if (!ledger.data) {
    return (
      <Dialog title={`Refund ${order.orderId}`} onClose={onClose}>
        {ledger.error ? <ErrorState error={ledger.error} onRetry={() => ledger.reload()} title="Could not load the payment ledger" /> : <Loading label="Loading the payment ledger…" />}
      </Dialog>
    );
  }
  return <RefundDialog order={order} payments={ledger.data} canReject thenReject onDone={onDone} onClose={onClose} />;
}
