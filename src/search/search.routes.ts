import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { visibleStages } from '../auth/stage-access.js';
import { readerOf } from '../db/database.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { OrderPage } from '../orders/orders.schemas.js';
import { withProblems } from '../shared/schemas.js';
import { findOrders } from './find-orders.js';
import { listStageCounts } from './list-stage-counts.js';
import { SearchOrdersQuery, StageCountsOut } from './search.schemas.js';

const tags = ['Search'];

export async function searchRoutes(app: FastifyInstance, { db: writer, config }: AppContext) {
  const db = readerOf(writer);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings = { orderNumberPrefix: config.orderNumberPrefix };

  r.get('/orders', {
    schema: {
      tags, summary: 'Search and list orders (View All Orders, Review Orders), one keyset page at a time; only stages the caller may view (403 for a stage filter naming another)',
      querystring: SearchOrdersQuery, response: withProblems({ 200: OrderPage }),
    },
    config: { permission: 'orders:view' },
  }, async (request) => findOrders(db, request.query, settings, principalOf(request), visibleStages(principalOf(request))));

  r.get('/stages', {
    schema: { tags, summary: 'Every stage the caller may view, with its label and how many orders are in it', response: withProblems({ 200: StageCountsOut }) },
    config: { permission: 'orders:view' },
  }, async (request) => listStageCounts(db, visibleStages(principalOf(request))));
}
