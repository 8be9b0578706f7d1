import { runsAhead } from '../../../scripts/github/integ-turn';

test('runsAhead: the runs not completed that started earlier, or at once with a lower id', () => {
  const run = (id: number, status: string, at: string) => ({ id, status, run_started_at: at });
  const me = run(5, 'in_progress', '2026-07-20T12:00:00Z');
  const runs = [
    run(1, 'in_progress', '2026-07-20T11:00:00Z'),
    run(2, 'completed', '2026-07-20T11:00:00Z'),
    run(3, 'queued', '2026-07-20T12:00:00Z'),
    run(7, 'queued', '2026-07-20T12:00:00Z'),
    run(4, 'in_progress', '2026-07-20T13:00:00Z'),
    me,
  ];
  expect(runsAhead(runs, me).map((r) => r.id)).toEqual([1, 3]);
});
