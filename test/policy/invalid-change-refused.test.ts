import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policies, Template } from '../../src/policy/index.js';
import type { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { app, basicAuth, cookieOf, setup } from './helpers.js';

// A refused change (unknown module, flag or option; broken file) leaves the old policy serving.
let policies: Policies;
let state: MemoryStateStore;
let dir: string;
let server: ReturnType<typeof app>;

beforeAll(async () => {
  ({ policies, state } = await setup({
    moduleFactories: {
      Echo: {
        optionKeys: ['clientSecret', 'label'],
        create: () => ({ authenticate(this: { pass(): void }) { this.pass(); } }) as never,
      },
    },
  }));
  server = app({ '/a': policies.protect('ticket') });
  dir = await mkdtemp(join(tmpdir(), 'ticketstack-policy-'));
}, 60_000);
afterAll(async () => {
  await state.close();
  await rm(dir, { recursive: true, force: true });
});

const stillTicket = async (): Promise<void> => {
  const res = await request(server).get('/a').set('Authorization', basicAuth('alice', 'correct horse'));
  expect(res.status).toBe(200);
  expect(cookieOf(res)).toBeDefined();
  expect(policies.describe().templates.find((t) => t.name === 'ticket')!.modules).toHaveLength(3);
};

const bad = (module: Record<string, unknown>): Template => ({ name: 'ticket', modules: [module as never] });

describe('invalid changes are refused', () => {
  it('unknown module, flag or option: TypeError naming it and the template; the old template still serves', async () => {
    expect(() => policies.defineTemplate(bad({ module: 'NoSuchModule', flag: 'REQUIRED' }))).toThrow(TypeError);
    expect(() => policies.defineTemplate(bad({ module: 'NoSuchModule', flag: 'REQUIRED' }))).toThrow(/'ticket'.*'NoSuchModule'/);
    expect(() => policies.defineTemplate(bad({ module: 'BasicPassword', flag: 'MAYBE' }))).toThrow(/"MAYBE"/);
    expect(() => policies.defineTemplate(bad({ module: 'CreateTicket', flag: 'OPTIONAL', options: { lifetime: 60 } }))).toThrow(/'lifetime'.*CreateTicket/);
    // A value the module factory itself refuses.
    expect(() => policies.defineTemplate(bad({ module: 'BasicPassword', flag: 'REQUIRED', options: { realm: 42 } }))).toThrow(/'ticket'.*BasicPassword.*'realm'/);
    // Options are data, never functions.
    expect(() => policies.defineTemplate(bad({ module: 'BasicPassword', flag: 'REQUIRED', options: { realm: () => 'x' } }))).toThrow(/'realm'/);
    expect(() => policies.defineTemplate(bad({ module: 'BasicPassword', flag: 'REQUIRED', extra: 1 }))).toThrow(/'extra'/);
    await stillTicket();
  });

  it('replaceTemplates / load are all-or-nothing', async () => {
    const good: Template = { name: 'ticket', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] };
    expect(() => policies.replaceTemplates([good, bad({ module: 'Nope', flag: 'REQUIRED' })])).toThrow(/'Nope'/);
    expect(() => policies.load({ templates: [good, { name: 'x', modules: [] }] })).toThrow(/'x'/);
    expect(() => policies.load({ templates: [good], other: 1 } as never)).toThrow(/'other'/);
    await stillTicket();
  });

  it('reloadFile: a broken or invalid file is refused whole; a valid one applies', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "templates": [ { "name": "ticket", ');
    await expect(policies.reloadFile(broken)).rejects.toThrow(TypeError);
    await expect(policies.reloadFile(join(dir, 'missing.json'))).rejects.toThrow(TypeError);
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ templates: [{ name: 'ticket', modules: [{ module: 'BasicPassword', flag: 'SOMETIMES' }] }] }));
    await expect(policies.reloadFile(invalid)).rejects.toThrow(/SOMETIMES/);
    await stillTicket();

    const valid = join(dir, 'valid.json');
    await writeFile(valid, JSON.stringify({ templates: [{ name: 'ticket', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }] }));
    await policies.reloadFile(valid);
    const res = await request(server).get('/a').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(res.status).toBe(200);
    expect(cookieOf(res)).toBeUndefined();
    policies.replaceTemplates([]);
    await stillTicket();
  });

  it('describe() masks secret options; user-registered modules are checked by option name', () => {
    policies.defineTemplate({ name: 'custom', modules: [{ module: 'Echo', flag: 'OPTIONAL', options: { clientSecret: 's3cr3t', label: 'x' } }, { module: 'BasicPassword', flag: 'REQUIRED' }] });
    const custom = policies.describe().templates.find((t) => t.name === 'custom')!;
    expect(custom.modules[0]!.options).toEqual({ clientSecret: '***', label: 'x' });
    expect(JSON.stringify(policies.describe())).not.toContain('s3cr3t');
    expect(() => policies.defineTemplate({ name: 'custom', modules: [{ module: 'Echo', flag: 'OPTIONAL', options: { colour: 1 } }] })).toThrow(/'colour'/);
    // A template a route uses cannot be dropped by a reload.
    policies.protect('custom');
    expect(() => policies.replaceTemplates([])).toThrow(/'custom'.*protect/);
    expect(policies.templateNames()).toContain('custom');
  });
});
