import type { Executor, Trx } from '../db/database.js';
import type { OutboundEmailRow } from './mail.table.js';

export interface EmailToSend {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  template: string;
  orderId?: number | null;
}

/**
 * Queues an email in the transaction of the action it belongs to: if the action rolls back, no email
 * goes out; once it commits, the deliverer sends it even if this process dies first.
 */
export async function enqueueEmail(trx: Trx, email: EmailToSend, now = Date.now()): Promise<number> {
  const row = await trx.insertInto('outbound_emails').values({
    to_address: email.to, subject: email.subject, body_text: email.text, body_html: email.html ?? null, template: email.template,
    order_id: email.orderId ?? null, created_at: now, sent_at: null, attempts: 0, last_error: null, next_attempt_at: now,
    claim_token: null, claimed_until: null,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Unsent rows whose time has come, oldest due first (a claimed row is skipped by the claim, not here). */
export async function listDueEmails(db: Executor, now: number, limit: number): Promise<OutboundEmailRow[]> {
  return db.selectFrom('outbound_emails').selectAll()
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
}

/**
 * Takes a row for one deliverer: succeeds only if it is unsent and nobody holds an unexpired claim.
 * The single conditional UPDATE is the lock, so it works the same on SQLite and PostgreSQL.
 */
export async function claimEmail(db: Executor, id: number, claimToken: string, now: number, leaseMs: number): Promise<boolean> {
  const result = await db.updateTable('outbound_emails')
    .set((eb) => ({ claim_token: claimToken, claimed_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markEmailSent(db: Executor, id: number, claimToken: string, now: number): Promise<void> {
  await db.updateTable('outbound_emails')
    .set({ sent_at: now, next_attempt_at: null, last_error: null, claim_token: null, claimed_until: null })
    .where('id', '=', id).where('claim_token', '=', claimToken).execute();
}

/** `nextAttemptAt` null: given up; the row stays for a person to see (and re-queue) with its last error. */
export async function markEmailFailed(db: Executor, id: number, claimToken: string, error: string, nextAttemptAt: number | null): Promise<void> {
  await db.updateTable('outbound_emails')
    .set({ last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt, claim_token: null, claimed_until: null })
    .where('id', '=', id).where('claim_token', '=', claimToken).execute();
}

export async function listEmailsForOrder(db: Executor, orderId: number): Promise<OutboundEmailRow[]> {
  return db.selectFrom('outbound_emails').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}
