// The `kling-archive` command line. `serve` runs the headless server; other commands land with their
// issues and until then say so.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../core/api';
import { checkBetterSqlite3 } from '../core/native/better-sqlite3-check';
import { TokenFileError } from '../core/settings/headless-secrets';
import { SettingsVersionError } from '../core/settings';
import { checkLibraryOnStart } from '../core/api/adapters/library-adapter';
import { createHeadlessApi, defaultConfigDir } from './headless';
import { startServer } from './http';
import { runArchiveCommand } from './commands/archive';
import { DEMO_HELP, prepareDesktopDemo, startDemo } from './commands/demo';
import { runRebuildIndex, runVerify } from './commands/maintenance';
import { runWatchCommand } from './commands/watch';
import type { RunningServer } from './http';

const ARCHIVE_COMMANDS = ['sync', 'history', 'verify', 'rebuild-index'];
const COMMANDS = ['serve', 'demo', 'watch', ...ARCHIVE_COMMANDS];

const SERVE_HELP = `Usage: kling-archive serve [options]
Serves the app on http://127.0.0.1 for a browser on this machine (use an SSH tunnel from elsewhere).
  --port N            port to listen on (default: any free port)
  --library DIR       use this library folder (saved in the settings)
  --config DIR        settings folder (default: $KLING_ARCHIVE_CONFIG_DIR or ~/.config/kling-archive)
  --api-base URL      useapi.net base URL (default: $KLING_ARCHIVE_API_BASE or the settings)
  --token-file FILE   a file holding a useapi.net token, readable by you only (chmod 600)
  --token TOKEN       a token (visible to other users in the process list: prefer the file or $USEAPI_TOKEN)
`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** `--name value` and `--name=value` flags; anything else is an error. */
export function parseFlags(args: string[], known: readonly string[]): Map<string, string> | string {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1] || !known.includes(match[1])) return `unknown option '${arg}'`;
    const value = match[2] ?? args[(i += 1)];
    if (value === undefined) return `--${match[1]} needs a value`;
    flags.set(match[1], value);
  }
  return flags;
}

function packageVersion(): string {
  for (const candidate of ['../../package.json', '../package.json']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

/** The built renderer, from the built CLI (out/node) or from the sources (src/server). */
export function findRendererDir(): string | undefined {
  // Built (out/node/cli.js → out/renderer) or run from source (src/server → out/renderer). A built
  // renderer has its assets/ beside index.html: src/renderer's own index.html is the source, which a
  // browser cannot run.
  return ['../renderer', '../../out/renderer']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((dir) => existsSync(path.join(dir, 'index.html')) && existsSync(path.join(dir, 'assets')));
}

export interface ServeHandle {
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * The --port asked for (0: any free one) once the Node build of better-sqlite3 is known to load;
 * otherwise the exit code, after saying why.
 */
function serverPort(command: string, text: string | undefined, io: Io): { port: number } | number {
  const port = Number(text ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`kling-archive ${command}: --port must be a number from 0 to 65535.\n`);
    return 2;
  }
  const native = checkBetterSqlite3('node');
  if (!native.ok) {
    io.err(`kling-archive ${command}: ${native.message}\n`);
    return 1;
  }
  return { port };
}

/** Starts the headless server; answers the running server, or an exit code after saying why not. */
export async function serve(
  args: string[],
  io: Io = defaultIo,
  env = process.env,
): Promise<ServeHandle | number> {
  const flags = parseFlags(args, ['port', 'library', 'config', 'api-base', 'token', 'token-file', 'help']);
  if (typeof flags === 'string') {
    io.err(`kling-archive serve: ${flags}\n${SERVE_HELP}`);
    return 2;
  }
  const asked = serverPort('serve', flags.get('port'), io);
  if (typeof asked === 'number') return asked;
  const { port } = asked;
  let handle: ReturnType<typeof createHeadlessApi>;
  try {
    handle = createHeadlessApi({
      configDir: flags.get('config') ? path.resolve(flags.get('config')!) : defaultConfigDir(env),
      env,
      libraryFolder: flags.get('library'),
      apiBase: flags.get('api-base'),
      token: flags.get('token'),
      tokenFile: flags.get('token-file'),
      version: packageVersion(),
      log: createLogger((line) => io.err(line)),
      syncEngine: true,
    });
  } catch (error) {
    if (error instanceof TokenFileError || error instanceof SettingsVersionError) {
      io.err(`kling-archive serve: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const { api, engine } = handle;
  // A damaged index is healed (and said so) before anything opens it.
  const healed = await checkLibraryOnStart(api.libraryFolder(), api.log);
  if (healed) api.addNotice(healed);
  try {
    engine?.start();
  } catch (error) {
    // A library another process syncs can still be browsed: say so and serve without syncing.
    io.err(`kling-archive serve: not syncing: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  let server: RunningServer;
  try {
    server = await startServer({ api, port, rendererDir: findRendererDir() });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(`kling-archive serve: cannot listen on 127.0.0.1:${port} (${code ?? String(error)}).\n`);
    await engine?.close();
    await api.close();
    return 1;
  }
  io.out(`Kling Archive is running. Open ${server.url}\n`);
  return {
    server,
    async close() {
      await server.close();
      await engine?.close();
      await api.close();
    },
  };
}

/** Stops on SIGINT/SIGTERM, after closing what `close` closes. */
function untilSignal(close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function runDemo(args: string[], io: Io): Promise<number> {
  const desktop = args.includes('--desktop');
  const flags = parseFlags(
    args.filter((arg) => arg !== '--desktop'),
    ['port', 'help'],
  );
  if (typeof flags === 'string') {
    io.err(`kling-archive demo: ${flags}\n${DEMO_HELP}`);
    return 2;
  }
  if (flags.has('help')) {
    io.out(DEMO_HELP);
    return 0;
  }
  const asked = serverPort('demo', flags.get('port'), io);
  if (typeof asked === 'number') return asked;
  const { port } = asked;
  if (desktop) {
    const { close, ...facts } = await prepareDesktopDemo({ version: packageVersion(), io });
    io.out(`desktop-demo ${JSON.stringify(facts)}\n`);
    await untilSignal(close);
    return 0;
  }
  const demo = await startDemo({ port, version: packageVersion(), rendererDir: findRendererDir(), io });
  io.out(`Kling Archive demo is running. Open ${demo.url}\n`);
  await untilSignal(demo.close);
  return 0;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    io.out(`Usage: kling-archive <command> [options]\nCommands: ${COMMANDS.join(', ')}\n`);
    return command ? 0 : 2;
  }
  if (command === 'serve') {
    if (rest.includes('--help')) {
      io.out(SERVE_HELP);
      return 0;
    }
    const handle = await serve(rest, io);
    if (typeof handle === 'number') return handle;
    await untilSignal(handle.close);
    return 0;
  }
  if (command === 'demo') return runDemo(rest, io);
  if (command === 'sync' || command === 'history') {
    return runArchiveCommand(command, rest, { ...io, isTty: process.stderr.isTTY === true });
  }
  if (command === 'watch') return runWatchCommand(rest, io);
  if (command === 'verify') return runVerify(rest, io);
  if (command === 'rebuild-index') return runRebuildIndex(rest, io);
  io.err(`kling-archive: unknown command '${command}'. Run 'kling-archive --help'.\n`);
  return 2;
}

/** True when this module is the program (directly, or through bin/kling-archive.js), not an import. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    const real = realpathSync(script);
    return real === realpathSync(fileURLToPath(import.meta.url)) || /kling-archive(\.js)?$/.test(real);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`kling-archive: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
