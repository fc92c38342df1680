import type { Generated, Selectable } from 'kysely';

export interface CustomersTable {
  id: Generated<number>;
  email: string;
  first_name: string;
  last_name: string;
  company: string | null;
  phone: string | null;
  billing_json: string | null;
  shipping_json: string | null;
  order_count: Generated<number>;
  version: Generated<number>;
  created_at: number;
  updated_at: number;
}

export type CustomerRow = Selectable<CustomersTable>;
