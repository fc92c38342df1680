import type { CreateOrderInput } from '../orders/orders.schemas.js';

let n = 0;

/** A valid order a storefront would send; override any part per test. */
export function orderInput(overrides: Partial<CreateOrderInput> = {}): CreateOrderInput {
  n += 1;
  return {
    channel: 'web',
    currency: 'USD',
    // Each order its own address, as real customers have: repeated IPs would trip the fraud velocity rule.
    customer: { email: `buyer${n}@example.com`, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    billing: { firstName: 'Ada', lastName: `Lovelace${n}`, line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB', phone: '020 7946 0958' },
    items: [{ sku: 'BOOK-1', description: 'Notes on the Engine', quantity: 2, unitPrice: 1999, tax: 400 }],
    shippingCost: 500,
    payment: { method: 'credit_card', status: 'processed', card: { token: 'tok_test_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 } },
    ...overrides,
  };
}
