/**
 * The model's figures made ready when the server starts: each organisation's facts read and its
 * ledger, trails and crossings walked once, so the first member to open the health page after a
 * restart does not wait for the walk of the whole history (seconds on a large organisation).
 * Runs in the background after the server listens, one organisation at a time.
 */
import { forecastOrganisationAt, issueHealthAt, issueQualityAt, organisationHealthAt, qualitativeChanges } from '../../core/index.js';
import { organisations } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { modelSettingsOf } from '../model-settings.js';

export async function warmModel(ctx: AppContext): Promise<number> {
  const orgs = await organisations.listOrganisations(ctx.store.db);
  for (const org of orgs) {
    // Between organisations, requests that arrived meanwhile go first.
    await new Promise((resolve) => setImmediate(resolve));
    const facts = await ctx.facts.of(org.id);
    const settings = modelSettingsOf(org.settings);
    const at = ctx.clock().getTime();
    organisationHealthAt(facts, at, settings);
    forecastOrganisationAt(facts, at, settings);
    for (const issue of facts.issues) {
      if (issue.resolvedAt !== null && issue.resolvedAt <= at) continue;
      issueHealthAt(facts, issue.id, at, settings);
      issueQualityAt(facts, issue.id, at, settings);
    }
    qualitativeChanges(facts, at, settings);
  }
  return orgs.length;
}
