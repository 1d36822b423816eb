/**
 * The organisation on whose behalf the current work runs: the second line of organisation
 * scoping. The repositories filter every query by organisation (the first line); on PostgreSQL
 * each connection the work takes from the pool also carries the organisation in the setting
 * `massline.org_id`, and the row-level security policies of migration 0008-row-security hide and
 * refuse every other organisation's rows (dialect/postgres.ts). SQLite has no row-level security:
 * there the scope changes nothing.
 *
 * The scope follows the work through its asynchronous continuations (AsyncLocalStorage), so a
 * repository function needs no extra argument. The storage is module-level on purpose: a scope
 * belongs to the work, not to a store, and holds no state of its own.
 *
 * Work outside any scope, or in a scope whose organisation is not (yet) known, sees every
 * organisation's rows: migrations, the command line, jobs, the session lookup before the
 * organisation is known, the vote writer's batches (several organisations in one transaction),
 * backups.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface OrganisationScope {
  /** Null until the organisation is known (a request before its session is resolved). */
  orgId: string | null;
}

const scopes = new AsyncLocalStorage<OrganisationScope>();

/**
 * Run `work` in a scope of its own: of `orgId`, or, with null, of an organisation still to be
 * known (`narrowToOrganisation` sets it; a request's scope is entered when it arrives).
 */
export function withOrganisationScope<T>(orgId: string | null, work: () => T): T {
  return scopes.run({ orgId }, work);
}

/**
 * From now on, the current scope is the organisation's (a request whose session and path were
 * checked). Outside a scope nothing changes; a scope never moves to another organisation.
 */
export function narrowToOrganisation(orgId: string): void {
  const scope = scopes.getStore();
  if (!scope || scope.orgId === orgId) return;
  if (scope.orgId !== null) throw new Error(`organisation scope: work scoped to one organisation cannot move to another`);
  scope.orgId = orgId;
}

/** Run `work` outside any scope: work for several organisations at once (the vote writer's batches). */
export function outsideOrganisationScope<T>(work: () => T): T {
  return scopes.exit(work);
}

/** The organisation the current work is scoped to, or null (no scope, or not yet known). */
export function scopedOrganisation(): string | null {
  return scopes.getStore()?.orgId ?? null;
}
