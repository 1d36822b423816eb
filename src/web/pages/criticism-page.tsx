import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ApiError, type CriticismDto, type CriticismListDto, type CriticismSubmitBody, type MeDto } from '../api/client.js';
import { asApiError, useSubmission } from '../api/use-submission.js';
import { useResource, type Resource } from '../api/use-resource.js';
import { currentVersion } from '../components/claims.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { Empty, ErrorNotice, Loaded, Loading, Success } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import { mondayOfEpoch } from '../criticism/epoch.js';
import { groupedFingerprint } from '../criticism/keys.js';
import { OUTBOX_CHANGED } from '../criticism/outbox.js';
import { checkReceipt, excerptOf, forgetReceipt, keepReceipt, readReceipts, type KeptReceipt, type ReceiptVerdict } from '../criticism/receipts.js';
import { refill, walletNow, type WalletState } from '../criticism/refill.js';
import { readOutbox, schedule, unschedule, type Scheduled } from '../criticism/schedule.js';
import { NoToken, sendCriticism, type Sent } from '../criticism/send.js';
import { Answers, CriticismFigures, CriticismTarget, DaysBadge } from '../criticism/views.js';
import { browserStore, type KeyRefusal } from '../criticism/wallet.js';
import { useFormat } from '../locale.js';
import { epochOf } from '../../core/criticism.js';
import { textLimits } from '../../contract/limits.js';

const { min: MIN, max: MAX } = textLimits.criticism;
const HOUR = 3_600_000;

/** Criticism from below: what protects the author and what cannot, the form, the author's receipts, and the published criticism with the leadership's answers. */
export function CriticismPage() {
  return <RequireSession>{(me) => <Criticise me={me} />}</RequireSession>;
}
function Criticise({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const list = useResource(() => api.criticisms(orgId), [orgId]);
  const [wallet, setWallet] = useState<WalletState | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [receipts, setReceipts] = useState<KeptReceipt[]>(() => readReceipts(browserStore(), orgId));
  const [outbox, setOutbox] = useState<Scheduled[]>(() => readOutbox(browserStore(), orgId));

  // The app refills the wallet on every page load (criticism/keeper.tsx); this page waits for that attempt, or a new one on retry.
  useEffect(() => {
    let current = true;
    // The attempt may have ended before this page opened (it ran when the app loaded): what the wallet allows is read now.
    void refill(orgId, attempt > 0).then((w) => current && setWallet('quota' in w ? walletNow(orgId, w.quota, w.fingerprint) : w));
    return () => {
      current = false;
    };
  }, [orgId, attempt]);

  // Scheduled criticism is sent by whichever page is open: read the outbox and the receipts again when it changes, here or in another tab.
  useEffect(() => {
    const reread = () => {
      setOutbox(readOutbox(browserStore(), orgId));
      setReceipts(readReceipts(browserStore(), orgId));
      setWallet((w) => (w && 'quota' in w ? walletNow(orgId, w.quota, w.fingerprint) : w));
    };
    globalThis.addEventListener(OUTBOX_CHANGED, reread);
    globalThis.addEventListener('storage', reread);
    return () => {
      globalThis.removeEventListener(OUTBOX_CHANGED, reread);
      globalThis.removeEventListener('storage', reread);
    };
  }, [orgId]);

  const afterSpend = () => setWallet((w) => (w && 'quota' in w ? walletNow(orgId, w.quota, w.fingerprint) : w));
  const publishHour = list.data ? new Date(list.data.nextPublicationAt).getUTCHours() : null;

  return (
    <>
      <PageHeading title={t('criticism.title')} kicker={me.organisation.name}>
        <p className="lead">{t('criticism.lead')}</p>
      </PageHeading>
      <KeyCheck wallet={wallet} />
      <Protection list={list} />
      <CriticismForm
        orgId={orgId}
        wallet={wallet}
        waiting={outbox.length}
        publishHour={publishHour}
        onRetryWallet={() => {
          setWallet(null);
          setAttempt((a) => a + 1);
        }}
        onSent={(sent) => setReceipts(keepReceipt(browserStore(), orgId, sent.kept))}
        onScheduled={() => setOutbox(readOutbox(browserStore(), orgId))}
        // After a spend the wallet is read again, not refilled: a token request right after an anonymous criticism would tie the two in time.
        onSpent={afterSpend}
      />
      <Outbox
        orgId={orgId}
        items={outbox}
        publishHour={publishHour}
        onChange={() => {
          setOutbox(readOutbox(browserStore(), orgId));
          setReceipts(readReceipts(browserStore(), orgId));
          afterSpend();
        }}
      />
      <MyReceipts
        orgId={orgId}
        receipts={receipts}
        published={list.data?.criticisms}
        onForget={(id) => setReceipts(forgetReceipt(browserStore(), orgId, id))}
      />
      <Published orgId={orgId} list={list} />
    </>
  );
}

/** The refusals that matter now: a key of this week or the next that the page would not use. */
function refusalsOf(wallet: WalletState | null): KeyRefusal[] {
  return wallet && 'refused' in wallet ? wallet.refused : [];
}

/**
 * Key transparency on the page: the fingerprint of this week's key, as published for everyone, to
 * compare out of band; or, when the server gave this member another key, the warning.
 */
function KeyCheck({ wallet }: { wallet: WalletState | null }) {
  const { t } = useTranslation();
  const refused = refusalsOf(wallet);
  const fingerprint = wallet && 'fingerprint' in wallet ? wallet.fingerprint : null;
  return (
    <section aria-labelledby="key-heading" className="key-check">
      <h2 id="key-heading">{t('criticism.keys.title')}</h2>
      {refused.length > 0 && (
        <div className="notice notice--error" role="alert" data-testid="key-refused">
          <p className="notice__title">{t('criticism.keys.refusedTitle')}</p>
          {[...new Set(refused.map((r) => r.reason))].map((reason) => (
            <p key={reason}>{t(`criticism.keys.refused.${reason}`)}</p>
          ))}
          <ul>
            {refused.map((r) => (
              <li key={r.epoch}>
                {t('criticism.keys.refusedEpoch', { epoch: r.epoch, fingerprint: r.fingerprint ? groupedFingerprint(r.fingerprint) : '?' })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {fingerprint ? (
        <>
          <p>{t('criticism.keys.fingerprint')}</p>
          <p className="receipt__code" data-testid="key-fingerprint">
            {groupedFingerprint(fingerprint)}
          </p>
          <p className="hint">{t('criticism.keys.compare')}</p>
        </>
      ) : (
        refused.length === 0 && <p className="hint">{t('criticism.keys.unchecked')}</p>
      )}
    </section>
  );
}

/** What the design protects against and what it cannot, with the anonymity set as of the last publication. */
function Protection({ list }: { list: Resource<CriticismListDto> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const d = list.data;
  const thisWeek = d?.epochs.find((e) => e.epoch === epochOf(new Date()));
  const hour = d ? f.date(d.nextPublicationAt, { timeStyle: 'short' }) : '';
  return (
    <section aria-labelledby="protection-heading" className="protection">
      <h2 id="protection-heading">{t('criticism.protection.title')}</h2>
      <div className="cards">
        <div className="card protection__card protection__card--protects">
          <h3 className="card__title">{t('criticism.protection.protectsTitle')}</h3>
          <ul>
            <li>{t('criticism.protection.tokens', { quota: d?.quota ?? 0 })}</li>
            <li>{t('criticism.protection.ahead')}</li>
            <li>{t('criticism.protection.keys')}</li>
            <li>{t('criticism.protection.noCookie')}</li>
            <li>{t('criticism.protection.moment')}</li>
            <li>{t('criticism.protection.dateOnly')}</li>
            <li>{hour ? t('criticism.protection.batch', { hour }) : t('criticism.protection.batchNoHour')}</li>
            <li>{t('criticism.protection.counts')}</li>
            <li>{t('criticism.protection.nobody')}</li>
          </ul>
        </div>
        <div className="card protection__card protection__card--cannot">
          <h3 className="card__title">{t('criticism.protection.cannotTitle')}</h3>
          <ul>
            <li>{t('criticism.protection.operator')}</li>
            <li>{t('criticism.protection.live')}</li>
            <li>
              {t('criticism.protection.small')}
              {d && (
                <dl className="anonymity-set">
                  <div>
                    <dt>{t('criticism.protection.members')}</dt>
                    <dd>{f.number(d.members)}</dd>
                  </div>
                  <div>
                    <dt>{t('criticism.protection.holders')}</dt>
                    <dd>{f.number(thisWeek?.membersIssued ?? 0)}</dd>
                  </div>
                  <div>
                    <dt>{t('criticism.protection.issued')}</dt>
                    <dd>{f.number(thisWeek?.tokensIssued ?? 0)}</dd>
                  </div>
                </dl>
              )}
              {d && <p className="hint">{t('criticism.protection.asOf', { at: f.date(d.countsAsOf, { dateStyle: 'medium', timeStyle: 'short' }) })}</p>}
            </li>
            <li>{t('criticism.protection.style')}</li>
            <li>{t('criticism.protection.content')}</li>
            <li>{t('criticism.protection.receipts')}</li>
          </ul>
        </div>
      </div>
    </section>
  );
}

type TargetKind = CriticismSubmitBody['target']['kind'];
const targetKinds: readonly TargetKind[] = ['leadership', 'issue', 'line-version'];
type When = 'later' | 'now';
const whens: readonly When[] = ['later', 'now'];

/** The cut-off of the batch a criticism sent now joins (the end of this UTC day), and that batch's publication. */
function batchTimes(publishHour: number | null, now: number = Date.now()): { cutoff: number; batch: number | null } {
  const cutoff = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000;
  return { cutoff, batch: publishHour === null ? null : cutoff + publishHour * HOUR };
}

function CriticismForm({
  orgId,
  wallet,
  waiting,
  publishHour,
  onRetryWallet,
  onSent,
  onScheduled,
  onSpent,
}: {
  orgId: string;
  wallet: WalletState | null;
  /** Criticism kept to be sent later: each will spend one of the tokens held. */
  waiting: number;
  publishHour: number | null;
  onRetryWallet: () => void;
  onSent: (sent: Sent) => void;
  onScheduled: () => void;
  onSpent: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [kind, setKind] = useState<TargetKind>('leadership');
  const [when, setWhen] = useState<When>('later');
  const [issueId, setIssueId] = useState('');
  const [versionId, setVersionId] = useState('');
  const [text, setText] = useState('');
  const [sent, setSent] = useState<Sent | null>(null);
  const [scheduled, setScheduled] = useState<Scheduled | null>(null);
  const { busy, error, run } = useSubmission();
  const issues = useResource(() => api.issues(orgId), [orgId]);
  // Every issue's line is loaded together, so which one the member looks at is not asked for alone.
  const lines = useResource(async () => {
    if (kind !== 'line-version' || !issues.data) return null;
    const open = issues.data.issues;
    const versions = await Promise.all(open.map(async (i) => ({ issue: i, version: currentVersion((await api.line(orgId, i.id)).versions) })));
    return versions.flatMap((v) =>
      v.version ? [{ id: v.version.id, label: t('criticism.form.lineOption', { title: v.issue.title, number: v.version.number }) }] : [],
    );
  }, [orgId, kind, issues.data ? 'issues' : 'none']);
  const length = text.trim().length;
  const target: CriticismSubmitBody['target'] | null =
    kind === 'leadership' ? { kind } : kind === 'issue' ? (issueId ? { kind, issueId } : null) : versionId ? { kind, lineVersionId: versionId } : null;
  const free = wallet?.kind === 'ready' ? wallet.spendable - waiting : 0;
  const canSend = free > 0 && target !== null && length >= MIN && length <= MAX;
  const times = batchTimes(publishHour);
  const at = (ms: number) => f.date(new Date(ms).toISOString(), { dateStyle: 'medium', timeStyle: 'short' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const store = browserStore();
    if (!target || !store) return;
    setSent(null);
    setScheduled(null);
    if (when === 'later') {
      setScheduled(schedule(store, orgId, target, text));
      setText('');
      onScheduled();
      return;
    }
    await run(async () => {
      try {
        const result = await sendCriticism(store, orgId, target, text);
        setSent(result);
        setText('');
        onSent(result);
      } catch (err) {
        if (!(err instanceof NoToken)) throw err;
      } finally {
        onSpent();
      }
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('criticism.form.title')}</h2>
      <form className="form card" onSubmit={(e) => void submit(e)} aria-describedby={`${id}-wallet`}>
        <fieldset>
          <legend>{t('criticism.form.target')}</legend>
          {targetKinds.map((k) => (
            <div className="choice" key={k}>
              <input
                type="radio"
                id={`${id}-${k}`}
                name={`${id}-target`}
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
                aria-describedby={`${id}-${k}-hint`}
              />
              <label htmlFor={`${id}-${k}`}>{t(`criticism.form.kind.${k}`)}</label>
              <p className="hint" id={`${id}-${k}-hint`}>
                {t(`criticism.form.kindHint.${k}`)}
              </p>
            </div>
          ))}
        </fieldset>
        {kind === 'issue' && (
          <div className="field">
            <label htmlFor={`${id}-issue`}>{t('criticism.form.issue')}</label>
            {issues.error ? (
              <ErrorNotice error={issues.error} onRetry={issues.reload} />
            ) : (
              <select id={`${id}-issue`} value={issueId} onChange={(e) => setIssueId(e.target.value)} required>
                <option value="">{t('criticism.form.choose')}</option>
                {issues.data?.issues.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.title}
                  </option>
                ))}
              </select>
            )}
          </div>
        )}
        {kind === 'line-version' && (
          <div className="field">
            <label htmlFor={`${id}-line`}>{t('criticism.form.line')}</label>
            {lines.error ? (
              <ErrorNotice error={lines.error} onRetry={lines.reload} />
            ) : !lines.data ? (
              <Loading />
            ) : lines.data.length === 0 ? (
              <p className="hint">{t('criticism.form.noLines')}</p>
            ) : (
              <select id={`${id}-line`} value={versionId} onChange={(e) => setVersionId(e.target.value)} required>
                <option value="">{t('criticism.form.choose')}</option>
                {lines.data.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.label}
                  </option>
                ))}
              </select>
            )}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('criticism.form.text')}</label>
          <p className="hint" id={`${id}-text-hint`}>
            {t('criticism.form.textHint', { min: MIN, max: f.number(MAX) })}
          </p>
          <textarea
            id={`${id}-text`}
            aria-describedby={`${id}-text-hint ${id}-count`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={6}
            maxLength={MAX}
            minLength={MIN}
            required
          />
          <p className={length > MAX - 100 ? 'counter counter--near' : 'counter'} id={`${id}-count`}>
            {t('write.count', { count: length, max: MAX })}
          </p>
        </div>
        <fieldset>
          <legend>{t('criticism.form.when.title')}</legend>
          {whens.map((w) => (
            <div className="choice" key={w}>
              <input
                type="radio"
                id={`${id}-when-${w}`}
                name={`${id}-when`}
                value={w}
                checked={when === w}
                onChange={() => setWhen(w)}
                aria-describedby={`${id}-when-${w}-hint`}
              />
              <label htmlFor={`${id}-when-${w}`}>{t(`criticism.form.when.${w}`, { cutoff: at(times.cutoff) })}</label>
              <p className="hint" id={`${id}-when-${w}-hint`}>
                {t(`criticism.form.when.${w}Hint`, { cutoff: at(times.cutoff) })}
              </p>
            </div>
          ))}
        </fieldset>
        <div className="wallet-state">
          <p className="meta" id={`${id}-wallet`} role="status">
            <WalletLine wallet={wallet} />
          </p>
          {wallet?.kind === 'ready' && (wallet.later > 0 || waiting > 0) && (
            <p className="hint">
              {wallet.later > 0 && t('criticism.wallet.later', { count: wallet.later })}{' '}
              {waiting > 0 && t('criticism.wallet.reserved', { count: Math.min(waiting, wallet.spendable) })}
            </p>
          )}
          {wallet?.kind === 'failed' && (
            <button type="button" className="button button--secondary" onClick={onRetryWallet}>
              {t('error.retry')}
            </button>
          )}
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy || !canSend}>
          {busy ? t('criticism.form.sending') : t('criticism.form.submit')}
        </button>
      </form>
      {sent && <ReceiptNotice sent={sent} />}
      {scheduled && (
        <Success>
          <p className="notice__title">{t('criticism.scheduled.title')}</p>
          <p>
            {t('criticism.scheduled.body', {
              cutoff: at(Date.parse(scheduled.cutoff)),
              batch: publishHour === null ? at(Date.parse(scheduled.cutoff)) : at(Date.parse(scheduled.cutoff) + publishHour * HOUR),
            })}
          </p>
        </Success>
      )}
    </section>
  );
}

function WalletLine({ wallet }: { wallet: WalletState | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!wallet) return <>{t('criticism.wallet.fetching')}</>;
  const at = (iso: string) => f.date(iso, { dateStyle: 'full', timeStyle: 'short' });
  switch (wallet.kind) {
    case 'ready':
      return <>{t('criticism.wallet.ready', { count: wallet.spendable })}</>;
    case 'waiting':
      return <>{wallet.reason === 'fetched-today' ? t('criticism.wallet.tomorrow', { at: at(wallet.from) }) : t('criticism.wallet.thisPage')}</>;
    case 'empty':
      if (wallet.refused.length > 0) return <>{t('criticism.wallet.refused')}</>;
      return (
        <>
          {wallet.from
            ? t('criticism.wallet.nextWeek', { count: wallet.nextWeek, at: at(wallet.from) })
            : t('criticism.wallet.exhausted', { count: wallet.quota })}
        </>
      );
    case 'unsupported':
      return <>{t(`criticism.wallet.unsupported.${wallet.reason}`)}</>;
    case 'failed':
      return <>{t('criticism.wallet.failed')}</>;
  }
}

/** Criticism kept in this browser for its random moment: send one at once, or keep it from being sent. */
function Outbox({ orgId, items, publishHour, onChange }: { orgId: string; items: Scheduled[]; publishHour: number | null; onChange: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { busy, error, run } = useSubmission();
  if (items.length === 0) return null;
  const at = (ms: number) => f.date(new Date(ms).toISOString(), { dateStyle: 'medium', timeStyle: 'short' });

  async function sendNow(item: Scheduled) {
    const store = browserStore();
    if (!store) return;
    await run(async () => {
      try {
        const sent = await sendCriticism(store, orgId, item.target, item.text);
        keepReceipt(store, orgId, sent.kept);
        unschedule(store, orgId, item.id);
      } finally {
        onChange();
      }
    });
  }

  return (
    <section aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">{t('criticism.outbox.title')}</h2>
      <p className="hint">{t('criticism.outbox.hint')}</p>
      {error && <ErrorNotice error={error} />}
      <ul className="plain-list" aria-labelledby="outbox-heading">
        {items.map((item) => (
          <li key={item.id} className="card receipt-item" data-testid="outbox-item">
            <p className="receipt-item__excerpt">
              <q>{excerptOf(item.text)}</q>
            </p>
            <p className="meta">
              {t('criticism.outbox.before', {
                cutoff: at(Date.parse(item.cutoff)),
                batch: at(Date.parse(item.cutoff) + (publishHour ?? 0) * HOUR),
              })}
            </p>
            <div className="actions">
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => void sendNow(item)}>
                {t('criticism.outbox.sendNow')}
              </button>
              <button
                type="button"
                className="button button--secondary"
                disabled={busy}
                onClick={() => {
                  const store = browserStore();
                  if (store) unschedule(store, orgId, item.id);
                  onChange();
                }}
              >
                {t('criticism.outbox.cancel')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReceiptNotice({ sent }: { sent: Sent }) {
  const { t } = useTranslation();
  const f = useFormat();
  const r = sent.receipt;
  return (
    <Success>
      <p className="notice__title">{t('criticism.sent.title')}</p>
      <p>{t('criticism.sent.batch', { at: f.date(r.publishesAt, { dateStyle: 'full', timeStyle: 'short' }) })}</p>
      <ReceiptFields receipt={sent.kept} />
      {sent.hashMatches ? <p>{t('criticism.sent.hashMatches')}</p> : <p className="verdict verdict--mismatch">{t('criticism.sent.hashDiffers')}</p>}
      <p>{t('criticism.sent.kept')}</p>
    </Success>
  );
}

function ReceiptFields({ receipt }: { receipt: KeptReceipt }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <dl className="receipt">
      <div>
        <dt>{t('criticism.receipt.writtenOn')}</dt>
        <dd>{f.date(receipt.writtenOn, { dateStyle: 'medium', timeZone: 'UTC' })}</dd>
      </div>
      <div>
        <dt>{t('criticism.receipt.id')}</dt>
        <dd className="receipt__code" data-testid="receipt-id">
          {receipt.id}
        </dd>
      </div>
      <div>
        <dt>{t('criticism.receipt.hash')}</dt>
        <dd className="receipt__code">{receipt.contentHash}</dd>
      </div>
    </dl>
  );
}

/** The member's receipts, kept in this browser: check each against the server and the published words. */
function MyReceipts({
  orgId,
  receipts,
  published,
  onForget,
}: {
  orgId: string;
  receipts: KeptReceipt[];
  published: CriticismDto[] | undefined;
  onForget: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="receipts-heading">
      <h2 id="receipts-heading">{t('criticism.receipts.title')}</h2>
      <p className="hint">{t('criticism.receipts.hint')}</p>
      {receipts.length === 0 ? (
        <Empty title={t('criticism.receipts.none')} />
      ) : (
        <ul className="plain-list" aria-labelledby="receipts-heading">
          {receipts.map((r) => (
            <ReceiptItem key={r.id} orgId={orgId} receipt={r} published={published} onForget={() => onForget(r.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReceiptItem({
  orgId,
  receipt,
  published,
  onForget,
}: {
  orgId: string;
  receipt: KeptReceipt;
  published: CriticismDto[] | undefined;
  onForget: () => void;
}) {
  const { t } = useTranslation();
  const [verdict, setVerdict] = useState<ReceiptVerdict | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function check() {
    setBusy(true);
    setError(null);
    try {
      setVerdict(await checkReceipt(orgId, receipt, published));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card receipt-item">
      <p className="receipt-item__excerpt">
        <q>{receipt.excerpt}</q>
      </p>
      <ReceiptFields receipt={receipt} />
      <div className="actions">
        <button type="button" className="button button--secondary" onClick={() => void check()} disabled={busy}>
          {t('criticism.receipts.check')}
        </button>
        <button type="button" className="button button--secondary" onClick={onForget}>
          {t('criticism.receipts.forget')}
        </button>
      </div>
      <div role="status">{verdict && <Verdict verdict={verdict} />}</div>
      {error && <ErrorNotice error={error} />}
    </li>
  );
}

function Verdict({ verdict }: { verdict: ReceiptVerdict }) {
  const { t } = useTranslation();
  const f = useFormat();
  switch (verdict.kind) {
    case 'published':
      return (
        <p className="verdict verdict--ok">
          {t(verdict.compared ? 'criticism.verdict.published' : 'criticism.verdict.publishedUncompared', { position: verdict.position ?? '?' })}
        </p>
      );
    case 'pending':
      return (
        <p className="verdict verdict--pending">
          {t('criticism.verdict.pending', { at: f.date(verdict.publishesAt, { dateStyle: 'full', timeStyle: 'short' }) })}
        </p>
      );
    case 'mismatch':
      return <p className="verdict verdict--mismatch">{t(`criticism.verdict.mismatch.${verdict.what}`)}</p>;
    case 'missing':
      return <p className="verdict verdict--mismatch">{t('criticism.verdict.missing')}</p>;
  }
}

/** The published criticism with its seconds and answers, the bureaucracy figure, and the token counts. */
function Published({ orgId, list }: { orgId: string; list: Resource<CriticismListDto> }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="published-heading">
      <h2 id="published-heading">{t('criticism.published.title')}</h2>
      <Loaded resource={list}>
        {(d) => (
          <>
            <CriticismFigures list={d} />
            {d.criticisms.length === 0 ? (
              <Empty title={t('criticism.published.none')} />
            ) : (
              <ul className="plain-list criticism-list" aria-labelledby="published-heading">
                {[...d.criticisms]
                  .sort((a, b) => b.chain.position - a.chain.position)
                  .map((c) => (
                    <PublishedItem
                      key={c.id}
                      orgId={orgId}
                      criticism={c}
                      onSeconded={(next) => list.set({ ...d, criticisms: d.criticisms.map((x) => (x.id === c.id ? { ...x, ...next } : x)) })}
                    />
                  ))}
              </ul>
            )}
            <TokenCounts list={d} />
          </>
        )}
      </Loaded>
    </section>
  );
}

function PublishedItem({
  orgId,
  criticism: c,
  onSeconded,
}: {
  orgId: string;
  criticism: CriticismDto;
  onSeconded: (s: { seconds: number; secondedByMe: boolean }) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { busy, error, run } = useSubmission();
  const headingId = `criticism-${c.id}`;
  return (
    <li className="card criticism" aria-labelledby={headingId}>
      <h3 className="criticism__target" id={headingId}>
        <CriticismTarget target={c.target} />
      </h3>
      <p className="criticism__text prewrap">{c.text}</p>
      <p className="meta">
        {t('criticism.item.dates', { written: f.date(c.writtenOn, { dateStyle: 'medium', timeZone: 'UTC' }), published: f.date(c.publishedAt) })}{' '}
        <DaysBadge criticism={c} />
      </p>
      <div className="criticism__seconds">
        <span>{t('criticism.item.seconds', { count: c.seconds })}</span>
        <button
          type="button"
          className="button button--secondary"
          aria-pressed={c.secondedByMe}
          disabled={busy}
          onClick={() => void run(async () => onSeconded(await api.second(orgId, c.id, !c.secondedByMe)))}
        >
          {c.secondedByMe ? t('criticism.item.withdraw') : t('criticism.item.second')}
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      <Answers criticism={c} />
    </li>
  );
}

function TokenCounts({ list }: { list: CriticismListDto }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    // Not a region of its own: the table's scrolling region already carries this name.
    <div className="token-counts">
      <h3 id="tokens-heading">{t('criticism.tokens.title')}</h3>
      <p className="hint">{t('criticism.tokens.hint', { quota: list.quota, at: f.date(list.countsAsOf, { dateStyle: 'medium', timeStyle: 'short' }) })}</p>
      {list.epochs.length === 0 ? (
        <p>{t('criticism.tokens.none')}</p>
      ) : (
        <TableWrap label={t('criticism.tokens.title')}>
          <table>
            <caption className="visually-hidden">{t('criticism.tokens.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('criticism.tokens.epoch')}</th>
                <th scope="col">{t('criticism.tokens.issued')}</th>
                <th scope="col">{t('criticism.tokens.members')}</th>
                <th scope="col">{t('criticism.tokens.spent')}</th>
                <th scope="col">{t('criticism.tokens.ceiling')}</th>
              </tr>
            </thead>
            <tbody>
              {list.epochs.map((e) => (
                <tr key={e.epoch}>
                  <th scope="row">
                    <WeekOf epoch={e.epoch} />
                  </th>
                  <td>{f.number(e.tokensIssued)}</td>
                  <td>{f.number(e.membersIssued)}</td>
                  <td>{f.number(e.tokensSpent)}</td>
                  <td>
                    {f.number(e.ceiling)}
                    {e.tokensIssued > e.ceiling && (
                      <>
                        {' '}
                        <span className="badge badge--warning">{t('criticism.tokens.overCeiling')}</span>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

/** "week of 23 Nov 2026", with the ISO week the server names it by. */
function WeekOf({ epoch }: { epoch: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const monday = mondayOfEpoch(epoch);
  if (!monday) return <>{epoch}</>;
  return (
    <>
      {t('criticism.tokens.weekOf', { date: f.date(monday, { dateStyle: 'medium', timeZone: 'UTC' }) })} <span className="hint">({epoch})</span>
    </>
  );
}
