import { z } from 'zod';
import type { EnvironmentBinding } from './environment-binding';

/** Logging (`log` in the config file). */
export const logSchema = z
  .strictObject({
    /** pino level; env LOG_LEVEL overrides. `silent` turns logging off. */
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .prefault({});

export const logEnvironment: readonly EnvironmentBinding[] = [{ variable: 'LOG_LEVEL', path: ['log', 'level'] }];
