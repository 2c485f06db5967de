/**
 * Reading Celery signatures out of message embeds (untrusted JSON): `{task, args, kwargs, options:
 * {task_id, ...}, subtask_type, immutable}`. Canvas primitives nest: `celery.chain` and
 * `celery.group` carry their steps in `kwargs.tasks`, `celery.chord` its `kwargs.header` and
 * `kwargs.body`.
 */

/** One signature as the builder needs it. */
export interface SignatureRef {
  readonly name: string;
  /** Set when the signature was frozen (chain steps and chord bodies are). */
  readonly taskId?: string;
  /** `group`, `chain`, `chord`, or undefined for a plain task. */
  readonly canvas?: 'group' | 'chain' | 'chord';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function signatureRef(value: unknown): SignatureRef | undefined {
  if (!isRecord(value) || typeof value.task !== 'string') return undefined;
  const options = isRecord(value.options) ? value.options : {};
  const taskId = typeof options.task_id === 'string' && options.task_id ? options.task_id : undefined;
  const canvas = value.task === 'celery.group' ? 'group' : value.task === 'celery.chain' ? 'chain' : value.task === 'celery.chord' ? 'chord' : undefined;
  return { name: value.task, taskId, canvas };
}

/** The signatures of a list embed (`callbacks`, `errbacks`, `chain`), skipping anything unreadable. */
export function signatureList(value: unknown): SignatureRef[] {
  if (!Array.isArray(value)) return [];
  const refs: SignatureRef[] = [];
  for (const item of value.slice(0, 1000)) {
    const ref = signatureRef(item);
    if (ref) refs.push(ref);
  }
  return refs;
}
