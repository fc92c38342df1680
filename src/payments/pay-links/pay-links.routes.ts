import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { readerOf } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import { principalOf } from '../../http/authenticate.js';
import type { AppContext } from '../../http/context.js';
import { sendProblem } from '../../http/problem.js';
import { OrderIdParams } from '../../orders/orders.schemas.js';
import { actorLabel } from '../../shared/actor.js';
import { AppError } from '../../shared/errors.js';
import { withProblems } from '../../shared/schemas.js';
import { toIso } from '../../shared/time.js';
import { StoreCardBody } from '../../vault/vault.schemas.js';
import type { PayLinkGone } from './pay-link-rules.js';
import { derivePayLinkKey, verifyPayLinkToken } from './pay-link-token.js';
import { PayLinkOut, PaymentRequestBody, PaymentRequestOut, PayResultOut, PayTokenParams } from './pay-links.schemas.js';
import { finishPayLinkPayment, startPayLinkPayment } from './pay-with-link.js';
import { requestPayment } from './request-payment.js';
import { viewPayLink } from './view-pay-link.js';

const tags = ['Payments'];
const gone = (reply: FastifyReply, g: PayLinkGone) => sendProblem(reply.header('cache-control', 'no-store'), 410, g.code, g.message);
const publicProblems = <R extends Record<number, TSchema>>(ok: R) => ({ ...withProblems(ok, 404, 409), 410: Type.Ref('Problem'), 429: Type.Ref('Problem'), 503: Type.Ref('Problem') });

/** Accounts Receivable's payment requests, and the two public routes behind the link the customer gets. */
export async function payLinkRoutes(app: FastifyInstance, { db, config, payments }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const reader = readerOf(db);
  const key = config.gatewaySecret ? derivePayLinkKey(config.gatewaySecret) : undefined;
  const signingKey = () => {
    if (!key) throw new AppError('unavailable', 'pay links need the installation secret (ORDERDECK_GATEWAY_SECRET), which is not configured');
    return key;
  };
  // Per link for a genuine token, per client address for anything else: guessing cannot lock a customer out.
  const limitKey = (request: FastifyRequest) => {
    const token = (request.params as { token?: string }).token ?? '';
    return key && verifyPayLinkToken(key, token) !== undefined ? `pay-link:${token}` : `pay-link-ip:${request.ip}`;
  };

  r.post('/orders/:orderId/payment-requests', {
    schema: {
      tags, summary: 'Email the customer a pay link for the amount due (Accounts Receivable); answers the link so it can be copied',
      description: 'Only for an order in accounts_receivable with money due. Replaces any earlier open link of the order. The email is queued in the same transaction and sent shortly after.',
      params: OrderIdParams, body: PaymentRequestBody, response: withProblems({ 201: PaymentRequestOut }, 404, 409),
    },
    config: { permission: 'accounts_receivable:act' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    const k = signingKey();
    const made = await transact(db, (trx) => requestPayment(trx, k, {
      orderNumber: request.params.orderId, expiresInHours: request.body.expiresInHours, message: request.body.message, actor, publicUrl: config.publicUrl, merchantName: config.merchantName,
    }));
    request.log.info({ orderId: made.orderNumber, linkId: made.linkId }, 'payment request created');
    return reply.code(201).header('cache-control', 'no-store').send({
      orderId: made.orderNumber, url: made.url, expiresAt: toIso(made.expiresAt), amountDue: made.amountDue, currency: made.currency,
      emailTo: made.emailTo, revokedLinks: made.revoked,
    });
  });

  r.get('/pay/:token', {
    schema: { tags, summary: 'Public: what a pay link asks for (amount due, items, expiry); 404 for a bad link, 410 when it no longer works', params: PayTokenParams, response: publicProblems({ 200: PayLinkOut }) },
    config: { public: true, rateLimit: { max: 60, timeWindow: 60_000, keyGenerator: limitKey } },
  }, async (request, reply) => {
    const view = await viewPayLink(reader, signingKey(), request.params.token, config.merchantName);
    if (view.kind === 'gone') return gone(reply, view);
    const { kind: _kind, expiresAt, ...rest } = view;
    return reply.header('cache-control', 'no-store').send({ ...rest, expiresAt: toIso(expiresAt) });
  });

  /*
   * Takes a card number, so like the vault's route it accepts one and honours no Idempotency-Key. Each
   * submission counts against the link's attempts whatever the answer; the route is rate limited per link.
   */
  r.post('/pay/:token', {
    schema: {
      tags, summary: 'Public: pay the amount due with a card; answers paid, declined (try another card) or processing',
      params: PayTokenParams, body: StoreCardBody, response: publicProblems({ 200: PayResultOut }),
    },
    config: { public: true, acceptsCardNumber: true, rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: limitKey } },
  }, async (request, reply) => {
    const k = signingKey();
    const started = await transact(db, (trx) => startPayLinkPayment(trx, payments, k, request.params.token, request.body));
    if (started.kind === 'gone') return gone(reply, started);
    if (started.kind === 'held') {
      request.log.info({ orderId: started.orderId }, 'pay link payment held for fraud review');
      return reply.header('cache-control', 'no-store').send({
        status: 'processing', orderId: started.orderId, message: 'Your payment needs a review by the store before it is charged; they will be in touch.',
      });
    }
    const outcome = await finishPayLinkPayment(db, payments, started, request.log);
    request.log.info({ orderId: outcome.orderId, linkId: started.linkId, status: outcome.status }, 'pay link payment');
    return reply.header('cache-control', 'no-store').send(outcome);
  });
}
