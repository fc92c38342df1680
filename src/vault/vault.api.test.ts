import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsCardNumber } from '../shared/card-number.js';
import { buildTestApp, type TestApp } from '../test-support/app.js';
import { grouped, testCardNumber, withWrongCheckDigit } from '../test-support/cards.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { CardDecryptionError } from './card-cipher.js';
import { keyFileKeyring } from './vault-key-file.js';
import { revealCard } from './reveal-card.js';

const thisYear = new Date().getUTCFullYear();
const card = (overrides: Record<string, unknown> = {}) => ({ number: testCardNumber('4', 16), expMonth: 12, expYear: thisYear + 3, ...overrides });

describeEachDatabase('card vault API', (getDb) => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderdeck-vault-api-'));
    t = await buildTestApp(getDb().db, { dataDir, vaultKeys: undefined }); // the key file, made in dataDir
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  // A fixed request id: a random UUID's digit groups, joined by its dashes, can spell a Luhn-valid run.
  const store = (payload: Record<string, unknown>, role: 'admin' | 'customer_service' = 'admin') =>
    t.as(role, { method: 'POST', url: '/api/v1/vault/cards', payload, headers: { 'x-request-id': 'vault-test' } });

  it('stores a card and answers only its token, brand, last four and expiry', async () => {
    const number = testCardNumber('37', 15, 2);
    const res = await store({ number: grouped(number), expMonth: 6, expYear: thisYear + 2, cvc: '1234', holderName: 'Ada Lovelace' }, 'customer_service');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toEqual({ token: expect.stringMatching(/^tok_[\w-]{32}$/), brand: 'amex', last4: number.slice(-4), expMonth: 6, expYear: thisYear + 2 });
    expect(fs.statSync(path.join(dataDir, 'vault-keys.json')).mode & 0o777).toBe(0o600); // made by this first card

    const row = await t.db.selectFrom('vault_cards').selectAll().where('token', '=', body.token).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ key_id: 'k1', brand: 'amex', last4: number.slice(-4), exp_month: 6, exp_year: thisYear + 2, last_used_at: null });
    expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const stored = JSON.stringify(row) + Buffer.concat([row.iv, row.ciphertext, row.auth_tag]).toString('latin1');
    expect(stored).not.toContain(number);
    expect(stored).not.toContain('1234"'); // the security code is nowhere

    const revealed = await revealCard(t.db, keyFileKeyring(dataDir), body.token);
    expect(revealed).toEqual({ number, expMonth: 6, expYear: thisYear + 2, holderName: 'Ada Lovelace' });
    expect(JSON.stringify(revealed)).not.toContain('1234');
    const touched = await t.db.selectFrom('vault_cards').select('last_used_at').where('token', '=', body.token).executeTakeFirstOrThrow();
    expect(touched.last_used_at).toBeGreaterThan(0);
  });

  it('gives a new token for the same number each time, with the same fingerprint', async () => {
    const number = testCardNumber('5', 16, 4);
    const a = (await store(card({ number }))).json();
    const b = (await store(card({ number: grouped(number, '-'), expYear: thisYear + 4 }))).json();
    expect(a.token).not.toBe(b.token);
    const rows = await t.db.selectFrom('vault_cards').select(['token', 'fingerprint']).where('token', 'in', [a.token, b.token]).execute();
    expect(rows[0]!.fingerprint).toBe(rows[1]!.fingerprint);
    const other = (await store(card({ number: testCardNumber('5', 16, 5) }))).json();
    const otherRow = await t.db.selectFrom('vault_cards').select('fingerprint').where('token', '=', other.token).executeTakeFirstOrThrow();
    expect(otherRow.fingerprint).not.toBe(rows[0]!.fingerprint);
  });

  describe('bad input is a 400 naming the field, never repeating the number', () => {
    const number = testCardNumber('4', 16, 6);
    it.each([
      ['a wrong check digit', { number: withWrongCheckDigit(number) }, '/number'],
      ['letters in the number', { number: `${number.slice(0, 6)}abc${number.slice(6)}` }, '/number'],
      ['a visa of 15 digits', { number: testCardNumber('4', 15) }, '/number'],
      ['too few digits', { number: testCardNumber('9', 11) }, '/number'],
      ['an empty number', { number: '' }, '/number'],
      ['a number as a JSON number', { number: Number(number) }, '/number'],
      ['no number', { number: undefined }, '/number'],
      ['month 13', { number, expMonth: 13 }, '/expMonth'],
      ['month 0', { number, expMonth: 0 }, '/expMonth'],
      ['a two-digit year', { number, expYear: 29 }, '/expYear'],
      ['an expired card', { number, expMonth: 1, expYear: thisYear - 1 }, '/expYear'],
      ['more than 20 years ahead', { number, expYear: thisYear + 21 }, '/expYear'],
      ['a 4-digit code on a visa', { number, cvc: '1234' }, '/cvc'],
      ['a 3-digit code on an amex', { number: testCardNumber('34', 15), cvc: '123' }, '/cvc'],
      ['a non-digit code', { number, cvc: '12a' }, '/cvc'],
      ['a card number as the name', { number, holderName: grouped(number) }, '/holderName'],
      ['an unknown field', { number, pin: '1234' }, '/pin'],
    ])('%s', async (_name, overrides, field) => {
      const payload = card(overrides);
      const res = await store(payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'validation_failed', field });
      expect(containsCardNumber(res.body)).toBe(false);
      if (typeof payload.number === 'string' && payload.number.length > 8) expect(res.body).not.toContain(payload.number.slice(0, 8));
    });
  });

  it('needs a signed-in caller (401) with orders:create (403), checked before the body is read', async () => {
    const unauth = await t.app.inject({ method: 'POST', url: '/api/v1/vault/cards', payload: card() });
    expect(unauth.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    for (const role of ['fulfilment', 'read_only', 'accounting'] as const) {
      // A fixed request id: a random UUID echoed in the body can hold digit groups that pass for a card number.
      const res = await t.as(role, { method: 'POST', url: '/api/v1/vault/cards', payload: card(), headers: { 'x-request-id': 'vault-test' } });
      expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
      expect(containsCardNumber(res.body)).toBe(false);
    }
  });

  it('is the only route a card number may be sent to', async () => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/customers', payload: { email: 'card.holder@example.com', company: grouped(testCardNumber('4', 16)) } });
    expect(res.json()).toMatchObject({ status: 400, code: 'card_number_refused', field: '/company' });
  });

  it('reveals a card for the gateway only with the right key, and says clearly when the row was altered', async () => {
    const keys = keyFileKeyring(dataDir);
    const { token } = (await store(card())).json();
    await expect(revealCard(t.db, keys, 'tok_missing')).rejects.toMatchObject({ code: 'not_found' });

    const row = await t.db.selectFrom('vault_cards').selectAll().where('token', '=', token).executeTakeFirstOrThrow();
    const flipped = Buffer.from(row.ciphertext);
    flipped[3] = flipped[3]! ^ 0x80;
    await t.db.updateTable('vault_cards').set({ ciphertext: flipped }).where('token', '=', token).execute();
    const tampered = revealCard(t.db, keys, token);
    await expect(tampered).rejects.toBeInstanceOf(CardDecryptionError);
    await expect(revealCard(t.db, keys, token)).rejects.toThrow(`vault card ${token} cannot be decrypted: authentication failed under key k1`);

    await t.db.updateTable('vault_cards').set({ ciphertext: row.ciphertext, key_id: 'k7' }).where('token', '=', token).execute();
    await expect(revealCard(t.db, keys, token)).rejects.toThrow(/key k7 is not among this installation's vault keys \(key file\)/);
    await t.db.updateTable('vault_cards').set({ key_id: 'k1' }).where('token', '=', token).execute();
    expect((await revealCard(t.db, keys, token)).number).toBe(card().number);
  });

  it('is documented in the OpenAPI document, with no card number in it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json();
    const op = doc.paths['/api/v1/vault/cards'].post;
    expect(op.tags).toEqual(['Card vault']);
    const schema = op.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['number', 'expMonth', 'expYear', 'cvc', 'holderName']);
    expect(schema.required).toEqual(['number', 'expMonth', 'expYear']);
    expect(schema.properties.number.description).toContain('12 to 19 digits');
    expect(Object.keys(op.responses['201'].content['application/json'].schema.properties)).toEqual(['token', 'brand', 'last4', 'expMonth', 'expYear']);
    expect(containsCardNumber(res.body)).toBe(false);
  });
});
