import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';

/** A new temporary folder holding cert.pem and key.pem, a self-signed pair for localhost valid one day. */
export async function writeSelfSignedTlsFiles(): Promise<string> {
  const folder = mkdtempSync(path.join(tmpdir(), 'tls-'));
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 86_400_000),
  });
  writeFileSync(path.join(folder, 'cert.pem'), pems.cert);
  writeFileSync(path.join(folder, 'key.pem'), pems.private);
  return folder;
}

/** A self-signed pair (EC, fast to make) for these DNS names (or IPv4 addresses), valid one day unless told. */
export async function selfSignedPairFor(
  names: readonly string[],
  notAfterDate = new Date(Date.now() + 86_400_000),
): Promise<{ cert: string; key: string }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: names.map((name) =>
          /^[\d.]+$/.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
        ),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Writes a pair with the file names of certbot (`fullchain.pem`, `privkey.pem`) or a Kubernetes TLS secret; makes the folder. */
export function writePair(folder: string, pair: { cert: string; key: string }, layout: 'certbot' | 'secret'): void {
  mkdirSync(folder, { recursive: true });
  const [certName, keyName] = layout === 'certbot' ? ['fullchain.pem', 'privkey.pem'] : ['tls.crt', 'tls.key'];
  writeFileSync(path.join(folder, certName), pair.cert);
  writeFileSync(path.join(folder, keyName), pair.key);
}

/** The subjectAltName of the certificate a handshake naming `serverName` (or none) gets. */
export function servedNames(port: number, serverName: string | null): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        host: '127.0.0.1',
        port,
        rejectUnauthorized: false,
        ...(serverName === null ? {} : { servername: serverName }),
      },
      () => {
        const names = socket.getPeerX509Certificate()?.subjectAltName ?? '';
        socket.end();
        resolve(names);
      },
    );
    socket.on('error', reject);
  });
}
