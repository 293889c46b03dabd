import { z } from 'zod';

/** What anonymous answers may reveal (`privacy` in the config file). */
export const privacySchema = z
  .strictObject({
    /** Directory display names are personal data; anonymous answers leave them out unless this is true. */
    revealDisplayNames: z.boolean().default(false),
  })
  .prefault({});
