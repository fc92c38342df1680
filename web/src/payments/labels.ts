import type { LedgerEntry } from './payments-api';

export const LEDGER_KIND_LABEL: Record<LedgerEntry['kind'], string> = {
  authorize: 'Authorization', capture: 'Capture', sale: 'Sale', void: 'Void', refund: 'Refund', chargeback: 'Chargeback',
  offline_payment: 'Offline payment', external_refund: 'Refund made elsewhere',
};

export const LEDGER_STATUS_LABEL: Record<LedgerEntry['status'], string> = {
  started: 'Sent', approved: 'Approved', declined: 'Declined', pending: 'Pending', failed: 'Failed', unknown: 'No answer yet',
};

export function ledgerTone(status: LedgerEntry['status']): string {
  switch (status) {
    case 'approved': return 'success';
    case 'declined': case 'failed': return 'danger';
    default: return 'warning';
  }
}

/** Money going back to the customer is shown negative. */
export const isOutgoing = (kind: LedgerEntry['kind']): boolean => kind === 'refund' || kind === 'external_refund' || kind === 'chargeback' || kind === 'void';

/** AVS and CVV result codes, in words (the common Visa/Mastercard meanings). */
const AVS: Record<string, string> = { Y: 'address and postcode match', A: 'address matches, postcode does not', Z: 'postcode matches, address does not', N: 'neither matches', U: 'unavailable', R: 'retry', S: 'not supported' };
const CVV: Record<string, string> = { M: 'matches', N: 'does not match', P: 'not processed', U: 'unavailable', S: 'should be present' };
export const avsText = (code: string) => AVS[code.toUpperCase()] ?? code;
export const cvvText = (code: string) => CVV[code.toUpperCase()] ?? code;

/** Fraud rule names as the merchant reads them. */
export const FRAUD_RULE_LABEL: Record<string, string> = {
  total_over_average: 'Total far above average', country_mismatch: 'Billing and shipping countries differ',
  high_risk_country: 'High-risk country', free_email_domain: 'Free email provider',
  velocity_ip: 'Many orders from one IP', velocity_email: 'Many orders from one email', velocity_card: 'Many orders on one card',
  blocked_ip: 'Blocked IP', blocked_email: 'Blocked email', blocked_card: 'Blocked card', blocked_address: 'Blocked address',
  avs_mismatch: 'AVS mismatch', cvv_mismatch: 'CVV mismatch',
};
export const ruleLabel = (rule: string) => FRAUD_RULE_LABEL[rule] ?? rule;
