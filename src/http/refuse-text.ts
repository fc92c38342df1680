import type { FastifyInstance } from 'fastify';
import { findRefusedText, type RefusedText, type TextChecks } from '../shared/request-text.js';
import { sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only the card vault may receive a card number. */
    acceptsCardNumber?: boolean;
    /**
     * A signed message from the gateway: its text is what the gateway sent (a chargeback's reason may quote
     * anything), so a card number in it is redacted where the message is stored (payments/gateway), not
     * refused — refusing would drop the event, and the gateway cannot word it differently.
     */
    redactsCardNumbers?: boolean;
  }
}

const IN_URL: TextChecks = { cardNumbers: true, characters: true, keys: true };
const IN_BODY: TextChecks = { cardNumbers: true, characters: true };
const IN_VAULT_BODY: TextChecks = { cardNumbers: false, characters: true };

const hex = (codeUnit: number) => `U+${codeUnit.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Before the schema or any handler sees a request, its text is checked once (shared/request-text.ts):
 * no card number outside the vault, no control character, no unpaired surrogate. The query string is
 * part of the URL, which an Idempotency-Key's record stores and proxies log, so it holds no card number
 * on any API route, the vault's included (it takes a card in the body only); a path parameter neither,
 * as a 404 would repeat it. Fastify's own request log line has the path only (loggerOptions in app.ts).
 * Web app pages are left alone: their URLs carry the order list's search state, the page only loads,
 * and the API call it then makes is refused here with a message the page shows.
 */
export function registerTextChecks(app: FastifyInstance) {
  app.addHook('preValidation', async (request, reply) => {
    const api = request.url.startsWith('/api/');
    const inUrl = api ? inPart(request.query, 'querystring') ?? inPart(request.params, 'params') : undefined;
    if (inUrl) {
      const { status, code, detail } = problemFor(inUrl.found, inUrl.named, 'a card number may not be sent in a URL; send its token instead');
      return sendProblem(reply, status, code, detail, { field: inUrl.field });
    }
    if (request.body === undefined) return;
    const { acceptsCardNumber, redactsCardNumbers } = request.routeOptions.config;
    const found = findRefusedText(request.body, acceptsCardNumber || redactsCardNumbers ? IN_VAULT_BODY : IN_BODY);
    if (found) {
      const { status, code, detail } = problemFor(found, found.field, 'a card number may only be sent to the card vault; send its token instead');
      return sendProblem(reply, status, code, detail, { field: found.field });
    }
  });
}

/**
 * The query or path parameter at fault, named as validation errors name one (`querystring:/name`,
 * `params:/orderId`), or undefined. A fault in a parameter's name is reported as the part as a whole,
 * so the answer does not repeat it.
 */
function inPart(parts: unknown, part: 'querystring' | 'params'): { found: RefusedText; field: string; named: string } | undefined {
  if (!parts || typeof parts !== 'object') return undefined;
  const found = findRefusedText(parts, IN_URL);
  if (!found) return undefined;
  return found.field === '/' ? { found, field: part, named: part } : { found, field: `${part}:${found.field}`, named: found.field };
}

/** The problem for a finding; `named` is the field as a sentence names it, as describeValidationError does. */
function problemFor({ fault }: RefusedText, named: string, cardNumberDetail: string) {
  if (fault.kind === 'card_number') return { status: 400, code: 'card_number_refused', detail: cardNumberDetail };
  const detail = fault.kind === 'control_character'
    ? `${named} holds a control character (${hex(fault.codeUnit)}); text may hold line breaks and tabs, but no other control character`
    : `${named} holds an unpaired UTF-16 surrogate (${hex(fault.codeUnit)}), which is not a character; send the text as valid Unicode`;
  return { status: 400, code: 'validation_failed', detail };
}
