import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { readerOf } from '../../db/database.js';
import { transact } from '../../db/transact.js';
import { principalOf } from '../../http/authenticate.js';
import type { AppContext } from '../../http/context.js';
import { runIdempotently, runInTransaction } from '../../http/idempotency.js';
import { OrderIdParams } from '../../orders/orders.schemas.js';
import { actorLabel } from '../../shared/actor.js';
import { withProblems } from '../../shared/schemas.js';
import { performLedgerOperation } from '../charge/ledger-operation.js';
import { getOrderPayments } from '../ledger/get-order-payments.js';
import { OrderPaymentsOut } from '../payments.schemas.js';
import { getArSchedule, updateArSchedule } from './ar-schedule.js';
import { getArStats } from './ar-stats.js';
import { markOrderPaid } from './mark-paid.js';
import {
  ArScheduleBody, ArScheduleOut, ArStatsOut, ArStatsQuery, MarkPaidBody, RetryBody, RetryResultOut, RetrySelectionBody, RetrySelectionOut,
} from './receivables.schemas.js';
import { retryResultOf, retrySelection, startRetry } from './retry-payment.js';

const tags = ['Accounts Receivable'];

/** The Accounts Receivable desk: retry a charge, mark an offline payment received, the retry schedule and its figures. */
export async function receivablesRoutes(app: FastifyInstance, { db, payments }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/orders/:orderId/payments/retry', {
    schema: {
      tags, summary: 'Charge the amount due again, on the order\'s vaulted card or a newly vaulted one', params: OrderIdParams, body: RetryBody,
      response: withProblems({ 200: RetryResultOut }, 400, 404, 409, 422),
    },
    config: { permission: 'accounts_receivable:act' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    const { orderId } = request.params;
    // Idempotency-Key as for placing an order: the key is stored with the started sale, and the answer as
    // sent, so a client that lost the answer learns the outcome instead of "not in accounts_receivable".
    const { body } = await runInTransaction(db, request, reply, async (trx) => ({
      status: 200, body: { ledgerId: await startRetry(trx, orderId, { cardToken: request.body.cardToken, actor, gateway: payments.gatewayName(), now: Date.now() }) },
    }));
    // A retry whose first attempt never answered finishes that sale (a no-op once it is resolved).
    await performLedgerOperation(db, payments, body.ledgerId);
    return retryResultOf(db, orderId, body.ledgerId);
  });

  r.post('/payments/retry', {
    schema: {
      tags, summary: 'Retry the charge of a selection of orders (at most 500): a result per order, approved, declined or refused with the reason',
      body: RetrySelectionBody, response: withProblems({ 200: RetrySelectionOut }, 400, 422),
    },
    config: { permission: 'accounts_receivable:act' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    // Each order is retried in a transaction of its own, so no one transaction can hold the key with every
    // effect. The key is stored first, with a batch id every order's sale key is made from: a retry of the
    // request gets the first answer once it is stored, and before that (the first attempt died, or is still
    // running) runs the same batch, which finds the sales already written instead of charging again.
    const { batch } = await runIdempotently<{ batch?: string }, { batch: string }>(db, request, reply, async ({ earlier, record }) => {
      if (earlier) return earlier.body;
      if (!record) return {};
      const started = { batch: randomUUID() };
      await transact(db, (trx) => record(trx, { status: 200, body: started }));
      return started;
    });
    const results = await retrySelection(db, payments, request.body.orderIds, {
      actor, batch, onError: (orderId, err) => request.log.error({ err, orderId }, 'A/R retry failed'),
    });
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.result] = (counts[r.result] ?? 0) + 1;
    return { results, counts };
  });

  r.post('/orders/:orderId/payments/mark-paid', {
    schema: {
      tags, summary: 'Record an offline payment (check, purchase order, wire, COD, cash) with its reference; the order moves on',
      params: OrderIdParams, body: MarkPaidBody, response: withProblems({ 200: OrderPaymentsOut }, 400, 404, 409),
    },
    config: { permission: 'accounts_receivable:act' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    await runInTransaction(db, request, reply, async (trx) => {
      await markOrderPaid(trx, request.params.orderId, request.body, actor, Date.now());
      return { status: 200, body: { orderId: request.params.orderId } };
    });
    return getOrderPayments(db, request.params.orderId);
  });

  r.get('/payments/ar-schedule', {
    schema: { tags, summary: 'The A/R retry schedule: per day in A/R, charge (optionally with a coupon) or reject', response: withProblems({ 200: ArScheduleOut }) },
    config: { permission: 'accounts_receivable:view' },
  }, async () => getArSchedule(db));

  r.put('/payments/ar-schedule', {
    schema: { tags, summary: 'Change the A/R retry schedule; needs the version you read', body: ArScheduleBody, response: withProblems({ 200: ArScheduleOut }, 400, 409) },
    config: { permission: 'settings:manage' },
  }, async (request) => {
    const { version, ...change } = request.body;
    const next = await transact(db, (trx) => updateArSchedule(trx, change, version, actorLabel(principalOf(request).actor)));
    request.log.info({ actor: principalOf(request).actor.id, version: next.version }, 'A/R schedule changed');
    return next;
  });

  r.get('/payments/ar-stats', {
    schema: { tags, summary: 'Recovered revenue per UTC day: retries attempted and approved, money collected in A/R per currency (retries, payment-request links, mark paid), orders rejected by the schedule', querystring: ArStatsQuery, response: withProblems({ 200: ArStatsOut }, 400) },
    config: { permission: 'accounts_receivable:view' },
  }, async (request) => ({ days: await getArStats(readerOf(db), request.query.days) }));
}
