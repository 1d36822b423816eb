import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError, type MeDto, type PrincipalDto, type UnitedFrontDto } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { groupLabels } from '../../analysis/findings.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { TableWrap } from '../../components/table-wrap.js';
import { Empty, Loaded } from '../../components/states.js';
import { useFormat } from '../../locale.js';
import { waveringMinResponders as minResponders } from '../../../core/model/principal.js';

/** MODEL.md §6: the open issues ranked, with their reasons; and the united front around an issue's line. */
export function PrincipalPage() {
  return <RequireSession role="organiser">{(me) => <Principal me={me} />}</RequireSession>;
}

function Principal({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const ranking = useResource(() => api.principal(orgId), [orgId]);
  return (
    <>
      <PageHeading title={t('principal.title')} kicker={me.organisation.name} />
      <p className="lead">{t('principal.lead')}</p>
      <Loaded resource={ranking}>
        {(d) =>
          d.ranking.length === 0 ? (
            <Empty title={t('principal.noIssues')} />
          ) : (
            <>
              <Ranking ranking={d} />
              <Front orgId={orgId} ranking={d} />
            </>
          )
        }
      </Loaded>
    </>
  );
}

function Ranking({ ranking }: { ranking: PrincipalDto }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{t('principal.rankingTitle')}</h2>
      <ol className="ranking">
        {ranking.ranking.map((r) => (
          <li key={r.issueId} className={r.rank === 1 ? 'card ranking__item is-principal' : 'card ranking__item'}>
            <h3>
              {r.rank === 1 && <span className="badge badge--principal">{t('principal.principal')}</span>}{' '}
              <Link href={`/organise/issues/${r.issueId}`}>{r.title}</Link>
            </h3>
            <ul className="reasons">
              {r.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      <p className="hint">{ranking.how}</p>
    </section>
  );
}

function Front({ orgId, ranking }: { orgId: string; ranking: PrincipalDto }) {
  const { t } = useTranslation();
  const [issueId, setIssueId] = useState(ranking.principal?.issueId ?? ranking.ranking[0]?.issueId ?? '');
  const front = useResource(async () => {
    const [view, analysis] = await Promise.all([
      api.unitedFront(orgId, issueId),
      api.analysis(orgId, issueId).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    ]);
    return { view, labels: analysis ? groupLabels(analysis.snapshot.groups) : new Map<string, string>() };
  }, [orgId, issueId]);
  return (
    <section aria-labelledby="front-heading">
      <h2 id="front-heading">{t('principal.frontTitle')}</h2>
      <div className="field field--inline">
        <label htmlFor="front-issue">{t('principal.frontIssue')}</label>
        <select id="front-issue" value={issueId} onChange={(e) => setIssueId(e.target.value)}>
          {ranking.ranking.map((r) => (
            <option key={r.issueId} value={r.issueId}>
              {r.title}
            </option>
          ))}
        </select>
      </div>
      <Loaded resource={front}>{(d) => <FrontView front={d.view} labels={d.labels} />}</Loaded>
    </section>
  );
}

function FrontView({ front, labels }: { front: UnitedFrontDto; labels: Map<string, string> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const rate = (r: number | null) => (r === null ? '—' : f.percent(r));
  return (
    <>
      {front.lineVersionId === null ? (
        <Empty title={t('principal.noLine')} />
      ) : (
        <div className="cards">
          <section className="card" aria-labelledby="bloc-heading">
            <h3 id="bloc-heading">{t('principal.bloc')}</h3>
            {front.bloc.groups.length + front.bloc.constituencies.length === 0 ? (
              <p>{t('principal.emptyBloc')}</p>
            ) : (
              <ul>
                {front.bloc.groups.map((g) => (
                  <li key={g.groupId}>{t('principal.blocGroup', { group: labels.get(g.groupId) ?? g.groupId, rate: rate(g.rate), count: g.members })}</li>
                ))}
                {front.bloc.constituencies.map((c) => (
                  <li key={c.constituency}>{t('principal.blocConstituency', { constituency: c.constituency, rate: rate(c.rate) })}</li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
      <h3>{t('principal.constituencies')}</h3>
      {front.constituencies.length === 0 ? (
        <Empty title={t('principal.noConstituencies')} />
      ) : (
        <TableWrap label={t('principal.constituenciesTable')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('members.constituency')}</th>
                <th scope="col">{t('principal.share')}</th>
                <th scope="col">{t('principal.standing')}</th>
                <th scope="col">{t('principal.embrace')}</th>
                <th scope="col">{t('principal.steadiness')}</th>
              </tr>
            </thead>
            <tbody>
              {front.constituencies.map((c) => (
                <tr key={c.constituency}>
                  <th scope="row">{c.constituency}</th>
                  <td>{t('principal.shareOf', { share: f.percent(c.share), count: c.members })}</td>
                  <td>{t(`principal.standings.${c.standing}`)}</td>
                  <td>
                    {c.status === 'not-yet-heard' ? t('principal.notYetHeard', { count: c.responders, needed: c.needed }) : rate(c.rate)}
                    {c.inBloc && <> · {t('principal.inBloc')}</>}
                  </td>
                  <td>
                    {c.wavering ? (
                      <span className="badge badge--warning">{t('principal.wavering')}</span>
                    ) : c.steady ? (
                      t('principal.steady')
                    ) : c.tooFewToTell ? (
                      t('principal.tooFewToTell', { min: minResponders })
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h3>{t('principal.setAside')}</h3>
      <p className="hint">{t('principal.setAsideHint')}</p>
      {front.setAside.length === 0 ? (
        <Empty title={t('principal.nothingSetAside')} />
      ) : (
        <ul className="plain-list">
          {front.setAside.map((s) => (
            <li key={s.statementId} className="card">
              {s.text ?? t('map.hiddenStatement')}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
