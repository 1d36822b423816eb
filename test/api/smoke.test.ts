import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../_util/stores.js';
import { signUp, startHarness, type Harness } from '../_util/app.js';

describe.each(dialects)('smoke on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => h?.close());

  it('signs up and reads me', async () => {
    const org = await signUp(h.app);
    const me = await org.admin.get('/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().organisation.id).toBe(org.orgId);
  });
});
