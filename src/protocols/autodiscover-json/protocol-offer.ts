import type { MailSettings } from '../../model/mail-settings';
import type { JsonProtocol } from './parse-request';

/** The URL for the protocol asked, or, when this mailbox is not offered it, what it is offered. */
export type ProtocolOffer =
  | { readonly offered: true; readonly protocol: JsonProtocol; readonly url: string }
  | { readonly offered: false; readonly offeredProtocols: readonly JsonProtocol[] };

/**
 * Every hosted address gets AutodiscoverV1 (the POX endpoint decides the rest); ActiveSync and EWS
 * exist only for Business Mail (docs/protocols.md §5). With `outlookMode: redirect`, a Business Mail
 * AutodiscoverV1 points at the Exchange platform's own Autodiscover, as the POX answer does for
 * Outlook: only the platform can give Outlook a full MAPI profile (docs/protocols.md §3.4, §5).
 */
export function protocolOfferFor(
  settings: MailSettings,
  protocol: JsonProtocol,
  autodiscoverUrl: string,
): ProtocolOffer {
  const offered: ReadonlyArray<readonly [JsonProtocol, string]> =
    settings.accessType === 'business'
      ? [
          ['AutodiscoverV1', settings.outlookRedirectUrl ?? autodiscoverUrl],
          ['ActiveSync', settings.exchange.activeSyncUrl],
          ['Ews', settings.exchange.ewsUrl],
        ]
      : [['AutodiscoverV1', autodiscoverUrl]];
  const url = offered.find(([name]) => name === protocol)?.[1];
  return url === undefined
    ? { offered: false, offeredProtocols: offered.map(([name]) => name) }
    : { offered: true, protocol, url };
}
