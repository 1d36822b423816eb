/** A member's client side of criticism from below, for tests: fetch blind-signed tokens, spend one. */
import type { FastifyInstance } from 'fastify';
import { requestTokens, type CriticismToken } from '../../src/contract/criticism-tokens.js';
import { Client } from './app.js';
import { pathOf, routeTable } from './routes.js';

export interface EpochKeyAnswer {
  epoch: string;
  publicKey: string;
  fingerprint: string;
  issuedToMe: number;
  spendableFrom: string;
  spendableUntil: string;
}

/** The current epoch's key from an answer of `GET …/criticism/epoch` (the first of its two). */
export function currentKey(answer: unknown): EpochKeyAnswer {
  const key = (answer as { epochs: EpochKeyAnswer[] }).epochs[0];
  if (!key) throw new Error(`criticism/epoch: no current epoch in ${JSON.stringify(answer)}`);
  return key;
}

/** Ask for `n` tokens as a logged-in member; returns the unblinded tokens (never seen by the server). */
export async function fetchTokens(member: Client, orgId: string, n: number): Promise<CriticismToken[]> {
  const e = await member.get(pathOf(routeTable.criticismEpoch, { orgId }));
  if (e.statusCode !== 200) throw new Error(`epoch: ${e.statusCode} ${e.body}`);
  const { epoch, publicKey } = currentKey(e.json());
  const req = await requestTokens(epoch, publicKey, n);
  const r = await member.post(pathOf(routeTable.criticismTokens, { orgId }), { epoch, blinded: req.blinded });
  if (r.statusCode !== 200) throw new Error(`tokens: ${r.statusCode} ${r.body}`);
  return req.finish((r.json() as { blindSignatures: string[] }).blindSignatures);
}

export type Target = { kind: 'leadership' } | { kind: 'issue'; issueId: string } | { kind: 'line-version'; lineVersionId: string };

/** Spend a token from a client that has no cookies at all, as the pages do (credentials: 'omit'). */
export async function criticise(
  app: FastifyInstance,
  orgId: string,
  token: CriticismToken,
  text: string,
  target: Target = { kind: 'leadership' },
  via: Client = new Client(app),
) {
  return via.post(pathOf(routeTable.criticise, { orgId }), { token, target, text });
}
