import dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';

/**
 * An authoritative DNS server for tests, over UDP on loopback, serving the records it is given
 * (encoded and decoded by dns-packet, so the wire format is a kept library's, not ours). It answers
 * as a real one would for what selfcheck asks: the records of the name and type; for a name with
 * a CNAME, the CNAME and then the target's records (when in the zone); NODATA for a name with
 * other records only; NXDOMAIN for a name it has nothing for.
 */
export type TestRecord =
  | { readonly name: string; readonly type: 'A' | 'AAAA' | 'CNAME'; readonly data: string }
  | { readonly name: string; readonly type: 'TXT'; readonly data: string }
  | {
      readonly name: string;
      readonly type: 'SRV';
      readonly data: { priority: number; weight: number; port: number; target: string };
    }
  | { readonly name: string; readonly type: 'MX'; readonly data: { preference: number; exchange: string } };

const NXDOMAIN = 3;
const key = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Zone-file lines as `dns` prints them (`name. IN TYPE data`; comments skipped), as records. */
export function recordsFromZoneLines(lines: readonly string[]): TestRecord[] {
  return lines.flatMap((line): TestRecord[] => {
    const match = /^(\S+)\s+IN\s+(CNAME|SRV|TXT)\s+(.+)$/.exec(line.trim());
    if (match === null) return [];
    const [, name = '', type, data = ''] = match;
    if (type === 'CNAME') return [{ name: key(name), type, data: key(data) }];
    if (type === 'TXT') return [{ name: key(name), type, data: data.replace(/^"|"$/g, '') }];
    const [priority = 0, weight = 0, port = 0] = data.split(/\s+/).slice(0, 3).map(Number);
    const target = data.split(/\s+/)[3] ?? '.';
    return [
      { name: key(name), type: 'SRV', data: { priority, weight, port, target: target === '.' ? '.' : key(target) } },
    ];
  });
}

function toAnswer(record: TestRecord): dnsPacket.Answer {
  const base = { name: record.name, ttl: 60, class: 'IN' as const };
  switch (record.type) {
    case 'SRV':
      return { ...base, type: 'SRV', data: record.data };
    case 'MX':
      return { ...base, type: 'MX', data: record.data };
    case 'TXT':
      return { ...base, type: 'TXT', data: [record.data] };
    case 'A':
    case 'AAAA':
    case 'CNAME':
      return { ...base, type: record.type, data: record.data };
  }
}

export class TestDnsServer {
  private records: readonly TestRecord[] = [];

  private constructor(private readonly socket: dgram.Socket) {}

  static async start(records: readonly TestRecord[]): Promise<TestDnsServer> {
    const socket = dgram.createSocket('udp4');
    const server = new TestDnsServer(socket);
    server.setRecords(records);
    socket.on('message', (message, remote) => {
      const reply = server.reply(message);
      if (reply !== null) socket.send(reply, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return server;
  }

  /** For Resolver.setServers and selfcheck's --dns-server. */
  get address(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  setRecords(records: readonly TestRecord[]): void {
    this.records = records.map((record) => ({ ...record, name: key(record.name) }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answersFor(name: string, type: string, depth = 0): dnsPacket.Answer[] | null {
    const named = this.records.filter((record) => record.name === key(name));
    if (named.length === 0) return null;
    const matching = named.filter((record) => record.type === type);
    if (matching.length > 0) return matching.map(toAnswer);
    const cname = named.find((record) => record.type === 'CNAME');
    if (cname?.type !== 'CNAME' || depth > 8) return [];
    return [toAnswer(cname), ...(this.answersFor(cname.data, type, depth + 1) ?? [])];
  }

  private reply(message: Buffer): Buffer | null {
    let query;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return null;
    }
    const [question] = query.questions ?? [];
    if (question === undefined) return null;
    const answers = this.answersFor(question.name, question.type);
    return dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (answers === null ? NXDOMAIN : 0),
      questions: [question],
      answers: answers ?? [],
    });
  }
}
