import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { transact } from '../db/transact.js';
import type { AppContext } from '../http/context.js';
import { withProblems } from '../shared/schemas.js';
import { openVaultKeyring } from './open-keyring.js';
import { storeCard } from './store-card.js';
import { StoredCardOut, StoreCardBody } from './vault.schemas.js';

const tags = ['Card vault'];

export async function vaultRoutes(app: FastifyInstance, { db, config }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Nothing is read from disk yet: a key file is made on the first card, not on every start.
  const keys = openVaultKeyring(config);

  /*
   * The one route that takes a card number. No Idempotency-Key here, on purpose: the idempotency table
   * keeps an unkeyed hash of the request body, and a hash of a card number is found again by trying the
   * few candidates. A retried request makes a second token, which costs a row and charges nothing.
   */
  r.post('/vault/cards', {
    schema: {
      tags, summary: 'Store a card; answers its token, brand, last four digits and expiry',
      description: 'Checks the number (digits, length by brand, check digit), the expiry and the security code, then keeps the card encrypted. '
        + 'The security code is never stored. Every call gives a new token; `Idempotency-Key` is not honoured here (a retry makes another token, which charges nothing).',
      body: StoreCardBody, response: withProblems({ 201: StoredCardOut }),
    },
    config: { permission: 'orders:create', acceptsCardNumber: true },
  }, async (request, reply) => {
    const card = await transact(db, (trx) => storeCard(trx, keys, request.body));
    return reply.code(201).header('cache-control', 'no-store').send(card);
  });
}
