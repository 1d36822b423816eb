/**
 * Each route of the table (`route-table.ts`) with its schemas: params, query, headers, body and
 * responses by status, and the OpenAPI tags and summary. The server registers every route from
 * here; the pages import these types only (`RouteBody`, `RouteAnswer`), never the schemas.
 */
import { z } from 'zod';
import { AnalysisResponse } from './analysis.js';
import { LoginBody, Me, SignupBody } from './auth.js';
import { ErrorBody, IssueParams, OrgParams, StatementParams } from './common.js';
import {
  CriticismAnswer,
  CriticismAnswerCreate,
  CriticismEpoch,
  CriticismKeys,
  CriticismList,
  CriticismParams,
  CriticismReceipt,
  CriticismReceiptStatus,
  CriticismSubmit,
  SecondResult,
  TokenRequest,
  TokenResponse,
} from './criticism.js';
import {
  CycleAdvance,
  CycleAdvanced,
  IssueCreate,
  IssueDetail,
  IssueDetailQuery,
  IssueList,
  IssueSummary,
  NextStatement,
  Statement,
  StatementCreate,
  StatementModerate,
  VoteBody,
  VoteHeaders,
  VoteResult,
} from './issues.js';
import {
  Action,
  ActionCreate,
  ActionList,
  ActionParams,
  BlockBody,
  DraftBody,
  Endorsement,
  EndorsementBody,
  LineHistory,
  LineVersion,
  Participation,
  Report,
  ReportCreate,
  ReportList,
  VersionParams,
} from './lines.js';
import {
  AtQuery,
  BlockParams,
  ChangeList,
  EmbraceView,
  HealthReport,
  HealthTrail,
  IssueMarks,
  MemberLoop,
  PrincipalContradiction,
  ResolveBody,
  Resolved,
  UnitedFront,
  WhatIf,
  WhatIfQuery,
} from './model.js';
import {
  InviteAccept,
  InviteCreate,
  InviteCreated,
  InviteList,
  InviteParams,
  InvitePreview,
  InviteToken,
  Member,
  MemberList,
  MemberListQuery,
  MemberParams,
  MemberPatch,
  Organisation,
  OrganisationPatch,
} from './organisations.js';
import { routeTable, type RouteAddress, type RouteName } from './route-table.js';
import { MergeBody, MergeResult, SimilarQuery, SimilarStatements, ThemeParams, ThemeSummary, Themes } from './text.js';

/** A route's schemas, as Fastify's schema option takes them (`hide`: left out of the OpenAPI document). */
export interface RouteSchemas {
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly hide?: true;
  readonly params?: z.ZodType;
  readonly querystring?: z.ZodType;
  readonly headers?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response?: Readonly<Record<number, z.ZodType>>;
}

const schemas = {
  signup: { tags: ['auth'], summary: 'Found an organisation and become its first admin', body: SignupBody, response: { 201: Me, 409: ErrorBody } },
  login: { tags: ['auth'], summary: 'Log in as an organiser or admin', body: LoginBody, response: { 200: Me, 401: ErrorBody } },
  logout: { tags: ['auth'], summary: 'End the session (both its cookies go too)', response: { 204: z.null() } },
  me: { tags: ['auth'], summary: 'Who the session belongs to', response: { 200: Me } },
  organisation: { tags: ['organisations'], params: OrgParams, response: { 200: Organisation, 404: ErrorBody } },
  updateOrganisation: { tags: ['organisations'], params: OrgParams, body: OrganisationPatch, response: { 200: Organisation } },
  members: { tags: ['members'], params: OrgParams, querystring: MemberListQuery, response: { 200: MemberList } },
  updateMember: { tags: ['members'], params: MemberParams, body: MemberPatch, response: { 200: Member, 404: ErrorBody } },
  createInvite: { tags: ['invites'], params: OrgParams, body: InviteCreate, response: { 201: InviteCreated, 403: ErrorBody } },
  invites: { tags: ['invites'], params: OrgParams, response: { 200: InviteList } },
  revokeInvite: { tags: ['invites'], params: InviteParams, response: { 204: z.null(), 404: ErrorBody } },
  invitePreview: { tags: ['invites'], summary: 'What an invite link leads to', params: InviteToken, response: { 200: InvitePreview, 404: ErrorBody } },
  acceptInvite: {
    tags: ['invites'],
    summary: 'Join through an invite link',
    params: InviteToken,
    body: InviteAccept,
    response: { 201: Me, 404: ErrorBody, 410: ErrorBody },
  },
  issues: { tags: ['issues'], params: OrgParams, response: { 200: IssueList } },
  createIssue: { tags: ['issues'], params: OrgParams, body: IssueCreate, response: { 201: IssueSummary } },
  issue: {
    tags: ['issues'],
    summary: 'An issue with its statements and vote counts',
    params: IssueParams,
    querystring: IssueDetailQuery,
    response: { 200: IssueDetail, 404: ErrorBody },
  },
  advanceCycle: {
    tags: ['cycles'],
    summary: 'Move the current cycle to its next phase (after test, a new cycle starts at gather)',
    params: IssueParams,
    body: CycleAdvance,
    response: { 200: CycleAdvanced, 409: ErrorBody },
  },
  submitStatement: { tags: ['statements'], params: IssueParams, body: StatementCreate, response: { 201: Statement, 404: ErrorBody } },
  moderate: {
    tags: ['statements'],
    summary: 'Moderate a statement',
    params: StatementParams,
    body: StatementModerate,
    response: { 200: Statement, 404: ErrorBody },
  },
  vote: {
    tags: ['votes'],
    summary: 'Cast or change my vote: 1 agree, -1 disagree, 0 pass. Idempotent; send an Idempotency-Key to make retries exact.',
    params: StatementParams,
    headers: VoteHeaders,
    body: VoteBody,
    response: { 200: VoteResult, 404: ErrorBody, 409: ErrorBody },
  },
  analysis: {
    tags: ['analysis'],
    summary: "The issue's latest analysis: opinion map, groups, representative, consensus and divisive statements",
    params: IssueParams,
    response: { 200: AnalysisResponse, 404: ErrorBody },
  },
  nextStatement: { tags: ['votes'], summary: 'The next statement for me to vote on', params: IssueParams, response: { 200: NextStatement, 404: ErrorBody } },
  similar: {
    tags: ['statements'],
    summary: 'The statements of the issue closest to a text being typed, with my vote on each: vote on one instead of adding a duplicate',
    params: IssueParams,
    querystring: SimilarQuery,
    response: { 200: SimilarStatements, 404: ErrorBody },
  },
  merge: {
    tags: ['statements'],
    summary:
      'Merge a duplicate into another statement of the same issue: its voters’ votes are carried over (the log keeps every vote), it leaves the lists and the analysis',
    params: StatementParams,
    body: MergeBody,
    response: { 200: MergeResult, 404: ErrorBody, 409: ErrorBody },
  },
  themes: {
    tags: ['analysis'],
    summary:
      "The issue's statements and reports grouped into named themes: each with how every opinion group votes on its statements and the claims of the line citing it",
    params: IssueParams,
    response: { 200: Themes, 404: ErrorBody },
  },
  themeSummary: {
    tags: ['analysis'],
    summary:
      "A theme summed up by the organisation's model endpoint: each sentence cites the statements and reports it rests on; a sentence citing nothing is dropped",
    params: ThemeParams,
    response: { 200: ThemeSummary, 404: ErrorBody, 502: ErrorBody },
  },
  endorse: {
    tags: ['lines'],
    summary: 'Embrace, critique or propose an amendment to a published line version',
    params: VersionParams,
    body: EndorsementBody,
    response: { 200: Endorsement, 404: ErrorBody, 409: ErrorBody },
  },
  createAction: {
    tags: ['practice'],
    summary: 'An action that puts the line into practice',
    params: IssueParams,
    body: ActionCreate,
    response: { 201: Action, 404: ErrorBody, 409: ErrorBody },
  },
  actions: { tags: ['practice'], params: IssueParams, response: { 200: ActionList } },
  joinAction: { tags: ['practice'], summary: 'Take part in an action', params: ActionParams, response: { 200: Participation, 404: ErrorBody } },
  leaveAction: { tags: ['practice'], summary: 'No longer take part in an action', params: ActionParams, response: { 200: Participation, 404: ErrorBody } },
  fileReport: {
    tags: ['practice'],
    summary: 'Report what was done, what happened, and the verdict on the claim it tests',
    params: IssueParams,
    body: ReportCreate,
    response: { 201: Report, 404: ErrorBody },
  },
  reports: { tags: ['practice'], params: IssueParams, response: { 200: ReportList } },
  markImportant: { tags: ['principal contradiction'], summary: 'Mark this issue as one that matters to me', params: IssueParams, response: { 204: z.null() } },
  unmarkImportant: { tags: ['principal contradiction'], summary: 'Take back my mark', params: IssueParams, response: { 204: z.null() } },
  markBlocks: {
    tags: ['principal contradiction'],
    summary: 'Mark that this issue must be resolved before another',
    params: IssueParams,
    body: BlockBody,
    response: { 204: z.null(), 404: ErrorBody, 409: ErrorBody },
  },
  unmarkBlocks: {
    tags: ['principal contradiction'],
    summary: 'Take back the mark that this issue must be resolved before another',
    params: BlockParams,
    response: { 204: z.null(), 404: ErrorBody },
  },
  marks: {
    tags: ['principal contradiction'],
    summary: 'Whether I marked this issue important, how many did, and which issues it must be resolved before or after',
    params: IssueParams,
    response: { 200: IssueMarks, 404: ErrorBody },
  },
  line: {
    tags: ['lines'],
    summary: "The line's history: every version with its claims, what they cite, the diff and the public marks",
    params: IssueParams,
    response: { 200: LineHistory, 404: ErrorBody },
  },
  createDraft: {
    tags: ['lines'],
    summary: 'Draft a new version of the line: claims citing the input they concentrate',
    params: IssueParams,
    body: DraftBody,
    response: { 201: LineVersion, 404: ErrorBody },
  },
  updateDraft: {
    tags: ['lines'],
    summary: "Replace a draft's claims",
    params: VersionParams,
    body: DraftBody,
    response: { 200: LineVersion, 404: ErrorBody, 409: ErrorBody },
  },
  publish: {
    tags: ['lines'],
    summary:
      'Publish a draft to the members: the cycle moves from concentrate to propagate. Needs an analysis of this cycle that includes votes cast since the previous version was published (no concentration without practice).',
    params: VersionParams,
    response: { 200: LineVersion, 404: ErrorBody, 409: ErrorBody },
  },
  health: {
    tags: ['health'],
    summary: 'Line health of the organisation and of each open issue at a date: ℓ, π, character, quality, forecast (MODEL.md §3)',
    params: OrgParams,
    querystring: AtQuery,
    response: { 200: HealthReport },
  },
  healthTrail: {
    tags: ['health'],
    summary: "The issue's dot over time on the health plane: a point a day (its last) and every change of character",
    params: IssueParams,
    querystring: AtQuery,
    response: { 200: HealthTrail, 404: ErrorBody },
  },
  whatIf: {
    tags: ['health'],
    summary: 'Projected trail if the organisation consults every N weeks with M members',
    params: IssueParams,
    querystring: WhatIfQuery,
    response: { 200: WhatIf, 404: ErrorBody },
  },
  changes: {
    tags: ['health'],
    summary: 'Qualitative changes (MODEL.md §4), oldest first',
    params: OrgParams,
    querystring: AtQuery,
    response: { 200: ChangeList },
  },
  principal: {
    tags: ['principal contradiction'],
    summary: 'Open issues ranked, with reasons (MODEL.md §6)',
    params: OrgParams,
    querystring: AtQuery,
    response: { 200: PrincipalContradiction },
  },
  unitedFront: {
    tags: ['principal contradiction'],
    summary: 'The bloc around the line, what is set aside, mass and wavering constituencies',
    params: IssueParams,
    querystring: AtQuery,
    response: { 200: UnitedFront, 404: ErrorBody },
  },
  embrace: {
    tags: ['lines'],
    summary: 'Embrace rate overall, per opinion group and per constituency, against the targets',
    params: VersionParams,
    querystring: AtQuery,
    response: { 200: EmbraceView, 404: ErrorBody },
  },
  myInput: {
    tags: ['members'],
    summary: 'Which claims cite my statements, which reports tested them, what became of my reports',
    params: OrgParams,
    response: { 200: MemberLoop },
  },
  resolve: {
    tags: ['issues'],
    summary: 'Resolve an issue and open its successors, the new contradictions it leaves (lineage)',
    params: IssueParams,
    body: ResolveBody,
    response: { 200: Resolved, 404: ErrorBody, 409: ErrorBody },
  },
  criticismEpoch: {
    tags: ['criticism'],
    summary: "This epoch's blind-signing key and what is left of my token quota",
    params: OrgParams,
    response: { 200: CriticismEpoch },
  },
  criticismTokens: {
    tags: ['criticism'],
    summary: 'Blind-sign tokens for criticism within the epoch quota (every member is issued them, so asking reveals nothing)',
    params: OrgParams,
    body: TokenRequest,
    response: { 200: TokenResponse, 409: ErrorBody, 429: ErrorBody },
  },
  criticise: {
    tags: ['criticism'],
    summary: 'Criticise, anonymously: spend a token. This route reads no cookie and logs nothing',
    params: OrgParams,
    body: CriticismSubmit,
    response: { 201: CriticismReceipt, 200: CriticismReceipt, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
  },
  receipt: {
    tags: ['criticism'],
    summary: 'Check a receipt: is my criticism published, unaltered, in the chain? Reads no cookie',
    params: CriticismParams,
    response: { 200: CriticismReceiptStatus, 404: ErrorBody },
  },
  criticismKeys: {
    tags: ['criticism'],
    summary:
      "The organisation's epoch keys as published in its public chain, newest first: a member's client checks the key it was given against them. Reads no cookie",
    params: OrgParams,
    response: { 200: CriticismKeys, 404: ErrorBody },
  },
  criticisms: {
    tags: ['criticism'],
    summary: 'Published criticism with seconds and answers; the bureaucracy figure; tokens issued per epoch',
    params: OrgParams,
    response: { 200: CriticismList },
  },
  second: {
    tags: ['criticism'],
    summary: 'Second a criticism (seconds are counted in public; who seconded is not shown)',
    params: CriticismParams,
    response: { 200: SecondResult, 404: ErrorBody },
  },
  unsecond: { tags: ['criticism'], summary: 'Withdraw my second', params: CriticismParams, response: { 200: SecondResult, 404: ErrorBody } },
  answerCriticism: {
    tags: ['criticism'],
    summary: 'Answer a criticism in public, under your name',
    params: CriticismParams,
    body: CriticismAnswerCreate,
    response: { 201: CriticismAnswer, 404: ErrorBody },
  },
  live: {
    tags: ['live'],
    summary:
      "Live updates of my organisation, as Server-Sent Events (text/event-stream): each event names what changed (a statement, an issue's votes, an analysis, a phase, a published line); load it again",
    params: OrgParams,
  },
  openapi: { hide: true },
  serverHealth: { hide: true },
  assets: { hide: true },
  page: { hide: true },
} as const satisfies Record<RouteName, RouteSchemas>;

type Schemas = typeof schemas;
/** One route: its address and policy from the table, and its schemas. */
export type Route<K extends RouteName = RouteName> = (typeof routeTable)[K] & Schemas[K];

/** Every route, by name: the table's row beside its schemas. */
export const routes = Object.fromEntries((Object.keys(routeTable) as RouteName[]).map((name) => [name, { ...routeTable[name], ...schemas[name] }])) as {
  readonly [K in RouteName]: Route<K>;
};

/** The body a route takes (its schema's input: defaults may be left out). */
export type RouteBody<K extends RouteName> = Schemas[K] extends { readonly body: z.ZodType } ? z.input<Schemas[K]['body']> : undefined;
/** The query a route takes. */
export type RouteQuery<K extends RouteName> = Schemas[K] extends { readonly querystring: z.ZodType } ? z.input<Schemas[K]['querystring']> : undefined;
/** What a route answers on success (the lowest 2xx status's schema output; a 204's null as undefined). */
export type RouteAnswer<K extends RouteName> = Schemas[K] extends { readonly response: infer R }
  ? 200 extends keyof R
    ? R[200] extends z.ZodType
      ? z.output<R[200]>
      : never
    : 201 extends keyof R
      ? R[201] extends z.ZodType
        ? z.output<R[201]>
        : never
      : undefined
  : unknown;

export type { RouteAddress };
