import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../contract/criticism-tokens.js';
import { CHAIN_GENESIS, chainEntry, epochKeyContent } from '../../core/criticism.js';
import { blindMessages, finishTokens, tokenSignedBy, type BlindedItem } from './blind.js';
import { fingerprintOf, groupedFingerprint, rsaFactsOf, verifyKey, type PublishedKey } from './keys.js';
import { sha256Hex } from './receipts.js';

const subtle = globalThis.crypto.subtle;

async function rsaKey(modulusLength: number, exponent = [1, 0, 1]): Promise<{ publicKey: string; pair: CryptoKeyPair }> {
  const pair = await subtle.generateKey({ name: 'RSA-PSS', modulusLength, publicExponent: new Uint8Array(exponent), hash: 'SHA-384' }, true, [
    'sign',
    'verify',
  ]);
  return { publicKey: toBase64Url(new Uint8Array(await subtle.exportKey('spki', pair.publicKey))), pair };
}

/** A key's entry as the public chain holds it, hashed as core says. */
async function published(epoch: string, publicKey: string, prevHash = CHAIN_GENESIS, chainPosition = 1): Promise<PublishedKey> {
  const publishedAt = '2026-11-16T00:00:00.000Z';
  const contentHash = await sha256Hex(epochKeyContent({ epoch, publicKey }));
  return {
    epoch,
    publicKey,
    fingerprint: await fingerprintOf(publicKey),
    publishedAt,
    chainPosition,
    prevHash,
    contentHash,
    entryHash: await sha256Hex(chainEntry({ prevHash, contentHash, position: chainPosition, publishedAt })),
  };
}

let key: { publicKey: string; pair: CryptoKeyPair };
let other: { publicKey: string; pair: CryptoKeyPair };
beforeAll(async () => {
  [key, other] = await Promise.all([rsaKey(2048), rsaKey(2048)]);
}, 60_000);

describe('key transparency', () => {
  it('accepts the key published for its epoch', async () => {
    const chain = [await published('2026-W48', key.publicKey)];
    const fingerprint = await fingerprintOf(key.publicKey);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyKey('2026-W48', { publicKey: key.publicKey, fingerprint }, chain)).toEqual({ ok: true, fingerprint });
  });

  it('refuses a key other than the one published for everyone, even a valid one', async () => {
    const chain = [await published('2026-W48', key.publicKey)];
    const given = { publicKey: other.publicKey, fingerprint: await fingerprintOf(other.publicKey) };
    expect(await verifyKey('2026-W48', given, chain)).toMatchObject({ ok: false, reason: 'different' });
    // Published, but for another epoch.
    expect(await verifyKey('2026-W49', { publicKey: key.publicKey, fingerprint: await fingerprintOf(key.publicKey) }, chain)).toMatchObject({
      ok: false,
      reason: 'unpublished',
    });
  });

  it('refuses a stated fingerprint that is not the key’s, and an entry that does not hash to its key', async () => {
    const chain = [await published('2026-W48', key.publicKey)];
    expect(await verifyKey('2026-W48', { publicKey: key.publicKey, fingerprint: await fingerprintOf(other.publicKey) }, chain)).toMatchObject({
      ok: false,
      reason: 'fingerprint',
    });
    const forged = [{ ...chain[0]!, entryHash: 'e'.repeat(64) }];
    expect(await verifyKey('2026-W48', { publicKey: key.publicKey, fingerprint: await fingerprintOf(key.publicKey) }, forged)).toMatchObject({
      ok: false,
      reason: 'chain',
    });
  });

  it('refuses a key under 2048 bits or with another exponent, even when published', async () => {
    const small = await rsaKey(1024);
    const three = await rsaKey(2048, [3]);
    expect(await rsaFactsOf(small.publicKey)).toEqual({ modulusBits: 1024, exponent: 65537 });
    expect(await rsaFactsOf(three.publicKey)).toEqual({ modulusBits: 2048, exponent: 3 });
    for (const k of [small, three]) {
      expect(
        await verifyKey('2026-W48', { publicKey: k.publicKey, fingerprint: await fingerprintOf(k.publicKey) }, [await published('2026-W48', k.publicKey)]),
      ).toMatchObject({ ok: false, reason: 'weak' });
    }
  }, 60_000);

  it('refuses what is not an RSA key', async () => {
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const publicKey = toBase64Url(new Uint8Array(await subtle.exportKey('spki', ec.publicKey)));
    expect(await rsaFactsOf(publicKey)).toBeNull();
    expect(await verifyKey('2026-W48', { publicKey, fingerprint: await fingerprintOf(publicKey) }, [await published('2026-W48', publicKey)])).toMatchObject({
      ok: false,
      reason: 'weak',
    });
  });

  it('groups a fingerprint by four', () => {
    expect(groupedFingerprint('0123456789abcdef')).toBe('0123 4567 89ab cdef');
  });
});

describe('blinding kept across page loads', () => {
  const sign = async (privateKey: CryptoKey, items: readonly BlindedItem[]) =>
    Promise.all(
      items.map(async (i) => toBase64Url(await RSABSSA.SHA384.PSS.Randomized().blindSign(privateKey, fromBase64Url(i.blinded) as Uint8Array<ArrayBuffer>))),
    );

  it('finishes tokens from blinded messages stored as text and read back, signed by the key they were blinded for', async () => {
    const stored = JSON.stringify(await blindMessages(key.publicKey, 2));
    const items = JSON.parse(stored) as BlindedItem[];
    const tokens = await finishTokens('2026-W48', key.publicKey, items, await sign(key.pair.privateKey, items));
    expect(tokens.map((t) => t.message)).toEqual(items.map((i) => i.message));
    for (const t of tokens) {
      expect(await tokenSignedBy(t, key.publicKey)).toBe(true);
      expect(await tokenSignedBy(t, other.publicKey)).toBe(false);
    }
  });

  it('refuses signatures made with another key', async () => {
    // A blinded message is a number below the key's modulus; another key signs it only when it is
    // below that key's modulus too, so draw until it is (about one draw in two).
    let items: BlindedItem[] = [];
    let forged: string[] | null = null;
    for (let draw = 0; draw < 64 && !forged; draw += 1) {
      items = await blindMessages(key.publicKey, 1);
      forged = await sign(other.pair.privateKey, items).catch(() => null);
    }
    expect(forged).not.toBeNull();
    await expect(finishTokens('2026-W48', key.publicKey, items, forged!)).rejects.toThrow();
    await expect(finishTokens('2026-W48', key.publicKey, items, [])).rejects.toThrow(/expected 1/);
  });
});
