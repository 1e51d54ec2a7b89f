// The `kling-archive` command line. Commands land with their issues; until then they say so.
const NOT_YET: Record<string, string> = {
  sync: 'the sync engine (issue: sync engine and command line)',
  history: 'the sync engine (issue: sync engine and command line)',
  verify: 'the library (issue: local library)',
  'rebuild-index': 'the library (issue: local library)',
  serve: 'the headless server (issue: app shell)',
  demo: 'demo mode (issue: renderer and demo mode)',
};

export function main(argv: string[]): number {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`Usage: kling-archive <command> [options]\nCommands: ${Object.keys(NOT_YET).join(', ')}\n`);
    return command ? 0 : 2;
  }
  const pending = NOT_YET[command];
  if (pending) {
    process.stderr.write(`kling-archive ${command}: not available yet; it arrives with ${pending}.\n`);
    return 2;
  }
  process.stderr.write(`kling-archive: unknown command '${command}'. Run 'kling-archive --help'.\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
