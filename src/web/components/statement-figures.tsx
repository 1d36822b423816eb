import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnalysisDto } from '../api/client.js';
import { GroupVotesChart } from '../charts/group-votes-chart.js';
import { groupVoteSeries } from '../charts/group-votes-series.js';

/** How each group voted on one statement: a stacked bar per group, and the same figures as text. */
export function GroupVotes({ analysis, statementId }: { analysis: AnalysisDto; statementId: string }) {
  const { t } = useTranslation();
  const series = useMemo(() => groupVoteSeries(analysis.snapshot, statementId), [analysis, statementId]);
  const voteLabels = useMemo(() => ({ agree: t('vote.agree'), pass: t('vote.pass'), disagree: t('vote.disagree') }), [t]);
  if (series.groups.length === 0) return null;
  return (
    <div className="group-votes">
      <GroupVotesChart series={series} voteLabels={voteLabels} label={t('map.groupVotesLabel')} />
      <ul className="group-votes__text">
        {series.groups.map((g) => (
          <li key={g.group}>{t('map.groupVotes', { group: g.group, agree: g.agree, disagree: g.disagree, pass: g.pass, count: g.voters })}</li>
        ))}
      </ul>
    </div>
  );
}
