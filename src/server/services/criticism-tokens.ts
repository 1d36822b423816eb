/**
 * The server's half of RFC 9474 (RSABSSA-SHA384-PSS-Randomized): per organisation and epoch an
 * RSA-2048 key; the server signs blinded messages it cannot read, and later verifies the
 * unblinded signature as an ordinary RSASSA-PSS signature (SHA-384, 48-byte salt) without being
 * able to tell which signing it came from. The member's half (prepare, blind, finalize) runs in
 * their browser (src/web/criticism/tokens.ts).
 */
import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, publicEncrypt, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { DomainError } from '../../core/index.js';

const MODULUS_BITS = 2048;
const MODULUS_BYTES = MODULUS_BITS / 8;
const SALT_BYTES = 48;

export interface EncodedKeyPair {
  publicKey: string;
  privateKey: string;
}

export async function generateEpochKey(): Promise<EncodedKeyPair> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: MODULUS_BITS, publicExponent: 0x10001 });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64url'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64url'),
  };
}

const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function publicKeyOf(encoded: string): KeyObject {
  let k = publicKeys.get(encoded);
  if (!k) publicKeys.set(encoded, (k = createPublicKey({ key: Buffer.from(encoded, 'base64url'), format: 'der', type: 'spki' })));
  return k;
}

function privateKeyOf(encoded: string): KeyObject {
  let k = privateKeys.get(encoded);
  if (!k) privateKeys.set(encoded, (k = createPrivateKey({ key: Buffer.from(encoded, 'base64url'), format: 'der', type: 'pkcs8' })));
  return k;
}

/**
 * BlindSign of RFC 9474 §4.2: s = m^d mod n for each blinded message m < n, each result checked
 * (s^e mod n = m) before it leaves, so a faulty computation never reveals the key.
 */
export function blindSign(key: EncodedKeyPair, blinded: readonly string[]): string[] {
  const priv = privateKeyOf(key.privateKey);
  const pub = publicKeyOf(key.publicKey);
  return blinded.map((b64, i) => {
    const m = Buffer.from(b64, 'base64url');
    if (m.length !== MODULUS_BYTES)
      throw new DomainError('bad_request', `blinded.${i}: must be ${MODULUS_BYTES} bytes (the key's modulus length), got ${m.length}`);
    let s: Buffer;
    try {
      s = privateDecrypt({ key: priv, padding: constants.RSA_NO_PADDING }, m);
    } catch {
      throw new DomainError('bad_request', `blinded.${i}: must be a number below the key's modulus`);
    }
    const back = publicEncrypt({ key: pub, padding: constants.RSA_NO_PADDING }, s);
    if (!back.equals(m)) throw new Error('blind signature failed its own check');
    return s.toString('base64url');
  });
}

/** Verify a spent token: an RSASSA-PSS (SHA-384) signature on the prepared message. */
export function tokenIsValid(publicKey: string, message: string, signature: string): boolean {
  const sig = Buffer.from(signature, 'base64url');
  if (sig.length !== MODULUS_BYTES) return false;
  try {
    return verify(
      'sha384',
      Buffer.from(message, 'base64url'),
      { key: publicKeyOf(publicKey), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT_BYTES },
      sig,
    );
  } catch {
    return false;
  }
}

/** What the spent-token table keeps of a token: a hash of its message, never the message. */
export function spentTokenHash(message: string): string {
  return createHash('sha256').update(Buffer.from(message, 'base64url')).digest('hex');
}
