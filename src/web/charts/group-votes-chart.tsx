import { useCallback } from 'react';
import * as Plot from '@observablehq/plot';
import { voteKinds, type GroupVoteSeries } from './group-votes-series.js';
import { voteColours } from './palette.js';
import { PlotFigure } from './plot-figure.js';

/** One bar per group, split into the shares that agree, pass and disagree. */
export function GroupVotesChart({
  series,
  label,
  voteLabels,
}: {
  series: GroupVoteSeries;
  label: string;
  voteLabels: Record<(typeof voteKinds)[number], string>;
}) {
  const draw = useCallback(
    (width: number) =>
      Plot.plot({
        width,
        height: 26 * series.groups.length + 28,
        marginLeft: 28,
        marginTop: 4,
        x: { domain: [0, 1], tickFormat: '.0%', ticks: width < 400 ? 2 : 4, label: null },
        y: { label: null, domain: series.groups.map((g) => g.group) },
        color: { domain: voteKinds.map((v) => voteLabels[v]), range: voteKinds.map((v) => voteColours[v]) },
        marks: [
          Plot.barX(
            series.rows,
            Plot.stackX({
              x: 'share',
              y: 'group',
              fill: (r: { vote: (typeof voteKinds)[number] }) => voteLabels[r.vote],
              order: voteKinds.map((v) => voteLabels[v]),
            }),
          ),
          Plot.ruleX([0]),
        ],
      }),
    [series, voteLabels],
  );
  return <PlotFigure draw={draw} label={label} className="plot plot--bars" />;
}
