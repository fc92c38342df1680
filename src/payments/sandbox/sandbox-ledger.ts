import { randomInt } from 'node:crypto';
import { echeckBounceReason, evaluateCard, routingNumberValid, brandOf } from './test-cards.js';

/**
 * The sandbox's books: each transaction's life cycle and the log of every operation on it. A refusal
 * (capture beyond the authorisation, void after capture…) is an answer with a code, like a real
 * gateway's 4xx; only the server turns it into HTTP.
 */
export type TransactionStatus = 'authorized' | 'captured' | 'voided' | 'declined' | 'pending' | 'settled' | 'returned';

export interface SandboxTransaction {
  id: string;
  method: 'card' | 'echeck';
  status: TransactionStatus;
  currency: string;
  reference: string;
  authorized: number;
  captured: number;
  refunded: number;
  chargedBack: number;
  /** Only what a receipt shows: never the full card or account number. */
  brand: string;
  last4: string;
  createdAt: number;
}

export type Operation = 'authorize' | 'sale' | 'capture' | 'void' | 'refund' | 'chargeback' | 'settle' | 'return';

export interface SandboxLogEntry {
  at: number;
  operation: Operation;
  transaction: string | undefined;
  amount: number;
  currency: string;
  result: 'approved' | 'declined' | 'pending' | 'refused';
  code?: string;
  idempotencyKey?: string;
}

export interface SandboxAnswer {
  status: number;
  body: Record<string, unknown>;
}

export type SourceInput =
  | { type: 'card'; number: string; expMonth: number; expYear: number; cvc?: string }
  | { type: 'echeck'; routingNumber: string; accountNumber: string; accountType: string };

/** Letters only: a sandbox id can never look like a card number to Orderdeck's PAN filter. */
export function sandboxId(prefix: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let out = `${prefix}_`;
  for (let i = 0; i < 20; i++) out += letters[randomInt(26)];
  return out;
}

const refused = (status: number, code: string, message: string, id?: string): SandboxAnswer => ({ status, body: { ...(id ? { id } : {}), error: { code, message } } });

export class SandboxLedger {
  readonly transactions = new Map<string, SandboxTransaction>();
  readonly log: SandboxLogEntry[] = [];

  /** Forgets the oldest transactions and log entries beyond `max` (a sandbox is not an archive). */
  prune(max: number) {
    for (const id of this.transactions.keys()) {
      if (this.transactions.size <= max) break;
      this.transactions.delete(id);
    }
    if (this.log.length > max * 2) this.log.splice(0, this.log.length - max);
  }

  private record(entry: Omit<SandboxLogEntry, 'at'>) {
    this.log.push({ at: Date.now(), ...entry });
  }

  /** `onPending` is told about an accepted e-check so the server can settle or bounce it later. */
  open(kind: 'authorize' | 'sale', input: { amount: number; currency: string; reference: string; source: SourceInput }, key: string): SandboxAnswer {
    const { amount, currency, reference, source } = input;
    const id = sandboxId('txn');
    const base = { id, currency, reference, authorized: 0, captured: 0, refunded: 0, chargedBack: 0, createdAt: Date.now() };
    if (source.type === 'echeck') {
      if (kind === 'authorize') return refused(422, 'unsupported_source', 'e-checks cannot be authorised; use a sale');
      if (!routingNumberValid(source.routingNumber)) {
        this.record({ operation: kind, transaction: id, amount, currency, result: 'declined', code: 'invalid_routing_number', idempotencyKey: key });
        return { status: 200, body: { id, status: 'declined', code: 'invalid_routing_number', message: 'the routing number is not valid' } };
      }
      this.transactions.set(id, { ...base, method: 'echeck', status: 'pending', authorized: amount, captured: amount, brand: 'echeck', last4: source.accountNumber.slice(-4) });
      this.record({ operation: kind, transaction: id, amount, currency, result: 'pending', idempotencyKey: key });
      return { status: 200, body: { id, status: 'pending' } };
    }
    const number = source.number.replace(/[ -]/g, '');
    const answer = evaluateCard(source);
    const card = { method: 'card' as const, brand: brandOf(number), last4: number.slice(-4) };
    if (answer.status === 'declined') {
      this.transactions.set(id, { ...base, ...card, status: 'declined' });
      this.record({ operation: kind, transaction: id, amount, currency, result: 'declined', code: answer.code, idempotencyKey: key });
      return { status: 200, body: { id, status: 'declined', code: answer.code, message: answer.message, avs: answer.avs, cvv: answer.cvv } };
    }
    const captured = kind === 'sale' ? amount : 0;
    this.transactions.set(id, { ...base, ...card, status: kind === 'sale' ? 'captured' : 'authorized', authorized: amount, captured });
    this.record({ operation: kind, transaction: id, amount, currency, result: 'approved', idempotencyKey: key });
    return { status: 200, body: { id, status: 'approved', avs: answer.avs, cvv: answer.cvv } };
  }

  private find(id: string, currency: string | undefined): SandboxTransaction | SandboxAnswer {
    const tx = this.transactions.get(id);
    if (!tx) return refused(404, 'transaction_not_found', `no transaction ${id}`);
    if (currency !== undefined && currency !== tx.currency) return refused(422, 'currency_mismatch', `the transaction is in ${tx.currency}`, id);
    return tx;
  }

  private refuse(operation: Operation, tx: SandboxTransaction, amount: number, key: string | undefined, answer: SandboxAnswer): SandboxAnswer {
    const code = (answer.body.error as { code: string }).code;
    this.record({ operation, transaction: tx.id, amount, currency: tx.currency, result: 'refused', code, ...(key ? { idempotencyKey: key } : {}) });
    return answer;
  }

  capture(id: string, amount: number, currency: string, key: string): SandboxAnswer {
    const tx = this.find(id, currency);
    if (!('method' in tx)) return tx;
    if (tx.status !== 'authorized') return this.refuse('capture', tx, amount, key, refused(409, 'not_capturable', `the transaction is ${tx.status}`, id));
    if (amount > tx.authorized) return this.refuse('capture', tx, amount, key, refused(422, 'amount_exceeds_authorized', `at most ${tx.authorized} can be captured`, id));
    // One capture per authorisation, as most gateways do; what is not captured is released.
    tx.status = 'captured';
    tx.captured = amount;
    this.record({ operation: 'capture', transaction: id, amount, currency, result: 'approved', idempotencyKey: key });
    return { status: 200, body: { id, status: 'approved' } };
  }

  void(id: string, key: string): SandboxAnswer {
    const tx = this.find(id, undefined);
    if (!('method' in tx)) return tx;
    if (tx.status !== 'authorized' && tx.status !== 'pending') {
      const hint = tx.status === 'captured' || tx.status === 'settled' ? '; refund it instead' : '';
      return this.refuse('void', tx, 0, key, refused(409, 'not_voidable', `the transaction is ${tx.status}${hint}`, id));
    }
    tx.status = 'voided';
    this.record({ operation: 'void', transaction: id, amount: tx.authorized, currency: tx.currency, result: 'approved', idempotencyKey: key });
    return { status: 200, body: { id, status: 'approved' } };
  }

  refund(id: string, amount: number, currency: string, key: string): SandboxAnswer {
    const tx = this.find(id, currency);
    if (!('method' in tx)) return tx;
    if (tx.status !== 'captured' && tx.status !== 'settled') return this.refuse('refund', tx, amount, key, refused(409, 'not_refundable', `the transaction is ${tx.status}`, id));
    const refundable = tx.captured - tx.refunded - tx.chargedBack;
    if (amount > refundable) return this.refuse('refund', tx, amount, key, refused(422, 'amount_exceeds_captured', `at most ${refundable} can be refunded`, id));
    tx.refunded += amount;
    this.record({ operation: 'refund', transaction: id, amount, currency, result: 'approved', idempotencyKey: key });
    return { status: 200, body: { id, status: 'approved' } };
  }

  /** The bank's answer for a pending e-check; undefined if it was voided meanwhile. */
  settle(id: string, accountNumber: string): { type: 'cleared' | 'failed'; tx: SandboxTransaction; reason?: string } | undefined {
    const tx = this.transactions.get(id);
    if (!tx || tx.status !== 'pending') return undefined;
    const reason = echeckBounceReason(accountNumber);
    tx.status = reason ? 'returned' : 'settled';
    this.record({ operation: reason ? 'return' : 'settle', transaction: id, amount: tx.captured, currency: tx.currency, result: reason ? 'declined' : 'approved', ...(reason ? { code: reason } : {}) });
    return reason ? { type: 'failed', tx, reason } : { type: 'cleared', tx };
  }

  chargeback(id: string, amount: number | undefined): SandboxAnswer & { tx?: SandboxTransaction; amount?: number } {
    const tx = this.find(id, undefined);
    if (!('method' in tx)) return tx;
    if (tx.status !== 'captured' && tx.status !== 'settled') return this.refuse('chargeback', tx, amount ?? 0, undefined, refused(409, 'not_disputable', `the transaction is ${tx.status}`, id));
    const disputable = tx.captured - tx.refunded - tx.chargedBack;
    const value = amount ?? disputable;
    if (value < 1 || value > disputable) return this.refuse('chargeback', tx, value, undefined, refused(422, 'amount_exceeds_captured', `at most ${disputable} can be charged back`, id));
    tx.chargedBack += value;
    this.record({ operation: 'chargeback', transaction: id, amount: value, currency: tx.currency, result: 'approved' });
    return { status: 200, body: { id, status: 'approved' }, tx, amount: value };
  }
}
