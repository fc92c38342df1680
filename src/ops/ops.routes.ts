import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { dialectName } from '../db/database.js';
import type { AppContext } from '../http/context.js';
import { scrapeMetrics } from './metrics.js';

export async function opsRoutes(app: FastifyInstance, { db, registry }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/health', {
    schema: {
      tags: ['Operations'], summary: 'Liveness and database reachability (no authentication)',
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }), 503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String() }) },
    },
    // A load balancer's probe shares an address with real traffic (or a proxy's): rate limited, it would
    // report a busy but healthy instance down.
    config: { public: true, rateLimit: false },
  }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db);
      return { status: 'ok' as const, database: dialectName(db) };
    } catch {
      return reply.code(503).send({ status: 'unavailable' as const, database: dialectName(db) });
    }
  });

  r.get('/metrics', {
    schema: { tags: ['Operations'], summary: 'Prometheus metrics', produces: ['text/plain'] },
    config: { permission: 'metrics:view' },
  }, async (_request, reply) => reply.type(registry.contentType).send(await scrapeMetrics(registry)));
}
