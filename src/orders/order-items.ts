import { findItemsBySkus } from '../catalog/catalog.repository.js';
import type { Trx } from '../db/database.js';
import { invalid } from '../shared/errors.js';
import type { ItemInputT } from './orders.schemas.js';
import type { NewOrderItemRow } from './orders.table.js';

export type ResolvedItem = Omit<NewOrderItemRow, 'order_id'>;

/**
 * Fills what an item line leaves out from the catalog item with the same SKU, so a storefront may
 * send only SKU and quantity while back-office entry may override the price.
 */
export async function resolveItems(trx: Trx, items: readonly ItemInputT[], currency: string): Promise<ResolvedItem[]> {
  const needsCatalog = items.some((i) => i.unitPrice === undefined || i.description === undefined || i.shippable === undefined || i.preorder === undefined);
  const catalog = new Map(needsCatalog ? (await findItemsBySkus(trx, items.map((i) => i.sku))).map((c) => [c.sku, c]) : []);
  return items.map((item, i) => {
    const known = catalog.get(item.sku);
    const field = `/items/${i}`;
    if (item.unitPrice === undefined) {
      if (!known) throw invalid(`${field}/unitPrice`, `unitPrice is required: SKU "${item.sku}" is not in the catalog`);
      if (known.currency !== currency) throw invalid(`${field}/unitPrice`, `the catalog price of "${item.sku}" is in ${known.currency}, the order is in ${currency}`);
    }
    const preorder = item.preorder ?? (known ? known.preorder === 1 : false);
    const expectedDate = item.expectedDate ?? (preorder ? known?.expected_date ?? null : null);
    return {
      line_no: i + 1,
      sku: item.sku,
      description: item.description ?? known?.description ?? item.sku,
      quantity: item.quantity,
      unit_price: item.unitPrice ?? known!.price,
      discount: item.discount ?? 0,
      tax: item.tax ?? 0,
      shippable: (item.shippable ?? (known ? known.shippable === 1 : true)) ? 1 : 0,
      preorder: preorder ? 1 : 0,
      expected_date: expectedDate,
      quantity_shipped: 0,
      quantity_refunded: 0,
    };
  });
}

/** Today's date in UTC as `YYYY-MM-DD`, the form expected dates are written in (they compare as text). */
export const utcDate = (now: number): string => new Date(now).toISOString().slice(0, 10);

/**
 * A pre-order line must say when its item is expected, as the catalog requires of a pre-order item: the
 * Pre-ordered stage and the customer's emails show that date, and without it nobody can tell the customer
 * when the order ships. On a new order the date may not have passed already (a typo, or a catalog date
 * that slipped and was never moved). On an edit of an existing order (`stored` given) an unchanged line
 * whose date has passed since is accepted, or no old order could be edited any more; a line that newly
 * becomes a pre-order needs a date, and a date entered anew may not be in the past either. A date taken
 * from the catalog is not checked against today (see below).
 */
export function checkPreorderDates(
  items: readonly ResolvedItem[], input: readonly ItemInputT[], today: string,
  stored?: readonly Pick<NewOrderItemRow, 'line_no' | 'sku' | 'preorder' | 'expected_date'>[],
): void {
  items.forEach((item, i) => {
    if (item.preorder !== 1) return;
    const field = `/items/${i}/expectedDate`;
    const was = stored?.find((s) => s.line_no === item.line_no && s.sku === item.sku);
    if (!item.expected_date) {
      if (was?.preorder === 1) return; // an old line as it was stored: nothing newly entered
      throw invalid(field, `a pre-order item needs the date it is expected in stock; "${item.sku}" has none`);
    }
    if (item.expected_date >= today) return;
    if (was?.preorder === 1 && was.expected_date === item.expected_date) return;
    // A catalog date that slipped is the merchant's to move: refusing the order for it would stop the
    // storefront selling the item. Only a date the request itself gives is held to today or later.
    if (input[i]?.expectedDate === undefined) return;
    throw invalid(field, `the expected date ${item.expected_date} has passed: a pre-order's date is today (${today}) or later`);
  });
}
