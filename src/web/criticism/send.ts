/**
 * Spending a token: the criticism goes out without the session (no cookie, no CSRF header), with
 * the oldest token the wallet may spend now (see `spendability` in wallet.ts). Before it goes,
 * the token is checked against the key published for its epoch, asked for without the session
 * too: a token made under a key the organisation did not publish for everyone is not spent.
 *
 * A token the server refuses (spent already on other words, of an epoch that is over, not signed
 * by this organisation's key) is dropped and the next one tried; a token is dropped only once the
 * server has answered, so a retry after a network failure spends the same token, which the server
 * answers with the same receipt.
 */
import { anonymousApi, ApiError, type CriticismReceiptDto, type CriticismSubmitBody } from '../api/client.js';
import { fetchPublishedKeys } from './keys.js';
import { excerptOf, receiptMatches, type KeptReceipt } from './receipts.js';
import { dropToken, nextToken, type KeyValueStore } from './wallet.js';

export interface Sent {
  receipt: CriticismReceiptDto;
  kept: KeptReceipt;
  /** Whether the receipt's hash is the hash of exactly the words and target sent. */
  hashMatches: boolean;
}

/** No token may be spent now. */
export class NoToken extends Error {
  override name = 'NoToken';
}

/** A refusal that is about the token itself, not about the criticism. */
function tokenRefused(e: unknown): boolean {
  return e instanceof ApiError && ((e.status === 409 && e.message.startsWith('token')) || (e.status === 403 && e.message.startsWith('token')));
}

export async function sendCriticism(store: KeyValueStore, orgId: string, target: CriticismSubmitBody['target'], text: string): Promise<Sent> {
  const words = text.trim();
  const published = await fetchPublishedKeys(orgId);
  const { tokenSignedBy } = await import('./blind.js');
  for (;;) {
    const token = nextToken(store, orgId);
    if (!token) throw new NoToken();
    const key = published.find((k) => k.epoch === token.epoch);
    if (!key || !(await tokenSignedBy(token, key.publicKey))) {
      dropToken(store, orgId, token);
      continue;
    }
    let receipt: CriticismReceiptDto;
    try {
      receipt = await anonymousApi.criticise(orgId, { token: { epoch: token.epoch, message: token.message, signature: token.signature }, target, text: words });
    } catch (e) {
      if (!tokenRefused(e)) throw e;
      dropToken(store, orgId, token);
      continue;
    }
    dropToken(store, orgId, token);
    const kind = target.kind;
    const keptTarget: KeptReceipt['target'] = {
      kind,
      id: target.kind === 'issue' ? target.issueId : target.kind === 'line-version' ? target.lineVersionId : null,
    };
    const kept: KeptReceipt = { ...receipt, excerpt: excerptOf(words), target: keptTarget };
    return { receipt, kept, hashMatches: await receiptMatches(receipt, { target: keptTarget, text: words }) };
  }
}
