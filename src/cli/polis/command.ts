/** `massline import-polis DIR`: a Pol.is export folder as a new issue, all or nothing. */
import cliProgress from 'cli-progress';
import { Slug } from '../../contract/index.js';
import { inTransaction, newToken, organisations } from '../../store/index.js';
import type { AppContext } from '../../server/index.js';
import { createOrganisation } from '../operator.js';
import { PolisFormatError, readPolisConversation, type PolisConversation } from './format.js';
import { checkImportable, importPolis, type ImportResult } from './transfer.js';

export interface ImportPolisOptions {
  /** The organisation's slug; absent: a new organisation named after the conversation. */
  org?: string;
}

/**
 * Read and check the whole export before the database is opened (`withContext` opens it), then
 * import in one transaction with the organisation it goes into: a refusal or a failure leaves
 * the database as it was, with no organisation made for nothing.
 */
export async function importPolisCommand(
  dir: string,
  opts: ImportPolisOptions,
  withContext: <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>,
): Promise<{ slug: string; result: ImportResult }> {
  let slug: string | undefined;
  if (opts.org !== undefined) {
    const parsed = Slug.safeParse(opts.org);
    if (!parsed.success) throw new PolisFormatError(`--org: ${parsed.error.issues[0]?.message ?? 'not a slug'}`);
    slug = parsed.data;
  }
  const conversation = checked(dir);
  return withContext(async (ctx) => {
    const at = ctx.clock().toISOString();
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    try {
      return await inTransaction(ctx.store.db, async (trx) => {
        const org = slug
          ? await organisations.findOrganisationBySlug(trx, slug)
          : await createOrganisation(trx, {
              name: conversation.summary.topic.trim().slice(0, 120) || 'Imported conversation',
              slug: `import-${newToken()
                .slice(0, 10)
                .toLowerCase()
                .replace(/[^a-z0-9]/g, 'x')}`,
              moderation: 'strict',
              at,
            });
        if (!org) throw new PolisFormatError(`--org: no organisation "${slug}"`);
        bar?.start(conversation.comments.length + conversation.votes.length, 0);
        const result = await importPolis(trx, conversation, { orgId: org.id, actorId: null, at, onProgress: (done) => bar?.update(done) });
        return { slug: org.slug, result };
      });
    } finally {
      bar?.stop();
    }
  });
}

/** The export read and checked whole; a refusal names the folder too. */
function checked(dir: string): PolisConversation {
  try {
    const conversation = readPolisConversation(dir);
    checkImportable(conversation);
    return conversation;
  } catch (e) {
    if (e instanceof PolisFormatError && !e.message.startsWith(dir)) throw new PolisFormatError(`${dir}: ${e.message}; nothing was imported`);
    throw e;
  }
}
