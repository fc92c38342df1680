import { createHash, randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readerOf } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import { principalOf } from '../../http/authenticate.js';
import type { AppContext } from '../../http/context.js';
import { runIdempotently } from '../../http/idempotency.js';
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
 * The refund's id, and so its ledger rows' idempotency keys. From the request's Idempotency-Key (scoped to
 * the caller) when it has one, so a retry racing the first attempt trips over the first's rows instead of
 * refunding again; the key itself is checked and stored by runIdempotently (http/idempotency.ts).
 */
function refundIdOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return randomUUID();
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
      params: OrderIdParams, body: RefundBody, response: withProblems({ 200: RefundOut }, 404, 409, 412, 422),
    },
    config: { permission: 'orders:edit' },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { version, reason, ...what } = request.body;
    // Same Idempotency-Key mechanism as placing an order: the key is stored with the refund's rows, and the
    // response as sent, so a retry gets the first answer and another body with the key is 422. A retry whose
    // first attempt never answered (`earlier`) finishes that refund: sends rows still open, rejects after.
    return runIdempotently(db, request, reply, async ({ earlier, record }) => refundOrder(db, payments, {
      ...what, orderNumber: request.params.orderId, reason: await requireRefundReason(db, reason), refundId: refundIdOf(request),
      // The first attempt changed the order's version; the retry carries the version it read before that.
      expected: earlier ? undefined : expectedVersionOf(request, version),
      resume: earlier !== undefined,
      recordKey: record && ((trx) => record(trx, { status: 200, body: { orderId: request.params.orderId } })),
      authorizeReject: (from: Stage) => {
        if (!principal.permissions.has(stageActPermission(from))) {
          throw new AppError('forbidden', `rejecting orders in ${from} needs the "${stageActPermission(from)}" permission`, { field: '/rejectAfter' });
        }
      },
    }, principal.actor));
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
