/** `massline analyze PATH --json` on the built binary: a Pol.is folder, and the same votes as a CSV. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readPolisConversation } from '../../src/cli/polis/format.js';
import { repoRoot } from '../_util/server-process.js';

const folder = path.resolve(repoRoot, '../shared/data/polis/15-per-hour-seattle');
const analyze = (p: string) => JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'analyze', p, '--json'], { encoding: 'utf8' }));

describe('massline analyze', () => {
  it('prints the groups, consensus and representative statements of a Pol.is folder, and the same for its votes as CSV', () => {
    const out = analyze(folder);
    const conversation = readPolisConversation(folder);
    const voters = new Set(conversation.votes.map((v) => v.voterId));
    expect(out.participants).toBe(voters.size);
    expect(out.votes).toBe(new Set(conversation.votes.map((v) => `${v.voterId}/${v.commentId}`)).size);
    expect(out.groups.length).toBeGreaterThanOrEqual(2);
    for (const g of out.groups) for (const m of g.members) expect(voters.has(m)).toBe(true);
    const commentIds = new Set(conversation.comments.map((c) => c.id));
    for (const s of [...out.consensus, ...out.representative]) expect(commentIds.has(s)).toBe(true);
    expect(out.computeSeconds).toBeGreaterThan(0);

    const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'massline-analyze-')), 'votes.csv');
    const hidden = new Set(conversation.comments.filter((c) => c.moderated === -1).map((c) => c.id));
    fs.writeFileSync(
      csv,
      ['participant,statement,vote', ...conversation.votes.filter((v) => !hidden.has(v.commentId)).map((v) => `${v.voterId},${v.commentId},${v.vote}`)].join(
        '\n',
      ),
    );
    expect(analyze(csv).groups).toEqual(out.groups);
  });

  it('names what is wrong with a CSV', () => {
    const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'massline-analyze-')), 'bad.csv');
    fs.writeFileSync(csv, 'who,what\n1,2\n');
    expect(() => execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'analyze', csv, '--json'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(
      /participant,statement,vote/,
    );
  });
});
