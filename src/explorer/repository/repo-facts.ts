/**
 * What a file's path (and for licenses and READMEs, its text) says about a repository: tests, CI,
 * containers, license, documentation.
 */
import { posix } from 'node:path';
import type { RepositorySection } from '../../contracts/explorer.ts';

export function isTestFile(path: string): boolean {
  const name = posix.basename(path);
  if (/\.(test|spec|e2e)\.[cm]?[jt]sx?$/.test(name)) return true;
  if (/^test_.+\.py$|_test\.py$|_test\.go$|_spec\.rb$|_test\.rb$|Tests?\.(java|kt|cs|php)$/.test(name)) return true;
  // Code inside a test folder (fixtures and helpers included: they belong to the tests).
  return /(^|\/)(test|tests|__tests__|spec|e2e|cypress)\//.test(path) && /\.([cm]?[jt]sx?|py|go|rb|java|kt|cs|php|rs|exs?)$/.test(name);
}

const CI_FILES: ReadonlyArray<[RegExp, string]> = [
  [/^\.github\/workflows\/[^/]+\.ya?ml$/, 'GitHub Actions'],
  [/^\.gitlab-ci\.ya?ml$/, 'GitLab CI'],
  [/^\.circleci\/config\.ya?ml$/, 'CircleCI'],
  [/^Jenkinsfile$/, 'Jenkins'],
  [/^azure-pipelines\.ya?ml$/, 'Azure Pipelines'],
  [/^\.travis\.ya?ml$/, 'Travis CI'],
  [/^bitbucket-pipelines\.ya?ml$/, 'Bitbucket Pipelines'],
  [/^\.drone\.ya?ml$/, 'Drone CI'],
  [/^\.buildkite\/.+\.ya?ml$/, 'Buildkite'],
  [/^\.woodpecker(\.ya?ml|\/.+\.ya?ml)$/, 'Woodpecker CI'],
];

export function ciSystem(path: string): string | null {
  return CI_FILES.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}

export function dockerKind(path: string): 'Docker' | 'Docker Compose' | null {
  const name = posix.basename(path);
  if (/^Dockerfile(\..+)?$|\.dockerfile$|^Containerfile$/i.test(name)) return 'Docker';
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/i.test(name)) return 'Docker Compose';
  return null;
}

export function isLicenseFile(path: string): boolean {
  return !path.includes('/') && /^(LICEN[CS]E|COPYING|UNLICENSE)([.-][\w.-]+)?$/i.test(path);
}

export function isReadme(path: string): boolean {
  return !path.includes('/') && /^readme(\.(md|markdown|rst|txt|adoc|org))?$/i.test(path);
}

export function isLockfile(path: string): boolean {
  return /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|poetry\.lock|Pipfile\.lock|uv\.lock|Cargo\.lock|go\.sum|Gemfile\.lock|composer\.lock)$/.test(
    path,
  );
}

/** The SPDX id a license text reads as, by the sentences each license is known by. */
export function licenseFromText(text: string): string | null {
  const t = text.replace(/\s+/g, ' ');
  if (/GNU AFFERO GENERAL PUBLIC LICENSE/i.test(t)) return 'AGPL-3.0';
  if (/GNU LESSER GENERAL PUBLIC LICENSE/i.test(t)) return /Version 2\.1/i.test(t) ? 'LGPL-2.1' : 'LGPL-3.0';
  if (/GNU GENERAL PUBLIC LICENSE/i.test(t)) return /Version 2\b/i.test(t) && !/Version 3\b/i.test(t) ? 'GPL-2.0' : 'GPL-3.0';
  if (/Apache License/i.test(t) && /Version 2\.0/i.test(t)) return 'Apache-2.0';
  if (/Mozilla Public License,? (Version|v\.?) ?2\.0/i.test(t)) return 'MPL-2.0';
  if (/Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(t)) return 'MIT';
  if (/Permission to use, copy, modify, and\/or distribute this software for any purpose/i.test(t)) return 'ISC';
  if (/Redistribution and use in source and binary forms/i.test(t)) {
    return /Neither the name|names of its contributors may be used/i.test(t) ? 'BSD-3-Clause' : 'BSD-2-Clause';
  }
  if (/This is free and unencumbered software released into the public domain/i.test(t)) return 'Unlicense';
  if (/Creative Commons/i.test(t)) return 'CC';
  return null;
}

export function readmeQuality(text: string | null): RepositorySection['readme_quality'] {
  if (text === null) return 'missing';
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  return lines < 20 ? 'minimal' : 'good';
}
