/**
 * Which routes of an Express app are protected by which template: a walk over the app's router stack.
 *
 * `protect()` cannot know the path it is mounted on, so it tags the handler it returns with the template's name
 * (`POLICY_TEMPLATE`); this walk finds those handlers. It reads Express 5's router (the `router` package 2.x):
 * `app.router.stack` holds layers; a route layer has `route.path` and `route.stack` (one layer per handler, with
 * `method`); a mounted router or middleware layer has `rawPath` (router ≥ 2.3; older versions show `*`) and, for a
 * router, `handle.stack`. Nothing here is Express's public API, so the walk is defensive: anything it does not
 * recognise is skipped, never thrown on. Routes are listed whether or not they have been used yet.
 *
 * @module
 */
import { POLICY_TEMPLATE, type PolicyHandler } from '../policy/policies.js';

export interface ProtectedRoute {
  /** Upper-case methods of the route (`ALL` for `app.all`, `USE` for middleware mounted with `app.use`). */
  readonly methods: readonly string[];
  /** The path as registered, with the mount paths of enclosing routers (`/api/orders/:id`; `*` when unknown). */
  readonly path: string;
  /** The template protecting it. */
  readonly template: string;
  /** An inline template given to `protect()` as an object (not editable by name). */
  readonly inline: boolean;
}

interface LayerLike {
  handle?: unknown;
  method?: string;
  rawPath?: unknown;
  route?: { path?: unknown; stack?: unknown };
}

const MAX_DEPTH = 8;

/** The protected routes of `app` (an Express application or router), in registration order. */
export function listProtectedRoutes(app: unknown): ProtectedRoute[] {
  const out: ProtectedRoute[] = [];
  walk(rootStack(app), '', out, 0);
  return out;
}

function rootStack(app: unknown): unknown {
  if (app === null || (typeof app !== 'object' && typeof app !== 'function')) return undefined;
  const a = app as { router?: { stack?: unknown }; _router?: { stack?: unknown }; stack?: unknown };
  return a.router?.stack ?? a._router?.stack ?? a.stack;
}

function tagOf(handle: unknown): { name: string; inline: boolean } | undefined {
  if (typeof handle !== 'function') return undefined;
  const tag = (handle as Partial<PolicyHandler>)[POLICY_TEMPLATE];
  return tag && typeof tag.name === 'string' ? tag : undefined;
}

const pathText = (p: unknown): string =>
  typeof p === 'string' ? p : p instanceof RegExp ? String(p) : Array.isArray(p) ? p.map(pathText).join(', ') : '*';

function join(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix === '' ? '/' : prefix;
  return `${prefix.replace(/\/$/, '')}${path}`;
}

function walk(stack: unknown, prefix: string, out: ProtectedRoute[], depth: number): void {
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return;
  for (const layer of stack as LayerLike[]) {
    if (layer === null || typeof layer !== 'object') continue;
    if (layer.route && Array.isArray(layer.route.stack)) {
      const path = join(prefix, pathText(layer.route.path));
      const seen = new Map<string, { name: string; inline: boolean; methods: Set<string> }>();
      for (const inner of layer.route.stack as LayerLike[]) {
        const tag = tagOf(inner?.handle);
        if (!tag) continue;
        const key = `${tag.name}\u0000${tag.inline}`;
        const entry = seen.get(key) ?? { ...tag, methods: new Set<string>() };
        entry.methods.add(typeof inner.method === 'string' ? inner.method.toUpperCase() : 'ALL');
        seen.set(key, entry);
      }
      for (const e of seen.values()) out.push({ methods: [...e.methods], path, template: e.name, inline: e.inline });
      continue;
    }
    const tag = tagOf(layer.handle);
    if (tag) {
      out.push({ methods: ['USE'], path: join(prefix, pathText(layer.rawPath ?? '*')), template: tag.name, inline: tag.inline });
      continue;
    }
    const nested = (layer.handle as { stack?: unknown } | undefined)?.stack;
    if (Array.isArray(nested)) walk(nested, join(prefix, pathText(layer.rawPath ?? '*')), out, depth + 1);
  }
}
