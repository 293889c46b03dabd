import express, { type Request, type Response, type Router } from 'express';
import type { Discover, DiscoveryTarget } from '../../discovery/discover';
import { ADDRESS_ERROR_MESSAGES, parseDomainName, parseEmailAddress } from '../../model/email-address';
import { sendPerUserAnswer } from '../../http/no-store';
import { recordOutcome } from '../../http/outcome';
import { sendDirectoryUnavailable, sendPlainText } from '../../http/plain-text';
import { queryParam } from '../../http/query';
import { AUTOCONFIG_CONTENT_TYPE, AUTOCONFIG_PATHS } from './paths';
import { renderAutoconfig, type AutoconfigProvider } from './render';

export interface AutoconfigRouterDeps {
  readonly discover: Discover;
  readonly provider: AutoconfigProvider;
}

/**
 * GET /mail/config-v1.1.xml and /.well-known/autoconfig/mail/config-v1.1.xml. The format has no
 * error body: every non-2xx status sends Thunderbird to its next source, so failures are short plain text.
 */
export function createAutoconfigRouter(deps: AutoconfigRouterDeps): Router {
  const router = express.Router();
  router.get([...AUTOCONFIG_PATHS], async (req: Request, res: Response) => {
    const target = targetOf(req);
    if (!target.ok) {
      recordOutcome(res, { protocol: 'autoconfig', outcome: 'invalid-address' });
      sendPlainText(res, 400, target.message);
      return;
    }
    if (target.value === null) {
      recordOutcome(res, { protocol: 'autoconfig', outcome: 'no-domain' });
      sendPlainText(res, 404, 'No mail configuration for this host.');
      return;
    }
    const domain = 'address' in target.value ? target.value.address.domain : target.value.domain;
    const discovery = await deps.discover(target.value);
    if (discovery.status === 'unavailable') {
      recordOutcome(res, { protocol: 'autoconfig', outcome: 'directory-unavailable', domain });
      sendDirectoryUnavailable(res);
      return;
    }
    if (discovery.status === 'not-hosted') {
      recordOutcome(res, { protocol: 'autoconfig', outcome: 'not-hosted', domain });
      sendPlainText(res, 404, 'No mail configuration for this domain.');
      return;
    }
    recordOutcome(res, {
      protocol: 'autoconfig',
      outcome: 'settings',
      domain,
      accessType: discovery.settings.accessType,
    });
    sendPerUserAnswer(res, 200, AUTOCONFIG_CONTENT_TYPE, renderAutoconfig(discovery.settings, deps.provider));
  });
  return router;
}

type Target = { ok: true; value: DiscoveryTarget | null } | { ok: false; message: string };

/** The address if given; otherwise the domain the client asked (autoconfig.<domain> or <domain>). */
function targetOf(req: Request): Target {
  const addressText = queryParam(req, 'emailaddress');
  if (addressText !== undefined && addressText.trim() !== '') {
    const address = parseEmailAddress(addressText);
    return address.ok
      ? { ok: true, value: { address: address.value } }
      : { ok: false, message: `emailaddress: ${ADDRESS_ERROR_MESSAGES[address.error]}` };
  }
  // Express types it as string, but it is undefined when the request has no Host header.
  const hostname = req.hostname as string | undefined;
  const host = (hostname ?? '').replace(/^autoconfig\./i, '');
  const domain = parseDomainName(host);
  return { ok: true, value: domain.ok ? { domain: domain.value.ascii } : null };
}
