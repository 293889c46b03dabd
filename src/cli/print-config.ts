import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import { redactConfig } from '../config/redact-config';

const USAGE = `Usage:
  npm run config:print
  CONFIG_FILE=config/production.yaml REDIS_URL=redis://10.0.0.5:6379 npm run config:print
Prints the configuration the service would run with, as JSON: the config file (CONFIG_FILE, default
config/default.json) with every default filled in, the environment variables applied and the defaults
that depend on other settings resolved. Tokens and passwords are shown as "***".
Exit codes: 0 printed, 1 invalid configuration (the problems start-up would report), 2 usage.`;

type Outcome = { readonly code: 0 | 1 | 2; readonly message: string };

function run(args: string[], env: NodeJS.ProcessEnv): Outcome {
  try {
    const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) return { code: 0, message: USAGE };
  } catch (error) {
    return { code: 2, message: `config:print: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}` };
  }
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    return {
      code: 1,
      message: `config:print: the configuration is invalid; fix these:\n${loaded.error.map((line) => `  - ${line}`).join('\n')}`,
    };
  }
  return { code: 0, message: JSON.stringify(redactConfig(loaded.value.config), null, 2) };
}

const outcome = run(process.argv.slice(2), process.env);
(outcome.code === 0 ? process.stdout : process.stderr).write(`${outcome.message}\n`);
process.exitCode = outcome.code;
