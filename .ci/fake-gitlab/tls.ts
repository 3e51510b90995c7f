/**
 * A certificate authority made for one run of the fake GitLab, and a server certificate it signs, with `openssl`
 * (Node can verify certificates but not issue them). The runner under test trusts the CA through `tls-ca-file`,
 * exactly as it would trust a self-hosted GitLab behind a private CA.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunCertificates {
  /** Folder holding ca.crt, server.crt and server.key (mode 0700); removed by `remove()`. */
  readonly dir: string;
  /** The CA certificate, PEM: what a client trusts. */
  readonly caCertificate: string;
  /** Path of the CA certificate file. */
  readonly caFile: string;
  readonly serverCertificate: string;
  readonly serverKey: string;
  remove(): void;
}

const openssl = (args: readonly string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Makes a CA (valid one day, its key never leaves the folder) and a server certificate for `names`: IP addresses
 * become IP SANs, anything else DNS SANs. Go clients (the runner) require SANs; the common name is ignored.
 */
export function makeRunCertificates(names: readonly string[]): RunCertificates {
  if (names.length === 0) throw new Error('makeRunCertificates: at least one host name or IP address is needed for the certificate');
  const dir = mkdtempSync(join(tmpdir(), 'fake-gitlab-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', `/CN=fake-gitlab test CA ${process.pid}-${Date.now()}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${names[0]}`], dir);
    const san = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
    writeFileSync(join(dir, 'server.ext'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'server.crt', '-extfile', 'server.ext'], dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not make the fake GitLab's test CA with openssl (is openssl installed?): ${stderr || (error as Error).message}`, { cause: error });
  }
  return {
    dir,
    caCertificate: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caFile: join(dir, 'ca.crt'),
    serverCertificate: readFileSync(join(dir, 'server.crt'), 'utf8'),
    serverKey: readFileSync(join(dir, 'server.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
