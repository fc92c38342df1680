import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readerOf } from '../db/database.js';
import { transact } from '../db/transact.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { runInTransaction } from '../http/idempotency.js';
import { expectedVersionOf, versionEtag } from '../http/versioning.js';
import { notFound } from '../shared/errors.js';
import { withProblems } from '../shared/schemas.js';
import { createSavedView } from './create-saved-view.js';
import { deleteSavedView } from './delete-saved-view.js';
import { toSavedViewDto } from './saved-views.mapper.js';
import { findSavedView, listSavedViewRows } from './saved-views.repository.js';
import { CreateSavedViewBody, NoQuery, SavedViewIdParams, SavedViewList, SavedViewListQuery, SavedViewOut, UpdateSavedViewBody } from './saved-views.schemas.js';
import { updateSavedView } from './update-saved-view.js';

const tags = ['Saved views'];

/** A user's own named views of the order lists. An API key acts as the user it belongs to. */
export async function savedViewRoutes(app: FastifyInstance, { db, config }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // A view of the order list is checked against the search it opens with, which reads order ids with this prefix.
  const searchSettings = { orderNumberPrefix: config.orderNumberPrefix };
  const reader = readerOf(db);

  r.get('/saved-views', {
    schema: { tags, summary: 'Your saved views, optionally of one scope', querystring: SavedViewListQuery, response: withProblems({ 200: SavedViewList }) },
    config: { permission: 'orders:view' },
  }, async (request) => ({ items: (await listSavedViewRows(reader, principalOf(request).userId, request.query.scope)).map(toSavedViewDto) }));

  r.get('/saved-views/:id', {
    schema: { tags, summary: 'One of your saved views; the ETag is its version', params: SavedViewIdParams, querystring: NoQuery, response: withProblems({ 200: SavedViewOut }, 404) },
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    const row = await findSavedView(reader, principalOf(request).userId, request.params.id);
    if (!row) throw notFound('saved view', request.params.id);
    return reply.header('etag', versionEtag(row.version)).send(toSavedViewDto(row));
  });

  r.post('/saved-views', {
    schema: { tags, summary: 'Save a view (409 "duplicate" if you have one of that name in the scope)', querystring: NoQuery, body: CreateSavedViewBody, response: withProblems({ 201: SavedViewOut }, 409) },
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    const userId = principalOf(request).userId;
    const outcome = await runInTransaction(db, request, reply, async (trx) => ({
      status: 201, body: toSavedViewDto(await createSavedView(trx, userId, request.body, searchSettings)),
    }));
    return reply.code(201).header('location', `/api/v1/saved-views/${outcome.body.id}`).header('etag', versionEtag(outcome.body.version)).send(outcome.body);
  });

  r.patch('/saved-views/:id', {
    schema: {
      tags, summary: 'Rename a view or change its search or columns; needs If-Match or version',
      params: SavedViewIdParams, querystring: NoQuery, body: UpdateSavedViewBody, response: withProblems({ 200: SavedViewOut }, 404, 409, 412, 428),
    },
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    const expected = expectedVersionOf(request, request.body.version);
    const row = await transact(db, (trx) => updateSavedView(trx, principalOf(request).userId, request.params.id, request.body, expected, searchSettings));
    return reply.header('etag', versionEtag(row.version)).send(toSavedViewDto(row));
  });

  r.delete('/saved-views/:id', {
    schema: { tags, summary: 'Delete one of your saved views', params: SavedViewIdParams, querystring: NoQuery, response: withProblems({ 204: Type.Null() }, 404, 412) },
    config: { permission: 'orders:view' },
  }, async (request, reply) => {
    await transact(db, (trx) => deleteSavedView(trx, principalOf(request).userId, request.params.id, expectedVersionOf(request)));
    return reply.code(204).send(null);
  });
}
