// The message shapes of Gemini Live as the `@google/genai` package declares them: its type
// definitions (dist/genai.d.ts) read for `export declare interface|class NAME { field?: Type; }`,
// and a check that a message uses only declared fields, with values of the declared kinds (an
// interface: an object checked the same way; `X[]`: an array; string, number, boolean; an enum: a
// string). Types the reader does not follow (aliases, unions) are accepted as they are.
import { readFileSync } from 'node:fs';

const DTS = new URL('../../node_modules/@google/genai/dist/genai.d.ts', import.meta.url);

interface Declared {
  interfaces: Map<string, Map<string, string>>;
  enums: Set<string>;
}

let declared: Declared | undefined;

/** The interfaces (field -> type text) and enums the package declares. */
export function genaiDeclarations(): Declared {
  if (declared !== undefined) return declared;
  const text = readFileSync(DTS, 'utf8').replace(/\r\n/g, '\n');
  const interfaces = new Map<string, Map<string, string>>();
  for (const match of text.matchAll(/^export declare (?:interface|class) (\w+)(?:<[^>]*>)? (?:extends [\w, <>]+ )?\{\n([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, string>();
    for (const field of match[2]!.matchAll(/^ {4}(?:readonly )?(\w+)\??: ([^;]+);$/gm)) fields.set(field[1]!, field[2]!.trim());
    interfaces.set(match[1]!, fields);
  }
  const enums = new Set([...text.matchAll(/^export declare enum (\w+)/gm)].map((m) => m[1]!));
  declared = { interfaces, enums };
  return declared;
}

/** The fields `@google/genai` declares for `name` (throws if it declares no such interface). */
export function genaiFields(name: string): string[] {
  const fields = genaiDeclarations().interfaces.get(name);
  if (fields === undefined) throw new Error(`@google/genai declares no interface ${name}`);
  return [...fields.keys()];
}

/** Where `value` departs from the declared type `type` (empty when it conforms). */
export function genaiViolations(value: unknown, type: string, path = '$'): string[] {
  const { interfaces, enums } = genaiDeclarations();
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return [`${path}: expected an array (${type})`];
    return value.flatMap((item, i) => genaiViolations(item, type.slice(0, -2), `${path}[${i}]`));
  }
  if (type === 'string' || enums.has(type)) return typeof value === 'string' ? [] : [`${path}: expected a string (${type})`];
  if (type === 'number' || type === 'boolean') return typeof value === type ? [] : [`${path}: expected a ${type}`];
  const fields = interfaces.get(type);
  if (fields === undefined) return []; // an alias or union the reader does not follow
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object (${type})`];
  const out: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const fieldType = fields.get(key);
    if (fieldType === undefined) out.push(`${path}.${key}: not a field of ${type}`);
    else out.push(...genaiViolations(item, fieldType, `${path}.${key}`));
  }
  return out;
}
