import { z } from 'zod';

/** Where the account directory lives (`directory` in the config file). */
export const directorySchema = z
  .strictObject({
    type: z.literal('file', { error: 'must be "file"' }).default('file'),
    /** JSON or YAML account file, relative to the config file. */
    file: z.string().min(1).default('accounts.json'),
  })
  .prefault({});
