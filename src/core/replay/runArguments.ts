/**
 * The arguments a replay runs with: those given to the command, else the recovered ones when they
 * are exact, else the recovered draft opened as editable JSON, run only once the user confirms an
 * edit that parses (an invalid one is reported and asked again).
 */
import { argumentsDraft, parseArgumentsDocument, type EditedArguments } from './argumentsDocument';
import { SOURCE_LABELS, type ReplayArguments } from './replayArguments';

export type RunArguments = EditedArguments & { source: string };

export const RUN_EDITED = 'Run with These Arguments';

/** The editor the draft is checked in: opening it, asking to run, reading it back. */
export interface ArgumentsEditor {
  /** Opens an editable JSON document with `text`. */
  open(text: string): Promise<void>;
  /** Asks whether to run; resolves with the chosen button, undefined when dismissed. */
  ask(message: string, run: string): Promise<string | undefined>;
  /** The document's text now. */
  text(): string;
  showError(message: string): void;
}

export function editPrompt(taskId: string, recovered: ReplayArguments): string {
  const why = recovered.source === 'none' ? 'are unknown' : `are only a draft from ${recovered.sourceLabel}`;
  return `The arguments of ${recovered.name ?? taskId} ${why}: check them in the JSON editor, then run.`;
}

/** Opens the prefilled draft and waits for valid JSON and "Run with These Arguments"; undefined when cancelled. */
export async function editArguments(taskId: string, recovered: ReplayArguments, editor: ArgumentsEditor): Promise<EditedArguments | undefined> {
  await editor.open(argumentsDraft(taskId, recovered));
  while (true) {
    if ((await editor.ask(editPrompt(taskId, recovered), RUN_EDITED)) !== RUN_EDITED) return undefined;
    const parsed = parseArgumentsDocument(editor.text());
    if (parsed.ok) return parsed.value;
    editor.showError(`Celery Lens: ${parsed.error}`);
  }
}

/** The arguments to run with and where they came from; undefined when the edit was cancelled. */
export async function chooseRunArguments(
  taskId: string, recovered: ReplayArguments, given: EditedArguments | undefined, editor: ArgumentsEditor,
): Promise<RunArguments | undefined> {
  if (given) return { ...given, source: `${SOURCE_LABELS.edited} (given to the command)` };
  if (recovered.exact) return { args: recovered.args, kwargs: recovered.kwargs, source: recovered.sourceLabel };
  const edited = await editArguments(taskId, recovered, editor);
  return edited && { ...edited, source: `${SOURCE_LABELS.edited} (draft from ${recovered.sourceLabel})` };
}
