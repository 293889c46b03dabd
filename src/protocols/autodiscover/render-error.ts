import { renderXmlDocument } from '../../xml/render-xml-document';
import type { ResponseSchema } from './parse-request';
import { MOBILESYNC_RESPONSE_SCHEMA, RESPONSE_NAMESPACE } from './paths';

/** [MS-OXDSCLI] ErrorCode values this service sends, with the message Outlook logs. */
export const AUTODISCOVER_ERRORS = {
  500: 'The e-mail address cannot be found.',
  501: 'No configuration is available for this e-mail address.',
  600: 'Invalid Request',
  601: 'The requested response schema is not available.',
  603: 'The server cannot answer right now; try again later.',
} as const;

export type AutodiscoverErrorCode = keyof typeof AUTODISCOVER_ERRORS;

export interface ErrorRenderContext {
  readonly now: Date;
  /** Unsigned integer naming this server in the client's logs. */
  readonly serverId: number;
}

/**
 * `Autodiscover/Response/Error`, Exchange style. The outlook form keeps `Response` in the root
 * namespace as Exchange does; the mobilesync form puts it in the mobilesync namespace (MS-ASCMD 2.2.3.64).
 */
export function renderAutodiscoverError(
  code: AutodiscoverErrorCode,
  schema: ResponseSchema | null,
  context: ErrorRenderContext,
): string {
  return renderXmlDocument({
    Autodiscover: {
      '@_xmlns': RESPONSE_NAMESPACE,
      Response: {
        '@_xmlns': schema === 'mobilesync' ? MOBILESYNC_RESPONSE_SCHEMA : undefined,
        Error: {
          '@_Time': formatErrorTime(context.now),
          '@_Id': String(context.serverId),
          ErrorCode: code,
          Message: AUTODISCOVER_ERRORS[code],
          DebugData: '',
        },
      },
    },
  });
}

/** `hh:mm:ss.fffffff` in UTC, the form Exchange writes. */
function formatErrorTime(now: Date): string {
  return `${now.toISOString().slice(11, 23)}0000`;
}
