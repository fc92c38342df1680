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
