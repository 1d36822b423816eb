/**
 * The member's half of the blind-token protocol (RFC 9474, RSABSSA-SHA384-PSS-Randomized), in a
 * form that can be kept in the browser between the two halves: the prepared messages, their
 * blinding secrets and the blinded messages are plain base64url strings, stored before the
 * blinded messages are sent, so an answer lost on the way (the page left, the network gone) is
 * asked for again with the very same blinded messages and finished later.
 *
 * Loaded only when tokens are made (a dynamic import): no other page carries the blind-RSA code.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { fromBase64Url, toBase64Url, type CriticismToken } from '../../contract/criticism-tokens.js';

const suite = () => RSABSSA.SHA384.PSS.Randomized();

/** One token being made: what stays here (message, blinding secret) and what goes to the server (blinded). */
export interface BlindedItem {
  /** The prepared message (random prefix and random message), base64url. */
  message: string;
  /** The blinding secret that unblinds the server's signature, base64url. */
  inv: string;
  /** The blinded message the server signs without seeing the message, base64url. */
  blinded: string;
}

/** base64url to bytes over a plain ArrayBuffer, as WebCrypto wants them. */
const bytesOf = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(fromBase64Url(text));

export function importVerifyKey(publicKey: string): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('spki', bytesOf(publicKey), { name: 'RSA-PSS', hash: 'SHA-384' }, true, ['verify']);
}

/** Make `n` random messages and blind them under the epoch's key. */
export async function blindMessages(publicKey: string, n: number): Promise<BlindedItem[]> {
  const s = suite();
  const key = await importVerifyKey(publicKey);
  return Promise.all(
    Array.from({ length: n }, async () => {
      const prepared = s.prepare(globalThis.crypto.getRandomValues(new Uint8Array(32)));
      const { blindedMsg, inv } = await s.blind(key, prepared);
      return { message: toBase64Url(prepared), inv: toBase64Url(inv), blinded: toBase64Url(blindedMsg) };
    }),
  );
}

/**
 * Unblind the server's signatures, in the order of `items`, and verify each against the key: a
 * token is usable only once this succeeded (a wrong or marked signature throws here).
 */
export async function finishTokens(
  epoch: string,
  publicKey: string,
  items: readonly BlindedItem[],
  blindSignatures: readonly string[],
): Promise<CriticismToken[]> {
  if (blindSignatures.length !== items.length) throw new Error(`expected ${items.length} blind signatures, got ${blindSignatures.length}`);
  const s = suite();
  const key = await importVerifyKey(publicKey);
  return Promise.all(
    items.map(async (item, i) => {
      const message = bytesOf(item.message);
      const signature = await s.finalize(key, message, bytesOf(blindSignatures[i] ?? ''), bytesOf(item.inv));
      return { epoch, message: item.message, signature: toBase64Url(signature) };
    }),
  );
}

/** Whether a finished token is signed by `publicKey`: a token made under any other key is not spent. */
export async function tokenSignedBy(token: CriticismToken, publicKey: string): Promise<boolean> {
  try {
    return await suite().verify(await importVerifyKey(publicKey), bytesOf(token.signature), bytesOf(token.message));
  } catch {
    return false;
  }
}
