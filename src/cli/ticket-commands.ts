/**
 * `ticketstack ticket decode | verify | issue`.
 *
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { Keystore } from '../keystore/index.js';
import {
  decodeTicket,
  issueAssertionTicket,
  issueTicket,
  TICKET_ALGORITHMS,
  verifyTicket,
  type DecodedTicket,
  type IssueCodePage,
  type TicketAlgorithm,
  type VerifiedTicket,
} from '../ticket/index.js';
import { configureCommand, parseNow, passphraseOption, printJson, processIo, runAction, stylesOf, UsageError, withExamples, type CliIo } from './io.js';

/** `TICKET` or `@FILE` (the file's surrounding whitespace is ignored). */
async function readTicketArg(arg: string): Promise<string> {
  if (!arg.startsWith('@')) return arg;
  try {
    return (await readFile(arg.slice(1), 'utf8')).trim();
  } catch (cause) {
    throw new UsageError(`cannot read ${arg.slice(1)}: ${(cause as Error).message}`);
  }
}

/** `H`, `H:MM` (AS Java `login.ticket_lifetime` format) → minutes. */
export function parseLifetime(value: string): number {
  const m = /^(\d{1,4})(?::(\d{1,2}))?$/.exec(value.trim());
  const minutes = m === null ? NaN : Number(m[1]) * 60 + Number(m[2] ?? 0);
  if (m === null || Number(m[2] ?? 0) > 59 || minutes < 1) throw new UsageError(`--lifetime must be H or H:MM (e.g. 8 or 0:02), got "${value}"`);
  return minutes;
}

function decodedJson(t: DecodedTicket) {
  return {
    version: t.version,
    codePage: t.codePage,
    length: t.bytes.length,
    infoUnits: t.infoUnits.map((u) => ({ id: `0x${u.id.toString(16).padStart(2, '0')}`, name: u.name, length: u.data.length, value: u.value, hex: Buffer.from(u.data).toString('hex') })),
    fields: {
      ...t.fields,
      createdAt: t.fields.createdAt?.toISOString(),
      validUntil: t.fields.validUntil?.toISOString(),
    },
    cms: {
      digestAlgorithm: t.cms.digestAlgorithm,
      signatureAlgorithm: t.cms.signatureAlgorithmOid,
      signerIssuer: t.cms.signerIssuer,
      signerSerial: BigInt(`0x${t.cms.signerSerial}`).toString(10),
      signingTime: t.cms.signedAttributes?.signingTime?.toISOString(),
      detached: t.cms.encapsulatedContent === undefined,
      certificates: t.cms.certificates.map((c) => ({ subjectDn: c.subjectDn, issuerDn: c.issuerDn, serial: c.serialDecimal, keyType: c.keyType, keyBits: c.keyBits, fingerprint: c.fingerprint, pem: c.pem })),
    },
  };
}

function verifiedJson(v: VerifiedTicket) {
  return {
    user: v.user,
    portalUser: v.portalUser,
    authScheme: v.authScheme,
    sid: v.sid,
    client: v.client,
    createdAt: v.createdAt.toISOString(),
    validUntil: v.validUntil.toISOString(),
    language: v.language,
    recipient: v.recipient,
    flags: v.flags,
    assertion: v.assertion,
    codePage: v.codePage,
    signer: v.signer,
  };
}

const printable = (value: string | number | null, hex: string) =>
  value === null ? `hex ${hex}` : typeof value === 'number' ? String(value) : JSON.stringify(value);

export function registerTicketCommands(program: Command, io: CliIo = processIo): Command {
  const ticket = configureCommand(program.command('ticket'), io).description('Decode, verify and issue SAP logon tickets and authentication assertion tickets (MYSAPSSO2)');

  withExamples(ticket.command('decode'), 'ticketstack ticket decode @cookie.txt', 'ticketstack ticket decode @cookie.txt --save-cert ERP.crt --json')
    .description('Show what a ticket contains, without checking its signature or trust (exit 1 if it cannot be decoded)')
    .argument('<ticket>', 'the ticket text (cookie/header value, URL-encoded or not) or @FILE')
    .option('--save-cert <file>', 'write the certificate embedded in the ticket (if any) as PEM, e.g. for `keystore import` after checking it out of band')
    .option('--json', 'print JSON')
    .action(async (arg: string, opts: { saveCert?: string; json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        const decoded = decodeTicket(await readTicketArg(arg));
        const cert = decoded.cms.certificates[0];
        if (opts.saveCert !== undefined) {
          if (cert === undefined) throw new UsageError('the ticket embeds no certificate');
          await writeFile(opts.saveCert, cert.pem);
        }
        if (opts.json === true) {
          printJson(io, { ok: true, ...decodedJson(decoded) });
          return;
        }
        const f = decoded.fields;
        io.stdout(`version ${decoded.version}, code page ${decoded.codePage}, ${decoded.bytes.length} bytes\n`);
        for (const u of decoded.infoUnits) io.stdout(`  0x${u.id.toString(16).padStart(2, '0')} ${u.name.padEnd(20)} ${printable(u.value, Buffer.from(u.data).toString('hex'))}\n`);
        io.stdout(`valid: ${f.createdAt?.toISOString() ?? '?'} .. ${f.validUntil?.toISOString() ?? '?'} (UTC, without tolerance)\n`);
        io.stdout(`signer: issuer "${decoded.cms.signerIssuer}", serial ${BigInt(`0x${decoded.cms.signerSerial}`).toString(10)}, ${decoded.cms.digestAlgorithm} / ${decoded.cms.signatureAlgorithmOid}\n`);
        for (const c of decoded.cms.certificates) io.stdout(`embedded certificate (not trusted by itself): ${c.subjectDn}, ${c.keyType.toUpperCase()}-${c.keyBits}, sha-256 ${c.fingerprint}\n`);
        io.stdout('not verified: use `ticketstack ticket verify` with a keystore\n');
      }),
    );

  withExamples(
    ticket.command('verify'),
    'ticketstack ticket verify @cookie.txt --keystore ./keystore',
    'ticketstack ticket verify "$ASSERTION" --keystore ./keystore --assertion --json',
  )
    .description('Verify a ticket against a keystore: signer certificate and ACL entry, signature, validity (exit 0 accepted, 1 refused with an ERR_TICKET_* code)')
    .argument('<ticket>', 'the ticket text or @FILE')
    .requiredOption('--keystore <dir>', 'keystore folder')
    .option('--now <iso>', 'evaluate at this instant instead of the system clock (e.g. 2024-01-01T12:00:00Z)')
    .option('--assertion', 'require an authentication assertion ticket for this system (recipient = own SID/client, flags 0x01)')
    .option('--tolerance <minutes>', 'clock tolerance in minutes (default 3)', (v) => Number(v))
    .option('--algorithms <list>', `comma-separated allow-list (default all: ${TICKET_ALGORITHMS.join(',')})`)
    .option('--allow-weak-keys', 'accept signer keys below DSA-1024 / RSA-2048 / EC-256')
    .option('--json', 'print JSON')
    .action(async (arg: string, opts: { keystore: string; now?: string; assertion?: boolean; tolerance?: number; algorithms?: string; allowWeakKeys?: boolean; json?: boolean }) =>
      runAction(io, opts.json === true, async () => {
        const now = parseNow(opts.now);
        const allowed = opts.algorithms?.split(',').map((a) => a.trim()) as TicketAlgorithm[] | undefined;
        if (allowed?.some((a) => !TICKET_ALGORITHMS.includes(a)) === true) throw new UsageError(`--algorithms must be a list of ${TICKET_ALGORITHMS.join(', ')}`);
        if (opts.tolerance !== undefined && !(opts.tolerance >= 0)) throw new UsageError('--tolerance must be a number of minutes ≥ 0');
        const text = await readTicketArg(arg);
        const keystore = await Keystore.load(opts.keystore, passphraseOption(io));
        const verified = verifyTicket(text, {
          keystore,
          ...(now === undefined ? {} : { now }),
          ...(opts.tolerance === undefined ? {} : { toleranceMinutes: opts.tolerance }),
          ...(allowed === undefined ? {} : { allowedAlgorithms: allowed }),
          assertion: opts.assertion === true,
          allowWeakKeys: opts.allowWeakKeys === true,
        });
        if (opts.json === true) {
          printJson(io, { ok: true, ticket: verifiedJson(verified) });
          return;
        }
        io.stdout(
          `${stylesOf(io).out.ok('accepted')}: user ${verified.user ?? '-'}${verified.portalUser === undefined ? '' : ` (portal ${verified.portalUser})`} from ${verified.sid}/${verified.client}` +
            `, valid ${verified.createdAt.toISOString()} .. ${verified.validUntil.toISOString()}` +
            `, signed by ${verified.signer.subjectDn} (${verified.signer.trust === 'own' ? 'own certificate' : `trusted entry ${verified.signer.entry}`}, ${verified.signer.algorithm})\n`,
        );
      }),
    );

  withExamples(
    ticket.command('issue'),
    'ticketstack ticket issue --keystore ./keystore --user ALICE --portal-user alice',
    'ticketstack ticket issue --keystore ./keystore --user ALICE --recipient ERP/100',
  )
    .description("Issue a logon ticket signed with the keystore's own key (or an assertion ticket with --recipient); prints the ticket text as SAP writes it")
    .requiredOption('--keystore <dir>', 'keystore folder')
    .requiredOption('--user <user>', 'the user (ABAP user ID, 0x01)')
    .option('--lifetime <h:mm>', 'validity as H or H:MM (default 8 for logon tickets, 0:02 for assertion tickets)')
    .option('--recipient <sid/client>', 'issue an authentication assertion ticket for this system, e.g. ERP/100')
    .addOption(new Option('--code-page <cp>', 'ticket shape: 1100 AS Java, 4103 ABAP Unicode (4102 big-endian), 4110 SAPSSOEXT').choices(['1100', '4102', '4103', '4110']).default('1100'))
    .option('--portal-user <id>', 'UME logon ID (0x20, written as portal:<id>)')
    .option('--auth-scheme <name>', 'authscheme (0x88)')
    .option('--language <l>', 'one-letter logon language (0x09)')
    .option('--include-cert', 'embed the own certificate in the signature')
    .addOption(new Option('--hash <hash>', 'digest').choices(['sha1', 'sha256']).default('sha1'))
    .option('--now <iso>', 'issue at this instant instead of the system clock')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        keystore: string;
        user: string;
        lifetime?: string;
        recipient?: string;
        codePage: IssueCodePage;
        portalUser?: string;
        authScheme?: string;
        language?: string;
        includeCert?: boolean;
        hash: 'sha1' | 'sha256';
        now?: string;
        json?: boolean;
      }) =>
        runAction(io, opts.json === true, async () => {
          const now = parseNow(opts.now);
          const lifetimeMinutes = opts.lifetime === undefined ? undefined : parseLifetime(opts.lifetime);
          let recipient: { sid: string; client: string } | undefined;
          if (opts.recipient !== undefined) {
            const m = /^([^/\s]+)\/([^/\s]+)$/.exec(opts.recipient);
            if (m === null) throw new UsageError(`--recipient must be SID/CLIENT, got "${opts.recipient}"`);
            recipient = { sid: m[1] as string, client: m[2] as string };
          }
          const keystore = await Keystore.load(opts.keystore, passphraseOption(io));
          const common = {
            keystore,
            user: opts.user,
            codePage: opts.codePage,
            hash: opts.hash,
            includeCertificate: opts.includeCert === true,
            ...(lifetimeMinutes === undefined ? {} : { lifetimeMinutes }),
            ...(opts.portalUser === undefined ? {} : { portalUser: opts.portalUser }),
            ...(opts.authScheme === undefined ? {} : { authScheme: opts.authScheme }),
            ...(opts.language === undefined ? {} : { language: opts.language }),
            ...(now === undefined ? {} : { now }),
          };
          const issued = recipient === undefined
            ? issueTicket(common)
            : issueAssertionTicket({ ...common, recipientSid: recipient.sid, recipientClient: recipient.client });
          if (opts.json === true) {
            printJson(io, {
              ok: true,
              ticket: issued.text,
              assertion: recipient !== undefined,
              recipient,
              codePage: issued.codePage,
              createdAt: issued.createdAt.toISOString(),
              validUntil: issued.validUntil.toISOString(),
            });
          } else {
            io.stdout(`${issued.text}\n`);
          }
        }),
    );
  return ticket;
}
