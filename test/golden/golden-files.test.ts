/**
 * Reads every accepted golden file back with a real parser (fast-xml-parser, plist, JSON.parse) and
 * checks what clients read from it, by path, against docs/protocols.md. golden.test.ts locks
 * the bytes; this file says why those bytes are right. Regenerate with UPDATE_GOLDEN=1 (see there).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import plist from 'plist';
import { JSON_PROTOCOLS } from '../../src/protocols/autodiscover-json/parse-request';
import { parseDomainName } from '../../src/model/email-address';
import {
  MOBILESYNC_RESPONSE_SCHEMA,
  OUTLOOK_RESPONSE_SCHEMA,
  RESPONSE_NAMESPACE,
} from '../../src/protocols/autodiscover/paths';
import {
  AUTODISCOVER_SOAP_NAMESPACE,
  SOAP_ENVELOPE_NAMESPACE,
  WS_ADDRESSING_NAMESPACE,
  XML_SCHEMA_INSTANCE_NAMESPACE,
} from '../../src/protocols/autodiscover-soap/paths';
import { DOMAIN_SETTING_NAMES, USER_SETTING_NAMES } from '../../src/protocols/autodiscover-soap/setting-names';
import {
  BUSINESS_USER,
  CONFIGS,
  ERROR_SERVER_ID,
  GOLDEN_CASES,
  GOLDEN_EXTENSION,
  GOLDEN_SIGNING_FOLDER,
  goldenPathOf,
  HOSTILE_DISPLAY_NAME,
  POP_USER,
  renderProfileFor,
  SIGNED_PROFILE_CONTENT,
  signedProfileBytes,
  SOAP_REQUESTED_SETTINGS,
  type GoldenCase,
  type GoldenProtocol,
} from './cases';
import { printCms, verifyCms } from '../support/signing';

// ---- reading and walking parsed documents without `any` ----------------------------------------

function goldenBytes(goldenCase: GoldenCase): Buffer {
  return readFileSync(path.join(__dirname, goldenPathOf(goldenCase)));
}

function goldenText(goldenCase: GoldenCase): string {
  return goldenBytes(goldenCase).toString('utf8');
}

/** The value at a path of keys and array indexes, or undefined when any step is missing. */
function at(value: unknown, ...keys: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Readonly<Record<string | number, unknown>>)[key];
  }
  return current;
}

function listAt(value: unknown, ...keys: readonly (string | number)[]): readonly unknown[] {
  const found = at(value, ...keys);
  if (!Array.isArray(found)) throw new Error(`expected a list at ${keys.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

function stringAt(value: unknown, ...keys: readonly (string | number)[]): string {
  const found = at(value, ...keys);
  if (typeof found !== 'string')
    throw new Error(`expected a string at ${keys.join('.')}, got ${JSON.stringify(found)}`);
  return found;
}

/** Elements that may repeat are always arrays, so paths do not change shape with the count. */
const REPEATED_ELEMENTS = new Set([
  'Protocol',
  'incomingServer',
  'outgoingServer',
  // SOAP Autodiscover
  'UserResponse',
  'UserSetting',
  'UserSettingError',
  'DomainResponse',
  'DomainSetting',
  'DomainSettingError',
  'WebClientUrl',
]);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (tagName) => REPEATED_ELEMENTS.has(tagName),
});
const orderedXmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, preserveOrder: true });

function parseXml(goldenCase: GoldenCase): unknown {
  const parsed: unknown = xmlParser.parse(goldenText(goldenCase));
  return parsed;
}

/** Child element names of every element called `name`, in document order (preserveOrder tree). */
function childOrderOf(goldenCase: GoldenCase, name: string): string[][] {
  const found: string[][] = [];
  const walk = (nodes: unknown): void => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes) {
      if (typeof node !== 'object' || node === null) continue;
      for (const [tag, children] of Object.entries(node as Readonly<Record<string, unknown>>)) {
        if (tag === '#text' || tag === ':@') continue;
        if (tag === name && Array.isArray(children)) {
          found.push(children.flatMap((child: unknown) => elementNamesIn(child)));
        }
        walk(children);
      }
    }
  };
  const tree: unknown = orderedXmlParser.parse(goldenText(goldenCase));
  walk(tree);
  return found;
}

/** In a preserveOrder tree each child is `{ <name>: children, ':@'?: attributes }` or `{ '#text': … }`. */
function elementNamesIn(child: unknown): string[] {
  if (typeof child !== 'object' || child === null) return [];
  return Object.keys(child).filter((key) => key !== '#text' && key !== ':@');
}

function casesOf(protocol: GoldenProtocol, filter: (goldenCase: GoldenCase) => boolean = () => true): GoldenCase[] {
  return GOLDEN_CASES.filter((goldenCase) => goldenCase.protocol === protocol && filter(goldenCase));
}

/** The structural checks below name the example provider's values; other-provider-* cases have their own. */
/** Cases with the example provider's own servers: not another provider's, nor a domain's own platform. */
function withDefaultProvider(goldenCase: GoldenCase): boolean {
  return !goldenCase.name.startsWith('other-provider-') && !goldenCase.name.startsWith('platform-');
}

function goldenCase(protocol: GoldenProtocol, name: string): GoldenCase {
  const found = GOLDEN_CASES.find((candidate) => candidate.protocol === protocol && candidate.name === name);
  if (found === undefined) throw new Error(`no golden case ${protocol}/${name}`);
  return found;
}

const named = (cases: readonly GoldenCase[]): (readonly [string, GoldenCase])[] =>
  cases.map((c) => [c.name, c] as const);
const isError = (c: GoldenCase): boolean => c.name.startsWith('error-');

// ---- every file ----------------------------------------------------------------------------------

describe.each(GOLDEN_CASES.map((c) => [goldenPathOf(c), c] as const))('%s', (_file, c) => {
  test('is UTF-8 without a BOM', () => {
    const bytes = goldenBytes(c);
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
  });

  if (GOLDEN_EXTENSION[c.protocol] === 'json') {
    test('is JSON', () => {
      expect(() => JSON.parse(goldenText(c)) as unknown).not.toThrow();
    });
  } else {
    test("is well-formed XML and '<?xml' is the first byte", () => {
      const text = goldenText(c);
      expect(text.startsWith('<?xml ')).toBe(true);
      expect(XMLValidator.validate(text)).toBe(true);
    });
  }
});

// ---- Outlook POX, outlook schema (docs/protocols.md §3) ---------------------------------------------

/** Child order of the POX example of docs/protocols.md §3.2; SMTP adds UsePOPAuth and SMTPLast. */
const POX_MAIL_ORDER = [
  'Type',
  'Server',
  'Port',
  'LoginName',
  'DomainRequired',
  'SPA',
  'SSL',
  'Encryption',
  'AuthRequired',
];
/** docs/protocols.md §3.3, without the domain fields (the provider's logon is a UPN). */
const POX_EXPR_ORDER = [
  'Type',
  'Server',
  'SSL',
  'AuthPackage',
  'LoginName',
  'DomainRequired',
  'DomainName',
  'ASUrl',
  'EwsUrl',
  'OOFUrl',
];

function protocolTypes(document: unknown): string[] {
  return listAt(document, 'Autodiscover', 'Response', 'Account', 'Protocol').map((protocol) =>
    stringAt(protocol, 'Type'),
  );
}

/** The IMAP, POP3 and SMTP Protocol elements of a settings answer; none for Business Mail or a redirect. */
function mailServersOf(c: Parameters<typeof parseXml>[0]): unknown[] {
  const account = at(parseXml(c), 'Autodiscover', 'Response', 'Account');
  if (at(account, 'Action') !== 'settings') return [];
  return listAt(account, 'Protocol').filter((protocol) =>
    ['IMAP', 'POP3', 'SMTP'].includes(stringAt(protocol, 'Type')),
  );
}

describe('autodiscover (outlook schema)', () => {
  describe.each(named(casesOf('autodiscover', (c) => !isError(c))))('%s', (_name, c) => {
    test('uses the response namespaces, http:// and 2006a', () => {
      const document = parseXml(c);
      expect(at(document, 'Autodiscover', '@_xmlns')).toBe(RESPONSE_NAMESPACE);
      expect(at(document, 'Autodiscover', 'Response', '@_xmlns')).toBe(OUTLOOK_RESPONSE_SCHEMA);
      expect(OUTLOOK_RESPONSE_SCHEMA).toBe(
        'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
      );
    });

    test('orders every Protocol as the docs/protocols.md examples do, Type first', () => {
      for (const children of childOrderOf(c, 'Protocol')) {
        expect(children[0]).toBe('Type');
        // Only mail servers (IMAP, POP3, SMTP) carry a Port.
        if (children.includes('Port')) expect(children.slice(0, POX_MAIL_ORDER.length)).toEqual(POX_MAIL_ORDER);
      }
    });
  });

  // Only the answers that carry mail servers: each test below checks at least one.
  const withMailServers = casesOf('autodiscover', (c) => !isError(c) && mailServersOf(c).length > 0);
  test('some answers carry mail servers (POP access)', () => {
    expect(withMailServers.length).toBeGreaterThan(0);
  });
  describe.each(named(withMailServers))('%s', (_name, c) => {
    test('writes SPA off and SSL on explicitly for mail servers (both default to on)', () => {
      const servers = mailServersOf(c);
      expect(servers.length).toBeGreaterThan(0);
      for (const protocol of servers) {
        expect(at(protocol, 'SPA')).toBe('off');
        expect(at(protocol, 'SSL')).toBe('on');
        expect(['SSL', 'TLS']).toContain(at(protocol, 'Encryption'));
      }
    });
  });

  test('pop-access: IMAP first, then POP3, then the preferred SMTP server, logon = address', () => {
    const document = parseXml(goldenCase('autodiscover', 'pop-access'));
    const protocols = listAt(document, 'Autodiscover', 'Response', 'Account', 'Protocol');
    expect(at(document, 'Autodiscover', 'Response', 'Account', 'AccountType')).toBe('email');
    expect(at(document, 'Autodiscover', 'Response', 'Account', 'Action')).toBe('settings');
    expect(at(protocols, 0, 'Type')).toBe('IMAP');
    expect(protocols.map((p) => [at(p, 'Type'), at(p, 'Port'), at(p, 'Encryption')])).toEqual([
      ['IMAP', '993', 'SSL'],
      ['POP3', '995', 'SSL'],
      ['SMTP', '587', 'TLS'],
    ]);
    expect(protocols.map((p) => at(p, 'LoginName'))).toEqual([POP_USER, POP_USER, POP_USER]);
    expect(childOrderOf(goldenCase('autodiscover', 'pop-access'), 'Protocol')).toEqual([
      POX_MAIL_ORDER,
      POX_MAIL_ORDER,
      [...POX_MAIL_ORDER, 'UsePOPAuth', 'SMTPLast'],
    ]);
    expect([at(protocols, 2, 'UsePOPAuth'), at(protocols, 2, 'SMTPLast'), at(protocols, 2, 'AuthRequired')]).toEqual([
      'on',
      'off',
      'on',
    ]);
    expect(at(document, 'Autodiscover', 'Response', 'User', 'AutoDiscoverSMTPAddress')).toBe(POP_USER);
    expect(at(document, 'Autodiscover', 'Response', 'User', 'DisplayName')).toBeUndefined();
  });

  test('pop3-preferred: POP3 is the first incoming server', () => {
    expect(protocolTypes(parseXml(goldenCase('autodiscover', 'pop3-preferred')))).toEqual(['POP3', 'IMAP', 'SMTP']);
  });

  test.each(['business-mail', 'business-redirect-thunderbird', 'unknown-mailbox-business-domain'])(
    '%s: static Hosted Exchange subset (EXPR + WEB) that Thunderbird can read',
    (name) => {
      const c = goldenCase('autodiscover', name);
      const document = parseXml(c);
      expect(protocolTypes(document)).toEqual(['EXPR', 'WEB']);
      const [expr, web] = listAt(document, 'Autodiscover', 'Response', 'Account', 'Protocol');
      expect(childOrderOf(c, 'Protocol')[0]).toEqual(POX_EXPR_ORDER);
      expect(at(expr, 'EwsUrl')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
      expect(at(expr, 'LoginName')).toBe(
        stringAt(document, 'Autodiscover', 'Response', 'User', 'AutoDiscoverSMTPAddress'),
      );
      // The seed: "if asked for a domain, enter hosting01"; the UPN login needs none (DomainRequired off).
      expect(at(expr, 'DomainName')).toBe('hosting01');
      expect(at(expr, 'DomainRequired')).toBe('off');
      // Thunderbird 153 keeps the OWA URL only with an AuthenticationMethod attribute (docs/protocols.md §3.7).
      expect(at(web, 'External', 'OWAUrl', '@_AuthenticationMethod')).toBe('Basic, Fba');
      expect(at(web, 'External', 'OWAUrl', '#text')).toBe('https://mamutmail.com');
      expect(at(web, 'External', 'Protocol', 0, 'ASUrl')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    },
  );

  test('business-redirect-outlook: redirectUrl to the platform, no Protocol', () => {
    const account = at(
      parseXml(goldenCase('autodiscover', 'business-redirect-outlook')),
      'Autodiscover',
      'Response',
      'Account',
    );
    expect(at(account, 'Action')).toBe('redirectUrl');
    expect(at(account, 'RedirectUrl')).toBe('https://mamutmail.com/Autodiscover/Autodiscover.xml');
    expect(at(account, 'Protocol')).toBeUndefined();
  });

  test('unknown-mailbox-pop-domain: the domain default (POP access), never an error', () => {
    const document = parseXml(goldenCase('autodiscover', 'unknown-mailbox-pop-domain'));
    expect(protocolTypes(document)).toEqual(['IMAP', 'POP3', 'SMTP']);
    expect(at(document, 'Autodiscover', 'Response', 'User', 'AutoDiscoverSMTPAddress')).toBe('nobody@example.com');
  });

  test.each(['pop-access-display-name-escaped', 'business-mail-display-name-escaped'])(
    '%s: the display name survives escaping',
    (name) => {
      const c = goldenCase('autodiscover', name);
      expect(at(parseXml(c), 'Autodiscover', 'Response', 'User', 'DisplayName')).toBe(HOSTILE_DISPLAY_NAME);
      expect(goldenText(c)).not.toContain(']]>');
    },
  );

  test('idn-domain: the punycode address everywhere, no raw Unicode', () => {
    const c = goldenCase('autodiscover', 'idn-domain');
    const document = parseXml(c);
    expect(at(document, 'Autodiscover', 'Response', 'User', 'AutoDiscoverSMTPAddress')).toBe(
      'user@xn--bcher-kva.example',
    );
    expect(at(document, 'Autodiscover', 'Response', 'Account', 'Protocol', 0, 'LoginName')).toBe(
      'user@xn--bcher-kva.example',
    );
    // eslint-disable-next-line no-control-regex -- tab, LF and CR are the control characters the answer may carry
    expect(goldenText(c)).toMatch(/^[\x09\x0a\x0d\x20-\x7e]*$/);
  });
});

// ---- Autodiscover errors, both schemas (docs/protocols.md §3.5, §4) ---------------------------------------

describe.each([
  ['autodiscover', ['500', '600', '601', '603'], undefined],
  ['mobilesync', ['500', '501', '603'], MOBILESYNC_RESPONSE_SCHEMA],
] as const)('%s errors', (protocol, codes, responseNamespace) => {
  const errors = casesOf(protocol, isError);

  test('cover the codes the routers send', () => {
    expect(errors.map((c) => c.name).sort()).toEqual(codes.map((code) => `error-${code}`));
  });

  test.each(named(errors))('%s: Response/Error with ErrorCode, Time, Id, Message and DebugData', (name, c) => {
    const document = parseXml(c);
    expect(at(document, 'Autodiscover', '@_xmlns')).toBe(RESPONSE_NAMESPACE);
    // Outlook: Response inherits the root namespace (Exchange style); mobilesync: its own (MS-ASCMD 2.2.3.64).
    expect(at(document, 'Autodiscover', 'Response', '@_xmlns')).toBe(responseNamespace);
    const error = at(document, 'Autodiscover', 'Response', 'Error');
    expect(at(error, 'ErrorCode')).toBe(name.replace('error-', ''));
    expect(stringAt(error, 'Message')).not.toBe('');
    expect(at(error, 'DebugData')).toBe('');
    expect(at(error, '@_Time')).toBe('03:04:05.6780000');
    expect(stringAt(error, '@_Time')).toMatch(/^\d{2}:\d{2}:\d{2}(\.\d+)?$/);
    expect(at(error, '@_Id')).toBe(String(ERROR_SERVER_ID));
    expect(at(document, 'Autodiscover', 'Response', 'Account')).toBeUndefined();
  });
});

// ---- Exchange ActiveSync, mobilesync schema (docs/protocols.md §4) ----------------------------------------

describe('mobilesync', () => {
  test.each(named(casesOf('mobilesync', (c) => !isError(c) && withDefaultProvider(c))))(
    '%s: Action/Settings/Server of Type MobileSync',
    (_name, c) => {
      const document = parseXml(c);
      const response = at(document, 'Autodiscover', 'Response');
      expect(at(document, 'Autodiscover', '@_xmlns')).toBe(RESPONSE_NAMESPACE);
      expect(at(response, '@_xmlns')).toBe(MOBILESYNC_RESPONSE_SCHEMA);
      expect(at(response, 'Culture')).toBe('en:us');
      expect(stringAt(response, 'User', 'EMailAddress')).toMatch(/^[^@]+@[a-z0-9.-]+$/);
      const server = at(response, 'Action', 'Settings', 'Server');
      expect(at(server, 'Type')).toBe('MobileSync');
      // AOSP reads host and port of Url; the path is the EAS endpoint.
      expect(at(server, 'Url')).toBe('https://mamutmail.com/Microsoft-Server-ActiveSync');
      expect(at(server, 'Name')).toBe(at(server, 'Url'));
      expect(childOrderOf(c, 'Response')[0]).toEqual(['Culture', 'User', 'Action']);
    },
  );

  test('business-mail-display-name-escaped: the display name survives escaping', () => {
    const document = parseXml(goldenCase('mobilesync', 'business-mail-display-name-escaped'));
    expect(at(document, 'Autodiscover', 'Response', 'User', 'DisplayName')).toBe(HOSTILE_DISPLAY_NAME);
    expect(at(document, 'Autodiscover', 'Response', 'User', 'EMailAddress')).toBe(BUSINESS_USER);
  });

  test('idn-domain: the punycode address', () => {
    expect(
      at(parseXml(goldenCase('mobilesync', 'idn-domain')), 'Autodiscover', 'Response', 'User', 'EMailAddress'),
    ).toBe('user@xn--bcher-kva.example');
  });
});

// ---- Autodiscover v2 JSON (docs/protocols.md §5) ----------------------------------------------------------

function jsonOf(name: string): { status: unknown; body: unknown } {
  const parsed: unknown = JSON.parse(goldenText(goldenCase('autodiscover-json', name)));
  return { status: at(parsed, 'status'), body: at(parsed, 'body') };
}

describe('autodiscover-json', () => {
  test.each(named(casesOf('autodiscover-json')))(
    '%s: {Protocol, Url} on 200, {ErrorCode, ErrorMessage} otherwise',
    (name) => {
      const { status, body } = jsonOf(name);
      const keys = typeof body === 'object' && body !== null ? Object.keys(body).sort() : [];
      if (status === 200) {
        expect(keys).toEqual(['Protocol', 'Url']);
        expect(JSON_PROTOCOLS).toContain(at(body, 'Protocol'));
        expect(stringAt(body, 'Url')).toMatch(/^https:\/\//);
      } else {
        expect([400, 404, 503]).toContain(status);
        expect(keys).toEqual(['ErrorCode', 'ErrorMessage']);
        expect(stringAt(body, 'ErrorCode')).toMatch(/^[A-Z][A-Za-z]+$/);
      }
    },
  );

  test.each([
    [
      'pop-access-autodiscoverv1',
      200,
      'AutodiscoverV1',
      'https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
    ],
    [
      'business-mail-autodiscoverv1',
      200,
      'AutodiscoverV1',
      'https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
    ],
    ['business-redirect-autodiscoverv1', 200, 'AutodiscoverV1', 'https://mamutmail.com/Autodiscover/Autodiscover.xml'],
    [
      'pop-access-redirect-mode-autodiscoverv1',
      200,
      'AutodiscoverV1',
      'https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
    ],
    ['business-mail-activesync', 200, 'ActiveSync', 'https://mamutmail.com/Microsoft-Server-ActiveSync'],
    ['business-mail-ews', 200, 'Ews', 'https://mamutmail.com/EWS/Exchange.asmx'],
    [
      'unknown-mailbox-business-domain-activesync',
      200,
      'ActiveSync',
      'https://mamutmail.com/Microsoft-Server-ActiveSync',
    ],
    [
      'protocol-name-case-insensitive',
      200,
      'AutodiscoverV1',
      'https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml',
    ],
  ])('%s: %i %s', (name, status, protocol, url) => {
    expect(jsonOf(name)).toEqual({ status, body: { Protocol: protocol, Url: url } });
  });

  test.each([
    ['pop-access-activesync', 400, 'InvalidProtocol', "Supported values are 'AutodiscoverV1'"],
    ['pop-access-ews', 400, 'InvalidProtocol', "Supported values are 'AutodiscoverV1'"],
    ['unknown-mailbox-pop-domain-activesync', 400, 'InvalidProtocol', "Supported values are 'AutodiscoverV1'"],
    [
      'unknown-protocol',
      400,
      'InvalidProtocol',
      "'Rest' is invalid. Supported values are 'AutodiscoverV1,ActiveSync,Ews'",
    ],
    ['error-invalid-address', 400, 'InvalidUser', 'has no "@"'],
    ['error-not-hosted', 404, 'UserNotFound', 'No mail service'],
    ['error-unavailable', 503, 'TemporarilyUnavailable', 'try again later'],
  ])('%s: %i %s', (name, status, errorCode, message) => {
    const { status: actualStatus, body } = jsonOf(name);
    expect(actualStatus).toBe(status);
    expect(at(body, 'ErrorCode')).toBe(errorCode);
    expect(stringAt(body, 'ErrorMessage')).toContain(message);
  });
});

// ---- SOAP Autodiscover (docs/protocols.md §11) -------------------------------------------------------

const ENVELOPE = 's:Envelope';
const soapCases = (prefix: string): GoldenCase[] => casesOf('autodiscover-soap', (c) => c.name.startsWith(prefix));

/** The one response message of a settings answer, and which operation it answers. */
function soapMessageOf(c: GoldenCase): { operation: 'GetUserSettings' | 'GetDomainSettings'; response: unknown } {
  const body = at(parseXml(c), ENVELOPE, 's:Body');
  for (const operation of ['GetUserSettings', 'GetDomainSettings'] as const) {
    const message = at(body, `${operation}ResponseMessage`);
    if (message !== undefined) {
      expect(at(message, '@_xmlns')).toBe(AUTODISCOVER_SOAP_NAMESPACE);
      expect(at(message, 'Response', '@_xmlns:i')).toBe(XML_SCHEMA_INSTANCE_NAMESPACE);
      return { operation, response: at(message, 'Response') };
    }
  }
  throw new Error(`${c.name}: no response message`);
}

/** One subject's settings by name, its setting errors by name; StringSetting values as text. */
function subjectOf(subjectResponse: unknown, subject: 'User' | 'Domain') {
  const settings = new Map<string, unknown>();
  const settingsElement = at(subjectResponse, `${subject}Settings`);
  if (settingsElement !== '') {
    for (const setting of listAt(settingsElement, `${subject}Setting`)) {
      const type = stringAt(setting, '@_i:type');
      settings.set(stringAt(setting, 'Name'), type.endsWith('StringSetting') ? stringAt(setting, 'Value') : setting);
    }
  }
  const errors = new Map<string, string>();
  const errorsElement = at(subjectResponse, `${subject}SettingErrors`);
  if (errorsElement !== '') {
    for (const error of listAt(errorsElement, `${subject}SettingError`)) {
      errors.set(stringAt(error, 'SettingName'), stringAt(error, 'ErrorCode'));
    }
  }
  return { errorCode: stringAt(subjectResponse, 'ErrorCode'), settings, errors };
}

describe('autodiscover-soap', () => {
  describe.each(named(casesOf('autodiscover-soap')))('%s', (name, c) => {
    test('a SOAP 1.1 envelope with a WS-Addressing Action header', () => {
      const document = parseXml(c);
      expect(at(document, ENVELOPE, '@_xmlns:s')).toBe(SOAP_ENVELOPE_NAMESPACE);
      expect(at(document, ENVELOPE, '@_xmlns:a')).toBe(WS_ADDRESSING_NAMESPACE);
      const action = stringAt(document, ENVELOPE, 's:Header', 'a:Action', '#text');
      if (name.startsWith('fault-')) {
        expect(action).toBe('http://www.w3.org/2005/08/addressing/soap/fault');
        const fault = at(document, ENVELOPE, 's:Body', 's:Fault');
        expect(stringAt(fault, 'faultcode')).toMatch(/^(s:(Client|Server|VersionMismatch)|a:ActionNotSupported)$/);
        expect(stringAt(fault, 'faultstring', '#text')).not.toBe('');
        return;
      }
      const { operation } = soapMessageOf(c);
      expect(action).toBe(`${AUTODISCOVER_SOAP_NAMESPACE}/Autodiscover/${operation}Response`);
      // ews-javascript-api and the EWS Managed API read it; the former fails without it.
      const versionInfo = at(document, ENVELOPE, 's:Header', 'h:ServerVersionInfo');
      expect(at(versionInfo, '@_xmlns:h')).toBe(AUTODISCOVER_SOAP_NAMESPACE);
      expect(stringAt(versionInfo, 'h:Version')).toBe('Exchange2010');
    });
  });

  test.each(named(casesOf('autodiscover-soap', (c) => !/^(error|fault)-/.test(c.name))))(
    "%s: each subject answered in Exchange's element order, every name asked either answered or an error",
    (_name, c) => {
      const { operation, response } = soapMessageOf(c);
      expect(stringAt(response, 'ErrorCode')).toBe('NoError');
      const subject = operation === 'GetUserSettings' ? 'User' : 'Domain';
      const order = ['ErrorCode', 'ErrorMessage', 'RedirectTarget', `${subject}SettingErrors`, `${subject}Settings`];
      for (const children of childOrderOf(c, `${subject}Response`)) expect(children).toEqual(order);
      const known = subject === 'User' ? USER_SETTING_NAMES : DOMAIN_SETTING_NAMES;
      for (const subjectResponse of listAt(response, `${subject}Responses`, `${subject}Response`)) {
        expect(at(subjectResponse, 'RedirectTarget', '@_i:nil')).toBe('true');
        const { errorCode, settings, errors } = subjectOf(subjectResponse, subject);
        if (errorCode !== 'NoError') {
          expect(settings.size + errors.size).toBe(0);
          continue;
        }
        const asked = subject === 'User' ? SOAP_REQUESTED_SETTINGS : ['ExternalEwsUrl', 'ExternalEwsVersion'];
        expect([...settings.keys(), ...errors.keys()].sort()).toEqual([...asked].sort());
        for (const [settingName, code] of errors)
          expect(code).toBe(known.has(settingName) ? 'SettingIsNotAvailable' : 'InvalidSetting');
      }
    },
  );

  test('get-user-settings-business-mail: EWS URLs, mailbox server, OWA; no display name unless revealed', () => {
    const { response } = soapMessageOf(goldenCase('autodiscover-soap', 'get-user-settings-business-mail'));
    const user = subjectOf(at(response, 'UserResponses', 'UserResponse', 0), 'User');
    expect(user.errorCode).toBe('NoError');
    expect(user.settings.get('ExternalEwsUrl')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    expect(user.settings.get('InternalEwsUrl')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    expect(user.settings.get('ExternalMailboxServer')).toBe('mamutmail.com');
    expect(user.settings.get('AutoDiscoverSMTPAddress')).toBe(BUSINESS_USER);
    const owa = listAt(user.settings.get('ExternalWebClientUrls'), 'WebClientUrls', 'WebClientUrl');
    expect(owa.map((url) => [stringAt(url, 'Url'), stringAt(url, 'AuthenticationMethods')])).toEqual([
      ['https://mamutmail.com', 'Basic, Fba'],
    ]);
    expect(user.errors.get('UserDisplayName')).toBe('SettingIsNotAvailable');
    expect(user.errors.get('ActiveDirectoryServer')).toBe('SettingIsNotAvailable');
    expect(user.errors.get('NoSuchSetting')).toBe('InvalidSetting');
  });

  test('get-user-settings-business-mail-display-name-escaped: the name and the ActiveDirectoryServer survive', () => {
    const { response } = soapMessageOf(
      goldenCase('autodiscover-soap', 'get-user-settings-business-mail-display-name-escaped'),
    );
    const user = subjectOf(at(response, 'UserResponses', 'UserResponse', 0), 'User');
    expect(user.settings.get('UserDisplayName')).toBe(HOSTILE_DISPLAY_NAME);
    expect(user.settings.get('ActiveDirectoryServer')).toBe('gc.mamutmail.com');
  });

  test.each([
    ['get-user-settings-pop-access', ['InvalidUser']],
    ['get-user-settings-not-hosted', ['InvalidUser']],
    ['get-user-settings-invalid-address', ['InvalidUser']],
    ['get-user-settings-unavailable', ['ServerBusy']],
    ['get-user-settings-several-users', ['NoError', 'InvalidUser', 'InvalidUser']],
    ['get-domain-settings-not-hosted', ['InvalidDomain']],
    ['get-domain-settings-pop-domain', ['NoError']],
  ])('%s: %j per subject, in request order, inside a NoError response', (name, codes) => {
    const { operation, response } = soapMessageOf(goldenCase('autodiscover-soap', name));
    const subject = operation === 'GetUserSettings' ? 'User' : 'Domain';
    expect(listAt(response, `${subject}Responses`, `${subject}Response`).map((r) => stringAt(r, 'ErrorCode'))).toEqual(
      codes,
    );
  });

  test('get-domain-settings: the EWS URL for a Business Mail domain only', () => {
    const domainOf = (name: string) =>
      subjectOf(
        at(soapMessageOf(goldenCase('autodiscover-soap', name)).response, 'DomainResponses', 'DomainResponse', 0),
        'Domain',
      );
    expect(domainOf('get-domain-settings-business-domain').settings.get('ExternalEwsUrl')).toBe(
      'https://mamutmail.com/EWS/Exchange.asmx',
    );
    expect(domainOf('get-domain-settings-pop-domain').errors.get('ExternalEwsUrl')).toBe('SettingIsNotAvailable');
  });

  test.each(named(soapCases('error-')))('%s: InvalidRequest for the whole request, no subject answered', (_name, c) => {
    const { operation, response } = soapMessageOf(c);
    expect(stringAt(response, 'ErrorCode')).toBe('InvalidRequest');
    expect(stringAt(response, 'ErrorMessage')).toMatch(/^Invalid request: /);
    expect(at(response, operation === 'GetUserSettings' ? 'UserResponses' : 'DomainResponses')).toBe('');
  });

  test('get-user-settings-idn-domain: the punycode address', () => {
    const text = goldenText(goldenCase('autodiscover-soap', 'get-user-settings-idn-domain'));
    expect(text).toContain('user@xn--bcher-kva.example');
    expect(text).not.toContain('bücher');
  });
});

// ---- Thunderbird autoconfig (docs/protocols.md §6) --------------------------------------------------

const SERVER_CHILD_ORDER = ['hostname', 'port', 'socketType', 'authentication', 'username'];

function serversOf(document: unknown, kind: 'incomingServer' | 'outgoingServer'): readonly unknown[] {
  return listAt(document, 'clientConfig', 'emailProvider', kind);
}

describe('autoconfig', () => {
  describe.each(named(casesOf('autoconfig', withDefaultProvider)))('%s', (_name, c) => {
    test('clientConfig 1.1 with a valid emailProvider that Thunderbird and K-9 accept', () => {
      const document = parseXml(c);
      expect(at(document, 'clientConfig', '@_version')).toBe('1.1');
      expect(at(document, 'clientConfig', 'emailProvider', '@_id')).toBe('mamutmail.com');
      expect(stringAt(document, 'clientConfig', 'emailProvider', 'domain')).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
      const incoming = serversOf(document, 'incomingServer');
      const outgoing = serversOf(document, 'outgoingServer');
      expect(incoming.length).toBeGreaterThan(0);
      expect(outgoing.length).toBeGreaterThan(0);
      for (const server of [...incoming, ...outgoing]) {
        expect(['imap', 'pop3', 'ews', 'exchange', 'smtp']).toContain(at(server, '@_type'));
        expect(stringAt(server, 'hostname')).toBe('mamutmail.com');
        expect(Number(stringAt(server, 'port'))).toBeGreaterThanOrEqual(1);
        // K-9 aborts the whole document on any socketType other than SSL/STARTTLS (docs/protocols.md §6.6).
        expect(['SSL', 'STARTTLS']).toContain(at(server, 'socketType'));
        expect(at(server, 'authentication')).toBe('password-cleartext');
        expect(stringAt(server, 'username')).not.toBe('');
      }
      expect(outgoing.map((server) => at(server, '@_type'))).toEqual(outgoing.map(() => 'smtp'));
      for (const children of [...childOrderOf(c, 'incomingServer'), ...childOrderOf(c, 'outgoingServer')]) {
        expect(children.slice(0, SERVER_CHILD_ORDER.length)).toEqual(SERVER_CHILD_ORDER);
      }
    });
  });

  test.each([
    ['pop-access', ['imap', 'pop3'], 'example.com', POP_USER],
    ['unknown-mailbox-pop-domain', ['imap', 'pop3'], 'example.com', 'nobody@example.com'],
    ['pop3-preferred', ['pop3', 'imap'], 'example.com', POP_USER],
    ['placeholders-pop-domain', ['imap', 'pop3'], 'example.com', '%EMAILADDRESS%'],
    ['idn-domain', ['imap', 'pop3'], 'xn--bcher-kva.example', 'user@xn--bcher-kva.example'],
    ['business-mail', ['ews', 'exchange'], 'example.com', BUSINESS_USER],
    ['unknown-mailbox-business-domain', ['ews', 'exchange'], 'example.org', 'nobody@example.org'],
    ['placeholders-business-domain', ['ews', 'exchange'], 'example.org', '%EMAILADDRESS%'],
    ['provider-wide', ['imap', 'pop3'], 'mamutmail.com', '%EMAILADDRESS%'],
  ])('%s: incoming %j for %s, username %s', (name, types, domain, username) => {
    const document = parseXml(goldenCase('autoconfig', name));
    expect(serversOf(document, 'incomingServer').map((server) => at(server, '@_type'))).toEqual(types);
    expect(at(document, 'clientConfig', 'emailProvider', 'domain')).toBe(domain);
    const servers = [...serversOf(document, 'incomingServer'), ...serversOf(document, 'outgoingServer')];
    expect(servers.map((server) => at(server, 'username'))).toEqual(servers.map(() => username));
  });

  test('pop-access: the pop3 block only on the POP3 server; STARTTLS 587 and SSL 465 for SMTP', () => {
    const document = parseXml(goldenCase('autoconfig', 'pop-access'));
    const [imap, pop3] = serversOf(document, 'incomingServer');
    expect(at(imap, 'pop3')).toBeUndefined();
    expect(at(pop3, 'pop3')).toEqual({ leaveMessagesOnServer: 'true', daysToLeaveMessagesOnServer: '14' });
    expect(
      serversOf(document, 'outgoingServer').map((server) => [at(server, 'port'), at(server, 'socketType')]),
    ).toEqual([
      ['587', 'STARTTLS'],
      ['465', 'SSL'],
    ]);
  });

  test('business-mail: ews first (its url the EWS URL), then exchange with OWA, ewsURL and EAS, no exchangeURL', () => {
    const [ews, exchange] = serversOf(parseXml(goldenCase('autoconfig', 'business-mail')), 'incomingServer');
    // Thunderbird 150+ preselects the first incoming server's type (docs/protocols.md §6.4).
    expect(at(ews, '@_type')).toBe('ews');
    expect(at(ews, 'url')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    expect([at(ews, 'hostname'), at(ews, 'port'), at(ews, 'socketType')]).toEqual(['mamutmail.com', '443', 'SSL']);
    // Native EWS sends mail itself: no global outgoing server for it.
    expect(at(ews, 'useGlobalPreferredServer')).toBeUndefined();
    expect(at(exchange, '@_type')).toBe('exchange');
    expect([at(exchange, 'port'), at(exchange, 'socketType')]).toEqual(['443', 'SSL']);
    expect(at(exchange, 'owaURL')).toBe('https://mamutmail.com');
    expect(at(exchange, 'ewsURL')).toBe('https://mamutmail.com/EWS/Exchange.asmx');
    expect(at(exchange, 'exchangeURL')).toBeUndefined();
    expect(at(exchange, 'easURL')).toBe('https://mamutmail.com/Microsoft-Server-ActiveSync');
    expect(at(exchange, 'useGlobalPreferredServer')).toBe('true');
  });

  test('other-provider-business-mail: the ews server takes host and URL from businessMail.ewsUrl', () => {
    const [ews] = serversOf(parseXml(goldenCase('autoconfig', 'other-provider-business-mail')), 'incomingServer');
    expect([at(ews, '@_type'), at(ews, 'hostname'), at(ews, 'url')]).toEqual([
      'ews',
      'exchange.other-provider.example',
      'https://exchange.other-provider.example/EWS/Exchange.asmx',
    ]);
  });

  test('provider-wide: what Thunderbird for Android keeps is an imap and an smtp server it can fill in', () => {
    const document = parseXml(goldenCase('autoconfig', 'provider-wide'));
    // RealAutoconfigParser keeps the first imap and the first smtp; placeholders only (docs/protocols.md §6.7).
    const imap = serversOf(document, 'incomingServer').find((server) => at(server, '@_type') === 'imap');
    const smtp = serversOf(document, 'outgoingServer')[0];
    for (const server of [imap, smtp]) {
      expect(at(server, 'username')).toBe('%EMAILADDRESS%');
      expect(['SSL', 'STARTTLS']).toContain(at(server, 'socketType'));
    }
    expect(goldenText(goldenCase('autoconfig', 'provider-wide'))).not.toMatch(/example\.(com|org)/);
  });

  test('pop-access-display-name-revealed: display names never reach autoconfig', () => {
    expect(goldenText(goldenCase('autoconfig', 'pop-access-display-name-revealed'))).toBe(
      goldenText(goldenCase('autoconfig', 'pop-access')),
    );
  });
});

// ---- Apple configuration profiles (docs/protocols.md §7) --------------------------------------------

const UUID_V5 = /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;
const REVERSE_DNS = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

interface ProfileIds {
  readonly address: string;
  readonly profileUuid: string;
  readonly payloadType: string;
  readonly payloadUuid: string;
}

function parseProfile(text: string): unknown {
  const parsed: unknown = plist.parse(text);
  return parsed;
}

function idsOf(profile: unknown): ProfileIds {
  const payload = listAt(profile, 'PayloadContent')[0];
  return {
    address: stringAt(payload, 'EmailAddress'),
    profileUuid: stringAt(profile, 'PayloadUUID'),
    payloadType: stringAt(payload, 'PayloadType'),
    payloadUuid: stringAt(payload, 'PayloadUUID'),
  };
}

const profileOf = (name: string): unknown => parseProfile(goldenText(goldenCase('mobileconfig', name)));

describe('mobileconfig', () => {
  describe.each(named(casesOf('mobileconfig', withDefaultProvider)))('%s', (_name, c) => {
    test('top-level keys of a Configuration profile (TopLevel.yaml)', () => {
      const profile = parseProfile(goldenText(c));
      expect(at(profile, 'PayloadType')).toBe('Configuration');
      expect(at(profile, 'PayloadVersion')).toBe(1);
      expect(stringAt(profile, 'PayloadIdentifier')).toMatch(REVERSE_DNS);
      expect(stringAt(profile, 'PayloadIdentifier').startsWith('com.mamutmail.autoconfig.')).toBe(true);
      expect(stringAt(profile, 'PayloadUUID')).toMatch(UUID_V5);
      expect(at(profile, 'PayloadOrganization')).toBe('Mamut Mail');
      expect(listAt(profile, 'PayloadContent')).toHaveLength(1);
    });

    test('one payload with the common keys, identified under the profile', () => {
      const profile = parseProfile(goldenText(c));
      const payload = listAt(profile, 'PayloadContent')[0];
      expect(['com.apple.mail.managed', 'com.apple.eas.account', 'com.apple.ews.account']).toContain(
        at(payload, 'PayloadType'),
      );
      expect(at(payload, 'PayloadVersion')).toBe(1);
      expect(stringAt(payload, 'PayloadIdentifier')).toMatch(REVERSE_DNS);
      expect(stringAt(payload, 'PayloadIdentifier').startsWith(`${stringAt(profile, 'PayloadIdentifier')}.`)).toBe(
        true,
      );
      expect(stringAt(payload, 'PayloadUUID')).toMatch(UUID_V5);
      expect(at(payload, 'PayloadUUID')).not.toBe(at(profile, 'PayloadUUID'));
      expect(at(payload, 'IncomingPassword')).toBeUndefined();
      expect(at(payload, 'Password')).toBeUndefined();
    });
  });

  test.each([
    ['pop-access', 'EmailTypeIMAP', 993, POP_USER],
    ['unknown-mailbox-pop-domain', 'EmailTypeIMAP', 993, 'nobody@example.com'],
    ['pop3-preferred', 'EmailTypePOP', 995, POP_USER],
    ['idn-domain-pop-access', 'EmailTypeIMAP', 993, 'user@xn--bcher-kva.example'],
    ['local-part-with-symbols', 'EmailTypeIMAP', 993, 'first.last+news@example.com'],
  ])(
    '%s: com.apple.mail.managed, %s on %i, SMTP 465 implicit TLS, login %s',
    (name, accountType, incomingPort, address) => {
      const payload = listAt(profileOf(name), 'PayloadContent')[0];
      expect(at(payload, 'PayloadType')).toBe('com.apple.mail.managed');
      expect(at(payload, 'EmailAccountType')).toBe(accountType);
      expect(at(payload, 'EmailAddress')).toBe(address);
      expect([
        at(payload, 'IncomingMailServerHostName'),
        at(payload, 'IncomingMailServerPortNumber'),
        at(payload, 'IncomingMailServerUseSSL'),
      ]).toEqual(['mamutmail.com', incomingPort, true]);
      expect([
        at(payload, 'OutgoingMailServerHostName'),
        at(payload, 'OutgoingMailServerPortNumber'),
        at(payload, 'OutgoingMailServerUseSSL'),
      ]).toEqual(['mamutmail.com', 465, true]);
      expect([
        at(payload, 'IncomingMailServerAuthentication'),
        at(payload, 'OutgoingMailServerAuthentication'),
      ]).toEqual(['EmailAuthPassword', 'EmailAuthPassword']);
      expect([at(payload, 'IncomingMailServerUsername'), at(payload, 'OutgoingMailServerUsername')]).toEqual([
        address,
        address,
      ]);
      expect(at(payload, 'OutgoingPasswordSameAsIncomingPassword')).toBe(true);
      expect(at(payload, 'EmailAccountName')).toBeUndefined();
    },
  );

  test.each([
    ['business-mail', BUSINESS_USER],
    ['unknown-mailbox-business-domain', 'nobody@example.org'],
    ['idn-domain-business-mail', 'user@xn--bcher-kva.example'],
  ])("%s: com.apple.eas.account, UserName with '_' instead of '@'", (name, address) => {
    const payload = listAt(profileOf(name), 'PayloadContent')[0];
    expect(at(payload, 'PayloadType')).toBe('com.apple.eas.account');
    expect(at(payload, 'EmailAddress')).toBe(address);
    expect([at(payload, 'Host'), at(payload, 'SSL')]).toEqual(['mamutmail.com', true]);
    expect(at(payload, 'UserName')).toBe(address.replace('@', '_'));
    expect(stringAt(payload, 'UserName')).not.toContain('@');
  });

  test('business-mail-macos: com.apple.ews.account (macOS only), the EWS URL as Host/Port/Path, login the full address', () => {
    const payload = listAt(profileOf('business-mail-macos'), 'PayloadContent')[0];
    expect(at(payload, 'PayloadType')).toBe('com.apple.ews.account');
    expect(stringAt(payload, 'PayloadIdentifier').endsWith('.ews')).toBe(true);
    expect(at(payload, 'EmailAddress')).toBe(BUSINESS_USER);
    // https://mamutmail.com/EWS/Exchange.asmx, inside and outside alike (one public endpoint).
    for (const prefix of ['', 'External']) {
      expect([
        at(payload, `${prefix}Host`),
        at(payload, `${prefix}Port`),
        at(payload, `${prefix}Path`),
        at(payload, `${prefix}SSL`),
      ]).toEqual(['mamutmail.com', 443, '/EWS/Exchange.asmx', true]);
    }
    // A Mac is a desktop client: the full address, not the phones' "_" rule.
    expect(at(payload, 'UserName')).toBe(BUSINESS_USER);
    // Same profile identity as the iPhone file, so either replaces the other's installation.
    expect(at(profileOf('business-mail-macos'), 'PayloadIdentifier')).toBe(
      at(profileOf('business-mail'), 'PayloadIdentifier'),
    );
  });

  test('pop-access-macos: com.apple.mail.managed exists on both systems, so the Mac gets the iPhone file', () => {
    expect(goldenText(goldenCase('mobileconfig', 'pop-access-macos'))).toBe(
      goldenText(goldenCase('mobileconfig', 'pop-access')),
    );
  });

  test('pop-access-display-name-escaped: EmailAccountName survives escaping', () => {
    expect(at(listAt(profileOf('pop-access-display-name-escaped'), 'PayloadContent')[0], 'EmailAccountName')).toBe(
      HOSTILE_DISPLAY_NAME,
    );
  });

  test('local-part-with-symbols: a reverse-DNS identifier with a hash suffix', () => {
    expect(at(profileOf('local-part-with-symbols'), 'PayloadIdentifier')).toMatch(
      /^com\.mamutmail\.autoconfig\.example\.com\.first-last-news-[0-9a-f]{8}$/,
    );
  });

  test('UUIDs are stable per address and unique across addresses', () => {
    // One provider's profiles (another provider's namespace gives the same address other UUIDs).
    const all = casesOf('mobileconfig', withDefaultProvider).map((c) => idsOf(parseProfile(goldenText(c))));
    const byAddress = new Map<string, ProfileIds[]>();
    for (const ids of all) byAddress.set(ids.address, [...(byAddress.get(ids.address) ?? []), ids]);
    // The same address: one profile UUID whatever the settings, one payload UUID per payload type.
    for (const group of byAddress.values()) {
      expect(new Set(group.map((ids) => ids.profileUuid)).size).toBe(1);
      for (const ids of group) {
        expect(
          group.filter((other) => other.payloadType === ids.payloadType).map((other) => other.payloadUuid),
        ).toEqual(group.filter((other) => other.payloadType === ids.payloadType).map(() => ids.payloadUuid));
      }
    }
    // Different addresses, or different payloads: no UUID is ever shared.
    const distinct = new Set(
      all.flatMap((ids) => [
        `${ids.address} profile ${ids.profileUuid}`,
        `${ids.address} ${ids.payloadType} ${ids.payloadUuid}`,
      ]),
    );
    const uuids = new Set(all.flatMap((ids) => [ids.profileUuid, ids.payloadUuid]));
    expect(uuids.size).toBe(distinct.size);
  });

  test('re-rendering the same address gives the same UUIDs; a different address gives new ones', () => {
    const first = idsOf(parseProfile(renderProfileFor(POP_USER, { accessType: 'pop' })));
    const again = idsOf(parseProfile(renderProfileFor(POP_USER, { accessType: 'pop' })));
    // The same mailbox typed with another case: local parts compare case-insensitively, domains are case-free.
    const otherCase = idsOf(parseProfile(renderProfileFor('Pop.User@EXAMPLE.com', { accessType: 'pop' })));
    const otherLocal = idsOf(parseProfile(renderProfileFor('pop.user2@example.com', { accessType: 'pop' })));
    const otherDomain = idsOf(parseProfile(renderProfileFor('pop.user@example.org', { accessType: 'pop' })));
    expect(again).toEqual(first);
    expect([otherCase.profileUuid, otherCase.payloadUuid]).toEqual([first.profileUuid, first.payloadUuid]);
    expect(idsOf(profileOf('pop-access'))).toEqual(first);
    for (const other of [otherLocal, otherDomain]) {
      expect(other.profileUuid).not.toBe(first.profileUuid);
      expect(other.payloadUuid).not.toBe(first.payloadUuid);
    }
  });
});

// ---- Signed Apple profiles (docs/protocols.md §7.6) -----------------------------------------------

describe('mobileconfig-signed', () => {
  describe.each(Object.keys(SIGNED_PROFILE_CONTENT))('%s', (name) => {
    const described: unknown = JSON.parse(goldenText(goldenCase('mobileconfig-signed', name)));
    const der = signedProfileBytes(name);

    test('openssl verifies it against the root alone, and the content is the unsigned golden profile', () => {
      const verification = verifyCms(der, path.join(GOLDEN_SIGNING_FOLDER, 'root.pem'));
      expect(verification.stderr).toContain('Verification successful');
      expect(
        verification.content.equals(
          goldenBytes(goldenCase('mobileconfig', SIGNED_PROFILE_CONTENT[name]?.profile ?? '')),
        ),
      ).toBe(true);
      expect(verification.signerSubject).toBe('CN=profiles.mamutmail.test\nO=mail-autodiscover tests');
    });

    test('openssl reads the structure: SignedData of data, SHA-256, signer and intermediate, no signing time', () => {
      const printed = printCms(der);
      expect(printed).toContain('contentType: pkcs7-signedData (1.2.840.113549.1.7.2)');
      expect(printed).toContain('eContentType: pkcs7-data (1.2.840.113549.1.7.1)');
      expect(printed).toMatch(/digestAlgorithm:\s+algorithm: sha256/);
      expect(printed).toMatch(/signatureAlgorithm:\s+algorithm: rsaEncryption/);
      for (const certificate of listAt(described, 'certificates')) {
        expect(printed).toContain(`subject: ${stringAt(certificate, 'subject')}`);
      }
      expect(printed).toContain('object: contentType (1.2.840.113549.1.9.3)');
      expect(printed).toContain('object: messageDigest (1.2.840.113549.1.9.4)');
      expect(printed).not.toContain('signingTime');
    });

    test('the golden digest is of these very bytes', () => {
      expect(at(described, 'der', 'bytes')).toBe(der.length);
      expect(at(described, 'der', 'sha256')).toBe(createHash('sha256').update(der).digest('hex'));
    });
  });
});

// ---- Another provider's values (CONFIGS.otherProvider): none of the defaults written as constants ----

describe('another provider: every value from config', () => {
  const text = (protocol: GoldenProtocol, name: string): string => goldenText(goldenCase(protocol, name));

  test('autoconfig, POP access: its hosts, ports, sockets, keep-a-copy off after 30 days, POP3 first', () => {
    const document = parseXml(goldenCase('autoconfig', 'other-provider-pop-access'));
    expect(at(document, 'clientConfig', 'emailProvider', '@_id')).toBe('mail.other-provider.example');
    const incoming = serversOf(document, 'incomingServer');
    expect(incoming.map((server) => [at(server, '@_type'), at(server, 'hostname'), at(server, 'port')])).toEqual([
      ['pop3', 'pop.other-provider.example', '110'],
      ['imap', 'imap.other-provider.example', '143'],
    ]);
    expect(at(incoming[0], 'pop3', 'leaveMessagesOnServer')).toBe('false');
    expect(at(incoming[0], 'pop3', 'daysToLeaveMessagesOnServer')).toBe('30');
    expect(at(serversOf(document, 'outgoingServer')[0], 'port')).toBe('2525');
  });

  test('every answer names the other provider and none the default host', () => {
    for (const [protocol, name] of [
      ['autoconfig', 'other-provider-pop-access'],
      ['autoconfig', 'other-provider-business-mail'],
      ['autoconfig', 'other-provider-provider-wide'],
      ['autodiscover', 'other-provider-pop-access'],
      ['autodiscover', 'other-provider-business-mail'],
      ['mobilesync', 'other-provider-business-mail'],
      ['mobileconfig', 'other-provider-pop-access'],
      ['mobileconfig', 'other-provider-business-mail'],
      ['mobileconfig', 'other-provider-business-mail-macos'],
    ] as const) {
      const answer = text(protocol, name);
      expect(answer).toContain('other-provider.example');
      expect(answer).not.toContain('mamutmail');
    }
  });

  test('Business Mail: the Windows domain hosting02 where a client asks for one', () => {
    expect(text('autodiscover', 'other-provider-business-mail')).toContain('hosting02');
  });
});

// ---- PACC (docs/protocols.md §10) ---------------------------------------------------------------------

/** The protocol names the drafts define for the servers we have (§10.3): IMAP, POP3, submission under both names. */
const PACC_TEXT_PROTOCOLS = ['imap', 'pop3', 'submit', 'smtp'];

function paccDocumentOf(name: string): unknown {
  return JSON.parse(goldenText(goldenCase('pacc', name))) as unknown;
}

function keysOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

describe('pacc', () => {
  describe.each(named(casesOf('pacc')))('%s', (name) => {
    const document = paccDocumentOf(name);

    test('the members the draft requires, and no others: protocols, authentication, info', () => {
      expect(keysOf(document)).toEqual(['protocols', 'authentication', 'info']);
    });

    test('protocols: text protocols only, each exactly {host} with a host name; submit and smtp name one server', () => {
      const protocols = at(document, 'protocols');
      const names = keysOf(protocols);
      expect(names.length).toBeGreaterThan(0);
      for (const protocol of names) {
        expect(PACC_TEXT_PROTOCOLS).toContain(protocol);
        expect(keysOf(at(protocols, protocol))).toEqual(['host']);
        expect(parseDomainName(stringAt(protocols, protocol, 'host')).ok).toBe(true);
      }
      expect(names.some((protocol) => protocol === 'imap' || protocol === 'pop3')).toBe(true);
      expect(at(protocols, 'smtp')).toEqual(at(protocols, 'submit'));
    });

    test('authentication: password, and nothing we do not offer (no oauth-public)', () => {
      expect(at(document, 'authentication')).toEqual({ password: true });
    });

    test('info.provider: a name of at most 60 code points, a shortName of at most 20 when given', () => {
      expect(keysOf(at(document, 'info'))).toEqual(['provider']);
      const provider = at(document, 'info', 'provider');
      const providerName = stringAt(provider, 'name');
      expect(Array.from(providerName).length).toBeGreaterThan(0);
      expect(Array.from(providerName).length).toBeLessThanOrEqual(60);
      const shortName = at(provider, 'shortName');
      if (shortName !== undefined) expect(Array.from(stringAt(provider, 'shortName')).length).toBeLessThanOrEqual(20);
    });

    test('one compact line: no whitespace outside strings, no trailing newline', () => {
      const text = goldenText(goldenCase('pacc', name));
      expect(text).toBe(JSON.stringify(document));
    });
  });

  test.each([
    ['pop-access-domain', ['imap', 'pop3', 'submit', 'smtp']],
    ['idn-domain', ['imap', 'pop3', 'submit', 'smtp']],
    ['pop3-preferred', ['pop3', 'imap', 'submit', 'smtp']],
    ['only-implicit-tls-servers', ['pop3', 'submit', 'smtp']],
  ])('%s: protocols %j, preferred incoming first', (name, protocols) => {
    expect(keysOf(at(paccDocumentOf(name), 'protocols'))).toEqual(protocols);
  });

  test('pop-access-domain: every server mamutmail.com, the provider as configured', () => {
    const document = paccDocumentOf('pop-access-domain');
    for (const protocol of ['imap', 'pop3', 'submit'])
      expect(stringAt(document, 'protocols', protocol, 'host')).toBe('mamutmail.com');
    expect(at(document, 'info', 'provider')).toEqual({ name: 'Mamut Mail', shortName: 'Mamut' });
  });

  test('idn-domain: the document names no domain, so every domain serves the same bytes', () => {
    expect(goldenBytes(goldenCase('pacc', 'idn-domain'))).toEqual(goldenBytes(goldenCase('pacc', 'pop-access-domain')));
  });

  test('only-implicit-tls-servers: IMAP on 143 STARTTLS left out; submission is the 465 server, not the 587 one', () => {
    const document = paccDocumentOf('only-implicit-tls-servers');
    expect(stringAt(document, 'protocols', 'pop3', 'host')).toBe('pop.mixed.example');
    expect(stringAt(document, 'protocols', 'submit', 'host')).toBe('smtps.mixed.example');
  });

  test('long-provider-names: the name cut at 60 code points (an astral character kept whole), shortName left out', () => {
    const provider = at(paccDocumentOf('long-provider-names'), 'info', 'provider');
    const configured = CONFIGS.longProviderNames.provider.name;
    expect(stringAt(provider, 'name')).toBe(Array.from(configured).slice(0, 60).join(''));
    expect(stringAt(provider, 'name').endsWith('\u{1F418}')).toBe(true);
    expect(keysOf(provider)).toEqual(['name']);
  });
});

describe('platform-… files: a domain on its own platform (docs/protocols.md §14)', () => {
  const platformCases = GOLDEN_CASES.filter(
    (c) => c.name.startsWith('platform-') && c.protocol !== 'mobileconfig-signed',
  );
  const secondCluster = platformCases.filter((c) => /business|get-user-settings$|get-domain/.test(c.name));
  const otherPopHost = platformCases.filter((c) => /pop/.test(c.name));

  test('every renderer has files for an overridden Business Mail domain and an overridden POP domain', () => {
    const protocolsOf = (cases: readonly GoldenCase[]) => new Set(cases.map((c) => c.protocol));
    expect([...protocolsOf(secondCluster)].sort()).toEqual(
      ['autoconfig', 'autodiscover', 'autodiscover-json', 'autodiscover-soap', 'mobileconfig', 'mobilesync'].sort(),
    );
    expect([...protocolsOf(otherPopHost)].sort()).toEqual(
      ['autoconfig', 'autodiscover', 'mobileconfig', 'pacc'].sort(),
    );
  });

  test.each(named(secondCluster))(
    '%s: the second cluster’s host and URLs, never the provider-wide ones',
    (_name, c) => {
      const text = goldenBytes(c).toString('utf8');
      expect(text).toContain('exchange02.example.net');
      expect(text).not.toMatch(/mamutmail\.com\/(EWS|Microsoft-Server-ActiveSync|owa)|hosting01/);
    },
  );

  test.each(named(otherPopHost))(
    '%s: the platform’s IMAP, POP3 and SMTP hosts, none of the provider-wide ones',
    (_name, c) => {
      const text = goldenBytes(c).toString('utf8');
      expect(text).toContain('mail2.example.net');
      // As a server: the provider's id (emailProvider@id) and names stay the provider's.
      expect(text).not.toMatch(/<(Server|hostname|string)>mamutmail\.com<|"host":"mamutmail\.com"/);
    },
  );
});
