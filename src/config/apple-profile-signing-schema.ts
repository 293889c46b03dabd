import { z } from 'zod';

const RECHECK_ERROR = 'must be a whole number of seconds from 0 (check on every download) to 86400';

/**
 * Signing Apple profiles (`appleProfileSigning` in the config file): null (the default) serves them
 * unsigned. The files are PEM, relative to the config file, checked at start-up (compose.ts) and
 * re-read when they change (profile-signer.ts), so an ACME renewal needs no restart.
 */
export const appleProfileSigningSchema = z
  .strictObject({
    /** The signing certificate first; a full chain may follow it (an ACME fullchain.pem). */
    certFile: z.string().min(1, { error: 'must name the PEM certificate file, e.g. "fullchain.pem"' }),
    /** Its RSA private key, unencrypted. */
    keyFile: z.string().min(1, { error: 'must name the PEM RSA private key file, e.g. "privkey.pem"' }),
    /** Intermediates, issuer of the certificate first; null when certFile holds the chain already. */
    chainFile: z
      .string()
      .min(1, { error: 'must name the PEM file of intermediate certificates, e.g. "chain.pem", or be null' })
      .nullable()
      .default(null),
    /** How often, at most, a download looks whether the files changed. */
    recheckSeconds: z
      .int({ error: RECHECK_ERROR })
      .min(0, { error: RECHECK_ERROR })
      .max(86_400, { error: RECHECK_ERROR })
      .default(60),
  })
  .nullable()
  .default(null);
