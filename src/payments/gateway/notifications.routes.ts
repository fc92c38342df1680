import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../http/context.js';
import { AppError } from '../../shared/errors.js';
import { SIGNATURE_HEADER } from './signature.js';
import { receiveGatewayNotification } from './notifications.js';

const tags = ['Payments'];
const Ack = Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() });

export async function gatewayNotificationRoutes(app: FastifyInstance, { db, config, payments }: AppContext) {
  // The signature covers the exact bytes sent, so this route (and only this plugin) keeps the raw body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/payments/notifications/sandbox', {
    schema: {
      tags,
      summary: 'Signed notifications (cleared, failed, chargeback) from the gateway Orderdeck charges through, in the sandbox protocol; authenticated by the Sandbox-Signature header',
      response: { 200: Ack, 400: Type.Ref('Problem'), 401: Type.Ref('Problem'), 503: Type.Ref('Problem') },
    },
    config: { public: true, redactsCardNumbers: true },
  }, async (request) => {
    if (!config.gatewaySecret) throw new AppError('unavailable', 'no gateway secret is configured');
    const signature = request.headers[SIGNATURE_HEADER];
    // The payments were recorded under the name of the gateway they went through: the in-process sandbox,
    // or a configured one speaking the same protocol (ORDERDECK_GATEWAY_URL, e.g. `orderdeck sandbox-gateway`).
    const result = await receiveGatewayNotification(db, {
      gateway: payments.gatewayName(), secret: config.gatewaySecret, signature: typeof signature === 'string' ? signature : undefined,
      body: typeof request.body === 'string' ? request.body : '', log: request.log,
    });
    if (result.status === 'bad_signature') {
      request.log.warn({ reason: result.reason }, 'gateway notification refused: bad signature');
      throw new AppError('unauthenticated', 'the notification signature is missing, wrong or too old');
    }
    if (result.status === 'invalid') throw new AppError('validation_failed', result.reason, { field: '/' });
    return { received: true, duplicate: result.status === 'duplicate' };
  });
}
