/** The explorer's repository analyzer: clone a git repository, then analyse the checkout. */
export { analyzeRepository, type AnalyzeOptions, type DependencyAudit } from './analyze.ts';
export { cloneRepository, parseCloneTarget, type AnalysisDepth, type ClonedRepository, type CloneOptions } from './clone.ts';
