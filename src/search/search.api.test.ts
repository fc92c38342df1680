import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CreateOrderInput } from '../orders/orders.schemas.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';

interface Placed { id: number; orderId: string; createdAt: string; total: number; stage: string }

const free = { shippingCost: 0 };
const item = (sku: string, unitPrice: number, quantity = 1) => [{ sku, quantity, unitPrice, tax: 0 }];
const SCENARIOS: Record<string, Partial<CreateOrderInput>> = {
  grace: {
    ...free, customer: { email: 'Grace.Hopper@navy.mil' }, tags: ['vip'], customFields: { custom1: 'Blue' }, items: item('COBOL-1', 50000),
    billing: { firstName: 'Grace', lastName: 'Hopper', company: 'Remington Rand', line1: '1 Navy Yard', city: 'Arlington', postalCode: '20001', country: 'US', phone: '202-555-0143' },
  },
  alan: {
    ...free, customer: { email: 'alan@bletchley.uk' }, tags: ['vip', 'wholesale'], items: item('ENIGMA-2', 10000), payment: { method: 'check' },
    billing: { firstName: 'Alan', lastName: 'Turing', line1: 'Bletchley Park', city: 'Milton Keynes', postalCode: 'MK3 6EB', country: 'GB', phone: '01908 640404' },
  },
  charles: {
    fraudHold: true,
    shipping: { firstName: 'Charles', lastName: 'Babbage', company: 'Analytical Engines Ltd', line1: '5 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
  },
  widget: { items: item('WIDGET-9', 333, 3), payment: { method: 'paypal', status: 'unprocessed', reference: 'PAYID-WIDGET9' }, customFields: { custom2: 'Rush' } },
  quote: { payment: { method: 'quote_request' } },
  euro: { currency: 'EUR', items: item('EURO-1', 1200) },
};

describeEachDatabase('order search API', (getDb) => {
  let t: TestApp;
  const placed: Record<string, Placed> = {};
  const fillers: Placed[] = [];
  const all = () => [...Object.values(placed), ...fillers];
  const ids = (orders: Placed[]) => orders.map((o) => o.orderId).sort();

  const place = async (input: CreateOrderInput): Promise<Placed> => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: input });
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json();
    return { id: o.id, orderId: o.orderId, createdAt: o.createdAt, total: o.summary.total, stage: o.stage };
  };

  /** Every page of a search, checking each page's size and that no order appears twice. */
  const walk = async (query: string, limit = 200): Promise<string[]> => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const url = `/api/v1/orders?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.as('read_only', { method: 'GET', url });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: { orderId: string }[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...body.items.map((i) => i.orderId));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size, 'no order twice').toBe(seen.length);
    return seen;
  };
  const find = async (query: string) => (await walk(query)).sort();

  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
    for (const [name, overrides] of Object.entries(SCENARIOS)) placed[name] = await place(orderInput(overrides));
    for (let i = 0; i < 20; i++) fillers.push(await place(orderInput({ items: item(`FILL-${i % 3}`, 1000 + (i % 5) * 100) })));
  });
  afterAll(async () => t.close());

  it('routes the fixtures to the stages the tests rely on', () => {
    expect([placed.grace!.stage, placed.alan!.stage, placed.charles!.stage, placed.widget!.stage, placed.quote!.stage])
      .toEqual(['shipping_department', 'accounts_receivable', 'fraud_review', 'pending_clearance', 'quote_request']);
  });

  it('finds exactly the orders each filter names', async () => {
    const { grace, alan, charles, widget, quote, euro } = placed as Record<string, Placed>;
    const defaults = [charles!, widget!, quote!, euro!, ...fillers];
    const cases: [string, Placed[]][] = [
      ['', all()],
      ['email=GRACE.HOPPER@NAVY.MIL', [grace!]],
      ['name=gra%20hop', [grace!]],
      ['name=hopper%20alan', []],
      ['name=lovel', defaults],
      ['name=babb', [charles!]],
      ['company=remington', [grace!]],
      ['company=Analytical%20Engines%20Ltd', [charles!]],
      ['phone=%2B1%20202%20555%200143', [grace!]],
      ['phone=2025550143', [grace!]],
      ['phone=01908-640404', [alan!]],
      ['phone=%2B442079460958', defaults],
      ['postalCode=mk3-6eb', [alan!]],
      ['postalCode=75001', [charles!]],
      ['country=fr', [charles!]],
      ['country=US', [grace!]],
      ['sku=enigma-2', [alan!]],
      ['tag=VIP', [grace!, alan!]],
      ['tag=wholesale', [alan!]],
      ['custom1=blue', [grace!]],
      ['custom2=RUSH', [widget!]],
      ['custom3=rush', []],
      ['stage=fraud_review', [charles!]],
      ['stage=fraud_review,quote_request', [charles!, quote!]],
      ['stage=fraud_review&stage=accounts_receivable', [charles!, alan!]],
      ['paymentStatus=unprocessed', [alan!, widget!, quote!]],
      ['paymentMethod=paypal', [widget!]],
      ['paymentMethod=check,paypal', [alan!, widget!]],
      ['totalMin=10000', [grace!, alan!]],
      ['totalMin=1000&totalMax=1500', [widget!, ...fillers.filter((f) => f.total <= 1500)]],
      ['totalMin=10000&currency=USD', [grace!, alan!]],
      ['totalMin=1000&totalMax=1500&currency=USD', [widget!, ...fillers.filter((f) => f.total <= 1500)]],
      ['currency=EUR', [euro!]],
      ['totalMin=1000&totalMax=5000&currency=EUR', [euro!]],
      ['totalMin=1000&totalMax=5000&currency=GBP', []],
      [`orderId=${grace!.orderId}`, [grace!]],
      [`orderId=${grace!.orderId.toLowerCase()}`, [grace!]],
      [`orderId=${grace!.orderId.replace('OD-', '')}`, [grace!]],
      ['orderId=XX-1', []],
      ['q=enigma', [alan!]],
      ['q=turing%20bletchley', [alan!]],
      ['q=alan%40bletch', [alan!]],
      ['q=rivoli', [charles!]],
      ['q=%2B1%20(202)%20555-0143', [grace!]],
      [`q=${grace!.orderId}`, [grace!]],
      ['q=arlington%2020001', [grace!]],
      ['q=zzzz', []],
    ];
    for (const [query, expected] of cases) expect(await find(query), query).toEqual(ids(expected));
  });

  it('combines filters', async () => {
    const { grace, alan, euro } = placed as Record<string, Placed>;
    expect(await find('tag=vip&stage=accounts_receivable')).toEqual([alan!.orderId]);
    expect(await find('tag=vip&country=us&paymentStatus=processed')).toEqual([grace!.orderId]);
    expect(await find('name=lovel&stage=shipping_department&totalMax=1600')).toEqual(ids(fillers.filter((f) => f.total <= 1600)));
    expect(await find('q=lovel&sku=fill-1')).toEqual(ids(fillers.filter((_, i) => i % 3 === 1)));
    expect(await find(`createdFrom=${alan!.createdAt}&createdTo=${alan!.createdAt}`)).toEqual(ids(all().filter((o) => o.createdAt === alan!.createdAt)));
    expect(await find('paidFrom=2000-01-01T00:00:00Z&stage=shipping_department')).toEqual(ids([grace!, euro!, ...fillers]));
    expect(await find('shippedFrom=2000-01-01T00:00:00Z')).toEqual([]);
  });

  it('matches order id wildcards against the whole id', async () => {
    const target = fillers[7]!.orderId;
    const pattern = `${target.slice(0, 4)}*${target.slice(-2)}`;
    const re = new RegExp(`^${target.slice(0, 4)}.*${target.slice(-2)}$`);
    expect(await find(`orderId=${encodeURIComponent(pattern)}`)).toEqual(ids(all().filter((o) => re.test(o.orderId))));
    expect(await find(`orderId=${encodeURIComponent(`${target}*`)}`)).toEqual([target]);
  });

  const expectedOrder: Record<string, (a: Placed, b: Placed) => number> = {
    created_desc: (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id,
    created_asc: (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id,
    total_desc: (a, b) => b.total - a.total || b.id - a.id,
    total_asc: (a, b) => a.total - b.total || a.id - b.id,
    order_id_asc: (a, b) => (a.orderId < b.orderId ? -1 : 1),
    order_id_desc: (a, b) => (a.orderId < b.orderId ? 1 : -1),
  };

  it('sorts every way and walks all pages exactly once, with and without filters', async () => {
    for (const [sort, compare] of Object.entries(expectedOrder)) {
      for (const [filter, matching] of [
        ['', all()], ['name=lovel', all().filter((o) => !['grace', 'alan'].some((n) => placed[n] === o))],
        ['stage=shipping_department,fraud_review', all().filter((o) => ['shipping_department', 'fraud_review'].includes(o.stage))],
        ['tag=vip', [placed.grace!, placed.alan!]], ['country=gb&q=lovel', all().filter((o) => !['grace', 'alan'].some((n) => placed[n] === o))],
      ] as [string, Placed[]][]) {
        const expected = [...matching].sort(compare).map((o) => o.orderId);
        expect(await walk(`sort=${sort}${filter ? `&${filter}` : ''}`, 4), `${sort} ${filter}`).toEqual(expected);
      }
    }
  });

  it('sorts a queue by time in its stage, longest waiting first, across pages', async () => {
    // Orders entering Hold in an order different from their creation order.
    const held = [await place(orderInput()), await place(orderInput()), await place(orderInput())].reverse();
    for (const o of held) {
      await new Promise((r) => setTimeout(r, 3));
      const res = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${o.orderId}/stage`, payload: { stage: 'hold', reason: 'address check' } });
      expect(res.statusCode, res.body).toBe(200);
    }
    const queue = (await t.as('read_only', { method: 'GET', url: '/api/v1/orders?stage=hold,fraud_review&limit=200' })).json()
      .items as { orderId: string; id: number; stageEnteredAt: string }[];
    const byWait = [...queue].sort((a, b) => a.stageEnteredAt.localeCompare(b.stageEnteredAt) || a.id - b.id).map((o) => o.orderId);
    expect(await walk('sort=stage_entered_asc&stage=hold,fraud_review', 2)).toEqual(byWait);
    expect(await walk('sort=stage_entered_desc&stage=hold,fraud_review', 2)).toEqual([...byWait].reverse());
    const lastThree = byWait.filter((id) => held.some((h) => h.orderId === id)).slice(-3);
    expect(lastThree).toEqual(held.map((h) => h.orderId));
  });

  it('refuses bad parameters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['sort=stage_entered_asc', 'querystring:/sort'],
      ['stage=shipped', 'querystring:/stage/0'], ['stage=hold,nope', 'querystring:/stage/0'], ['sort=newest', 'querystring:/sort'],
      ['limit=0', 'querystring:/limit'], ['limit=201', 'querystring:/limit'], ['limit=ten', 'querystring:/limit'],
      ['createdFrom=yesterday', 'querystring:/createdFrom'], ['totalMin=-1', 'querystring:/totalMin'], ['colour=red', 'querystring:/colour'],
      ['orderId=*42', 'querystring:/orderId'], ['paymentStatus=paid', 'querystring:/paymentStatus/0'], ['country=USA', 'querystring:/country'],
      ['q=!!!', 'querystring:/q'], ['currency=usd', 'querystring:/currency'], ['currency=ABC', 'querystring:/currency'], ['phone=12', 'querystring:/phone'], ['email=a&email=b', 'querystring:/email'],
    ];
    for (const [query, field] of cases) {
      const res = await t.as('read_only', { method: 'GET', url: `/api/v1/orders?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().field, query).toBe(field);
    }
  });

  it('refuses a tampered cursor and a cursor made for another sort', async () => {
    const first = await t.as('read_only', { method: 'GET', url: '/api/v1/orders?limit=2' });
    const cursor = first.json().nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const [payload, mac] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: 'created_desc', k: [0, 0] })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}x.${mac}`, `${payload}.${mac.slice(1)}A`, 'garbage', `${payload}`]) {
      const res = await t.as('read_only', { method: 'GET', url: `/api/v1/orders?cursor=${encodeURIComponent(bad)}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().field).toBe('querystring:/cursor');
    }
    const otherSort = await t.as('read_only', { method: 'GET', url: `/api/v1/orders?sort=total_desc&cursor=${encodeURIComponent(cursor)}` });
    expect(otherSort.statusCode).toBe(400);
    expect(otherSort.json().detail).toMatch(/sort/);
  });

  it('finds an order by when it shipped: Shipping handing it on to Completed records the time', async () => {
    const shippedOne = fillers[0]!;
    const moved = await t.as('admin', { method: 'POST', url: `/api/v1/orders/${shippedOne.orderId}/stage`, payload: { stage: 'completed_order', reason: 'handed to the carrier' } });
    expect(moved.statusCode, moved.body).toBe(200);
    const shippedAt = moved.json().shippedAt as string;
    expect(Date.parse(shippedAt)).toBeGreaterThan(Date.parse(shippedOne.createdAt) - 1);
    expect(await find(`shippedFrom=${shippedAt}&shippedTo=${shippedAt}`)).toEqual([shippedOne.orderId]);
    expect(await find('shippedFrom=2000-01-01T00:00:00Z')).toEqual([shippedOne.orderId]);
    expect(await find(`shippedTo=${new Date(Date.parse(shippedAt) - 1).toISOString()}`)).toEqual([]);
    // An order that never went through Shipping has no shipping time.
    const quote = (await t.as('admin', { method: 'GET', url: `/api/v1/orders/${placed.quote!.orderId}` })).json();
    expect(quote.shippedAt).toBeNull();
  });
});
