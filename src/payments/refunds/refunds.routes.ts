import { createHash, randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readerOf } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import { principalOf } from '../../http/authenticate.js';
import type { AppContext } from '../../http/context.js';
import { expectedVersionOf } from '../../http/versioning.js';
import { stageActPermission } from '../../auth/permissions.js';
import { OrderIdParams } from '../../orders/orders.schemas.js';
import { actorLabel } from '../../shared/actor.js';
import { AppError } from '../../shared/errors.js';
import { withProblems } from '../../shared/schemas.js';
import type { Stage } from '../../stages/stages.js';
import { refundOrder } from './refund-order.js';
import { readRefundReasons, requireRefundReason, updateRefundReasons } from './refund-reasons.js';
import { RefundBlockBody, RefundBody, RefundBreakdownOut, RefundOut, RefundPreviewBody, RefundReasonsBody, RefundReasonsOut } from './refunds.schemas.js';
import { setRefundBlock } from './refund-block.js';
import { getOrderPayments } from '../ledger/get-order-payments.js';
import { OrderPaymentsOut } from '../payments.schemas.js';
import { previewRefund } from './start-refund.js';

const tags = ['Payments'];

/**
 * A retry carrying the same Idempotency-Key must find the refund it already made, not make a second:
 * the key (scoped to the caller) becomes the refund's id, and so its ledger rows' idempotency keys.
 */
function refundIdOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return randomUUID();
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
    throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 characters', { field: 'Idempotency-Key' });
  }
  return `k-${createHash('sha256').update(`${principalOf(request).key}\n${key}`).digest('base64url').slice(0, 32)}`;
}

/** Refunds of paid orders, their preview, and the merchant's list of refund reasons. */
export async function refundRoutes(app: FastifyInstance, { db, payments }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const reader = readerOf(db);

  r.post('/orders/:orderId/refunds/preview', {
    schema: { tags, summary: 'What a refund would return, computed without moving money', params: OrderIdParams, body: RefundPreviewBody, response: withProblems({ 200: RefundBreakdownOut }, 404, 409) },
    config: { permission: 'orders:view' },
  }, async (request) => previewRefund(reader, request.params.orderId, request.body));

  r.post('/orders/:orderId/refunds', {
    schema: {
      tags, summary: 'Refund items, shipping, tax or an amount, through the gateway or recorded as made elsewhere; optionally reject the order after',
      params: OrderIdParams, body: RefundBody, response: withProblems({ 200: RefundOut }, 404, 409, 412),
    },
    config: { permission: 'orders:edit' },
  }, async (request) => {
    const principal = principalOf(request);
    const { version, reason, ...what } = request.body;
    return refundOrder(db, payments, {
      ...what, orderNumber: request.params.orderId, reason: await requireRefundReason(db, reason), refundId: refundIdOf(request),
      expected: expectedVersionOf(request, version),
      authorizeReject: (from: Stage) => {
        if (!principal.permissions.has(stageActPermission(from))) {
          throw new AppError('forbidden', `rejecting orders in ${from} needs the "${stageActPermission(from)}" permission`, { field: '/rejectAfter' });
        }
      },
    }, principal.actor);
  });

  r.put('/orders/:orderId/refund-block', {
    schema: {
      tags, summary: 'Place or lift the order\'s refund block (a chargeback notification places it on its own); lifting needs settings:manage',
      params: OrderIdParams, body: RefundBlockBody, response: withProblems({ 200: OrderPaymentsOut }, 403, 404, 409, 412),
    },
    config: { permission: 'orders:edit' },
  }, async (request) => {
    const principal = principalOf(request);
    const { blocked, reason, version } = request.body;
    await transact(db, (trx) => setRefundBlock(trx, request.params.orderId, { blocked, reason, expected: expectedVersionOf(request, version) },
      { actor: actorLabel(principal.actor), permissions: principal.permissions }));
    return getOrderPayments(db, request.params.orderId);
  });

  r.get('/payments/refund-reasons', {
    schema: { tags, summary: 'The reasons a refund may give', response: withProblems({ 200: RefundReasonsOut }) },
    config: { permission: 'orders:view' },
  }, async () => readRefundReasons(db));

  r.put('/payments/refund-reasons', {
    schema: { tags, summary: 'Replace the list of refund reasons; needs the version you read', body: RefundReasonsBody, response: withProblems({ 200: RefundReasonsOut }, 409) },
    config: { permission: 'settings:manage' },
  }, async (request) => transact(db, (trx) => updateRefundReasons(trx, request.body.reasons, request.body.version, actorLabel(principalOf(request).actor))));
}
