import { describe, expect, it } from 'vitest';
import { argon2PasswordHasher } from './passwords.js';

describe('argon2PasswordHasher', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const h = argon2PasswordHasher();
    const hash = await h.hash('correct horse battery');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await h.verify(hash, 'correct horse battery')).toBe(true);
    expect(await h.verify(hash, 'wrong')).toBe(false);
    expect(await h.verify('not a hash', 'x')).toBe(false);
  });
});
