import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { transact } from '../db/transact.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { expectedVersionOf, versionEtag } from '../http/versioning.js';
import { runInTransaction } from '../http/idempotency.js';
import { countWaitingOrders } from '../preorders/preorders.repository.js';
import { notFound } from '../shared/errors.js';
import { withProblems } from '../shared/schemas.js';
import { toCatalogItemDto } from './catalog.mapper.js';
import { findItemBySku } from './catalog.repository.js';
import { CatalogItemOut, CatalogItemPage, CreateItemBody, ItemListQuery, SkuParams, UpdateItemBody } from './catalog.schemas.js';
import { createItem } from './create-item.js';
import { deleteItem } from './delete-item.js';
import { listItems } from './find-items.js';
import { updateItem } from './update-item.js';

const tags = ['Catalog'];
const itemUrl = (sku: string) => `/api/v1/items/${encodeURIComponent(sku)}`;


export async function catalogRoutes(app: FastifyInstance, { db }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/items', {
    schema: { tags, summary: 'Catalog items, a keyset page at a time', querystring: ItemListQuery, response: withProblems({ 200: CatalogItemPage }) },
    config: { permission: 'catalog:view' },
  }, async (request) => listItems(db, request.query));

  r.get('/items/:sku', {
    schema: { tags, summary: 'One catalog item, with the pre-orders waiting on it; the ETag is its version', params: SkuParams, response: withProblems({ 200: CatalogItemOut }, 404) },
    config: { permission: 'catalog:view' },
  }, async (request, reply) => {
    const row = await findItemBySku(db, request.params.sku);
    if (!row) throw notFound('catalog item', request.params.sku);
    // Only here: one indexed count for the item on screen, not one per row of a list page.
    const waitingPreorders = await countWaitingOrders(db, row.sku);
    return reply.header('etag', versionEtag(row.version)).send({ ...toCatalogItemDto(row), waitingPreorders });
  });

  r.post('/items', {
    schema: { tags, summary: 'Add an item (409 if the SKU exists)', body: CreateItemBody, response: withProblems({ 201: CatalogItemOut }, 409, 422) },
    config: { permission: 'catalog:edit' },
  }, async (request, reply) => {
    const actor = principalOf(request).actor;
    const outcome = await runInTransaction(db, request, reply, async (trx) => ({
      status: 201, body: toCatalogItemDto(await createItem(trx, request.body, actor)),
    }));
    return reply.code(201).header('location', itemUrl(outcome.body.sku)).header('etag', versionEtag(outcome.body.version)).send(outcome.body);
  });

  r.patch('/items/:sku', {
    schema: {
      tags, summary: 'Edit an item; needs If-Match or version. Existing orders keep their copy.',
      params: SkuParams, body: UpdateItemBody, response: withProblems({ 200: CatalogItemOut }, 404, 409, 412, 428),
    },
    config: { permission: 'catalog:edit' },
  }, async (request, reply) => {
    const expected = expectedVersionOf(request, request.body.version);
    const row = await transact(db, (trx) => updateItem(trx, request.params.sku, request.body, expected, principalOf(request).actor));
    return reply.header('etag', versionEtag(row.version)).send(toCatalogItemDto(row));
  });

  r.delete('/items/:sku', {
    schema: { tags, summary: 'Remove an item; orders that have it are not touched', params: SkuParams, response: withProblems({ 204: Type.Null() }, 404, 412) },
    config: { permission: 'catalog:edit' },
  }, async (request, reply) => {
    await transact(db, (trx) => deleteItem(trx, request.params.sku, expectedVersionOf(request), principalOf(request).actor));
    return reply.code(204).send(null);
  });
}
