import type { Trx } from '../db/database.js';
import { AppError, invalid, notFound } from '../shared/errors.js';
import { deleteFraudBlock, insertFraudAudit, insertFraudBlock } from './fraud.repository.js';
import { findVaultCard } from '../vault/vault.repository.js';
import type { FraudBlockRow } from './fraud.table.js';
import { type AddressLike, addressKey, type BlockKind, cardLabel, normalizeBlockValue } from './fraud-values.js';

export interface AddBlockInput {
  kind: BlockKind;
  /**
   * The IP, email (or "@domain"), card or address key; an address may come as `address` instead. A card is
   * its vault token (`tok_…`, as on its order: blocked by the token's fingerprint, so every token of the same
   * card is blocked) or the fingerprint itself.
   */
  value?: string | undefined;
  address?: AddressLike | undefined;
  reason: string;
}

/** Puts a value on a block list, audited in the same transaction; 409 if it is already there. */
export async function addFraudBlock(trx: Trx, input: AddBlockInput, actor: string, now = Date.now()): Promise<FraudBlockRow> {
  const { value, label } = await blockValueOf(trx, input);
  const row = await insertFraudBlock(trx, { kind: input.kind, value, label, reason: input.reason.trim(), created_at: now, created_by: actor });
  if (!row) throw new AppError('duplicate', `${input.kind} ${label ?? `"${value}"`} is already on the block list`, { field: input.address ? '/address' : '/value' });
  await insertFraudAudit(trx, { at: now, actor, action: 'block_added', detail: auditEntry(row) });
  return row;
}

/** Takes a value off its block list, audited with what it was. */
export async function removeFraudBlock(trx: Trx, id: number, actor: string, now = Date.now()): Promise<void> {
  const row = await deleteFraudBlock(trx, id);
  if (!row) throw notFound('block', id);
  await insertFraudAudit(trx, { at: now, actor, action: 'block_removed', detail: auditEntry(row) });
}

const auditEntry = (row: FraudBlockRow) => ({ id: row.id, kind: row.kind, value: row.value, ...(row.label ? { label: row.label } : {}), reason: row.reason });

async function blockValueOf(trx: Trx, input: AddBlockInput): Promise<{ value: string; label: string | null }> {
  if (input.address && input.value !== undefined) throw invalid('/address', 'send either "value" or "address", not both');
  if (input.address) {
    if (input.kind !== 'address') throw invalid('/address', 'only an address block takes "address"');
    return { value: addressKey(input.address), label: null };
  }
  if (input.value === undefined) throw invalid('/value', 'is required (or "address" for an address block)');
  if (input.kind === 'card' && input.value.trim().startsWith('tok_')) {
    const card = await findVaultCard(trx, input.value.trim());
    if (!card) throw invalid('/value', 'no card in the vault has this token');
    return { value: card.fingerprint, label: cardLabel({ brand: card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year }) };
  }
  return { value: normalizeBlockValue(input.kind, input.value, '/value'), label: null };
}
