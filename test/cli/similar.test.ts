/** `massline similar PATH TEXT --json` on the built binary. */
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readPolisConversation } from '../../src/cli/polis/format.js';
import { repoRoot } from '../_util/server-process.js';

const folder = path.resolve(repoRoot, '../shared/data/polis/15-per-hour-seattle');
const massline = path.join(repoRoot, 'bin/massline');

describe('massline similar', () => {
  it('prints the 5 closest shown statements of a Pol.is folder, best first, with their text and score', () => {
    const out = JSON.parse(
      execFileSync(process.execPath, [massline, 'similar', folder, 'small buisnesses will have to close', '--json'], { encoding: 'utf8' }),
    ) as {
      matches: { id: string; statement: string; score: number }[];
    };
    const shown = new Map(
      readPolisConversation(folder)
        .comments.filter((c) => c.moderated !== -1)
        .map((c) => [c.id, c.body]),
    );
    expect(out.matches).toHaveLength(5);
    for (const m of out.matches) {
      expect(m.statement).toBe(shown.get(m.id));
      expect(m.score).toBeGreaterThan(0);
      expect(m.score).toBeLessThanOrEqual(1);
    }
    for (let i = 1; i < out.matches.length; i++) expect(out.matches[i - 1]!.score).toBeGreaterThanOrEqual(out.matches[i]!.score);
    expect(out.matches[0]!.statement).toBe('This will cause small businesses to go out of business.');
  });

  it('says what is wrong with a path that is no Pol.is folder, exit 2', () => {
    const r = spawnSync(process.execPath, [massline, 'similar', path.join(repoRoot, 'no-such-folder'), 'rent', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^massline: .*no-such-folder: not a folder/);
    expect(r.stdout).toBe('');
  });
});
