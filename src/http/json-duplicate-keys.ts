// Finds a repeated member name in a JSON text: parsers silently keep the last one, so two readers may disagree.

/**
 * The first member name that appears twice in the same JSON object, or
 * `null` when there is none. Names are compared after unescaping, so
 * `"a"` and `"\u0061"` are the same name. Expects text `JSON.parse` accepted;
 * iterative, so deep nesting cannot overflow the stack.
 */
export function findDuplicateJsonKey(text: string): string | null {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '{') open.push(new Set());
    else if (char === '[') open.push(null);
    else if (char === '}' || char === ']') open.pop();
    else if (char === '"') {
      const end = endOfString(text, index);
      const names = open[open.length - 1];
      if (names && nextNonSpace(text, end + 1) === ':') {
        const name = JSON.parse(text.slice(index, end + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
      }
      index = end;
    }
  }
  return null;
}

/** Index of the quote that closes the string opening at `start`. */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index;
}

function nextNonSpace(text: string, from: number): string | undefined {
  let index = from;
  while (index < text.length && /\s/.test(text[index] ?? '')) index++;
  return text[index];
}
