import autocannon from 'autocannon';

/** A realistic storefront order; `[<id>]` is replaced per request so every order has its own customer. */
const ORDER_BODY = JSON.stringify({
  channel: 'web', currency: 'USD', customer: { email: 'bench-[<id>]@example.com', ip: '203.0.113.9' },
  billing: { firstName: 'Ada', lastName: 'Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB', phone: '020 7946 0958' },
  items: [
    { sku: 'BENCH-BOOK', description: 'Notes on the Engine', quantity: 2, unitPrice: 1999, tax: 400, shippable: true, preorder: false },
    { sku: 'BENCH-PEN', description: 'Fountain pen', quantity: 1, unitPrice: 2999, tax: 600, shippable: true, preorder: false },
  ],
  shippingCost: 500,
  payment: { method: 'credit_card', status: 'processed', card: { token: 'tok_bench', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 } },
});

export interface Throughput {
  connections: number;
  ordersPerSecond: number;
  created: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export async function measureOrderCreation(port: number, key: string, connections: number, seconds: number): Promise<Throughput> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/orders`, method: 'POST', connections, duration: seconds, idReplacement: true, body: ORDER_BODY,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  return {
    connections,
    ordersPerSecond: Math.round(result['2xx'] / seconds),
    created: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
