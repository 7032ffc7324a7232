/**
 * What a person at a terminal sees while agents work: one spinner line for the running agent with
 * its latest activity and elapsed time, and a finished line per agent run. Off a TTY the same events
 * become plain lines on stderr. Colour follows `color` (see terminal-color.ts): ora's own symbols and spinner
 * colours come from chalk, which ignores NO_COLOR, so this view draws them itself.
 */
import ora, { spinners, type Ora } from 'ora';
import type { LiveFeed } from '../core/agent.ts';
import { painter } from './terminal-color.ts';

export interface ProgressView {
  stop(): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function showProgress(
  feed: LiveFeed,
  taskId: () => string | null,
  opts: { tty: boolean; color: boolean; write: (line: string) => void; stream?: NodeJS.WriteStream },
): ProgressView {
  const paint = painter(opts.color);
  const stream = opts.stream ?? process.stderr;
  const frames = { interval: spinners.dots.interval, frames: spinners.dots.frames.map((f) => paint('cyan', f)) };
  const mark = (done: boolean) => (done ? paint('green', '✔') : paint('red', '✖'));
  let spinner: Ora | null = null;
  let current: { agent: string; started: number; detail: string } | null = null;
  const tick = setInterval(() => {
    if (spinner && current) spinner.text = `${current.agent} ${seconds(Date.now() - current.started)}  ${current.detail}`;
  }, 200);

  const off = feed.on((m) => {
    if (!('task_id' in m) || m.task_id !== taskId()) {
      if (m.type !== 'event' || m.event.task_id !== taskId()) return;
    }
    if (m.type === 'agent_status') {
      if (m.status === 'running') {
        current = { agent: m.agent_name, started: Date.now(), detail: '' };
        if (opts.tty) spinner = ora({ text: m.agent_name, stream, color: false, spinner: frames }).start();
        else opts.write(`… ${m.agent_name} started`);
      } else {
        const line = `${m.agent_name} ${m.status === 'done' ? 'done' : 'failed'} in ${seconds(m.duration_ms ?? 0)}`;
        if (spinner) {
          spinner.stopAndPersist({ symbol: mark(m.status === 'done'), text: line });
          spinner = null;
        } else opts.write(`${mark(m.status === 'done')} ${line}`);
        current = null;
      }
    } else if (m.type === 'agent_log' && current) {
      current.detail = m.message.slice(0, 100);
      if (!opts.tty && m.level !== 'info') opts.write(`  ${m.agent_name}: ${m.message}`);
    } else if (m.type === 'progress' && current && m.total_estimated_files > 0) {
      current.detail = `${m.files_created}/${m.total_estimated_files} files`;
    }
  });

  return {
    stop() {
      clearInterval(tick);
      off();
      spinner?.stop();
    },
  };
}
