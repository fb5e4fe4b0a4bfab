export {
  applySchedule,
  type AppliedSchedule,
  DEFAULT_ROUTINE_TIME,
  describeSchedule,
  NIGHTLY_SCHEDULE_ID,
  type NightlyScheduleOptions,
  ROUTINE_PACING,
  scheduleView,
  type ScheduleView,
} from './nightly-schedule';
export { runRoutineNow, type RunRoutineOptions, type StartedRoutine } from './run-routine';
