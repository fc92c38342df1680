import { AppError, invalid } from '../shared/errors.js';
import { isCurrency } from '../shared/money.js';
import type { ItemFields } from './catalog.mapper.js';

/**
 * The rules an item must satisfy as a whole, checked on the merged result of create or update so a
 * PATCH cannot leave an item the order intake would misread (a pre-order with no expected date).
 */
export function checkItemFields(fields: ItemFields): ItemFields {
  const description = fields.description.trim();
  if (!description) throw invalid('/description', 'the description must not be blank');
  if (!isCurrency(fields.currency)) throw invalid('/currency', `"${fields.currency}" is not an ISO 4217 currency code`);
  if (fields.preorder && !fields.expectedDate) throw invalid('/expectedDate', 'a pre-order item needs the date it is expected in stock');
  if (!fields.preorder && fields.expectedDate) throw invalid('/expectedDate', 'expectedDate applies to pre-order items only; set preorder too');
  return { ...fields, description };
}

export const duplicateSku = (sku: string) =>
  new AppError('conflict', `an item with SKU "${sku}" already exists`, { field: '/sku' });
