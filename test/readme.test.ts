/**
 * Keeps the README true: every `$ curl … http://localhost:8080…` example in a ```console block is
 * replayed against the example app, and the answer must be the one the README shows.
 * `UPDATE_README=1 npx jest test/readme` rewrites the shown answers (review the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { z } from 'zod';
import { configSchema } from '../src/config/schema';
import { exampleApp, REPO_ROOT } from './support/app';

const README = path.join(REPO_ROOT, 'README.md');
const SERVICE = 'http://localhost:8080';

interface CurlExample {
  readonly command: string;
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | undefined;
  /** `curl -i`: the status line and headers come before the body, as curl prints them. */
  readonly includeHeaders: boolean;
  /** `… | grep -iE 'pattern'`: only the lines that match are shown. */
  readonly grep: RegExp | undefined;
  /** Line range of the shown answer in README.md (start inclusive, end exclusive). */
  readonly answerLines: readonly [number, number];
}

/** Splits a shell command line: bare words and '…' quoted words, which is all the README uses. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

function parseCurl(command: string, answerLines: readonly [number, number]): CurlExample | null {
  const [curl = '', filter] = command.replace(/^\$ /, '').split(' | ');
  const words = shellWords(curl);
  if (words[0] !== 'curl') return null;
  const grepWords = filter === undefined ? [] : shellWords(filter);
  if (filter !== undefined && (grepWords[0] !== 'grep' || grepWords[1] !== '-iE' || grepWords.length !== 3))
    throw new Error(`README: only "| grep -iE 'pattern'" is replayed, not ${JSON.stringify(filter)}`);
  const grep = grepWords[2] === undefined ? undefined : new RegExp(grepWords[2], 'i');
  let includeHeaders = false;
  let method = 'GET';
  let url = '';
  let body: string | undefined;
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '-X') method = words[++i] ?? method;
    else if (word === '-si' || word === '-i') includeHeaders = true;
    else if (word === '-H') {
      const header = words[++i] ?? '';
      const colon = header.indexOf(':');
      headers.push([header.slice(0, colon), header.slice(colon + 1).trim()]);
    } else if (word === '-d') {
      body = words[++i];
      if (method === 'GET') method = 'POST';
    } else if (word.startsWith('http')) url = word;
  }
  return url.startsWith(SERVICE)
    ? { command, method, url: url.slice(SERVICE.length), headers, body, includeHeaders, grep, answerLines }
    : null;
}

function examplesIn(lines: readonly string[]): CurlExample[] {
  const examples: CurlExample[] = [];
  let inConsole = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('```')) {
      inConsole = !inConsole && line.trim() === '```console';
      continue;
    }
    if (!inConsole || !line.startsWith('$ ')) continue;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').startsWith('$ ') && !(lines[end] ?? '').startsWith('```')) end++;
    const example = parseCurl(line, [i + 1, end]);
    if (example !== null) examples.push(example);
  }
  return examples;
}

async function answerOf(example: CurlExample): Promise<string> {
  const agent = request(exampleApp());
  const methods: Readonly<Record<string, (url: string) => request.Test>> = {
    GET: (url) => agent.get(url),
    POST: (url) => agent.post(url),
    OPTIONS: (url) => agent.options(url),
  };
  const send = methods[example.method];
  if (send === undefined) throw new Error(`README: no replay for method ${example.method}`);
  let pending = send(example.url);
  for (const [name, value] of example.headers) pending = pending.set(name, value);
  if (example.body !== undefined)
    pending = pending
      // superagent types `get` as returning a string, but it is undefined for a header not set
      .set('Content-Type', (pending.get('Content-Type') as string | undefined) ?? 'application/x-www-form-urlencoded')
      .send(example.body);
  const res = await pending.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });
  const body = String(res.body).replace(/\n$/, '');
  // superagent's Node response keeps Node's own message (its typings leave it out): the headers as sent.
  const { rawHeaders, statusMessage } = (res as unknown as { res: IncomingMessage }).res;
  const head = [`HTTP/1.1 ${res.status} ${statusMessage ?? ''}`];
  for (let at = 0; at < rawHeaders.length; at += 2) head.push(`${rawHeaders[at] ?? ''}: ${rawHeaders[at + 1] ?? ''}`);
  const shown = example.includeHeaders ? [...head, '', ...(body === '' ? [] : body.split('\n'))] : body.split('\n');
  const { grep } = example;
  return (grep === undefined ? shown : shown.filter((line) => grep.test(line))).join('\n');
}

const lines = readFileSync(README, 'utf8').split('\n');
const examples = examplesIn(lines);

test('README has a curl example for every endpoint', () => {
  const paths = examples.map((example) => example.url.split('?')[0]?.toLowerCase() ?? '');
  for (const endpoint of [
    '/autodiscover/autodiscover.xml',
    '/autodiscover/autodiscover.json',
    '/autodiscover/autodiscover.svc',
    '/mail/config-v1.1.xml',
    '/.well-known/autoconfig/mail/config-v1.1.xml',
    '/mobileconfig',
    '/healthz',
    '/readyz',
    '/tls/allowed',
  ]) {
    expect(paths.some((p) => p.startsWith(endpoint))).toBe(true);
  }
});

if (process.env['UPDATE_README'] === '1') {
  test('rewrite README answers', async () => {
    const rewritten = [...lines];
    // Bottom-up, so earlier line numbers stay valid while later blocks change length.
    for (const example of [...examples].reverse()) {
      const [start, end] = example.answerLines;
      rewritten.splice(start, end - start, ...(await answerOf(example)).split('\n'));
    }
    writeFileSync(README, rewritten.join('\n'));
  });
} else {
  test.each(examples.map((example) => [example.command.slice(0, 110), example] as const))(
    'README example %s',
    async (_title, example) => {
      const shown = lines.slice(...example.answerLines).join('\n');
      expect(await answerOf(example)).toBe(shown);
    },
  );
}

describe('README configuration reference', () => {
  /** Every leaf key of the config schema, found through zod's JSON Schema (union variants included). */
  function leafKeys(): string[] {
    type Node = { properties?: Record<string, Node>; anyOf?: Node[]; oneOf?: Node[] };
    const keys: string[] = [];
    const walk = (node: Node, at: string): void => {
      const variants = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
      for (const [name, child] of Object.entries(node.properties ?? {}))
        walk(child, at === '' ? name : `${at}.${name}`);
      for (const variant of variants) walk(variant, at);
      if (node.properties === undefined && variants.length === 0 && at !== '') keys.push(at);
    };
    walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Node, '');
    return [...new Set(keys)];
  }

  test('documents every config key (the key itself or the object holding it)', () => {
    const readme = lines.join('\n');
    const undocumented = leafKeys().filter((key) => {
      const parts = key.split('.');
      return !parts.some((_, i) => readme.includes(`\`${parts.slice(0, parts.length - i).join('.')}\``));
    });
    expect(undocumented).toEqual([]);
  });
});
