import autocannon from 'autocannon';

/**
 * A realistic storefront order, each with its own customer, IP and card token: one IP or card on every order
 * would (rightly) trip the fraud velocity rules and send the orders to review.
 */
let seq = 0;
// Varied like a shop's customers: a million runs' worth of one name and one city would make the searches
// measured afterwards on the same database unrealistically dense.
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Katherine', 'Tim', 'Radia', 'Ken', 'Margaret'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Johnson', 'Berners-Lee', 'Perlman', 'Thompson',
  'Hamilton', 'Ritchie', 'Kernighan', 'Wirth', 'Hoare', 'Lamport', 'Milner', 'Naur', 'Floyd', 'Tarjan', 'Cerf', 'Kahn', 'Engelbart', 'Sutherland', 'Kay'];
const CITIES = ['London', 'Manchester', 'Leeds', 'Bristol', 'Cambridge', 'Oxford', 'York', 'Bath', 'Brighton', 'Norwich', 'Exeter', 'Durham', 'Glasgow',
  'Edinburgh', 'Cardiff', 'Belfast', 'Nottingham', 'Sheffield', 'Liverpool', 'Newcastle', 'Leicester', 'Coventry', 'Reading', 'Derby', 'Plymouth'];
const orderBody = () => {
  const n = ++seq;
  return JSON.stringify({
  channel: 'web', currency: 'USD', customer: { email: `bench-${n}-${process.pid}@example.com`, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
  billing: {
    firstName: FIRST[n % FIRST.length], lastName: LAST[(n * 7) % LAST.length], line1: `${n % 997} Analytical Way`, city: CITIES[(n * 13) % CITIES.length],
    postalCode: 'N1 9GU', country: 'GB', phone: '020 7946 0958',
  },
  items: [
    { sku: 'BENCH-BOOK', description: 'Notes on the Engine', quantity: 2, unitPrice: 1999, tax: 400, shippable: true, preorder: false },
    { sku: 'BENCH-PEN', description: 'Fountain pen', quantity: 1, unitPrice: 2999, tax: 600, shippable: true, preorder: false },
  ],
  shippingCost: 500,
  payment: { method: 'credit_card', status: 'processed', card: { token: `tok_bench_${n}`, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 } },
  });
};

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
    url: `http://127.0.0.1:${port}`, connections, duration: seconds,
    requests: [{ method: 'POST', path: '/api/v1/orders', setupRequest: (req) => ({ ...req, body: orderBody() }) }],
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
