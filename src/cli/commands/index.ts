import type { CliCommand } from './command';
import { pingCommand } from './ping';
import { inspectCommand, controlCommand } from './remoteMethod';
import { eventsCommand } from './events';
import { queuesCommand } from './queues';
import { peekCommand } from './peek';
import { purgeCommand } from './purge';
import { sendCommand } from './send';
import { resultCommand } from './result';
import { revokeCommand } from './revoke';
import { snapshotCommand } from './snapshot';
import { watchCommand } from './watch';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [
  pingCommand,
  inspectCommand,
  controlCommand,
  eventsCommand,
  watchCommand,
  snapshotCommand,
  queuesCommand,
  peekCommand,
  purgeCommand,
  sendCommand,
  resultCommand,
  revokeCommand,
];

export function findCliCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
