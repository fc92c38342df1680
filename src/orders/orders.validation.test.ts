import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { buildTestApp, testConfig, type TestApp } from '../test-support/app.js';
import { orderInput } from '../test-support/factories.js';
import { STAGES } from '../stages/stages.js';

describeEachDatabase('order input validation', (getDb) => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db, { bodyLimitBytes: 64 * 1024 });
    key = await t.keyFor('admin');
  });
  afterAll(async () => t.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/orders', payload: payload as string, headers: { authorization: `Bearer ${key}`, ...headers } });
  const orderCount = async () => Number((await t.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it.each([
    ['malformed JSON', '{"channel": "web",', 400, 'malformed_json', '/'],
    ['a string where a number belongs', { ...orderInput(), items: [{ sku: 'A', quantity: '2', unitPrice: 100 }] }, 400, 'validation_failed', '/items/0/quantity'],
    ['an unknown field', { ...orderInput(), discountCode: 'FREE' }, 400, 'validation_failed', '/discountCode'],
    ['zero quantity', { ...orderInput(), items: [{ sku: 'A', quantity: 0, unitPrice: 100 }] }, 400, 'validation_failed', '/items/0/quantity'],
    ['negative price', { ...orderInput(), items: [{ sku: 'A', quantity: 1, unitPrice: -5 }] }, 400, 'validation_failed', '/items/0/unitPrice'],
    ['a fractional amount', { ...orderInput(), shippingCost: 4.99 }, 400, 'validation_failed', '/shippingCost'],
    ['no items', { ...orderInput(), items: [] }, 400, 'validation_failed', '/items'],
    ['a missing email', { ...orderInput(), customer: {} }, 400, 'validation_failed', '/customer/email'],
    ['a currency that is not ISO 4217', { ...orderInput(), currency: 'ABC' }, 400, 'validation_failed', '/currency'],
    ['a lower-case currency', { ...orderInput(), currency: 'usd' }, 400, 'validation_failed', '/currency'],
    ['a country that is not ISO 3166', { ...orderInput(), billing: { ...orderInput().billing, country: 'UK' } }, 400, 'validation_failed', '/billing/country'],
    ['an impossible phone number', { ...orderInput(), billing: { ...orderInput().billing, phone: '12' } }, 400, 'validation_failed', '/billing/phone'],
    ['an unknown SKU without a price', { ...orderInput(), items: [{ sku: 'NOPE', quantity: 1 }] }, 400, 'validation_failed', '/items/0/unitPrice'],
    ['totals that do not add up', { ...orderInput(), expectedTotal: 1 }, 422, 'totals_mismatch', '/expectedTotal'],
    ['a discount above the line value', { ...orderInput(), items: [{ sku: 'A', quantity: 1, unitPrice: 100, discount: 101 }] }, 422, 'totals_mismatch', '/items/0/discount'],
    ['a card number in a note', { ...orderInput(), notes: ['my card is 4111 1111 1111 1111'] }, 400, 'card_number_refused', '/notes/0'],
    ['a card number as the card token', { ...orderInput(), payment: { method: 'credit_card', card: { token: '4242424242424242', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2030 } } }, 400, 'card_number_refused', '/payment/card/token'],
    ['a note of whitespace only', { ...orderInput(), notes: [' \t\n '] }, 400, 'validation_failed', '/notes/0'],
    ['a body nested thousands of levels deep', `${'['.repeat(5000)}${']'.repeat(5000)}`, 400, 'validation_failed', `${'/0'.repeat(64)}`],
    ['a note nested too deep', { ...orderInput(), notes: [JSON.parse(`${'['.repeat(100)}"x"${']'.repeat(100)}`)] }, 400, 'validation_failed', `/notes${'/0'.repeat(63)}`],
    ['a line break in a name (labels, CSV rows, email headers)', { ...orderInput(), billing: { ...orderInput().billing, lastName: 'Lovelace\nBcc: x@example.com' } }, 400, 'validation_failed', '/billing/lastName'],
    ['a control character in an address', { ...orderInput(), billing: { ...orderInput().billing, line1: '12 Analytical\u0007 Way' } }, 400, 'validation_failed', '/billing/line1'],
    ['card details on a non-card payment', { ...orderInput(), payment: { method: 'check', card: orderInput().payment.card } }, 400, 'validation_failed', '/payment/card'],
  ])('refuses %s (%i %s at %s) and stores nothing', async (_name, payload, status, code, field) => {
    const before = await orderCount();
    const res = await post(typeof payload === 'string' ? payload : payload, { 'content-type': 'application/json' });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code, field, status });
    expect(await orderCount()).toBe(before);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await post({ ...orderInput(), notes: Array.from({ length: 20 }, () => 'x'.repeat(4900)) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
    expect(res.json().detail).toBe('the request body is larger than the 65536 bytes this server accepts (ORDERDECK_BODY_LIMIT)');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await post('channel=web', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'unsupported_media_type', detail: 'a request body must be JSON, sent with "Content-Type: application/json"' });
  });

  /** String() throws on generated objects like {"toString": 0}; such a value is sent as its JSON instead. */
  const asText = (v: unknown): string => {
    try {
      return String(v);
    } catch {
      return JSON.stringify(v);
    }
  };

  /** Rows every write adds to; a refused request must leave all three as they were. */
  const rowCounts = async () => {
    const row = await t.db.selectNoFrom((eb) => [
      eb.selectFrom('orders').select(eb.fn.countAll<number>().as('n')).as('orders'),
      eb.selectFrom('order_history').select(eb.fn.countAll<number>().as('n')).as('history'),
      eb.selectFrom('outbox').select(eb.fn.countAll<number>().as('n')).as('outbox'),
    ]).executeTakeFirstOrThrow();
    return { orders: Number(row.orders), history: Number(row.history), outbox: Number(row.outbox) };
  };

  it('never answers a random malformed create, update, move or search with a 5xx, and a refused one changes nothing', async () => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const readOrder = async (orderId: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${orderId}`, headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(200);
      return { body: res.body, version: (res.json() as { version: number }).version };
    };
    const placed = async (overrides: Parameters<typeof orderInput>[0] = {}) => {
      const res = await post(orderInput(overrides));
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { orderId: string }).orderId;
    };
    // Targets in different situations, so the update path's stage checks are reached too: editable (Shipping), items locked
    // (Completed, nothing to ship; Rejected), and one the random moves carry from stage to stage (the others stay put).
    const targets = [await placed(), await placed({ items: [{ sku: 'EBOOK', quantity: 1, unitPrice: 900, shippable: false }] }), await placed(), await placed()];
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orders/${targets[2]}/reject`, payload: { reason: 'fuzz target', keepPayment: true }, headers })).statusCode).toBe(200);
    const state = new Map<string, { body: string; version: number }>();
    for (const id of targets) state.set(id, await readOrder(id));
    let counts = await rowCounts();

    const valid = orderInput();
    // Start from a valid order and break it: random values replace random fields at any depth.
    const mutated = fc.tuple(fc.jsonValue(), fc.array(fc.constantFrom('channel', 'currency', 'customer', 'billing', 'items', 'payment', 'shippingCost', 'tags', 'customFields', 'notes', 'expectedTotal', 'isTest', 'fraudHold', 'x'), { minLength: 1, maxLength: 3 }))
      .map(([value, keys]) => {
        const copy = structuredClone(valid) as Record<string, unknown>;
        for (const k of keys) copy[k] = value;
        return copy;
      });
    const anything = fc.oneof(fc.jsonValue(), mutated, fc.string());

    // Update bodies that pass the schema often, built from per-field variants (some of which only the service refuses: an
    // unknown country, a blank name, an impossible phone, an unpriced unknown SKU, a discount above the line value, a total
    // too large), then broken further at random paths with values near the edges.
    const address = { firstName: 'Grace', lastName: 'Hopper', line1: '1 Navy Yard', city: 'Arlington', region: 'VA', postalCode: '22202', country: 'US', phone: '(703) 555-0100' };
    const variants = {
      billing: [address, { ...address, country: 'XX' }, { ...address, firstName: ' ', lastName: '  ' }, { ...address, phone: '12' }, { ...address, line1: ' ' }],
      shipping: [address, { ...address, country: 'ZZ' }, { ...address, city: '\t' }],
      customerEmail: ['grace@example.com', 'GRACE@EXAMPLE.COM'],
      items: [
        [{ sku: 'BOOK-2', description: 'Sketch', quantity: 3, unitPrice: 1000, discount: 500, tax: 200 }],
        [{ sku: 'NOT-IN-CATALOG', quantity: 1 }],
        [{ sku: 'A', quantity: 1, unitPrice: 100, discount: 101 }],
        [{ sku: 'BIG', quantity: 1_000_000, unitPrice: 1e13 }],
        [{ sku: 'DL-1', quantity: 1, unitPrice: 500, shippable: false }, { sku: 'PRE-1', quantity: 2, unitPrice: 300, preorder: true, expectedDate: '2027-03-01' }],
      ],
      shippingCost: [0, 700, 1e13],
      shippingTax: [0, 50],
      tags: [['vip', 'gift'], [' ', 'vip '], []],
      customFields: [{ custom1: 'PO-1' }, { custom2: '  ' }, {}],
    };
    const edgeValue = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<unknown>('', ' ', '\t', 'XX', 'GB', 'us', '12', '+1 202 555 0100', 'BOOK-1', 0, 1, -1, 1.5, 1e13, 1e13 + 1, 2 ** 53, 1_000_000, 1_000_001, true, null, undefined, 'x'.repeat(51), 'x'.repeat(501), 'a,b', '2027-02-30', [], {}, ['vip', 'vip'], 'not-an-email') },
      { weight: 1, arbitrary: fc.string() },
      { weight: 1, arbitrary: fc.integer() },
      { weight: 1, arbitrary: fc.jsonValue() },
    );
    type Path = (string | number)[];
    const nodePaths = (value: unknown, prefix: Path = []): Path[] => {
      if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...nodePaths(v, [...prefix, i])]);
      if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...nodePaths(v, [...prefix, k])]);
      return [];
    };
    const setPath = (root: Record<string, unknown>, path: Path, value: unknown) => {
      let node = root as Record<string | number, unknown>;
      for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
      if (value === undefined && !Array.isArray(node)) delete node[path.at(-1)!];
      else node[path.at(-1)!] = value;
    };
    /** A field's first variant is valid; it comes up as often as all the others together. */
    const variantOf = (options: readonly unknown[]) => options.length === 1
      ? fc.constant(options[0])
      : fc.oneof({ weight: options.length - 1, arbitrary: fc.constant(options[0]) }, { weight: options.length - 1, arbitrary: fc.constantFrom(...options.slice(1)) });
    const updateShaped = fc.tuple(
      fc.subarray([...Object.keys(variants), 'items', 'items'] as (keyof typeof variants)[], { minLength: 1, maxLength: 2 }).chain((fields) => fc.tuple(...fields.map((f) => variantOf(variants[f]).map((v) => [f, v] as const)))),
      fc.oneof({ weight: 3, arbitrary: fc.constant([] as [number, unknown][]) }, { weight: 2, arbitrary: fc.array(fc.tuple(fc.nat(), edgeValue), { minLength: 1, maxLength: 2 }) }),
    ).map(([picked, mutations]) => {
      const body = structuredClone(Object.fromEntries(picked)) as Record<string, unknown>;
      for (const [n, value] of mutations) {
        const paths = [...nodePaths(body), ['x'], ['version']];
        setPath(body, paths[n % paths.length]!, value);
      }
      return body;
    });
    const stageShaped = fc.record({ stage: fc.constantFrom(...STAGES), reason: fc.oneof(fc.constant('fuzz'), fc.string()) });
    /** How the caller states the version it read: mostly the real current one, so the service's own checks are reached. */
    const versionMode = fc.oneof(
      { weight: 6, arbitrary: fc.constant('if-match' as const) },
      { weight: 4, arbitrary: fc.constantFrom('weak-if-match', 'body', 'stale-if-match', 'stale-body', 'none', 'malformed') },
    );
    const request = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), target: fc.constant(0), payload: anything, version: fc.constant('none' as const) }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('update' as const), target: fc.constantFrom(0, 0, 1, 2, 3), payload: fc.oneof({ weight: 4, arbitrary: updateShaped }, { weight: 1, arbitrary: anything }), version: versionMode }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('stage' as const), target: fc.constant(3), payload: fc.oneof(stageShaped, anything), version: versionMode }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('search' as const), target: fc.constant(0), payload: anything, version: fc.constant('none' as const) }) },
    );

    type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ kind, target, payload, version }) => {
        const orderId = targets[target]!;
        const before = state.get(orderId)!;
        const current = before.version;
        const stale = current > 1 ? current - 1 : current + 1;
        const extra: Record<string, string> = {};
        let body = payload;
        const isObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload);
        if (version === 'if-match') extra['if-match'] = `"v${current}"`;
        if (version === 'weak-if-match') extra['if-match'] = `W/"v${current}"`;
        if (version === 'stale-if-match') extra['if-match'] = `"v${stale}"`;
        if (version === 'malformed') extra['if-match'] = '"version-one"';
        if (version === 'body' && isObject) body = { ...payload, version: current };
        if (version === 'stale-body' && isObject) body = { ...payload, version: stale };

        const url = kind === 'create' ? '/api/v1/orders' : kind === 'stage' ? `/api/v1/orders/${orderId}/stage` : `/api/v1/orders/${orderId}`;
        const res = kind === 'search'
          ? await t.app.inject({ method: 'GET', url: '/api/v1/orders', query: isObject ? Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, asText(v)])) : { q: asText(payload) }, headers: { authorization: `Bearer ${key}` } })
          : await t.app.inject({ method: kind === 'update' ? 'PATCH' : 'POST', url, payload: JSON.stringify(body), headers: { ...headers, ...extra } });
        const what = `${kind} ${version} ${JSON.stringify(body).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, what).toBeLessThan(500);
        const code = res.statusCode >= 400 ? (res.json() as { code: string }).code : '';
        seen.set(`${kind} ${res.statusCode} ${code}`, (seen.get(`${kind} ${res.statusCode} ${code}`) ?? 0) + 1);
        if (kind === 'update' && res.statusCode === 400 && /ISO 3166|name is required|address line|city is required|possible phone|not in the catalog|too large/.test(res.body)) {
          seen.set('update 400 from the service', (seen.get('update 400 from the service') ?? 0) + 1);
        }
        const after = await rowCounts();
        // The stated version decides before anything else the handler checks (only the schema comes first).
        if (kind === 'update' || kind === 'stage') {
          if (version === 'stale-if-match' || version === 'malformed') expect([400, 412], what).toContain(res.statusCode);
          if (version === 'stale-body') expect([400, 409], what).toContain(res.statusCode);
          // (A random `version` in the body is a version too: If-Match wins over it, but without If-Match it counts.)
          if (version === 'none' && kind === 'update' && !(isObject && 'version' in payload)) expect([400, 428], what).toContain(res.statusCode);
        }

        if (kind === 'search' || res.statusCode >= 400) {
          if (kind !== 'search') expect(res.headers['content-type'], what).toContain('application/problem+json');
          expect(after, what).toEqual(counts);
          if (kind !== 'create' && kind !== 'search') expect((await readOrder(orderId)).body, what).toBe(before.body);
          return;
        }
        if (kind === 'create') {
          expect(res.statusCode, what).toBe(201); // a mutation that happens to be valid is fine
          expect(after.orders, what).toBe(counts.orders + 1);
          counts = after;
          return;
        }
        // An accepted edit or move: exactly one new version, one history row, one event, and the answer is what now reads.
        // An edit whose every field equals what the order holds is accepted too, and writes nothing at all.
        expect(res.statusCode, what).toBe(200);
        const now = await readOrder(orderId);
        if (kind === 'update' && now.version === current) {
          expect(now.body, what).toBe(before.body);
          expect(res.headers.etag, what).toBe(`"v${current}"`);
          expect(after, what).toEqual(counts);
          return;
        }
        // An edit that leaves part of a paid order's total owed (or covers what was owed) also records what that
        // does to its payment, and may move it to be collected: more than one version, each one written whole.
        const status = (body: string) => (JSON.parse(body) as { payment: { status: string } }).payment.status;
        if (kind === 'update' && status(now.body) !== status(before.body)) {
          expect(now.version, what).toBeGreaterThan(current + 1);
          expect(res.headers.etag, what).toBe(`"v${now.version}"`);
          expect(JSON.parse(res.body), what).toEqual(JSON.parse(now.body));
          counts = after;
          state.set(orderId, now);
          return;
        }
        expect(now.version, what).toBe(current + 1);
        expect(res.headers.etag, what).toBe(`"v${current + 1}"`);
        expect(JSON.parse(res.body), what).toEqual(JSON.parse(now.body));
        expect(after, what).toEqual({ orders: counts.orders, history: counts.history + 1, outbox: counts.outbox + 1 });
        counts = after;
        state.set(orderId, now);
      }),
      {
        numRuns: 500,
        // The orders change as runs are accepted, so a shrunk replay would meet other versions: report the first failure as it was.
        endOnFailure: true,
        // Besides the random runs, each of these every time: an accepted edit, and each refusal the update path makes itself.
        examples: ([
          [0, { customFields: { custom3: 'example' } }, 'if-match'],
          [0, { customFields: { custom3: 'example 2' } }, 'none'],
          [0, { customFields: { custom3: 'example 3' } }, 'stale-if-match'],
          [0, { customFields: { custom3: 'example 4' } }, 'stale-body'],
          [0, { billing: { ...address, country: 'XX' } }, 'if-match'],
          [0, { items: [{ sku: 'NOT-IN-CATALOG', quantity: 1 }] }, 'if-match'],
          [0, { items: [{ sku: 'A', quantity: 1, unitPrice: 100, discount: 101 }] }, 'if-match'],
          [1, { items: [{ sku: 'EBOOK', quantity: 2, unitPrice: 900, shippable: false }] }, 'if-match'],
        ] as const).map(([target, payload, version]): [Request] => [{ kind: 'update', target, payload: structuredClone(payload) as Record<string, unknown>, version }]),
      },
    );
    // Creates and searches were checked by the counts alone: the targets read as last seen.
    for (const id of targets) expect((await readOrder(id)).body).toBe(state.get(id)!.body);
    // The random runs, not only the examples, reached the update path's own checks, past the schema's.
    for (const outcome of ['update 200 ', 'update 412 precondition_failed', 'update 409 not_editable', 'update 400 from the service']) {
      expect(seen.get(outcome) ?? 0, `${outcome} in ${JSON.stringify([...seen].sort())}`).toBeGreaterThan(3);
    }
  });

  it('answers an unexpected failure with a bare 500 that reveals nothing', async () => {
    const app = await buildApp({ config: testConfig(), db: getDb().db });
    app.get('/boom', { config: { public: true } }, async () => {
      throw new Error('password=hunter2 at /srv/db.ts:12');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('db.ts');
    expect(res.json()).toMatchObject({ code: 'internal', requestId: expect.any(String) });
    await app.close();
  });
});
