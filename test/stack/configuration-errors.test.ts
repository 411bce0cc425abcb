/** A bad configuration throws a TypeError at construction whose message names the entry (or option). */
import { describe, expect, it } from 'vitest';
import { loginStack, runLoginStack, type PassportStackEntry } from '../../src/index.js';
import { freshPassport, scriptedStrategy } from './helpers.js';

const p = freshPassport();
p.use('BasicPassword', scriptedStrategy('BasicPassword'));
p.use('EvaluateTicket', scriptedStrategy('EvaluateTicket'));

const build = (entries: unknown, options: object = { passport: p }) => () => loginStack(entries as PassportStackEntry[], options);

describe('loginStack configuration errors', () => {
  it('unknown flag', () => {
    expect(build([
      { name: 'EvaluateTicket', flag: 'SUFFICIENT', module: 'EvaluateTicket' },
      { name: 'BasicPassword', flag: 'MANDATORY', module: 'BasicPassword' },
    ])).toThrow(new TypeError('loginStack entry 2 ("BasicPassword"): unknown flag "MANDATORY"; expected one of REQUIRED, REQUISITE, SUFFICIENT, OPTIONAL'));
  });

  it('lower-case flags are not accepted (no silent normalisation)', () => {
    expect(build([{ name: 'BasicPassword', flag: 'required', module: 'BasicPassword' }])).toThrow(/entry 1 \("BasicPassword"\): unknown flag "required"/);
  });

  it('empty stack', () => {
    expect(build([])).toThrow(TypeError);
    expect(build([])).toThrow(/stack is empty/);
    expect(build(undefined)).toThrow(/must be an array/);
  });

  it('unregistered strategy name', () => {
    expect(build([{ name: 'Kerberos', flag: 'REQUIRED', module: 'kerberos' }])).toThrow(
      new TypeError('loginStack entry 1 ("Kerberos"): unknown strategy "kerberos"; register it with passport.use("kerberos", strategy)'),
    );
  });

  it('entry without a name', () => {
    expect(build([{ name: 'BasicPassword', flag: 'REQUIRED', module: 'BasicPassword' }, { flag: 'OPTIONAL', module: 'EvaluateTicket' }])).toThrow(
      new TypeError('loginStack entry 2: missing "name" (a non-empty string)'),
    );
    expect(build([{ name: '  ', flag: 'OPTIONAL', module: 'EvaluateTicket' }])).toThrow(/entry 1: missing "name"/);
  });

  it('duplicate names', () => {
    expect(build([
      { name: 'BasicPassword', flag: 'REQUIRED', module: 'BasicPassword' },
      { name: 'BasicPassword', flag: 'OPTIONAL', module: 'EvaluateTicket' },
    ])).toThrow(new TypeError('loginStack entry 2 ("BasicPassword"): duplicate name; entry 1 has the same name'));
  });

  it('a module that is neither a name nor a strategy; hooks that are not functions; unknown entry keys', () => {
    expect(build([{ name: 'X', flag: 'REQUIRED', module: { login() { return true; } } }])).toThrow(/entry 1 \("X"\): "module" must be a registered strategy name or a strategy/);
    expect(build([{ name: 'X', flag: 'REQUIRED', module: 'BasicPassword', commit: true }])).toThrow(/entry 1 \("X"\): "commit" must be a function/);
    expect(build([{ name: 'X', flag: 'REQUIRED', strategy: 'BasicPassword' }])).toThrow(/entry 1 \("X"\): unknown key "strategy"/);
  });

  it('unknown or mistyped options name the option', () => {
    expect(build([{ name: 'X', flag: 'REQUIRED', module: 'BasicPassword' }], { passport: p, sesion: false })).toThrow(new TypeError('loginStack: unknown option "sesion" (allowed: passport, session, keepSessionInfo, name, failureRedirect, onDecision, requestProperty, timeoutMs, reuseSession, sessionKey)'));
    expect(build([{ name: 'X', flag: 'REQUIRED', module: 'BasicPassword' }], { passport: p, session: 'no' })).toThrow(/option "session" must be a boolean/);
    expect(build([{ name: 'X', flag: 'REQUIRED', module: 'BasicPassword' }], { passport: p, timeoutMs: -1 })).toThrow(/option "timeoutMs"/);
    expect(build([{ name: 'X', flag: 'REQUIRED', module: 'BasicPassword' }], { passport: p, requestProperty: 'account' })).toThrow(/requestProperty" needs session: false/);
  });

  it('a valid configuration builds', () => {
    expect(typeof build([{ name: 'EvaluateTicket', flag: 'SUFFICIENT', module: 'EvaluateTicket' }, { name: 'BasicPassword', flag: 'REQUISITE', module: scriptedStrategy('instance') }])()).toBe('function');
  });
});

describe('runLoginStack configuration errors', () => {
  it('rejects the same mistakes with a TypeError naming the entry', async () => {
    await expect(runLoginStack([], undefined)).rejects.toThrow(/runLoginStack: the stack is empty/);
    await expect(runLoginStack([{ name: 'a', flag: 'SOMETIMES' as never, module: { login: () => true } }], undefined)).rejects.toThrow(
      new TypeError('runLoginStack entry 1 ("a"): unknown flag "SOMETIMES"; expected one of REQUIRED, REQUISITE, SUFFICIENT, OPTIONAL'),
    );
    await expect(runLoginStack([{ name: 'a', flag: 'REQUIRED', module: {} as never }], undefined)).rejects.toThrow(/entry 1 \("a"\): "module" must be an object with a login\(\) method/);
    await expect(
      runLoginStack([{ name: 'a', flag: 'REQUIRED', module: { login: () => true } }, { name: 'a', flag: 'REQUIRED', module: { login: () => true } }], undefined),
    ).rejects.toThrow(/entry 2 \("a"\): duplicate name/);
  });
});
