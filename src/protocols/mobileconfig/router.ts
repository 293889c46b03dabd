import express, { type Request, type Response, type Router } from 'express';
import type { Discover } from '../../discovery/discover';
import { ADDRESS_ERROR_MESSAGES, parseEmailAddress } from '../../model/email-address';
import { recordOutcome } from '../../http/outcome';
import { sendDirectoryUnavailable, sendPlainText } from '../../http/plain-text';
import { queryParam } from '../../http/query';
import { MOBILECONFIG_CONTENT_TYPE, MOBILECONFIG_PATH } from './paths';
import { renderAppleProfile, type ProfileProvider } from './render';

export interface MobileconfigRouterDeps {
  readonly discover: Discover;
  readonly provider: ProfileProvider;
}

/** GET /mobileconfig?emailaddress=… : a person downloads a file, so failures are short plain text. */
export function createMobileconfigRouter(deps: MobileconfigRouterDeps): Router {
  const router = express.Router();
  router.get(MOBILECONFIG_PATH, async (req: Request, res: Response) => {
    const addressText = queryParam(req, 'emailaddress') ?? queryParam(req, 'email') ?? '';
    const address = parseEmailAddress(addressText);
    if (!address.ok) {
      recordOutcome(res, { protocol: 'mobileconfig', outcome: `invalid-address:${address.error}` });
      sendPlainText(res, 400, `emailaddress: ${ADDRESS_ERROR_MESSAGES[address.error]}`);
      return;
    }
    const domain = address.value.domain;
    const discovery = await deps.discover({ address: address.value });
    if (discovery.status === 'unavailable') {
      recordOutcome(res, { protocol: 'mobileconfig', outcome: 'directory-unavailable', domain });
      sendDirectoryUnavailable(res);
      return;
    }
    if (discovery.status === 'not-hosted') {
      recordOutcome(res, { protocol: 'mobileconfig', outcome: 'not-hosted', domain });
      sendPlainText(res, 404, 'No mail service is configured for this e-mail address.');
      return;
    }
    const settings = discovery.settings;
    recordOutcome(res, { protocol: 'mobileconfig', outcome: 'settings', domain, accessType: settings.accessType });
    const body = renderAppleProfile({ ...settings, user: { ...settings.user, address: address.value } }, deps.provider);
    // express's attachment() quotes and encodes the filename (content-disposition package); a Buffer
    // body keeps Express from appending "; charset=utf-8" to Apple's MIME type.
    res
      .status(200)
      .attachment(`${domain}.mobileconfig`)
      .set('Cache-Control', 'no-store')
      .type(MOBILECONFIG_CONTENT_TYPE)
      .send(Buffer.from(body, 'utf8'));
  });
  return router;
}
