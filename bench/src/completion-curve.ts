// Cards done over time, as stored in the results: the sorted finish times thinned to a few hundred points
// (the chart draws from every finish time; the JSON needs only the shape).

const MAX_POINTS = 300;

/** [seconds since the start, cards done by then], first and last card included. */
export function completionCurve(endsMs: readonly number[]): [number, number][] {
  const sorted = [...endsMs].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(sorted.length / MAX_POINTS));
  const points: [number, number][] = [];
  for (let i = 0; i < sorted.length; i += step) points.push([round(sorted[i] as number), i + 1]);
  const last = sorted.length - 1;
  if (last >= 0 && (last % step !== 0 || points.length === 0))
    points.push([round(sorted[last] as number), last + 1]);
  return points;
}

function round(ms: number): number {
  return Math.round(ms) / 1000;
}
