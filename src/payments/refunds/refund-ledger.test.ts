import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../ledger/ledger.table.js';
import { liveRefunds, refundedExtras, refundInFlight, refundsInFlightTotal, unrefundedByCharge } from './refund-ledger.js';
import { splitOverCharges } from './start-refund.js';

let nextId = 1;
const row = (over: Partial<LedgerRow>): LedgerRow => ({
  id: nextId++, order_id: 1, kind: 'sale', amount: 0, currency: 'USD', gateway: 'sandbox', idempotency_key: `k${nextId}`, parent_id: null,
  source_token: null, status: 'approved', gateway_reference: 'txn', decline_code: null, message: null, avs: null, cvv: null, actor: 'test',
  reason: null, details_json: null, attempts: 1, created_at: 0, resolved_at: 0, next_attempt_at: null, ...over,
});
const details = (refundId: string, over: object = {}) => JSON.stringify({ refundId, items: [], shipping: 0, shippingTax: 0, tax: 0, total: 0, custom: false, share: 0, ...over });

describe('refund ledger rules', () => {
  it('splits a gateway refund over the charges newest first, by what each has left', () => {
    const first = row({ kind: 'sale', amount: 3000 });
    const second = row({ kind: 'capture', amount: 2000 });
    const refunded = row({ kind: 'refund', amount: 1500, parent_id: second.id });
    const parts = splitOverCharges([first, second, refunded], 2000);
    expect(parts.map((p) => [p.charge.id, p.amount])).toEqual([[second.id, 500], [first.id, 1500]]);
  });

  it('a declined refund frees its charge; offline money must go back as an external refund', () => {
    const sale = row({ kind: 'sale', amount: 1000 });
    const declined = row({ kind: 'refund', amount: 1000, parent_id: sale.id, status: 'declined' });
    expect(unrefundedByCharge([sale, declined]).get(sale.id)).toBe(1000);
    const offline = row({ kind: 'offline_payment', amount: 500, gateway: 'offline' });
    expect(() => splitOverCharges([sale, offline], 1200)).toThrow(/external refund/);
    expect(splitOverCharges([sale, offline], 1000)).toHaveLength(1);
  });

  it('a storefront-reported payment without a gateway reference cannot be refunded through the gateway', () => {
    const reported = row({ kind: 'sale', amount: 1000, gateway: 'external', gateway_reference: null });
    const withReference = row({ kind: 'sale', amount: 400, gateway: 'external', gateway_reference: 'ch_storefront_1' });
    expect(() => splitOverCharges([reported], 100)).toThrow(/without a gateway reference.*external refund/);
    // One the storefront reported with its reference goes back through the gateway, which knows it.
    expect(splitOverCharges([reported, withReference], 400).map((p) => [p.charge.id, p.amount])).toEqual([[withReference.id, 400]]);
    expect(() => splitOverCharges([reported, withReference], 401)).toThrow(/without a gateway reference/);
  });

  it('a refund request holds its shipping and tax until every row of it is declined', () => {
    const a1 = row({ kind: 'refund', status: 'declined', details_json: details('a', { shipping: 300, tax: 20 }) });
    const a2 = row({ kind: 'refund', status: 'approved', details_json: details('a', { shipping: 300, tax: 20 }) });
    const b = row({ kind: 'refund', status: 'declined', details_json: details('b', { shipping: 200 }) });
    const c = row({ kind: 'external_refund', status: 'approved', details_json: details('c', { shipping: 50 }) });
    expect([...liveRefunds([a1, a2, b, c]).keys()]).toEqual(['a', 'c']);
    expect(refundedExtras([a1, a2, b, c])).toEqual({ shipping: 350, extraTax: 20 });
    expect(refundInFlight([a1, b, c])).toBe(false);
    expect(refundInFlight([row({ kind: 'refund', status: 'unknown' })])).toBe(true);
  });

  it('a chargeback takes what it took back off its charge: nothing of it goes back through the gateway again', () => {
    const first = row({ kind: 'sale', amount: 2000 });
    const second = row({ kind: 'capture', amount: 650 });
    const chargeback = row({ kind: 'chargeback', amount: 2000, parent_id: first.id });
    expect(unrefundedByCharge([first, second, chargeback]).get(first.id)).toBe(0);
    expect(splitOverCharges([first, second, chargeback], 650).map((p) => [p.charge.id, p.amount])).toEqual([[second.id, 650]]);
    expect(() => splitOverCharges([first, second, chargeback], 651)).toThrow(/only 650 left/);
  });

  it('settledOnly counts approved refunds only; refunds in flight are summed for the ledger view', () => {
    const sale = row({ kind: 'sale', amount: 2650 });
    const open = row({ kind: 'refund', amount: 1000, parent_id: sale.id, status: 'unknown' });
    const done = row({ kind: 'refund', amount: 300, parent_id: sale.id, status: 'approved' });
    expect(unrefundedByCharge([sale, open, done]).get(sale.id)).toBe(1350);
    expect(unrefundedByCharge([sale, open, done], { settledOnly: true }).get(sale.id)).toBe(2350);
    expect(refundsInFlightTotal([sale, open, done, row({ kind: 'refund', amount: 7, status: 'declined' })])).toBe(1000);
  });
});
