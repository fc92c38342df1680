import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/databases.js';
import { transact } from './transact.js';
import { changeSetting, readSetting } from './versioned-setting.js';

describeEachDatabase('versioned settings', (get) => {
  const defaults = { colour: 'blue', version: 0 };
  const change = (colour: string, expectedVersion: number, actor = 'user:u1 Ada') =>
    ({ key: 'test_colour', label: 'the colour', expectedVersion, next: { colour }, actor, now: 1_700_000_000_000 });

  it('changes from the version read, refuses a stale version, and records who changed what', async () => {
    const { db } = get();
    expect((await readSetting(db, 'test_colour', defaults)).value).toEqual({ colour: 'blue', version: 0 });
    await transact(db, async (trx) => changeSetting(trx, await readSetting(trx, 'test_colour', defaults), change('green', 0)));
    await expect(transact(db, async (trx) => changeSetting(trx, await readSetting(trx, 'test_colour', defaults), change('red', 0, 'user:u2 Bob'))))
      .rejects.toMatchObject({ code: 'version_conflict', field: '/version' });
    expect((await readSetting(db, 'test_colour', defaults)).value).toEqual({ colour: 'green', version: 1 });
    const events = await db.selectFrom('outbox').select('payload_json').where('topic', '=', 'settings.changed').execute();
    expect(events.map((e) => JSON.parse(e.payload_json))).toEqual([
      { key: 'test_colour', actor: 'user:u1 Ada', version: 1, before: { colour: 'blue' }, after: { colour: 'green' } },
    ]);
  });

  it('of two writers that read the same version, exactly one wins (the other read before the first wrote)', async () => {
    const { db } = get();
    const first = await readSetting(db, 'test_colour', defaults);
    const second = await readSetting(db, 'test_colour', defaults);
    expect(second.value.version).toBe(first.value.version);
    await transact(db, (trx) => changeSetting(trx, first, change('yellow', first.value.version)));
    // The second still holds the version it read: only the compare-and-set on the stored text can refuse it.
    await expect(transact(db, (trx) => changeSetting(trx, second, change('purple', second.value.version))))
      .rejects.toMatchObject({ code: 'version_conflict' });
    expect((await readSetting(db, 'test_colour', defaults)).value).toEqual({ colour: 'yellow', version: first.value.version + 1 });
  });
});
