// `npm run sim -- --port N --scenario NAME [--progression per-poll|clock] [--polls-per-step N]
//  [--step-ms N] [--nulls] [--verbose]`: runs the simulator until interrupted. Prints one line at start with the URL
// and the tokens/emails to use (made-up simulator tokens, not secrets).
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES, startSimulator, type Progression, type ScenarioName } from './index';

const USAGE =
  'usage: sim [--port N] [--scenario basic|multi|faults|demo|empty] [--progression per-poll|clock] ' +
  '[--polls-per-step N] [--step-ms N] [--nulls] [--arrivals-every MS] [--verbose]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) fail(`--${name} must be an integer >= ${min}`);
  return Number(text);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        scenario: { type: 'string' },
        progression: { type: 'string' },
        'polls-per-step': { type: 'string' },
        'step-ms': { type: 'string' },
        'arrivals-every': { type: 'string' },
        verbose: { type: 'boolean' },
        nulls: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const scenario = (values.scenario ?? 'basic') as ScenarioName;
  if (!SCENARIO_NAMES.includes(scenario))
    fail(`unknown scenario ${scenario}; use one of ${SCENARIO_NAMES.join(', ')}`);
  const progression = values.progression as Progression | undefined;
  if (progression !== undefined && progression !== 'per-poll' && progression !== 'clock') {
    fail('--progression must be per-poll or clock');
  }
  const port = integer(values.port, 'port', 0);
  if (port !== undefined && port > 65_535) fail('--port must be 0-65535');
  const sim = await startSimulator({
    port,
    scenario,
    progression,
    pollsPerStep: integer(values['polls-per-step'], 'polls-per-step', 1),
    stepMs: integer(values['step-ms'], 'step-ms', 1),
    nulls: values.nulls === true,
    ...(values['arrivals-every'] !== undefined
      ? { arrivals: { everyMs: integer(values['arrivals-every'], 'arrivals-every', 1) ?? 0 } }
      : {}),
    onRequest: values.verbose
      ? (r) => process.stderr.write(`${r.method} ${r.path} ${r.status}${r.fault ? ` [${r.fault}]` : ''}\n`)
      : undefined,
  });
  const who = sim.scenario.tokens
    .map(({ token, emails }) => `${token} (${emails.length > 0 ? emails.join(', ') : 'no accounts'})`)
    .join('; ');
  process.stdout.write(`Kling simulator (${scenario}) at ${sim.baseUrl}/v1/kling  tokens: ${who}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
