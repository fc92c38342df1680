import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/database.js';
import { countOrdersByStage } from '../orders/orders.repository.js';
import { countPendingEvents } from '../outbox/outbox.repository.js';
import { STAGES } from '../stages/stages.js';

/** A registry per app instance, so tests can build many apps without metrics colliding. */
export function createMetrics(app: FastifyInstance, db: Db): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const latency = new Histogram({
    name: 'orderdeck_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requests = new Counter({ name: 'orderdeck_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });

  new Gauge({
    name: 'orderdeck_orders_by_stage',
    help: 'Orders per stage (maintained counts)',
    labelNames: ['stage'],
    registers: [registry],
    async collect() {
      const counts = await countOrdersByStage(db);
      for (const stage of STAGES) this.set({ stage }, counts.get(stage) ?? 0);
    },
  });
  new Gauge({
    name: 'orderdeck_outbox_backlog',
    help: 'Events written but not yet delivered',
    registers: [registry],
    async collect() {
      this.set(await countPendingEvents(db));
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so label cardinality stays bounded.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    latency.observe(labels, reply.elapsedTime / 1000);
    requests.inc(labels);
  });
  return registry;
}
