import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, type LineVersionDto, type MeDto } from '../api/client.js';
import { useSubmission } from '../api/use-submission.js';
import { useResource } from '../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../api/use-live.js';
import { ClaimList, currentVersion, VersionMarks } from '../components/claims.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { Empty, ErrorNotice, Loaded, Success } from '../components/states.js';
import { endorsementKinds, type EndorsementKind } from '../../core/vocabulary.js';
import { textLimits } from '../../contract/limits.js';

/** The published line, and the member's answer to it: embrace, critique or propose an amendment. */
export function LinePage() {
  return <RequireSession>{(me) => <Line me={me} />}</RequireSession>;
}

function Line({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const issues = useResource(() => api.issues(orgId), [orgId]);
  const line = useResource(() => api.line(orgId, issueId), [orgId, issueId]);
  useLiveReload(line.reload, (e) => concernsIssue(e, issueId, ['line']));
  const title = issues.data?.issues.find((i) => i.id === issueId)?.title;
  return (
    <>
      <PageHeading title={t('line.title')} kicker={title} back={{ href: `/issues/${issueId}`, label: t('vote.back') }} />
      <Loaded resource={line}>
        {({ versions }) => {
          const version = currentVersion(versions);
          if (!version) {
            return (
              <Empty title={t('line.noneTitle')}>
                <p>{t('line.none')}</p>
              </Empty>
            );
          }
          return (
            <>
              <p className="meta">
                {t('line.version', { number: version.number, cycle: version.cycleNumber })}
                {version.publishedAt && <> · {t('line.publishedAt', { at: version.publishedAt })}</>}
              </p>
              <VersionMarks version={version} />
              <ClaimList version={version} />
              <Endorse orgId={orgId} version={version} issueId={issueId} />
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function Endorse({ orgId, version, issueId }: { orgId: string; version: LineVersionDto; issueId: string }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<EndorsementKind>('embrace');
  const [text, setText] = useState('');
  const [done, setDone] = useState<EndorsementKind | null>(null);
  const { busy, error, run } = useSubmission();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const r = await api.endorse(orgId, version.id, kind === 'embrace' ? { kind } : { kind, text: text.trim() });
      setDone(r.kind);
    });
  }

  return (
    <form className="form card" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>{t('line.answerLegend')}</legend>
        {endorsementKinds.map((k) => (
          <div className="choice" key={k}>
            <input
              type="radio"
              id={`${id}-${k}`}
              name={`${id}-kind`}
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
              aria-describedby={`${id}-${k}-hint`}
            />
            <label htmlFor={`${id}-${k}`}>{t(`line.kind.${k}`)}</label>
            <p className="hint" id={`${id}-${k}-hint`}>
              {t(`line.kindHint.${k}`)}
            </p>
          </div>
        ))}
      </fieldset>
      {kind !== 'embrace' && (
        <div className="field">
          <label htmlFor={`${id}-text`}>{t(`line.textLabel.${kind}`)}</label>
          <textarea
            id={`${id}-text`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={5}
            required
            minLength={textLimits.endorsement.min}
            maxLength={textLimits.endorsement.max}
          />
        </div>
      )}
      {error && <ErrorNotice error={error} />}
      <button type="submit" className="button" disabled={busy}>
        {t('line.submit')}
      </button>
      {done && (
        <Success>
          <p className="notice__title">{t(`line.done.${done}`)}</p>
          <p>
            <Link href={`/issues/${issueId}/practice`}>{t('line.toPractice')}</Link>
          </p>
        </Success>
      )}
    </form>
  );
}
