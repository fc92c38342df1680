import type { Generated, Insertable, Selectable } from 'kysely';

/** The mail outbox, exactly as stored (snake_case, epoch ms). */
export interface OutboundEmailsTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  /** What kind of email this is (e.g. `payment_request`), for finding and counting them. */
  template: string;
  order_id: number | null;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
  /** When delivery may next be tried; null once sent or given up on. */
  next_attempt_at: number | null;
  /** Which deliverer holds the row, and until when; see deliver-emails.ts. */
  claim_token: string | null;
  claimed_until: number | null;
}

export type OutboundEmailRow = Selectable<OutboundEmailsTable>;
export type NewOutboundEmailRow = Insertable<OutboundEmailsTable>;

/*
 * Joins the Database interface by declaration merging, like the fraud tables: src/db/schema.ts needs one
 * import line, not one per table.
 */
declare module '../db/schema.js' {
  interface Database {
    outbound_emails: OutboundEmailsTable;
  }
}
