import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
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
    // Every worker reads the same database: across workers the figure is taken once, not added up.
    aggregator: 'first',
    registers: [registry],
    async collect() {
      const counts = await countOrdersByStage(db);
      for (const stage of STAGES) this.set({ stage }, counts.get(stage) ?? 0);
    },
  });
  new Gauge({
    name: 'orderdeck_outbox_backlog',
    help: 'Events written but not yet delivered (the span of their ids: exact while they are delivered in order)',
    aggregator: 'first',
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
  if (cluster.isWorker) {
    // Constructing one installs prom-client's worker side: it answers the primary's collection requests with this registry.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([registry]);
  }
  return registry;
}

export const METRICS_REQUEST = 'orderdeck:metrics';
export const METRICS_REPLY = 'orderdeck:metrics-reply';
let nextRequest = 0;

/**
 * The text a scrape gets. A worker of `serve` (ORDERDECK_WORKERS > 1) asks the primary, which collects
 * every worker's registry and adds them up, so any worker a scrape lands on answers for the whole server.
 */
export async function scrapeMetrics(registry: Registry): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  const id = ++nextRequest;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('metrics collection timed out')), 6000);
    const onMessage = (message: { type?: string; id?: number; text?: string; error?: string }) => {
      if (message?.type === METRICS_REPLY && message.id === id) finish(message.error ? new Error(message.error) : undefined, message.text);
    };
    const finish = (error?: Error, text?: string) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(text ?? '');
    };
    process.on('message', onMessage);
    process.send!({ type: METRICS_REQUEST, id });
  });
}
