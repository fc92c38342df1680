import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { grouped, testCardNumber } from '../test-support/cards.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { orderInput } from '../test-support/factories.js';

/**
 * The exploratory tester's cases: digit groups in everyday text passed Luhn and were refused as card
 * numbers. Only a number some card brand could have issued is refused now; real card numbers still are.
 */
describeEachDatabase('card numbers and everyday digit groups in order bodies', (getDb) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(getDb().db);
  });
  afterAll(async () => t.close());

  const postOrder = (payload: unknown) => t.as('admin', { method: 'POST', url: '/api/v1/orders', payload: payload as object });

  it('accepts a USPS tracking number in a note, digits in an e-mail address and an address line', async () => {
    const note = 'Shipped USPS tracking 9400 7016 8773 1322 8171 80';
    const base = orderInput();
    const res = await postOrder(orderInput({
      customer: { ...base.customer, email: 'cp3-157-100000004@corp.example' },
      billing: { ...base.billing, line1: 'Unit 7016-8773-1322-8171' },
      notes: [note],
    }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().notes.map((n: { body: string }) => n.body)).toEqual([note]);
    expect(res.json().customer.email).toBe('cp3-157-100000004@corp.example');
  });

  it.each([
    ['a Visa in a note', (n: string) => orderInput({ notes: [`card ${grouped(n)}`] }), testCardNumber('4', 16, 1), '/notes/0'],
    ['a Mastercard in an e-mail', (n: string) => orderInput({ customer: { email: `${grouped(n, '-')}@corp.example` } }), testCardNumber('5555', 16, 2), '/customer/email'],
    ['an Amex in an address line', (n: string) => orderInput({ billing: { ...orderInput().billing, line1: n } }), testCardNumber('37', 15, 3), '/billing/line1'],
    ['a Discover in a custom field', (n: string) => orderInput({ customFields: { custom1: n } }), testCardNumber('6011', 16, 4), '/customFields/custom1'],
    ['a JCB in a tag', (n: string) => orderInput({ tags: [n] }), testCardNumber('3530', 16, 5), '/tags/0'],
    ['a Diners in a note', (n: string) => orderInput({ notes: [n] }), testCardNumber('36', 14, 6), '/notes/0'],
  ])('still refuses %s', async (_name, make, number, field) => {
    const res = await postOrder(make(number));
    expect(res.json(), res.body).toMatchObject({ status: 400, code: 'card_number_refused', field });
  });
});
