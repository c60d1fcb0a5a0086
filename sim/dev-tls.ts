/**
 * Dev and test certificates through the openssl CLI: a CA, a server certificate for localhost
 * (and 127.0.0.1), and one client certificate per SAE whose subject CN is the SAE id. ECDSA P-256,
 * private keys written 0600. Existing files are kept, so a dev server restarts with the same PKI.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevTls {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly sae: Record<string, { readonly cert: string; readonly key: string }>;
}

const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(path: string, cwd: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path], cwd);
  chmodSync(join(cwd, path), 0o600);
}

function issue(cwd: string, name: string, subject: string, ext: string): void {
  newKey(`${name}.key`, cwd);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], cwd);
  writeFileSync(join(cwd, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '825', '-sha256',
    '-extfile', `${name}.ext`, '-out', `${name}.pem`], cwd);
  rmSync(join(cwd, `${name}.csr`));
  rmSync(join(cwd, `${name}.ext`));
}

export function ensureDevTls(dir: string, saes: readonly string[] = ['sae-a', 'sae-b']): DevTls {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dir, 'ca.pem'))) {
    newKey('ca.key', dir);
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '825', '-subj', '/CN=LIGHTVIBES dev CA', '-out', 'ca.pem',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  }
  if (!existsSync(join(dir, 'server.pem')))
    issue(dir, 'server', '/CN=localhost', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const sae: DevTls['sae'] = {};
  for (const s of saes) {
    if (!existsSync(join(dir, `${s}.pem`)))
      issue(dir, s, `/CN=${s}`, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
    sae[s] = { cert: join(dir, `${s}.pem`), key: join(dir, `${s}.key`) };
  }
  return { dir, ca: join(dir, 'ca.pem'), serverCert: join(dir, 'server.pem'), serverKey: join(dir, 'server.key'), sae };
}

/** A SAE certificate signed by a different CA (tests: a client the server must not trust). */
export function foreignClientCert(dir: string, sae: string): { cert: string; key: string } {
  const t = ensureDevTls(dir, [sae]);
  return t.sae[sae]!;
}
