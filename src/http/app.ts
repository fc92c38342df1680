import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { createMetrics } from '../ops/metrics.js';
import { createPaymentServices, type PaymentServices } from '../payments/payment-services.js';
import { openVaultKeyring } from '../vault/open-keyring.js';
import { containsCardNumber, redactCardNumbers } from '../shared/card-number.js';
import { Problem } from '../shared/schemas.js';
import { OrderListItem, OrderOut } from '../orders/orders.schemas.js';
import { registerAuthentication } from './authenticate.js';
import { registerJsonBodies } from './json-body.js';
import { registerResponseStorage } from './idempotency.js';
import { completeOpenApi, refResolver } from './openapi.js';
import { answerFrameworkError, registerErrorHandling, registerShutdownRefusal } from './problem.js';
import { registerTextChecks } from './refuse-text.js';
import { API_ROUTES } from './routes.js';
import { registerWebApp } from './web-app.js';
import { addSharedSchema, validatorCompiler } from './validation.js';

export interface BuildAppOptions {
  config: Config;
  db: Db;
  /** Fastify logger options; false in tests. */
  logger?: FastifyServerOptions['logger'];
  /** The gateway and vault keys the payment step uses; by default the vault keys from `config` and no gateway until one is connected. */
  payments?: PaymentServices;
}

/**
 * Log lines carry ids, never secrets or personal data: a request is logged by method and path only,
 * because query strings hold searched emails, names and phone numbers (and a card number there is
 * refused, see authenticate.ts); no headers, no client address; pay-link tokens and any card number
 * in the path are masked.
 */
export const loggerOptions = (level: string): FastifyServerOptions['logger'] => ({
  level,
  serializers: {
    // A pay link's token is a bearer credential for paying an order: it never reaches the log.
    req: (req: { method: string; url: string }) => ({ method: req.method, path: loggedPath(req.url.split('?')[0]!.replace(/\/pay\/[^/]+/, '/pay/[token]')) }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
});

/**
 * The path as logged: as it came, unless it holds a card number (a path parameter, a mistyped URL),
 * looked for with ASCII escapes decoded ("4111%201111…" is "4111 1111…"); then that, with the number masked.
 */
function loggedPath(path: string): string {
  const decoded = path.includes('%') ? path.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : path;
  return containsCardNumber(decoded) ? redactCardNumbers(decoded) : path;
}

export async function buildApp({ config, db, logger = false, payments = createPaymentServices(openVaultKeyring(config)) }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // The router counts a parameter in UTF-16 units (default limit 100), a schema's maxLength in characters:
    // a 100-character SKU of emoji is 200 units, and anything the API creates must be addressable.
    routerOptions: { maxParamLength: 200 },
    // A path the router cannot decode (`%FF`) is refused as problem+json with the request id, like any other.
    frameworkErrors: answerFrameworkError,
    // Requests during shutdown are refused as problem+json by registerShutdownRefusal instead.
    return503OnClosing: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  for (const schema of [Problem, OrderOut, OrderListItem]) {
    addSharedSchema(schema as unknown as { $id: string });
    app.addSchema(schema);
  }
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerShutdownRefusal(app);
  registerErrorHandling(app);
  registerResponseStorage(app, db);
  registerJsonBodies(app);
  await app.register(cookie);
  await app.register(rateLimit, { max: config.rateLimitPerMinute, timeWindow: 60_000 });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Orderdeck API', version: '1', description: 'Order management back office. Authenticate with a session cookie (web UI) or `Authorization: Bearer <api key>`.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'orderdeck_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
    refResolver,
    transformObject: completeOpenApi,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: true } });
  registerAuthentication(app, db);
  registerTextChecks(app);
  const registry = createMetrics(app, db);

  await app.register(async (api) => {
    api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
    for (const routes of API_ROUTES) await api.register(routes, { db, config, registry, payments });
  }, { prefix: '/api/v1' });

  await registerWebApp(app);

  return app;
}
