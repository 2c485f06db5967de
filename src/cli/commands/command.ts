import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from '../context';

export type CommandOptions = Record<string, string | boolean | string[] | undefined>;

/** One `celery-lens` command. `run` returns the exit status (0 when omitted). */
export interface CliCommand {
  name: string;
  /** Arguments and options after the command name, for usage text. */
  usage: string;
  summary: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CliContext, positionals: string[], options: CommandOptions): Promise<number | void>;
}

export const DESTINATION_OPTION = { destination: { type: 'string', short: 'd' } } as const;

/** `--destination w1@h,w2@h` → names, or undefined for every worker. */
export function destinationOf(options: CommandOptions): string[] | undefined {
  const text = options.destination;
  if (typeof text !== 'string') return undefined;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length ? names : undefined;
}
