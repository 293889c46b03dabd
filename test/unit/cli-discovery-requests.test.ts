/**
 * The admin tool asks the service over loopback with paths of its own (a CLI does not import the
 * protocol modules, import-direction.test.ts): they must be the paths the protocols answer on.
 */
import {
  AUTOCONFIG_PATH,
  AUTODISCOVER_JSON_PATH,
  MOBILECONFIG_PATH,
  OUTLOOK_RESPONSE_SCHEMA,
  POX_PATH,
} from '../../src/cli/discovery-requests';
import { AUTOCONFIG_PATHS } from '../../src/protocols/autoconfig/paths';
import * as jsonPaths from '../../src/protocols/autodiscover-json/paths';
import * as poxPaths from '../../src/protocols/autodiscover/paths';
import * as mobileconfigPaths from '../../src/protocols/mobileconfig/paths';

test('check asks the paths the protocol routes answer', () => {
  expect(POX_PATH).toBe(poxPaths.AUTODISCOVER_XML_PATH);
  expect(OUTLOOK_RESPONSE_SCHEMA).toBe(poxPaths.OUTLOOK_RESPONSE_SCHEMA);
  expect(AUTODISCOVER_JSON_PATH).toBe(jsonPaths.AUTODISCOVER_JSON_PATH);
  expect(AUTOCONFIG_PATHS).toContain(AUTOCONFIG_PATH);
  expect(MOBILECONFIG_PATH).toBe(mobileconfigPaths.MOBILECONFIG_PATH);
});
