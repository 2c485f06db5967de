import * as vscode from 'vscode';
import type { Logger } from '../core/util/logger';
import { redactSecretsInText } from '../core/url/connectionUrl';

/** The "Celery Lens" log channel, as the core's Logger. Every line is redacted once more on the way out. */
export function createLogger(channel: vscode.LogOutputChannel): Logger {
  const clean = (message: string): string => redactSecretsInText(message);
  return {
    trace: (m) => channel.trace(clean(m)),
    debug: (m) => channel.debug(clean(m)),
    info: (m) => channel.info(clean(m)),
    warn: (m) => channel.warn(clean(m)),
    error: (m) => channel.error(clean(m)),
  };
}
