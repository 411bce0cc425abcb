/** The bounded `Authorization: Digest` parser (src/modules/digest-header.ts): RFC 9110 auth-params, strictly. */
import { describe, expect, it } from 'vitest';
import { decodeExtValue, MAX_AUTHORIZATION_LENGTH, parseDigestAuthorization, quote } from '../../src/modules/digest-header.js';

const ok = (header: string): Record<string, string> => {
  const r = parseDigestAuthorization(header);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return Object.fromEntries(r.directives);
};
const refused = (header: unknown): string => {
  const r = parseDigestAuthorization(header);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(header)}`);
  return r.reason;
};

describe('parseDigestAuthorization', () => {
  it('reads tokens and quoted strings; names are case-insensitive, values kept as sent', () => {
    expect(ok('Digest username="Mufasa", realm="http-auth@example.org", nc=00000001, qop=auth, algorithm=SHA-256')).toEqual({
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      nc: '00000001',
      qop: 'auth',
      algorithm: 'SHA-256',
    });
    expect(ok('digest USERNAME="A"')).toEqual({ username: 'A' });
    expect(ok('DIGEST\tusername = "a" ,realm="r"')).toEqual({ username: 'a', realm: 'r' });
  });

  it('a comma, an equals sign or a blank inside quotes is data; \\ escapes the next character', () => {
    expect(ok('Digest uri="/a,b=c d", username="say \\"hi\\" \\\\ bye"')).toEqual({ uri: '/a,b=c d', username: 'say "hi" \\ bye' });
  });

  it('empty list elements are allowed (RFC 9110 §5.6.1); unknown directives are kept for the caller to ignore', () => {
    expect(ok('Digest ,username="a",, realm="r",')).toEqual({ username: 'a', realm: 'r' });
    expect(ok('Digest username="a", x-future=1')).toEqual({ username: 'a', 'x-future': '1' });
  });

  it('refuses duplicates, also in another case', () => {
    expect(refused('Digest username="a", USERNAME="b"')).toMatch(/duplicate directive username/);
  });

  it('refuses broken syntax', () => {
    for (const header of [
      'Digest username="a',
      'Digest username="a\\',
      'Digest username',
      'Digest username=',
      'Digest username="a" realm="r"',
      'Digest =a',
      'Digest username="a"; realm="r"',
      'Digest username="a\u0000b"',
      'Digest username="a\nb"',
      'Digest username=a b',
      'Digest',
      'Digest   ',
    ]) {
      expect({ header, reason: refused(header) }).toMatchObject({ header, reason: expect.any(String) });
    }
  });

  it('is not Digest: another scheme, or not a string', () => {
    expect(refused('Basic YWxpY2U6cHc=')).toBe('not the Digest scheme');
    expect(refused('Digestusername="a"')).toBe('not the Digest scheme');
    expect(refused(undefined)).toBe('not a string');
  });

  it('refuses more than 32 directives, and a header over the size limit without scanning it', () => {
    const many = `Digest ${Array.from({ length: 33 }, (_, i) => `d${i}=1`).join(', ')}`;
    expect(refused(many)).toBe('too many directives');
    expect(refused(`Digest username="${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}"`)).toBe('too long');
  });
});

describe('helpers', () => {
  it('quote escapes " and \\', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(ok(`Digest realm=${quote('a"b\\c')}`)).toEqual({ realm: 'a"b\\c' });
  });

  it("decodeExtValue reads RFC 8187 UTF-8''… and refuses other charsets and invalid UTF-8", () => {
    expect(decodeExtValue("UTF-8''J%C3%A4s%C3%B8n%20Doe")).toBe('Jäsøn Doe');
    expect(decodeExtValue("utf-8'en'abc")).toBe('abc');
    expect(decodeExtValue("ISO-8859-1''J%E4")).toBeUndefined();
    expect(decodeExtValue("UTF-8''%E4")).toBeUndefined();
    expect(decodeExtValue("UTF-8''a b")).toBeUndefined();
    expect(decodeExtValue('abc')).toBeUndefined();
  });
});
