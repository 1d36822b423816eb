/**
 * Who may call each route: the authorization matrix's expectation, written by hand from what
 * the product means each route for (README, docs/MODEL.md, the route summaries). Deliberately
 * NOT derived from src/server/policies.ts: the matrix compares the running app against this
 * table, so a route added or changed without a decision here fails the test, and a change of
 * policy must be made twice, on purpose.
 *
 * Keys are as Fastify registers routes ("METHOD /path/:param"); a GET row covers its HEAD too.
 */

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

export const expectedAccess: Readonly<Record<string, ExpectedAccess>> = {
  // Sessions: anyone may found an organisation, log in, or end whatever session they hold.
  'POST /api/auth/signup': { may: everyone, why: 'anyone may found an organisation and become its first admin' },
  'POST /api/auth/login': { may: everyone, why: 'the login form is for people without a session' },
  'POST /api/auth/logout': { may: everyone, why: 'ending a session needs no rights; without one it does nothing' },
  'GET /api/me': { may: members, why: 'who the session belongs to: needs a session' },

  // The organisation and its people.
  'GET /api/orgs/:orgId': { may: members, why: "a member sees their organisation's name, policy and settings" },
  'PATCH /api/orgs/:orgId': { may: admins, why: 'renaming, moderation policy and model settings are the admins’ decision' },
  'GET /api/orgs/:orgId/members': { may: organisers, why: 'the member list is for organisers, not for every member' },
  'PATCH /api/orgs/:orgId/members/:memberId': { may: admins, why: 'roles and constituencies are given by admins' },
  'POST /api/orgs/:orgId/invites': { may: organisers, reveals: ['token'], why: 'organisers bring members in; the link’s token is shown once, to its maker' },
  'GET /api/orgs/:orgId/invites': { may: organisers, why: 'open invites are the organisers’ business' },
  'DELETE /api/orgs/:orgId/invites/:inviteId': { may: organisers, why: 'organisers withdraw the links they handed out' },
  'GET /api/invites/:token': { may: everyone, why: 'the holder of a link sees where it leads before joining: the token is the capability' },
  'POST /api/invites/:token/accept': { may: everyone, why: 'joining through a link needs only the link' },

  // Gather: issues, statements, votes.
  'GET /api/orgs/:orgId/issues': { may: members, why: 'every member sees the open questions' },
  'POST /api/orgs/:orgId/issues': { may: organisers, why: 'organisers open an issue for consultation' },
  'GET /api/orgs/:orgId/issues/:issueId': { may: members, why: 'every member reads an issue and its statements' },
  'POST /api/orgs/:orgId/issues/:issueId/cycle/advance': { may: organisers, why: 'organisers move the cycle on' },
  'POST /api/orgs/:orgId/issues/:issueId/statements': { may: members, why: 'members add their ideas (organisers too, as seeds)' },
  'PATCH /api/orgs/:orgId/statements/:statementId': { may: organisers, why: 'organisers moderate' },
  'PUT /api/orgs/:orgId/statements/:statementId/vote': { may: members, why: 'every member votes' },
  'GET /api/orgs/:orgId/issues/:issueId/analysis': { may: members, why: 'the opinion map is shown to the members it was made from' },
  'GET /api/orgs/:orgId/issues/:issueId/next-statement': { may: members, why: 'the next statement for me to vote on' },
  'GET /api/orgs/:orgId/issues/:issueId/similar': { may: members, why: 'while typing, a member sees the closest statements, to vote on one instead of adding a duplicate' },
  'POST /api/orgs/:orgId/statements/:statementId/merge': { may: organisers, why: 'organisers merge a duplicate into another statement' },
  'GET /api/orgs/:orgId/issues/:issueId/themes': { may: members, why: 'the themes of what the members said are shown to them' },

  // Concentrate and propagate: the line.
  'GET /api/orgs/:orgId/issues/:issueId/line': { may: members, why: 'the line and its history are public to the members (drafts only to organisers)' },
  'POST /api/orgs/:orgId/issues/:issueId/line/drafts': { may: organisers, why: 'organisers draft the line' },
  'PUT /api/orgs/:orgId/line-versions/:versionId': { may: organisers, why: 'organisers rework their drafts' },
  'POST /api/orgs/:orgId/line-versions/:versionId/publish': { may: organisers, why: 'organisers publish the line to the members' },
  'PUT /api/orgs/:orgId/line-versions/:versionId/endorsement': { may: members, why: 'every member embraces, critiques or amends the line' },
  'GET /api/orgs/:orgId/line-versions/:versionId/embrace': { may: members, why: 'how far the line is embraced is told to everyone it asks' },

  // Test: practice.
  'POST /api/orgs/:orgId/issues/:issueId/actions': { may: organisers, why: 'organisers call the actions that test the line' },
  'GET /api/orgs/:orgId/issues/:issueId/actions': { may: members, why: 'members see the actions they are called to' },
  'PUT /api/orgs/:orgId/actions/:actionId/participation': { may: members, why: 'a member takes part in an action' },
  'DELETE /api/orgs/:orgId/actions/:actionId/participation': { may: members, why: 'and may stop taking part' },
  'POST /api/orgs/:orgId/issues/:issueId/reports': { may: members, why: 'every member reports what practice showed' },
  'GET /api/orgs/:orgId/issues/:issueId/reports': { may: members, why: 'reports are shared with the members' },

  // The principal contradiction and the model's figures.
  'PUT /api/orgs/:orgId/issues/:issueId/importance': { may: members, why: 'a member marks an issue that matters to them' },
  'DELETE /api/orgs/:orgId/issues/:issueId/importance': { may: members, why: 'and takes the mark back' },
  'POST /api/orgs/:orgId/issues/:issueId/blocks': { may: organisers, why: 'organisers record which issue must be resolved first' },
  'DELETE /api/orgs/:orgId/issues/:issueId/blocks/:blockedId': { may: organisers, why: 'and take the mark back' },
  'GET /api/orgs/:orgId/issues/:issueId/marks': { may: members, why: "a member sees their own mark and the blocking marks around an issue" },
  'POST /api/orgs/:orgId/issues/:issueId/resolve': { may: organisers, why: 'organisers resolve an issue and open its successors' },
  'GET /api/orgs/:orgId/health': { may: members, why: 'line health is shown to the members' },
  'GET /api/orgs/:orgId/issues/:issueId/health/trail': { may: members, why: "an issue's health over time" },
  'GET /api/orgs/:orgId/issues/:issueId/health/what-if': { may: members, why: 'projected health is a member-facing figure' },
  'GET /api/orgs/:orgId/changes': { may: members, why: 'qualitative changes are told to the members' },
  'GET /api/orgs/:orgId/principal-contradiction': { may: members, why: 'the ranking of issues, with reasons, is public to the members' },
  'GET /api/orgs/:orgId/issues/:issueId/united-front': { may: members, why: 'the bloc around the line is public to the members' },
  'GET /api/orgs/:orgId/me/what-became-of-my-input': { may: members, why: "a member's own loop: what became of their statements and reports" },

  // Criticism from below: tokens are issued to members; spending one needs nothing but the token.
  'GET /api/orgs/:orgId/criticism/epoch': { may: members, why: "a member's client fetches this epoch's signing key and what is left of the quota" },
  'POST /api/orgs/:orgId/criticism/tokens': { may: members, why: 'every member is issued blind-signed tokens within the quota' },
  'POST /api/orgs/:orgId/criticisms': {
    may: everyone,
    readsNoCookie: true,
    reveals: ['contentHash'],
    why: 'criticism is spent with a token alone, by nobody known; the receipt is the author’s to keep',
  },
  'GET /api/orgs/:orgId/criticisms/:criticismId/receipt': {
    may: everyone,
    readsNoCookie: true,
    reveals: ['contentHash', 'entryHash'],
    why: 'whoever holds a receipt checks it without saying who they are',
  },
  'GET /api/orgs/:orgId/criticism/keys': {
    may: everyone,
    readsNoCookie: true,
    reveals: ['prevHash', 'contentHash', 'entryHash'],
    why: 'each epoch key as published in the public chain: a member checks the key they were given without saying who they are',
  },
  'GET /api/orgs/:orgId/criticisms': { may: members, reveals: ['contentHash', 'prevHash', 'entryHash'], why: 'published criticism, its seconds and answers are public to the members' },
  'PUT /api/orgs/:orgId/criticisms/:criticismId/second': { may: members, why: 'every member may second a criticism' },
  'DELETE /api/orgs/:orgId/criticisms/:criticismId/second': { may: members, why: 'and withdraw the second' },
  'POST /api/orgs/:orgId/criticisms/:criticismId/answers': { may: organisers, why: 'the leadership answers criticism in public, under its name' },

  // Live updates: what changed in the organisation, as far as the reader may see it.
  'GET /api/orgs/:orgId/live': { may: members, why: "a member's open pages are told what changed in their organisation (organisers also of statements awaiting moderation)" },

  // Not the organisation's: the API's description, the health probe, the pages.
  'GET /api/openapi.json': { may: everyone, reveals: ['*'], why: 'the API describes itself to anyone (its keys name fields, they hold none)' },
  'GET /api/health': { may: everyone, why: 'a probe for the operator' },
  'GET /assets/*': { may: everyone, why: 'the pages’ scripts and styles' },
  'GET /*': { may: everyone, why: 'the pages themselves (the login and join pages among them)' },
};
