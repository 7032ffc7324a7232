/** The scripted coder sessions: the three apps (each ends at its fixture) and the hostile ones. */
import type { FixtureApp } from './fixture-apps.ts';
import { pomodoroSession } from './pomodoro.ts';
import type { ScriptedSession } from './session.ts';
import { shortenerSession } from './shortener.ts';
import { snakeSession } from './snake.ts';

export const APP_SESSIONS: Record<FixtureApp, () => ScriptedSession> = {
  snake: snakeSession,
  pomodoro: pomodoroSession,
  shortener: shortenerSession,
};

export { FIXTURE_APPS, finalFiles, type FixtureApp } from './fixture-apps.ts';
export { hostileSessions, INJECTED_NOTE, type HostileSession } from './hostile.ts';
export { call, filesWritten, playSession, ROUND_OPENINGS, type ScriptedSession, type SessionPlayer } from './session.ts';
