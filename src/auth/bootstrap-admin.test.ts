import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { testConfig } from '../test-support/app.js';
import { bootstrapAdmin } from './bootstrap-admin.js';

describeEachDatabase('bootstrapAdmin', (get) => {
  it('creates one admin when starts race on an empty database, and only the creator prints the password', async () => {
    const { db } = get();
    const printed: string[][] = [[], [], []];
    // Each start hashes its own generated password after finding no users, so all three race to the insert.
    const created = await Promise.all(printed.map((lines) => bootstrapAdmin(db, testConfig(), (line) => lines.push(line))));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await db.selectFrom('users').select(['email', 'role']).execute()).toEqual([{ email: 'admin@orderdeck.local', role: 'admin' }]);
    expect(printed.map((lines) => lines.some((l) => l.includes('Password')))).toEqual(created);

    expect(await bootstrapAdmin(db, testConfig(), () => { throw new Error('prints nothing once users exist'); })).toBe(false);
  });
});
