import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../orders/types';
import { refundBlockCause } from './RefundBlockDialog';

const entry = (id: number, actor: string, reason: string, changes: string[] | null = null): HistoryEntry => ({
  id, at: '2026-12-01T03:16:47.803Z', actor, kind: 'payment', from: null, to: null, reason, changes,
});

describe('why refunds are blocked', () => {
  it('names the reason and the person of a block placed by hand', () => {
    expect(refundBlockCause([
      entry(1, 'system:gateway Payment gateway', 'chargeback of $10.00 on txn_1'),
      entry(2, 'user:7 Maria Lopez', 'refund ok', ['refund block lifted']),
      entry(3, 'user:9 Sam Green', 'customer opened a PayPal dispute, case PP-123', ['refund block placed']),
    ])).toEqual({ reason: 'customer opened a PayPal dispute, case PP-123', by: 'Sam Green' });
  });

  it('says a chargeback when the gateway placed it last, or nothing says who did', () => {
    expect(refundBlockCause([
      entry(1, 'user:9 Sam Green', 'dispute expected', ['refund block placed']),
      entry(2, 'system:gateway Payment gateway', 'chargeback of $10.00 on txn_1 (fraudulent)'),
    ])).toBe('chargeback');
    expect(refundBlockCause([])).toBe('chargeback');
  });
});
