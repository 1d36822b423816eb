/** A member's client side of criticism from below, for tests: fetch blind-signed tokens, spend one. */
import type { FastifyInstance } from 'fastify';
import { requestTokens, type CriticismToken } from '../../src/contract/criticism-tokens.js';
import { Client } from './app.js';

/** Ask for `n` tokens as a logged-in member; returns the unblinded tokens (never seen by the server). */
export async function fetchTokens(member: Client, orgId: string, n: number): Promise<CriticismToken[]> {
  const e = await member.get(`/api/orgs/${orgId}/criticism/epoch`);
  if (e.statusCode !== 200) throw new Error(`epoch: ${e.statusCode} ${e.body}`);
  const { epoch, publicKey } = e.json() as { epoch: string; publicKey: string };
  const req = await requestTokens(epoch, publicKey, n);
  const r = await member.post(`/api/orgs/${orgId}/criticism/tokens`, { epoch, blinded: req.blinded });
  if (r.statusCode !== 200) throw new Error(`tokens: ${r.statusCode} ${r.body}`);
  return req.finish((r.json() as { blindSignatures: string[] }).blindSignatures);
}

export type Target = { kind: 'leadership' } | { kind: 'issue'; issueId: string } | { kind: 'line-version'; lineVersionId: string };

/** Spend a token from a client that has no cookies at all, as the pages do (credentials: 'omit'). */
export async function criticise(app: FastifyInstance, orgId: string, token: CriticismToken, text: string, target: Target = { kind: 'leadership' }, via: Client = new Client(app)) {
  return via.post(`/api/orgs/${orgId}/criticisms`, { token, target, text });
}
