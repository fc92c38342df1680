import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { readerOf } from '../db/database.js';
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
      tags, summary: 'Search and list orders (View All Orders, Review Orders), one keyset page at a time',
      querystring: SearchOrdersQuery, response: withProblems({ 200: OrderPage }),
    },
    config: { permission: 'orders:view' },
  }, async (request) => findOrders(db, request.query, settings));

  r.get('/stages', {
    schema: { tags, summary: 'Every stage with its label and how many orders are in it', response: withProblems({ 200: StageCountsOut }) },
    config: { permission: 'orders:view' },
  }, async () => listStageCounts(db));
}
