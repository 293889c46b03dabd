import { z } from 'zod';
import { httpsUrl } from './fields';

/** This service as Outlook's Autodiscover sees it (`autodiscover` in the config file). */
export const autodiscoverSchema = z
  .strictObject({
    /** Where Autodiscover v2 (JSON) sends Outlook for the POX answer: this service's public URL. */
    publicUrl: httpsUrl.default('https://autodiscover.mamutmail.com/autodiscover/autodiscover.xml'),
    /** Error `Id` attribute: an unsigned integer naming this server in Outlook's logs. */
    serverId: z.int().min(0).max(4294967295).default(0),
  })
  .prefault({});
