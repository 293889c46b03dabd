/**
 * PACC (draft-ietf-mailmaint-pacc): one well-known URL, asked on the host `ua-auto-config.<domain>`,
 * whose exact bytes the `_ua-auto-config.<domain>` TXT record vouches for (docs/protocols.md §10).
 */
export const PACC_PATH = '/.well-known/user-agent-configuration.json';
/** The host a client asks: this label, then the domain of the address. */
export const PACC_HOST_PREFIX = 'ua-auto-config.';
/** JSON has no charset parameter (RFC 8259 §11); the body is UTF-8. */
export const PACC_CONTENT_TYPE = 'application/json';
