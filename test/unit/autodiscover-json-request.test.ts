import { JSON_PROTOCOLS, parseAutodiscoverJsonRequest } from '../../src/protocols/autodiscover-json/parse-request';
import { protocolOfferFor } from '../../src/protocols/autodiscover-json/protocol-offer';
import { businessSettingsFor, settingsFor } from '../support/settings';

const POX_URL = 'https://autodiscover.example.com/autodiscover/autodiscover.xml';

describe('parseAutodiscoverJsonRequest › Protocol read once, case-insensitively', () => {
  test.each([
    ['AutodiscoverV1', 'AutodiscoverV1'],
    ['autodiscoverv1', 'AutodiscoverV1'],
    [' ACTIVESYNC ', 'ActiveSync'],
    ['ews', 'Ews'],
  ] as const)('%j › %s, kept as sent for error messages', (sent, name) => {
    expect(parseAutodiscoverJsonRequest('jane@example.com', sent)).toEqual({
      ok: true,
      value: { protocol: { name, asSent: sent }, emailAddress: 'jane@example.com' },
    });
  });

  test.each([['Rest'], [''], ['Autodiscover V1']])('%j › unknown-protocol, as sent', (sent) => {
    expect(parseAutodiscoverJsonRequest('jane@example.com', sent)).toEqual({
      ok: false,
      error: { kind: 'unknown-protocol', asSent: sent },
    });
  });

  test('no Protocol parameter › unknown-protocol with an empty value, whatever the address', () => {
    expect(parseAutodiscoverJsonRequest('not an address', undefined)).toEqual({
      ok: false,
      error: { kind: 'unknown-protocol', asSent: '' },
    });
  });

  test('no address › the empty text, for the address parser to refuse', () => {
    const parsed = parseAutodiscoverJsonRequest(undefined, 'Ews');
    expect(parsed.ok && parsed.value.emailAddress).toBe('');
  });
});

describe('protocolOfferFor › which URL for which protocol', () => {
  const business = businessSettingsFor('business.user@example.com');
  const pop = settingsFor('pop.user@example.com', 'pop');

  test('Business Mail › all three, each with its URL', () => {
    expect(protocolOfferFor(business, 'AutodiscoverV1', POX_URL)).toEqual({
      offered: true,
      protocol: 'AutodiscoverV1',
      url: POX_URL,
    });
    expect(protocolOfferFor(business, 'ActiveSync', POX_URL)).toEqual({
      offered: true,
      protocol: 'ActiveSync',
      url: business.exchange.activeSyncUrl,
    });
    expect(protocolOfferFor(business, 'Ews', POX_URL)).toEqual({
      offered: true,
      protocol: 'Ews',
      url: business.exchange.ewsUrl,
    });
  });

  test('POP access › AutodiscoverV1 only; the others say what is offered', () => {
    expect(protocolOfferFor(pop, 'AutodiscoverV1', POX_URL)).toEqual({
      offered: true,
      protocol: 'AutodiscoverV1',
      url: POX_URL,
    });
    for (const protocol of JSON_PROTOCOLS.filter((name) => name !== 'AutodiscoverV1')) {
      expect(protocolOfferFor(pop, protocol, POX_URL)).toEqual({
        offered: false,
        offeredProtocols: ['AutodiscoverV1'],
      });
    }
  });
});
