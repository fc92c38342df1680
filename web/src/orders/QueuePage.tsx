import { useState } from 'react';
import type { Department, Stage } from '../app/departments';
import { useSession } from '../app/session';
import { permissionLabel } from '../app/permission-label';
import { PageHeader, usePageTitle } from '../app/ui';
import { FraudHeldReasons } from '../fraud/FraudHeldReasons';
import { FraudRunReport, FraudSelectionActions, useFraudRun } from '../fraud/FraudReviewActions';
import { ArRunReport, ArSelectionActions, useArRun } from '../payments/ArQueueActions';
import { RecoveredRevenuePanel } from '../payments/RecoveredRevenuePanel';
import { moveLabel, stageLabel } from './labels';
import { MoveDialog } from './MoveDialog';
import { ListControls, ListResults, useOrdersList } from './OrderListView';
import { MoveProgress, SelectionBar } from './QueueActions';
import { hasFilters, type Sort } from './search-state';
import { useBulkMove } from './use-bulk-move';
import { useSelection } from './use-selection';
import './orders.css';
import '../fraud/fraud.css';

interface QueueSetup { columns: string[]; sort: Sort; description: string }

const BASE = ['orderId', 'createdAt', 'customerName'];
/** What each department looks at first. Work queues show the longest-waiting orders first. */
const QUEUES: Record<string, QueueSetup> = {
  '/quotes': { columns: [...BASE, 'customerEmail', 'stage', 'channel', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Customers waiting for a price, and quotes sent waiting for the customer.' },
  '/preorders': { columns: [...BASE, 'paymentMethod', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Orders with an item not yet available; the card is not charged until release.' },
  '/accounts-receivable': { columns: [...BASE, 'paymentMethod', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Payment not completed: declined, charge later, or an offline method.' },
  '/pending-clearance': { columns: [...BASE, 'paymentMethod', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Payment submitted, waiting for the provider to settle it.' },
  '/fraud-review': { columns: [...BASE, 'customerEmail', 'fraudScore', 'shippingCountry', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Held by the fraud rules before any payment was taken: approve or reject.' },
  '/hold': { columns: [...BASE, 'holdFromStage', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Put on hold by a person; a release returns the order to the stage it came from.' },
  '/shipping': { columns: [...BASE, 'shippingCountry', 'paidAt', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: 'Paid and waiting to ship.' },
  '/completed': { columns: [...BASE, 'shippedAt', 'paymentStatus', 'channel', 'total'], sort: 'stage_entered_desc', description: 'Paid and shipped, or nothing to ship.' },
  '/rejected': { columns: [...BASE, 'customerEmail', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_desc', description: 'Cancelled or voided; still searchable, excluded from sales.' },
};
const FALLBACK: QueueSetup = { columns: [...BASE, 'stage', 'paymentStatus', 'stageEnteredAt', 'total'], sort: 'stage_entered_asc', description: '' };

/** Only the payment provider's notification moves an order out of Pending Clearance. */
const isAutomatic = (stages: readonly Stage[]) => stages.every((s) => s === 'pending_clearance');

export default function QueuePage({ department }: { department: Department }) {
  const setup = QUEUES[department.path] ?? FALLBACK;
  usePageTitle(department.label);
  const list = useOrdersList({ stages: department.stages, defaultColumns: setup.columns, defaultSort: setup.sort });
  const { can } = useSession();
  const actPermission = department.permission.replace(/:view$/, ':act');
  const automatic = isAutomatic(department.stages);
  const canAct = can(actPermission) && !automatic;

  const items = list.list.page?.items ?? [];
  const selection = useSelection(items, list.query);
  const bulk = useBulkMove(list.list.reload);
  const [dialog, setDialog] = useState<{ to: Stage; orderIds: string[]; from: Stage | null } | null>(null);
  // Department actions beyond stage moves: A/R retries and marks paid, Fraud Review approves and rejects.
  const receivables = department.path === '/accounts-receivable';
  const fraudReview = department.path === '/fraud-review';
  const ar = useArRun(list.list.reload);
  const fraud = useFraudRun(list.list.reload);
  const running = (!!bulk.run && !bulk.run.finished) || !!ar.run?.running || (!!fraud.run && !fraud.run.finished);
  const rowStatus = new Map([...bulk.rowStatus, ...ar.rowStatus, ...fraud.rowStatus]);
  const pickedIds = selection.picked.map((o) => o.orderId);
  const extra = !canAct ? null
    : receivables ? <ArSelectionActions picked={selection.picked} ar={ar} disabled={running} />
      : fraudReview ? <FraudSelectionActions orderIds={pickedIds} fraud={fraud} disabled={running} />
        : null;

  const sortToggle = (
    <fieldset className="segmented" aria-label="Order">
      <legend className="visually-hidden">Order</legend>
      {([['stage_entered_asc', 'Longest waiting'], ['stage_entered_desc', 'Newest in queue']] as const).map(([sort, label]) => (
        <label key={sort} className="segmented-option">
          <input type="radio" name="queue-order" checked={list.url.sort === sort} onChange={() => list.url.setSort(sort)} />
          <span>{label}</span>
        </label>
      ))}
    </fieldset>
  );

  return (
    <div className="od-page">
      <PageHeader title={department.label} description={setup.description} actions={sortToggle} />
      {automatic && (
        <p className="od-notice" role="note">
          Orders here cannot be moved by hand. The payment provider’s notification moves each one: cleared → on to its next
          stage, failed → Accounts Receivable.
        </p>
      )}
      {!automatic && !canAct && (
        <p className="od-notice" role="note" title={`Permission: ${actPermission}`}>You can view this queue. Moving its orders needs {permissionLabel(actPermission)}.</p>
      )}
      {receivables && <RecoveredRevenuePanel refreshKey={ar.finished} />}
      <ListControls setup={list} scope={department.path.replace(/^\//, '')} stages={department.stages} compact
        hiddenChips={department.stages.length > 1 ? [] : ['stage']} />
      {bulk.run && <MoveProgress run={bulk.run} listed={new Set(items.map((o) => o.orderId))} onStop={bulk.stop} onDismiss={bulk.dismiss} />}
      {receivables && <ArRunReport ar={ar} />}
      {fraudReview && <FraudRunReport fraud={fraud} />}
      <ListResults setup={list} label={`${department.label} queue`}
        empty={hasFilters(list.url.params) ? 'No orders in this queue match the filters.' : `No orders are waiting in ${department.label}.`}
        selection={canAct ? selection : undefined} rowStatus={rowStatus}
        actions={canAct ? (
          <SelectionBar picked={selection.picked} disabled={running} onClear={selection.clear} extra={extra}
            omit={fraudReview ? ['rejected'] : []}
            onMove={(to) => {
              const from = selection.picked.every((o) => o.stage === selection.picked[0]?.stage) ? selection.picked[0]!.stage : null;
              setDialog({ to, orderIds: selection.picked.map((o) => o.orderId), from });
            }} />
        ) : null} />
      {fraudReview && canAct && <FraudHeldReasons orderIds={pickedIds} />}
      {dialog && (
        <MoveDialog
          title={dialog.orderIds.length === 1
            ? `${moveLabel(dialog.from, dialog.to)}: ${dialog.orderIds[0]}`
            : `${moveLabel(dialog.from, dialog.to)}: ${dialog.orderIds.length} orders`}
          orderIds={dialog.orderIds} danger={dialog.to === 'rejected'}
          confirmLabel={dialog.to === 'rejected' ? 'Reject' : `Move to ${stageLabel(dialog.to)}`}
          onClose={() => setDialog(null)}
          onConfirm={(reason) => { const { orderIds, to } = dialog; setDialog(null); void bulk.start(orderIds, to, reason); }} />
      )}
    </div>
  );
}
