import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { visibleStages } from '../auth/stage-access.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { withProblems } from '../shared/schemas.js';
import { DashboardOut, DashboardQuery } from './dashboard.schemas.js';
import { getDashboard } from './get-dashboard.js';

const tags = ['Dashboard'];

export async function dashboardRoutes(app: FastifyInstance, { db }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/dashboard', {
    schema: {
      tags, summary: 'Orders and revenue per day for the last 30 UTC days, and per stage its count and longest-waiting order',
      querystring: DashboardQuery, response: withProblems({ 200: DashboardOut }),
    },
    config: { permission: 'orders:view' },
  }, async (request) => getDashboard(db, visibleStages(principalOf(request))));
}
