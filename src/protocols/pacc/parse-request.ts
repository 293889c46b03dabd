import { parseDomainName } from '../../model/email-address';
import { err, ok, type Result } from '../../model/result';
import { PACC_HOST_PREFIX } from './paths';

/** The request was not for `ua-auto-config.<domain>`: PACC is asked on that host only. */
export interface PaccInvalidRequest {
  readonly kind: 'not-a-pacc-host';
}

/**
 * The domain a PACC request is about: the host name after `ua-auto-config.` (docs/protocols.md §10.2).
 * Any other host (the bare domain, this service's own name) is not a PACC request.
 */
export function paccDomainOf(hostname: string | undefined): Result<string, PaccInvalidRequest> {
  const host = hostname ?? '';
  if (host.slice(0, PACC_HOST_PREFIX.length).toLowerCase() !== PACC_HOST_PREFIX)
    return err({ kind: 'not-a-pacc-host' });
  const domain = parseDomainName(host.slice(PACC_HOST_PREFIX.length));
  return domain.ok ? ok(domain.value.ascii) : err({ kind: 'not-a-pacc-host' });
}
