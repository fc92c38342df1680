import type { Generated, Selectable } from 'kysely';
import type {} from '../../mail/mail.table.js'; // the mail outbox shares this migration; its table joins Database with this one

/** A payment request sent to a customer. The link is never stored: only the SHA-256 of the whole token. */
export interface PayLinksTable {
  id: Generated<number>;
  order_id: number;
  token_hash: string;
  /** What the email asked for; the page shows the amount due at the time it is opened. */
  amount_due: number;
  currency: string;
  expires_at: number;
  created_by: string;
  created_at: number;
  used_at: number | null;
  revoked_at: number | null;
  /** Cards submitted through the link; capped to stop card testing. */
  attempts: number;
}

export type PayLinkRow = Selectable<PayLinksTable>;

declare module '../../db/schema.js' {
  interface Database {
    pay_links: PayLinksTable;
  }
}
