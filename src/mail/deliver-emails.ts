import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import { claimEmail, listDueEmails, markEmailFailed, markEmailSent } from './mail.repository.js';
import { DEFAULT_FROM, type Transport } from './transport.js';

/** A send that neither finished nor failed within this long (the process died) is tried again. */
export const CLAIM_LEASE_MS = 10 * 60_000;
/** After this many failed tries the row is left with its last error for a person to look at. */
export const MAX_EMAIL_ATTEMPTS = 8;
/** 1, 2, 4 … minutes, at most 6 hours: a mail server that is down is not hammered. */
export const emailRetryDelayMs = (attempts: number): number => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);

export interface DeliveryRun {
  sent: number;
  failed: number;
  /** Due rows another deliverer claimed first. */
  skipped: number;
}

/**
 * Sends queued emails whose time has come, each at most once: a row is claimed with a conditional UPDATE
 * before sending, so deliverers running at the same time (two timers, two processes) never both send it.
 * Runs after commit, outside any transaction, one email at a time (no transaction is held across a send).
 * The Message-ID is the same on every try, so a receiver can recognise a repeat.
 * A failed send is retried with backoff; a process dying mid-send leaves a claim that expires after
 * CLAIM_LEASE_MS, and the email is then sent again: for a crash, once more is better than never.
 */
export async function deliverPendingEmails(
  db: Db, transport: Transport, opts: { limit?: number; now?: () => number; from?: string } = {},
): Promise<DeliveryRun> {
  const clock = opts.now ?? Date.now;
  const run: DeliveryRun = { sent: 0, failed: 0, skipped: 0 };
  const due = await listDueEmails(db, clock(), opts.limit ?? 50);
  for (const row of due) {
    const claim = randomUUID();
    if (!(await claimEmail(db, row.id, claim, clock(), CLAIM_LEASE_MS))) {
      run.skipped += 1;
      continue;
    }
    const attempts = row.attempts + 1;
    try {
      await transport.send({
        id: Number(row.id), from: opts.from ?? DEFAULT_FROM, to: row.to_address, subject: row.subject, text: row.body_text,
        html: row.body_html, date: new Date(clock()), messageId: `<email-${row.id}.${row.created_at}@orderdeck>`,
      });
    } catch (error) {
      const next = attempts >= MAX_EMAIL_ATTEMPTS ? null : clock() + emailRetryDelayMs(attempts);
      await markEmailFailed(db, row.id, claim, (error as Error).message || String(error), next);
      run.failed += 1;
      continue;
    }
    await markEmailSent(db, row.id, claim, clock());
    run.sent += 1;
  }
  return run;
}
