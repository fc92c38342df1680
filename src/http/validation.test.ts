import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { SingleLineText, ShortText } from '../shared/schemas.js';
import { Sku } from '../catalog/catalog.schemas.js';
import { describeValidationError, validatorCompiler } from './validation.js';

const compile = (schema: object) => validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '/' }) as unknown as
  ((data: unknown) => boolean) & { errors?: Parameters<typeof describeValidationError>[0][] | null };

describe('refusals of a pattern say what is wrong, not the expression', () => {
  it('one-line text refuses tabs and line breaks; free text keeps them', () => {
    const validate = compile(Type.Object({ firstName: SingleLineText(100), note: ShortText(500) }));
    expect(validate({ firstName: 'Ada Lovelace', note: 'line 1\r\n\tline 2' })).toBe(true);
    for (const firstName of ['Ada\nLovelace', 'Ada\rLovelace', 'Ada\tLovelace', 'Ada\u2028Lovelace']) {
      expect(validate({ firstName, note: 'x' }), JSON.stringify(firstName)).toBe(false);
      expect(describeValidationError(validate.errors![0]!, 'body')).toEqual({
        field: '/firstName', message: '/firstName must be a single line, without tabs or line breaks',
      });
    }
  });

  it('a SKU that could not name its item in a URL', () => {
    const validate = compile(Type.Object({ sku: Sku }));
    for (const sku of ['.', '..', 'A/B', 'A B']) {
      expect(validate({ sku }), sku).toBe(false);
      expect(describeValidationError(validate.errors![0]!, 'body').message).toBe('/sku must have no whitespace or "/", and not be "." or "..", so that it can name the item in a URL');
    }
    for (const sku of ['...', '.A', 'A..', 'Q?#%\\;']) expect(validate({ sku }), sku).toBe(true);
  });
});
