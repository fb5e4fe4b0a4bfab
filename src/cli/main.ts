// `flinks-refresh`: the operator CLI. One line on stderr and a non-zero exit code on any error, never a stack trace.
import { parseArgs } from 'node:util';
import { FlinksRefreshClient, validLoginId } from '../client';
import { type ClientConfig, loadConfig } from '../config';
import { type Command, type CommandContext, commands } from './commands';

export const CLI_NAME = 'flinks-refresh';

/** Exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
}

const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Connected on first use (--help and usage errors need no server).
  const opened: { client: FlinksRefreshClient | null } = { client: null };
  try {
    const { command, rest } = findCommand(argv);
    if (command === null) {
      io.stdout(`${overview()}\n`);
      return rest.length === 0 || rest.includes('--help') || rest.includes('-h') ? EXIT.ok : usage(io);
    }
    const { positionals, values } = parse(command, rest);
    if (values.help) {
      io.stdout(`${help(command)}\n`);
      return EXIT.ok;
    }
    if (positionals.length !== command.positionals.length) {
      const expected = command.positionals.map((p) => `<${p}>`).join(' ') || 'no arguments';
      throw new UsageError(`${command.name} takes ${expected}, got ${positionals.length} argument(s)`);
    }
    // A wrong loginId is said before any connection is attempted.
    command.positionals.forEach((name, i) => name === 'loginId' && validLoginId(positionals[i]));
    let config: ClientConfig | null = null;
    const ctx: CommandContext = {
      config: () => (config ??= loadConfig(io.env, { requireFlinks: false })),
      client: async () => (opened.client ??= await FlinksRefreshClient.fromConfig(ctx.config())),
    };
    const output = await command.run(ctx, { positionals, values });
    io.stdout(`${values.json ? JSON.stringify(output.json, null, 2) : output.human}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    io.stderr(`${CLI_NAME}: ${oneLine(error)}\n`);
    return EXIT.failed;
  } finally {
    await opened.client?.close().catch(() => undefined);
  }
}

function findCommand(argv: readonly string[]): { command: Command | null; rest: string[] } {
  const words = argv.filter((a) => !a.startsWith('-'));
  for (const take of [2, 1]) {
    const name = words.slice(0, take).join(' ');
    const command = commands.find((c) => c.name === name);
    if (command) {
      const rest = [...argv];
      for (const word of name.split(' ')) rest.splice(rest.indexOf(word), 1);
      return { command, rest };
    }
  }
  if (words.length > 0) {
    const group = commands.filter((c) => c.name.startsWith(`${words[0]} `));
    if (group.length > 0)
      throw new UsageError(`${words[0]} needs one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`);
    throw new UsageError(`unknown command '${words[0]}'`);
  }
  return { command: null, rest: [...argv] };
}

function parse(command: Command, args: string[]) {
  try {
    const { positionals, values } = parseArgs({
      args,
      options: { ...command.options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as Record<string, string | boolean | undefined> };
  } catch (error) {
    // node:util's messages are one line and name the option; the hint after them is node's own, not ours.
    throw new UsageError(`${command.name}: ${oneLine(error).replace(/\. To specify a positional.*$/, '')}`);
  }
}

function usage(io: CliIo, message = 'unknown arguments'): number {
  io.stderr(`${CLI_NAME}: ${message} (see ${CLI_NAME} --help)\n`);
  return EXIT.usage;
}

function help(command: Command): string {
  return [
    `Usage: ${CLI_NAME} ${command.usage} [--json]`,
    '',
    command.summary + '.',
    ...(command.details ? ['', command.details] : []),
    '',
    'Options: --json prints JSON for scripts; -h, --help prints this.',
    'Configuration: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, FLINKS_TASK_QUEUE, TEMPORAL_API_KEY, TEMPORAL_TLS_*.',
  ].join('\n');
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${CLI_NAME} <command> [options] [--json]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run '${CLI_NAME} <command> --help' for a command's options.`,
  ].join('\n');
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'failed';
}

/** The bin's entry point. */
export function run(): void {
  main(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${CLI_NAME}: ${oneLine(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}

if (require.main === module) run();
