import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { describeMoneyEdit, moneyEditOf } from './order-edit-values.js';
import type { ResolvedItem } from './order-items.js';
import { carryLineFacts } from './order-line-facts.js';

const line = (lineNo: number, sku: string, quantity: number, more: Partial<ResolvedItem> = {}): ResolvedItem => ({
  line_no: lineNo, sku, description: sku, quantity, unit_price: 1000, discount: 0, tax: 0, shippable: 1, preorder: 0, expected_date: null,
  quantity_shipped: 0, quantity_refunded: 0, ...more,
});
const stored = (l: ResolvedItem) => ({ ...l, quantity_shipped: l.quantity_shipped ?? 0, quantity_refunded: l.quantity_refunded ?? 0 });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, field: e.field, message: e.message };
    throw e;
  }
  throw new Error('not refused');
};

describe('carryLineFacts', () => {
  it('carries shipped units to the line that replaces theirs, and refuses a quantity below them', () => {
    const current = [stored(line(1, 'BOOK-1', 3, { quantity_shipped: 2 }))];
    expect(carryLineFacts(current, [line(1, 'BOOK-1', 5)])).toMatchObject([{ quantity: 5, quantity_shipped: 2, quantity_refunded: 0 }]);
    expect(refusal(() => carryLineFacts(current, [line(1, 'BOOK-1', 1)])))
      .toEqual({ code: 'not_editable', field: '/items/0/quantity', message: '2 units of line 1 (BOOK-1) are shipped: the quantity cannot go below 2, not 1' });
    expect(refusal(() => carryLineFacts([stored(line(1, 'A', 1)), current[0]!].map((l, n) => ({ ...l, line_no: n + 1 })), [line(1, 'A', 1)])))
      .toMatchObject({ field: '/items', message: 'line 2 (BOOK-1) has 2 units shipped and cannot be removed' });
  });

  it('leaves lines without refunds or shipments free: new SKU, new price, fewer lines', () => {
    const current = [stored(line(1, 'A', 2)), stored(line(2, 'B', 1))];
    expect(carryLineFacts(current, [line(1, 'C', 1, { unit_price: 5 })])).toEqual([line(1, 'C', 1, { unit_price: 5 })]);
  });

  it('lets a refunded line change its amounts only so far as its refunded units keep their share', () => {
    // 3 units, tax 100, 1 refunded at its share 33 of the tax (1033 of the net 3100).
    const current = [stored(line(1, 'A', 3, { tax: 100, quantity_refunded: 1 }))];
    expect(carryLineFacts(current, [line(1, 'A', 4, { tax: 133 })])).toMatchObject([{ quantity: 4, quantity_refunded: 1 }]);
    expect(refusal(() => carryLineFacts(current, [line(1, 'A', 4, { tax: 140 })]))).toMatchObject({ field: '/items/0/tax' });
    expect(refusal(() => carryLineFacts(current, [line(1, 'A', 3, { tax: 100, discount: 30 })]))).toMatchObject({ field: '/items/0/discount' });
  });
});

describe('moneyEditOf and describeMoneyEdit', () => {
  const state = (items: ResolvedItem[], total: number) => ({ items, shippingCost: 0, shippingTax: 0, total });

  it('gives nothing when no amount changed, even when a description did', () => {
    expect(moneyEditOf(state([line(1, 'A', 1)], 1000), state([line(1, 'A', 1, { description: 'new' })], 1000))).toBeUndefined();
  });

  it('spells out added, removed and changed lines, at most ten of them', () => {
    const before = [line(1, 'A', 1), line(2, 'B', 1)];
    const after = [line(1, 'C', 2, { tax: 5 }), ...Array.from({ length: 11 }, (_, n) => line(n + 2, `N${n}`, 1))];
    const text = describeMoneyEdit(moneyEditOf(state(before, 2000), state(after, 13005))!, 'USD');
    expect(text).toMatch(/^items: line 1 A 1 × \$10\.00 → C 2 × \$10\.00, tax \$0\.05, line 2 B 1 × \$10\.00 → N0 1 × \$10\.00, line 3 N1 added, 1 × \$10\.00, /);
    expect(text).toMatch(/ and 2 more lines; total \$20\.00 → \$130\.05$/);
    expect(describeMoneyEdit(moneyEditOf(state(before, 2000), state(before.slice(0, 1), 1000))!, 'USD'))
      .toBe('items: line 2 B 1 × $10.00 removed; total $20.00 → $10.00');
  });
});
