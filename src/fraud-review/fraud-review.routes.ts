import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readerOf } from '../db/database.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { expectedVersionOf } from '../http/versioning.js';
import { getOrder } from '../orders/get-order.js';
import { forCaller } from '../orders/orders.mapper.js';
import { OrderIdParams } from '../orders/orders.schemas.js';
import { withProblems } from '../shared/schemas.js';
import { BlockOut, RejectBody, RejectOut, ReviewBody } from './fraud-review.schemas.js';
import { approveReviewedOrder, blockReviewedCustomer, rejectReviewedOrder } from './review-order.js';

const tags = ['Fraud Review'];

/** The Fraud Review department's decisions. Scoring and the rules themselves live in src/fraud. */
export async function fraudReviewRoutes(app: FastifyInstance, { db, payments }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const config = { permission: 'fraud_review:act' } as const;

  r.post('/orders/:orderId/fraud-review/approve', {
    schema: {
      tags, summary: 'Approve an order held for fraud review: it goes on to the payment step (a vaulted card is charged now)',
      params: OrderIdParams, body: ReviewBody, response: withProblems({ 200: Type.Ref('Order') }, 404, 409, 412),
    },
    config,
  }, async (request) => {
    const { orderId } = request.params;
    await approveReviewedOrder(db, payments, { orderNumber: orderId, reason: request.body.reason, expected: expectedVersionOf(request, request.body.version) }, principalOf(request).actor);
    return forCaller(principalOf(request), await getOrder(readerOf(db), orderId));
  });

  r.post('/orders/:orderId/fraud-review/reject', {
    schema: {
      tags, summary: 'Reject an order held for fraud review: Rejected at once, authorizations voided, money taken refunded; optionally block the customer',
      params: OrderIdParams, body: RejectBody, response: withProblems({ 200: RejectOut }, 404, 409, 412),
    },
    config,
  }, async (request) => {
    const { orderId } = request.params;
    const outcome = await rejectReviewedOrder(db, payments, {
      orderNumber: orderId, reason: request.body.reason, block: request.body.block, expected: expectedVersionOf(request, request.body.version),
    }, principalOf(request).actor);
    return { order: forCaller(principalOf(request), await getOrder(readerOf(db), orderId)), ...outcome };
  });

  r.post('/orders/:orderId/fraud-review/block', {
    schema: {
      tags, summary: '"Block this customer": the order\'s IP, email, card and addresses join the block lists',
      params: OrderIdParams, body: ReviewBody, response: withProblems({ 200: BlockOut }, 404, 412),
    },
    config,
  }, async (request) => blockReviewedCustomer(db, {
    orderNumber: request.params.orderId, reason: request.body.reason, expected: expectedVersionOf(request, request.body.version),
  }, principalOf(request).actor));
}
