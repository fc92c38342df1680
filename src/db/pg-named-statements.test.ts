import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { perCallPlan } from '../search/search-sql.js';
import { describeEachDatabase } from '../test-support/databases.js';

describeEachDatabase('statements sent to the database', (getDb) => {
  it('names (prepares once) data statements, but plans searches for their own values on every call', async () => {
    const { db, dialect } = getDb();
    await db.transaction().execute(async (trx) => {
      // One connection for the whole check: prepared statements belong to their session.
      for (let i = 0; i < 7; i++) {
        expect(await trx.selectFrom('orders').select('id').where('order_number', '=', `OD-missing-${i}`).execute()).toEqual([]);
        expect((await perCallPlan<{ id: number }>(trx, sql`select id from orders where order_number = ${`OD-absent-${i}`}`)).rows).toEqual([]);
      }
      if (dialect !== 'postgres') return; // SQLite has no per-session plan cache to inspect
      const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
        select statement, generic_plans, custom_plans from pg_prepared_statements`.execute(trx);
      const named = rows.filter((r) => r.statement.includes('"order_number" = $1'));
      expect(named).toHaveLength(1);
      expect(Number(named[0]!.generic_plans) + Number(named[0]!.custom_plans)).toBe(7);
      expect(rows.some((r) => r.statement.includes('OD-absent') || r.statement.includes('plan per call'))).toBe(false);
    });
  });
});
