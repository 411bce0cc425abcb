/**
 * `ticketstack keystore init | export | import | list | remove`.
 *
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { Keystore, KeystoreError, type CertificateInfo, type KeyAlgorithm } from '../keystore/index.js';
import { configureCommand, passphraseOption, PASSPHRASE_ENV, printJson, processIo, runAction, stylesOf, withExamples, withProgress, type CliIo } from './io.js';

const describeCert = (cert: CertificateInfo) => ({
  subjectDn: cert.subjectDn,
  issuerDn: cert.issuerDn,
  serial: cert.serialDecimal,
  serialHex: cert.serialNumber,
  keyType: cert.keyType,
  keyBits: cert.keyBits,
  notBefore: cert.notBefore.toISOString(),
  notAfter: cert.notAfter.toISOString(),
  fingerprint: cert.fingerprint,
});

const certLines = (cert: CertificateInfo, indent = '  ') =>
  [
    `subject:     ${cert.subjectDn}`,
    `issuer:      ${cert.issuerDn}`,
    `serial:      ${cert.serialDecimal} (0x${cert.serialNumber})`,
    `key:         ${cert.keyType.toUpperCase()}-${cert.keyBits}`,
    `valid:       ${cert.notBefore.toISOString()} .. ${cert.notAfter.toISOString()}`,
    `sha-256:     ${cert.fingerprint}`,
  ].map((l) => `${indent}${l}\n`).join('');

const weakLine = (allowed: boolean, indent = '  ') =>
  allowed ? `${indent}weak key:    accepted at import (--allow-weak-key); its tickets verify only with --allow-weak-keys\n` : '';

export function registerKeystoreCommands(program: Command, io: CliIo = processIo): Command {
  const keystore = configureCommand(program.command('keystore'), io).description(
    `Manage a ticket keystore folder: own key pair and certificate (with SID and client), and trusted certificates with their ACL entries. The private key is encrypted when ${PASSPHRASE_ENV} is set.`,
  );

  withExamples(
    keystore.command('init'),
    'ticketstack keystore init ./keystore --sid J2E --client 000',
    `${PASSPHRASE_ENV}=... ticketstack keystore init ./keystore --sid J2E --client 000 --alg rsa --key-bits 3072`,
  )
    .description('Create a keystore: generate a key pair and a self-signed certificate (valid until 2038-01-01 at most, SAP note 1055856)')
    .argument('<dir>', 'keystore folder (created if missing)')
    .requiredOption('--sid <sid>', 'own system ID, e.g. J2E')
    .requiredOption('--client <nnn>', 'own client, e.g. 000 (AS Java default)')
    .addOption(new Option('--alg <alg>', 'key algorithm; DSA-1024 is what every SAP release accepts').choices(['dsa', 'rsa', 'ecdsa']).default('dsa'))
    .option('--key-bits <n>', 'key size (DSA 1024/2048, RSA 2048+, ECDSA 256/384/521)', (v) => Number.parseInt(v, 10))
    .option('--subject <dn>', 'certificate subject DN (default "CN=<SID>, OU=ticketstack")')
    .option('--force', 'overwrite an existing keystore in DIR')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { sid: string; client: string; alg: KeyAlgorithm; keyBits?: number; subject?: string; force?: boolean; json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        if (opts.force !== true && (await Keystore.exists(dir))) {
          throw new KeystoreError('ERR_KEYSTORE_EXISTS', `${dir} already holds a keystore (use --force to replace it)`);
        }
        const label = `generating a ${opts.alg.toUpperCase()}${opts.keyBits === undefined ? '' : `-${opts.keyBits}`} key pair and certificate`;
        const ks = await withProgress(io, label, () => Keystore.generate({
          sid: opts.sid,
          client: opts.client,
          alg: opts.alg,
          ...(opts.keyBits === undefined ? {} : { keyBits: opts.keyBits }),
          ...(opts.subject === undefined ? {} : { subjectDn: opts.subject }),
        }));
        const pass = passphraseOption(io);
        await ks.save(dir, pass);
        if (opts.json === true) {
          printJson(io, { ok: true, dir, sid: ks.own.sid, client: ks.own.client, encrypted: pass.passphrase !== undefined, certificate: describeCert(ks.own.certificate) });
        } else {
          io.stdout(`${stylesOf(io).out.ok('created')} keystore ${dir} for ${ks.own.sid}/${ks.own.client}${pass.passphrase === undefined ? '' : ' (private key encrypted)'}\n${certLines(ks.own.certificate)}`);
          io.stdout(`next: "ticketstack keystore export ${dir}" and import the certificate in STRUSTSSO2 with an ACL entry for ${ks.own.sid}/${ks.own.client}\n`);
        }
      }),
    );

  withExamples(keystore.command('export'), 'ticketstack keystore export ./keystore > J2E.crt.pem', 'ticketstack keystore export ./keystore --out J2E.crt.pem')
    .description("Print the own certificate as PEM, for import into SAP (STRUSTSSO2 → certificate list, then an ACL entry for this SID and client)")
    .argument('<dir>', 'keystore folder')
    .option('--out <file>', 'write the PEM to a file instead of stdout')
    .option('--json', 'print JSON (with the PEM in "pem")')
    .action(async (dir: string, opts: { out?: string; json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        const ks = await Keystore.load(dir, passphraseOption(io));
        const pem = ks.own.certificate.pem;
        if (opts.out !== undefined) await writeFile(opts.out, pem);
        if (opts.json === true) printJson(io, { ok: true, sid: ks.own.sid, client: ks.own.client, certificate: describeCert(ks.own.certificate), pem });
        else if (opts.out === undefined) io.stdout(pem);
        else io.stdout(`wrote ${opts.out}\n`);
      }),
    );

  withExamples(
    keystore.command('import'),
    'ticketstack keystore import ./keystore ERP.crt --sid ERP --client 100',
    'ticketstack keystore import ./keystore ERP.crt --sid ERP --client 200 --name ERP-200',
    'ticketstack keystore import ./keystore WSP.crt --sid WSP --client 200 --allow-weak-key   # an old DSA-512 system',
  )
    .description("Trust a certificate (PEM or DER, e.g. exported from SAP's STRUSTSSO2) for tickets issued by SID/client: adds an ACL entry")
    .argument('<dir>', 'keystore folder')
    .argument('<cert>', 'certificate file, PEM or DER')
    .requiredOption('--sid <sid>', 'the issuing system ID this certificate may sign for')
    .requiredOption('--client <nnn>', 'the issuing client this certificate may sign for')
    .option('--name <name>', 'entry name (default <SID>-<client>)')
    .option('--subject-dn <dn>', "ACL subject DN (default the certificate's subject)")
    .option('--issuer-dn <dn>', "ACL issuer DN (default the certificate's issuer)")
    .option('--allow-weak-key', 'trust a certificate whose key is below DSA-1024 / RSA-2048 / EC-256 (e.g. an old DSA-512 ABAP system); its tickets also need `ticket verify --allow-weak-keys`')
    .option('--json', 'print JSON')
    .action(async (dir: string, certFile: string, opts: { sid: string; client: string; name?: string; subjectDn?: string; issuerDn?: string; allowWeakKey?: boolean; json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        const ks = await Keystore.load(dir, passphraseOption(io));
        let bytes: Buffer;
        try {
          bytes = await readFile(certFile);
        } catch (cause) {
          throw new KeystoreError('ERR_KEYSTORE_CERTIFICATE_INVALID', `cannot read ${certFile}`, { cause });
        }
        const entry = ks.addTrusted(new Uint8Array(bytes), {
          sid: opts.sid,
          client: opts.client,
          ...(opts.name === undefined ? {} : { name: opts.name }),
          ...(opts.subjectDn === undefined ? {} : { subjectDn: opts.subjectDn }),
          ...(opts.issuerDn === undefined ? {} : { issuerDn: opts.issuerDn }),
          allowWeakKey: opts.allowWeakKey === true,
        });
        await ks.save(dir);
        if (opts.json === true) printJson(io, { ok: true, name: entry.name, acl: entry.acl, weakKeyAllowed: entry.weakKeyAllowed, certificate: describeCert(entry.certificate) });
        else io.stdout(`trusted ${entry.name}: tickets from ${entry.acl.sid}/${entry.acl.client} signed by\n${certLines(entry.certificate)}${weakLine(entry.weakKeyAllowed)}`);
      }),
    );

  withExamples(keystore.command('list'), 'ticketstack keystore list ./keystore', 'ticketstack keystore list ./keystore --json')
    .description('Show the own identity and every trusted certificate with its ACL entry')
    .argument('<dir>', 'keystore folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        const ks = await Keystore.load(dir, passphraseOption(io));
        const trusted = ks.trusted.map((e) => ({ name: e.name, acl: e.acl, weakKeyAllowed: e.weakKeyAllowed, certificate: describeCert(e.certificate) }));
        if (opts.json === true) {
          printJson(io, { ok: true, own: { sid: ks.own.sid, client: ks.own.client, alias: ks.own.alias, certificate: describeCert(ks.own.certificate) }, trusted });
          return;
        }
        io.stdout(`own: ${ks.own.sid}/${ks.own.client} (alias ${ks.own.alias})\n${certLines(ks.own.certificate)}`);
        if (trusted.length === 0) io.stdout('trusted: none (only own tickets are accepted)\n');
        for (const e of ks.trusted) io.stdout(`trusted ${e.name}: ${e.acl.sid}/${e.acl.client}\n  ACL subject: ${e.acl.subjectDn}\n  ACL issuer:  ${e.acl.issuerDn}\n${certLines(e.certificate)}${weakLine(e.weakKeyAllowed)}`);
      }),
    );

  withExamples(keystore.command('remove'), 'ticketstack keystore remove ./keystore ERP-100')
    .description('Remove a trusted entry (its ACL entry and certificate file)')
    .argument('<dir>', 'keystore folder')
    .argument('<name>', 'entry name, as `keystore list` shows it')
    .option('--json', 'print JSON')
    .action(async (dir: string, name: string, opts: { json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        const ks = await Keystore.load(dir, passphraseOption(io));
        ks.removeTrusted(name);
        await ks.save(dir);
        if (opts.json === true) printJson(io, { ok: true, removed: name });
        else io.stdout(`removed ${name}\n`);
      }),
    );
  return keystore;
}
