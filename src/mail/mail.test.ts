import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { transact } from '../db/transact.js';
import { describeEachDatabase } from '../test-support/databases.js';
import { deliverPendingEmails, MAX_EMAIL_ATTEMPTS } from './deliver-emails.js';
import { enqueueEmail } from './mail.repository.js';
import { createFileTransport, createMemoryTransport, formatEml } from './transport.js';

describeEachDatabase('mail outbox', (get) => {
  const queue = (n: number, tag: string) => transact(get().db, async (trx) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(await enqueueEmail(trx, { to: `${tag}${i}@example.com`, subject: `${tag} ${i}`, text: 'hello', template: 'test' }));
    return ids;
  });
  const row = (id: number) => get().db.selectFrom('outbound_emails').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('sends each email exactly once even when deliverers run at the same time', async () => {
    const ids = await queue(12, 'race');
    const transport = createMemoryTransport({ delayMs: 3 });
    const runs = await Promise.all([1, 2, 3, 4].map(() => deliverPendingEmails(get().db, transport, { limit: 100 })));
    const mine = transport.sent.filter((e) => ids.includes(e.id));
    expect(mine).toHaveLength(12);
    expect(new Set(mine.map((e) => e.id)).size).toBe(12);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(transport.sent.length);
    for (const id of ids) expect((await row(id)).sent_at).not.toBeNull();
    // Nothing left to send: a later run sends none of them again.
    await deliverPendingEmails(get().db, transport, { limit: 100 });
    expect(transport.sent.filter((e) => ids.includes(e.id))).toHaveLength(12);
  });

  it('an email written in a transaction that rolls back is never sent', async () => {
    await expect(transact(get().db, async (trx) => {
      await enqueueEmail(trx, { to: 'ghost@example.com', subject: 'ghost', text: 'x', template: 'test' });
      throw new Error('the action failed');
    })).rejects.toThrow('the action failed');
    const transport = createMemoryTransport();
    await deliverPendingEmails(get().db, transport, { limit: 100 });
    expect(transport.sent.some((e) => e.to === 'ghost@example.com')).toBe(false);
  });

  it('retries a failed send later with backoff and gives up after the last attempt', async () => {
    const [id] = await queue(1, 'retry');
    const transport = createMemoryTransport();
    let now = Date.now() + 1_000;
    transport.failNext(1, 'connection refused');
    const first = await deliverPendingEmails(get().db, transport, { limit: 100, now: () => now });
    expect(first.failed).toBeGreaterThanOrEqual(1);
    const failed = await row(id!);
    expect(failed).toMatchObject({ sent_at: null, attempts: 1, last_error: 'connection refused' });
    expect(Number(failed.next_attempt_at)).toBeGreaterThan(now);
    // Not due yet: nothing is sent.
    await deliverPendingEmails(get().db, transport, { limit: 100, now: () => now });
    expect(transport.sent.some((e) => e.id === id)).toBe(false);
    now += 2 * 60_000;
    await deliverPendingEmails(get().db, transport, { limit: 100, now: () => now });
    expect(transport.sent.filter((e) => e.id === id)).toHaveLength(1);
    expect((await row(id!)).sent_at).not.toBeNull();

    const [doomed] = await queue(1, 'doomed');
    const refusing = createMemoryTransport();
    refusing.failNext(1_000, 'mailbox unavailable');
    for (let i = 0; i < MAX_EMAIL_ATTEMPTS + 2; i++) {
      now += 7 * 3_600_000;
      await deliverPendingEmails(get().db, refusing, { limit: 100, now: () => now });
    }
    expect(await row(doomed!)).toMatchObject({ sent_at: null, attempts: MAX_EMAIL_ATTEMPTS, next_attempt_at: null, last_error: 'mailbox unavailable' });
  });

  it('the file transport writes one .eml file per email', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderdeck-mail-'));
    try {
      const [id] = await transact(get().db, async (trx) => [await enqueueEmail(trx, {
        to: 'file@example.com', subject: 'Grüße: your order', text: 'Pay here: https://shop.example/pay/x', html: '<p>Pay</p>', template: 'test',
      })]);
      await deliverPendingEmails(get().db, createFileTransport(dir), { limit: 100 });
      const files = (await readdir(dir)).filter((f) => f.startsWith(String(id).padStart(8, '0')));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const eml = await readFile(path.join(dir, files[0]!), 'utf8');
      expect(eml).toContain('To: file@example.com');
      expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from('Grüße: your order').toString('base64')}?=`);
      expect(eml).toContain('multipart/alternative');
      expect(eml).toContain(Buffer.from('Pay here: https://shop.example/pay/x').toString('base64'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('formatEml', () => {
  it('keeps a header on one line, so a subject cannot add headers', () => {
    const eml = formatEml({ id: 1, from: 'a@example.com', to: 'b@example.com\r\nBcc: evil@example.com', subject: 'hi\r\nBcc: evil@example.com', text: 't', html: null, date: new Date(0), messageId: '<m@x>' });
    expect(eml.split('\r\n').filter((l) => l.startsWith('Bcc:'))).toHaveLength(0);
    expect(eml).toContain('Content-Type: text/plain; charset=UTF-8');
  });
});
