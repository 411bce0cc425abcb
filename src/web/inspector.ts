/**
 * `inspector(options)`: the administrators' page, like the policy configuration of SAP's Security Provider
 * service, live: every protected route and the template protecting it, every template (modules, flags, options
 * with secrets masked), the decision records of the last requests, and a form to edit a template.
 *
 * - **Protected by its own policy**: the router runs `policies.protect(template)` first, then an authorization
 *   check: by default the user must be in `requiredGroup` (`ticketstack-admin`), read from the `users` store when
 *   given (current membership; a revoked user is refused) or else from `req.user.groups`; or a custom `authorize`.
 *   Refused: 403 `ERR_INSPECTOR_FORBIDDEN`.
 * - **Routes**: found by walking the app's router for handlers `protect()` tagged (`protected-routes.ts`), so a
 *   route shows before its first request.
 * - **Edits** go through `policies.defineTemplate`, the same validation as the API: an invalid change (not JSON,
 *   or refused by the policy) shows the message, answers 400 `ERR_TEMPLATE_INVALID` and changes nothing. A masked
 *   secret (`***`) sent back unchanged is refused, so a mask never replaces a secret. Edits need the session's
 *   anti-CSRF token like the login form.
 * - Also `GET` with `Accept: application/json`: `{ routes, templates, decisions }`. With `allowEdit: false` there is
 *   no edit form and no edit route, and the page needs no session.
 *
 * @module
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isTicketStackError } from '../errors.js';
import { checkOptionKeys } from '../option-keys.js';
import type { Policies, PolicyDescription } from '../policy/policies.js';
import type { Template } from '../policy/template.js';
import type { DecisionCall, DecisionError, DecisionRecord } from '../stack/decision-record.js';
import { isValidUserId } from '../users/internal.js';
import type { UserStore } from '../users/user-store.js';
import { CSRF_FIELD, csrfToken, csrfTokenMatches } from './csrf.js';
import { escapeHtml, sendPage, sendRefusal } from './html.js';
import { listProtectedRoutes, type ProtectedRoute } from './protected-routes.js';

/** Where the inspector reads recent decisions: `createTicketStack().decisions`, or anything with `recent()`. */
export interface DecisionSource {
  /** Newest first. */
  recent(): readonly DecisionRecord[];
}

export interface InspectorOptions {
  policies: Policies;
  /** The template protecting the inspector itself (e.g. `ticket`). Required: an admin page's protection is a choice. */
  template: string;
  decisions?: DecisionSource;
  /** Where the required group is looked up (current membership and revocation). Without it: `req.user.groups`. */
  users?: UserStore;
  /** The group a user needs (default `ticketstack-admin`). Not together with `authorize`. */
  requiredGroup?: string;
  /** A custom authorization check instead of the group (resolve `true` to allow). */
  authorize?: (user: Express.User, req: Request) => boolean | Promise<boolean>;
  /** Page title (default `TicketStack inspector`). */
  title?: string;
  /** How many decision records to show (default 50, at most 1000). */
  maxDecisions?: number;
  /** Allow template edits (default true). */
  allowEdit?: boolean;
  /** Called after a template was changed through the page (for an audit log). */
  onTemplateChange?: (event: { user: string; template: string; version: number }) => void;
}

const KEYS = ['policies', 'template', 'decisions', 'users', 'requiredGroup', 'authorize', 'title', 'maxDecisions', 'allowEdit', 'onTemplateChange'];
const WHERE = 'inspector';
const MASK = '***';

interface ValidOptions {
  policies: Policies;
  decisions: DecisionSource | undefined;
  users: UserStore | undefined;
  requiredGroup: string;
  authorize: InspectorOptions['authorize'];
  title: string;
  maxDecisions: number;
  allowEdit: boolean;
  onTemplateChange: InspectorOptions['onTemplateChange'];
}

/** Builds the inspector router; mount it with `app.use('/inspector', inspector({ ... }))`. */
export function inspector(options: InspectorOptions): Router {
  const opts = validate(options);
  const runTemplate = opts.policies.protect(options.template);
  const router = express.Router();

  const authorizeUser = (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Cache-Control', 'no-store');
    isAllowed(req, opts).then((allowed) => {
      if (allowed) return next();
      const why = opts.authorize ? 'You are signed in but not allowed to use the inspector.' : `You are signed in but not allowed to use the inspector (group ${opts.requiredGroup} required).`;
      sendRefusal(res, 403, 'ERR_INSPECTOR_FORBIDDEN', why, 'Access denied');
    }, next);
  };
  // The token is checked before the policy runs: a successful login stack regenerates the session (Passport 0.7),
  // which drops the token the page was rendered with.
  const checkToken = (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Cache-Control', 'no-store');
    if (csrfTokenMatches(req, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD], WHERE)) return next();
    sendRefusal(res, 403, 'ERR_CSRF_TOKEN_INVALID', 'This form has expired or was not sent by this site. Reload the inspector and try again.', 'Change refused');
  };

  router.get('/', runTemplate, authorizeUser, (req: Request, res: Response) => {
    const model = snapshot(req, opts);
    if (req.accepts(['text/html', 'application/json']) === 'application/json') {
      res.vary('Accept').json({ routes: model.routes, templates: model.templates.templates, decisions: model.decisions });
      return;
    }
    // Only the name of an existing template is echoed (the query string is anyone's to write).
    const saved = typeof req.query.saved === 'string' && opts.policies.templateNames().includes(req.query.saved) ? req.query.saved : undefined;
    res.vary('Accept');
    sendPage(res, { title: opts.title, body: renderPage(req, opts, model, { saved }) });
  });

  const parseForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 10 });
  // Read only (allowEdit: false): no edit route at all.
  if (opts.allowEdit) router.post('/templates', parseForm, checkToken, runTemplate, authorizeUser, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = typeof body.template === 'string' ? body.template : '';
    const origin = typeof body.original === 'string' ? body.original : '';
    let name: string;
    try {
      name = applyEdit(opts, text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (req.accepts(['text/html', 'application/json']) === 'application/json') {
        res.status(400).vary('Accept').json({ error: 'template_invalid', code: 'ERR_TEMPLATE_INVALID', message });
        return;
      }
      res.vary('Accept');
      sendPage(res, {
        status: 400,
        title: `Change refused: ${opts.title}`,
        body: renderPage(req, opts, snapshot(req, opts), { failed: { origin, text, message } }),
      });
      return;
    }
    const version = opts.policies.describe().templates.find((t) => t.name === name)?.version ?? 0;
    try {
      opts.onTemplateChange?.({ user: userId(req.user) ?? '', template: name, version });
    } catch {
      process.emitWarning('ticketstack: inspector onTemplateChange threw', 'TicketStackWarning');
    }
    res.redirect(303, `${req.baseUrl}/?saved=${encodeURIComponent(name)}#template-${encodeURIComponent(name)}`);
  });

  // Refusals from the stores (e.g. 503 when the user store is down) keep their code; never a stack trace.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!isTicketStackError(err) || res.headersSent) return next(err);
    sendRefusal(res, err.status, err.code, err.status >= 500 ? 'A service the inspector needs is not available. Try again later.' : 'The request was refused.');
  });
  return router;
}

function validate(options: InspectorOptions): ValidOptions {
  checkOptionKeys(WHERE, options, KEYS);
  const { policies } = options;
  if (policies === null || typeof policies !== 'object' || typeof policies.defineTemplate !== 'function' || typeof policies.describe !== 'function') {
    throw new TypeError(`${WHERE}: option 'policies' must be the Policies of createPolicies() (or createTicketStack().policies)`);
  }
  if (typeof options.template !== 'string' || options.template === '') {
    throw new TypeError(`${WHERE}: option 'template' is required: the template protecting the inspector (e.g. 'ticket')`);
  }
  if (!policies.templateNames().includes(options.template)) {
    throw new TypeError(`${WHERE}: option 'template': unknown template '${options.template}'; defined: ${policies.templateNames().join(', ')}`);
  }
  if (options.decisions !== undefined && (options.decisions === null || typeof options.decisions.recent !== 'function')) {
    throw new TypeError(`${WHERE}: option 'decisions' must have recent() (createTicketStack().decisions)`);
  }
  if (options.users !== undefined && (options.users === null || typeof options.users.findUser !== 'function')) {
    throw new TypeError(`${WHERE}: option 'users' must be a UserStore`);
  }
  if (options.authorize !== undefined && typeof options.authorize !== 'function') throw new TypeError(`${WHERE}: option 'authorize' must be a function`);
  if (options.authorize !== undefined && options.requiredGroup !== undefined) {
    throw new TypeError(`${WHERE}: give either option 'requiredGroup' or 'authorize', not both`);
  }
  for (const k of ['requiredGroup', 'title'] as const) {
    const v = options[k];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new TypeError(`${WHERE}: option '${k}' must be a non-empty string`);
  }
  const maxDecisions = options.maxDecisions ?? 50;
  if (!Number.isInteger(maxDecisions) || maxDecisions < 0 || maxDecisions > 1000) throw new TypeError(`${WHERE}: option 'maxDecisions' must be an integer from 0 to 1000`);
  if (options.allowEdit !== undefined && typeof options.allowEdit !== 'boolean') throw new TypeError(`${WHERE}: option 'allowEdit' must be a boolean`);
  if (options.onTemplateChange !== undefined && typeof options.onTemplateChange !== 'function') throw new TypeError(`${WHERE}: option 'onTemplateChange' must be a function`);
  return {
    policies,
    decisions: options.decisions,
    users: options.users,
    requiredGroup: options.requiredGroup ?? 'ticketstack-admin',
    authorize: options.authorize,
    title: options.title ?? 'TicketStack inspector',
    maxDecisions,
    allowEdit: options.allowEdit ?? true,
    onTemplateChange: options.onTemplateChange,
  };
}

const userId = (user: unknown): string | undefined => {
  if (typeof user === 'string') return user;
  const id = (user as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
};

async function isAllowed(req: Request, opts: ValidOptions): Promise<boolean> {
  const user = req.user;
  if (user === undefined || user === null) return false;
  if (opts.authorize) return (await opts.authorize(user, req)) === true;
  if (opts.users) {
    const id = userId(user);
    // An ID no store can hold (a ticket's user over 256 characters, say) is nobody's administrator: a 403, not a 500.
    if (!isValidUserId(id)) return false;
    const record = await opts.users.findUser(id);
    return record !== null && !record.revoked && record.groups.includes(opts.requiredGroup);
  }
  const groups = (user as { groups?: unknown }).groups;
  return Array.isArray(groups) && groups.includes(opts.requiredGroup);
}

/** Parses and defines the template; throws an Error whose message the page shows. Returns the template's name. */
function applyEdit(opts: ValidOptions, text: string): string {
  if (text.trim() === '') throw new TypeError('the template JSON is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`not valid JSON: ${(err as Error).message}`);
  }
  const modules = (parsed as { modules?: unknown } | null)?.modules;
  if (Array.isArray(modules)) {
    modules.forEach((m: unknown, i) => {
      const options = (m as { options?: unknown } | null)?.options;
      if (options === null || typeof options !== 'object') return;
      for (const [k, v] of Object.entries(options)) {
        if (v === MASK) throw new TypeError(`module #${i}: option '${k}' still holds the mask ${MASK}; secrets are never shown, so type the value again`);
      }
    });
  }
  opts.policies.defineTemplate(parsed as Template); // the API's validation: throws a TypeError and keeps the old version
  return (parsed as Template).name;
}

interface Snapshot {
  routes: ProtectedRoute[];
  templates: PolicyDescription;
  decisions: readonly DecisionRecord[];
}

function snapshot(req: Request, opts: ValidOptions): Snapshot {
  return {
    routes: listProtectedRoutes(req.app),
    templates: opts.policies.describe(),
    decisions: (opts.decisions?.recent() ?? []).slice(0, opts.maxDecisions),
  };
}

type Described = PolicyDescription['templates'][number];

/** The JSON an administrator edits: the template as data, in the shape `defineTemplate` takes. */
function editableJson(t: Described): string {
  const template = {
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.failureRedirect !== undefined ? { failureRedirect: t.failureRedirect } : {}),
    modules: t.modules.map((m) => ({ module: m.module, flag: m.flag, name: m.name, ...(Object.keys(m.options).length > 0 ? { options: m.options } : {}) })),
  };
  return JSON.stringify(template, null, 2);
}

const chain = (t: Described | undefined): string =>
  t === undefined ? '(inline template)' : t.modules.map((m) => `${m.module} ${m.flag}`).join(' → ');

function renderPage(
  req: Request,
  opts: ValidOptions,
  model: Snapshot,
  state: { saved?: string | undefined; failed?: { origin: string; text: string; message: string } },
): string {
  const token = opts.allowEdit ? csrfToken(req, WHERE) : ''; // read-only pages need no session
  const base = req.baseUrl;
  const byName = new Map(model.templates.templates.map((t) => [t.name, t]));
  const usedBy = new Map<string, number>();
  for (const r of model.routes) if (!r.inline) usedBy.set(r.template, (usedBy.get(r.template) ?? 0) + 1);
  const who = userId(req.user);
  const failed = state.failed;
  const out: string[] = [];

  out.push(`<h1>${escapeHtml(opts.title)}</h1>`);
  out.push(
    `<p class="lead">${who ? `Signed in as <strong>${escapeHtml(who)}</strong>. ` : ''}${model.routes.length} protected route(s), ` +
      `${model.templates.templates.length} template(s), ${model.decisions.length} recent decision(s).</p>`,
  );
  if (failed) {
    out.push(
      `<div id="edit-error" class="alert error" role="alert"><strong>The change was refused; nothing was changed.</strong> ` +
        `<code>ERR_TEMPLATE_INVALID</code><br>${escapeHtml(failed.message)}</div>`,
    );
  } else if (state.saved !== undefined) {
    out.push(`<p class="alert ok" role="status">Template <strong>${escapeHtml(state.saved)}</strong> saved; it applies from the next request.</p>`);
  }

  // Routes
  out.push(`<h2 id="routes">Protected routes</h2>`);
  if (model.routes.length === 0) out.push(`<p class="muted">No route of this application is protected by a template yet.</p>`);
  else {
    out.push(`<table><caption class="muted">Every route protected with <code>protect()</code>, in registration order.</caption>`);
    out.push(`<thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Template</th><th scope="col">Login modules</th></tr></thead><tbody>`);
    for (const r of model.routes) {
      const t = r.inline ? undefined : byName.get(r.template);
      out.push(
        `<tr><td>${escapeHtml(r.methods.join(', '))}</td><td><code>${escapeHtml(r.path)}</code></td>` +
          `<td>${r.inline ? `${escapeHtml(r.template)} <span class="badge">inline</span>` : `<a href="#template-${escapeHtml(encodeURIComponent(r.template))}">${escapeHtml(r.template)}</a>`}</td>` +
          `<td>${escapeHtml(chain(t))}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
  }

  // Templates
  out.push(`<h2 id="templates">Templates</h2>`);
  for (const t of model.templates.templates) {
    const id = `template-${encodeURIComponent(t.name)}`;
    const editing = failed !== undefined && failed.origin === t.name;
    out.push(`<section class="template" id="${escapeHtml(id)}" aria-labelledby="${escapeHtml(id)}-h">`);
    out.push(
      `<h3 id="${escapeHtml(id)}-h">${escapeHtml(t.name)} <span class="badge">version ${t.version}</span>` +
        `${t.builtin ? ' <span class="badge">built in</span>' : ''} <span class="badge">${usedBy.get(t.name) ?? 0} route(s)</span></h3>`,
    );
    if (t.description) out.push(`<p class="muted">${escapeHtml(t.description)}</p>`);
    if (t.unavailable) out.push(`<p class="alert error">Not available with this configuration: ${escapeHtml(t.unavailable)}</p>`);
    if (t.failureRedirect) out.push(`<p>A failed login redirects to <code>${escapeHtml(t.failureRedirect)}</code>.</p>`);
    out.push(`<table><thead><tr><th scope="col">#</th><th scope="col">Entry</th><th scope="col">Module</th><th scope="col">Flag</th><th scope="col">Options</th></tr></thead><tbody>`);
    t.modules.forEach((m, i) => {
      const options = Object.keys(m.options).length === 0 ? '<span class="muted">(defaults)</span>' : `<pre>${escapeHtml(JSON.stringify(m.options, null, 1))}</pre>`;
      out.push(`<tr><td>${i + 1}</td><td>${escapeHtml(m.name)}</td><td>${escapeHtml(m.module)}</td><td><strong>${escapeHtml(m.flag)}</strong></td><td>${options}</td></tr>`);
    });
    out.push(`</tbody></table>`);
    if (opts.allowEdit) out.push(editForm(base, token, t.name, editing ? failed!.text : editableJson(t), editing, `Edit template ${t.name}`));
    out.push(`</section>`);
  }
  if (opts.allowEdit) {
    const adding = failed !== undefined && failed.origin === '';
    const example = JSON.stringify({ name: 'my_template', description: 'What it is for', modules: [{ module: 'EvaluateTicket', flag: 'SUFFICIENT' }, { module: 'BasicPassword', flag: 'REQUISITE' }] }, null, 2);
    out.push(editForm(base, token, '', adding ? failed!.text : example, adding, 'Add a template'));
  }

  // Decisions
  out.push(`<h2 id="decisions">Recent decisions</h2>`);
  if (model.decisions.length === 0) out.push(`<p class="muted">No decision recorded yet.</p>`);
  else {
    out.push(`<table><caption class="muted">Newest first. Errors show their code and, for a module's refusal, its reason; never a user or a message from outside.</caption>`);
    out.push(
      `<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Template</th><th scope="col">Route</th><th scope="col">Outcome</th>` +
        `<th scope="col">Credited</th><th scope="col">Error</th><th scope="col">Module calls (flag, phase: outcome)</th></tr></thead><tbody>`,
    );
    for (const d of model.decisions) {
      out.push(
        `<tr><td>${escapeHtml(d.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ''))}</td><td>${escapeHtml(d.stack ?? '')}</td><td><code>${escapeHtml(d.route ?? '')}</code></td>` +
          `<td class="outcome-${escapeHtml(d.outcome)}">${escapeHtml(d.outcome)}${d.status !== undefined ? ` (${d.status})` : ''}</td>` +
          `<td>${escapeHtml(d.creditedModule ?? '')}</td>` +
          `<td>${d.error ? errorText(d.error) : ''}${d.failedModule ? `<br><span class="muted">in ${escapeHtml(d.failedModule)} (${escapeHtml(d.failedPhase ?? '')})</span>` : ''}</td>` +
          `<td>${d.calls.map(callText).join('<br>')}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
  }
  return out.join('\n');
}

function errorText(e: DecisionError): string {
  const code = e.code ?? e.name;
  return `<code>${escapeHtml(code)}</code>${e.reason ? ` <code>${escapeHtml(e.reason)}</code>` : ''}`;
}

function callText(c: DecisionCall): string {
  return (
    `${escapeHtml(c.module)} <span class="muted">${escapeHtml(c.flag)}, ${escapeHtml(c.phase)}</span>: ` +
    `<span class="outcome-${escapeHtml(c.outcome)}">${escapeHtml(c.outcome)}</span>${c.error ? ` ${errorText(c.error)}` : ''}`
  );
}

function editForm(base: string, token: string, original: string, json: string, invalid: boolean, summary: string): string {
  const fieldId = `json-${original === '' ? 'new' : encodeURIComponent(original)}`;
  return [
    `<details${invalid ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>`,
    `<form method="post" action="${escapeHtml(`${base}/templates`)}">`,
    `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">`,
    `<input type="hidden" name="original" value="${escapeHtml(original)}">`,
    `<label for="${escapeHtml(fieldId)}">Template JSON</label>`,
    `<p class="muted" id="${escapeHtml(fieldId)}-help">The same shape as <code>policies.defineTemplate()</code>; checked the same way. Saving a template with another name adds that template.</p>`,
    `<textarea id="${escapeHtml(fieldId)}" name="template" spellcheck="false" aria-describedby="${escapeHtml(fieldId)}-help${invalid ? ' edit-error' : ''}"${invalid ? ' aria-invalid="true"' : ''}>${escapeHtml(json)}</textarea>`,
    `<button type="submit">Save template</button>`,
    `</form></details>`,
  ].join('\n');
}
