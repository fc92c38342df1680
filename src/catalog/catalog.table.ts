import type { Generated, Selectable } from 'kysely';

export interface CatalogItemsTable {
  id: Generated<number>;
  sku: string;
  description: string;
  price: number;
  currency: string;
  weight_grams: number;
  shippable: number;
  preorder: number;
  expected_date: string | null;
  inventory: number;
  version: Generated<number>;
  created_at: number;
  updated_at: number;
}

export type CatalogItemRow = Selectable<CatalogItemsTable>;
