import { mkdtempSync, writeFileSync } from 'node:fs';
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
