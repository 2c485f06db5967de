import type { CeleryEvent } from '../../../src/core/celery/types';

/** An event without its undefined fields: events rebuilt from columns carry every column. */
export function definedFields(event: CeleryEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
}
