import { describe, expect, it } from 'vitest';
import { findRefusedText, findTextFault, MAX_BODY_DEPTH } from './request-text.js';

const control = (codeUnit: number) => ({ kind: 'control_character', codeUnit });

describe('text a request may not carry', () => {
  it('refuses C0 control characters but tab, line feed and carriage return; DEL; C1', () => {
    for (let c = 0; c <= 0x1f; c++) {
      const text = `Ada${String.fromCharCode(c)}Lovelace`;
      expect(findTextFault(text), `U+${c.toString(16)}`).toEqual([9, 10, 13].includes(c) ? undefined : control(c));
    }
    expect(findTextFault('x\u007f')).toEqual(control(0x7f));
    expect(findTextFault('\u0080 first C1')).toEqual(control(0x80));
    expect(findTextFault('NEL \u0085 and the last \u009f')).toEqual(control(0x85));
  });

  it('accepts multi-line text and any real character, astral ones included', () => {
    for (const text of ['Leave at the back door.\r\nRing twice.\n\tThanks', 'Zoë Ångström, Łódź', '東京都千代田区', 'gift 🎁 for 👩🏽‍💻', '\u00a0\u00a0 no-break', '\u2028\u2029', '']) {
      expect(findTextFault(text), text).toBeUndefined();
    }
  });

  it('refuses an unpaired surrogate, high or low, alone or out of order', () => {
    expect(findTextFault('ab\ud800')).toEqual({ kind: 'lone_surrogate', codeUnit: 0xd800 });
    expect(findTextFault('\udfff tail')).toEqual({ kind: 'lone_surrogate', codeUnit: 0xdfff });
    expect(findTextFault('\ude00\ud83d')).toEqual({ kind: 'lone_surrogate', codeUnit: 0xde00 }); // a pair the wrong way round
    expect(findTextFault(JSON.parse('"\\ud83d\\ude00"'))).toBeUndefined(); // an escaped pair is a character
  });

  it('names the field at fault as a JSON pointer, in a key at the object holding it', () => {
    const body = { billing: { firstName: 'Ada', lastName: 'Love\u0000lace' }, notes: ['fine\n', 'bell\u0007'], tags: ['a', 'b'] };
    expect(findRefusedText(body)).toEqual({ field: '/billing/lastName', fault: control(0) });
    expect(findRefusedText({ items: [{ sku: 'A' }, { sku: 'B\u0085' }] })?.field).toBe('/items/1/sku');
    expect(findRefusedText({ customFields: { 'cus\u0001tom1': 'x' } })?.field).toBe('/customFields');
    expect(findRefusedText({ 'a/b': { '~c': '\u001b[31m' } })?.field).toBe('/a~1b/~0c');
    expect(findRefusedText('\u0000')?.field).toBe('/');
    expect(findRefusedText({ ok: 'text', n: 12, b: true, z: null })).toBeUndefined();
  });

  it('looks for card numbers in the same walk, first fault first, and can leave them to the vault', () => {
    const pan = '4111 1111 1111 1111';
    expect(findRefusedText({ a: `card ${pan}`, b: '\u0000' })).toEqual({ field: '/a', fault: { kind: 'card_number' } });
    expect(findRefusedText({ a: '\u0000', b: pan })).toEqual({ field: '/a', fault: control(0) });
    expect(findRefusedText({ n: 4111111111111111 })).toEqual({ field: '/n', fault: { kind: 'card_number' } });
    expect(findRefusedText({ [pan]: 1 })).toEqual({ field: '/', fault: { kind: 'card_number' } });
    expect(findRefusedText({ number: pan }, { cardNumbers: false, characters: true })).toBeUndefined();
    expect(findRefusedText({ number: pan, holderName: 'A\u0000' }, { cardNumbers: false, characters: true })?.field).toBe('/holderName');
    expect(findRefusedText({ holderName: 'A\u0000' }, { cardNumbers: true, characters: false })).toBeUndefined();
  });

  it('refuses a value nested too deep, naming where, before walking it', () => {
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(() => findRefusedText(deep)).toThrow(expect.objectContaining({ code: 'validation_failed', field: '/0'.repeat(MAX_BODY_DEPTH) }));
  });
});
