/**
 * What `describe()` (and so the inspector) shows of a template's options: a module's declared `secretOptions` are
 * masked as declared; for a module that declares none, any option whose name has a secret-like word is masked
 * (`key`, `signingKey`, `client_secret`, `pwd`, …); the built-in modules take no secrets and show everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policies } from '../../src/policy/index.js';
import type { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { setup } from './helpers.js';

const passing = () => ({ authenticate(this: { pass(): void }) { this.pass(); } }) as never;

let policies: Policies;
let state: MemoryStateStore;

beforeAll(async () => {
  ({ policies, state } = await setup({
    moduleFactories: {
      Undeclared: passing,
      Declared: { optionKeys: ['pin', 'key', 'label'], secretOptions: ['pin'], create: passing },
    },
  }));
}, 60_000);
afterAll(() => state.close());

const optionsShown = (template: string, index = 0) => policies.describe().templates.find((t) => t.name === template)!.modules[index]!.options;

describe('describe() masks secret options', () => {
  it('masks every option of an undeclared module whose name has a secret-like word, and only those', () => {
    const options = {
      key: 'k-1',
      signingKey: 'k-2',
      client_secret: 'k-3',
      'api-token': 'k-4',
      pwd: 'k-5',
      hmacSalt: 'k-6',
      keyPrefix: 'k-7',
      label: 'shown',
      realm: 'shown too',
      monkey: 'a word that merely contains "key"',
    };
    policies.defineTemplate({ name: 'undeclared', modules: [{ module: 'Undeclared', flag: 'OPTIONAL', options }] });
    expect(optionsShown('undeclared')).toEqual({
      key: '***',
      signingKey: '***',
      client_secret: '***',
      'api-token': '***',
      pwd: '***',
      hmacSalt: '***',
      keyPrefix: '***',
      label: 'shown',
      realm: 'shown too',
      monkey: 'a word that merely contains "key"',
    });
    expect(JSON.stringify(policies.describe())).not.toMatch(/k-\d/);
  });

  it("takes a module's own declaration as it is", () => {
    policies.defineTemplate({ name: 'declared', modules: [{ module: 'Declared', flag: 'OPTIONAL', options: { pin: '1234', key: 'public-key-id', label: 'x' } }] });
    expect(optionsShown('declared')).toEqual({ pin: '***', key: 'public-key-id', label: 'x' });
  });

  it('shows the options of built-in modules, which hold no secrets', () => {
    policies.defineTemplate({ name: 'digest-like', modules: [{ module: 'BasicPassword', flag: 'REQUIRED', options: { passwordField: 'pw', usernameField: 'user' } }] });
    expect(optionsShown('digest-like')).toEqual({ passwordField: 'pw', usernameField: 'user' });
  });

  it('refuses a secretOptions or optionKeys that is not an array of names, naming it', async () => {
    await expect(setup({ moduleFactories: { Bad: { create: passing, secretOptions: 'pin' as never } } })).rejects.toThrow(
      new TypeError("createPolicies: moduleFactories['Bad'].secretOptions must be an array of option names"),
    );
    await expect(setup({ moduleFactories: { Bad: { create: passing, optionKeys: [1] as never } } })).rejects.toThrow(/moduleFactories\['Bad'\]\.optionKeys/);
  });
});
