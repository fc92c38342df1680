import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { stageActPermission } from '../auth/permissions.js';
import { assertMayMoveOrdersOutOf, assertMayViewStage, mayMoveOrdersOutOf } from '../auth/stage-access.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { expectedVersionOf, versionEtag } from '../http/versioning.js';
import { readerOf } from '../db/database.js';
import { transact } from '../db/transact.js';
import { runInTransaction } from '../http/idempotency.js';
import { AppError } from '../shared/errors.js';
import { withProblems } from '../shared/schemas.js';
import { STAGES, type Stage } from '../stages/stages.js';
import type { OrderDto } from './orders.schemas.js';
import { getPaymentSettings } from '../payments/payment-settings.js';
import { performLedgerOperation } from '../payments/charge/ledger-operation.js';
import { type CreatedOrder, createOrder } from './create-order.js';
import { takeNewOrderPayment } from './place-order.js';
import { deleteTestOrder } from './delete-order.js';
import { getOrder } from './get-order.js';
import { appendOrderNote, changeOrderTags } from './order-notes-tags.js';
import { type MoveStageInput as MoveInput, moveOrderToStage } from './move-order-stage.js';
import { forCaller } from './orders.mapper.js';
import {
  CreateOrderBody, MoveStageBody, NoteBody, OrderIdParams, RejectBody, TagsBody, UpdateOrderBody,
} from './orders.schemas.js';
import { updateOrder } from './update-order.js';

const tags = ['Orders'];
const Order = Type.Ref('Order');
/** Every order this API answers with lists the moves of the caller asking (allowedMoves), not of anyone. */
const seenBy = (request: FastifyRequest, order: OrderDto): OrderDto => forCaller(principalOf(request), order);

export async function orderRoutes(app: FastifyInstance, { db, config, payments }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings = { orderNumberPrefix: config.orderNumberPrefix };

  r.post('/orders', {
    schema: { tags, summary: 'Place an order; it is routed to its first stage', body: CreateOrderBody, response: withProblems({ 201: Order }, 409, 422) },
    config: { permission: 'orders:create' },
  }, async (request, reply) => {
    const actor = principalOf(request).actor;
    const { cardMode } = await getPaymentSettings(db);
    let created: CreatedOrder | undefined;
    let written: OrderDto | undefined;
    // The idempotency record keeps the order number only: a replay answers with the order as it is now.
    const outcome = await runInTransaction(db, request, reply, async (trx) => {
      created = await createOrder(trx, request.body, actor, { ...settings, gateway: payments.gatewayName(), cardMode });
      // Nothing happens to an order without a charge after commit: the answer is what was just written.
      if (!created.charge) written = created.asWritten();
      return { status: 201, body: { orderId: created.orderNumber } };
    }, { independent: true });
    // The work may have run and been rolled back (a racing request with the same key won): then the answer
    // is the winner's order, and nothing this attempt wrote exists.
    const mine = created?.orderNumber === outcome.body.orderId ? created : undefined;
    // A new order's only open operation is its charge; a replay finishes whatever the first attempt left open.
    if (!mine || mine.charge) {
      await takeNewOrderPayment(db, payments, outcome.body.orderId, mine?.charge, request.log, mine?.fraud, async (trx) => {
        written = await getOrder(trx, outcome.body.orderId);
      });
    }
    // Committed by now, so the reader (its own connection on SQLite) sees it without queueing behind writes.
    const order = seenBy(request, (mine && written) ?? await getOrder(readerOf(db), outcome.body.orderId));
    return reply.code(201).header('location', `/api/v1/orders/${order.orderId}`).header('etag', versionEtag(order.version)).send(order);
  });

  r.get('/orders/:orderId', {
    schema: { tags, summary: 'One order with items, notes, history and the moves allowed now', params: OrderIdParams, response: withProblems({ 200: Order }, 404) },
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    const order = await getOrder(readerOf(db), request.params.orderId);
    assertMayViewStage(principalOf(request), order.stage);
    return reply.header('etag', versionEtag(order.version)).send(seenBy(request, order));
  });

  r.patch('/orders/:orderId', {
    schema: {
      tags, summary: 'Edit addresses, items (until shipped), tags, custom fields; needs If-Match or version',
      params: OrderIdParams, body: UpdateOrderBody, response: withProblems({ 200: Order }, 404, 409, 412, 428),
    },
    config: { permission: 'orders:edit' },
  }, async (request, reply) => {
    const { orderId } = request.params;
    const order = await transact(db, async (trx) => {
      await updateOrder(trx, orderId, request.body, expectedVersionOf(request, request.body.version), principalOf(request).actor);
      return getOrder(trx, orderId);
    });
    return reply.header('etag', versionEtag(order.version)).send(seenBy(request, order));
  });

  type MoveAsked = Pick<MoveInput, 'to' | 'reason' | 'paymentMethod' | 'keepPayment'> & { version?: number | undefined };
  const move = async (request: FastifyRequest, reply: import('fastify').FastifyReply, orderId: string, asked: MoveAsked) => {
    const principal = principalOf(request);
    let voids: number[] = [];
    const charge = { cardMode: (await getPaymentSettings(db)).cardMode, gateway: payments.gatewayName() };
    const outcome = await runInTransaction(db, request, reply, async (trx) => {
      voids = await moveOrderToStage(trx, {
        orderNumber: orderId, to: asked.to, reason: asked.reason, expected: expectedVersionOf(request, asked.version),
        paymentMethod: asked.paymentMethod, keepPayment: asked.keepPayment, charge,
        authorize: (from) => assertMayMoveOrdersOutOf(principal, from),
      }, principal.actor);
      return { status: 200, body: seenBy(request, await getOrder(trx, orderId)) };
    });
    // Voids of a reject, or the charge of a release from Pre-ordered: after commit, never inside it.
    for (const id of voids) await performLedgerOperation(db, payments, id);
    return reply.code(outcome.status).header('etag', versionEtag(outcome.body.version)).send(outcome.body);
  };

  /** A caller who may move orders out of no stage at all is told so before the body is read (403, not a 400 about it). */
  const mayMoveSomeStage = async (request: FastifyRequest) => {
    const { permissions } = principalOf(request);
    if (!STAGES.some((stage) => permissions.has(stageActPermission(stage)))) {
      throw new AppError('forbidden', 'moving or rejecting orders needs a department\'s act permission (e.g. "shipping:act")');
    }
  };

  r.post('/orders/:orderId/stage', {
    schema: { tags, summary: 'Move to another stage (409 names the allowed targets)', params: OrderIdParams, body: MoveStageBody, response: withProblems({ 200: Order }, 404, 409, 412, 422) },
    config: { permission: 'orders:view' },
    preValidation: mayMoveSomeStage,
  }, async (request, reply) => move(request, reply, request.params.orderId, { ...request.body, to: request.body.stage }));

  r.post('/orders/:orderId/reject', {
    schema: { tags, summary: 'Reject (cancel) an order; it stays searchable', params: OrderIdParams, body: RejectBody, response: withProblems({ 200: Order }, 404, 409, 422) },
    config: { permission: 'orders:view' },
    preValidation: mayMoveSomeStage,
  }, async (request, reply) => move(request, reply, request.params.orderId, { ...request.body, to: 'rejected' }));

  r.post('/orders/:orderId/notes', {
    schema: { tags, summary: 'Append a merchant note', params: OrderIdParams, body: NoteBody, response: withProblems({ 201: Order }, 404) },
    // Whoever works the order's queue may note it (a clerk in Shipping noting an address problem), as may
    // anyone who may edit orders; the order must be one the caller may see, as its page is.
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const mayNote = (stage: Stage) => {
      assertMayViewStage(principal, stage);
      if (!principal.permissions.has('orders:edit') && !mayMoveOrdersOutOf(principal, stage)) {
        throw new AppError('forbidden', `adding a note needs the "orders:edit" permission, or the "${stageActPermission(stage)}" permission of the order's stage`);
      }
    };
    const order = await transact(db, async (trx) => {
      await appendOrderNote(trx, request.params.orderId, request.body.body, principal.actor, Date.now(), mayNote);
      return getOrder(trx, request.params.orderId);
    });
    return reply.code(201).header('etag', versionEtag(order.version)).send(seenBy(request, order));
  });

  r.post('/orders/:orderId/tags', {
    schema: { tags, summary: 'Add tags', params: OrderIdParams, body: TagsBody, response: withProblems({ 200: Order }, 404) },
    config: { permission: 'orders:edit' },
  }, async (request, reply) => {
    const order = await transact(db, async (trx) => {
      await changeOrderTags(trx, request.params.orderId, { add: request.body.tags }, principalOf(request).actor);
      return getOrder(trx, request.params.orderId);
    });
    return reply.header('etag', versionEtag(order.version)).send(seenBy(request, order));
  });

  r.delete('/orders/:orderId/tags/:tag', {
    schema: {
      tags, summary: 'Remove a tag', params: Type.Object({ orderId: Type.String({ maxLength: 60 }), tag: Type.String({ minLength: 1, maxLength: 50 }) }),
      response: withProblems({ 200: Order }, 404),
    },
    config: { permission: 'orders:edit' },
  }, async (request, reply) => {
    const order = await transact(db, async (trx) => {
      await changeOrderTags(trx, request.params.orderId, { remove: [request.params.tag] }, principalOf(request).actor);
      return getOrder(trx, request.params.orderId);
    });
    return reply.header('etag', versionEtag(order.version)).send(seenBy(request, order));
  });

  r.delete('/orders/:orderId', {
    schema: { tags, summary: 'Delete a test order (admin only; real orders are rejected instead)', params: OrderIdParams, response: withProblems({ 204: Type.Null() }, 404, 409) },
    config: { permission: 'orders:delete' },
  }, async (request, reply) => {
    await transact(db, (trx) => deleteTestOrder(trx, request.params.orderId, principalOf(request).actor));
    return reply.code(204).send(null);
  });
}

