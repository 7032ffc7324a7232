/**
 * CPU limits for process-mode previews through the kernel's CPU controller: a cgroup per preview
 * (`catalyst-previews/<task_id>`) with a CFS quota of `cpus` × the period. The supervisor joins the group
 * before it starts the app, so the app, its sandbox and its children are all inside. Only a process that
 * may write to the controller (root, or a delegated cgroup v2 subtree) can do this; `findCpuController`
 * says why not otherwise, and the preview then runs with memory limits only.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CpuController {
  version: 1 | 2;
  /** The folder preview groups are made in. */
  parent: string;
}

const PERIOD_US = 100_000;
const GROUP_FOLDER = 'catalyst-previews';
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Where the CPU controller is mounted on common hosts: cgroup v2 unified, or v1's own hierarchy. */
export const CPU_CONTROLLER_MOUNTS: readonly { version: 1 | 2; root: string }[] = [
  { version: 2, root: '/sys/fs/cgroup' },
  { version: 1, root: '/sys/fs/cgroup/cpu' },
  { version: 1, root: '/sys/fs/cgroup/cpu,cpuacct' },
];

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
}

/** The first mount that offers the CPU controller to this process, or why none does. */
export async function findCpuController(
  mounts: readonly { version: 1 | 2; root: string }[] = CPU_CONTROLLER_MOUNTS,
): Promise<{ controller: CpuController } | { controller: null; reason: string }> {
  const tried: string[] = [];
  for (const { version, root } of mounts) {
    if (version === 2) {
      const controllers = await readFile(join(root, 'cgroup.controllers'), 'utf8').catch(() => null);
      if (controllers === null) continue;
      if (!controllers.split(/\s+/).includes('cpu')) {
        tried.push(`${root} (cgroup v2 without the cpu controller)`);
        continue;
      }
    } else if ((await readFile(join(root, 'cpu.cfs_quota_us'), 'utf8').catch(() => null)) === null) {
      continue;
    }
    if (!(await writable(root))) {
      tried.push(`${root} (not writable by this user)`);
      continue;
    }
    return { controller: { version, parent: join(root, GROUP_FOLDER) } };
  }
  return {
    controller: null,
    reason: tried.length > 0 ? `no writable cgroup CPU controller: ${tried.join('; ')}` : 'no cgroup CPU controller is mounted',
  };
}

export function cpuGroupPath(controller: CpuController, taskId: string): string {
  if (!TASK_ID.test(taskId)) throw new Error(`not a task id: ${JSON.stringify(taskId)}`);
  return join(controller.parent, taskId);
}

/** Makes (or reuses) the task's group with a quota of `cpus` CPUs and returns its folder. */
export async function createCpuGroup(controller: CpuController, taskId: string, cpus: number): Promise<string> {
  const group = cpuGroupPath(controller, taskId);
  const quota = String(Math.max(1_000, Math.round(cpus * PERIOD_US)));
  if (controller.version === 2) {
    // v2 hands a controller down one level at a time: the root enables it for catalyst-previews, that for each group.
    await writeFile(join(controller.parent, '..', 'cgroup.subtree_control'), '+cpu').catch(() => undefined);
    await mkdir(controller.parent, { recursive: true });
    await writeFile(join(controller.parent, 'cgroup.subtree_control'), '+cpu');
    await mkdir(group, { recursive: true });
    await writeFile(join(group, 'cpu.max'), `${quota} ${PERIOD_US}`);
  } else {
    await mkdir(group, { recursive: true });
    await writeFile(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
    await writeFile(join(group, 'cpu.cfs_quota_us'), quota);
  }
  return group;
}

/** Moves a process (and so everything it starts afterwards) into the group. */
export async function joinCpuGroup(group: string, pid: number): Promise<void> {
  await writeFile(join(group, 'cgroup.procs'), String(pid));
}

/** Removes the group once its processes are gone; a group still in use stays (the kernel refuses). */
export async function removeCpuGroup(controller: CpuController, taskId: string): Promise<void> {
  await rmdir(cpuGroupPath(controller, taskId)).catch(() => undefined);
}

/** The quota a group enforces, in CPUs, as the kernel reports it. */
export async function cpuQuotaOf(controller: CpuController, group: string): Promise<number | null> {
  if (controller.version === 2) {
    const [quota, period] = (await readFile(join(group, 'cpu.max'), 'utf8')).trim().split(/\s+/);
    return quota === 'max' ? null : Number(quota) / Number(period);
  }
  const quota = Number((await readFile(join(group, 'cpu.cfs_quota_us'), 'utf8')).trim());
  const period = Number((await readFile(join(group, 'cpu.cfs_period_us'), 'utf8')).trim());
  return quota < 0 ? null : quota / period;
}
