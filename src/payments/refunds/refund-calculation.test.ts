import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSummary } from '../../orders/order-totals.js';
import { derivePaymentState, type LedgerEntry } from '../ledger/payment-state.js';
import { calculateRefund, lineNet, prorate, type RefundableLine, type RefundableOrder, type RefundRequest } from './refund-calculation.js';

const line = (over: Partial<RefundableLine> = {}): RefundableLine => ({ lineNo: 1, quantity: 3, unitPrice: 1000, discount: 0, tax: 0, quantityRefunded: 0, ...over });
const order = (over: Partial<RefundableOrder> = {}): RefundableOrder => ({
  lines: [line()], shippingTotal: 500, shippingTax: 0, shippingRefunded: 0, extraTaxRefunded: 0, refundable: 3500, ...over,
});
const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { field?: string }).field;
  }
  return undefined;
};

describe('prorate', () => {
  it('rounds half to even, exactly, beyond 2^53 intermediates', () => {
    expect(prorate(1000, 1, 3)).toBe(333);
    expect(prorate(1000, 2, 3)).toBe(667);
    expect(prorate(5, 1, 2)).toBe(2);
    expect(prorate(7, 1, 2)).toBe(4);
    expect(prorate(9_999_999_999_999, 999_999, 1_000_000)).toBe(9_999_989_999_999);
  });

  it('summed step by step always gives back exactly the whole', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e13 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 20 }), (value, steps) => {
      const whole = steps.reduce((a, b) => a + b, 0);
      let done = 0;
      let sum = 0;
      for (const k of steps) {
        const part = prorate(value, done + k, whole) - prorate(value, done, whole);
        expect(part).toBeGreaterThanOrEqual(0);
        sum += part;
        done += k;
      }
      expect(sum).toBe(value);
    }));
  });
});

describe('calculateRefund', () => {
  it('splits a line by units with cumulative rounding: 333 + 334 + 333', () => {
    const o = order({ lines: [line({ quantity: 3, unitPrice: 333, discount: 0, tax: 1 })] }); // net 1000
    const first = calculateRefund(o, { items: [{ lineNo: 1, quantity: 1 }] });
    const second = calculateRefund(order({ ...o, lines: [{ ...o.lines[0]!, quantityRefunded: 1 }] }), { items: [{ lineNo: 1, quantity: 1 }] });
    const third = calculateRefund(order({ ...o, lines: [{ ...o.lines[0]!, quantityRefunded: 2 }] }), { items: [{ lineNo: 1, quantity: 1 }] });
    expect([first.total, second.total, third.total]).toEqual([333, 334, 333]);
  });

  it('refunds shipping with its share of the shipping tax', () => {
    const r = calculateRefund(order({ shippingTotal: 500, shippingTax: 100, refundable: 3600 }), { shipping: 250 });
    expect(r).toMatchObject({ shipping: 250, shippingTax: 50, total: 300, lines: [] });
  });

  it('a custom amount replaces the computed one but still records the units', () => {
    const r = calculateRefund(order(), { items: [{ lineNo: 1, quantity: 1 }], amount: 200 });
    expect(r).toMatchObject({ computed: 1000, total: 200, lines: [{ lineNo: 1, quantity: 1, amount: 1000 }] });
  });

  it.each<[string, RefundRequest, Partial<RefundableOrder>, string]>([
    ['an unknown line', { items: [{ lineNo: 9, quantity: 1 }] }, {}, '/items/0/lineNo'],
    ['a line twice', { items: [{ lineNo: 1, quantity: 1 }, { lineNo: 1, quantity: 1 }] }, {}, '/items/1/lineNo'],
    ['more units than are left', { items: [{ lineNo: 1, quantity: 2 }] }, { lines: [line({ quantityRefunded: 2 })] }, '/items/0/quantity'],
    ['more shipping than is left', { shipping: 300 }, { shippingRefunded: 300 }, '/shipping'],
    ['more tax than there is', { tax: 1 }, {}, '/tax'],
    ['nothing at all', {}, {}, '/items'],
    ['shipping beyond what may still be refunded', { shipping: 500 }, { refundable: 499 }, '/shipping'],
    ['zero units', { items: [{ lineNo: 1, quantity: 0 }] }, {}, '/items'],
    ['more than may still be refunded', { items: [{ lineNo: 1, quantity: 3 }] }, { refundable: 2999 }, '/items'],
    ['a custom amount beyond what was paid', { amount: 3501 }, {}, '/amount'],
  ])('refuses %s, naming the field', (_what, request, over, field) => {
    expect(fieldOf(() => calculateRefund(order(over), request))).toBe(field);
  });
});

/** A random order: lines with discounts within their value and taxes, shipping and a shipping tax. */
const orderArb = fc.record({
  lines: fc.array(fc.record({
    quantity: fc.integer({ min: 1, max: 6 }), unitPrice: fc.integer({ min: 0, max: 50_000 }), discountPct: fc.integer({ min: 0, max: 100 }), tax: fc.integer({ min: 0, max: 9_999 }),
  }), { minLength: 1, maxLength: 5 }),
  shippingTotal: fc.integer({ min: 0, max: 3_000 }),
  shippingTax: fc.integer({ min: 0, max: 700 }),
}).map(({ lines, shippingTotal, shippingTax }) => ({
  lines: lines.map((l, i) => ({ lineNo: i + 1, quantity: l.quantity, unitPrice: l.unitPrice, discount: Math.floor((l.quantity * l.unitPrice * l.discountPct) / 100), tax: l.tax, quantityRefunded: 0 })),
  shippingTotal, shippingTax,
}));
type Sim = { lines: RefundableLine[]; shippingTotal: number; shippingTax: number };

/** Applies refunds the way the service does: the ledger decides what is refundable, the request what is refunded. */
function simulate(base: Sim, paid: number, steps: { picks: number[]; shipping: number; tax: number; custom: number | null }[]) {
  const lines = base.lines.map((l) => ({ ...l }));
  let shippingRefunded = 0;
  let extraTaxRefunded = 0;
  const ledger: LedgerEntry[] = [{ id: 1, kind: 'sale', status: 'approved', amount: paid, parent_id: null, resolved_at: 1 }];
  let refunded = 0;
  for (const step of steps) {
    const state = derivePaymentState(ledger);
    const request: RefundRequest = {
      items: lines.map((l, i) => ({ lineNo: l.lineNo, quantity: Math.min(step.picks[i % step.picks.length]!, l.quantity - l.quantityRefunded) })),
      shipping: Math.min(step.shipping, base.shippingTotal - shippingRefunded), tax: step.tax, ...(step.custom !== null ? { amount: step.custom } : {}),
    };
    let result;
    try {
      result = calculateRefund({ ...base, lines, shippingRefunded, extraTaxRefunded, refundable: state.paidTotal - state.refundedTotal }, request);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('validation_failed');
      continue;
    }
    // The parts shown add up to what the items, shipping and tax come to, whatever was refunded before.
    expect(result.lines.reduce((sum, l) => sum + l.amount, 0) + result.shipping + result.shippingTax + result.tax).toBe(result.computed);
    for (const r of result.lines) lines.find((l) => l.lineNo === r.lineNo)!.quantityRefunded += r.quantity;
    shippingRefunded += result.shipping;
    extraTaxRefunded += result.tax;
    refunded += result.total;
    ledger.push({ id: ledger.length + 1, kind: 'refund', status: 'approved', amount: result.total, parent_id: 1, resolved_at: 2 });
    expect(refunded).toBeLessThanOrEqual(paid);
    expect(derivePaymentState(ledger).refundedTotal).toBe(refunded);
    for (const l of lines) expect(l.quantityRefunded).toBeLessThanOrEqual(l.quantity);
  }
  return { lines, shippingRefunded, extraTaxRefunded, refunded, ledger };
}

const totalOf = (o: Sim) => computeSummary(o.lines, o.shippingTotal, o.shippingTax).total;
const stepArb = fc.record({
  picks: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }),
  shipping: fc.integer({ min: 0, max: 2_000 }), tax: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 })),
  custom: fc.oneof(fc.constant(null), fc.constant(null), fc.integer({ min: 1, max: 20_000 })),
});

describe('refund arithmetic properties', () => {
  it('random partial refunds never exceed what was paid, match the ledger, and never exceed a line\'s units', () => {
    fc.assert(fc.property(orderArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.array(stepArb, { maxLength: 8 }), (o, paidShare, steps) => {
      const paid = Math.floor(totalOf(o) * paidShare);
      const { refunded, ledger } = simulate(o, paid, steps);
      expect(refunded).toBeLessThanOrEqual(paid);
      const state = derivePaymentState(ledger);
      expect(state.refundedTotal).toBe(refunded);
      if (paid > 0) expect(state.status).toBe(refunded === 0 ? 'processed' : refunded >= paid ? 'refunded' : 'partially_refunded');
    }), { numRuns: 300 });
  });

  it('refunding everything, unit by unit and line by line, adds up exactly to the order total', () => {
    fc.assert(fc.property(orderArb, fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }), (o, chunks) => {
      const total = totalOf(o);
      const steps = [];
      // Each line in chunks of varying size, then the shipping in two halves, then whatever tax is left.
      // A chunk worth 0 after rounding is refused, so (as the preview would show a person) it joins the next one.
      for (const [i, l] of o.lines.entries()) {
        for (let done = 0, c = 0; done < l.quantity; c += 1) {
          let k = Math.min(chunks[c % chunks.length]!, l.quantity - done);
          while (done + k < l.quantity && prorate(lineNet(l), done + k, l.quantity) === prorate(lineNet(l), done, l.quantity)) k += 1;
          steps.push({ picks: o.lines.map((_, j) => (j === i ? k : 0)), shipping: 0, tax: 0, custom: null });
          done += k;
        }
      }
      steps.push({ picks: [0], shipping: Math.floor(o.shippingTotal / 2), tax: 0, custom: null }, { picks: [0], shipping: o.shippingTotal, tax: 0, custom: null });
      const done = simulate(o, total, steps);
      const lineNets = o.lines.reduce((sum, l) => sum + lineNet(l), 0);
      const shipping = o.shippingTotal ? o.shippingTotal + o.shippingTax : 0;
      expect(done.refunded).toBe(lineNets + shipping);
      // With no shipping cost to carry it, the shipping tax goes back as tax.
      const rest = simulate(o, total, [...steps, { picks: [0], shipping: 0, tax: total - lineNets - shipping, custom: null }]);
      expect(rest.refunded).toBe(total);
      // Every line's value went back; only units worth nothing after rounding (or free lines) may be left over.
      for (const l of rest.lines) expect(prorate(lineNet(l), l.quantityRefunded, l.quantity)).toBe(lineNet(l));
    }), { numRuns: 300 });
  });

  it('no refund is possible once everything paid is refunded', () => {
    fc.assert(fc.property(orderArb, (o) => {
      const total = totalOf(o);
      const all = o.lines.map((l) => l.quantity);
      const first = simulate(o, total, [{ picks: all, shipping: o.shippingTotal, tax: 0, custom: null }]);
      const left = calculateRefundOrNull({ ...o, lines: first.lines, shippingRefunded: first.shippingRefunded, extraTaxRefunded: 0, refundable: total - first.refunded }, { amount: 1 });
      expect(left === null || total - first.refunded >= 1).toBe(true);
    }), { numRuns: 200 });
  });
});

function calculateRefundOrNull(o: RefundableOrder, r: RefundRequest) {
  try {
    return calculateRefund(o, r);
  } catch {
    return null;
  }
}

describe('units refunded after tax was refunded on its own', () => {
  it('returns their tax only as far as it was not returned already, and still refunds exactly what was paid', () => {
    // Line 1: 3 × 1000 + 240 tax; line 2: 1000 + 160 tax; shipping 500 + 40 tax. Paid 4940.
    // Refunded before: 1 unit of line 1 (1080), line 2 (1160), shipping (540) and 50 of extra tax: 2830.
    const o = order({
      lines: [line({ tax: 240, quantityRefunded: 1 }), line({ lineNo: 2, quantity: 1, tax: 160, quantityRefunded: 1 })],
      shippingTotal: 500, shippingTax: 40, shippingRefunded: 500, extraTaxRefunded: 50, refundable: 4940 - 2830,
    });
    const rest = calculateRefund(o, { items: [{ lineNo: 1, quantity: 2 }] });
    expect(rest.total).toBe(4940 - 2830); // the two units' 2160 less the 50 of their tax already returned
    expect(rest.tax).toBe(0);
    expect(fieldOf(() => calculateRefund(o, { items: [{ lineNo: 1, quantity: 2 }], tax: 1 }))).toBe('/tax');
  });

  it('takes the tax already returned off the parts that carried it, so the breakdown adds up to its total', () => {
    // Line 1: 2 × 1000 − 365 discount + 200 tax = 1835; shipping 500 + 50 tax. 150 of tax was refunded on its own first.
    const o = order({ lines: [line({ quantity: 2, discount: 365, tax: 200 })], shippingTotal: 500, shippingTax: 50, extraTaxRefunded: 150, refundable: 2385 - 150 });
    const b = calculateRefund(o, { items: [{ lineNo: 1, quantity: 2 }], shipping: 500 });
    // Everything that is left: 1835 + 500 + 50, less the 150 of tax that already went back.
    expect(b.computed).toBe(2235);
    expect(b.lines[0]!.amount + b.shipping + b.shippingTax + b.tax).toBe(b.computed);
    expect(b).toMatchObject({ lines: [{ lineNo: 1, quantity: 2, amount: 1835 - 150 }], shippingTax: 50, tax: 0, total: 2235 });
  });
});
