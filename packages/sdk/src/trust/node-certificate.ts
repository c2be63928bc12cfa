// A stable certificate for Node clients: node-datachannel cannot take an RTCCertificate, but it reads a
// certificate and key from PEM files (libdatachannel's `certificatePemFile` / `keyPemFile`). Node's crypto
// makes the key and signs, but cannot issue a certificate, and the X.509 libraries for JavaScript need
// global polyfills; so the few lines of DER for one self-signed ECDSA P-256 certificate are written here.

import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs/promises';
import type * as NodePath from 'node:path';
import { concatBytes } from '../internal/bytes.js';

/** The two files of one account's certificate, as node-datachannel's configuration names them. */
export interface CertificateFiles {
  certificatePemFile: string;
  keyPemFile: string;
}

// DER: a tag, a length, the bytes.
const length = (n: number) => (n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255]);
const tlv = (tag: number, body: Uint8Array): Uint8Array =>
  Uint8Array.from([tag, ...length(body.length), ...body]);
const seq = (...parts: Uint8Array[]) => tlv(0x30, concat(parts));
const concat = concatBytes;
function oid(dotted: string): Uint8Array {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const bytes: number[] = [];
    let v = n;
    do {
      bytes.unshift(v & 127);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < bytes.length - 1; i++) bytes[i] = (bytes[i] ?? 0) | 128;
    out.push(...bytes);
  }
  return tlv(0x06, Uint8Array.from(out));
}
const text = (s: string) => new TextEncoder().encode(s);
const utcTime = (d: Date) =>
  tlv(0x17, text(`${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`));
const commonName = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, text(cn)))));
const pem = (label: string, der: Uint8Array) =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

const LIFETIME_MS = 365 * 24 * 3600_000;
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;

interface NodeModules {
  crypto: typeof NodeCrypto;
  fs: typeof NodeFs;
  path: typeof NodePath;
}
// The module names are kept from bundlers: this file only ever runs in Node.
const load = async (): Promise<NodeModules> => {
  const [c, f, p] = ['node:crypto', 'node:fs/promises', 'node:path'];
  return {
    crypto: (await import(/* @vite-ignore */ c)) as NodeModules['crypto'],
    fs: (await import(/* @vite-ignore */ f)) as NodeModules['fs'],
    path: (await import(/* @vite-ignore */ p)) as NodeModules['path'],
  };
};

const fileNames = (m: NodeModules, dir: string, accountId: string) => {
  const base = m.path.join(dir, `p2pchat-${accountId.replace(/[^A-Za-z0-9_-]/g, '_')}`);
  return { certificatePemFile: `${base}.cert.pem`, keyPemFile: `${base}.key.pem` };
};

/** This account's certificate files in `dir`: the ones there while valid, else a new pair (key mode 600). */
export async function nodeCertificateFiles(
  dir: string,
  accountId: string,
): Promise<CertificateFiles> {
  const m = await load();
  const files = fileNames(m, dir, accountId);
  try {
    const cert = new m.crypto.X509Certificate(await m.fs.readFile(files.certificatePemFile));
    await m.fs.access(files.keyPemFile);
    if (new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS) return files;
  } catch {
    // none yet, or unreadable: a new one
  }
  const { publicKey, privateKey } = m.crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  // A positive serial in minimal DER: no leading zero byte, so the first byte is 0x01–0x7f.
  const serialBytes = new Uint8Array(m.crypto.randomBytes(12));
  serialBytes[0] = ((serialBytes[0] ?? 0) & 0x7f) | 0x01;
  const serial = tlv(0x02, serialBytes);
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Uint8Array.of(2))), // version 3
    serial,
    ecdsaSha256,
    commonName('p2pchat'),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + LIFETIME_MS))),
    commonName('p2pchat'),
    new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
  );
  const signature = new Uint8Array(m.crypto.sign('sha256', tbs, privateKey));
  const certificate = seq(tbs, ecdsaSha256, tlv(0x03, concat([Uint8Array.of(0), signature])));
  await m.fs.mkdir(dir, { recursive: true });
  await m.fs.writeFile(files.keyPemFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  await m.fs.writeFile(files.certificatePemFile, pem('CERTIFICATE', certificate));
  return files;
}

/** Removes the account's certificate files (at logout with `forget`, or account deletion). */
export async function removeNodeCertificate(dir: string, accountId: string): Promise<void> {
  const m = await load();
  const files = fileNames(m, dir, accountId);
  await Promise.all([
    m.fs.rm(files.certificatePemFile, { force: true }),
    m.fs.rm(files.keyPemFile, { force: true }),
  ]);
}
