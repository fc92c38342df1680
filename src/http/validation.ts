import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { patternMessage } from '../shared/schemas.js';

/*
 * Two validators: bodies are JSON and must match their types exactly ("5" is not a number, unknown
 * fields are refused), while query strings and path parameters arrive as text and are coerced.
 */
function makeAjv(coerce: boolean) {
  const ajv = new Ajv.default({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const queryAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : queryAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

export function addSharedSchema(schema: { $id: string }) {
  for (const ajv of [bodyAjv, queryAjv]) if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema as object);
}

/** Turns the first validation error into a JSON-pointer field and a sentence a person can act on. */
export function describeValidationError(error: ErrorObject, part: string): { field: string; message: string } {
  let field = error.instancePath || '';
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    field = `${field}/${(error.params as { additionalProperty: string }).additionalProperty}`;
    message = 'is not a known field';
  } else if (error.keyword === 'pattern') {
    message = patternMessage((error.params as { pattern: string }).pattern) ?? message;
  } else if (error.keyword === 'required') {
    field = `${field}/${(error.params as { missingProperty: string }).missingProperty}`;
    message = 'is required';
  }
  const prefix = part === 'body' ? '' : `${part}:`;
  return { field: `${prefix}${field || '/'}`, message: `${field || part} ${message}` };
}
