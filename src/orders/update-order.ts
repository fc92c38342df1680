import type { Trx } from '../db/database.js';
import { moveOrderToCustomer } from '../customers/order-customer.js';
import { noteOrderTotalChanged } from '../dashboard/daily-figures.js';
import { syncOrderPayment } from '../payments/charge/sync-order-payment.js';
import { formatMoney } from '../shared/money.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { termsForOrder } from '../search/search-terms.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { type Address, cleanTags, mergeCustomFields, normalizeAddress, normalizeEmail, tagKey } from './order-input.js';
import {
  type CustomFieldsEdit, customFieldsEditOf, describeCustomFieldsEdit, describeMoneyEdit, type MoneyEdit, moneyEditOf,
} from './order-edit-values.js';
import { checkPreorderDates, type ResolvedItem, resolveItems, utcDate } from './order-items.js';
import { carryLineFacts } from './order-line-facts.js';
import { lockOrderForChange } from './order-lock.js';
import { type ExpectedVersion, requireExpectedVersion, staleVersion } from '../shared/versioning.js';
import { computeSummary } from './order-totals.js';
import { insertOrderHistory, listOrderItems, replaceOrderItems, replaceSearchTerms, updateOrderRow } from './orders.repository.js';
import type { UpdateOrderInput } from './orders.schemas.js';
import type { OrderItemRow, OrderRow, OrdersTable } from './orders.table.js';

/** Stages where the order is closed for item edits: it has been fulfilled or cancelled. */
const ITEMS_LOCKED_STAGES = new Set(['completed_order', 'rejected']);

/**
 * Edits the editable parts of an order. The caller must say which version it read; a stale write
 * is refused whole. Items can change only until something has shipped; totals are recomputed, and
 * units already refunded stay on their lines (order-line-facts.ts).
 * Only what differs from the order counts as a change: an edit that changes nothing writes nothing
 * (no new version, history row or event), so a form sent back whole leaves no empty trace.
 */
export async function updateOrder(
  trx: Trx, orderNumber: string, input: UpdateOrderInput, expected: ExpectedVersion | undefined, actor: Actor, now = Date.now(),
): Promise<void> {
  const version = requireExpectedVersion(expected);
  const row = await lockOrderForChange(trx, orderNumber, version);
  const patch: Partial<OrdersTable> = { updated_at: now };
  const changes: string[] = [];
  let billing = JSON.parse(row.billing_json) as Address;
  let shipping = JSON.parse(row.shipping_json) as Address;
  const itemsBefore = await listOrderItems(trx, row.id);
  let items = itemsBefore;
  const shipped = items.some((i) => i.quantity_shipped > 0);

  const newBilling = input.billing && normalizeAddress(input.billing, '/billing');
  if (newBilling && !sameFields(newBilling, billing)) {
    billing = newBilling;
    patch.billing_json = JSON.stringify(billing);
    patch.customer_name = `${billing.firstName} ${billing.lastName}`.trim();
    changes.push('billing');
  }
  const newShipping = input.shipping && normalizeAddress(input.shipping, '/shipping');
  if (newShipping && !sameFields(newShipping, shipping)) {
    if (shipped) throw new AppError('not_editable', 'the shipping address cannot change after something has shipped', { field: '/shipping' });
    shipping = newShipping;
    patch.shipping_json = JSON.stringify(shipping);
    changes.push('shipping');
  }
  const email = input.customerEmail === undefined ? row.customer_email : normalizeEmail(input.customerEmail);
  if (email !== row.customer_email) {
    patch.customer_email = email;
    changes.push('customerEmail');
  }

  const newItems = input.items && await resolveItems(trx, input.items, row.currency);
  const itemsChanged = newItems !== undefined && !sameItems(newItems, items);
  if (itemsChanged) checkPreorderDates(newItems, input.items!, utcDate(now), itemsBefore);
  // Shipping tax is not stored apart: it is whatever tax the old items do not account for.
  const oldShippingTax = row.tax_total - items.reduce((sum, i) => sum + i.tax, 0);
  const shippingCost = input.shippingCost ?? row.shipping_total;
  const shippingTax = input.shippingTax ?? oldShippingTax;
  let moneyEdit: MoneyEdit | undefined;
  if (itemsChanged || shippingCost !== row.shipping_total || shippingTax !== oldShippingTax) {
    if (shipped || ITEMS_LOCKED_STAGES.has(row.stage)) {
      const field = itemsChanged ? '/items' : shippingCost !== row.shipping_total ? '/shippingCost' : '/shippingTax';
      throw new AppError('not_editable', `items and shipping cannot change once the order has shipped or is ${row.stage}`, { field });
    }
    if (itemsChanged) {
      // Refunded and shipped units stay on their lines (or the edit is refused): see carryLineFacts.
      const written = carryLineFacts(items, newItems);
      await replaceOrderItems(trx, row.id, written.map((i) => ({ ...i, order_id: row.id })));
      items = written.map((i, n) => ({ ...i, id: n, order_id: row.id })) as typeof items;
      patch.has_shippable = items.some((i) => i.shippable === 1) ? 1 : 0;
      patch.has_preorder = items.some((i) => i.preorder === 1) ? 1 : 0;
      changes.push('items');
    }
    const summary = computeSummary(
      items.map((i) => ({ quantity: i.quantity, unitPrice: i.unit_price, discount: i.discount, tax: i.tax })),
      shippingCost, shippingTax, row.refunded_total,
    );
    Object.assign(patch, { subtotal: summary.subtotal, discount_total: summary.discount, shipping_total: summary.shipping, tax_total: summary.tax, total: summary.total });
    if (shippingCost !== row.shipping_total) changes.push('shippingCost');
    if (shippingTax !== oldShippingTax) changes.push('shippingTax');
    moneyEdit = moneyEditOf(
      { items: itemsBefore, shippingCost: row.shipping_total, shippingTax: oldShippingTax, total: row.total },
      { items, shippingCost, shippingTax, total: summary.total },
    );
  }
  let tags = JSON.parse(row.tags_json) as string[];
  if (input.tags) {
    // Tags are a set compared without case: one already on the order keeps the case it was written in.
    const spelled = new Map(tags.toReversed().map((t) => [tagKey(t), t]));
    const wanted = cleanTags(input.tags).map((t) => spelled.get(tagKey(t)) ?? t);
    if (wanted.length !== tags.length || !wanted.every((t) => tags.includes(t))) {
      tags = wanted;
      patch.tags_json = JSON.stringify(tags);
      changes.push('tags');
    }
  }
  let customFields = JSON.parse(row.custom_fields_json) as Record<string, string>;
  let customFieldsEdit: CustomFieldsEdit | undefined;
  const newCustomFields = input.customFields && mergeCustomFields(customFields, input.customFields);
  if (newCustomFields && !sameFields(newCustomFields, customFields)) {
    customFieldsEdit = customFieldsEditOf(customFields, newCustomFields);
    customFields = newCustomFields;
    patch.custom_fields_json = JSON.stringify(customFields);
    changes.push('customFields');
  }
  if (!changes.length) return;

  // The order belongs to the customer its email names, found or created as order intake does.
  if (patch.customer_email !== undefined) patch.customer_id = await moveOrderToCustomer(trx, row.customer_id, { email, billing, shipping }, now);
  if (!(await updateOrderRow(trx, row.id, row.version, patch))) throw staleVersion('order', version, row.version + 1);
  // The dashboard keeps finished days' revenue; a changed total of an older order must reach it.
  if (patch.total !== undefined && patch.total !== row.total) await noteOrderTotalChanged(trx, row.created_at, now);
  await replaceSearchTerms(trx, row.id, row.created_at, termsForOrder({
    orderNumber: row.order_number, email, addresses: [billing, shipping], skus: items.map((i) => i.sku), tags, customFields,
  }));
  // The names of what changed stay the list readers know; the amounts before and after go beside them: in
  // words on the history row (its reason, which the timeline shows) and as values on the event.
  // Custom fields the same way: an overwritten PO number is otherwise lost for good.
  const said = [moneyEdit && describeMoneyEdit(moneyEdit, row.currency), customFieldsEdit && describeCustomFieldsEdit(customFieldsEdit)].filter(Boolean);
  const reason = said.length ? said.join('; ') : undefined;
  const values = moneyEdit || customFieldsEdit ? { ...moneyEdit, ...(customFieldsEdit && { customFields: customFieldsEdit }) } : undefined;
  await insertOrderHistory(trx, { orderId: row.id, at: now, actor: actorLabel(actor), kind: 'updated', changes, reason });
  await enqueueEvent(trx, 'order.updated', { type: 'order', id: row.order_number }, { orderId: row.order_number, changes, ...(values && { values }) }, now);
  // Money already taken was for the old total: when the new one leaves part of it owed (or a part owed is
  // now covered), the payment status follows, and an order past its payment goes to Accounts Receivable
  // to collect the rest. An open authorization is left to its capture, which settles the same way.
  if (patch.total !== undefined && owedChanges(row, patch.total)) {
    const money = (n: number) => formatMoney(n, row.currency);
    await syncOrderPayment(trx, { ...row, ...patch, version: row.version + 1 } as OrderRow, actorLabel(actor),
      `total changed from ${money(Number(row.total))} to ${money(patch.total)}`, now, { balanceAfter: 'edit' });
  }
}

function owedChanges(row: OrderRow, total: number): boolean {
  if (row.paid_total <= 0 || row.authorized_total > 0 || row.refunded_total > 0) return false;
  const owedBefore = row.payment_status === 'unprocessed';
  return owedBefore !== total > row.paid_total;
}

/** Flat records (an address, custom fields) by content: stored JSON need not list keys in the same order. */
function sameFields(a: object, b: object): boolean {
  const other = b as Record<string, unknown>;
  return Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => other[k] === v);
}

/** The lines as they would be written against those stored (shipped and refunded quantities are not input). */
function sameItems(next: readonly ResolvedItem[], current: readonly OrderItemRow[]): boolean {
  const keys = ['line_no', 'sku', 'description', 'quantity', 'unit_price', 'discount', 'tax', 'shippable', 'preorder', 'expected_date'] as const;
  return next.length === current.length && next.every((item, n) => keys.every((k) => (item[k] ?? null) === (current[n]![k] ?? null)));
}
