import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';

/** One email as a transport receives it: already rendered, addressed and given its Message-ID. */
export interface OutgoingEmail {
  /** The outbound_emails row id. */
  id: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  date: Date;
  messageId: string;
}

/**
 * How an email leaves Orderdeck. A transport throws when the message was not accepted; the deliverer then
 * retries later. Two exist (files, memory); SMTP would be a third behind the same interface.
 */
export interface Transport {
  readonly name: string;
  send(email: OutgoingEmail): Promise<void>;
}

export const DEFAULT_FROM = 'Orderdeck <no-reply@orderdeck.invalid>';

/** Keeps a header value on one line: a CR or LF in a subject or address would start a forged header. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

/** RFC 2047 encoded-word for a header holding anything beyond printable ASCII. */
function encodeHeader(value: string): string {
  const clean = oneLine(value);
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** Base64 in 76-character lines, so any text (long lines, any script) is a valid MIME body. */
const base64Body = (text: string): string => Buffer.from(text, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');

/** The email as an RFC 5322 message (what an .eml file holds and what SMTP's DATA would carry). */
export function formatEml(email: OutgoingEmail): string {
  const headers = [
    `From: ${encodeHeader(email.from)}`,
    `To: ${oneLine(email.to)}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Date: ${email.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${oneLine(email.messageId)}`,
    'MIME-Version: 1.0',
  ];
  const part = (type: string, body: string) => [`Content-Type: ${type}; charset=UTF-8`, 'Content-Transfer-Encoding: base64', '', base64Body(body)].join('\r\n');
  if (!email.html) return [...headers, part('text/plain', email.text)].join('\r\n');
  const boundary = `=_orderdeck_${randomBytes(12).toString('hex')}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`, part('text/plain', email.text),
    `--${boundary}`, part('text/html', email.html),
    `--${boundary}--`, '',
  ].join('\r\n');
}

/**
 * The default transport while no mail server is configured: each email becomes one .eml file in `dir`
 * (ORDERDECK_DATA_DIR/outbox-mail/ by default), named `<row id>-<message id>.eml`, which any mail program
 * opens. Written to a temporary name and renamed, so a reader never sees half a file.
 */
export function createFileTransport(dir: string): Transport {
  return {
    name: 'file',
    async send(email) {
      await mkdir(dir, { recursive: true });
      const base = `${String(email.id).padStart(8, '0')}-${randomBytes(6).toString('hex')}`;
      const temporary = path.join(dir, `.${base}.tmp`);
      await writeFile(temporary, formatEml(email), { mode: 0o600 });
      await rename(temporary, path.join(dir, `${base}.eml`));
    },
  };
}

export const mailDirOf = (dataDir: string): string => path.join(dataDir, 'outbox-mail');

/** The transport `serve` should use: today always the .eml files in ORDERDECK_DATA_DIR/outbox-mail/ (no SMTP yet). */
export function createConfiguredTransport(config: Pick<Config, 'dataDir'>): Transport {
  return createFileTransport(mailDirOf(config.dataDir));
}

/** For tests: keeps what was sent; `failNext(n)` makes the next n sends throw, as a refusing server would. */
export interface MemoryTransport extends Transport {
  readonly sent: OutgoingEmail[];
  failNext(times: number, message?: string): void;
}

export function createMemoryTransport(opts: { delayMs?: number } = {}): MemoryTransport {
  const sent: OutgoingEmail[] = [];
  let failures = 0;
  let failure = 'transport refused the message';
  return {
    name: 'memory',
    sent,
    failNext(times, message = failure) {
      failures = times;
      failure = message;
    },
    async send(email) {
      if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
      if (failures > 0) {
        failures -= 1;
        throw new Error(failure);
      }
      sent.push(email);
    },
  };
}
