import type { Executor } from '../db/database.js';
import { assessFraud, type FraudAssessment, withGatewayChecks } from './assess-fraud.js';
import type { AssessBodyInput } from './fraud.schemas.js';
import { scoreGatewayChecks } from './gateway-checks.js';

/**
 * "Test these rules" on the settings page: the assessment an order with these facts would get now,
 * AVS/CVV included when given. Records no signal, so trying an order twice does not trip velocity.
 */
export async function previewFraudAssessment(db: Executor, input: AssessBodyInput, now = Date.now()): Promise<FraudAssessment> {
  const assessment = await assessFraud(db, {
    currency: input.currency, total: input.total, email: input.email, ip: input.ip ?? null,
    billing: input.billing, shipping: input.shipping ?? input.billing, cardFingerprint: input.cardFingerprint ?? null,
  }, now);
  if (input.avs === undefined && input.cvv === undefined) return assessment;
  return withGatewayChecks(assessment, await scoreGatewayChecks(db, { avs: input.avs, cvv: input.cvv }));
}
