import { expect, it } from 'vitest';
import { transact } from '../db/transact.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { findBlocksAndVelocity, insertFraudSignals } from './fraud.repository.js';

const T = 1_800_000_000_000;

describeEachDatabase('velocity counts', (getDb) => {
  const db = () => getDb().db;

  it('count the signals in (from, to], up to the cap, whatever the history before and after', async () => {
    // One IP: four orders in the window (two in the same millisecond), one on each edge, one after it.
    const at = [T - 100, T, T + 1, T + 50, T + 50, T + 99, T + 100, T + 101];
    await transact(db(), (trx) => insertFraudSignals(trx, at.map((ms, i) => ({ kind: 'ip', value: '203.0.113.7', at: ms, order_id: 500 + i }))));
    const count = async (cap: number, value = '203.0.113.7') =>
      (await findBlocksAndVelocity(db(), [], [{ kind: 'ip', value, from: T, cap }], T + 100)).velocity.get('ip');
    expect(await count(100)).toBe(5); // T+1, T+50 twice, T+99, T+100: the start is exclusive, the end inclusive
    expect(await count(5)).toBe(5);
    expect(await count(4)).toBe(4);
    expect(await count(2)).toBe(2); // the second newest is one of two in the same millisecond: still 2
    expect(await count(1)).toBe(1);
    expect(await count(3, '203.0.113.8')).toBe(0);
  });

  it('reach the cap when many signals share the millisecond at its edge', async () => {
    const rows = [T + 10, T + 20, T + 20, T + 20, T + 20, T + 30].map((ms, i) => ({ kind: 'card', value: 'fp-ties', at: ms, order_id: 900 + i }));
    await transact(db(), (trx) => insertFraudSignals(trx, rows));
    const count = async (cap: number) => (await findBlocksAndVelocity(db(), [], [{ kind: 'card', value: 'fp-ties', from: T, cap }], T + 100)).velocity.get('card');
    expect(await count(2)).toBe(2);
    expect(await count(3)).toBe(3);
    expect(await count(5)).toBe(5);
    expect(await count(6)).toBe(6);
    expect(await count(7)).toBe(6);
  });

  it('stay at the cap for a value with a long history in the window', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ kind: 'email', value: 'hot@example.com', at: T + i, order_id: 10_000 + i }));
    await transact(db(), (trx) => insertFraudSignals(trx, rows));
    const { velocity } = await findBlocksAndVelocity(db(), [], [{ kind: 'email', value: 'hot@example.com', from: T - 1, cap: 6 }], T + 5_000);
    expect(velocity.get('email')).toBe(6);
  });
});
