/** The English interface text, so page models find elements by the words a reader sees, kept in step with the catalogue. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../test/_util/server-process.js';

type Tree = { [key: string]: string | Tree };
const en = JSON.parse(fs.readFileSync(path.join(repoRoot, 'src/web/i18n/locales/en.json'), 'utf8')) as Tree;

/** The message at `key` (a plural key falls back to its `_other` form), with `{{name, format}}` filled in plainly. */
export function text(key: string, values: Record<string, string | number> = {}): string {
  const parts = key.split('.');
  const last = parts.pop() ?? '';
  let node: Tree | string | undefined = en;
  for (const p of parts) node = typeof node === 'object' ? node[p] : undefined;
  const message = typeof node === 'object' ? (node[last] ?? node[`${last}_other`]) : undefined;
  if (typeof message !== 'string') throw new Error(`e2e: no message "${key}" in en.json`);
  return message.replace(/\{\{\s*(\w+)\s*(?:,[^}]*)?\}\}/g, (_, name: string) => String(values[name] ?? `{{${name}}}`));
}
