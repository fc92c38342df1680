import type { Executor } from '../db/database.js';
import type { FraudContribution } from './fraud-rules.js';
import type { FraudSettings } from './fraud-settings.js';
import { loadFraudSettings } from './load-fraud-settings.js';

/** Address verification result codes (Visa/Mastercard/Amex style, as gateways pass them through). */
const AVS_FULL = new Set(['Y', 'X', 'D', 'M']);
const AVS_PARTIAL = new Set(['A', 'Z', 'W', 'P']);
const AVS_NONE = new Set(['N']);
// U/R/S/G/E (unavailable, retry, not supported, non-US issuer, error) are not the customer's doing: no points.

export interface GatewayChecks {
  avs?: string | undefined;
  cvv?: string | undefined;
}

/**
 * The avs_mismatch and cvv_mismatch rules, applied after an authorization (the gateway answers them, so
 * they cannot run with the other rules before charging). A partial AVS match (street or postal code only)
 * scores half the weight; a full match or an unavailable check scores nothing. CVV scores only on N: P, S
 * and U mean the issuer did not check it.
 */
export function assessGatewayChecks(settings: FraudSettings, checks: GatewayChecks): FraudContribution[] {
  const out: FraudContribution[] = [];
  const avs = checks.avs?.trim().toUpperCase();
  const avsRule = settings.rules.avs_mismatch;
  if (avs && avsRule.enabled && !AVS_FULL.has(avs)) {
    if (AVS_NONE.has(avs)) out.push({ rule: 'avs_mismatch', points: avsRule.weight, detail: 'AVS N: neither street nor postal code matches the card' });
    else if (AVS_PARTIAL.has(avs)) {
      out.push({ rule: 'avs_mismatch', points: Math.ceil(avsRule.weight / 2), detail: `AVS ${avs}: only ${avs === 'A' ? 'the street' : 'the postal code'} matches the card` });
    }
  }
  const cvv = checks.cvv?.trim().toUpperCase();
  const cvvRule = settings.rules.cvv_mismatch;
  if (cvv === 'N' && cvvRule.enabled) out.push({ rule: 'cvv_mismatch', points: cvvRule.weight, detail: 'CVV N: the security code does not match' });
  return out;
}

/** assessGatewayChecks under the current settings (cached, as assessFraud reads them). */
export async function scoreGatewayChecks(db: Executor, checks: GatewayChecks): Promise<FraudContribution[]> {
  return assessGatewayChecks(await loadFraudSettings(db), checks);
}
