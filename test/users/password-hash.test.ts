import { describe, expect, it } from 'vitest';
import { dummyHash, hashPassword, needsRehash, verifyPasswordHash } from '../../src/users/password-hash.js';

describe('password hashes (scrypt, PHC-like string)', () => {
  it('default parameters: $scrypt$ln=15,r=8,p=1$salt$hash, salted, verifiable', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPasswordHash('correct horse battery staple', a)).toBe(true);
    expect(await verifyPasswordHash('correct horse battery stapler', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('verification reads the parameters from the string', async () => {
    const cheap = await hashPassword('pw', { ln: 4, r: 8, p: 1 });
    expect(cheap.startsWith('$scrypt$ln=4,r=8,p=1$')).toBe(true);
    expect(await verifyPasswordHash('pw', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
  });

  it('Unicode passwords are compared after NFC normalization', async () => {
    const hash = await hashPassword('caf\u00e9', { ln: 4, r: 8, p: 1 });
    expect(await verifyPasswordHash('cafe\u0301', hash)).toBe(true);
  });

  it('malformed hashes and over-long passwords never match', async () => {
    expect(await verifyPasswordHash('pw', 'plaintext')).toBe(false);
    expect(await verifyPasswordHash('pw', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA')).toBe(false);
    const hash = await hashPassword('pw', { ln: 4, r: 8, p: 1 });
    expect(await verifyPasswordHash('x'.repeat(5000), hash)).toBe(false);
  });

  it('the dummy hash is made once per parameter set', async () => {
    const params = { ln: 5, r: 8, p: 1 };
    expect(await dummyHash(params)).toBe(await dummyHash({ ...params }));
    expect(await dummyHash(params)).toMatch(/^\$scrypt\$ln=5,/);
  });

  it('rejects bad parameters and passwords with a TypeError', async () => {
    await expect(hashPassword('pw', { ln: 0, r: 8, p: 1 })).rejects.toThrow(/hashParams.ln/);
    await expect(hashPassword('pw', { ln: 4, r: 8, p: 1, x: 1 } as never)).rejects.toThrow(/unknown hashParams option "x"/);
    await expect(hashPassword('')).rejects.toThrow(/password/);
  });
});
