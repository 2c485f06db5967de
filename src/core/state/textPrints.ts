/**
 * Small per-task summaries that let a text filter skip most tasks without reading them:
 * - a 32-bit "print" of the searchable text (args, kwargs, exception): one bit per hashed pair of
 *   adjacent characters, ASCII case folded. A needle's pairs must all be present in any text that
 *   contains it, so `(print & needlePrint) !== needlePrint` rules a task out for sure; a match
 *   still has to be confirmed on the strings (a print can only say "maybe");
 * - the first four characters of the id, case folded, packed in an int, for id-prefix matches.
 * Both live in dense typed arrays next to the index, so a scan of 100k tasks reads 800 KB of
 * integers instead of touching 200k scattered objects.
 */

function fold(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** The pair bits of `text` (0 for texts shorter than two characters). */
export function textPrint(text: string | undefined): number {
  if (text === undefined) return 0;
  let print = 0;
  let previous = text.length ? fold(text.charCodeAt(0)) : 0;
  for (let i = 1; i < text.length; i++) {
    const code = fold(text.charCodeAt(i));
    print |= 1 << ((previous * 31 + code) & 31);
    previous = code;
  }
  return print;
}

/** Up to the first four characters of `id`, case folded, one byte each (0 past the end). */
export function idHead(id: string): number {
  let head = 0;
  for (let i = 0; i < 4; i++) head |= (i < id.length ? fold(id.charCodeAt(i)) & 0xff : 0) << (8 * i);
  return head;
}

/** Mask of the bytes of {@link idHead} that a prefix of `length` characters decides. */
export function idHeadMask(length: number): number {
  return length >= 4 ? -1 : (1 << (8 * length)) - 1;
}
