import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import type { Trx } from './database.js';
import { prepared } from './prepared.js';
import { combine, renumber, together } from './statement-batch.js';
import { transact } from './transact.js';

describe('renumber', () => {
  it('shifts placeholders and leaves quoted text alone', () => {
    expect(renumber(`insert into "t$1" (a, b) values ($1, $12) returning '$2' as x, $3`, 10))
      .toBe(`insert into "t$1" (a, b) values ($11, $22) returning '$2' as x, $13`);
    expect(renumber('select $1', 0)).toBe('select $1');
  });
});

describe('combine', () => {
  it('makes one statement whose parameters follow the parts in order, selecting only what returns rows', () => {
    const a = CompiledQuery.raw('insert into x (v) values ($1) returning id', [7]);
    const b = CompiledQuery.raw('insert into y (v, w) values ($1, $2)', ['p', 'q']);
    const c = CompiledQuery.raw('select $1::int as n', [3]);
    const combined = combine([a, b, c])!;
    expect(combined.sql).toBe('with s0 as (insert into x (v) values ($1) returning id), s1 as (insert into y (v, w) values ($2, $3)), '
      + 's2 as (select $4::int as n) select 0 as i, to_jsonb(s0) as r from s0 union all select 2 as i, to_jsonb(s2) as r from s2');
    expect(combined.parameters).toEqual([7, 'p', 'q', 3]);
  });

  it('declines more parameters than PostgreSQL takes in one statement', () => {
    const big = CompiledQuery.raw('select 1', Array.from({ length: 40_000 }, () => 1));
    expect(combine([big, big])).toBeUndefined();
  });
});

const insertSetting = prepared((db, p: { key: string; value: string }) =>
  db.insertInto('settings').values({ key: p.key, value_json: p.value }).returning(['key', 'value_json']));
const insertSettingQuietly = prepared((db, p: { key: string; value: string }) =>
  db.insertInto('settings').values({ key: p.key, value_json: p.value }));

const settingsNewestFirst = prepared((db, p: { prefix: string }) =>
  db.selectFrom('settings').select('key').where('key', 'like', p.prefix).orderBy('key', 'desc'));

describeEachDatabase('together', (getDb) => {
  const keys = async (prefix: string) => (await getDb().db.selectFrom('settings').select('key').where('key', 'like', `${prefix}%`).orderBy('key').execute()).map((r) => r.key);

  it('writes every statement and hands each caller its own rows', async () => {
    const { db } = getDb();
    const [first, quiet, second] = await transact(db, (trx: Trx) => together(trx, (t) => [
      insertSetting(t, { key: 'ok-1', value: '"one"' }),
      insertSettingQuietly(t, { key: 'ok-2', value: '"two"' }),
      insertSetting(t, { key: 'ok-3', value: '"three"' }),
    ] as const));
    expect(first.rows).toEqual([{ key: 'ok-1', value_json: '"one"' }]);
    expect(quiet.rows).toEqual([]);
    expect(second.rows).toEqual([{ key: 'ok-3', value_json: '"three"' }]);
    expect(await keys('ok-')).toEqual(['ok-1', 'ok-2', 'ok-3']);
  });

  it('sends the batch to PostgreSQL as one statement, and to SQLite one statement at a time', async () => {
    const { db, dialect } = getDb();
    let sent = 0;
    await transact(db, async (trx: Trx) => {
      const counting = new Proxy(trx, {
        get: (target, prop) => {
          if (prop === 'executeQuery') return (q: CompiledQuery) => { sent += 1; return target.executeQuery(q); };
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      await together(counting, (t) => [
        insertSetting(t, { key: 'count-1', value: '1' }), insertSettingQuietly(t, { key: 'count-2', value: '2' }), insertSetting(t, { key: 'count-3', value: '3' }),
      ] as const);
    });
    expect(sent).toBe(dialect === 'postgres' ? 1 : 3);
    expect(await keys('count-')).toEqual(['count-1', 'count-2', 'count-3']);
  });

  it('gives each part its rows in the order the part asked for', async () => {
    const { db } = getDb();
    for (const key of ['ord-b', 'ord-d', 'ord-a', 'ord-c']) await db.insertInto('settings').values({ key, value_json: '1' }).execute();
    const [down, up] = await transact(db, (trx: Trx) => together(trx, (t) => [
      settingsNewestFirst(t, { prefix: 'ord-%' }),
      t.executeQuery(CompiledQuery.raw(`select key from settings where key like 'ord-%' order by key`)),
    ] as const));
    expect(down.rows.map((r) => r.key)).toEqual(['ord-d', 'ord-c', 'ord-b', 'ord-a']);
    expect((up.rows as { key: string }[]).map((r) => r.key)).toEqual(['ord-a', 'ord-b', 'ord-c', 'ord-d']);
  });

  it('fails as a whole when one statement fails, and the transaction writes nothing', async () => {
    const { db } = getDb();
    await db.insertInto('settings').values({ key: 'taken', value_json: '1' }).execute();
    await expect(transact(db, (trx: Trx) => together(trx, (t) => [
      insertSetting(t, { key: 'bad-1', value: '1' }),
      insertSetting(t, { key: 'taken', value: '2' }),
    ] as const))).rejects.toThrow();
    expect(await keys('bad-')).toEqual([]);
  });

  it('runs a statement sent after the batch left on its own, after it', async () => {
    const { db } = getDb();
    const late = async (t: Trx) => {
      await insertSetting(t, { key: 'seq-1', value: '1' });
      return insertSetting(t, { key: 'seq-2', value: '2' });
    };
    const [, second] = await transact(db, (trx: Trx) => together(trx, (t) => [insertSetting(t, { key: 'seq-0', value: '0' }), late(t)] as const));
    expect(second.rows).toEqual([{ key: 'seq-2', value_json: '2' }]);
    expect(await keys('seq-')).toEqual(['seq-0', 'seq-1', 'seq-2']);
  });
});
