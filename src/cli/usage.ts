import { COMMANDS } from './commands/index';
import type { CliCommand } from './commands/command';

export function usageText(): string {
  const lines = [
    'usage: celery-lens [global options] <command> [args]',
    '',
    'Global options:',
    '  --broker URL          broker (default $CELERY_BROKER_URL, then amqp://guest:guest@localhost:5672//)',
    '  --backend URL         Redis result backend (default $CELERY_RESULT_BACKEND)',
    '  --management-url URL  RabbitMQ management API, e.g. http://guest:guest@localhost:15672',
    '  --timeout MS          how long to wait for workers to reply (default 1000) and for the broker',
    '  --json                machine-readable output',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`),
    '',
    "Run 'celery-lens <command> --help' for a command's arguments.",
    'Exit status: 0 success, 1 error, 2 wrong usage.',
  ];
  return lines.join('\n');
}

export function commandUsage(command: CliCommand): string {
  return `usage: celery-lens ${command.name} ${command.usage}\n\n${command.summary}`;
}
