/**
 * Picks the state store: Redis when a URL is given (or `REDIS_URL` is set), else the embedded memory store
 * (one process only).
 *
 * @module
 */
import type { StateStore } from './state-store.js';
import { MemoryStateStore, type MemoryStateStoreOptions } from './memory-state-store.js';
import { RedisStateStore, type StateEvent } from './redis-state-store.js';
import { checkOptionKeys } from '../option-keys.js';

export interface CreateStateStoreOptions {
  /** Redis URL; default `process.env.REDIS_URL`. Without one, the memory store is used. */
  redisUrl?: string;
  /** Key prefix for Redis (default `'ticketstack:'`). */
  prefix?: string;
  /** Redis command timeout (default 1000 ms). */
  commandTimeoutMs?: number;
  onEvent?: (event: StateEvent) => void;
  /** Options of the memory store, when it is chosen. */
  memory?: MemoryStateStoreOptions;
}

const OPTION_KEYS = ['redisUrl', 'prefix', 'commandTimeoutMs', 'onEvent', 'memory'] as const;

export function createStateStore(options: CreateStateStoreOptions = {}): StateStore {
  checkOptionKeys('createStateStore', options, OPTION_KEYS);
  const url = options.redisUrl ?? nonEmpty(process.env.REDIS_URL);
  if (url === undefined) return new MemoryStateStore(options.memory);
  return new RedisStateStore({
    url,
    ...(options.prefix !== undefined && { prefix: options.prefix }),
    ...(options.commandTimeoutMs !== undefined && { commandTimeoutMs: options.commandTimeoutMs }),
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
