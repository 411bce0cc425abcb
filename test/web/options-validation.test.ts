/** loginPage and inspector check their options once, at construction: a TypeError naming the option; unknown keys refused. */
import { describe, expect, it, vi } from 'vitest';
import { inspector, loginPage } from '../../src/web/index.js';
import { setup } from '../policy/helpers.js';

describe('web page options', () => {
  it('loginPage: names the bad option', async () => {
    const { policies } = await setup();
    const cases: [unknown, RegExp][] = [
      [undefined, /loginPage: options must be an object/],
      [{ policies, tempalte: 'form' }, /loginPage: unknown option "tempalte"/],
      [{ policies: {} }, /loginPage: option 'policies' must be the Policies/],
      [{ policies, template: 'nope' }, /loginPage: option 'template': unknown template 'nope'; defined: basic, form, ticket, evaluate_assertion_ticket/],
      [{ policies, template: '' }, /option 'template' must be a non-empty string/],
      [{ policies, path: 'login' }, /option 'path' must be a plain path/],
      [{ policies, path: '//login' }, /option 'path' must be a plain path/],
      [{ policies, defaultReturnTo: 'https://evil.example' }, /option 'defaultReturnTo' must be a local path/],
      [{ policies, defaultReturnTo: '//evil.example' }, /option 'defaultReturnTo' must be a local path/],
      [{ policies, title: 42 }, /option 'title' must be a non-empty string/],
    ];
    for (const [options, message] of cases) expect(() => loginPage(options as never)).toThrow(message);
    expect(() => loginPage({ policies })).not.toThrow();
  });

  it('loginPage: warns when the template has no failureRedirect (a failed login would answer 401)', async () => {
    const { policies } = await setup();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      loginPage({ policies, template: 'basic' });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/loginPage template 'basic' has no failureRedirect/), 'TicketStackWarning');
      warn.mockClear();
      loginPage({ policies, template: 'form' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('inspector: names the bad option', async () => {
    const { policies } = await setup();
    const cases: [unknown, RegExp][] = [
      [{ policies }, /inspector: option 'template' is required/],
      [{ policies, template: 'ticket', group: 'x' }, /inspector: unknown option "group"/],
      [{ policies, template: 'nope' }, /option 'template': unknown template 'nope'/],
      [{ policies: null, template: 'ticket' }, /option 'policies' must be the Policies/],
      [{ policies, template: 'ticket', decisions: [] }, /option 'decisions' must have recent\(\)/],
      [{ policies, template: 'ticket', users: {} }, /option 'users' must be a UserStore/],
      [{ policies, template: 'ticket', requiredGroup: '' }, /option 'requiredGroup' must be a non-empty string/],
      [{ policies, template: 'ticket', authorize: true }, /option 'authorize' must be a function/],
      [{ policies, template: 'ticket', authorize: () => true, requiredGroup: 'admins' }, /either option 'requiredGroup' or 'authorize', not both/],
      [{ policies, template: 'ticket', maxDecisions: 1.5 }, /option 'maxDecisions' must be an integer from 0 to 1000/],
      [{ policies, template: 'ticket', maxDecisions: 5000 }, /option 'maxDecisions'/],
      [{ policies, template: 'ticket', allowEdit: 'yes' }, /option 'allowEdit' must be a boolean/],
      [{ policies, template: 'ticket', onTemplateChange: 'log' }, /option 'onTemplateChange' must be a function/],
    ];
    for (const [options, message] of cases) expect(() => inspector(options as never)).toThrow(message);
    expect(() => inspector({ policies, template: 'ticket' })).not.toThrow();
  });

  it('the templates a page runs are marked in use: a reload that drops them is refused', async () => {
    const { policies } = await setup({ templates: [{ name: 'admin', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }] });
    inspector({ policies, template: 'admin' });
    expect(() => policies.replaceTemplates([])).toThrow(/template 'admin' is used by protect\(\)/);
  });
});
