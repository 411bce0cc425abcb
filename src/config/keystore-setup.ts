/**
 * The keystore of `createTicketStack`: loaded from its folder, or, with `create`, generated and saved on
 * first start (a development convenience; production keystores come from `ticketstack keystore init` and an
 * exchange of certificates with the SAP systems, README "Keystore").
 *
 * First start with several instances on one folder: the new keystore is written to a private temporary folder
 * beside the target and renamed into place. `rename` is atomic and refuses a non-empty target, so exactly one
 * generated keystore lands, and every instance then loads that one from disk (never a key of its own that
 * differs from the file).
 *
 * @module
 */
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Keystore } from '../keystore/keystore.js';
import type { TicketStackEvent } from './events.js';
import type { ResolvedConfig } from './options.js';

export async function openKeystore(config: ResolvedConfig['keystore'], emit: (event: TicketStackEvent) => void): Promise<Keystore> {
  if ('instance' in config) return config.instance;
  const { dir, create, passphrase } = config;
  const fileOptions = passphrase === undefined ? {} : { passphrase };
  if (create === undefined || (await Keystore.exists(dir))) return Keystore.load(dir, fileOptions);

  const generated = await Keystore.generate(create);
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.new-`));
  try {
    await generated.save(staging, fileOptions);
    await rename(staging, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTEMPTY / EEXIST: another instance was first (or the folder holds other files); EXDEV / EBUSY: the
    // folder is a mount point. Anything else (permissions, a full disk) is the operator's to fix.
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EXDEV' && code !== 'EBUSY') throw err;
    if (!(await Keystore.exists(target))) await generated.save(target, fileOptions);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const keystore = await Keystore.load(target, fileOptions);
  if (keystore.own.certificate.fingerprint === generated.own.certificate.fingerprint) {
    emit({
      type: 'keystore.created',
      dir: target,
      sid: keystore.own.sid,
      client: keystore.own.client,
      fingerprint: keystore.own.certificate.fingerprint,
      encrypted: passphrase !== undefined,
    });
  }
  return keystore;
}
