import type { Resolver } from 'node:dns/promises';
import { addressesOf, describeDnsError, isNoRecord } from './selfcheck-network';
import type { CheckRow } from './selfcheck-report';

/**
 * The records `dns <domain>` prints, read back from its zone-file lines and looked up in DNS
 * (docs/protocols.md §2.5). Reading the lines instead of rebuilding the records keeps selfcheck
 * checking exactly what dns recommends, whatever decides the records (zone-records.ts).
 */
export interface ExpectedRecord {
  /** Lower case, no trailing dot. */
  readonly name: string;
  readonly type: string;
  /** Each record's data as the zone line writes it (TXT unquoted). */
  readonly values: readonly string[];
  /** The zone-file lines, for the fix. */
  readonly lines: readonly string[];
}

const ZONE_LINE = /^(\S+)\s+IN\s+([A-Z]+)\s+(.+)$/;

export const hostOf = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** A zone file's quoted string, unquoted (RFC 1035 §5.1: `\X` is X). */
const unquote = (text: string): string => text.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');

/** The records of zone-file lines (comments skipped), one entry per name and type, in order. */
export function expectedRecords(lines: readonly string[]): ExpectedRecord[] {
  const records = new Map<string, { name: string; type: string; values: string[]; lines: string[] }>();
  for (const line of lines) {
    const match = ZONE_LINE.exec(line.trim());
    if (match === null || line.trim().startsWith(';')) continue;
    const [, name = '', type = '', data = ''] = match;
    const key = `${hostOf(name)} ${type}`;
    const record = records.get(key) ?? { name: hostOf(name), type, values: [], lines: [] };
    record.values.push(type === 'TXT' ? unquote(data) : data.trim());
    record.lines.push(line);
    records.set(key, record);
  }
  return [...records.values()];
}

type Verdict = Pick<CheckRow, 'status' | 'detail'> & { readonly fix?: string };

const publish = (record: ExpectedRecord): string => `publish ${record.lines.join(' and ')}`;

/** The CNAME chain from `name` (at most 8 links), and the error that ended it when it has none. */
async function cnameChain(resolver: Resolver, name: string, wanted: string): Promise<string[] | { error: unknown }> {
  const chain: string[] = [];
  let current = name;
  for (let link = 0; link < 8 && current !== wanted; link++) {
    try {
      const [next] = await resolver.resolveCname(current);
      if (next === undefined) break;
      current = hostOf(next);
      chain.push(current);
    } catch (error) {
      if (chain.length === 0) return { error };
      break;
    }
  }
  return chain;
}

/**
 * A name that should lead to the service host: a CNAME (chain) to it passes; so do A/AAAA records
 * with the service host's addresses (an apex cannot have a CNAME), said in the detail.
 */
async function checkCname(resolver: Resolver, record: ExpectedRecord): Promise<Verdict> {
  const wanted = hostOf(record.values[0] ?? '');
  const chain = await cnameChain(resolver, record.name, wanted);
  if (Array.isArray(chain) && chain.at(-1) === wanted) return { status: 'pass', detail: `CNAME ${chain.join(' → ')}` };
  if (!Array.isArray(chain) && !isNoRecord(chain.error))
    return { status: 'fail', detail: describeDnsError(chain.error), fix: 'check that the domain’s DNS servers answer' };
  const found = Array.isArray(chain) ? `CNAME ${chain.join(' → ')}` : describeDnsError(chain.error);
  let addresses: string[];
  try {
    addresses = await addressesOf(resolver, record.name);
  } catch {
    return { status: 'fail', detail: `${found}, no address`, fix: publish(record) };
  }
  let serviceAddresses: string[] = [];
  try {
    serviceAddresses = await addressesOf(resolver, wanted);
  } catch (error) {
    return { status: 'fail', detail: `${wanted}: ${describeDnsError(error)}`, fix: `give ${wanted} its address` };
  }
  const shown = `${Array.isArray(chain) && chain.length > 0 ? `${found}, ` : ''}addresses ${addresses.join(', ')}`;
  if (addresses.every((address) => serviceAddresses.includes(address)))
    return {
      status: 'pass',
      detail: `${shown}: the addresses of ${wanted} (a CNAME to it would follow the service if it moves)`,
    };
  return {
    status: 'fail',
    detail: `${shown}, not those of ${wanted} (${serviceAddresses.join(', ')})`,
    fix: `replace the record with ${record.lines.join(' and ')}`,
  };
}

/** An SRV record as compared: priority, port and target (weight orders equals only, and clients here ignore it). */
function srvKey(priority: number, port: number, target: string): string {
  return `${priority} ${port} ${hostOf(target) || '.'}`;
}

function expectedSrvKey(data: string): string {
  const [priority = '', , port = '', target = ''] = data.split(/\s+/);
  return srvKey(Number(priority), Number(port), target);
}

async function checkSrv(resolver: Resolver, record: ExpectedRecord): Promise<Verdict> {
  let found;
  try {
    found = await resolver.resolveSrv(record.name);
  } catch (error) {
    return isNoRecord(error)
      ? { status: 'fail', detail: `no SRV record (${describeDnsError(error)})`, fix: publish(record) }
      : { status: 'fail', detail: describeDnsError(error), fix: 'check that the domain’s DNS servers answer' };
  }
  const foundKeys = found.map((srv) => srvKey(srv.priority, srv.port, srv.name)).sort();
  const wantedKeys = record.values.map(expectedSrvKey).sort();
  const shown = found.map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${hostOf(srv.name) || '.'}`).join('; ');
  if (JSON.stringify(foundKeys) === JSON.stringify(wantedKeys)) return { status: 'pass', detail: shown };
  return {
    status: 'fail',
    detail: `${shown}; expected ${record.values.join('; ')}`,
    fix: `publish exactly ${record.lines.join(' and ')}`,
  };
}

async function checkTxt(resolver: Resolver, record: ExpectedRecord): Promise<Verdict> {
  let found: string[];
  try {
    found = (await resolver.resolveTxt(record.name)).map((chunks) => chunks.join(''));
  } catch (error) {
    return isNoRecord(error)
      ? { status: 'fail', detail: `no TXT record (${describeDnsError(error)})`, fix: publish(record) }
      : { status: 'fail', detail: describeDnsError(error), fix: 'check that the domain’s DNS servers answer' };
  }
  const missing = record.values.filter((value) => !found.includes(value));
  if (missing.length === 0) return { status: 'pass', detail: record.values.map((value) => `"${value}"`).join(', ') };
  return {
    status: 'fail',
    detail: `found ${found.map((value) => `"${value}"`).join(', ') || 'no value'}`,
    fix: `publish ${record.lines.join(' and ')} (the digest of the document this service serves now)`,
  };
}

/** One row per record `dns` prints: found as printed (or, for a CNAME, with the same addresses), or the fix. */
export async function checkRecords(resolver: Resolver, records: readonly ExpectedRecord[]): Promise<CheckRow[]> {
  return Promise.all(
    records.map(async (record): Promise<CheckRow> => {
      const check =
        record.type === 'CNAME'
          ? checkCname
          : record.type === 'SRV'
            ? checkSrv
            : record.type === 'TXT'
              ? checkTxt
              : null;
      const verdict: Verdict =
        check === null
          ? { status: 'skip', detail: `selfcheck does not look up ${record.type} records` }
          : await check(resolver, record);
      return { section: 'dns', check: `${record.name} ${record.type}`, ...verdict };
    }),
  );
}
