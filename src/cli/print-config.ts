import { loadConfig } from '../config/load';
import { redactConfig } from '../config/redact-config';
import { isOutcome, parseCommandLine, type CliCommand } from './command-line';
import { listProblems } from './outcome';

const USAGE = `Usage: mail-autodiscover config print
  mail-autodiscover config print
  CONFIG_FILE=config/production.yaml REDIS_URL=redis://10.0.0.5:6379 mail-autodiscover config print
  (from a checkout: npm run config:print)
Prints the configuration the service would run with, as JSON: the config file (CONFIG_FILE, default
config/default.json) with every default filled in, the environment variables applied and the defaults
that depend on other settings resolved. Tokens and passwords are shown as "***".
Options: -h/--help.
Exit codes: 0 printed, 1 invalid configuration (the problems start-up would report), 2 usage.`;

export const printConfigCommand: CliCommand = {
  name: 'config print',
  summary: 'the effective configuration as JSON, secrets redacted',
  usage: USAGE,
  run(args, env) {
    const parsed = parseCommandLine(this, args, {}, { min: 0, max: 0, what: 'no arguments' });
    if (isOutcome(parsed)) return Promise.resolve(parsed);
    const loaded = loadConfig(env);
    if (!loaded.ok) return Promise.resolve(listProblems(this.name, 'the configuration is invalid', loaded.error));
    return Promise.resolve({ code: 0, message: JSON.stringify(redactConfig(loaded.value.config), null, 2) });
  },
};
