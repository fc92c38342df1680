import { toIso } from '../shared/time.js';
import type { CatalogItemDto } from './catalog.schemas.js';
import type { CatalogItemRow, CatalogItemsTable } from './catalog.table.js';

/** The editable part of an item, in domain terms; what create and update both validate. */
export interface ItemFields {
  description: string;
  price: number;
  currency: string;
  weightGrams: number;
  shippable: boolean;
  preorder: boolean;
  expectedDate: string | null;
  inventory: number;
}

export function itemFieldsOf(row: CatalogItemRow): ItemFields {
  return {
    description: row.description, price: row.price, currency: row.currency, weightGrams: row.weight_grams,
    shippable: row.shippable === 1, preorder: row.preorder === 1, expectedDate: row.expected_date, inventory: row.inventory,
  };
}

export function itemColumns(f: ItemFields): Omit<CatalogItemsTable, 'id' | 'sku' | 'version' | 'created_at' | 'updated_at'> {
  return {
    description: f.description, price: f.price, currency: f.currency, weight_grams: f.weightGrams,
    shippable: f.shippable ? 1 : 0, preorder: f.preorder ? 1 : 0, expected_date: f.expectedDate, inventory: f.inventory,
  };
}

export function toCatalogItemDto(row: CatalogItemRow): CatalogItemDto {
  return {
    id: row.id, sku: row.sku, ...itemFieldsOf(row), version: row.version,
    createdAt: toIso(row.created_at), updatedAt: toIso(row.updated_at),
  };
}
