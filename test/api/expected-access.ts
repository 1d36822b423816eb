/**
 * Who may call each route: the authorization matrix's expectation, written by hand from what
 * the product means each route for (README, docs/MODEL.md, the route summaries). Deliberately
 * NOT derived from src/server/policies.ts: the matrix compares the running app against this
 * table, so a route added or changed without a decision here fails the test, and a change of
 * policy must be made twice, on purpose.
 *
 * Keys are the route table's names (src/contract/route-table.ts: method and path, not its policy);
 * a GET row covers its HEAD too.
 */
import { routeKey } from '../_util/routes.js';
import type { RouteName } from '../../src/contract/route-table.js';

/** Who calls: nobody known, someone holding an invite link who has not joined, or a member of a role. */
export type Principal = 'anonymous' | 'invitee' | 'member' | 'organiser' | 'admin';
export const principals: readonly Principal[] = ['anonymous', 'invitee', 'member', 'organiser', 'admin'];

export interface ExpectedAccess {
  /** Who may call it (in their own organisation, where the route names one). */
  readonly may: readonly Principal[];
  /**
   * Response fields allowed here that are refused everywhere else (a secret handed out once, on
   * purpose; the public hashes of the criticism chain); '*' for a document that describes fields.
   */
  readonly reveals?: readonly string[];
  /** The route reads no session cookie and sets none: criticism from below is spent here. */
  readonly readsNoCookie?: boolean;
  /** Why, in the product's words. */
  readonly why: string;
}

const everyone: readonly Principal[] = principals;
const members: readonly Principal[] = ['member', 'organiser', 'admin'];
const organisers: readonly Principal[] = ['organiser', 'admin'];
const admins: readonly Principal[] = ['admin'];

// The theme summary is registered only with a model endpoint configured: the matrix's app has none.
const byRoute: Readonly<Record<Exclude<RouteName, 'themeSummary'>, ExpectedAccess>> = {
  // Sessions: anyone may found an organisation, log in, or end whatever session they hold.
  signup: { may: everyone, why: 'anyone may found an organisation and become its first admin' },
  login: { may: everyone, why: 'the login form is for people without a session' },
  logout: { may: everyone, why: 'ending a session needs no rights; without one it does nothing' },
  me: { may: members, why: 'who the session belongs to: needs a session' },

  // The organisation and its people.
  organisation: { may: members, why: "a member sees their organisation's name, policy and settings" },
  updateOrganisation: { may: admins, why: 'renaming, moderation policy and model settings are the admins’ decision' },
  members: { may: organisers, why: 'the member list is for organisers, not for every member' },
  updateMember: { may: admins, why: 'roles and constituencies are given by admins' },
  createInvite: { may: organisers, reveals: ['token'], why: 'organisers bring members in; the link’s token is shown once, to its maker' },
  invites: { may: organisers, why: 'open invites are the organisers’ business' },
  revokeInvite: { may: organisers, why: 'organisers withdraw the links they handed out' },
  invitePreview: { may: everyone, why: 'the holder of a link sees where it leads before joining: the token is the capability' },
  acceptInvite: { may: everyone, why: 'joining through a link needs only the link' },

  // Gather: issues, statements, votes.
  issues: { may: members, why: 'every member sees the open questions' },
  createIssue: { may: organisers, why: 'organisers open an issue for consultation' },
  issue: { may: members, why: 'every member reads an issue and its statements' },
  advanceCycle: { may: organisers, why: 'organisers move the cycle on' },
  submitStatement: { may: members, why: 'members add their ideas (organisers too, as seeds)' },
  moderate: { may: organisers, why: 'organisers moderate' },
  vote: { may: members, why: 'every member votes' },
  analysis: { may: members, why: 'the opinion map is shown to the members it was made from' },
  nextStatement: { may: members, why: 'the next statement for me to vote on' },
  similar: { may: members, why: 'while typing, a member sees the closest statements, to vote on one instead of adding a duplicate' },
  merge: { may: organisers, why: 'organisers merge a duplicate into another statement' },
  themes: { may: members, why: 'the themes of what the members said are shown to them' },

  // Concentrate and propagate: the line.
  line: { may: members, why: 'the line and its history are public to the members (drafts only to organisers)' },
  createDraft: { may: organisers, why: 'organisers draft the line' },
  updateDraft: { may: organisers, why: 'organisers rework their drafts' },
  publish: { may: organisers, why: 'organisers publish the line to the members' },
  endorse: { may: members, why: 'every member embraces, critiques or amends the line' },
  embrace: { may: members, why: 'how far the line is embraced is told to everyone it asks' },

  // Test: practice.
  createAction: { may: organisers, why: 'organisers call the actions that test the line' },
  actions: { may: members, why: 'members see the actions they are called to' },
  joinAction: { may: members, why: 'a member takes part in an action' },
  leaveAction: { may: members, why: 'and may stop taking part' },
  fileReport: { may: members, why: 'every member reports what practice showed' },
  reports: { may: members, why: 'reports are shared with the members' },

  // The principal contradiction and the model's figures.
  markImportant: { may: members, why: 'a member marks an issue that matters to them' },
  unmarkImportant: { may: members, why: 'and takes the mark back' },
  markBlocks: { may: organisers, why: 'organisers record which issue must be resolved first' },
  unmarkBlocks: { may: organisers, why: 'and take the mark back' },
  marks: { may: members, why: 'a member sees their own mark and the blocking marks around an issue' },
  resolve: { may: organisers, why: 'organisers resolve an issue and open its successors' },
  health: { may: members, why: 'line health is shown to the members' },
  healthTrail: { may: members, why: "an issue's health over time" },
  whatIf: { may: members, why: 'projected health is a member-facing figure' },
  changes: { may: members, why: 'qualitative changes are told to the members' },
  principal: { may: members, why: 'the ranking of issues, with reasons, is public to the members' },
  unitedFront: { may: members, why: 'the bloc around the line is public to the members' },
  myInput: { may: members, why: "a member's own loop: what became of their statements and reports" },

  // Criticism from below: tokens are issued to members; spending one needs nothing but the token.
  criticismEpoch: { may: members, why: "a member's client fetches this epoch's signing key and what is left of the quota" },
  criticismTokens: { may: members, why: 'every member is issued blind-signed tokens within the quota' },
  criticise: {
    may: everyone,
    readsNoCookie: true,
    reveals: ['contentHash'],
    why: 'criticism is spent with a token alone, by nobody known; the receipt is the author’s to keep',
  },
  receipt: {
    may: everyone,
    readsNoCookie: true,
    reveals: ['contentHash', 'entryHash'],
    why: 'whoever holds a receipt checks it without saying who they are',
  },
  criticismKeys: {
    may: everyone,
    readsNoCookie: true,
    reveals: ['prevHash', 'contentHash', 'entryHash'],
    why: 'each epoch key as published in the public chain: a member checks the key they were given without saying who they are',
  },
  criticisms: {
    may: members,
    reveals: ['contentHash', 'prevHash', 'entryHash'],
    why: 'published criticism, its seconds and answers are public to the members',
  },
  second: { may: members, why: 'every member may second a criticism' },
  unsecond: { may: members, why: 'and withdraw the second' },
  answerCriticism: { may: organisers, why: 'the leadership answers criticism in public, under its name' },

  // Live updates: what changed in the organisation, as far as the reader may see it.
  live: { may: members, why: "a member's open pages are told what changed in their organisation (organisers also of statements awaiting moderation)" },

  // Not the organisation's: the API's description, the health probe, the pages.
  openapi: { may: everyone, reveals: ['*'], why: 'the API describes itself to anyone (its keys name fields, they hold none)' },
  serverHealth: { may: everyone, why: 'a probe for the operator' },
  assets: { may: everyone, why: 'the pages’ scripts and styles' },
  page: { may: everyone, why: 'the pages themselves (the login and join pages among them)' },
};

/** The expectation keyed as Fastify registers a route ("METHOD /path/:param"), the table's address of each route. */
export const expectedAccess: Readonly<Record<string, ExpectedAccess>> = Object.fromEntries(
  (Object.keys(byRoute) as (keyof typeof byRoute)[]).map((name) => [routeKey(name), byRoute[name]]),
);
