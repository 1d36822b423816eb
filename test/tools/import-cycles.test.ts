import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, '../../tools/import-cycles.mjs');

/** The check over `dir`: its exit code and what it printed. */
async function check(dir: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [script, dir]);
    return { code: 0, out: stdout };
  } catch (e) {
    const failed = e as { code: number; stdout: string };
    return { code: failed.code, out: failed.stdout };
  }
}

describe('the import-circle check (npm run cycles)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-cycles-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };

  it('finds a circle through a type-only import and an index, and names its files', async () => {
    write('circle/a.ts', "import type { B } from './b.js';\nexport type A = B;\n");
    write('circle/b.ts', "import { c } from './c/index.js';\nexport type B = string;\nexport const b = c;\n");
    write('circle/c/index.ts', "import type { A } from '../a.js';\nexport const c: A | null = null;\n");
    write('circle/d.ts', "import { b } from './b.js';\nexport const d = b;\n");
    const { code, out } = await check(path.join(root, 'circle'));
    expect(code).toBe(1);
    expect(out).toMatch(/import circle: .*circle\/a\.ts ↔ .*circle\/b\.ts ↔ .*circle\/c\/index\.ts\n/);
    expect(out).not.toContain('d.ts');
    expect(out).toContain('4 files, 1 import circle');
  });

  it('passes a tree whose imports only go one way', async () => {
    write('line/a.ts', "import { b } from './b.js';\nexport const a = b;\n");
    write('line/b.tsx', "import fs from 'node:fs';\nexport const b = fs.existsSync('.');\n");
    expect(await check(path.join(root, 'line'))).toEqual({ code: 0, out: '2 files, 0 import circles\n' });
  });

  it('finds none in src/', async () => {
    const { code, out } = await check(path.resolve(import.meta.dirname, '../../src'));
    expect(out).toMatch(/ 0 import circles\n$/);
    expect(code).toBe(0);
  });
});
