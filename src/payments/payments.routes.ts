import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { readerOf } from '../db/database.js';
import { transact } from '../db/transact.js';
import { principalOf } from '../http/authenticate.js';
import { runInTransaction } from '../http/idempotency.js';
import { expectedVersionOf } from '../http/versioning.js';
import type { AppContext } from '../http/context.js';
import { OrderIdParams } from '../orders/orders.schemas.js';
import { actorLabel } from '../shared/actor.js';
import { withProblems } from '../shared/schemas.js';
import { startCapture } from './charge/capture-payment.js';
import { performLedgerOperation } from './charge/ledger-operation.js';
import { getOrderPayments } from './ledger/get-order-payments.js';
import { readPaymentSettings, updatePaymentSettings } from './payment-settings.js';
import { resolveChargeByHand } from './charge/resolve-by-hand.js';
import { correctHandReference } from './charge/correct-reference.js';
import {
  CaptureBody, CorrectReferenceBody, LedgerEntryParams, OrderPaymentsOut, PaymentSettingsBody, PaymentSettingsOut, ResolveChargeBody,
} from './payments.schemas.js';

const tags = ['Payments'];

/** The order's payment ledger and the operations on it that are not a department's own action. */
export async function paymentRoutes(app: FastifyInstance, { db, payments }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const reader = readerOf(db);
  const connected = () => ({ gateway: payments.gatewayName(), connection: payments.gatewayConnection() ?? null });

  r.get('/orders/:orderId/payments', {
    schema: { tags, summary: 'The order\'s payment ledger: every gateway operation with its result, and the totals derived from it', params: OrderIdParams, response: withProblems({ 200: OrderPaymentsOut }, 404) },
    config: { permission: 'orders:view' },
  }, async (request) => getOrderPayments(reader, request.params.orderId, principalOf(request)));

  r.post('/orders/:orderId/payments/capture', {
    schema: { tags, summary: 'Capture the order\'s open authorization (all of it unless an amount is given)', params: OrderIdParams, body: CaptureBody, response: withProblems({ 200: OrderPaymentsOut }, 404, 409, 422) },
    config: { permission: 'orders:edit' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    // Idempotency-Key as for placing an order: a retry after success gets the first answer, not "no open authorization".
    const { body } = await runInTransaction(db, request, reply, async (trx) => ({
      status: 200, body: { ledgerId: await startCapture(trx, request.params.orderId, request.body.amount, actor) },
    }));
    // A retry whose first attempt never answered finishes its capture (a no-op once the row is resolved).
    await performLedgerOperation(db, payments, body.ledgerId);
    return getOrderPayments(db, request.params.orderId);
  });

  r.post('/orders/:orderId/payments/:ledgerId/resolve', {
    schema: {
      tags, summary: 'Record by hand what the gateway says happened to a charge whose outcome Orderdeck cannot learn (unknown, and not resendable); an accepted e-check then waits for its clearing notification',
      params: LedgerEntryParams, body: ResolveChargeBody, response: withProblems({ 200: OrderPaymentsOut }, 400, 403, 404, 409, 422),
    },
    // The order's own desk is checked inside (A/R staff for an order in A/R, and so on).
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    const principal = principalOf(request);
    await runInTransaction(db, request, reply, async (trx) => {
      await resolveChargeByHand(trx, request.params.orderId, request.params.ledgerId, request.body,
        { actor: actorLabel(principal.actor), permissions: principal.permissions }, Date.now());
      return { status: 200, body: { orderId: request.params.orderId } };
    });
    return getOrderPayments(db, request.params.orderId);
  });

  r.post('/orders/:orderId/payments/:ledgerId/reference', {
    schema: {
      tags, summary: 'Correct a gateway reference typed in by hand on a charge awaiting clearance; notifications already received for the corrected reference are then applied (needs pending_clearance:act)',
      params: LedgerEntryParams, body: CorrectReferenceBody, response: withProblems({ 200: OrderPaymentsOut }, 400, 403, 404, 409, 412, 422),
    },
    config: { permission: 'pending_clearance:act' },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { version, ...correction } = request.body;
    await runInTransaction(db, request, reply, async (trx) => {
      await correctHandReference(trx, request.params.orderId, request.params.ledgerId, { ...correction, expected: expectedVersionOf(request, version) },
        { actor: actorLabel(principal.actor), permissions: principal.permissions }, Date.now());
      return { status: 200, body: { orderId: request.params.orderId } };
    });
    return getOrderPayments(db, request.params.orderId);
  });

  r.get('/payments/settings', {
    schema: { tags, summary: 'How cards are charged when an order is placed', response: withProblems({ 200: PaymentSettingsOut }) },
    config: { permission: 'orders:view' },
  }, async () => ({ ...(await readPaymentSettings(db)), ...connected() }));

  r.put('/payments/settings', {
    schema: { tags, summary: 'Change how cards are charged; needs the version you read', body: PaymentSettingsBody, response: withProblems({ 200: PaymentSettingsOut }, 409) },
    config: { permission: 'settings:manage' },
  }, async (request) => {
    const { version, ...change } = request.body;
    const next = await transact(db, (trx) => updatePaymentSettings(trx, change, version, actorLabel(principalOf(request).actor)));
    request.log.info({ actor: principalOf(request).actor.id, cardMode: next.cardMode }, 'payment settings changed');
    return { ...next, ...connected() };
  });
}

