/**
 * The member's half of the blind-token protocol (RFC 9474, RSABSSA-SHA384-PSS-Randomized), run
 * in the member's browser (or any client with WebCrypto): make random messages, blind them for
 * the server to sign without seeing them, unblind the signatures. The finished tokens never
 * travel with a session: they are spent on a route that reads no cookie.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';

const suite = () => RSABSSA.SHA384.PSS.Randomized();
type Suite = ReturnType<typeof suite>;
type Key = Parameters<Suite['blind']>[0];

interface Subtle {
  importKey(format: 'spki', key: Uint8Array, algorithm: { name: string; hash: string }, extractable: boolean, usages: string[]): Promise<Key>;
}
const subtle = (): Subtle => (globalThis as unknown as { crypto: { subtle: Subtle } }).crypto.subtle;
const random = (n: number): Uint8Array =>
  (globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto.getRandomValues(new Uint8Array(n));

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

export function fromBase64Url(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error('not base64url');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** A token ready to spend: its epoch, the prepared message, and the unblinded signature. */
export interface CriticismToken {
  epoch: string;
  message: string;
  signature: string;
}

/** Tokens being asked for: the blinded messages go to the server; the rest stays here. */
export interface TokenRequestState {
  epoch: string;
  blinded: string[];
  finish(blindSignatures: readonly string[]): Promise<CriticismToken[]>;
}

export async function requestTokens(epoch: string, publicKey: string, n: number): Promise<TokenRequestState> {
  const s = suite();
  const key = await subtle().importKey('spki', fromBase64Url(publicKey), { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
  const pending = await Promise.all(
    Array.from({ length: n }, async () => {
      const prepared = s.prepare(random(32));
      const { blindedMsg, inv } = await s.blind(key, prepared);
      return { prepared, blindedMsg, inv };
    }),
  );
  return {
    epoch,
    blinded: pending.map((p) => toBase64Url(p.blindedMsg)),
    async finish(blindSignatures) {
      if (blindSignatures.length !== pending.length) throw new Error(`expected ${pending.length} blind signatures, got ${blindSignatures.length}`);
      return Promise.all(
        pending.map(async (p, i) => {
          // finalize checks the signature against the public key: a wrong or marked signature fails here.
          const sig = await s.finalize(key, p.prepared, fromBase64Url(blindSignatures[i] ?? ''), p.inv);
          return { epoch, message: toBase64Url(p.prepared), signature: toBase64Url(sig) };
        }),
      );
    },
  };
}
