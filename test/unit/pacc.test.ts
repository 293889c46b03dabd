import { execFileSync } from 'node:child_process';
import { buildProviderProfile } from '../../src/config/provider-profile';
import type { AppConfig } from '../../src/config/schema';
import type { AccessType } from '../../src/model/access-type';
import type { MailSettings } from '../../src/model/mail-settings';
import { resolveSettings } from '../../src/model/resolve-settings';
import { answerPacc, type PaccOutcome } from '../../src/protocols/pacc/answers';
import { PACC_DOCUMENT_HOST_PREFIX, PACC_DOCUMENT_PATH, paccTxtRecord, paccTxtValue } from '../../src/cli/pacc-record';
import { paccDomainOf } from '../../src/protocols/pacc/parse-request';
import { PACC_CONTENT_TYPE, PACC_HOST_PREFIX, PACC_PATH } from '../../src/protocols/pacc/paths';
import { PACC_REFUSAL_MESSAGES, renderPaccDocument } from '../../src/protocols/pacc/render';
import { expectedPlainText } from '../support/answers';
import { EXAMPLE_CONFIG } from '../support/settings';

function domainSettings(accessType: AccessType, config: AppConfig = EXAMPLE_CONFIG): MailSettings {
  return resolveSettings(buildProviderProfile(config), {
    accessType,
    domain: 'example.com',
    address: null,
    displayName: null,
  });
}

const withPopAccess = (popAccess: Partial<AppConfig['popAccess']>): AppConfig => ({
  ...EXAMPLE_CONFIG,
  popAccess: { ...EXAMPLE_CONFIG.popAccess, ...popAccess },
});

describe('paccDomainOf › the domain is the host after ua-auto-config.', () => {
  test.each([
    ['ua-auto-config.example.com', 'example.com'],
    ['UA-AUTO-CONFIG.Example.COM', 'example.com'],
    ['ua-auto-config.bücher.example', 'xn--bcher-kva.example'],
    ['ua-auto-config.mail.example.co.uk', 'mail.example.co.uk'],
  ])('%s › %s', (host, domain) => {
    expect(paccDomainOf(host)).toEqual({ ok: true, value: domain });
  });

  test.each([
    ['no Host', undefined],
    ['the bare domain', 'example.com'],
    ['autoconfig.<domain>', 'autoconfig.example.com'],
    ['the prefix alone', 'ua-auto-config.'],
    ['a single label after it', 'ua-auto-config.localhost'],
    ['an IP address after it', 'ua-auto-config.192.0.2.1'],
    ['the prefix inside another label', 'xua-auto-config.example.com'],
    ['a label that is not LDH', 'ua-auto-config.exa_mple.com'],
  ])('%s › not a PACC host', (_label, host) => {
    expect(paccDomainOf(host)).toEqual({ ok: false, error: { kind: 'not-a-pacc-host' } });
  });
});

describe('renderPaccDocument › what PACC can describe', () => {
  test('Business Mail › refused: PACC has no Exchange entry', () => {
    expect(renderPaccDocument(domainSettings('business'), EXAMPLE_CONFIG.provider)).toEqual({
      kind: 'refused',
      reason: 'business-mail',
    });
  });

  test('incoming servers on STARTTLS or other ports only › refused: no-implicit-tls-incoming', () => {
    const config = withPopAccess({
      imap: { host: 'mamutmail.com', port: 143, socket: 'starttls' },
      pop3: { host: 'mamutmail.com', port: 1995, socket: 'tls' },
    });
    expect(renderPaccDocument(domainSettings('pop', config), config.provider)).toEqual({
      kind: 'refused',
      reason: 'no-implicit-tls-incoming',
    });
  });

  test('submission on 587 STARTTLS only › refused: no-implicit-tls-submission', () => {
    const config = withPopAccess({ smtp: [{ host: 'mamutmail.com', port: 587, socket: 'starttls' }] });
    expect(renderPaccDocument(domainSettings('pop', config), config.provider)).toEqual({
      kind: 'refused',
      reason: 'no-implicit-tls-submission',
    });
  });

  test('port 993 with STARTTLS is not PACC IMAP (PACC implies implicit TLS)', () => {
    const config = withPopAccess({ imap: { host: 'imap.example', port: 993, socket: 'starttls' } });
    const rendering = renderPaccDocument(domainSettings('pop', config), config.provider);
    if (rendering.kind !== 'document') throw new Error('expected a document');
    expect(Object.keys((JSON.parse(rendering.body) as { protocols: object }).protocols)).toEqual([
      'pop3',
      'submit',
      'smtp',
    ]);
  });

  test('the same arguments give the same bytes (the TXT record depends on it)', () => {
    const settings = domainSettings('pop');
    expect(renderPaccDocument(settings, EXAMPLE_CONFIG.provider)).toEqual(
      renderPaccDocument(domainSettings('pop'), { ...EXAMPLE_CONFIG.provider }),
    );
  });
});

describe('paccTxtValue › the SHA-256 of the exact bytes, base64', () => {
  /** openssl, not node:crypto: the digest checked with the tool an admin would use. */
  const opensslDigest = (body: Buffer): string =>
    execFileSync('sh', ['-c', 'openssl dgst -sha256 -binary | openssl base64 -A'], { input: body })
      .toString('utf8')
      .trim();

  test.each([
    ['the example document', Buffer.from(rendered(domainSettings('pop')), 'utf8')],
    ['non-ASCII text (the UTF-8 bytes)', Buffer.from('{"info":{"provider":{"name":"Mamut für 🐘"}}}', 'utf8')],
    ['empty', Buffer.alloc(0)],
  ])('%s › v=UAAC1; a=sha256; d=<openssl digest>', (_label, body) => {
    expect(paccTxtValue(body)).toBe(`v=UAAC1; a=sha256; d=${opensslDigest(body)}`);
  });

  test('one more byte › another digest', () => {
    const body = Buffer.from(rendered(domainSettings('pop')), 'utf8');
    expect(paccTxtValue(Buffer.concat([body, Buffer.from('\n')]))).not.toBe(paccTxtValue(body));
  });

  test('the zone-file line names _ua-auto-config.<domain>. and quotes the value', () => {
    const body = Buffer.from('x');
    expect(paccTxtRecord('example.com', body)).toBe(`_ua-auto-config.example.com. IN TXT "${paccTxtValue(body)}"`);
  });

  test('pacc:digest asks the path and host the PACC route answers', () => {
    expect(PACC_DOCUMENT_PATH).toBe(PACC_PATH);
    expect(PACC_DOCUMENT_HOST_PREFIX).toBe(PACC_HOST_PREFIX);
  });
});

function rendered(settings: MailSettings): string {
  const rendering = renderPaccDocument(settings, EXAMPLE_CONFIG.provider);
  if (rendering.kind !== 'document') throw new Error('expected a document');
  return rendering.body;
}

/** One outcome of every kind: the Record makes the compiler list them all. */
const OUTCOMES: Readonly<Record<PaccOutcome['kind'], PaccOutcome>> = {
  'invalid-request': { kind: 'invalid-request', invalid: { kind: 'not-a-pacc-host' } },
  'rate-limited': { kind: 'rate-limited', retryAfterSeconds: 17 },
  'invalid-address': { kind: 'invalid-address', request: null, addressError: 'missing-at' },
  'not-hosted': { kind: 'not-hosted', request: null, domain: 'example.net' },
  unavailable: { kind: 'unavailable', request: null, domain: 'example.com', retryAfterSeconds: 30 },
  settings: { kind: 'settings', request: null, settings: domainSettings('pop') },
};

describe('PACC answer table › every outcome', () => {
  const notForThisHost = 'No PACC configuration for this host; PACC is asked on ua-auto-config.<domain>.\n';
  test.each([
    ['invalid-request', 404, notForThisHost, undefined],
    ['invalid-address', 404, notForThisHost, undefined],
    ['rate-limited', 429, 'Too many requests; try again later.\n', 17],
    ['not-hosted', 404, 'No PACC configuration for this domain.\n', undefined],
    ['unavailable', 503, 'The account directory cannot be reached; try again later.\n', 30],
  ] as const)('%s › %i, plain text, Retry-After %s', (kind, status, body, retryAfterSeconds) => {
    expect(answerPacc(OUTCOMES[kind], EXAMPLE_CONFIG.provider)).toEqual(
      expectedPlainText(status, body, retryAfterSeconds),
    );
  });

  test('settings (POP access) › 200, application/json, the rendered document', () => {
    expect(answerPacc(OUTCOMES.settings, EXAMPLE_CONFIG.provider)).toEqual({
      status: 200,
      contentType: PACC_CONTENT_TYPE,
      body: rendered(domainSettings('pop')),
    });
  });

  test('settings (Business Mail) › 404 naming the reason, so the client moves on to Autodiscover', () => {
    const outcome: PaccOutcome = { kind: 'settings', request: null, settings: domainSettings('business') };
    expect(answerPacc(outcome, EXAMPLE_CONFIG.provider)).toEqual(
      expectedPlainText(404, `${PACC_REFUSAL_MESSAGES['business-mail']}\n`, undefined),
    );
  });
});
