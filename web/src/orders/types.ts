/** Shapes of the API's order resources, as the back office reads them (see /api/v1/openapi.json). */
import type { Stage } from '../app/departments';

export interface OrderListItem {
  id: number;
  orderId: string;
  createdAt: string;
  stage: Stage;
  stageEnteredAt: string;
  channel: string;
  currency: string;
  total: number;
  /** Money taken so far (minor units, before refunds): with `total`, shows a partly paid order. */
  paidTotal: number;
  customerEmail: string;
  customerName: string;
  paymentMethod: string;
  paymentStatus: string;
  tags: string[];
  isTest: boolean;
  allowedMoves: Stage[];
  holdFromStage: Stage | null;
  fraudScore: number | null;
  paidAt: string | null;
  shippedAt: string | null;
  shippingCountry: string | null;
}

export interface OrderPage {
  items: OrderListItem[];
  nextCursor: string | null;
}

export interface Address {
  firstName: string;
  lastName: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  country: string;
  phone?: string;
}

export interface OrderItem {
  lineNo: number;
  sku: string;
  description: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  tax: number;
  shippable: boolean;
  preorder: boolean;
  expectedDate: string | null;
  quantityShipped: number;
  quantityRefunded: number;
}

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  kind: string;
  from: Stage | null;
  to: Stage | null;
  reason: string | null;
  changes: string[] | null;
}

export interface Order {
  id: number;
  orderId: string;
  channel: string;
  isTest: boolean;
  createdAt: string;
  updatedAt: string;
  currency: string;
  summary: { subtotal: number; discount: number; shipping: number; tax: number; total: number; refunded: number };
  customer: { id: number | null; email: string; ip: string | null };
  billing: Address;
  shipping: Address;
  items: OrderItem[];
  payment: {
    method: string;
    status: string;
    paidAt: string | null;
    /** Money taken (minor units), before refunds; `summary.refunded` is what went back. */
    paid: number;
    /** Money held by open authorizations. */
    authorized: number;
    /** A chargeback is open: refunds are refused. */
    refundBlocked: boolean;
    card: { brand: string; last4: string; expMonth: number; expYear: number } | null;
    reference: string | null;
  };
  shippedAt: string | null;
  fraud: { score: number | null; reasons: { rule: string; points: number; detail: string }[]; hold: boolean };
  stage: Stage;
  stageEnteredAt: string;
  holdFromStage: Stage | null;
  allowedMoves: Stage[];
  tags: string[];
  customFields: Record<string, string>;
  notes: { id: number; actor: string; body: string; createdAt: string }[];
  history: HistoryEntry[];
  version: number;
}

export interface SavedView {
  id: number;
  scope: string;
  name: string;
  /** URL query string of the search (filters and sort), without "?". */
  query: string;
  columns: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
