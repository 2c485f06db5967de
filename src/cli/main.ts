/**
 * The `celery-lens` command line. Exit status: 0 success, 1 an error (one clear line on stderr),
 * 2 wrong usage. Nothing a broker sends can crash it: undecodable input is reported and counted.
 */
import { parseCommandLine, UsageError } from './args';
import { findCliCommand } from './commands/index';
import { CliContext } from './context';
import { createOutput } from './output';
import { commandUsage, usageText } from './usage';
import { redactSecretsInText } from '../core/url/connectionUrl';

declare const CELERY_LENS_VERSION: string | undefined;

function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return redactSecretsInText(message.split('\n')[0] || 'unknown error');
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, (name) => findCliCommand(name)?.options);
  } catch (err) {
    process.stderr.write(`celery-lens: ${errorLine(err)}\n${usageText()}\n`);
    return 2;
  }
  const { command: name, globals } = parsed;
  if (globals.version) {
    process.stdout.write(`${typeof CELERY_LENS_VERSION === 'string' ? CELERY_LENS_VERSION : 'dev'}\n`);
    return 0;
  }
  if (!name) {
    (globals.help ? process.stdout : process.stderr).write(`${usageText()}\n`);
    return globals.help ? 0 : 2;
  }
  const command = findCliCommand(name);
  if (!command) {
    process.stderr.write(`celery-lens: unknown command "${name}"\n${usageText()}\n`);
    return 2;
  }
  if (globals.help) {
    process.stdout.write(`${commandUsage(command)}\n`);
    return 0;
  }
  const ctx = new CliContext(globals, createOutput(globals.json));
  try {
    return (await command.run(ctx, parsed.positionals, parsed.options)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`celery-lens ${name}: ${errorLine(err)}\n${commandUsage(command)}\n`);
      return 2;
    }
    process.stderr.write(`celery-lens ${name}: ${errorLine(err)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  // A stray rejection from a socket must end in one clear line, not a stack trace.
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`celery-lens: ${errorLine(err)}\n`);
    process.exit(1);
  });
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Sockets a library forgot to close must not keep the process alive after the answer.
    setTimeout(() => process.exit(code), 200).unref();
  });
}
