/**
 * Command-line parsing: global options may stand before or after the command; each command declares
 * its own options. Built on node's util.parseArgs so unknown flags are usage errors, not surprises.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The one positional argument a command takes; a usage error saying `need` when there is none or more. */
export function onlyPositional(positionals: string[], need: string): string {
  const [only] = positionals;
  if (!only || positionals.length > 1) throw new UsageError(need);
  return only;
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  broker: { type: 'string' },
  backend: { type: 'string' },
  'management-url': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies OptionSpec;

export interface GlobalOptions {
  broker?: string;
  backend?: string;
  managementUrl?: string;
  timeoutMs?: number;
  json: boolean;
  help: boolean;
  version: boolean;
}

export interface ParsedCommandLine {
  command?: string;
  positionals: string[];
  globals: GlobalOptions;
  /** The command's own options, as parseArgs returns them. */
  options: Record<string, string | boolean | string[] | undefined>;
}

const VALUE_OPTIONS = new Set(Object.entries(GLOBAL_OPTIONS).filter(([, o]) => o.type === 'string').map(([k]) => `--${k}`));

/** The first token that is neither an option nor a global option's value. */
export function findCommand(argv: string[]): { command?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') break;
    if (token.startsWith('-')) {
      if (VALUE_OPTIONS.has(token)) i++;
      continue;
    }
    return { command: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: argv };
}

export function parseCommandLine(argv: string[], commandOptions: (command: string) => OptionSpec | undefined): ParsedCommandLine {
  const { command, rest } = findCommand(argv);
  const own = command ? commandOptions(command) ?? {} : {};
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...own }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const text = String(values.timeout);
    if (!/^\d+$/.test(text) || Number(text) === 0) throw new UsageError(`--timeout takes a positive number of milliseconds, got "${text}"`);
    timeoutMs = Number(text);
  }
  const globals: GlobalOptions = {
    broker: values.broker as string | undefined,
    backend: values.backend as string | undefined,
    managementUrl: values['management-url'] as string | undefined,
    timeoutMs,
    json: values.json === true,
    help: values.help === true,
    version: values.version === true,
  };
  const options: ParsedCommandLine['options'] = {};
  for (const key of Object.keys(own)) options[key] = values[key];
  return { command, positionals: parsed.positionals, globals, options };
}

/** Parse an option holding a number; `what` names it in the error. */
export function numberOption(value: unknown, what: string, { min = 0, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${what} takes ${integer ? 'a whole number' : 'a number'} >= ${min}, got "${String(value)}"`);
  }
  return n;
}

/** Parse an option holding JSON of the given shape. */
export function jsonOption(value: unknown, what: string, shape: 'array' | 'object'): unknown {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  const ok = shape === 'array' ? Array.isArray(parsed) : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  if (!ok) throw new UsageError(`${what} must be a JSON ${shape}, e.g. ${shape === 'array' ? '[1, 2]' : '{"x": 1}'}`);
  return parsed;
}
