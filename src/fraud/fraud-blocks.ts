import type { Trx } from '../db/database.js';
import { AppError, invalid, notFound } from '../shared/errors.js';
import { deleteFraudBlock, insertFraudAudit, insertFraudBlock } from './fraud.repository.js';
import type { FraudBlockRow } from './fraud.table.js';
import { type AddressLike, addressKey, type BlockKind, normalizeBlockValue } from './fraud-values.js';

export interface AddBlockInput {
  kind: BlockKind;
  /** The IP, email (or "@domain"), card fingerprint or address key; an address may come as `address` instead. */
  value?: string | undefined;
  address?: AddressLike | undefined;
  reason: string;
}

/** Puts a value on a block list, audited in the same transaction; 409 if it is already there. */
export async function addFraudBlock(trx: Trx, input: AddBlockInput, actor: string, now = Date.now()): Promise<FraudBlockRow> {
  const value = blockValueOf(input);
  const row = await insertFraudBlock(trx, { kind: input.kind, value, reason: input.reason.trim(), created_at: now, created_by: actor });
  if (!row) throw new AppError('duplicate', `${input.kind} "${value}" is already on the block list`, { field: input.address ? '/address' : '/value' });
  await insertFraudAudit(trx, { at: now, actor, action: 'block_added', detail: { id: row.id, kind: row.kind, value: row.value, reason: row.reason } });
  return row;
}

/** Takes a value off its block list, audited with what it was. */
export async function removeFraudBlock(trx: Trx, id: number, actor: string, now = Date.now()): Promise<void> {
  const row = await deleteFraudBlock(trx, id);
  if (!row) throw notFound('block', id);
  await insertFraudAudit(trx, { at: now, actor, action: 'block_removed', detail: { id: row.id, kind: row.kind, value: row.value, reason: row.reason } });
}

function blockValueOf(input: AddBlockInput): string {
  if (input.address && input.value !== undefined) throw invalid('/address', 'send either "value" or "address", not both');
  if (input.address) {
    if (input.kind !== 'address') throw invalid('/address', 'only an address block takes "address"');
    return addressKey(input.address);
  }
  if (input.value === undefined) throw invalid('/value', 'is required (or "address" for an address block)');
  return normalizeBlockValue(input.kind, input.value, '/value');
}
