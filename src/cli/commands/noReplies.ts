import { CeleryLensError } from '../../core/util/errors';

/** The error every remote-control command raises when no worker answered in time. */
export function noRepliesError(timeoutMs: number, destination?: string[]): CeleryLensError {
  const who = destination ? ` (asked ${destination.join(', ')})` : '';
  return new CeleryLensError(`no workers replied within ${timeoutMs} ms${who}; are workers running against this broker?`, 'NO_REPLY');
}
