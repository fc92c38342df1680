import type { Trx } from '../db/database.js';
import { noteOrderTotalChanged } from '../dashboard/daily-figures.js';
import { enqueueEvent } from '../outbox/outbox.repository.js';
import { termsForOrder } from '../search/search-terms.js';
import { type Actor, actorLabel } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { type Address, cleanCustomFields, cleanTags, normalizeAddress, normalizeEmail } from './order-input.js';
import { resolveItems } from './order-items.js';
import { lockOrderForChange } from './order-lock.js';
import { type ExpectedVersion, requireExpectedVersion, staleVersion } from '../shared/versioning.js';
import { computeSummary } from './order-totals.js';
import { insertOrderHistory, listOrderItems, replaceOrderItems, replaceSearchTerms, updateOrderRow } from './orders.repository.js';
import type { UpdateOrderInput } from './orders.schemas.js';
import type { OrdersTable } from './orders.table.js';

/** Stages where the order is closed for item edits: it has been fulfilled or cancelled. */
const ITEMS_LOCKED_STAGES = new Set(['completed_order', 'rejected']);

/**
 * Edits the editable parts of an order. The caller must say which version it read; a stale write
 * is refused whole. Items can change only until something has shipped; totals are recomputed.
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
  let items = await listOrderItems(trx, row.id);
  const shipped = items.some((i) => i.quantity_shipped > 0);

  if (input.billing) {
    billing = normalizeAddress(input.billing, '/billing');
    patch.billing_json = JSON.stringify(billing);
    patch.customer_name = `${billing.firstName} ${billing.lastName}`.trim();
    changes.push('billing');
  }
  if (input.shipping) {
    if (shipped) throw new AppError('not_editable', 'the shipping address cannot change after something has shipped', { field: '/shipping' });
    shipping = normalizeAddress(input.shipping, '/shipping');
    patch.shipping_json = JSON.stringify(shipping);
    changes.push('shipping');
  }
  if (input.customerEmail) {
    patch.customer_email = normalizeEmail(input.customerEmail);
    changes.push('customerEmail');
  }
  if (input.items || input.shippingCost !== undefined || input.shippingTax !== undefined) {
    if (shipped || ITEMS_LOCKED_STAGES.has(row.stage)) {
      throw new AppError('not_editable', `items and shipping cannot change once the order has shipped or is ${row.stage}`, { field: input.items ? '/items' : '/shippingCost' });
    }
    // Shipping tax is not stored apart: it is whatever tax the old items do not account for.
    const oldShippingTax = row.tax_total - items.reduce((sum, i) => sum + i.tax, 0);
    if (input.items) {
      const resolved = await resolveItems(trx, input.items, row.currency);
      await replaceOrderItems(trx, row.id, resolved.map((i) => ({ ...i, order_id: row.id })));
      items = resolved.map((i, n) => ({ ...i, id: n, order_id: row.id })) as typeof items;
      patch.has_shippable = items.some((i) => i.shippable === 1) ? 1 : 0;
      patch.has_preorder = items.some((i) => i.preorder === 1) ? 1 : 0;
      changes.push('items');
    }
    const summary = computeSummary(
      items.map((i) => ({ quantity: i.quantity, unitPrice: i.unit_price, discount: i.discount, tax: i.tax })),
      input.shippingCost ?? row.shipping_total,
      input.shippingTax ?? oldShippingTax,
      row.refunded_total,
    );
    Object.assign(patch, { subtotal: summary.subtotal, discount_total: summary.discount, shipping_total: summary.shipping, tax_total: summary.tax, total: summary.total });
    if (input.shippingCost !== undefined) changes.push('shippingCost');
    if (input.shippingTax !== undefined) changes.push('shippingTax');
  }
  const tags = input.tags ? cleanTags(input.tags) : (JSON.parse(row.tags_json) as string[]);
  if (input.tags) {
    patch.tags_json = JSON.stringify(tags);
    changes.push('tags');
  }
  const customFields = input.customFields ? cleanCustomFields(input.customFields) : (JSON.parse(row.custom_fields_json) as Record<string, string>);
  if (input.customFields) {
    patch.custom_fields_json = JSON.stringify(customFields);
    changes.push('customFields');
  }

  if (!(await updateOrderRow(trx, row.id, row.version, patch))) throw staleVersion('order', version, row.version + 1);
  // The dashboard keeps finished days' revenue; a changed total of an older order must reach it.
  if (patch.total !== undefined && patch.total !== row.total) await noteOrderTotalChanged(trx, row.created_at, now);
  await replaceSearchTerms(trx, row.id, row.created_at, termsForOrder({
    orderNumber: row.order_number, email: patch.customer_email ?? row.customer_email,
    addresses: [billing, shipping], skus: items.map((i) => i.sku), tags, customFields,
  }));
  await insertOrderHistory(trx, { orderId: row.id, at: now, actor: actorLabel(actor), kind: 'updated', changes });
  await enqueueEvent(trx, 'order.updated', { type: 'order', id: row.order_number }, { orderId: row.order_number, changes }, now);
}
