import type { ErrorObject } from 'ajv';
import { describeValidationError, validatorCompiler } from '../http/validation.js';
import { type SearchSettings, toOrderSearch } from '../search/find-orders.js';
import { SearchOrdersQuery, type SearchOrdersQueryT } from '../search/search.schemas.js';
import { AppError, invalid } from '../shared/errors.js';

/** The scopes whose views open with the order search (GET /orders), so their query must be one it takes. */
const SEARCH_SCOPES = new Set(['orders']);

/** The order search's own query validator: the same compiler and schema as its route (coercion, defaults). */
const validateSearchQuery = validatorCompiler({ schema: SearchOrdersQuery, method: 'GET', url: '/orders', httpPart: 'querystring' }) as
  ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * A view that can never open is worse than none: the user saves it, and finds out only when the list
 * refuses it. So a query for the order search is checked when saved, by the search's own rules (its
 * schema, then what toOrderSearch checks beyond it), and refused with the search's words, at /query.
 * Only when the query is written: views saved before this check are left as they are.
 */
export function checkSavedViewQuery(scope: string, query: string, settings: SearchSettings): void {
  if (!SEARCH_SCOPES.has(scope)) return;
  const parsed = parseQueryString(query);
  if (!validateSearchQuery(parsed)) {
    const error = validateSearchQuery.errors?.[0];
    throw invalid('/query', error ? describeValidationError(error, 'querystring').message : 'is not a search the order list takes');
  }
  try {
    toOrderSearch(parsed as SearchOrdersQueryT, settings);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') {
      throw invalid('/query', `${error.field?.replace(/^querystring:/, '') ?? ''} ${error.message}`.trim());
    }
    throw error;
  }
}

/**
 * As the server parses a request's query string (fast-querystring, Fastify's default): values decoded,
 * "+" a space, a name given twice a list.
 */
function parseQueryString(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const had = out[name];
    out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}
